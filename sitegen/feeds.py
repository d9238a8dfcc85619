"""Feeds: RSS 2.0 (with feedgen) and JSON Feed 1.1 of the interviews, newest first.

Dates come from each article's 发布时间 with its +08:00 offset, never from git or the clock,
so two builds of the same seeds give the same bytes.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator

from .model import Interview

RSS_PATH = "feed.xml"
JSON_FEED_PATH = "feed.json"
# Every subscriber's reader fetches the feed on every poll: the newest interviews, not the archive.
FEED_SIZE = 50


def rss_feed(interviews: list[Interview], site: dict[str, str]) -> str:
    feed = FeedGenerator()
    feed.title(site["name"])
    feed.description(site["description"])
    feed.link(href=site["url"], rel="alternate")
    feed.link(href=urljoin(site["url"], RSS_PATH), rel="self")
    feed.language("zh-CN")
    feed.generator("sam-altman-interviews")
    if interviews:
        feed.lastBuildDate(interviews[0].header.published)
    for interview in reversed(interviews[:FEED_SIZE]):  # feedgen lists the last added entry first
        entry = feed.add_entry()
        url = urljoin(site["url"], interview.url)
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(interview.header.title)
        entry.link(href=url)
        entry.description(interview.summary or interview.header.title)
        entry.pubDate(interview.header.published)
        if interview.header.author:
            entry.author({"name": interview.header.author, "email": "noreply@example.invalid"})
        if interview.header.cover_image:
            entry.enclosure(interview.header.cover_image, 0, "image/jpeg")
        for topic in interview.topics:
            entry.category(term=topic)
    return feed.rss_str(pretty=True).decode("utf-8")


def json_feed(interviews: list[Interview], site: dict[str, str]) -> str:
    items = []
    for interview in interviews[:FEED_SIZE]:
        url = urljoin(site["url"], interview.url)
        item = {
            "id": url,
            "url": url,
            "title": interview.header.title,
            "summary": interview.summary,
            "content_text": interview.summary,
            "date_published": interview.header.published.isoformat(),
            "tags": list(interview.topics),
            "external_url": interview.header.source_url,
        }
        if interview.header.cover_image:
            item["image"] = interview.header.cover_image
        if interview.header.author:
            item["authors"] = [{"name": interview.header.author}]
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site["name"],
        "description": site["description"],
        "home_page_url": site["url"],
        "feed_url": urljoin(site["url"], JSON_FEED_PATH),
        "language": "zh-CN",
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"
