"""Build: seeds → interviews → generated pages → MkDocs site, staged so a failure changes nothing."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from stat import S_ISREG

from filelock import FileLock, Timeout
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .cache import PickleCache, StoredDict, StoredTuple, content_digest, fingerprint, part_keys
from .clean import clean_body
from .datafiles import load_pages, load_redirects
from .disk import prefetch, remove_tree
from .editorial import Editorial, load_editorial
from .enrich import article_identity, distinct_slugs, enrich
from .errors import InputError, Problems, display_path
from .furniture import Furniture, load_furniture
from .generate import JINJA_CACHE, PageText, Site, generated_files, render_site
from .indexes import questions_of
from .model import Article, Interview
from .pages import bytecode_cache
from .parse import parse_article
from .predictions import Prediction, load_predictions
from .progress import progress
from .quotes import EditorQuote, check_quoted, key_points_of, load_quotes, seeds_missing
from .read import decode_seed, list_seeds
from .render_cache import ConvertAhead, RenderCache
from .search_index import search_tokens
from .sitemap import SitemapParts
from .topics import Topic, assign_topics, excerpts, load_topics, topic_hits
from .write import (
    WriteReport,
    as_stamped,
    is_synced,
    link_or_copy,
    publish_staged,
    stage_changes,
    stamp,
    sync_generated,
)
from .write_ahead import WriteAhead

FUTURE_GRACE = timedelta(days=2)
PREDICTIONS_FILE = "predictions.yml"
QUOTES_FILE = "quotes.yml"


@dataclass(frozen=True)
class Project:
    root: Path
    seeds_dir: Path
    # Where a build keeps loaded seeds, interview pages and HTML for the next one; None (in-process
    # callers, tests) keeps nothing.
    cache_dir: Path | None = None
    # Cache entries held in memory by kind, for a process that builds again and again (`serve`).
    memory: dict | None = field(default=None, compare=False)

    def page_cache(self, offline: bool) -> PickleCache:
        """Generated pages, keyed by everything their template reads, and the search index."""
        if self.cache_dir is None:
            return PickleCache()
        folder = cache_folder(self.cache_dir, "pages", directory_urls=not offline)
        # The code too: its filters shape pages, and it reads what the last build kept.
        salt = fingerprint(sorted(self.templates_dir.rglob("*.j2")), self.templates_dir) + code_fingerprint()
        return PickleCache(folder, salt, memory=self.held(folder.name))

    def seed_cache(self) -> PickleCache:
        if self.cache_dir is None:
            return PickleCache()
        data = fingerprint(sorted(self.data_dir.glob("*.yml")), self.data_dir)
        return PickleCache(self.cache_dir / "seeds", code_fingerprint() + data, memory=self.held("seeds"))

    def synced_cache(self) -> PickleCache:
        """What the last build put in place: under "docs", write.sync_generated's ``known`` for
        docs/; under a site folder's name, that site's site_record."""
        return PickleCache() if self.cache_dir is None else PickleCache(self.cache_dir / "synced")

    def held(self, kind: str) -> dict | None:
        return None if self.memory is None else self.memory.setdefault(kind, {})

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @property
    def offline_site_dir(self) -> Path:
        return self.root / "site-offline"


@dataclass(frozen=True)
class DataFiles:
    topics: tuple[Topic, ...]
    editorial: dict[str, Editorial]
    page_texts: dict[str, dict]
    redirects: dict[str, tuple[str, int]]
    furniture: Furniture = Furniture()
    predictions: tuple[Prediction, ...] = ()
    quotes: tuple[EditorQuote, ...] = ()
    pagination: dict | None = None


def code_fingerprint() -> str:
    package = Path(__file__).parent
    return fingerprint(sorted(package.glob("*.py")), package)


def load_data(data_dir: Path) -> DataFiles:
    topics = load_topics(data_dir / "topics.yml")
    slugs = {t.slug for t in topics}
    editorial = load_editorial(data_dir / "editorial.yml", slugs)
    redirects = load_redirects(data_dir / "redirects.yml")
    furniture = load_furniture(data_dir / "furniture.yml")
    predictions = load_predictions(data_dir / PREDICTIONS_FILE, slugs)
    quotes = load_quotes(data_dir / QUOTES_FILE)
    pages, pagination = load_pages(data_dir / "pages.yml")
    return DataFiles(topics, editorial, pages, redirects, furniture, predictions, quotes, pagination)


def load_interview(path: Path, data: DataFiles, warnings: list[InputError], now: datetime) -> Interview:
    article, interview = parse_and_clean(display_path(path), path.read_bytes(), data)
    warnings.extend(seed_warnings(article, interview, now))
    return interview


def parse_and_clean(name: str, raw: bytes, data: DataFiles) -> tuple[Article, Interview]:
    """One seed's bytes to its interview; depends on nothing but its arguments, so it can be cached
    and run in another process."""
    article = parse_article(name, decode_seed(name, raw))
    notes = data.editorial.get(Path(name).name, Editorial())
    cleaned = clean_body(article.body, name, article.header.author, data.furniture, notes.acknowledged)
    interview = enrich(article, cleaned, slug=notes.slug)
    hits = topic_hits(interview, data.topics)
    interview = replace(
        interview,
        topics=assign_topics(hits, data.topics, notes.topics_add, notes.topics_remove),
        topic_hits=hits,
        host=notes.host,
        host_role=notes.host_role,
        event=notes.event,
        title_en=notes.title_en,
    )
    passages = {topic.slug: excerpts(interview, topic) for topic in data.topics if topic.slug in interview.topics}
    # The article's body lines are in the interview now; its header is what is kept of it.
    article = replace(article, body=())
    questions = tuple(questions_of(interview))
    derived = {
        "topic_excerpts": passages,
        "search_tokens": search_tokens(interview),
        "questions": questions,
        "question_count": len(questions),
        "key_points": tuple(key_points_of(interview)),
    }
    return article, replace(interview, **derived)


def seed_warnings(article: Article, interview: Interview, now: datetime) -> list[InputError]:
    return header_warnings(article, now) + body_warnings(article, interview)


def header_warnings(article: Article, now: datetime) -> list[InputError]:
    """Problems the build survives: a missing optional header line, a date far in the future."""
    lines = dict(article.header_lines)
    header = article.header
    warnings = []
    if header.published > now + FUTURE_GRACE:
        reason = f"发布时间 {header.published:%Y-%m-%d} is in the future"
        warnings.append(InputError(article.seed, lines["published"], reason))
    optional = (
        ("author", "文章作者", header.author),
        ("location", "发布地", header.location),
        ("cover_image", "封面图链接", header.cover_image),
    )
    for name, key, value in optional:
        if name not in lines:
            warnings.append(InputError(article.seed, lines["end"], f"header line {key}: is missing"))
        elif not value:
            warnings.append(InputError(article.seed, lines[name], f"header line {key}: is empty"))
    return warnings


def body_warnings(article: Article, interview: Interview) -> list[InputError]:
    """A page with nothing on it: an export cut off after its header, or a body all furniture."""
    if interview.word_count or interview.ledger.images_kept:
        return []
    line = dict(article.header_lines)["end"] + 1
    return [InputError(article.seed, line, "the article shows no text and no image after its header")]


def check_unique(interviews: list[Interview], problems: Problems) -> None:
    """Two seeds may not share a URL or be the same WeChat article."""
    keys = (
        (lambda i: i.slug, "URL interviews/{}/"),
        (lambda i: article_identity(i.header.source_url), "article (原文链接 __biz/mid/idx {})"),
    )
    for key_of, what in keys:
        first_seen: dict[str, Interview] = {}
        for interview in interviews:
            key = key_of(interview)
            if key in first_seen:
                other = first_seen[key].seed
                problems.errors.append(InputError(interview.seed, 1, f"same {what.format(key)} as {other}"))
            else:
                first_seen[key] = interview


def load_interviews(
    seeds_dir: Path, data: DataFiles, problems: Problems, cache: PickleCache | None = None
) -> list[Interview]:
    """Every seed parsed and cleaned; all problems are collected before anything stops the run."""
    if not seeds_dir.is_dir():
        problems.errors.append(InputError(str(seeds_dir), 0, "seeds folder does not exist"))
        problems.raise_if_any()
    paths, notes = list_seeds(seeds_dir)
    problems.notes.extend(notes)
    interviews: list[Interview] = []
    now = datetime.now().astimezone()
    for loaded in load_seeds(paths, data, cache or PickleCache()):
        if isinstance(loaded, InputError):
            problems.errors.append(loaded)
            continue
        article, interview = loaded
        problems.warnings.extend(seed_warnings(article, interview, now))
        interviews.append(interview)
    if not paths:
        problems.errors.append(InputError(display_path(seeds_dir / "*.txt"), 0, "no seed files found"))
    hand_picked = {f"{seeds_dir.name}/{name}" for name, notes in data.editorial.items() if notes.slug}
    interviews = distinct_slugs(interviews, hand_picked)
    check_unique(interviews, problems)
    problems.raise_if_any()
    return interviews


PARALLEL_FROM = 64
_worker_data: DataFiles | None = None
_worker_store: PickleCache | None = None


def load_seeds(paths: list[Path], data: DataFiles, cache: PickleCache) -> list:
    """(article, interview) or the InputError of each seed, in order. Cached seeds are unpickled;
    the others are loaded on every core when there are many of them, and cached."""
    read: dict[int, bytes] = {}
    keys = seed_keys(paths, cache, read)
    cache.prefetch(keys)
    remakes = [partial(interview_anew, path, data) for path in paths]
    loaded = [stored_seed(cache, key, remake) for key, remake in zip(keys, remakes, strict=True)]
    missing = [i for i, value in enumerate(loaded) if value is None]
    store = PickleCache(cache.folder, cache.salt) if cache.folder is not None else None
    sources = [(display_path(paths[i]), read.pop(i, None) or paths[i].read_bytes()) for i in missing]
    read.clear()
    fresh = load_many(sources, data, store)
    for i, value in zip(missing, progress(fresh, total=len(missing), stage="seeds read"), strict=True):
        if not isinstance(value, InputError):
            article, interview = value
            interview = replace(interview, source_key=keys[i])
            value = (article, store_seed(cache, keys[i], article, interview, remakes[i]))
        loaded[i] = value
    cache.prune()
    return loaded


SEED_STAMPS = "seed stamps"
RACY_NS = 2 * 10**9  # a file time this close to a build's start may yet be shared by a later write


def seed_keys(paths: list[Path], cache: PickleCache, read: dict[int, bytes]) -> list[str]:
    """Each seed's key: its name and bytes. A seed whose size, times and inode are those the last
    build recorded with its key is not read again (as git's index trusts a file's stat): any write
    or replacement sets its change time, which no tool sets back. A stamp is recorded only once its
    change time is RACY_NS old: a write within the same tick of the clock would leave it as it was.
    ``read`` receives the bytes of each seed read, by its place in paths."""
    record_key = cache.key(SEED_STAMPS, b"")
    last, record, keys = cache.get(record_key) or {}, {}, []
    trusted_before = time.time_ns() - RACY_NS
    unseen = [path for path in paths if display_path(path) not in last]
    prefetch(unseen)  # the disk reads them while the others' keys are looked up
    for place, path in enumerate(paths):
        name, stat = display_path(path), os.stat(path)
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev)
        seen = last.get(name)
        if seen is not None and seen[0] == stamp:
            keys.append(seen[1])
        else:
            read[place] = path.read_bytes()
            keys.append(cache.key(name, read[place]))
        if stat.st_ctime_ns < trusted_before:
            record[name] = (stamp, keys[-1])
    if record != last:
        cache.put(record_key, record)
    return keys


def store_seed(cache: PickleCache, key: str, article: Article, interview: Interview, remake) -> Interview:
    """A seed's interview is kept in four entries: its body (blocks and search tokens), its
    questions and its topic passages, which a build reads only for the pages it renders again, and
    the rest under the seed's key. The interview is then held as a cached one is (see
    with_stored_body): holding every body as loaded would keep the whole archive in memory through
    the build. An interview without blocks was kept, all four entries, by the worker that loaded
    it (see load_apart)."""
    parts = part_keys(cache, key)
    if interview.blocks is None:
        # Kept past pruning; the head's key was asked for already.
        for part in parts:
            cache.has(part)
    else:
        keep_seed(cache, key, article, interview)
    return interview if cache.folder is None else with_stored_body(cache, parts, interview, remake)


def keep_seed(cache: PickleCache, key: str, article: Article, interview: Interview) -> None:
    for part, value in zip(part_keys(cache, key), part_values(interview), strict=True):
        cache.put(part, value)
    cache.put(key, (article, head_of(interview)))


def part_values(interview: Interview) -> tuple:
    """What the entries of cache.part_keys hold, in their order: body, questions, topic passages."""
    return body_of(interview), interview.questions, interview.topic_excerpts


def body_of(interview: Interview) -> tuple:
    return interview.blocks, interview.search_tokens


def head_of(interview: Interview) -> Interview:
    """What every build reads of an interview: its questions are most of the rest, and only the
    pages that list them read them (their count is kept)."""
    return replace(interview, blocks=None, search_tokens=None, topic_excerpts=None, questions=None)


def interview_anew(path: Path, data: DataFiles) -> Interview:
    """A seed's interview loaded again, for an entry of its body or questions found damaged."""
    return parse_and_clean(display_path(path), path.read_bytes(), data)[1]


