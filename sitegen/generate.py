"""Generate: every generated Markdown file of the site, as a mapping of docs-relative path to text."""

from __future__ import annotations

import json
import posixpath
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path

import jinja2

from .cache import EntryLost, PickleCache, Reader, StoredText, body_key, entry_lost, listing_of
from .feeds import JSON_FEED_PATH, RSS_PATH, json_feed, rss_feed
from .fork import Stop, can_fork, start_copy
from .indexes import (
    by_year_and_month,
    hosts,
    key_point_groups,
    neighbours,
    newest_first,
    prediction_chart,
    prediction_entries,
    prediction_groups,
    prediction_marks,
    question_groups,
    quote_entries,
    related_all,
    topic_chart,
    topic_entries,
)
from .model import Interview
from .pages import make_environment, render_index, render_interview
from .predictions import Prediction
from .progress import progress
from .quotes import EditorQuote
from .search_index import (
    OFFLINE_SCRIPT,
    Postings,
    SearchIndex,
    build_search_index,
    offline_script,
    updated_index,
)
from .template_inputs import inputs_digest, template_reads
from .topics import Topic

PageText = str | StoredText  # a generated file's text, or the cache entry that holds it

JINJA_CACHE = "jinja"  # compiled templates, beside the page cache

DEFAULT_PER_PAGE = {"interviews": 50, "topic": 30, "year": 50, "questions": 10, "quotes": 20}


def paginate(path: str, items, size: int, weight=None) -> list[dict]:
    """Pages of a list, newest entries first as given: page 1 at path, page N at <folder>/page/N.md
    (topics/agents.md → topics/agents/page/2.md, interviews/index.md → interviews/page/2.md).
    ``weight``: how many entries an item holds (a group of questions); a page takes whole items up
    to ``size`` entries, and an item larger than that has a page of its own."""
    if weight is None:
        chunks = [items[start : start + size] for start in range(0, len(items), size)] or [[]]
    else:
        chunks = weighted_chunks(items, size, weight)
    stem = path.removesuffix(".md")
    folder = stem.removesuffix("/index") if stem.endswith("/index") else stem
    paths = [path] + [f"{folder}/page/{number}.md" for number in range(2, len(chunks) + 1)]
    return [
        {"items": chunk, "number": number, "total": len(chunks), "path": paths[number - 1], "paths": paths}
        for number, chunk in enumerate(chunks, start=1)
    ]


def question_count(group: dict) -> int:
    return group["count"]


def weighted_chunks(items, size: int, weight) -> list[list]:
    chunks: list[list] = [[]]
    load = 0
    for item in items:
        if chunks[-1] and load + weight(item) > size:
            chunks.append([])
            load = 0
        chunks[-1].append(item)
        load += weight(item)
    return chunks


