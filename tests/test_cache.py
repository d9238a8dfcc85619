"""Caches between builds: a seed's loaded form and a page's HTML are reused only while everything
that shapes them is unchanged, and a damaged or stale entry is simply made again."""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing
import os
import pickle
import sys
import time
import tracemalloc
import zlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import mkdocs.commands.build
import mkdocs.utils
import pytest

from benchmarks.synthetic import write_synthetic_seeds
from sitegen import build, generate, render_cache, write_ahead
from sitegen import progress as progress_module
from sitegen.cache import dump_entry, load_entry
from sitegen.errors import BuildFailed, Problems
from sitegen.model import Article, Turn

from .conftest import ROOT, SEEDS, copy_project, forget_plans, forget_synced, is_plan, run_build, tree_digest


def cached_project(tmp_path: Path) -> build.Project:
    project = copy_project(tmp_path / "project", seeds=SEEDS[:2])
    return build.Project(root=project, seeds_dir=project / "seeds", cache_dir=project / ".cache")


def load(project: build.Project):
    interviews, _ = build.load_project(project, Problems())
    return interviews


def seed_entries(project: build.Project, kind: str) -> list[Path]:
    """The seed cache's entries of one kind: "head" (a seed's article and interview but its body,
    questions and passages), "body" (blocks, search tokens), "questions" or "excerpts" (topic
    passages)."""
    found = []
    for entry in sorted((project.cache_dir / "seeds").glob("*.pickle")):
        value = load_entry(entry.read_bytes())
        if isinstance(value, dict) and all(isinstance(passages, list) for passages in value.values()):
            found += [entry] if kind == "excerpts" else []
        if not isinstance(value, tuple):
            continue
        if len(value) == 2 and isinstance(value[0], Article):
            found += [entry] if kind == "head" else []
        elif len(value) == 2 and isinstance(value[0], tuple):
            found += [entry] if kind == "body" else []
        elif all(isinstance(question, dict) for question in value):
            found += [entry] if kind == "questions" else []
    return found


def entries(project: build.Project) -> list[Path]:
    return seed_entries(project, "head")


def bodies(project: build.Project) -> list[Path]:
    return seed_entries(project, "body")


def plant_titles(project: build.Project) -> None:
    """Change the title inside every entry: a load that shows it used the entry."""
    for entry in entries(project):
        article, interview = load_entry(entry.read_bytes())
        planted = replace(interview, header=replace(interview.header, title="来自缓存"))
        entry.write_bytes(dump_entry((article, planted)))


def test_a_cached_load_gives_the_same_interviews_and_uses_its_entries(tmp_path):
    project = cached_project(tmp_path)
    first = load(project)
    assert len(entries(project)) == 2
    assert load(project) == first
    plant_titles(project)
    assert [i.header.title for i in load(project)] == ["来自缓存", "来自缓存"]


def seeds_read(monkeypatch, project: build.Project) -> list[str]:
    """The names of the seeds whose bytes are read from now on, in order."""
    read, real_read = [], Path.read_bytes

    def noting(path: Path) -> bytes:
        if path.parent == project.seeds_dir:
            read.append(path.name)
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", noting)
    return read