def stored_seed(cache: PickleCache, key: str, remake) -> tuple[Article, Interview] | None:
    """A seed's (article, interview) from the cache, its body and questions read when they are
    needed (``remake()`` gives the interview anew if their entry turns out to be damaged)."""
    head = cache.get(key)
    parts = None if head is None else part_keys(cache, key)
    if parts is None or not all(cache.has(part) for part in parts):
        return None
    article, interview = head
    return article, with_stored_body(cache, parts, interview, remake)


def with_stored_body(cache: PickleCache, parts: tuple[str, ...], interview: Interview, remake) -> Interview:
    """``parts``: the keys of the interview's entries besides its head (cache.part_keys)."""
    # Blocks, search tokens and questions are not held: a build that renders every page and the
    # whole search index (the first one) would otherwise end up holding every body, most of the archive.
    body_entry, questions_entry, passages_entry = parts
    read = partial(cache.get_latest, body_entry, lambda: body_of(remake()))
    questions = partial(cache.get_latest, questions_entry, lambda: remake().questions)
    body = {
        "blocks": StoredTuple(lambda: read()[0], keep=False),
        "search_tokens": StoredTuple(lambda: read()[1], keep=False),
        "topic_excerpts": StoredDict(partial(cache.get_or_make, passages_entry, lambda: remake().topic_excerpts)),
        "questions": StoredTuple(questions, keep=False),
    }
    return replace(interview, **body)


