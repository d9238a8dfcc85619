"""A Python-Markdown extension: links that leave the site open without giving it a handle on the page."""

from __future__ import annotations

from markdown import Extension
from markdown.treeprocessors import Treeprocessor


class ExternalLinks(Treeprocessor):
    def run(self, root) -> None:
        for link in root.iter("a"):
            if link.get("href", "").startswith(("http://", "https://")):
                link.set("rel", "noopener")


class ExternalLinksExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        # After the inline patterns (priority 20) have turned text into links.
        md.treeprocessors.register(ExternalLinks(md), "external_links", 5)


def makeExtension(**kwargs) -> ExternalLinksExtension:  # noqa: N802
    return ExternalLinksExtension(**kwargs)
