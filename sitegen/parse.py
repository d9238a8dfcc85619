"""Parse: split a seed's text into its header fields and body lines."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from .errors import InputError
from .model import Article, Header, Line

BEIJING = timezone(timedelta(hours=8))

HEADER_FIELDS = {
    "文章作者": "author",
    "发布时间": "published",
    "发布地": "location",
    "原文链接": "source_url",
    "封面图链接": "cover_image",
}
REQUIRED_FIELDS = ("published", "source_url")
LAST_HEADER_FIELD = "封面图链接"

HEADER_LINE = re.compile(r"^(?P<key>[^:：\s]+)\s*[:：]\s*(?P<value>.*)$")
TITLE_LINE = re.compile(r"^#\s+(?P<title>\S.*)$")
DATE_FORMAT = "%Y-%m-%d %H:%M"
SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)


def is_safe_url(url: str) -> bool:
    """An http(s) URL with a host that Python's URL parser reads: one it refuses (an unclosed
    IPv6 bracket, a host that Unicode normalisation changes) is never a link on a page."""
    if not SAFE_URL.match(url):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


def has_words(text: str) -> bool:
    """True when text holds at least one letter or digit, in any script."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def parse_title(seed: str, lines: list[str]) -> str:
    first = lines[0].strip()
    match = TITLE_LINE.match(first)
    if not match:
        if first.startswith("#"):
            raise InputError(seed, 1, "title line has no text after '#'")
        raise InputError(seed, 1, f"first line must be the title as '# TITLE', found {first[:40]!r}")
    title = " ".join(match["title"].split())
    if not has_words(title):
        raise InputError(seed, 1, "title has no letters or digits")
    return title


def parse_date(seed: str, number: int, value: str) -> datetime:
    try:
        return datetime.strptime(value.strip(), DATE_FORMAT).replace(tzinfo=BEIJING)
    except ValueError:
        raise InputError(
            seed, number, f"发布时间 {value.strip()!r} is not a date in the form YYYY-MM-DD HH:MM"
        ) from None


def read_header_fields(seed: str, lines: list[str]) -> tuple[dict[str, tuple[int, str]], int]:
    """The header's key/value lines by field name, and the index of the first body line."""
    fields: dict[str, tuple[int, str]] = {}
    index = 1
    while index < len(lines):
        text = lines[index].strip()
        match = HEADER_LINE.match(text)
        if text and not (match and match["key"] in HEADER_FIELDS):
            break
        index += 1
        if not text:
            continue
        name = HEADER_FIELDS[match["key"]]
        if name in fields:
            raise InputError(seed, index, f"header line {match['key']} appears twice")
        fields[name] = (index, match["value"].strip())
        if match["key"] == LAST_HEADER_FIELD:
            break
    return fields, index


def check_url(seed: str, number: int, url: str, key: str) -> str:
    if url and not is_safe_url(url):
        raise InputError(seed, number, f"{key} must be an http(s) URL, found {url[:60]!r}")
    return url


def parse_article(seed: str, text: str) -> Article:
    lines = text.split("\n")
    title = parse_title(seed, lines)
    fields, body_start = read_header_fields(seed, lines)
    keys = {name: key for key, name in HEADER_FIELDS.items()}
    for name in REQUIRED_FIELDS:
        if name not in fields:
            raise InputError(seed, min(body_start + 1, len(lines)), f"header line {keys[name]}: is missing")

    def value(name: str) -> tuple[int, str]:
        return fields.get(name, (body_start, ""))

    def url(name: str) -> str:
        return check_url(seed, *value(name), keys[name])

    header = Header(
        title=title,
        author=value("author")[1],
        published=parse_date(seed, *value("published")),
        location=value("location")[1],
        source_url=url("source_url"),
        cover_image=url("cover_image"),
    )
    if not header.source_url:
        raise InputError(seed, value("source_url")[0], "原文链接 is empty")
    body = tuple(Line(number, line) for number, line in enumerate(lines[body_start:], start=body_start + 1))
    lines_of = tuple((name, number) for name, (number, _) in fields.items())
    return Article(seed=seed, header=header, body=body, header_lines=(("end", body_start),) + lines_of)
