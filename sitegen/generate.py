"""Generate: every generated Markdown file of the site, as a mapping of docs-relative path to text."""

from __future__ import annotations

import posixpath
from pathlib import Path

from .model import Interview
from .pages import make_environment, render_index, render_interview


def relative_link(target: str, page_path: str) -> str:
    """A link from one docs-relative Markdown file to another, as MkDocs resolves it."""
    return posixpath.relpath(target, posixpath.dirname(page_path) or ".")


def render_site(interviews: list[Interview], templates_dir: Path) -> dict[str, str]:
    env = make_environment(templates_dir)
    env.filters["rel"] = relative_link
    newest_first = sorted(interviews, key=lambda i: (i.header.published, i.slug), reverse=True)
    pages: dict[str, str] = {}
    for interview in newest_first:
        pages[interview.path] = render_interview(env, interview, {"page_path": interview.path})
    home = {
        "page_path": "index.md",
        "interviews": newest_first,
        "total_words": sum(i.word_count for i in interviews),
    }
    pages["index.md"] = render_index(env, "home.md.j2", {"title": "首页"}, home)
    listing = {"page_path": "interviews/index.md", "interviews": newest_first}
    pages["interviews/index.md"] = render_index(env, "interviews.md.j2", {"title": "全部访谈"}, listing)
    return pages
