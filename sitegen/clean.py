"""Clean: turn raw body lines into structured blocks, dropping WeChat furniture by named rules.

The export hard-wraps text at about 80 columns and carries the account's boilerplate
around the interview. Everything here is a pure function of the lines, so each rule
is tested on small inline texts.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlparse

from .dialogue import Labelled, group_turns, split_label
from .errors import InputError
from .model import (
    Attribution,
    Block,
    BulletList,
    Cleaned,
    Heading,
    Image,
    Line,
    Paragraph,
    Quote,
    Rule,
    Timeline,
    TimelineEntry,
)
from .parse import is_safe_url

HEADING = re.compile(r"^(?P<hashes>#{1,6})\s*(?P<text>.*?)\s*#*\s*$")
RULE_LINE = re.compile(r"^\s*([*_-])(\s*\1){2,}\s*$")
LIST_ITEM = re.compile(r"^\s*[*+-]\s+(?P<text>\S.*)$")
IMAGE = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<url>\S+?)\)$")
TIMELINE = re.compile(r"^[*_\s]*[(（]\s*(?P<stamp>\d{1,2}(?::\d{2}){1,2})\s*[)）][*_\s]*(?P<text>\S.*)$")
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
BOLD_STARS = re.compile(r"(?<!\\)\*{2,}")
ITALIC_STARS = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s\\])\*(?![\w*])")
# Underscores only count as emphasis beside the asterisks they pair with (" _**text**_"); anywhere
# else they are text (window.__name, snake_case).
EMPHASIS_UNDERSCORE = re.compile(r"(?<!\\)_+(?=\s*\*)|(?<=\*)\s*_+")
HYPHEN_WRAP = re.compile(r"[A-Za-z0-9]-$")
WORD_START = re.compile(r"^[A-Za-z0-9]")

ATTRIBUTION = re.compile(r"^(?P<label>视频来源|原视频链接|视频链接|原文链接|素材来源)\s*[:：]?\s*(?P<text>.*)$")
LINK_LIKE = re.compile(r"^([a-z][a-z0-9+.-]*:|/|\./|\.\./)", re.IGNORECASE)
VIDEO_LABELS = ("视频来源", "原视频链接", "视频链接")
VIDEO_HOSTS = ("youtube.com", "youtu.be", "bilibili.com", "vimeo.com", "ted.com", "x.com", "twitter.com", "v.qq.com")

FOLLOW_PROMPT = re.compile(r"关注公众号")
READING_TIME = re.compile(r"^全文约?\s*[\d,，]+\s*字")
EMPTY_MARKUP = re.compile(r"^[\s*_\\]*$")
PAST_ISSUES = re.compile(r"往期回顾|往期推荐|推荐阅读")
ENGAGEMENT = re.compile(r"点赞.*(收藏|转发|在看)|在评论区")
END_MARKER = re.compile(r"-+\s*END\s*-+", re.IGNORECASE)
REPRINT = re.compile(r"未经.{0,4}许可.{0,4}转载|转载请")
CONTACT = re.compile(r"Milo-1101|联系负责人|请联系|扫描下方二维码|二维码")

AD_LOOKBACK = 4

RULE_FOLLOW = "follow prompt"
RULE_READING = "reading-time line"
RULE_EMPTY = "empty markup"
RULE_PAST = "往期回顾 links"
RULE_ENGAGE = "engagement prompt"
RULE_END = "END marker"
RULE_REPRINT = "reprint notice"
RULE_AD = "ad block lines"
RULE_IMAGE = "banner images"
RULE_SEPARATOR = "separators"


@dataclass(frozen=True)
class RawBlock:
    """Consecutive non-blank lines: one paragraph, heading, list or quote of the export."""

    lines: tuple[Line, ...]

    @property
    def first(self) -> str:
        return self.lines[0].text.strip()

    @cached_property
    def joined(self) -> str:
        return join_wrapped([line.text for line in self.lines])

    @cached_property
    def plain(self) -> str:
        """The joined text without emphasis markers, as the furniture rules read it."""
        return plain_text(self.joined)


def split_blocks(lines: tuple[Line, ...]) -> list[RawBlock]:
    blocks: list[RawBlock] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            blocks.append(RawBlock(tuple(current)))
            current = []
    if current:
        blocks.append(RawBlock(tuple(current)))
    return blocks


def join_wrapped(parts: list[str]) -> str:
    """Undo the export's hard wrap: a break stands for a space, except after a hyphen inside a word."""
    text = parts[0].strip()
    for part in parts[1:]:
        part = part.strip()
        if HYPHEN_WRAP.search(text) and WORD_START.match(part):
            text += part
        else:
            text += " " + part
    return text


