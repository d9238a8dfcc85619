"""Plain, immutable records that flow through the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache


class Record:
    """Base of the records below: pickled as the call that makes one, which unpickles two to three
    times faster than setting each field of a frozen record in turn (a build unpickles thousands)."""

    __slots__ = ()

    def __reduce__(self):
        return type(self), tuple(getattr(self, name) for name in field_names(type(self)))


@cache
def field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


@dataclass(frozen=True, slots=True)
class Line(Record):
    """One line of a seed with its 1-based line number, kept so errors can point at it."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Header(Record):
    title: str
    author: str
    published: datetime
    location: str
    source_url: str
    cover_image: str


@dataclass(frozen=True, slots=True)
class Article(Record):
    """A seed split into its header and the raw body lines."""

    seed: str
    header: Header
    body: tuple[Line, ...]
    header_lines: tuple[tuple[str, int], ...] = ()  # (field, line number) of each header line found


@dataclass(frozen=True, slots=True)
class Heading(Record):
    level: int
    text: str
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Span(Record):
    """A run of a paragraph's text; a link when it has a URL."""

    text: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph(Record):
    text: str  # what the reader sees, without markup
    strong: bool = False
    spans: tuple[Span, ...] = ()  # set only when the text holds links: the same text, in runs
    line: int = field(default=0, compare=False)  # where it starts in the seed, for messages to editors


@dataclass(frozen=True, slots=True)
class BulletList(Record):
    items: tuple[Paragraph, ...]
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class Quote(Record):
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True, slots=True)
class Image(Record):
    url: str
    alt: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Code(Record):
    text: str


@dataclass(frozen=True, slots=True)
class Table(Record):
    rows: tuple[tuple[str, ...], ...]  # the first row is the header


@dataclass(frozen=True, slots=True)
class Rule(Record):
    pass


@dataclass(frozen=True, slots=True)
class TimelineEntry(Record):
    stamp: str
    seconds: int
    text: str


@dataclass(frozen=True, slots=True)
class Timeline(Record):
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class Speaker(Record):
    role: str  # "host", "guest" or "audience"
    label: str  # what the reader sees, the same for every turn of one person


@dataclass(frozen=True, slots=True)
class Turn(Record):
    speaker: Speaker
    paragraphs: tuple[Paragraph, ...]
    anchor: str = ""


Block = Heading | Paragraph | BulletList | Quote | Image | Rule | Timeline | Turn | Code | Table


@dataclass(frozen=True, slots=True)
class Attribution(Record):
    """Where the interview itself came from, as the article's closing lines state it."""

    label: str
    text: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Removal(Record):
    """What one furniture rule took out of one place of a seed."""

    rule: str
    first_line: int
    last_line: int
    chars: int  # characters of text, markup and URLs not counted
    sentences: int
    images: int
    image_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ledger(Record):
    """Every sentence and image of a seed's body accounted for: kept on the page or removed by a rule."""

    sentences: int  # before the closing boilerplate
    sentences_kept: int
    images: int  # likewise
    images_kept: int
    removals: tuple[Removal, ...] = ()
    closing_line: int = 0  # where the closing boilerplate starts; 0 when there is none

    def removed_by_rule(self) -> tuple[tuple[str, int], ...]:
        """(rule, places) in first-seen order."""
        counts: dict[str, int] = {}
        for removal in self.removals:
            counts[removal.rule] = counts.get(removal.rule, 0) + 1
        return tuple(counts.items())


@dataclass(frozen=True, slots=True)
class Cleaned(Record):
    """The article body with WeChat furniture removed, and what was removed by which rule."""

    blocks: tuple[Block, ...]
    attributions: tuple[Attribution, ...]
    video_url: str
    removed: tuple[tuple[str, int], ...]  # (rule, places) in first-seen order
    credits: tuple[str, ...] = ()  # bylines and credits from the top of the article
    ledger: Ledger = Ledger(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Interview(Record):
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
    credits: tuple[str, ...] = ()
    ledger: Ledger = Ledger(0, 0, 0, 0)
    topic_hits: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # Derived once when the seed is loaded, and cached with it: the passages of each of its topics,
    # the search tokens of its sections, its questions (indexes.questions_of) and their count, the items of its
    # key-point sections (quotes.key_points_of), and the key of its cache entry (its seed's bytes,
    # the code and the data), which the pages made from it are cached under.
    topic_excerpts: dict[str, list] = field(default_factory=dict, compare=False, hash=False)
    search_tokens: tuple | None = field(default=None, compare=False, hash=False)
    questions: tuple | None = field(default=None, compare=False, hash=False)
    question_count: int | None = field(default=None, compare=False, hash=False)
    key_points: tuple | None = field(default=None, compare=False, hash=False)
    source_key: str = field(default="", compare=False, hash=False)

    @property
    def path(self) -> str:
        """The generated Markdown file, relative to docs/."""
        return f"interviews/{self.slug}.md"

    @property
    def url(self) -> str:
        return f"interviews/{self.slug}/"


class InterviewPart(dict):
    """Values worked out from one interview alone (its entry in a topic's list, its questions):
    a page's cache key names the interview and what was worked out from it instead of going
    through the values one by one. The code and data files that work them out are in the cache's
    salt. A value given in ``later`` is worked out the first time it is read: a page that comes
    from the cache never reads it, and it may need the interview's body."""

    __slots__ = ("made_from", "later")

    def __init__(self, made_from: tuple, later: dict | None = None, **values) -> None:
        super().__init__(**values)
        self.made_from = made_from
        self.later = later or {}

    def __missing__(self, name: str):
        if name not in self.later:
            raise KeyError(name)
        value = self[name] = self.later.pop(name)()
        return value
