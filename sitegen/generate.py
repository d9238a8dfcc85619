"""Generate: every generated Markdown file of the site, as a mapping of docs-relative path to text."""

from __future__ import annotations

import posixpath
from pathlib import Path

from .indexes import by_year_and_month, hosts, neighbours, newest_first, related, topic_chart, topic_entries
from .model import Interview
from .pages import make_environment, render_index, render_interview
from .topics import Topic


def relative_link(target: str, page_path: str) -> str:
    """A link from one docs-relative Markdown file to another, as MkDocs resolves it."""
    return posixpath.relpath(target, posixpath.dirname(page_path) or ".")


def render_site(interviews: list[Interview], topics: tuple[Topic, ...], templates_dir: Path) -> dict[str, str]:
    env = make_environment(templates_dir)
    env.filters["rel"] = relative_link
    ordered = newest_first(interviews)
    entries = topic_entries(topics, ordered)
    topic_by_slug = {entry["topic"].slug: entry["topic"] for entry in entries}
    adjacent = neighbours(ordered)
    years = by_year_and_month(ordered)
    shared = {
        "interviews": ordered,
        "topics": entries,
        "years": years,
        "hosts": hosts(ordered),
        "total_words": sum(i.word_count for i in ordered),
    }
    pages: dict[str, str] = {}
    for interview in ordered:
        older, newer = adjacent[interview.slug]
        context = {
            "page_path": interview.path,
            "topics": [topic_by_slug[s] for s in interview.topics if s in topic_by_slug],
            "older": older,
            "newer": newer,
            "related": related(interview, ordered),
        }
        pages[interview.path] = render_interview(env, interview, context)

    def index(path: str, template: str, title: str, description: str, **context) -> None:
        meta = {"title": title, "description": description}
        pages[path] = render_index(env, template, meta, {**shared, "page_path": path, **context})

    index("index.md", "home.md.j2", "首页", "Sam Altman 访谈、演讲与对话的中文全文整理。")
    index("interviews/index.md", "interviews.md.j2", "全部访谈", f"全部 {len(ordered)} 篇 Sam Altman 访谈，按时间排列。")
    index("topics/index.md", "topics.md.j2", "话题", "按话题浏览 Sam Altman 的访谈。")
    for entry in entries:
        topic = entry["topic"]
        index(f"topics/{topic.slug}.md", "topic.md.j2", f"话题：{topic.name}", topic.description, entry=entry)
    index("archive/index.md", "archive.md.j2", "归档", "按年份和月份浏览 Sam Altman 的访谈。",
          chart=topic_chart(entries, ordered))
    for year in years:
        index(f"archive/{year['year']}.md", "year.md.j2", f"{year['year']} 年的访谈",
              f"{year['year']} 年的 {year['count']} 篇 Sam Altman 访谈。", year=year)
    index("people/index.md", "people.md.j2", "主持人", "主持和采访 Sam Altman 的人，以及他们的访谈。")
    return pages
