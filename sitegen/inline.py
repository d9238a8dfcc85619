"""Inline markup of the export: emphasis, escapes and links, reduced to what a reader sees.

A paragraph's text is kept as plain words; its links are kept as spans so the page can
link them again. Markup that is broken or empty (``****``, ``[报名评选]()``) leaves only
its words.
"""

from __future__ import annotations

import re

from .model import Paragraph, Span
from .parse import is_safe_url

MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
BOLD_STARS = re.compile(r"(?<!\\)\*{2,}")
# Bounded so a hostile file of stars cannot make the search quadratic.
ITALIC_STARS = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.{1,300}?)(?<=[^\s\\])\*(?![\w*])")
# Underscores only count as emphasis beside the asterisks they pair with (" _**text**_"); anywhere
# else they are text (window.__name, snake_case).
EMPHASIS_UNDERSCORE = re.compile(r"(?<!\\)_+(?=\s*\*)|(?<=\*)\s*_+")
SPACES = re.compile(r"\s+")
LINK_FURNITURE = re.compile(r"[\s\[\]\d.、:：]+")
LABEL_END = re.compile(r"[:：]\W*$")


def strip_markup(markup: str) -> str:
    """Emphasis markers and escapes removed; white space folded but not trimmed."""
    if "*" not in markup and "_" not in markup and "\\" not in markup:
        return SPACES.sub(" ", markup)  # most of a transcript: none of the patterns below can match
    text = EMPHASIS_UNDERSCORE.sub("", markup)
    text = ITALIC_STARS.sub(r"\1", BOLD_STARS.sub("", text))
    return SPACES.sub(" ", MARKDOWN_ESCAPE.sub(r"\1", text))


def plain_text(markup: str) -> str:
    """What a reader sees of a piece of inline Markdown: links as their text, no markers."""
    return "".join(span.text for span in spans_of(markup)).strip()


def bracket_pairs(text: str, opener: str, closer: str) -> dict[int, int]:
    """Each bracket's index → the index of the one that closes it, in one pass (unclosed ones absent)."""
    open_at: list[int] = []
    pairs: dict[int, int] = {}
    for index, char in enumerate(text):
        if char == opener:
            open_at.append(index)
        elif char == closer and open_at:
            pairs[open_at.pop()] = index
    return pairs


def find_links(markup: str) -> list[tuple[int, int, str, str]]:
    """Every ``[text](target)`` in order, outermost first: (begin, end, text markup, target)."""
    if "[" not in markup:
        return []
    squares, rounds = bracket_pairs(markup, "[", "]"), bracket_pairs(markup, "(", ")")
    links, position = [], 0
    for begin in sorted(squares):
        end_text = squares[begin]
        if begin < position or end_text + 1 not in rounds:
            continue
        end_target = rounds[end_text + 1]
        links.append((begin, end_target + 1, markup[begin + 1 : end_text], markup[end_text + 2 : end_target].strip()))
        position = end_target + 1
    return links


def spans_of(markup: str) -> list[Span]:
    """The runs of a paragraph: plain text, and links whose target is http(s). A link to anything
    else, or to nothing, leaves its text."""
    spans: list[Span] = []
    position = 0
    for begin, end, text, target in find_links(markup):
        spans.append(Span(strip_markup(markup[position:begin])))
        target = target.strip("<>")
        spans.append(Span(strip_markup(plain_text(text)), target if is_safe_url(target) else ""))
        position = end
    spans.append(Span(strip_markup(markup[position:])))
    return merge_spans(spans)


def merge_spans(spans: list[Span]) -> list[Span]:
    """Neighbouring plain runs joined, empty runs dropped, the paragraph's outer spaces trimmed."""
    merged: list[Span] = []
    for span in spans:
        if merged and not span.url and not merged[-1].url:
            merged[-1] = Span(merged[-1].text + span.text)
        elif span.text:
            merged.append(span)
    if merged:
        merged[0] = Span(merged[0].text.lstrip(), merged[0].url)
        merged[-1] = Span(merged[-1].text.rstrip(), merged[-1].url)
    merged = [span for span in merged if span.text]
    return [Span(SPACES.sub(" ", span.text), span.url) for span in merged]


def is_all_bold(markup: str) -> bool:
    core = markup.strip().strip("_ ")
    return core.startswith("**") and core.endswith("**") and "**" not in core[2:-2].strip("*")


def to_paragraph(markup: str, line: int, spans: tuple[Span, ...] | None = None) -> Paragraph:
    """``spans``: the markup's, when they are read already."""
    spans = spans_of(markup) if spans is None else spans
    text = "".join(span.text for span in spans)
    linked = tuple(spans) if any(span.url for span in spans) else ()
    return Paragraph(text=text, strong=is_all_bold(markup), spans=linked, line=line)


def is_links_only(spans: list[Span]) -> bool:
    """True when every word of a paragraph's runs is the text of a link (a related-article card, a
    link list), but for list numbering and brackets around it."""
    return any(span.url for span in spans) and all(span.url or not LINK_FURNITURE.sub("", span.text) for span in spans)


def is_labelled_links(spans: list[Span]) -> bool:
    """True when a paragraph's runs are words ending in a colon and then only links: 推荐阅读：
    and the titles of other articles. The words are the unit's text, for a rule to name."""
    first_link = next((place for place, span in enumerate(spans) if span.url), 0)
    label = "".join(span.text for span in spans[:first_link])
    return bool(first_link and LABEL_END.search(label)) and is_links_only(spans[first_link:])