def test_a_seed_is_read_again_only_when_its_size_times_or_inode_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "RACY_NS", 0)
    project = cached_project(tmp_path)
    first = load(project)
    read = seeds_read(monkeypatch, project)
    assert load(project) == first and read == []
    # Rewritten in place with the same size and its old modification time: the change time tells.
    seed = sorted(project.seeds_dir.glob("*.txt"))[0]
    text, stat = seed.read_text(encoding="utf-8"), seed.stat()
    title = first[0].header.title
    seed.write_text(text.replace(title, title[::-1], 1), encoding="utf-8")
    os.utime(seed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert seed.stat().st_size == stat.st_size and seed.stat().st_mtime_ns == stat.st_mtime_ns
    read.clear()
    again = load(project)
    assert read == [seed.name] and again[0].header.title == title[::-1] and again[1] == first[1]


def test_a_seed_changed_just_before_a_build_is_read_again_by_the_next(tmp_path, monkeypatch):
    project = cached_project(tmp_path)  # its seeds were just written: a later write may share their times
    first = load(project)
    read = seeds_read(monkeypatch, project)
    assert load(project) == first and sorted(read) == sorted(p.name for p in project.seeds_dir.glob("*.txt"))


def full_collections_while(grow) -> tuple[int, int]:
    """How many garbage collections of the oldest generation, and of any, run while grow() runs."""
    generations = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            generations.append(info["generation"])

    gc.callbacks.append(note)
    try:
        grow()
    finally:
        gc.callbacks.remove(note)
    return generations.count(2), len(generations)


def test_the_build_command_collects_no_garbage_in_full_while_its_heap_grows(tmp_path, monkeypatch):
    import build_site as command

    root, heap, real_build = copy_project(tmp_path), [], command.build_site

    def growing(*args, **kwargs):
        heap.extend([number] for number in range(1_000_000))  # long-lived, as a large archive's headers
        return real_build(*args, **kwargs)

    monkeypatch.setattr(command, "build_site", growing)
    project = build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache")
    during, young = full_collections_while(lambda: command.build(project, quiet=True))
    assert (root / "site" / "index.html").is_file() and young > 0 and during == 0
    # Afterwards (under `serve`, the server that runs on) the heap is collected in full again.
    after, _ = full_collections_while(lambda: heap.extend([number] for number in range(1_000_000)))
    assert after > 0


def test_a_cached_interview_reads_its_body_only_when_it_is_needed(tmp_path):
    project = cached_project(tmp_path)
    first = load(project)
    assert len(bodies(project)) == 2
    # (load_project reads the bodies of the seeds data/quotes.yml quotes, to check the quotes.)
    data = build.load_data(project.data_dir)
    cached = build.load_interviews(project.seeds_dir, data, Problems(), project.seed_cache())
    assert len(seed_entries(project, "questions")) == len(seed_entries(project, "excerpts")) == 2
    for entry in bodies(project) + seed_entries(project, "questions") + seed_entries(project, "excerpts"):
        entry.unlink()
    # The headers, topics and count of questions came with the entry; the rest is read on first use.
    assert [i.header for i in cached] == [i.header for i in first]
    assert [i.question_count for i in cached] == [len(i.questions) for i in first] != [0, 0]
    assert [load_entry(e.read_bytes())[1].questions for e in entries(project)] == [None, None]
    assert [i.questions for i in cached] == [i.questions for i in first]
    assert len(seed_entries(project, "questions")) == 2, "made again and kept"
    # Read on first use (here the entries are gone, so the body is made again and kept).
    assert cached[0].blocks == first[0].blocks and len(bodies(project)) == 1
    assert cached[1].search_tokens == first[1].search_tokens and len(bodies(project)) == 2
    assert [i.topic_excerpts for i in cached] == [i.topic_excerpts for i in first] != [{}, {}]
    assert len(seed_entries(project, "excerpts")) == 2, "made again and kept"
    # A topic page shows an interview's passages: they are read without its body.
    passages = build.load_interviews(project.seeds_dir, data, Problems(), project.seed_cache())
    for body in bodies(project):
        body.unlink()
    assert [i.topic_excerpts for i in passages] == [i.topic_excerpts for i in first] and bodies(project) == []
    # A damaged body is made again too, like any damaged entry.
    again = build.load_interviews(project.seeds_dir, data, Problems(), project.seed_cache())
    for body in bodies(project):
        body.write_bytes(b"damaged")
    assert [i.search_tokens for i in again] == [i.search_tokens for i in first]


def test_a_seed_whose_body_entry_is_gone_is_loaded_again(tmp_path):
    project = cached_project(tmp_path)
    first = load(project)
    plant_titles(project)
    bodies(project)[0].unlink()
    again = load(project)
    assert [i.header.title for i in again].count("来自缓存") == 1
    assert [i.blocks for i in again] == [i.blocks for i in first]


def test_a_cached_interview_pickles_with_every_field():
    interview = build.load_interview(SEEDS[0], build.load_data(ROOT / "data"), [], datetime.now().astimezone())
    again = pickle.loads(pickle.dumps(interview))
    # repr shows the fields equality skips too (source lines, derived passages and questions).
    assert repr(again) == repr(interview)
    assert again.blocks and type(again.blocks) is tuple


def test_an_edited_seed_is_loaded_again_and_only_it(tmp_path):
    project = cached_project(tmp_path)
    load(project)
    plant_titles(project)
    seed = sorted(project.seeds_dir.glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8").replace("视频对话OpenAI", "改过的标题OpenAI", 1), encoding="utf-8")
    titles = {i.seed: i.header.title for i in load(project)}
    assert "改过的标题OpenAI" in titles[f"seeds/{seed.name}"]
    assert list(titles.values()).count("来自缓存") == 1
    assert len(entries(project)) == 2, "the entry of the seed before its edit is removed"


@pytest.mark.parametrize("changed", ["data/topics.yml", "data/furniture.yml"])
def test_a_changed_data_file_loads_every_seed_again(tmp_path, changed):
    project = cached_project(tmp_path)
    load(project)
    plant_titles(project)
    with (project.root / changed).open("a", encoding="utf-8") as file:
        file.write("\n# a comment changes the file's bytes\n")
    assert "来自缓存" not in {i.header.title for i in load(project)}


def test_a_damaged_entry_is_a_miss_not_an_error(tmp_path):
    project = cached_project(tmp_path)
    first = load(project)
    for data in (b"not compressed", zlib.compress(b"\x80\x05not a pickle"), dump_entry(None)[:-4]):
        for entry in entries(project):
            entry.write_bytes(data)
        assert load(project) == first


def test_an_entry_is_a_compressed_pickle_unless_it_fits_in_a_disk_block():
    value = {"page": "正文" * 1000}
    data = dump_entry(value)
    assert len(data) < len(pickle.dumps(value)) / 10
    assert load_entry(data) == value == pickle.loads(zlib.decompress(data))
    small = {"page": "正文" * 100}
    assert load_entry(dump_entry(small)) == small == pickle.loads(dump_entry(small))
    for size in range(4080, 4110):  # an entry just under a block, and just over it
        value = {"page": bytes(range(256)) * (size // 256) + b"x" * (size % 256)}
        assert load_entry(dump_entry(value)) == value
    # The pickler writes a large value apart: what it wrote before is compressed with it.
    value = {"head": "x" * 100, "body": bytes(range(256)) * 400}
    assert load_entry(dump_entry(value)) == value and len(dump_entry(value)) < 20_000


def test_a_removed_seeds_entry_is_removed(tmp_path):
    project = cached_project(tmp_path)
    load(project)
    sorted(project.seeds_dir.glob("*.txt"))[0].unlink()
    load(project)
    assert len(entries(project)) == 1


def test_seeds_loaded_in_workers_are_kept_there_and_read_back_as_loaded_here(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    paths = write_synthetic_seeds(ROOT / "seeds", seeds, build.PARALLEL_FROM)
    data = build.load_data(ROOT / "data")
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)
    put_here: list[str] = []
    real_put = build.PickleCache.put
    # Workers are spawned: they run the real put, this process the recording one.
    monkeypatch.setattr(
        build.PickleCache, "put", lambda self, key, *a, **k: (put_here.append(key), real_put(self, key, *a, **k))
    )
    cache = build.PickleCache(tmp_path / "cache")
    loaded = build.load_seeds(sorted(seeds.glob("*.txt")), data, cache)
    assert put_here == []  # nothing was sent here to be written
    assert len(list(cache.files())) == 4 * len(paths)  # each seed's head, body, questions and passages
    serial = [build.load_or_error(("seeds/" + p.name, p.read_bytes()), data)[1] for p in sorted(seeds.glob("*.txt"))]
    for (_, interview), expected in zip(loaded, serial, strict=True):
        assert list(interview.blocks) == list(expected.blocks)
        assert list(interview.search_tokens) == list(expected.search_tokens)
    # What the workers kept is what a later build finds, each seed under its own key.
    monkeypatch.setattr(build, "parse_and_clean", lambda *args: pytest.fail("a kept seed was loaded again"))
    again = build.load_seeds(sorted(seeds.glob("*.txt")), data, build.PickleCache(tmp_path / "cache"))
    keys = [cache.key("seeds/" + p.name, p.read_bytes()) for p in sorted(seeds.glob("*.txt"))]
    assert [interview.source_key for _, interview in again] == keys
    assert [build.head_of(i) for _, i in again] == [build.head_of(i) for _, i in loaded]
    assert [list(i.questions) for _, i in again] == [list(i.questions) for i in serial]


def test_many_seeds_load_on_every_core_with_the_same_result_and_errors(tmp_path):
    seeds = tmp_path / "seeds"
    write_synthetic_seeds(ROOT / "seeds", seeds, build.PARALLEL_FROM)
    (seeds / "zz_bad.txt").write_text("# 标题\n\n发布时间: 昨天\n", encoding="utf-8")
    data = build.load_data(ROOT / "data")
    parallel = list(build.load_seeds(sorted(seeds.glob("*.txt")), data, build.PickleCache()))
    serial = [build.load_or_error(("seeds/" + p.name, p.read_bytes()), data) for p in sorted(seeds.glob("*.txt"))]
    assert [type(x) for x in parallel] == [type(x) for x in serial]
    assert [x[1] for x in parallel[:-1]] == [x[1] for x in serial[:-1]]
    assert str(parallel[-1]) == str(serial[-1])
    assert str(parallel[-1]).startswith("seeds/zz_bad.txt:")
    with pytest.raises(BuildFailed) as caught:
        build.load_interviews(seeds, data, Problems())
    assert [e.path for e in caught.value.errors] == ["seeds/zz_bad.txt"]


def test_a_rebuild_reuses_every_pages_html_and_gives_the_same_site(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:3])
    assert run_build(project, "-q").returncode == 0
    first = tree_digest(project / "site")
    html_entries = sorted((project / ".cache" / "html").glob("*.pickle"))
    assert html_entries
    assert run_build(project, "-q").returncode == 0
    assert tree_digest(project / "site") == first
    # The entries were used: a planted sentence in each comes back on the pages.
    for entry in html_entries:
        saved = load_entry(entry.read_bytes())
        saved["html"] = saved["html"] + "<p>缓存里的句子</p>"
        entry.write_bytes(dump_entry(saved))
    assert run_build(project, "-q").returncode == 0
    assert "缓存里的句子" in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_a_rebuilt_page_with_the_bytes_of_the_last_sites_file_is_that_file_not_written_again(tmp_path):
    root = copy_project(tmp_path / "project", seeds=SEEDS[:2])
    assert run_build(root, "-q").returncode == 0
    site = root / "site"
    pages = {path: path.stat().st_ino for path in site.rglob("*.html")}
    edited_seed = root / "seeds" / SEEDS[0].name
    text = edited_seed.read_text(encoding="utf-8")
    title = text.split("\n", 1)[0].removeprefix("# ")
    edited_seed.write_text(text.replace(title, "编辑后的新标题", 1), encoding="utf-8")
    # A page changed by hand after the build is not what the last build recorded: it is written.
    by_hand = site / "archive" / "index.html"
    by_hand.write_text(by_hand.read_text(encoding="utf-8") + "<!-- 手改 -->", encoding="utf-8")
    result = run_build(root)  # not quiet: MkDocs' informational lines are shown
    assert result.returncode == 0, result.stderr
    assert "Page skipped" not in result.stdout + result.stderr
    edited_page = next(
        path for path in site.glob("interviews/*/index.html") if "编辑后的新标题" in path.read_text("utf-8")
    )
    assert edited_page.stat().st_ino != pages[edited_page]
    assert "手改" not in by_hand.read_text(encoding="utf-8") and by_hand.stat().st_ino != pages[by_hand]
    kept = [path for path, inode in pages.items() if path.exists() and path.stat().st_ino == inode]
    assert site / "interviews" / "index.html" not in kept  # it lists the edited interview's title
    assert site / "topics" / "index.html" in kept  # topic names and counts only
    fresh = copy_project(tmp_path / "fresh", seeds=sorted((root / "seeds").glob("*.txt")))
    assert run_build(fresh, "-q").returncode == 0
    assert tree_digest(site) == tree_digest(fresh / "site")


def test_a_link_to_a_page_that_has_gone_is_reported_even_when_the_html_was_cached(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:1])
    (project / "docs" / "a.md").write_text("# A\n\n[去 B](b.md)\n", encoding="utf-8")
    (project / "docs" / "b.md").write_text("# B\n", encoding="utf-8")
    assert run_build(project, "-q").returncode == 0
    (project / "docs" / "b.md").unlink()
    result = run_build(project, "-q")
    assert result.returncode == 1
    assert "contains a link 'b.md', but the target is not found" in result.stderr


ON_PAGE_MARKDOWN = render_cache.RenderCache.on_page_markdown


def converting_build(tmp_path: Path, monkeypatch, ahead_from: int) -> tuple[Path, list[str]]:
    """A first build of five seeds in process, ConvertAhead starting its second process from
    ahead_from pages to convert; the pages MkDocs converted itself, in its own process."""
    root = copy_project(tmp_path)
    monkeypatch.setattr(render_cache, "AHEAD_FROM", ahead_from)
    converted: list[str] = []
    real = ON_PAGE_MARKDOWN

    def spy(self, markdown, page, config, files):
        result = real(self, markdown, page, config, files)
        if result:
            converted.append(page.file.src_uri)
        return result

    monkeypatch.setattr(render_cache.RenderCache, "on_page_markdown", spy)
    build.build_site(build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache"), Problems())
    return root, converted


def test_a_first_build_converts_markdown_in_a_second_process_too_and_gives_the_same_site(tmp_path, monkeypatch):
    alone, converted_alone = converting_build(tmp_path / "alone", monkeypatch, ahead_from=10**6)
    shared, converted_here = converting_build(tmp_path / "shared", monkeypatch, ahead_from=1)
    pages = len(converted_alone)
    assert pages == len(list((alone / "docs").rglob("*.md"))) > 20
    # The second process converted pages from the last one back and kept them for MkDocs.
    assert 0 < len(converted_here) < pages
    assert converted_here == converted_alone[: len(converted_here)]
    assert len(list((shared / ".cache" / "html").glob("*.pickle"))) == pages
    assert tree_digest(shared / "site") == tree_digest(alone / "site")


def test_a_page_the_second_process_cannot_keep_is_converted_and_reported_once(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:1])
    for number in range(render_cache.AHEAD_FROM):  # enough pages to convert for a second process
        (project / "docs" / f"p{number}.md").write_text(f"# P{number}\n\n第{number}页。\n", encoding="utf-8")
    (project / "docs" / "zz.md").write_text("# Z\n\n[去 B](b.md)\n", encoding="utf-8")
    result = run_build(project, "-q")
    assert result.returncode == 1
    assert result.stderr.count("contains a link 'b.md', but the target is not found") == 1, result.stderr


def spy_on_writes(monkeypatch, writers: Path, copy_pause: float = 0) -> None:
    """Each page MkDocs writes (into .staging-…/site/) is noted in writers with the process that
    wrote it, one line appended whole; the theme's 404 page, written before the pages, is not.
    ``copy_pause``: seconds a process other than this one waits before it writes a page."""
    real_write, here = mkdocs.utils.write_file, os.getpid()

    def spy(content: bytes, output_path: str) -> None:
        if os.getpid() != here:
            time.sleep(copy_pause)
        real_write(content, output_path)
        page = output_path.split("/.staging-", 1)[1].split("/", 2)[2]
        if page.endswith(".html") and page != "404.html":
            with open(writers, "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()} {page}\n")

    monkeypatch.setattr(mkdocs.utils, "write_file", spy)


def writers_of(writers: Path) -> list[tuple[int, str]]:
    lines = writers.read_text(encoding="utf-8").splitlines() if writers.exists() else []
    return [(int(pid), page) for pid, page in (line.split(" ", 1) for line in lines)]


def writing_build(tmp_path: Path, monkeypatch, write_ahead_from: int, copy_fails: str = ""):
    """A first build of the seeds in process, WriteAhead starting its copy from write_ahead_from
    pages; the site's folder, the process that wrote each page (a page written twice is listed
    twice), the build's own process and the site the build recorded. ``copy_fails``: "raises" or
    "warns" on every page the copy writes."""
    root = copy_project(tmp_path)
    monkeypatch.setattr(write_ahead, "WRITE_AHEAD_FROM", write_ahead_from)
    spy_on_writes(monkeypatch, tmp_path / "writers.txt")
    here = os.getpid()
    if copy_fails:
        real_page = write_ahead._build_page

        def failing(page, *args):
            if os.getpid() != here and copy_fails == "raises":
                raise RuntimeError("the copy fails")
            if os.getpid() != here:
                logging.getLogger("mkdocs.plugins").warning("the copy warns")
            real_page(page, *args)

        monkeypatch.setattr(write_ahead, "_build_page", failing)
    project = build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache")
    build.build_site(project, Problems())
    return root / "site", writers_of(tmp_path / "writers.txt"), here, project.synced_cache().get("site")


def test_a_build_writes_its_pages_in_a_second_process_too_each_once_and_gives_the_same_site(tmp_path, monkeypatch):
    alone, written_alone, here, _ = writing_build(tmp_path / "alone", monkeypatch, write_ahead_from=10**6)
    shared, written_shared, here, record = writing_build(tmp_path / "shared", monkeypatch, write_ahead_from=1)
    pages = sorted(path for _, path in written_alone)
    assert {pid for pid, _ in written_alone} == {here} and len(pages) > 20
    assert sorted(path for _, path in written_shared) == pages  # each page once, none left out
    by_copy = [path for pid, path in written_shared if pid != here]
    assert len({pid for pid, _ in written_shared}) == 2
    assert len(pages) // 2 <= len(by_copy) < len(pages)  # a little over half: MkDocs does more besides
    assert tree_digest(shared) == tree_digest(alone)
    # The pages the copy wrote are recorded with their digests, for the next build to link.
    assert {name for name in record if name.endswith(".html")} >= set(by_copy)


def test_mkdocs_progress_counts_each_page_converted_and_written_also_those_the_copy_writes(tmp_path, monkeypatch):
    root = copy_project(tmp_path)
    monkeypatch.setattr(write_ahead, "WRITE_AHEAD_FROM", 1)
    monkeypatch.setattr(progress_module, "_shown", True)  # as on a terminal
    bars, real_progress, updaters = [], build.progress, tmp_path / "updaters.txt"

    def keeping(*args, **kwargs):
        bar = real_progress(*args, **kwargs)
        real_update = bar.update

        def noting(n=1):  # which process moves the bar: one line appended whole
            with open(updaters, "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()}\n")
            return real_update(n)

        bar.update = noting
        bars.append(bar)
        return bar

    monkeypatch.setattr(build, "progress", keeping)
    build.build_site(build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache"), Problems())
    (bar,) = [bar for bar in bars if bar.desc == "MkDocs rendering"]
    pages = len(list((root / "docs").rglob("*.md")))
    assert bar.total == 2 * pages and bar.n == bar.total
    # The copy that writes pages draws nothing: on a terminal, two processes would draw one bar.
    assert set(updaters.read_text(encoding="utf-8").split()) == {str(os.getpid())}


@pytest.mark.parametrize("fails", ["raises", "warns"])
def test_pages_the_second_process_failed_to_write_are_written_by_mkdocs(tmp_path, monkeypatch, fails):
    alone, written_alone, _, _ = writing_build(tmp_path / "alone", monkeypatch, write_ahead_from=10**6)
    failed, written_failed, here, record = writing_build(
        tmp_path / "failed", monkeypatch, write_ahead_from=1, copy_fails=fails
    )
    # Every page is written by the build's own process; a copy that warned wrote its pages too.
    assert sorted(path for pid, path in written_failed if pid == here) == sorted(path for _, path in written_alone)
    assert fails == "warns" or {pid for pid, _ in written_failed} == {here}
    assert tree_digest(failed) == tree_digest(alone)
    assert {name for name in record if name.endswith(".html")} == {path for _, path in written_alone}


def test_a_build_that_fails_while_the_second_process_writes_stops_it(tmp_path, monkeypatch):
    root = copy_project(tmp_path)
    monkeypatch.setattr(write_ahead, "WRITE_AHEAD_FROM", 1)
    writers = tmp_path / "writers.txt"
    spy_on_writes(monkeypatch, writers, copy_pause=0.1)
    here, real_page = os.getpid(), mkdocs.commands.build._build_page

    def failing(page, *args, **kwargs):  # MkDocs' own loop, in the build's process only
        if page.file.src_uri.startswith("interviews/"):
            # Once the copy is writing: it stops at its next page, far from its last.
            deadline = time.monotonic() + 60
            while not any(pid != here for pid, _ in writers_of(writers)) and time.monotonic() < deadline:
                time.sleep(0.01)
            raise RuntimeError("this page cannot be written")
        real_page(page, *args, **kwargs)

    monkeypatch.setattr(mkdocs.commands.build, "_build_page", failing)
    shares, real_on_env = [], write_ahead.WriteAhead.on_env

    def noting_share(self, env, config, files):
        env = real_on_env(self, env, config, files)
        shares.append(len(self.pages))
        return env

    monkeypatch.setattr(write_ahead.WriteAhead, "on_env", noting_share)
    with pytest.raises(RuntimeError, match="cannot be written"):
        build.build_site(build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache"), Problems())
    assert multiprocessing.active_children() == []
    # The build waited for the copy to finish its page: nothing is written after the build is over.
    time.sleep(0.3)
    assert 0 < len([pid for pid, _ in writers_of(writers) if pid != here]) < shares[0] // 2, shares
    assert not (root / "site").exists() and not list(root.glob(".staging-*"))


def rendering_build(tmp_path: Path, monkeypatch, forks: bool, copy_pause: float = 0, wait_for_copy: bool = False):
    """A first build of the seeds in process, the search index made by a copy of the build where
    ``forks``; the project, the process that rendered each interview page (a page rendered twice is
    listed twice), the pages the copy took up (rendered, or found in the cache) and the build's own
    process. ``copy_pause``: seconds a process other than this one waits before it takes up a
    page; ``wait_for_copy``: this one waits before its first index page until another process has
    rendered every interview page (a minute at most)."""
    root, renders, here = copy_project(tmp_path), tmp_path / "renders.txt", os.getpid()
    real_interview, real_index, paused = generate.render_interview, generate.render_index, []
    real_take_up = generate.PageMaker.interview_page
    monkeypatch.setattr(generate, "can_fork", lambda: forks)

    def note(line: str) -> None:
        with open(renders, "a", encoding="utf-8") as log:  # one line appended whole
            log.write(line + "\n")

    def taking_up(maker, interview, context):
        if os.getpid() != here:
            time.sleep(copy_pause)
            note(f"took {interview.slug}")
        return real_take_up(maker, interview, context)

    def noting(env, interview, context):
        note(f"{os.getpid()} {interview.slug}")
        return real_interview(env, interview, context)

    def copy_rendered() -> int:
        lines = renders.read_text(encoding="utf-8").splitlines() if renders.exists() else []
        return sum(not line.startswith((f"{here} ", "took ")) for line in lines)

    def pausing(*args):
        if os.getpid() == here and not paused:
            paused.append(True)
            deadline = time.monotonic() + 60
            while wait_for_copy and copy_rendered() < len(SEEDS) and time.monotonic() < deadline:
                time.sleep(0.05)
        return real_index(*args)

    monkeypatch.setattr(generate, "render_interview", noting)
    monkeypatch.setattr(generate, "render_index", pausing)
    monkeypatch.setattr(generate.PageMaker, "interview_page", taking_up)
    build.build_site(build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache"), Problems())
    lines = [line.split(" ", 1) for line in renders.read_text(encoding="utf-8").splitlines()]
    rendered = [(int(pid), slug) for pid, slug in lines if pid != "took"]
    return root, rendered, [slug for took, slug in lines if took == "took"], here


def test_the_copy_that_makes_the_search_index_then_renders_interview_pages_from_the_last_one_back(
    tmp_path, monkeypatch
):
    alone, rendered_alone, _, here = rendering_build(tmp_path / "alone", monkeypatch, forks=False)
    shared, rendered_shared, _, here = rendering_build(tmp_path / "shared", monkeypatch, forks=True, wait_for_copy=True)
    newest_first = [slug for _, slug in rendered_alone]
    assert {pid for pid, _ in rendered_alone} == {here} and len(newest_first) == len(SEEDS)
    # While the build renders its index pages, the copy renders every interview page, oldest first;
    # the build finds them in the cache.
    by_copy = [slug for pid, slug in rendered_shared if pid != here]
    assert by_copy == newest_first[::-1]
    assert [slug for pid, slug in rendered_shared if pid == here] == []
    assert tree_digest(shared / "docs") == tree_digest(alone / "docs")
    assert tree_digest(shared / "site") == tree_digest(alone / "site")


def test_the_build_stops_the_copy_rendering_interview_pages_once_it_has_rendered_them(tmp_path, monkeypatch):
    root, rendered, taken_up, here = rendering_build(tmp_path, monkeypatch, forks=True, copy_pause=5)
    by_build = [slug for pid, slug in rendered if pid == here]
    by_copy = [slug for pid, slug in rendered if pid != here]
    # Each interview page is rendered; the copy, one page in five seconds (the build renders all of
    # them sooner, even on a loaded machine), is stopped at its next page.
    assert set(by_build + by_copy) == {path.stem for path in (root / "docs" / "interviews").glob("2*.md")}
    assert len(by_copy) <= 1 and len(by_build) >= len(SEEDS) - 1
    assert len(taken_up) <= 2
    assert multiprocessing.active_children() == []


def test_interview_pages_come_from_the_cache_until_a_neighbour_changes(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:3])
    assert run_build(project, "-q").returncode == 0
    page_entries = [entry for entry in page_cache(project) if "\nseed: " in str(load_entry(entry.read_bytes()))]
    assert len(page_entries) == 3
    for entry in page_entries:
        entry.write_bytes(dump_entry(load_entry(entry.read_bytes()) + "\n缓存里的页面\n"))
    pages = sorted((project / "docs" / "interviews").glob("2*.md"))
    # A page whose file was written from the same entry is not read again: the planted words stay out.
    assert run_build(project, "-q").returncode == 0
    assert not any("缓存里的页面" in page.read_text(encoding="utf-8") for page in pages)
    forget_synced(project)
    assert run_build(project, "-q").returncode == 0
    assert all("缓存里的页面" in page.read_text(encoding="utf-8") for page in pages)
    # A new title of one interview shows on the pages that link to it as their neighbour.
    seed = project / "seeds" / SEEDS[1].name
    title = seed.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("# ")
    seed.write_text(seed.read_text(encoding="utf-8").replace(title, "新标题", 1), encoding="utf-8")
    assert run_build(project, "-q").returncode == 0
    texts = [page.read_text(encoding="utf-8") for page in pages]
    assert sum("新标题" in text for text in texts) == 3, "its own page and both neighbours' pager links"
    assert not any("缓存里的页面" in text for text in texts)


def test_a_build_with_nothing_changed_takes_every_file_from_the_last_builds_plan(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:3])
    assert run_build(project, "-q").returncode == 0
    first = tree_digest(project / "docs")
    plans = [entry for entry in page_cache(project) if is_plan(load_entry(entry.read_bytes()))]
    assert len(plans) == 1
    plan = load_entry(plans[0].read_bytes())
    assert set(plan) == set(json.loads((project / "docs" / ".generated.json").read_text(encoding="utf-8")))
    plans[0].write_bytes(dump_entry({**plan, "index.md": "计划里的首页\n"}))
    forget_synced(project)
    assert run_build(project, "-q").returncode == 0
    assert (project / "docs" / "index.md").read_text(encoding="utf-8") == "计划里的首页\n"
    # A damaged page entry the plan names is made again, not an error.
    for entry in page_cache(project):
        value = load_entry(entry.read_bytes())
        if isinstance(value, str) and "\nseed: " in value:
            entry.write_bytes(b"damaged")
    forget_synced(project)
    assert run_build(project, "-q").returncode == 0
    assert {k: v for k, v in tree_digest(project / "docs").items() if k != "index.md"} == {
        k: v for k, v in first.items() if k != "index.md"
    }
    # Any change to a seed makes a new plan.
    seed = project / "seeds" / SEEDS[1].name
    seed.write_text(seed.read_text(encoding="utf-8") + "\n新加的一句。\n", encoding="utf-8")
    assert run_build(project, "-q").returncode == 0
    assert (project / "docs" / "index.md").read_text(encoding="utf-8") != "计划里的首页\n"


def page_cache(project: Path) -> list[Path]:
    return sorted((project / ".cache" / "pages").glob("*.pickle"))


def index_pages(project: Path) -> dict[str, str]:
    docs = project / "docs"
    return {
        str(path.relative_to(docs)): path.read_text(encoding="utf-8")
        for path in docs.rglob("*.md")
        if path.parent.name != "interviews" or path.name == "index.md"
    }


def test_index_pages_and_the_search_index_come_from_the_cache_until_what_they_show_changes(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:3])
    assert run_build(project, "-q").returncode == 0
    forget_plans(project)
    for entry in page_cache(project):
        value = load_entry(entry.read_bytes())
        if isinstance(value, dict) and all(isinstance(place, tuple) for place in value.values()):
            # Where each of the search index's files is: the planted file goes in a group of them.
            value = {**value, "search/planted.json": (next(iter(value.values()))[0], b"planted")}
        elif isinstance(value, dict):
            value = {**value, "search/planted.json": "{}"}
        elif isinstance(value, str) and "\nseed: " not in value:  # not the names a template reads
            value += "\n缓存里的索引\n"
        entry.write_bytes(dump_entry(value))
    forget_synced(project)
    assert run_build(project, "-q").returncode == 0
    before = index_pages(project)
    assert all("缓存里的索引" in text for text in before.values()), "every index page came from the cache"
    assert (project / "docs" / "search" / "planted.json").is_file()
    assert "缓存里的索引" in (project / "docs" / "fidelity.json").read_text(encoding="utf-8")

    seed = project / "seeds" / SEEDS[1].name
    title = seed.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("# ")
    seed.write_text(seed.read_text(encoding="utf-8").replace(title, "新标题", 1), encoding="utf-8")
    assert run_build(project, "-q").returncode == 0
    after = index_pages(project)
    showing = [name for name, text in after.items() if "新标题" in text]
    assert {"index.md", "interviews/index.md", "archive/index.md"} <= set(showing)
    assert not any(title in text for text in after.values()), "no page shows the old title"
    assert not any("缓存里的索引" in after[name] for name in showing)
    assert any("缓存里的索引" in text for text in after.values()), "pages that do not show it are not rendered"
    # The topics page names the topics and counts them: a title is not among what it reads.
    assert "缓存里的索引" in after["topics/index.md"]
    assert not (project / "docs" / "search" / "planted.json").exists(), "the search index is built again"
    fidelity = json.loads((project / "docs" / "fidelity.json").read_text(encoding="utf-8"))
    assert len(fidelity["seeds"]) == 3, "the fidelity report is made again"
    search = "".join(p.read_text(encoding="utf-8") for p in (project / "docs" / "search" / "docs").glob("*.json"))
    assert "新标题" in search and title not in search


def test_a_stored_text_is_read_when_asked_for_and_made_again_when_its_entry_is_damaged(tmp_path):
    from sitegen.cache import PickleCache, StoredText

    made = []

    def make(value):
        return lambda: made.append(value) or value

    cache = PickleCache(tmp_path)
    page, absent, index = (cache.key(name, b"") for name in ("page", "absent", "index"))
    cache.put(page, "旧的")
    stored = PickleCache(tmp_path).stored(page, make("新的"))
    assert isinstance(stored, StoredText) and stored.digest == bytes.fromhex(page)[:16]
    cache.put(page, "后来放进去的")  # not read yet: the text is the entry's when asked for
    assert str(stored) == "后来放进去的" and made == []
    (tmp_path / f"{page}.pickle").write_bytes(b"damaged")
    assert str(PickleCache(tmp_path).stored(page, make("重做的"))) == "重做的" and made == ["重做的"]
    assert str(PickleCache(tmp_path).stored(absent, make("没有的"))) == "没有的"

    files = {"a.json": "甲", "b.json": "乙"}
    first = PickleCache(tmp_path).stored_files(index, make(files))
    assert {name: str(text) for name, text in first.items()} == files
    again = PickleCache(tmp_path).stored_files(index, make({"a.json": "不该读到"}))
    assert sorted(again) == ["a.json", "b.json"] and made[-1] == files, "names without reading the texts"
    assert [f.digest for f in again.values()] == [f.digest for f in first.values()]
    assert len({f.digest for f in again.values()}) == 2, "each file has its own digest"
    assert {name: str(text) for name, text in again.items()} == files
    assert PickleCache().stored_files(index, make(files)) == files, "no folder: plain texts"


def test_files_kept_again_with_one_text_changed_write_one_group_and_a_sync_reads_only_that_text(tmp_path, monkeypatch):
    from sitegen.cache import PickleCache, content_digest
    from sitegen.write import sync_generated

    folder, docs = tmp_path / "cache", tmp_path / "docs"
    files = {f"search/shards/{n}.json": f"第{n}块" for n in range(600)}
    sizes = [sys.getsizeof(text) for text in files.values()]
    first = PickleCache(folder).stored_files("1" * 64, lambda: files)
    # Kept encoded: pickling a text would keep its UTF-8 form inside it as long as it lives.
    assert [sys.getsizeof(text) for text in files.values()] == sizes
    assert all(text.digest == content_digest(files[name].encode()) for name, text in first.items())
    known: dict = {}
    sync_generated(docs, first, known)
    kept = {path.stem for path in folder.glob("*.pickle")}
    assert len(kept) > 100, "in groups"

    read = []
    peek = PickleCache.peek
    monkeypatch.setattr(PickleCache, "peek", lambda self, key: read.append(key) or peek(self, key))
    last = PickleCache(folder).stored_files("1" * 64, lambda: {})  # as the next build finds them
    edited = {**last, "search/shards/7.json": "改过的第7块"}
    second = PickleCache(folder).stored_files("2" * 64, lambda: edited)
    added = {path.stem for path in folder.glob("*.pickle")} - kept
    assert len(added) == 2, "the listing and the one group that changed"
    assert read == ["1" * 64, "2" * 64, last["search/shards/7.json"].entry], "the listings, the changed group"
    read.clear()
    report = sync_generated(docs, second, known)
    assert report.written == ["search/shards/7.json"] and report.unchanged == 599
    assert read == [second["search/shards/7.json"].entry] and second["search/shards/7.json"].entry in added
    assert (docs / "search/shards/7.json").read_text(encoding="utf-8") == "改过的第7块"


def test_entries_held_in_memory_are_not_read_again_and_pruned_with_the_others(tmp_path):
    from sitegen.cache import PickleCache

    held: dict = {}
    cache = PickleCache(tmp_path / "c", "salt", memory=held)
    cache.put("a", ["甲"])
    cache.put("b", "乙")
    for path in (tmp_path / "c").glob("*.pickle"):
        path.unlink()
    again = PickleCache(tmp_path / "c", "salt", memory=held)
    assert again.get("a") == ["甲"] and again.get("a") is held["a"]
    again.prune()
    assert set(held) == {"a"}
    disk = PickleCache(tmp_path / "d", memory={})
    disk.put("k", 1)
    fresh: dict = {}
    assert PickleCache(tmp_path / "d", memory=fresh).get("k") == 1 and fresh == {"k": 1}


def test_what_a_process_holds_outlives_pruning_and_is_replaced_not_kept_without_memory(tmp_path):
    from sitegen.cache import PickleCache

    held: dict = {}
    cache = PickleCache(tmp_path / "c", memory=held)
    assert cache.held("index") is None
    cache.hold("index", "first")
    cache.hold("index", "second")
    cache.prune()
    assert PickleCache(tmp_path / "c", memory=held).held("index") == "second"
    assert list((tmp_path / "c").glob("*")) == []
    without_memory = PickleCache(tmp_path / "d")
    without_memory.hold("index", "first")
    assert without_memory.held("index") is None


def live_turns() -> int:
    gc.collect()
    return sum(isinstance(thing, Turn) for thing in gc.get_objects())


def test_a_first_build_holds_at_most_one_interviews_blocks_once_its_files_are_made(tmp_path):
    """Memory: a build that makes every page and the search index (the first one) would otherwise
    hold every interview's body, most of the archive, through MkDocs' rendering."""
    root = copy_project(tmp_path / "project", seeds=SEEDS[:3])
    project = build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache")
    before = live_turns()
    interviews, pages, _ = build.prepare(project, build.load_mkdocs_config(project), Problems())
    assert "search/meta.json" in pages and "interviews/index.md" in pages
    turns = [sum(isinstance(block, Turn) for block in i.blocks) for i in interviews]
    assert sorted(turns)[-2] > 0, "two interviews with speaker turns"
    assert live_turns() - before <= max(turns) < sum(turns), "no more than the body read last is held"


def test_a_stored_page_holds_no_text_and_an_entry_is_written_piece_by_piece(tmp_path):
    """Memory: thousands of pages are made before any is written; an entry of tens of megabytes
    (the search index's files) is never whole in memory as bytes."""
    from sitegen.cache import PickleCache

    cache = PickleCache(tmp_path)
    page = cache.key("page", b"")
    stored = cache.stored(page, lambda: "新页面")
    cache.put(page, "换过的")
    assert str(stored) == "换过的", "read from its entry each time, not held"

    # ASCII: pickling another string keeps its UTF-8 form beside it for as long as it lives.
    files = {f"search/docs/{n}.json": f"[{n:08d}" + ",1" * 10_000 + "]" for n in range(200)}  # 4 MB
    tracemalloc.start()
    try:
        cache.put(cache.key("files", b""), files)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert load_entry((tmp_path / f"{cache.key('files', b'')}.pickle").read_bytes()) == files


def test_the_cache_lists_its_folder_once_instead_of_asking_after_each_entry(tmp_path, monkeypatch):
    from sitegen.cache import SUFFIX, PickleCache

    def key(n: int) -> str:
        return PickleCache(tmp_path).key("x", bytes([n]))

    writer = PickleCache(tmp_path)
    for n in range(3):
        writer.put(key(n), n)
    cache, asked = PickleCache(tmp_path), []
    real = Path.is_file
    monkeypatch.setattr(Path, "is_file", lambda self: asked.append(self.name) or real(self))
    assert all(cache.has(key(n)) for n in range(3)) and asked == []
    # Written since by another process: found by its status. Never written: a miss.
    PickleCache(tmp_path).put(key(9), 9)
    assert cache.has(key(9)) and not cache.has(key(10)) and len(asked) == 2
    # Pruned by this cache: gone for it too.
    cache.used = {key(0)}
    cache.prune()
    assert not cache.exists(key(1)) and cache.exists(key(0))
    # Removed since by something else: a miss when it is read, made again.
    (tmp_path / (key(0) + SUFFIX)).unlink()
    assert cache.get_or_make(key(0), lambda: "anew") == "anew" and cache.get(key(0)) == "anew"
