"""MkDocs plugin: the HTML of a page whose Markdown has not changed is taken from the last build.

Converting Markdown is most of MkDocs' work, and a rebuild after one seed changed asks for the
same HTML again for nearly every page. An entry is keyed by the page's Markdown and path and by
everything that shapes the conversion (the extensions and their settings, the URL style, the
versions of the libraries, sitegen's own extensions). Links are the one input from outside the
page: each entry remembers the pages it links to and their URLs, and is used only while they are
unchanged, so a link to a page that has gone is converted again and reported as MkDocs reports it.
A page whose conversion logged a warning is never kept.
"""

from __future__ import annotations

import functools
import logging
from importlib.metadata import version
from itertools import chain
from pathlib import Path

from mkdocs.plugins import BasePlugin
from mkdocs.structure.pages import Page

from .cache import PickleCache
from .disk import prefetch_beside
from .fork import Stop, can_fork, start_copy

LIBRARIES = ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material")


class WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def stable(value) -> str:
    """A setting as text that is the same in every process: functions by name, not by address."""
    if isinstance(value, functools.partial):
        return f"partial({stable(value.func)}, {stable(value.args)}, {stable(value.keywords)})"
    if callable(value):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{stable(k)}: {stable(v)}" for k, v in sorted(value.items(), key=str)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(stable(item) for item in value) + "]"
    return repr(value)


def conversion_salt(config) -> str:
    parts = [stable(config["markdown_extensions"]), stable(config["mdx_configs"]), repr(config.use_directory_urls)]
    parts += [version(name) for name in LIBRARIES]
    parts += [(Path(__file__).parent / name).read_text(encoding="utf-8") for name in ("links.py", "verbatim.py")]
    return "\0".join(parts)


class RenderCache(BasePlugin):
    def __init__(self, folder: Path) -> None:
        self.entries = PickleCache(folder)
        self.warnings = WarningCounter()
        self.pending: dict[str, tuple[str, list, int]] = {}
        self.found: dict[str, tuple] = {}
        self.converted = self.reused = self.pages = 0

    def on_pre_build(self, config) -> None:
        self.entries.salt = conversion_salt(config)
        self.entries.used.clear()
        self.converted = self.reused = 0
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def on_files(self, files, config):
        self.pages = len(files.documentation_pages())
        return files

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        uri = page.file.src_uri
        key = self.entries.key(uri, markdown.encode("utf-8"))
        entry = self.entries.get(key)
        if entry is not None and links_unchanged(entry["links"], files):
            self.found[uri] = entry
            self.reused += 1
            return ""  # nothing left for Markdown to convert: the HTML is restored below
        links: list[tuple[str, str | None]] = []
        record_links(files, links)
        self.pending[uri] = (key, links, self.warnings.count)
        self.converted += 1
        return markdown

    def on_page_content(self, html: str, page, config, files) -> str:
        uri = page.file.src_uri
        if uri in self.found:
            return restore(page, files, self.found.pop(uri))
        files.__dict__.pop("get_file_from_path", None)
        key, links, warnings_before = self.pending.pop(uri)
        if self.warnings.count == warnings_before:
            self.entries.put(key, snapshot(page, html, links))
        # MkDocs converts every page before it writes any, and keeps each page's Markdown beside its
        # HTML until the end: nothing reads it after conversion, and it is a third of the peak.
        page.markdown = ""
        return html

    def convert(self, page: Page, config, files) -> None:
        """Convert one page as MkDocs would and keep its HTML, unless it is kept already."""
        page.read_source(config)
        if self.entries.has(self.entries.key(page.file.src_uri, page.markdown.encode("utf-8"))):
            return
        page.markdown = self.on_page_markdown(page.markdown, page, config, files)
        page.render(config, files)
        self.on_page_content(page.content, page, config, files)

    def on_post_build(self, config) -> None:
        # A dirty rebuild under `serve` skips unchanged pages: their entries are still wanted.
        if self.converted + self.reused == self.pages:
            self.entries.prune()
        logging.getLogger("mkdocs").removeHandler(self.warnings)

    def on_build_error(self, error) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)


AHEAD_FROM = 64  # pages to convert, below which a second process costs more than it saves


class ConvertAhead(BasePlugin):
    """In a build that converts many pages (the first one), a forked copy of the build converts
    them from the last one back while MkDocs converts them from the first one on, and keeps their
    HTML in the render cache, where MkDocs finds it when it gets there: Markdown on two cores.
    Forked, not spawned: the copy starts with the configuration and files loaded. Only for `build`
    (see fork.start_copy), which is also the build that reads every page: the disk is asked for
    them all first. A rebuild under `serve` reads only the pages an edit changed."""

    def __init__(self, render_cache: RenderCache) -> None:
        self.render_cache = render_cache
        self.helper = self.stop = None

    def on_files(self, files, config):
        pages = files.documentation_pages()
        kept = list(self.render_cache.entries.files())
        # MkDocs reads each page's Markdown, then its kept HTML, one page at a time: asked for all
        # at once here, the disk reads them while it works (see disk.py).
        prefetch_beside(chain((page.abs_src_path for page in pages if page.abs_src_path), kept))
        if len(pages) - len(kept) >= AHEAD_FROM and can_fork():
            self.stop = Stop()
            self.helper = start_copy(self.convert_from_end, pages, config, files)
        return files

    def on_env(self, env, config, files):
        self.finish()  # every page is converted by now
        return env

    def on_build_error(self, error) -> None:
        self.finish()

    def finish(self) -> None:
        if self.helper is not None:
            self.stop.set()
            self.helper.join()
            self.helper = None

    def convert_from_end(self, pages, config, files) -> None:
        quiet_logging(self.render_cache.warnings)
        for file in reversed(pages):
            if self.stop.asked():
                return
            self.render_cache.convert(Page(None, file, config), config, files)


def quiet_logging(counter: logging.Handler) -> None:
    """Log nothing but to the counter that keeps a page with warnings out of the cache."""
    mkdocs_log = logging.getLogger("mkdocs")
    for handler in list(mkdocs_log.handlers):
        if handler is not counter:
            mkdocs_log.removeHandler(handler)
    mkdocs_log.propagate = False
    logging.getLogger().handlers = [logging.NullHandler()]


def record_links(files, links: list) -> None:
    """Note every page the conversion looks up, with the URL it had, while one page converts."""
    lookup = type(files).get_file_from_path.__get__(files)

    def recording(path: str):
        found = lookup(path)
        links.append((path, found.url if found else None))
        return found

    files.get_file_from_path = recording


def links_unchanged(links: list, files) -> bool:
    for path, url in links:
        found = files.get_file_from_path(path)
        if (found.url if found else None) != url:
            return False
    return True


def snapshot(page, html: str, links: list) -> dict:
    anchors = {target.src_uri: names for target, names in (page.links_to_anchors or {}).items()}
    return {
        "html": html,
        "toc": page.toc,
        "title": page._title_from_render,
        "anchor_ids": page.present_anchor_ids,
        "links_to_anchors": anchors,
        "links": links,
    }


def restore(page, files, entry: dict) -> str:
    page.toc = entry["toc"]
    page._title_from_render = entry["title"]
    page.present_anchor_ids = entry["anchor_ids"]
    page.links_to_anchors = {files.get_file_from_path(uri): names for uri, names in entry["links_to_anchors"].items()}
    return entry["html"]
