"""Clean: judge the export's units by the furniture rules, turn the rest into the article's blocks,
and account for every sentence and image in a ledger.

The structure is read first (`structure.read_units`); a rule then removes one unit, one block or
the closing boilerplate, never a run of text it happens to sit in. Whatever the rules say, a
removal of much text, or a page that would lose sentences, stops the build unless an editor
acknowledged exactly that removal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlparse

from .dialogue import Labelled, group_turns, split_label
from .errors import InputError
from .furniture import Furniture, FurnitureRule, project_furniture
from .inline import is_labelled_links, is_links_only, plain_text, spans_of, to_paragraph
from .model import (
    Attribution,
    Block,
    BulletList,
    Cleaned,
    Code,
    Heading,
    Image,
    Ledger,
    Line,
    Quote,
    Removal,
    Rule,
    Span,
    Table,
    Timeline,
    TimelineEntry,
)
from .parse import is_safe_url
from .structure import Unit, read_units

TIMELINE = re.compile(r"^[*_\s]*[(（]\s*(?P<stamp>\d{1,2}(?::\d{2}){1,2})\s*[)）][*_\s]*(?P<text>\S.*)$")
ATTRIBUTION = re.compile(r"^(?P<label>视频来源|原视频链接|视频链接|原文链接|素材来源)\s*[:：]?\s*(?P<text>.*)$")
LINK_LIKE = re.compile(r"^([a-z][a-z0-9+.-]*:|/|\./|\.\./)", re.IGNORECASE)
VIDEO_LABELS = ("视频来源", "原视频链接", "视频链接")
VIDEO_HOSTS = ("youtube.com", "youtu.be", "bilibili.com", "vimeo.com", "ted.com", "x.com", "twitter.com", "v.qq.com")
SENTENCE_END = re.compile(r"(?<=[。！？!?])")
# A finished sentence: 。！？, or !?~…, at a word's end (not the ? of an address, the ~ of 3~5);
# or a label for what follows (参考链接：), which a list of related articles has not.
SENTENCE_MARK = re.compile(r"[。！？]|[!?~～…](?=\s|$)|[：:]\s*$")
URL_TEXT = re.compile(r"https?://\S+")
SPACE = re.compile(r"\s+")

CLOSING = "closing boilerplate"  # what the closing boilerplate holds that no rule names
UNSAFE_IMAGE = "image without an http(s) address"
REMOVING = ("line", "block", "start", "end", "tail")
BEFORE_THE_TAIL = ("line", "block", "start", "end")
# A `start` match is weaker than an account's end mark: it is not taken when more images than
# this follow it, since a run of slides after it is the article's, not an ad's.
MAX_IMAGES_AFTER_START = 6
# The opening furniture (follow prompt, reading time) is a few lines of one short sentence each.
MAX_PROMPT_CHARS = 40
STATEMENT_ENDS = ("。", "？", "?", ".")


@dataclass(frozen=True, slots=True)
class View:
    """A unit as the rules see it: its words, what kinds it is, and how much prose it holds."""

    unit: Unit
    text: str
    kinds: frozenset[str]
    chars: int
    sentences: int
    spans: tuple[Span, ...] = ()  # a paragraph's, heading's, item's or quote's runs, read once
    # Whether each pattern (by id) finds the text: asked about one place after another, a unit is
    # searched once by each pattern.
    found: dict[int, bool] = field(default_factory=dict, compare=False)


def prose_chars(text: str) -> int:
    return len(SPACE.sub("", URL_TEXT.sub("", text)))


def sentences_of(text: str) -> list[str]:
    """Pieces of text ended by 。！？ (or the end), with at least one letter or digit."""
    return [piece for piece in (p.strip() for p in SENTENCE_END.split(text)) if any(c.isalnum() for c in piece)]


def view_of(unit: Unit) -> View:
    if unit.kind in ("image", "rule"):
        return View(unit, plain_text(unit.markup), frozenset({unit.kind}), 0, 0)
    spans = ()
    if unit.kind == "table":
        text = " ".join(" ".join(row) for row in unit.rows)
    elif unit.kind == "code":
        text = unit.markup
    else:
        spans = tuple(spans_of(unit.markup))  # the words, whether they are all links, the page's runs
        text = "".join(span.text for span in spans)
    kinds = {unit.kind}
    if not text:
        kinds.add("empty")
    elif unit.kind in ("paragraph", "item", "heading") and is_links_only(spans):
        kinds.add("links")
    elif unit.kind in ("paragraph", "item") and is_labelled_links(spans):
        kinds.add("labelled links")
    return View(unit, text, frozenset(kinds), prose_chars(text), len(sentences_of(text)), spans)


class RuleBook(tuple):
    """An account's rules in their order. Each unit is asked about one set of places after another,
    and each set is named by a few of the rules: those are picked out once per article, not per unit."""

    def __new__(cls, rules: Iterable[FurnitureRule] = ()) -> RuleBook:
        book = super().__new__(cls, rules)
        book.acting = {}
        return book

    def at(self, places: tuple[str, ...]) -> tuple[FurnitureRule, ...]:
        if places not in self.acting:
            self.acting[places] = tuple(rule for rule in self if not rule.where.isdisjoint(places))
        return self.acting[places]


def text_found(pattern: re.Pattern, view: View) -> bool:
    if id(pattern) not in view.found:
        view.found[id(pattern)] = pattern.search(view.text) is not None
    return view.found[id(pattern)]


def matches_at(rule: FurnitureRule, view: View, places: tuple[str, ...]) -> bool:
    """Whether the rule takes this unit at one of these places (a rule acting at none has no limit
    there, so takes nothing; callers ask only the rules a RuleBook picked out for the places)."""
    if rule.kind and rule.kind not in view.kinds:
        return False
    if rule.text and not text_found(rule.text, view):
        return False
    if rule.url and not (view.unit.url and rule.url.search(view.unit.url)):
        return False
    limits = (rule.limit(place) for place in places if place in rule.where)
    return any(not limit or view.chars <= limit for limit in limits)


def first_match(rules: RuleBook, view: View, places: tuple[str, ...]) -> FurnitureRule | None:
    return next((rule for rule in rules.at(places) if matches_at(rule, view, places)), None)


def is_attribution(view: View) -> bool:
    return view.unit.kind == "paragraph" and bool(ATTRIBUTION.match(view.text))


def is_named(view: View, rules: RuleBook, places: tuple[str, ...] = REMOVING) -> bool:
    """True when a rule names this unit by its words or address at one of these places, or it holds
    no prose at all."""
    if is_attribution(view) or view.kinds & {"rule", "empty", "links"}:
        return True
    return any(matches_at(rule, view, places) for rule in rules.at(places) if rule.text or rule.url)


# --- where the closing boilerplate starts -------------------------------------------------


def find_closing(views: list[View], rules: RuleBook, max_unnamed: int) -> int:
    """The first start or end match after which at most max_unnamed characters of text follow that
    no rule names; len(views) when the article has no closing boilerplate.

    A mark with the article's words after it is a line of the article, not where it ends (a prompt
    or an end mark planted near its end): an end match, when text comes before the next end match;
    a start match, when a sentence or a label (参考链接：) follows it before the next match (the
    closing's related-article lists are often broken link text, with neither). Text here is what no
    rule names, or only a tail rule: its words (二维码, 投稿) name a unit inside the closing only."""
    near_end = near_the_end(views, rules, max_unnamed)
    ends, starts = closing_marks(views, rules, near_end)
    text = [
        view.chars if near and not is_named(view, rules, BEFORE_THE_TAIL) else 0
        for near, view in zip(near_end, views, strict=True)
    ]
    prose = [bool(chars and SENTENCE_MARK.search(view.text)) for chars, view in zip(text, views, strict=True)]
    text_before_end = until_next(text, ends, to_the_end=False)
    prose_before_mark = until_next(prose, [e or s for e, s in zip(ends, starts, strict=True)], to_the_end=True)
    for index in range(len(views)):
        if (ends[index] and not text_before_end[index]) or (starts[index] and not prose_before_mark[index]):
            # A separator or empty line right before it belongs to the closing boilerplate too.
            while index > 0 and views[index - 1].kinds & {"rule", "empty"}:
                index -= 1
            return index
    return len(views)


def near_the_end(views: list[View], rules: RuleBook, max_unnamed: int) -> list[bool]:
    """Which units have at most max_unnamed characters of text no rule names after them: only
    those can start the closing. Counted from the end, up to the first unit with more: every unit
    before it has more too, so the units there are not asked about (most of an article)."""
    near_end = [False] * len(views)
    unnamed = 0
    for index in range(len(views) - 1, -1, -1):
        if unnamed > max_unnamed:
            break
        near_end[index] = True
        unnamed += 0 if is_named(views[index], rules) else views[index].chars
    return near_end


def closing_marks(views: list[View], rules: RuleBook, near_end: list[bool]) -> tuple[list[bool], list[bool]]:
    """Which units near the end are end matches, and which are start matches (not before a run of slides)."""
    ends = [near and first_match(rules, view, ("end",)) is not None for near, view in zip(near_end, views, strict=True)]
    images_from = [0] * (len(views) + 1)  # images in each unit and those after it
    for index in range(len(views) - 1, -1, -1):
        images_from[index] = images_from[index + 1] + ("image" in views[index].kinds)
    starts = [
        near and first_match(rules, view, ("start",)) is not None and images_from[index] <= MAX_IMAGES_AFTER_START
        for index, (near, view) in enumerate(zip(near_end, views, strict=True))
    ]
    return ends, starts


def until_next(values: list[int], marks: list[bool], to_the_end: bool) -> list[int]:
    """For each unit, the sum of the values of the units after it and before the next mark; where
    no mark follows, of those to the end (``to_the_end``) or 0."""
    sums = [0] * len(values)
    running = 0 if to_the_end else None
    for index in range(len(values) - 1, -1, -1):
        sums[index] = running or 0
        if marks[index]:
            running = 0
        elif running is not None:
            running += values[index]
    return sums


# --- what each unit becomes ----------------------------------------------------------------


def take_credits(views: list[View], rules: RuleBook, end: int) -> tuple[dict[int, str], int]:
    """Bylines at the top of the article by unit index, and where the article's own text starts:
    the first unit that is neither a byline nor a prompt line (one short sentence a line rule names)."""
    credits: dict[int, str] = {}
    for index, view in enumerate(views[:end]):
        if first_match(rules, view, ("credit",)):
            credits[index] = view.text
        elif not (is_prompt_line(view, rules) or view.kinds & {"image", "empty", "rule"}):
            return credits, index
    return credits, end


def is_prompt_line(view: View, rules: RuleBook) -> bool:
    short = view.sentences <= 1 and view.chars <= MAX_PROMPT_CHARS
    return short and first_match(rules, view, ("line",)) is not None


def is_prompt(view: View, rules: RuleBook) -> bool:
    """A prompt line that reads as a call, not as a statement or a question (对。, 为什么？)."""
    return is_prompt_line(view, rules) and not view.text.rstrip().endswith(STATEMENT_ENDS)


def body_removals(views: list[View], rules: RuleBook, skip: dict[int, str], end: int) -> dict[int, str]:
    """Rule name by unit index for every unit a line or block rule removes from the article."""
    removed: dict[int, str] = {}
    block: FurnitureRule | None = None
    for index, view in enumerate(views[:end]):
        if index in skip:
            continue
        if block and block.then in view.kinds:
            removed[index] = block.name
            continue
        block = first_match(rules, view, ("block",))
        rule = block or first_match(rules, view, ("line",))
        if rule:
            removed[index] = rule.name
        elif view.unit.kind == "image" and not is_safe_url(view.unit.url):
            removed[index] = UNSAFE_IMAGE
        if block and block.before and takes_the_unit_above(views, index, block.before, skip, removed):
            removed[index - 1] = block.name
    return removed


def takes_the_unit_above(views: list[View], index: int, kind: str, *taken: dict) -> bool:
    """Whether the unit right above the one at index is of this kind and in none of ``taken``."""
    above = index - 1
    return index > 0 and kind in views[above].kinds and not any(above in units for units in taken)


def tail_removals(views: list[View], rules: RuleBook, start: int) -> dict[int, str]:
    removed: dict[int, str] = {}
    for index in range(start, len(views)):
        if not is_attribution(views[index]):
            rule = first_match(rules, views[index], REMOVING)
            removed[index] = rule.name if rule else CLOSING
    return removed


def captions(views: list[View], rules: RuleBook, kept: list[int]) -> dict[int, str]:
    """Caption text by image index, for the kept unit right under an image that a caption rule names."""
    found: dict[int, str] = {}
    for before, after in zip(kept, kept[1:], strict=False):
        if views[before].unit.kind == "image" and first_match(rules, views[after], ("caption",)):
            found[before] = views[after].text
    return found


def read_attribution(view: View, seed: str) -> Attribution:
    """An attribution line; a link in it that is not http(s) is refused, never shown as a link."""
    match = ATTRIBUTION.match(view.text)
    text = match["text"].strip()
    link = text.split()[0] if text else ""
    if LINK_LIKE.match(link) and not is_safe_url(link):
        raise InputError(seed, view.unit.first_line, f"{match['label']} must be an http(s) URL, found {link[:60]!r}")
    return Attribution(label=match["label"], text=text, url=link if is_safe_url(link) else "")


def video_url_of(attributions: list[Attribution]) -> str:
    for item in attributions:
        if item.url and item.label in VIDEO_LABELS:
            return item.url
    for item in attributions:
        host = urlparse(item.url).hostname or ""
        if item.url and any(host == h or host.endswith("." + h) for h in VIDEO_HOSTS):
            return item.url
    return ""


# --- blocks ------------------------------------------------------------------------------------


def timeline_entry(stamp: str, text: str) -> TimelineEntry:
    seconds = 0
    for part in stamp.split(":"):
        seconds = seconds * 60 + int(part)
    return TimelineEntry(stamp=stamp, seconds=seconds, text=plain_text(text))


def paragraph_block(markup: str, line: int, spans: tuple[Span, ...] | None = None) -> Block | Labelled:
    """``spans``: the markup's, when they are read already."""
    timeline = TIMELINE.match(markup)
    if timeline:
        return Timeline((timeline_entry(timeline["stamp"], timeline["text"]),))
    whole = to_paragraph(markup, line, spans)
    return split_label(markup, partial(to_paragraph, line=line), whole) or whole


def unit_block(view: View, caption: str) -> Block | Labelled | None:
    unit = view.unit
    if unit.kind == "heading":
        return Heading(level=unit.level, text=view.text) if view.text else None
    if unit.kind == "image":
        return Image(url=unit.url, alt=caption or view.text, caption=caption)
    if unit.kind == "rule":
        return Rule()
    if unit.kind == "code":
        return Code(unit.markup)
    if unit.kind == "table":
        return Table(tuple(tuple(plain_text(cell) for cell in row) for row in unit.rows))
    if not view.text:
        return None
    if unit.kind == "item":
        return BulletList((to_paragraph(unit.markup, unit.first_line, view.spans),), ordered=unit.ordered)
    if unit.kind == "quote":
        return Quote((to_paragraph(unit.markup, unit.first_line, view.spans),))
    return paragraph_block(unit.markup, unit.first_line, view.spans)


def merge_neighbours(blocks: list[tuple[Unit, Block | Labelled]]) -> list[Block | Labelled]:
    """List items of one list, paragraphs of one quote and entries of one timeline become one block."""
    merged: list[Block | Labelled] = []
    previous: Unit | None = None
    for unit, block in blocks:
        last = merged[-1] if merged else None
        if isinstance(block, BulletList) and isinstance(last, BulletList) and last.ordered == block.ordered:
            merged[-1] = BulletList(last.items + block.items, block.ordered)
        elif isinstance(block, Quote) and isinstance(last, Quote) and previous and previous.group == unit.group:
            merged[-1] = Quote(last.paragraphs + block.paragraphs)
        elif isinstance(block, Timeline) and isinstance(last, Timeline):
            merged[-1] = Timeline(last.entries + block.entries)
        else:
            merged.append(block)
        previous = unit
    return merged


def normalise_headings(blocks: list[Block]) -> list[Block]:
    """The article's top level becomes <h2> (the page's only <h1> is its title); a heading's level is
    one more than that of the nearest heading above it with a higher source level, so headings that
    are siblings in the source stay siblings and no level is skipped."""
    result: list[Block] = []
    open_levels: list[tuple[int, int]] = []  # (source level, page level) of the headings above
    for block in blocks:
        if isinstance(block, Heading):
            while open_levels and open_levels[-1][0] >= block.level:
                open_levels.pop()
            level = min(open_levels[-1][1] + 1 if open_levels else 2, 6)
            open_levels.append((block.level, level))
            block = Heading(level, block.text)
        result.append(block)
    return result


# --- the ledger ---------------------------------------------------------------------------------


def removals_of(views: list[View], removed: dict[int, str]) -> list[Removal]:
    """Neighbouring units removed by the same rule form one removal."""
    result: list[Removal] = []
    last_index = -2
    for index in sorted(removed):
        view, rule = views[index], removed[index]
        urls = (view.unit.url,) if "image" in view.kinds else ()
        if result and index == last_index + 1 and result[-1].rule == rule:
            r = result[-1]
            result[-1] = Removal(
                rule,
                r.first_line,
                view.unit.last_line,
                r.chars + view.chars,
                r.sentences + view.sentences,
                r.images + len(urls),
                r.image_urls + urls,
            )
        else:
            first, last = view.unit.first_line, view.unit.last_line
            result.append(Removal(rule, first, last, view.chars, view.sentences, len(urls), urls))
        last_index = index
    return result


def check_removals(seed: str, ledger: Ledger, furniture: Furniture, acknowledged: frozenset) -> None:
    """The guard: no rule removes much text in one place, no page loses sentences, unless acknowledged."""
    open_removals = [r for r in ledger.removals if (r.rule, r.first_line, r.last_line) not in acknowledged]
    for removal in open_removals:
        if removal.chars > furniture.max_prose_chars:
            raise InputError(
                seed,
                removal.first_line,
                f"rule '{removal.rule}' would remove {removal.chars} characters "
                f"of text (lines {removal.first_line}–{removal.last_line})",
            )
    lost = ledger.sentences - ledger.sentences_kept
    if lost > furniture.max_lost_sentences and ledger.sentences_kept < furniture.min_sentence_share * ledger.sentences:
        worst = max(
            (r for r in open_removals if r.first_line < (ledger.closing_line or 10**9)), key=lambda r: r.sentences
        )
        share = 100 * ledger.sentences_kept / ledger.sentences
        raise InputError(
            seed,
            worst.first_line,
            f"the page would keep {ledger.sentences_kept} of {ledger.sentences} "
            f"sentences ({share:.0f} %); rule '{worst.rule}' removes {worst.sentences} of them "
            f"(lines {worst.first_line}–{worst.last_line})",
        )


def make_ledger(views: list[View], removed: dict[int, str], article: range, acknowledged: frozenset) -> Ledger:
    """``article``: the units between the opening furniture and the closing boilerplate."""
    closing = article.stop
    removals = removals_of(views, removed)
    accepted = [r for r in removals if (r.rule, r.first_line, r.last_line) in acknowledged]
    lost = sum(
        views[i].sentences
        for i in article
        if i in removed and not any(r.first_line <= views[i].unit.first_line <= r.last_line for r in accepted)
    )
    total = sum(views[i].sentences for i in article)
    images = [i for i in range(closing) if "image" in views[i].kinds]
    return Ledger(
        sentences=total,
        sentences_kept=total - lost,
        images=len(images),
        images_kept=sum(i not in removed for i in images),
        removals=tuple(removals),
        closing_line=views[closing].unit.first_line if closing < len(views) else 0,
    )


def clean_body(
    lines: tuple[Line, ...],
    seed: str = "",
    author: str = "",
    furniture: Furniture | None = None,
    acknowledged: frozenset = frozenset(),
) -> Cleaned:
    """The body's blocks without furniture; ``seed`` names the file in errors, ``author`` picks the
    account's rules, ``acknowledged`` holds (rule, first line, last line) an editor accepted."""
    furniture = furniture or project_furniture()
    rules = RuleBook(furniture.rules_for(author))
    views = [view_of(unit) for unit in read_units(lines)]
    closing = find_closing(views, rules, furniture.max_unnamed_closing_chars)
    credits, opening = take_credits(views, rules, closing)
    removed = body_removals(views, rules, credits, closing) | tail_removals(views, rules, closing)
    kept = [i for i in range(len(views)) if i not in removed and i not in credits and i < closing]
    caption_of = captions(views, rules, kept)
    position = {index: n for n, index in enumerate(kept)}
    caption_units = {kept[position[i] + 1] for i in caption_of}
    blocks = [(views[i].unit, unit_block(views[i], caption_of.get(i, ""))) for i in kept if i not in caption_units]
    grouped = group_turns(merge_neighbours([(unit, block) for unit, block in blocks if block is not None]))
    attributions = [read_attribution(views[i], seed) for i in range(closing, len(views)) if i not in removed]
    article = range(opening, closing)
    ledger = make_ledger(views, removed, article, acknowledged)
    # A prompt (one short sentence a line rule names, not ended as a statement or a question) is
    # furniture, not the article's text: the ledger counts it, the guard does not. Eight prompts
    # planted in a row stopped the build; a rule that takes short answers (对。) still does.
    prose_removed = {
        index: rule for index, rule in removed.items() if index not in article or not is_prompt(views[index], rules)
    }
    if len(prose_removed) < len(removed):
        ledger_of_prose = make_ledger(views, prose_removed, article, acknowledged)
    else:
        ledger_of_prose = ledger
    check_removals(seed, ledger_of_prose, furniture, acknowledged)
    return Cleaned(
        blocks=tuple(normalise_headings(grouped)),
        attributions=tuple(attributions),
        video_url=video_url_of(attributions),
        removed=ledger.removed_by_rule(),
        credits=tuple(credits.values()),
        ledger=ledger,
    )