def locate_months(years: list[dict], per_page: int) -> None:
    """Each month of the archive gets ``page``: the year's page that lists its first interview."""
    for year in years:
        pages = paginate(f"archive/{year['year']}.md", range(year["count"]), per_page)
        position = 0
        for month in year["months"]:
            month["page"] = pages[position // per_page]["path"]
            position += month["count"]


def relative_link(target: str, page_path: str) -> str:
    """A link from one docs-relative Markdown file to another, as MkDocs resolves it."""
    target_dir, name = posixpath.split(target)
    return posixpath.join(relative_dir(target_dir, posixpath.dirname(page_path)), name)


@lru_cache(maxsize=4096)
def relative_dir(target_dir: str, page_dir: str) -> str:
    # Pages link to a handful of folders, so the (costly) relpath is computed once per pair.
    return "" if target_dir == page_dir else posixpath.relpath(target_dir or ".", page_dir or ".")


@dataclass(frozen=True, slots=True)
class Site:
    """What the generated pages need from mkdocs.yml."""

    name: str
    description: str
    url: str  # site_url, ending in "/"
    directory_urls: bool = True
    offline: bool = False  # the search index also goes into one script, for pages opened from disk

    def page_url(self, interview: Interview) -> str:
        """An interview's URL relative to the site root, as MkDocs will write it."""
        return self.url_of(interview.path)

    def url_of(self, path: str) -> str:
        """The URL MkDocs writes for a Markdown file, relative to the site root."""
        stem = path.removesuffix(".md")
        if not self.directory_urls:
            return stem + ".html"
        return stem.removesuffix("index") if stem.endswith("index") else stem + "/"

    def link(self, source: str, target: str) -> str:
        """A link from the page of one Markdown file to the page of another, for raw HTML."""
        to = self.url_of(target)
        folder, name = posixpath.split(to.removesuffix("/"))
        if not name:
            return self.file_link(source, to)
        # The folder part through relative_dir's cache: an index page links to many interviews.
        relative = posixpath.join(relative_dir(folder, self.url_base(source)), name)
        return relative + "/" if to.endswith("/") else relative

    def url_base(self, source: str) -> str:
        """The folder that links on the page of a Markdown file are relative to."""
        page = self.url_of(source)
        return page.rstrip("/") if self.directory_urls and page.endswith("/") else posixpath.dirname(page)

    def file_link(self, source: str, to: str) -> str:
        """A link from the page of a Markdown file to a site-relative URL, for raw HTML (which MkDocs
        does not rewrite)."""
        relative = posixpath.relpath(to or ".", self.url_base(source) or ".")
        return relative + "/" if to.endswith("/") and not relative.endswith("/") else relative


def generated_files(cache: PickleCache, interviews: list[Interview], site: Site, make) -> dict[str, PageText]:
    """make()'s files (render_site), or while nothing they are made from changed, the last build's
    plan of where each comes from, without working out any page's key."""
    make = lru_cache(maxsize=1)(make)  # made at most once, if at all
    key = plan_key(cache, interviews, site)
    pages = None if key is None else cache.planned(key, make)
    if pages is None:
        pages = make()
        if key is not None:
            cache.plan(key, pages)
    for name in KEPT_FOR_THE_NEXT_EDIT:
        cache.has(cache.key(name, b""))  # kept past pruning, also by a build that made nothing
    keep_last_index(cache)
    cache.prune()
    return pages


def plan_key(cache: PickleCache, interviews: list[Interview], site: Site) -> str | None:
    """The key of the whole set of generated files: the interviews (a source key covers the seed,
    the code and the data files), their URLs and the site's settings; the templates are in the
    cache's salt. None when it cannot be known, or where a process holds the search index but has
    not made it yet (the first build of `serve` makes it)."""
    if cache.memory is not None and cache.held("search index") is None:
        return None
    return interviews_key(cache, "generated files", interviews, ([i.slug for i in interviews], repr(site)))


def render_site(
    interviews: list[Interview],
    topics: tuple[Topic, ...],
    templates_dir: Path,
    page_texts: dict[str, dict],
    site: Site,
    predictions: tuple[Prediction, ...] = (),
    quotes: tuple[EditorQuote, ...] = (),
    pagination: dict | None = None,
    cache: PickleCache | None = None,
) -> dict[str, PageText]:
    """Every generated file by its path under docs/: its text, or the cache entry that holds it.
    ``page_texts``: title and description of each kind of index page, ``pagination``: how many
    entries a page of each paginated kind holds and the title of its later pages (data/pages.yml);
    ``cache``: pages of earlier builds, reused while everything they show is unchanged."""
    cache = cache or PickleCache()
    pagination = pagination or {"per_page": DEFAULT_PER_PAGE, "page_title": "{title} · {number}"}
    env = make_environment(templates_dir, cache.folder and cache.folder.parent / JINJA_CACHE)
    env.filters["rel"] = relative_link
    env.filters["url"] = lambda target, page_path: site.link(page_path, target)
    env.globals["file_link"] = site.file_link
    ordered = newest_first(interviews)
    entries = topic_entries(topics, ordered)
    topic_by_slug = {entry["topic"].slug: entry["topic"] for entry in entries}
    adjacent = neighbours(ordered)
    related = related_all(ordered)
    years = by_year_and_month(ordered)
    locate_months(years, pagination["per_page"]["year"])
    forecasts = prediction_entries(predictions, ordered, topic_by_slug)
    asked = question_groups(ordered)
    marks = prediction_marks(forecasts)
    # Index pages name the topics and count them; a topic's items would tie every such page (and
    # its cache key, worked out from them all) to every interview.
    named = [{"topic": entry["topic"], "count": entry["count"]} for entry in entries]
    shared = {
        "interviews": ordered,
        "topics": named,
        "topics_by_slug": topic_by_slug,
        "years": years,
        "hosts": hosts(ordered),
        "total_words": sum(i.word_count for i in ordered),
        "predictions": forecasts,
        "question_count": sum(group["count"] for group in asked),
    }
    aliases = [[topic.name, *topic.words] for topic in topics]
    pages: dict[str, PageText] = {}
    maker = PageMaker(cache, env, site)

    def interview_page(interview: Interview) -> None:
        older, newer = adjacent[interview.slug]
        context = {
            "page_path": interview.path,
            "topics": [topic_by_slug[s] for s in interview.topics if s in topic_by_slug],
            "older": older,
            "newer": newer,
            "related": related[interview.slug],
            "marks": marks.get(interview.slug, {}),
            "predictions_link": site.link(interview.path, "predictions/index.md"),
        }
        pages[interview.path] = maker.interview_page(interview, context)

    env.get_template("interview.md.j2")  # compiled once, before a copy would compile it too
    search_files = search_index_ahead(
        cache, ordered, site, aliases, [partial(interview_page, i) for i in reversed(ordered)]
    )

    def index(path: str, template: str, kind: str, **context) -> None:
        meta = {key: text.format(**context.get("fill", {})) for key, text in page_texts[kind].items()}
        page = context.get("page")
        if page and page["number"] > 1:
            meta["title"] = pagination["page_title"].format(title=meta["title"], number=page["number"])
        pages[path] = maker.index_page(template, meta, {**shared, "page_path": path, **context})

    def paged(path: str, template: str, kind: str, items: list, weight=None, **context) -> None:
        """An index in pages of data/pages.yml's per_page: the first at path, the others under page/N."""
        for page in paginate(path, items, pagination["per_page"][kind], weight):
            index(page["path"], template, kind, page=page, **context)

    index("index.md", "home.md.j2", "home")
    paged("interviews/index.md", "interviews.md.j2", "interviews", ordered, fill={"count": len(ordered)})
    index("topics/index.md", "topics.md.j2", "topics")
    for entry in entries:
        topic = entry["topic"]
        fill = {"name": topic.name, "description": topic.description}
        # A topic page reads its topic and count, not every item: an edit elsewhere leaves it alone.
        heading = {"topic": topic, "count": entry["count"]}
        paged(f"topics/{topic.slug}.md", "topic.md.j2", "topic", entry["items"], entry=heading, fill=fill)
    chart = topic_chart(entries, ordered)
    index("archive/index.md", "archive.md.j2", "archive", chart=chart, fill={"count": len(ordered)})
    for year in years:
        fill = {"year": year["year"], "count": year["count"]}
        in_year = [i for month in year["months"] for i in month["interviews"]]
        paged(f"archive/{year['year']}.md", "year.md.j2", "year", in_year, year=year, fill=fill)
    index("people/index.md", "people.md.j2", "people")
    picked = quote_entries(quotes, ordered)
    paged("quotes/index.md", "quotes.md.j2", "quotes", key_point_groups(ordered), picked=picked)
    count = shared["question_count"]
    # Questions come in whole interviews; a page holds per_page questions, not per_page interviews.
    paged(
        "questions/index.md",
        "questions.md.j2",
        "questions",
        asked,
        weight=question_count,
        fill={"count": count},
    )
    index(
        "predictions/index.md",
        "predictions.md.j2",
        "predictions",
        groups=prediction_groups(forecasts),
        chart=prediction_chart(forecasts),
        fill={"count": len(forecasts)},
    )
    # After the index pages: a copy that makes the search index renders these from the last one back
    # meanwhile, and each process finds the other's pages kept in the cache.
    for interview in progress(ordered, stage="pages generated"):
        interview_page(interview)
    search_files = search_files()
    pages.update(search_files)
    if site.offline:
        pages[OFFLINE_SCRIPT] = offline_script(search_files)
    feed_site = {"name": site.name, "description": site.description, "url": site.url}
    pages[RSS_PATH] = rss_feed(ordered, feed_site)
    pages[JSON_FEED_PATH] = json_feed(ordered, feed_site)
    pages["robots.txt"] = env.get_template("robots.txt.j2").render(site=site)
    pages[FIDELITY_PATH] = fidelity_file(cache, ordered)
    return pages


@dataclass
class PageMaker:
    """Renders pages, or takes each from the cache while everything its template reads is unchanged;
    the site's settings decide their links (folders or .html files)."""

    cache: PickleCache
    env: jinja2.Environment
    site: Site
    memo: dict[int, tuple] = field(default_factory=dict)  # digests of the values pages share
    reads: dict[str, frozenset] | None = None  # the names each template reads

    def __post_init__(self) -> None:
        self.settings = repr(self.site)  # part of every page's key: worked out once, not per page

    def page(self, template: str, context: dict, render, meta=()) -> PageText:
        inputs = inputs_digest(self.reads_of(template), context, self.memo)
        if inputs is None:
            return render()
        key = self.cache.key(template, repr((meta, inputs, self.settings)).encode("utf-8"))
        return self.cache.stored(key, render)

    def reads_of(self, template: str) -> frozenset:
        """Kept in the cache, whose salt covers every template: parsing them is otherwise a fixed
        cost of every build that renders a page. All in one entry, which a build that renders
        nothing keeps for the next one (see KEPT_FOR_THE_NEXT_EDIT)."""
        if self.reads is None:
            self.reads = dict(self.cache.get(self.cache.key(TEMPLATE_READS, b"")) or {})
        if template not in self.reads:
            # A new dict: one the cache holds in memory is never changed.
            self.reads = {**self.reads, template: template_reads(self.env, template)}
            self.cache.put(self.cache.key(TEMPLATE_READS, b""), self.reads)
        return self.reads[template]

    def index_page(self, template: str, meta: dict, context: dict) -> PageText:
        render = partial(render_index, self.env, template, meta, context)
        return self.page(template, context, render, sorted(meta.items()))

    def interview_page(self, interview: Interview, context: dict) -> PageText:
        render = partial(render_interview, self.env, interview, context)
        return self.page("interview.md.j2", {**context, "interview": interview}, render)


def search_index_ahead(cache: PickleCache, ordered: list[Interview], site: Site, aliases: list, page_makers=()):
    """A function that gives the search index's files. Where they have to be made and a build runs
    alone in its process (`build`, not `serve`), a forked copy of the build makes them and keeps
    them in the cache while the pages are rendered here, then renders pages too (calling each of
    ``page_makers`` in turn, which keeps its page in the cache) until this process asks for the
    files: the function stops the copy, waits for it, then reads them (or makes them, if the copy
    failed)."""
    files = partial(search_index_files, cache, ordered, site, aliases)
    key = search_index_key(cache, ordered, site, aliases)
    if key is None or cache.memory is not None or cache.has(key) or not can_fork():
        return files
    stop = Stop()

    def in_copy() -> None:
        files()
        for make_page in page_makers:
            if stop.asked():
                return
            make_page()

    copy = start_copy(in_copy)

    def when_made() -> dict:
        stop.set()
        copy.join()
        return files()

    return when_made


def search_index_key(cache: PickleCache, ordered: list[Interview], site: Site, aliases: list) -> str | None:
    return interviews_key(cache, "search index", ordered, ([site.page_url(i) for i in ordered], aliases))


def search_index_files(cache: PickleCache, ordered: list[Interview], site: Site, aliases: list) -> dict:
    """The search index from the cache while the interviews, their URLs and the topics' names are
    unchanged: any other change to an interview changes its source key. After an edit the index
    is an update of the last one: a process that builds again and again (`serve`) holds it, a
    build reads what the last one kept of it."""
    key = search_index_key(cache, ordered, site, aliases)
    if key is None:
        return build_search_index(ordered, site.page_url, aliases)
    holding = cache.memory is not None
    last_key = cache.key(LAST_INDEX, b"")
    made = []

    def make(previous=None) -> dict:
        made[:] = [updated_index(previous, ordered, site.page_url, aliases, partial(indexed_tokens, cache))]
        return made[0].files

    def update() -> dict:
        return make(cache.held("search index") or last_index(cache, last_key))

    anew = lru_cache(maxsize=1)(make)  # once, however many groups turn out to be damaged
    # The first build of such a process makes the index to hold it: the first edit is an update too.
    # Such a process keeps the files in memory only: writing tens of megabytes to disk on every
    # edit would cost more than the update.
    fresh, on_disk = holding and cache.held("search index") is None, not holding
    try:
        files = cache.stored_files(key, update, fresh, on_disk, remake=anew)
    except EntryLost:  # a file of the last index, needed for this one, is lost: all are made anew
        files = cache.stored_files(key, anew, True, on_disk)
    if not made or cache.folder is None:
        return files
    # The index keeps its files as stored: those an update leaves are neither read nor kept again.
    index = replace(made[0], files=files)
    if holding:
        cache.hold("search index", index)
    else:
        # The files are kept in their groups and the postings in their parts: the index keeps where.
        parts = kept_parts(cache, key, index.postings)
        cache.put(last_key, (listing_of(files), replace(index, files=None, postings=None), parts))
        cache.put(cache.key(LAST_INDEX_PARTS, b""), parts)
    return files


LAST_INDEX = "last search index"
# The entries of its postings' parts again, apart: a build that makes nothing keeps them past
# pruning without reading the index (every token, by shard).
LAST_INDEX_PARTS = "last search index parts"


def last_index(cache: PickleCache, last_key: str) -> SearchIndex | None:
    """The index the last build made, for this one to update; None when its entries are gone. Its
    postings are read part by part, as the update needs them."""
    last = cache.get(last_key)
    files = None if last is None else cache.listed_files(last[0], entry_lost, keep=False)
    if files is None:
        return None
    _, index, parts = last
    parts = [{} if part is None else Reader(cache, part, entry_lost, keep=False) for part in parts]
    return replace(index, files=files, postings=Postings(index.shards, parts))


def kept_parts(cache: PickleCache, key: str, postings: Postings) -> list[str | None]:
    """The entry of each part of the postings (None for an empty one): a part read from an entry
    stays in it, another is kept in a new one."""
    entries: list[str | None] = []
    for number, part in enumerate(postings.parts):
        if isinstance(part, Reader):
            cache.has(part.key)
            entries.append(part.key)
        elif part:
            entries.append(cache.key("search postings", f"{key} {number}".encode()))
            cache.put(entries[-1], part)
        else:
            entries.append(None)
    return entries


def keep_last_index(cache: PickleCache) -> None:
    """The parts of the last index's postings are kept past pruning, also by a build that made
    nothing: the next edit updates them. (Parts lost all the same make the index anew.)"""
    for part in cache.get(cache.key(LAST_INDEX_PARTS, b"")) or ():
        if part is not None:
            cache.has(part)


def indexed_tokens(cache: PickleCache, source_key: str):
    """The search tokens of the interview loaded from the seed with this key, while its body entry
    is kept (the build after its seed is edited has not pruned it yet); else None."""
    body = cache.peek(body_key(cache, source_key))
    return body[1] if isinstance(body, tuple) else None


def interviews_key(cache: PickleCache, name: str, interviews: list[Interview], inputs) -> str | None:
    """The cache key of what is made from these interviews and inputs alone; None when an interview
    has no source key (it was not loaded from a seed)."""
    if not all(interview.source_key for interview in interviews):
        return None
    keys = [interview.source_key for interview in interviews]
    return cache.key(name, repr((keys, inputs)).encode("utf-8"))


FIDELITY_PATH = "fidelity.json"


def fidelity_file(cache: PickleCache, interviews: list[Interview]) -> PageText:
    """The fidelity report from the cache while the interviews are unchanged: a ledger is the seed's.
    Each seed's part of it is kept (held by a process that builds again and again), so after an
    edit the report is made again from the parts of every seed but the edited one."""
    parts_key = cache.key(FIDELITY_PARTS, b"")
    current = [(interview.source_key, interview.url) for interview in interviews]
    held = cache.held(FIDELITY_PARTS)

    def make() -> str:
        parts = held if held is not None else cache.get(parts_key) or {}
        report = fidelity_report(interviews, parts)
        kept = {part: parts[part] for part in current if part in parts}
        cache.put(parts_key, kept)
        cache.hold(FIDELITY_PARTS, kept)
        return report

    key = interviews_key(cache, "fidelity report", interviews, [i.url for i in interviews])
    return make() if key is None else cache.stored(key, make)


FIDELITY_PARTS = "fidelity parts"
TEMPLATE_READS = "template reads"
# Entries the next build after an edit starts from, kept while nothing changes.
KEPT_FOR_THE_NEXT_EDIT = (LAST_INDEX, LAST_INDEX_PARTS, FIDELITY_PARTS, TEMPLATE_READS)  # see keep_last_index


def fidelity_report(interviews: list[Interview], parts: dict | None = None) -> str:
    """Every seed's ledger, for tools: sentences and images kept, and each removal with its lines.
    ``parts``: each seed's JSON by its source key and URL, made here when missing and kept there;
    the report is what json.dumps(…, indent=1) makes of all of them."""
    parts = {} if parts is None else parts
    entries = [
        f"  {json.dumps(interview.seed, ensure_ascii=False)}: {fidelity_part(interview, parts)}"
        for interview in sorted(interviews, key=lambda i: i.seed)
    ]
    if not entries:
        return '{\n "seeds": {}\n}\n'
    return '{\n "seeds": {\n' + ",\n".join(entries) + "\n }\n}\n"


def fidelity_part(interview: Interview, parts: dict) -> str:
    key = (interview.source_key, interview.url)
    if not interview.source_key or key not in parts:
        entry = {"url": interview.url, "credits": list(interview.credits), **asdict(interview.ledger)}
        # Two levels deeper in the report: JSON strings hold no raw line breaks to shift.
        parts[key] = json.dumps(entry, ensure_ascii=False, indent=1).replace("\n", "\n  ")
    return parts[key]
