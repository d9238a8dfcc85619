"""A Python-Markdown extension: HTML the templates wrote whole is handed through, not parsed again.

Pages are mostly HTML the templates wrote (a transcript's turns, a topic page's items), with no
Markdown inside. Python-Markdown's md_in_html reads every raw HTML block with an HTML parser to
find where it ends and whether it holds Markdown, and MkDocs reads all of it once more for the ids
links may point to: for these blocks that is most of the time it takes to convert a page. A
template marks such a block with a line ``<!-- html -->`` before it and ``<!-- /html -->`` after
it; the block is kept as it is, the marks are dropped, and the ids of its tags are handed to
MkDocs' list of the page's anchors. Blocks with only blank lines between them are kept as one,
as they would reach the page one after the other. A block left open is left to Markdown, marks
and all.
"""

from __future__ import annotations

import html
import re

from markdown import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

START, END = "<!-- html -->", "<!-- /html -->"
# An id attribute inside a tag: text between tags has its "<" and ">" escaped, so it never matches.
TAG_ID = re.compile(r'<[A-Za-z][^<>]*?\sid="([^"]*)"')
# MkDocs' tree processor that lists the ids of a page, against which links to anchors are checked.
MKDOCS_ANCHORS = "mkdocs_extract_anchors"


class VerbatimBlocks(Preprocessor):
    def __init__(self, md) -> None:
        super().__init__(md)
        self.anchor_ids: set[str] = set()

    def run(self, lines: list[str]) -> list[str]:
        self.anchor_ids = set()
        if START not in lines:
            return lines
        kept: list[str] = []
        closed: list[str] = []  # blocks with only blank lines between them: stored as one
        gap: list[str] = []  # blank lines after them, dropped if another block follows
        block: list[str] | None = None
        for line in lines:
            if block is not None:
                if line == END:
                    closed.append("\n".join(block))
                    block = None
                else:
                    block.append(line)
            elif line == START:
                block = []
                gap.clear()
            elif closed and not line.strip():
                gap.append(line)
            else:
                kept += self.stored(closed) + gap
                gap.clear()
                kept.append(line)
        kept += self.stored(closed) + gap
        if block is not None:
            kept += [START, *block]
        return kept

    def stored(self, closed: list[str]) -> list[str]:
        """One placeholder for all these blocks (the list is then cleared): Markdown takes each
        placeholder for a paragraph of its own and goes through it for inline markup, and a
        transcript is hundreds of blocks with only blank lines between them."""
        if not closed:
            return []
        text = "\n".join(closed)
        closed.clear()
        self.anchor_ids.update(html.unescape(found) for found in TAG_ID.findall(text))
        return ["", self.md.htmlStash.store(text), ""]


class VerbatimAnchors(Treeprocessor):
    """Adds the ids of the blocks handed through to those MkDocs found in the rest of the page."""

    def __init__(self, md, blocks: VerbatimBlocks) -> None:
        super().__init__(md)
        self.blocks = blocks

    def run(self, root) -> None:
        if MKDOCS_ANCHORS in self.md.treeprocessors:  # absent outside MkDocs
            self.md.treeprocessors[MKDOCS_ANCHORS].present_anchor_ids.update(self.blocks.anchor_ids)


class VerbatimExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        blocks = VerbatimBlocks(md)
        # Before MkDocs' scan of raw HTML for ids (priority 21) and md_in_html's block parser (20).
        md.preprocessors.register(blocks, "sitegen_verbatim", 22)
        # After MkDocs' tree processor that collects the page's ids (5).
        md.treeprocessors.register(VerbatimAnchors(md, blocks), "sitegen_verbatim_anchors", 4)


def makeExtension(**kwargs) -> VerbatimExtension:  # noqa: N802
    return VerbatimExtension(**kwargs)
