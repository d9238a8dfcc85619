"""Structure: recover the Markdown structure of an export's body before anything is judged.

Exports differ: some separate paragraphs with blank lines, others end lines with two spaces
(a hard break) and never leave a blank line; images stand alone, sit inside sentences, run
in a carousel on one line or wrap over lines. Every construct becomes its own unit with the
source lines it came from, so a furniture rule later judges one paragraph, one line or one
image at a time, never a whole run of text. Nothing is dropped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Line

HEADING = re.compile(r"^(?P<hashes>#{1,6})\s*(?P<text>.*?)\s*#*\s*$")
# `* * *`, `---`, `___`; a run of asterisks with no spaces is an empty bold of the export, not a rule.
RULE_LINE = re.compile(r"^\s*(?!\*+\s*$)([*_-])(\s*\1){2,}\s*$")
LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[*+-]|\d{1,3}[.)])\s+(?P<text>\S.*)$")
QUOTE = re.compile(r"^\s{0,3}>")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
TABLE_SEPARATOR = re.compile(r"^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*(:?-{3,}:?\s*)?$")
HARD_BREAK = re.compile(r"( {2,}|\\)$")
HYPHEN_WRAP = re.compile(r"[A-Za-z0-9]-$")
WORD_START = re.compile(r"^[A-Za-z0-9]")
OPEN_LINK_TARGET = re.compile(r"\]\([^)\s]*$")
LINK_TAIL = 2000  # a link's target is never longer: the wrap checks read no further back
# An image wrapped in a link, possibly with link text after it: [![alt](src)text](href)
# An address may hold one level of parentheses: (javascript:alert(1)) is one target.
# Lengths are bounded so that a hostile file of brackets cannot make the search quadratic.
TARGET = r"(?:[^()\s]|\([^()\s]{0,200}\)){0,2000}"
ALT = r"[^\]]{0,500}"
LINKED_IMAGE = re.compile(rf"\[!\[(?P<alt>{ALT})\]\((?P<url>{TARGET})\)(?P<inner>{ALT})\]\((?P<link>{TARGET})\)")
IMAGE = re.compile(rf"!\[(?P<alt>{ALT})\]\((?P<url>{TARGET})\)")


@dataclass(frozen=True, slots=True)
class Unit:
    """One construct of the export: a paragraph, heading, list item, quote paragraph, image, rule,
    code block or table, with the lines it came from."""

    kind: str  # paragraph | heading | item | quote | image | rule | code | table
    markup: str  # inline Markdown as exported (joined over its wrapped lines); an image's alt text
    first_line: int
    last_line: int
    level: int = 0  # a heading's level
    ordered: bool = False  # a numbered list item
    group: int = 0  # quote paragraphs of one quote share it
    url: str = ""  # an image's source
    rows: tuple[tuple[str, ...], ...] = field(default=())  # a table's cells


def join_wrapped(parts: list[str]) -> str:
    """Undo the export's hard wrap: a break stands for a space, except after a hyphen inside a word
    and inside a link's target, which the export wraps without a space."""
    pieces = [parts[0].strip()]
    tail = pieces[0][-LINK_TAIL:]  # what the checks read: the end of the text so far
    for part in parts[1:]:
        part = part.strip()
        glued = HYPHEN_WRAP.search(tail) and WORD_START.match(part)
        pieces.append(part if glued or OPEN_LINK_TARGET.search(tail) else " " + part)
        tail = (tail + pieces[-1])[-LINK_TAIL:]
    return "".join(pieces)


def is_blank(text: str) -> bool:
    return not text.strip()


@dataclass
class _Open:
    """A unit being read: its kind and the lines it has so far."""

    kind: str
    lines: list[Line]
    ordered: bool = False
    group: int = 0


