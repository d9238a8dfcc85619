"""Plain, immutable records that flow through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a seed with its 1-based line number, kept so errors can point at it."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Header:
    title: str
    author: str
    published: datetime
    location: str
    source_url: str
    cover_image: str


@dataclass(frozen=True, slots=True)
class Article:
    """A seed split into its header and the raw body lines."""

    seed: str
    header: Header
    body: tuple[Line, ...]
    header_lines: tuple[tuple[str, int], ...] = ()  # (field, line number) of each header line found


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    alt: str


@dataclass(frozen=True, slots=True)
class Rule:
    pass


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    stamp: str
    seconds: int
    text: str


@dataclass(frozen=True, slots=True)
class Timeline:
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class Speaker:
    role: str  # "host", "guest" or "audience"
    label: str  # what the reader sees, the same for every turn of one person


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: Speaker
    paragraphs: tuple[Paragraph, ...]
    anchor: str = ""


Block = Heading | Paragraph | BulletList | Quote | Image | Rule | Timeline | Turn


@dataclass(frozen=True, slots=True)
class Attribution:
    """Where the interview itself came from, as the article's closing lines state it."""

    label: str
    text: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The article body with WeChat furniture removed, and what was removed by which rule."""

    blocks: tuple[Block, ...]
    attributions: tuple[Attribution, ...]
    video_url: str
    removed: tuple[tuple[str, int], ...]  # (rule, count) in first-seen order


@dataclass(frozen=True, slots=True)
class Interview:
    seed: str
    slug: str
    header: Header
    blocks: tuple[Block, ...]
    attributions: tuple[Attribution, ...]
    video_url: str
    removed: tuple[tuple[str, int], ...]
    summary: str
    word_count: int
    reading_minutes: int
    speakers: tuple[Speaker, ...]
    topics: tuple[str, ...] = ()
    host: str = ""
    host_role: str = ""
    event: str = ""
    title_en: str = ""
    topic_hits: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def path(self) -> str:
        """The generated Markdown file, relative to docs/."""
        return f"interviews/{self.slug}.md"

    @property
    def url(self) -> str:
        return f"interviews/{self.slug}/"