def plain_text(markup: str) -> str:
    """Inline Markdown of the export reduced to the words: emphasis markers and escapes removed."""
    text = EMPHASIS_UNDERSCORE.sub("", markup)
    text = ITALIC_STARS.sub(r"\1", BOLD_STARS.sub("", text))
    text = MARKDOWN_ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


def is_all_bold(markup: str) -> bool:
    core = markup.strip().strip("_ ")
    return core.startswith("**") and core.endswith("**") and "**" not in core[2:-2].strip("*")


def to_paragraph(markup: str) -> Paragraph:
    return Paragraph(text=plain_text(markup), strong=is_all_bold(markup))


# --- the end of the article -------------------------------------------------------


def starts_tail(block: RawBlock) -> bool:
    """True for the first block after the interview: attribution or the account's closing furniture."""
    text = block.plain
    heading = HEADING.match(block.first)
    return bool(
        ATTRIBUTION.match(text)
        or (heading and PAST_ISSUES.search(heading["text"]))
        or ENGAGEMENT.search(text)
        or END_MARKER.fullmatch(text)
        or REPRINT.search(text)
        or CONTACT.search(text)
    )


def find_tail(blocks: list[RawBlock]) -> int:
    start = next((i for i, block in enumerate(blocks) if starts_tail(block)), len(blocks))
    if start < len(blocks) and CONTACT.search(blocks[start].plain):
        # An ad opens with a pitch before its contact line; it starts after the last separator.
        separators = [i for i in range(max(0, start - AD_LOOKBACK), start) if RULE_LINE.match(blocks[i].first)]
        start = separators[-1] if separators else start
    while start > 0 and (RULE_LINE.match(blocks[start - 1].first) or EMPTY_MARKUP.match(blocks[start - 1].joined)):
        start -= 1
    return start


def tail_rule(block: RawBlock, in_past_issues: bool) -> str:
    text = block.plain
    if RULE_LINE.match(block.first):
        return RULE_SEPARATOR
    if IMAGE.match(block.joined.strip()):
        return RULE_IMAGE
    if block.first.startswith(("[", "![")) and in_past_issues:
        return RULE_PAST
    if END_MARKER.fullmatch(text):
        return RULE_END
    if REPRINT.search(text):
        return RULE_REPRINT
    if ENGAGEMENT.search(text):
        return RULE_ENGAGE
    if EMPTY_MARKUP.match(block.joined):
        return RULE_EMPTY
    return RULE_AD


def video_url_of(attributions: list[Attribution]) -> str:
    for item in attributions:
        if item.url and item.label in VIDEO_LABELS:
            return item.url
    for item in attributions:
        host = urlparse(item.url).hostname or ""
        if item.url and any(host == h or host.endswith("." + h) for h in VIDEO_HOSTS):
            return item.url
    return ""


def read_attribution(block: RawBlock, seed: str) -> Attribution | None:
    """An attribution line; a link in it that is not http(s) is refused, never shown as a link."""
    match = ATTRIBUTION.match(block.plain)
    if not match:
        return None
    text = match["text"].strip()
    link = text.split()[0] if text else ""
    if LINK_LIKE.match(link) and not is_safe_url(link):
        raise InputError(seed, block.lines[0].number, f"{match['label']} must be an http(s) URL, found {link[:60]!r}")
    return Attribution(label=match["label"], text=text, url=link if is_safe_url(link) else "")


def clean_tail(blocks: list[RawBlock], removed: Counter, seed: str) -> list[Attribution]:
    attributions: list[Attribution] = []
    in_past_issues = False
    for block in blocks:
        attribution = read_attribution(block, seed)
        if attribution:
            attributions.append(attribution)
            continue
        heading = HEADING.match(block.first)
        if heading and PAST_ISSUES.search(heading["text"]):
            in_past_issues = True
            continue
        rule = tail_rule(block, in_past_issues)
        if rule != RULE_PAST:
            in_past_issues = False
        removed[rule] += len(block.lines) if rule == RULE_AD else 1
    return attributions


