"""A Python-Markdown extension: HTML the templates wrote whole is handed through, not parsed again.

Pages are mostly HTML the templates wrote (a transcript's turns, a topic page's items), with no
Markdown inside. Python-Markdown's md_in_html reads every raw HTML block with an HTML parser to
find where it ends and whether it holds Markdown: for these blocks that is most of the time it
takes to convert a page. A template marks such a block with a line ``<!-- html -->`` before it and
``<!-- /html -->`` after it; the block is kept as it is, and the marks are dropped. A block left
open is left to Markdown, marks and all.
"""

from __future__ import annotations

from markdown import Extension
from markdown.preprocessors import Preprocessor

START, END = "<!-- html -->", "<!-- /html -->"


class VerbatimBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        if START not in lines:
            return lines
        kept: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == START:
                    block = []
                else:
                    kept.append(line)
            elif line == END:
                kept += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            else:
                block.append(line)
        if block is not None:
            kept += [START, *block]
        return kept


class VerbatimExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        # After MkDocs' scan of raw HTML for anchor ids (priority 21), which link checks rely on;
        # before md_in_html's block parser (20).
        md.preprocessors.register(VerbatimBlocks(md), "sitegen_verbatim", 20.5)


def makeExtension(**kwargs) -> VerbatimExtension:  # noqa: N802
    return VerbatimExtension(**kwargs)
