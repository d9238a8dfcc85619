"""Enrich: derive what the export does not state — URL slug, anchors, summary, word count, speakers."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

from pymdownx.slugs import slugify

from .dialogue import speakers_of
from .model import (
    Article,
    Block,
    BulletList,
    Cleaned,
    Code,
    Heading,
    Image,
    Interview,
    Paragraph,
    Quote,
    Table,
    Timeline,
    Turn,
)

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN = re.compile(CJK.pattern + "+")  # counted run by run: one string per run, not per character
LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'.][A-Za-z0-9]+)*")
CHARS_PER_MINUTE = 400
WORDS_PER_MINUTE = 200
MIN_SUMMARY_CHARS = 20
heading_slug = slugify(case="lower")


def block_texts(block: Block) -> Iterator[str]:
    """Every piece of reader-visible text in a block, in order."""
    if isinstance(block, Heading | Paragraph):
        yield block.text
    elif isinstance(block, BulletList):
        yield from (item.text for item in block.items)
    elif isinstance(block, Image):
        yield block.caption
    elif isinstance(block, Code):
        yield block.text
    elif isinstance(block, Table):
        yield from (" ".join(row) for row in block.rows)
    elif isinstance(block, Quote):
        yield from (p.text for p in block.paragraphs)
    elif isinstance(block, Timeline):
        yield from (f"{e.stamp} {e.text}" for e in block.entries)
    elif isinstance(block, Turn):
        yield block.speaker.label
        yield from (p.text for p in block.paragraphs)


def article_texts(blocks: tuple[Block, ...]) -> Iterator[str]:
    for block in blocks:
        yield from block_texts(block)


def count_words(text: str) -> tuple[int, int]:
    """(Chinese characters, Latin words)."""
    return sum(map(len, CJK_RUN.findall(text))), len(LATIN_WORD.findall(text))


def reading_minutes(chars: int, words: int) -> int:
    return max(1, math.ceil(chars / CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


def lead_summary(blocks: tuple[Block, ...]) -> str:
    for block in blocks:
        if isinstance(block, Paragraph) and not block.strong and len(block.text) >= MIN_SUMMARY_CHARS:
            return block.text
    return next((p for p in article_texts(blocks) if len(p) >= MIN_SUMMARY_CHARS), "")


def default_slug(article: Article) -> str:
    """Date and minute of publication; a second article of the same WeChat push gets its index."""
    published = article.header.published
    slug = published.strftime("%Y-%m-%d-%H%M")
    index = parse_qs(urlparse(article.header.source_url).query).get("idx", ["1"])[0]
    return f"{slug}-{index}" if index.isdigit() and index != "1" else slug


def article_identity(source_url: str) -> str:
    """What names a WeChat article whatever its link's other parameters: account, message, position."""
    query = parse_qs(urlparse(source_url).query)
    parts = [query.get(key, [""])[0] for key in ("__biz", "mid", "idx")]
    return "/".join(parts) if any(parts) else source_url


def distinct_slugs(interviews: list[Interview], hand_picked: set[str]) -> list[Interview]:
    """Articles published in the same minute by different accounts share a default URL; in seed
    order, the first keeps it and every later one gets a suffix from its own identity, so adding a
    seed (numbered after the existing ones) never moves an existing page."""
    taken: set[str] = set()
    result = []
    for interview in sorted(interviews, key=lambda i: i.seed):
        if interview.slug in taken and interview.seed not in hand_picked:
            digest = hashlib.sha256(article_identity(interview.header.source_url).encode()).hexdigest()
            interview = replace(interview, slug=f"{interview.slug}-{digest[:6]}")
        taken.add(interview.slug)
        result.append(interview)
    return result


def unique(anchor: str, used: set[str]) -> str:
    candidate, n = anchor, 0
    while candidate in used:
        n += 1
        candidate = f"{anchor}_{n}"
    used.add(candidate)
    return candidate


def with_anchors(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """Readable heading anchors and numbered turn anchors, fixed by the article's own text only."""
    used: set[str] = set()
    turn_number = 0
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            block = replace(block, anchor=unique(heading_slug(block.text, "-") or "section", used))
        elif isinstance(block, Turn):
            turn_number += 1
            block = replace(block, anchor=unique(f"t{turn_number}", used))
        result.append(block)
    return tuple(result)


def video_at(video_url: str, seconds: int) -> str:
    """The video URL starting at ``seconds``; an existing ``t=`` is replaced, not repeated."""
    parts = urlparse(video_url)
    query = [(k, v) for k, values in parse_qs(parts.query, keep_blank_values=True).items() for v in values if k != "t"]
    query.append(("t", f"{seconds}s"))
    return urlunparse(parts._replace(query=urlencode(query, safe=":/")))


def enrich(article: Article, cleaned: Cleaned, slug: str = "") -> Interview:
    blocks = with_anchors(cleaned.blocks)
    chars, words = count_words("\n".join(article_texts(blocks)))
    return Interview(
        seed=article.seed,
        slug=slug or default_slug(article),
        header=article.header,
        blocks=blocks,
        attributions=cleaned.attributions,
        video_url=cleaned.video_url,
        removed=cleaned.removed,
        summary=lead_summary(blocks),
        word_count=chars + words,
        reading_minutes=reading_minutes(chars, words),
        speakers=speakers_of(blocks),
        credits=cleaned.credits,
        ledger=cleaned.ledger,
    )