class _Reader:
    """Reads body lines one at a time; each finished construct is appended to ``units``."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.open: _Open | None = None
        self.group = 0
        self.fence: list[Line] | None = None  # the lines of a code block being read
        self.fences = True  # off once an unclosed fence showed its lines are text

    def close(self) -> None:
        current, self.open = self.open, None
        if current is None or not current.lines:
            return
        first, last = current.lines[0].number, current.lines[-1].number
        texts = [line.text for line in current.lines]
        if current.kind == "table":
            self.units.extend(table_units(texts, first, last))
            return
        unit = Unit(current.kind, join_wrapped(texts), first, last, ordered=current.ordered, group=current.group)
        self.units.extend(split_images(unit, current.lines))

    def start(self, kind: str, line: Line | None = None, ordered: bool = False) -> None:
        self.close()
        self.open = _Open(kind, [line] if line else [], ordered, self.group)

    def feed(self, line: Line) -> None:
        text = line.text
        if self.fence is not None:
            self.read_code(line)
            return
        if is_blank(text):
            self.close()
            self.group += 1
            return
        if self.fences and FENCE.match(text):
            self.close()
            self.fence = [line]
            return
        heading = HEADING.match(text.strip())
        if heading:
            self.close()
            number = line.number
            self.units.append(Unit("heading", heading["text"], number, number, level=len(heading["hashes"])))
            return
        if RULE_LINE.match(text):
            self.close()
            self.units.append(Unit("rule", "", line.number, line.number))
            return
        if TABLE_ROW.match(text):
            if not self.open or self.open.kind != "table":
                self.start("table")
            self.open.lines.append(line)
            return
        if QUOTE.match(text):
            self.read_quote(line)
            return
        item = LIST_ITEM.match(text)
        at_start = self.open is None or self.open.kind == "item"
        if item and (item["indent"] or at_start):
            ordered = item["marker"][0].isdigit()
            self.start("item", Line(line.number, item["text"]), ordered)
        elif self.open is None:
            self.start("paragraph", line)
        else:
            self.open.lines.append(line)
        if HARD_BREAK.search(text):
            self.close()

    def read_quote(self, line: Line) -> None:
        content = line.text.strip()
        while content.startswith(">"):
            content = content[1:].strip()
        if self.open is None or self.open.kind != "quote" or self.open.group != self.group:
            self.start("quote")
        if not content:
            # An empty ">" line separates two paragraphs of one quote; the next ">" line starts the
            # second one in the same group.
            self.close()
            return
        self.open.lines.append(Line(line.number, content))
        if HARD_BREAK.search(line.text):
            # A line after a hard break without ">" still belongs to the quote (a lazy continuation).
            self.close()
            self.open = _Open("quote", [], group=self.group)

    def read_code(self, line: Line) -> None:
        fence = self.fence
        fence.append(line)
        if FENCE.match(line.text):
            body = "\n".join(item.text for item in fence[1:-1])
            self.units.append(Unit("code", body, fence[0].number, line.number))
            self.fence = None

    def finish(self) -> list[Unit]:
        self.close()
        if self.fence is not None:
            # An unclosed fence: its lines are text after all.
            lines, self.fence, self.fences = self.fence, None, False
            for line in lines:
                self.feed(line)
            self.close()
        return self.units


def table_units(texts: list[str], first: int, last: int) -> list[Unit]:
    """Rows split into cells when the second row is a header separator; otherwise the lines are text."""
    if len(texts) >= 2 and TABLE_SEPARATOR.match(texts[1]):
        rows = tuple(tuple(cell.strip() for cell in row.strip().strip("|").split("|")) for row in texts[:1] + texts[2:])
        return [Unit("table", "", first, last, rows=rows)]
    return [Unit("paragraph", join_wrapped(texts), first, last)]


def line_of(fragment: str, lines: list[Line], fallback: int) -> int:
    """The source line where a fragment of a joined unit begins (images are matched by their URL)."""
    probe = fragment[:40]
    return next((line.number for line in lines if probe and probe in line.text), fallback)


def split_images(unit: Unit, lines: list[Line]) -> list[Unit]:
    """A paragraph, item or quote paragraph with images inside its text as separate units, in
    order: text, image, text."""
    if "![" not in unit.markup:
        return [unit]
    pieces: list[Unit] = []
    markup, position, line = unit.markup, 0, unit.first_line

    def text(piece: str, first: int, last: int) -> None:
        if piece.strip():
            pieces.append(Unit(unit.kind, piece.strip(), first, last, ordered=unit.ordered, group=unit.group))

    for found in image_matches(markup):
        image_line = line_of(found["url"], lines, line)
        text(markup[position : found.start()], line, image_line)
        pieces.append(Unit("image", found["alt"], image_line, image_line, url=found["url"], group=unit.group))
        inner = found.groupdict().get("inner") or ""
        text(f"[{inner}]({found['link']})" if inner.strip() else "", image_line, image_line)
        position, line = found.end(), image_line
    text(markup[position:], line, unit.last_line)
    return pieces


def image_matches(markup: str) -> list[re.Match]:
    linked = list(LINKED_IMAGE.finditer(markup))
    taken = [(m.start(), m.end()) for m in linked]
    plain = [m for m in IMAGE.finditer(markup) if not any(a <= m.start() < b for a, b in taken)]
    return sorted(linked + plain, key=lambda m: m.start())


def read_units(lines: tuple[Line, ...]) -> list[Unit]:
    """The body's constructs in order; every non-blank line belongs to exactly one of them."""
    reader = _Reader()
    for line in lines:
        reader.feed(line)
    return reader.finish()