def worker_count(sources: int) -> int:
    """Processes to load this many seeds: one below PARALLEL_FROM (starting processes costs more
    than it saves), else one per PARALLEL_FROM / 2 seeds, at most one per core."""
    if sources < PARALLEL_FROM:
        return 1
    return min(os.cpu_count() or 1, sources // (PARALLEL_FROM // 2))


def load_many(sources: list[tuple[str, bytes]], data: DataFiles, store: PickleCache | None = None):
    """load_or_error of each source, in order; in worker processes when there are many (see
    load_apart for ``store``)."""
    workers = worker_count(len(sources))
    if workers < 2:
        return (load_or_error(source, data) for source in sources)
    # Spawned, not forked: under `serve` the hook runs beside MkDocs' server threads, and a fork
    # copies whatever lock one of them holds.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, context, initializer=_set_worker_data, initargs=(data, store))
    return _closing(pool, pool.map(_load_in_worker, sources, chunksize=8))


def _closing(pool: ProcessPoolExecutor, results):
    with pool:
        yield from results


def _set_worker_data(data: DataFiles, store: PickleCache | None = None) -> None:
    global _worker_data, _worker_store
    _worker_data, _worker_store = data, store


def _load_in_worker(source: tuple[str, bytes]):
    return load_apart(source, _worker_data, _worker_store)


def load_apart(source: tuple[str, bytes], data: DataFiles, store: PickleCache | None):
    """load_or_error; with a store, the seed is kept in it here, under the key the parent gives the
    seed, and only the head is returned: the body, most of an interview, is then written on every
    core and not sent to the parent, which would only write it and let it go; the head is pickled
    and written on every core too, where the parent would do it for each seed in turn."""
    loaded = load_or_error(source, data)
    if store is None or isinstance(loaded, InputError):
        return loaded
    article, interview = loaded
    key = store.key(*source)
    interview = replace(interview, source_key=key)
    keep_seed(store, key, article, interview)
    return article, head_of(interview)


def load_or_error(source: tuple[str, bytes], data: DataFiles):
    try:
        return parse_and_clean(*source, data)
    except InputError as error:
        return error


def removal_summary(interview: Interview) -> str:
    """One line per seed: what reached the page, and what each rule removed."""
    ledger = interview.ledger
    chars: dict[str, int] = {}
    for removal in ledger.removals:
        chars[removal.rule] = chars.get(removal.rule, 0) + removal.chars
    parts = [f"{rule} {count} ({chars[rule]} chars)" for rule, count in interview.removed]
    return (
        f"{interview.seed}: kept {ledger.sentences_kept}/{ledger.sentences} sentences, "
        f"{ledger.images_kept}/{ledger.images} images; removed " + (", ".join(parts) if parts else "nothing")
    )


def ledger_lines(interview: Interview) -> list[str]:
    """The whole ledger of one seed: every removal with its lines, for `check`."""
    lines = [removal_summary(interview)]
    if interview.ledger.closing_line:
        lines.append(f"  closing boilerplate from line {interview.ledger.closing_line}")
    for r in interview.ledger.removals:
        lines.append(
            f"  lines {r.first_line}–{r.last_line}: {r.rule}: {r.chars} chars, "
            f"{r.sentences} sentences, {r.images} images"
        )
    return lines


def load_project(project: Project, problems: Problems) -> tuple[list[Interview], DataFiles]:
    try:
        data = load_data(project.data_dir)
    except InputError as error:
        problems.errors.append(error)
        data = DataFiles((), {}, {}, {})
    interviews = load_interviews(project.seeds_dir, data, problems, project.seed_cache())
    for entries, name in ((data.predictions, f"data/{PREDICTIONS_FILE}"), (data.quotes, f"data/{QUOTES_FILE}")):
        problems.errors.extend(check_quoted(entries, interviews, name))
        problems.notes.extend(seeds_missing(entries, interviews, name))
    problems.raise_if_any()
    return interviews, data


def site_settings(config) -> Site:
    url = config.site_url or ""
    return Site(
        config.site_name,
        config.site_description or "",
        url if url.endswith("/") else url + "/",
        config.use_directory_urls,
        offline=bool(config.extra.get("offline")),
    )


def prepare(project: Project, config, problems: Problems) -> tuple[list[Interview], dict[str, PageText], dict]:
    """Everything the build writes: the interviews, the generated files (texts, or the cache
    entries that hold them) and the redirects."""
    interviews, data = load_project(project, problems)
    site = site_settings(config)
    cache = project.page_cache(site.offline)
    make = partial(
        render_site,
        interviews,
        data.topics,
        project.templates_dir,
        data.page_texts,
        site,
        data.predictions,
        data.quotes,
        data.pagination,
        cache,
    )
    pages = generated_files(cache, interviews, site, make)
    return interviews, pages, redirect_maps(data, pages, project, problems)


def generate(
    project: Project, config, problems: Problems, known: dict | None = None
) -> tuple[list[Interview], WriteReport, dict[str, str]]:
    """Regenerate config.docs_dir in place (used by the `mkdocs serve` hook); ``known``: see
    write.sync_generated."""
    interviews, pages, redirects = prepare(project, config, problems)
    return interviews, sync_generated(Path(config.docs_dir), pages, known), redirects


def redirect_maps(data: DataFiles, pages: dict[str, str], project: Project, problems: Problems) -> dict[str, str]:
    """data/redirects.yml checked against the pages: every old URL must lead to a page that exists."""
    maps = {}
    name = "data/redirects.yml"
    for old, (new, line) in data.redirects.items():
        if new not in pages and not (project.docs_dir / new).is_file():
            problems.errors.append(InputError(name, line, f"redirect target {new.removesuffix('.md')}/ is not a page"))
        elif old in pages:
            problems.errors.append(InputError(name, line, f"{old.removesuffix('.md')}/ is a page, it cannot redirect"))
        else:
            maps[old] = new
    problems.raise_if_any()
    return maps


def load_mkdocs_config(project: Project, offline: bool = False, **overrides):
    from mkdocs.config import load_config

    if offline:
        # Pages opened from the file system need links to .html files, not folders.
        overrides["use_directory_urls"] = False
    # The pages are generated already: the hook that regenerates them is for `mkdocs serve`.
    config = load_config(str(project.config_file), hooks=[], **overrides)
    config.extra["offline"] = offline
    return config


GZIP_LAST_TIME = 2**32 - 1


@contextmanager
def build_date(when: datetime | None):
    """MkDocs stamps the sitemap and its .gz with the build date unless SOURCE_DATE_EPOCH is set;
    pinning it to the newest interview makes two builds of the same seeds byte-identical. A gzip
    header holds a time from 1970 to 2106: a seed dated outside it (9999-12-31 is only a warning)
    gives that range's nearest end, not an error while MkDocs writes the sitemap."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    if previous is None and when is not None:
        os.environ["SOURCE_DATE_EPOCH"] = str(min(max(int(when.timestamp()), 0), GZIP_LAST_TIME))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


def mkdocs_build(
    config,
    docs_dir: Path,
    site_dir: Path,
    redirects: dict[str, str],
    cache_dir: Path | None = None,
    last_site: tuple[Path, dict] | None = None,
    overlay: StagedPages | None = None,
) -> dict[str, bytes]:
    """Build with the configuration the pages were generated for, from docs_dir into site_dir; the
    digest of each page written, by its path in the site. ``last_site``: the site this one
    replaces, and its record (see PageDigests); ``overlay``: pages read from elsewhere."""
    from mkdocs.commands.build import build

    config.docs_dir, config.site_dir = str(docs_dir), str(site_dir)
    config.plugins["redirects"].config["redirect_maps"] = redirects
    if cache_dir is not None:
        render_cache = RenderCache(cache_folder(cache_dir, "html", config.use_directory_urls))
        config.plugins["sitegen-render-cache"] = render_cache
        config.plugins["sitegen-convert-ahead"] = ConvertAhead(render_cache)
        config.plugins["sitegen-theme-bytecode"] = ThemeBytecode(cache_dir / JINJA_CACHE)
    config.plugins.on_startup(command="build", dirty=False)
    overlay = overlay or StagedPages(docs_dir)
    config.plugins["sitegen-staged-pages"] = overlay
    with progress(stage="MkDocs rendering") as bar:
        config.plugins["sitegen-progress"] = PageCounter(bar)
        config.plugins["sitegen-linked-files"] = LinkedStaticFiles(overlay.folder)
        config.plugins["sitegen-digests"] = digests = PageDigests(*(last_site or ()))
        config.plugins["sitegen-write-ahead"] = WriteAhead(digests)
        config.plugins["sitegen-sitemap"] = SitemapParts()
        log = logging.getLogger("mkdocs.commands.build")
        log.addFilter(digests)
        try:
            build(config)
        finally:
            log.removeFilter(digests)
            config.plugins.on_shutdown()
    return digests.digests


def cache_folder(cache_dir: Path, kind: str, directory_urls: bool) -> Path:
    # The offline copy links to .html files: its pages and their HTML differ and are kept apart.
    return cache_dir / (kind if directory_urls else f"{kind}-files")


LOCK_FILE = ".build.lock"
CACHE_DIR = ".cache"


@contextmanager
def one_build_at_a_time(root: Path, say=print):
    """Hold the checkout's build lock; a second build waits for the first and says so. The operating
    system releases the lock when its holder dies, so a killed build never blocks the next one."""
    lock = FileLock(root / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say("waiting for another build of this checkout to finish…")
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


class PageDigests(BasePlugin):
    """The digest of each page as MkDocs writes it, by its path in the site. A page with the bytes
    the last site holds for it (``seen``: see site_record) is linked to that site's file instead:
    MkDocs writes nothing for a page left empty, and removing the last site frees nothing then.
    At 10,000 pages that is 1.6 GB neither written nor freed. Pages in ``elsewhere`` are written by
    another process (see write_ahead), which records their digests."""

    def __init__(self, last_site: Path | None = None, seen: dict | None = None) -> None:
        self.digests: dict[str, bytes] = {}
        self.last_site, self.seen = last_site, seen or {}
        self.linked: set[str] = set()
        self.elsewhere: set[str] = set()

    def on_post_page(self, output: str, page, config) -> str:
        if page.file.src_uri in self.elsewhere:
            return ""
        # MkDocs writes output.encode("utf-8", errors="xmlcharrefreplace").
        digest = content_digest(output.encode("utf-8", errors="xmlcharrefreplace"))
        self.digests[page.file.dest_uri] = digest
        if self.linked_to_last_site(page.file.dest_uri, digest, Path(page.file.abs_dest_path)):
            self.linked.add(page.file.src_uri)
            return ""
        return output

    def linked_to_last_site(self, dest_uri: str, digest: bytes, target: Path) -> bool:
        if self.last_site is None or not is_synced(self.last_site / dest_uri, digest, self.seen.get(dest_uri)):
            return False
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(self.last_site / dest_uri, target)
        except OSError:
            return False  # MkDocs writes it
        return True

    def filter(self, record: logging.LogRecord) -> bool:
        """Leaves out MkDocs' note that it skipped a page left empty, for the pages linked or written
        elsewhere."""
        message = record.getMessage()
        if not message.startswith("Page skipped: '"):
            return True
        uri = message.split("'")[1]
        return uri not in self.linked and uri not in self.elsewhere


class PageCounter(BasePlugin):
    """Counts each page MkDocs converts and each it writes (two steps a page), for the progress
    bar; only in the build's own process, not in a copy that writes pages (see write_ahead)."""

    def __init__(self, bar) -> None:
        self.bar, self.process = bar, os.getpid()

    @event_priority(-100)  # after every plugin that adds or removes files
    def on_files(self, files, config):
        self.bar.total = 2 * len(files.documentation_pages())
        return files

    def on_page_content(self, html: str, **kwargs) -> str:
        self.step()
        return html

    def on_post_page(self, output: str, **kwargs) -> str:
        self.step()
        return output

    def step(self) -> None:
        if os.getpid() == self.process:
            self.bar.update()


class StagedPages(BasePlugin):
    """MkDocs reads docs/ as it is but for the generated pages a build changed: those it reads
    from ``folder``, where the build staged them, and those no longer generated (``removed``) it
    does not read at all. docs/ is brought up to date only once the site is built."""

    def __init__(self, folder: Path, written: list[str] = (), removed: list[str] = ()) -> None:
        self.folder, self.written, self.removed = folder, set(written), set(removed)

    @event_priority(100)  # before any plugin reads the files
    def on_files(self, files, config):
        if not self.written and not self.removed:
            return files
        staged = {
            name: File(name, str(self.folder), config.site_dir, config.use_directory_urls) for name in self.written
        }
        kept = [staged.pop(file.src_uri, file) for file in files if file.src_uri not in self.removed]
        if staged:
            # Pages docs/ does not have yet, put where MkDocs walks to them: it is the order of the
            # pages in the sitemap, the search index and a navigation that is not written out.
            # (Sorting all 30,000 files of docs/ at 10,000 interviews takes about 0.12 s.)
            kept = sorted(kept + list(staged.values()), key=lambda file: walk_order(file.src_uri))
        return Files(kept)


def walk_order(src_uri: str) -> list[tuple]:
    """The place of a file in mkdocs.structure.files.get_files: folders in name order, each one's
    files before its subfolders', an index or README first."""
    *folders, name = src_uri.split("/")
    return [(1, folder) for folder in folders] + [(0, os.path.splitext(name)[0] not in ("index", "README"), name)]


class LinkedStaticFiles(BasePlugin):
    """Hard-links the static files of docs/ and of the staging folder (the search index is
    thousands of them) into the site before MkDocs copies them; MkDocs then finds each already in
    place and leaves it."""

    def __init__(self, staged: Path | None = None) -> None:
        self.staged = staged

    def on_env(self, env, config, files):
        link_static_files(files, Path(config.docs_dir), self.staged)
        return env


class ThemeBytecode(BasePlugin):
    """Keeps the theme's compiled templates between builds, as the page templates are."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def on_env(self, env, config, files):
        env.bytecode_cache = bytecode_cache(self.folder)
        return env


def link_static_files(files, docs_dir: Path, staged: Path | None = None) -> None:
    """Theme files are left to MkDocs: a link would tie the site to the installed package."""
    for file in files:
        if file.is_documentation_page() or file.abs_src_path is None or file.inclusion.is_excluded():
            continue
        source, target = Path(file.abs_src_path), Path(file.abs_dest_path)
        ours = source.is_relative_to(docs_dir) or (staged is not None and source.is_relative_to(staged))
        if not ours or linked_twins(source, target):
            continue
        # A rebuild into the same site (serve) finds the link to the file's previous version: copying
        # over it would change that version in every folder linked to it, so it is replaced.
        target.unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(source, target)


def old_copy(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def keep_unchanged_mtimes(new: Path, old: Path, digests: dict | None = None, seen: dict | None = None) -> None:
    """A rebuilt file with the same bytes keeps its old modification time, so caches, rsync and
    `make`-style tools see only what really changed. ``digests``: of the new pages, as MkDocs wrote
    them; ``seen``: digest, size and time of the old site's pages when they were written, so an
    unchanged page is known without reading either copy."""
    if not old.is_dir():
        return
    digests, seen = digests or {}, seen or {}
    for relative, entry in files_under(new):
        try:
            stat = os.stat(os.path.join(old, relative))
        except OSError:
            continue
        if not S_ISREG(stat.st_mode) or os.path.samestat(entry.stat(), stat):
            continue  # one file under two names has one modification time already
        if same_bytes(Path(entry.path), old / relative, stat, digests.get(relative), seen.get(relative)):
            os.utime(entry.path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def files_under(folder: Path | str, prefix: str = ""):
    """(POSIX path relative to folder, DirEntry) of each file under folder: a site is thousands of
    them, walked with what os.scandir knows already rather than a stat or two apiece."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            yield from files_under(entry.path, f"{prefix}{entry.name}/")
        elif entry.is_file():
            yield prefix + entry.name, entry


def same_bytes(path: Path, previous: Path, stat: os.stat_result, digest: bytes | None, seen: tuple | None) -> bool:
    if digest is not None and as_stamped(stat, seen):
        return seen[0] == digest
    return stat.st_size == path.stat().st_size and previous.read_bytes() == path.read_bytes()


def site_record(site: Path, digests: dict[str, bytes]) -> dict[str, tuple]:
    """Digest, size and time of each page of a site in place, for the next swap (see above)."""
    return {relative: stamp(site / relative, digest) for relative, digest in digests.items()}


def linked_twins(path: Path, other: Path) -> bool:
    try:
        return path.is_file() and path.samefile(other)
    except OSError:
        return False


def swap_directory(new: Path, target: Path, digests: dict | None = None, seen: dict | None = None) -> None:
    """Put new in target's place; the old target is removed only after the new one is in place.
    ``digests`` and ``seen``: see keep_unchanged_mtimes."""
    keep_unchanged_mtimes(new, target, digests, seen)
    old = old_copy(target)
    remove_tree(old)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    remove_tree(old)


def recover_interrupted(root: Path, targets: tuple[Path, ...]) -> None:
    """Undo what a killed build left behind: its staging folders, and a site caught mid-swap.

    Two builds of one project must not run at the same time; a second one would remove the
    first one's staging folder here.
    """
    for staging in root.glob(".staging-*"):
        shutil.rmtree(staging, ignore_errors=True)
    for target in targets:
        old = old_copy(target)
        if old.exists() and not target.exists():
            os.replace(old, target)
        shutil.rmtree(old, ignore_errors=True)


FULL_COLLECTION_AFTER = 10**9  # collections of the middle generation before a full one: never


@contextmanager
def long_lived_heap():
    """No full garbage collection while a build runs. Its heap is mostly objects that live until it
    ends (the interviews' headers, MkDocs' pages), and Python collects in full each time the heap
    grows by a quarter, scanning all of them again: 14 times in a warm build of 10,000 interviews,
    3.2 s of its 36.6. Young objects are still collected, and with them the cycles a build drops."""
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
    try:
        yield
    finally:
        gc.set_threshold(young, middle, full)


def build_site(
    project: Project,
    problems: Problems,
    offline: bool = False,
    timings: dict[str, float] | None = None,
    **mkdocs_overrides,
) -> tuple[list[Interview], WriteReport]:
    """Generate and build in a staging folder; only a fully successful build replaces docs/ and site/.

    The offline copy is built into site-offline/ from its own generated pages (links to .html
    files, the search index as a script); docs/ keeps the pages of the online site.
    ``timings`` receives the seconds of each stage: generator, mkdocs, swap.
    """
    lap = stopwatch({} if timings is None else timings)
    recover_interrupted(project.root, (project.site_dir, project.offline_site_dir))
    config = load_mkdocs_config(project, offline=offline, **mkdocs_overrides)
    interviews, pages, redirects = prepare(project, config, problems)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=project.root))
    try:
        staging_docs, staging_site = staging / "docs", staging / "site"
        # MkDocs reads docs/ where it is, and from staging only the pages this build changed. What
        # docs/ last synced is known; the offline pages are not docs/', so they are compared.
        synced = project.synced_cache()
        known = {} if offline else synced.get("docs") or {}
        recorded = dict(known)
        staged = stage_changes(project.docs_dir, staging_docs, pages, known)
        # MkDocs reads the pages from disk: holding them, or the interviews' bodies they were made
        # from, in memory as well would only raise the peak.
        names, pages = sorted(pages), None
        interviews = [head_of(interview) for interview in interviews]
        lap("generator")
        newest = max((i.header.published for i in interviews), default=None)
        site_dir = project.offline_site_dir if offline else project.site_dir
        last_site = (site_dir, synced.get(site_dir.name) or {})
        overlay = StagedPages(staging_docs, staged.written, staged.removed)
        with build_date(newest):
            digests = mkdocs_build(
                config, project.docs_dir, staging_site, redirects, project.cache_dir, last_site, overlay
            )
        lap("mkdocs")
        if offline:
            report = WriteReport(written=names)
        else:
            report = publish_staged(project.docs_dir, staging_docs, staged, names)
            if known != recorded:
                synced.put("docs", known)
        swap_directory(staging_site, site_dir, digests, last_site[1])
        synced.put(site_dir.name, site_record(site_dir, digests))
        lap("swap")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return interviews, report


def stopwatch(timings: dict[str, float]):
    """lap(name) stores the seconds since the previous lap (or since the start) under name."""
    last = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name], last[0] = now - last[0], now

    return lap