# --- the article body -------------------------------------------------------------


def body_furniture(block: RawBlock) -> str | None:
    text = block.plain
    if FOLLOW_PROMPT.search(text) and len(text) < 60:
        return RULE_FOLLOW
    if READING_TIME.match(text):
        return RULE_READING
    if EMPTY_MARKUP.match(block.joined):
        return RULE_EMPTY
    return None


def list_items(block: RawBlock) -> list[str]:
    items: list[list[str]] = []
    for line in block.lines:
        match = LIST_ITEM.match(line.text)
        if match:
            items.append([match["text"]])
        elif items:
            items[-1].append(line.text)
    return [plain_text(join_wrapped(item)) for item in items]


def quote_paragraphs(block: RawBlock) -> list[Paragraph]:
    groups: list[list[str]] = [[]]
    for line in block.lines:
        text = line.text.strip().removeprefix(">").strip()
        if text:
            groups[-1].append(text)
        elif groups[-1]:
            groups.append([])
    return [to_paragraph(join_wrapped(group)) for group in groups if group]


def structure(block: RawBlock) -> list[Block | Labelled]:
    """One raw block of the body as model blocks."""
    first = block.first
    heading = HEADING.match(first) if first.startswith("#") else None
    if heading:
        rest = RawBlock(block.lines[1:]) if len(block.lines) > 1 else None
        text = plain_text(heading["text"])
        head: list[Block] = [Heading(level=len(heading["hashes"]), text=text)] if text else []
        return head + (structure(rest) if rest else [])
    if RULE_LINE.match(first):
        return [Rule()]
    if LIST_ITEM.match(block.lines[0].text):
        return [BulletList(tuple(list_items(block)))]
    if first.startswith(">"):
        return [Quote(tuple(quote_paragraphs(block)))]
    joined = block.joined
    image = IMAGE.match(joined)
    if image:
        url = image["url"]
        return [Image(url=url, alt=plain_text(image["alt"]))] if is_safe_url(url) else []
    timeline = TIMELINE.match(joined)
    if timeline:
        return [Timeline((timeline_entry(timeline["stamp"], timeline["text"]),))]
    return [split_label(joined, to_paragraph) or to_paragraph(joined)]


def timeline_entry(stamp: str, text: str) -> TimelineEntry:
    seconds = 0
    for part in stamp.split(":"):
        seconds = seconds * 60 + int(part)
    return TimelineEntry(stamp=stamp, seconds=seconds, text=plain_text(text))


def merge_timelines(blocks: list[Block]) -> list[Block]:
    merged: list[Block] = []
    for block in blocks:
        if isinstance(block, Timeline) and merged and isinstance(merged[-1], Timeline):
            merged[-1] = Timeline(merged[-1].entries + block.entries)
        else:
            merged.append(block)
    return merged


def normalise_headings(blocks: list[Block]) -> list[Block]:
    """Shift headings so the article's top level is <h2> (the page's only <h1> is its title), and
    never let a level be skipped: an export that opens with ## before its first # still nests."""
    levels = [b.level for b in blocks if isinstance(b, Heading)]
    if not levels:
        return blocks
    shift = 2 - min(levels)
    result: list[Block] = []
    previous = 1
    for block in blocks:
        if isinstance(block, Heading):
            level = min(block.level + shift, previous + 1, 6)
            block, previous = Heading(level, block.text), level
        result.append(block)
    return result


def clean_body(lines: tuple[Line, ...], seed: str = "") -> Cleaned:
    """The body's blocks without furniture; ``seed`` only names the file in an error."""
    raw = split_blocks(lines)
    tail = find_tail(raw)
    removed: Counter = Counter()
    attributions = clean_tail(raw[tail:], removed, seed)
    blocks: list[Block | Labelled] = []
    for block in raw[:tail]:
        rule = body_furniture(block)
        if rule:
            removed[rule] += 1
        else:
            blocks.extend(structure(block))
    blocks = normalise_headings(merge_timelines(group_turns(blocks)))
    return Cleaned(
        blocks=tuple(blocks),
        attributions=tuple(attributions),
        video_url=video_url_of(attributions),
        removed=tuple(removed.items()),
    )
