"""MkDocs plugin: pages written on two cores.

Once every page is converted, MkDocs renders each through the theme and writes it, one page at a
time: at 1,000 interviews that is a few seconds on one core while the other waits. Here a forked
copy of the build writes the last pages while MkDocs writes the first ones; MkDocs renders the
copy's pages with an empty template, and writes nothing for a page left empty. The
copy sends back the digest of each page it wrote (see PageDigests). If it fails, or logs a
warning, MkDocs' own process writes its pages again at the end, where what went wrong is
reported as MkDocs reports it.
"""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

import jinja2
from mkdocs.commands.build import _build_page
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import InclusionLevel

from .fork import Stop, can_fork, start_copy
from .render_cache import WarningCounter, quiet_logging

WRITE_AHEAD_FROM = 200  # pages, below which a second process costs more than it saves
# The share of the pages MkDocs' own process writes: it also copies the static files and writes the
# sitemap, so the two end together with the copy taking a little over half.
KEPT_HERE = 0.45
LEFT_EMPTY = "sitegen-written-elsewhere.html"  # the template of a page the copy writes


class WriteAhead(BasePlugin):
    def __init__(self, digests) -> None:
        self.digests = digests  # the build's PageDigests, told which pages the copy writes
        self.helper = self.results = self.stop = self.nav = self.env = None
        self.doc_files: list = []
        self.pages: list = []  # the copy's
        self.meta: dict[str, dict] = {}  # what each of them had before it was left empty here

    def on_nav(self, nav, config, files):
        self.nav = nav
        return nav

    def on_env(self, env, config, files):
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        if len(doc_files) < WRITE_AHEAD_FROM or not can_fork():
            return env
        self.doc_files, self.pages = doc_files, [file.page for file in doc_files[int(len(doc_files) * KEPT_HERE) :]]
        context = multiprocessing.get_context("fork")
        self.stop, (self.results, sender) = Stop(), context.Pipe(duplex=False)
        self.helper = start_copy(self.write_pages, config, env, sender)
        if self.helper is None:
            return env
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({LEFT_EMPTY: ""}), env.loader])
        self.env = env
        # Only now, so that the copy, which started without them, writes its pages.
        for page in self.pages:
            self.digests.elsewhere.add(page.file.src_uri)
            self.meta[page.file.src_uri], page.meta = page.meta, {**page.meta, "template": LEFT_EMPTY}
        return env

    def write_pages(self, config, env, sender) -> None:
        counter = WarningCounter()
        logging.getLogger("mkdocs").addHandler(counter)
        quiet_logging(counter)
        for page in self.pages:
            if self.stop.asked():  # a failed or killed build leaves no copy writing its site
                return
            _build_page(page, config, self.doc_files, self.nav, env)
        written = {page.file.dest_uri: self.digests.digests[page.file.dest_uri] for page in self.pages}
        sender.send(None if counter.count else written)

    def on_post_build(self, config) -> None:
        if self.helper is None:
            return
        outcome = self.finish()
        if outcome is not None:
            self.digests.digests.update(outcome)
            return
        # The copy failed: its pages are written here, and what failed fails here, as MkDocs says it.
        for page in self.pages:
            self.digests.elsewhere.discard(page.file.src_uri)
            page.meta = self.meta.pop(page.file.src_uri)
            Path(page.file.abs_dest_path).unlink(missing_ok=True)  # it may be linked to the last site's
            _build_page(page, config, self.doc_files, self.nav, self.env)

    def on_build_error(self, error) -> None:
        if self.helper is not None:
            self.stop.set()
            self.finish()

    def finish(self) -> dict | None:
        """Wait for the copy; what it sent, or None if it sent nothing."""
        helper, self.helper = self.helper, None
        while not self.results.poll(0.05):
            if not helper.is_alive():
                break
        outcome = self.receive() if self.results.poll() else None
        helper.join()
        return outcome

    def receive(self) -> dict | None:
        try:
            return self.results.recv()
        except (EOFError, OSError):
            return None
