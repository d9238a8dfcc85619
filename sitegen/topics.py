"""Topics: the taxonomy from data/topics.yml, which interviews discuss each topic, and where."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .datafiles import line_of, load_yaml
from .enrich import article_texts
from .errors import InputError, display_path
from .model import Block, BulletList, Heading, Interview, Paragraph, Quote, Record, Turn

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LATIN = re.compile(r"^[A-Za-z0-9 .+-]+$")
SENTENCE_END = "。！？!?；;"
CLAUSE_BREAK = "，,、：:" + SENTENCE_END
MAX_EXCERPT_CHARS = 70
EXCERPTS_PER_INTERVIEW = 3


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    name: str
    description: str
    words: tuple[str, ...]
    threshold: int
    pattern: re.Pattern

    def mentions(self, text: str) -> int:
        return self.mentions_in_lower_case(text.lower())

    def mentions_in_lower_case(self, text: str) -> int:
        return len(folded_pattern(self.words).findall(text))


@dataclass(frozen=True, slots=True)
class Excerpt(Record):
    anchor: str
    before: str
    match: str
    after: str


def word_pattern(words: tuple[str, ...], flags=re.IGNORECASE) -> re.Pattern:
    """One alternation, longest word first so 推理模型 counts once, not also as 推理. Every
    alternative starts with its word (a Latin word's "no letter before" is checked behind it), so
    the regular expression engine can skip ahead to where one of their first letters is."""
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        escaped = re.escape(word)
        parts.append(rf"{escaped}(?<![A-Za-z0-9]{escaped})(?![A-Za-z0-9])" if LATIN.match(word) else escaped)
    return re.compile("|".join(parts), flags)


@lru_cache(maxsize=256)
def folded_pattern(words: tuple[str, ...]) -> re.Pattern:
    """word_pattern for text in lower case: without IGNORECASE the engine skips ahead to the first
    letters of the words, three times faster over a whole interview."""
    return word_pattern(tuple(word.lower() for word in words), flags=0)


def parse_topic(entry, name: str, default_threshold: int) -> Topic:
    line = line_of(entry)
    if not isinstance(entry, dict):
        raise InputError(name, line, "each topic must be a mapping with slug, name, description and words")
    slug = entry.get("slug")
    if not isinstance(slug, str) or not slug:
        raise InputError(name, line, "topic has no slug")
    if not SLUG.match(slug):
        raise InputError(name, line, f"slug {slug!r} must be lowercase ASCII letters, digits and hyphens")
    words = entry.get("words")
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise InputError(name, line, f"topic {slug!r} needs a non-empty list of words")
    for key in ("name", "description"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise InputError(name, line, f"topic {slug!r} has no {key}")
    threshold = entry.get("threshold", default_threshold)
    if not isinstance(threshold, int) or threshold < 1:
        raise InputError(name, line, f"topic {slug!r}: threshold must be a whole number of at least 1")
    words = tuple(w.strip() for w in words)
    return Topic(slug, entry["name"].strip(), entry["description"].strip(), words, threshold, word_pattern(words))


def load_topics(path: Path) -> tuple[Topic, ...]:
    name = display_path(path)
    data = load_yaml(path, {"topics": []})
    if not isinstance(data, dict) or not isinstance(data.get("topics", []), list):
        raise InputError(name, line_of(data), "expected a mapping with a list under 'topics'")
    default_threshold = data.get("threshold", 3)
    topics: list[Topic] = []
    seen: dict[str, int] = {}
    for entry in data.get("topics") or []:
        topic = parse_topic(entry, name, default_threshold)
        if topic.slug in seen:
            raise InputError(name, line_of(entry), f"duplicate slug {topic.slug!r} (first on line {seen[topic.slug]})")
        seen[topic.slug] = line_of(entry)
        topics.append(topic)
    return tuple(topics)


def topic_hits(interview: Interview, topics: tuple[Topic, ...]) -> dict[str, int]:
    # Put in lower case once, not once per topic: an interview is tens of thousands of characters.
    text = "\n".join(article_texts(interview.blocks)).lower()
    return {topic.slug: topic.mentions_in_lower_case(text) for topic in topics}


def assign_topics(hits: dict[str, int], topics: tuple[Topic, ...], add=(), remove=()) -> tuple[str, ...]:
    """Topics in taxonomy order: mentioned often enough, plus editorial additions, minus removals."""
    chosen = {t.slug for t in topics if hits.get(t.slug, 0) >= t.threshold} | set(add)
    return tuple(t.slug for t in topics if t.slug in chosen and t.slug not in set(remove))


def anchored_texts(blocks: tuple[Block, ...]):
    """(anchor, text) for every passage of prose, the anchor being the nearest place a link can point."""
    section = ""
    for block in blocks:
        if isinstance(block, Heading):
            section = block.anchor
        elif isinstance(block, Turn):
            yield from ((block.anchor, p.text) for p in block.paragraphs)
        elif isinstance(block, Paragraph):
            yield section, block.text
        elif isinstance(block, BulletList):
            yield from ((section, item.text) for item in block.items)
        elif isinstance(block, Quote):
            yield from ((section, p.text) for p in block.paragraphs)


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end], narrowed to its clause when the sentence is long."""
    left = max((text.rfind(ch, 0, start) for ch in SENTENCE_END), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in SENTENCE_END) if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    if right - left > MAX_EXCERPT_CHARS:
        left = max(left, max((text.rfind(ch, 0, start) for ch in CLAUSE_BREAK), default=-1) + 1)
        breaks = [i for i in (text.find(ch, end) for ch in CLAUSE_BREAK) if i >= 0]
        right = min(right, min(breaks) + 1) if breaks else right
    return left, right


def excerpt_at(anchor: str, text: str, start: int, end: int) -> Excerpt:
    left, right = clause_bounds(text, start, end)
    before = text[left:start].lstrip()
    after = text[end:right].rstrip()
    if left > 0 and text[left - 1] not in SENTENCE_END:
        before = "…" + before
    if right < len(text) and text[right - 1] not in SENTENCE_END:
        after = after.rstrip("，,、：:") + "…"
    return Excerpt(anchor=anchor, before=before, match=text[start:end], after=after)


def excerpts(interview: Interview, topic: Topic, limit: int = EXCERPTS_PER_INTERVIEW) -> list[Excerpt]:
    """Up to ``limit`` passages where the topic comes up, each from a different anchor, in reading order."""
    found: list[Excerpt] = []
    used: set[str] = set()
    for anchor, text in anchored_texts(interview.blocks):
        if anchor in used:
            continue
        match = topic.pattern.search(text)
        if match:
            found.append(excerpt_at(anchor, text, match.start(), match.end()))
            used.add(anchor)
            if len(found) == limit:
                break
    return found
