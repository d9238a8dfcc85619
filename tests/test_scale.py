"""What the performance budgets rest on: page size independent of N, small rewrites, a benchmark that runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.bench_build import set_aside
from benchmarks.synthetic import write_synthetic_seeds

from .conftest import ROOT, SEEDS, copy_project, run_build, soup


@pytest.fixture(scope="module")
def synthetic_sites(tmp_path_factory) -> dict[int, Path]:
    sites = {}
    for count in (5, 50):
        project = copy_project(tmp_path_factory.mktemp(f"n{count}") / "project", seeds=[])
        write_synthetic_seeds(ROOT / "seeds", project / "seeds", count)
        result = run_build(project)
        assert result.returncode == 0, result.stderr
        sites[count] = project / "site"
    return sites


def interview_links(page: Path) -> set[str]:
    links = {a["href"] for a in soup(page).find_all("a", href=True)}
    return {re.search(r"interviews/([^/#]+)/", href)[1] for href in links if re.search(r"interviews/2[^/#]*/", href)}


def test_interview_page_size_does_not_grow_with_the_archive(synthetic_sites):
    small, large = synthetic_sites[5], synthetic_sites[50]
    pages = sorted(p.relative_to(small) for p in small.glob("interviews/2*/index.html"))
    assert len(pages) == 5
    for page in pages:
        a, b = (small / page).stat().st_size, (large / page).stat().st_size
        assert abs(a - b) / a < 0.02, (page, a, b)
        # Navigation lists sections, not interviews: at most prev, next and three related.
        assert len(interview_links(large / page) - {page.parent.name}) <= 5


def test_search_fetches_a_bounded_number_of_files(browser, synthetic_sites):
    from .conftest import StaticServer

    server = StaticServer(synthetic_sites[50])
    try:
        page = browser.new_page()
        page.goto(server.base)
        fetched = []
        page.on("request", lambda request: fetched.append(request.url))
        page.keyboard.press("/")
        page.locator("#site-search-input").fill("全民基本收入")
        page.wait_for_selector('#site-search[data-state=done][data-query="全民基本收入"]')
        assert page.locator(".site-search__hit").count() == 10  # 50 interviews, every fifth is seed 003
        docs = [url for url in fetched if "/search/docs/" in url]
        assert len(docs) == 10 and len([u for u in fetched if "/search/shards/" in u]) <= 5
        page.close()
    finally:
        server.close()


def test_editing_one_seed_rewrites_only_its_page_and_what_lists_it(tmp_path):
    project = copy_project(tmp_path / "project")
    assert run_build(project).returncode == 0
    docs, site = project / "docs", project / "site"
    before_docs = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    before_site = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    time.sleep(0.05)
    seed = project / "seeds" / SEEDS[1].name
    seed.write_text(
        seed.read_text(encoding="utf-8").replace("谢谢大家的收听。", "谢谢大家的收听，下次再见。"), encoding="utf-8"
    )
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    changed = {str(p.relative_to(docs)) for p, t in before_docs.items() if p.stat().st_mtime_ns != t}
    pages = {name for name in changed if name.endswith(".md")}
    assert "interviews/2024-05-16-0930.md" in pages
    assert pages <= {"interviews/2024-05-16-0930.md", "index.md"}, pages
    assert {n for n in changed if n.startswith("search/docs/")} == {"search/docs/4.json"}
    site_changed = {
        str(p.relative_to(site)) for p, t in before_site.items() if p.exists() and p.stat().st_mtime_ns != t
    }
    assert "interviews/2024-05-16-0930/index.html" in site_changed
    assert not {n for n in site_changed if n.startswith("interviews/2024-09-19")}
    assert "assets/stylesheets/site.css" not in site_changed


def test_benchmark_runs_at_n20_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, "benchmarks/bench_build.py", "--sizes", "20", "--runs", "1", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(out.read_text(encoding="utf-8"))
    ours, reference = row["ours"], row["reference"]
    assert row["n"] == 20 and ours["command"] > 0 and ours["command_cold"] > 0 and reference["command"] > 0
    assert ours["generator"] > 0 and ours["mkdocs"] > 0 and ours["edit_visible_s"] > 0
    assert {"home", "interview", "interview list", "topics", "archive"} <= set(row["largest_pages"])
    assert row["largest_pages"]["interview"]["dom"] > 100
    assert 0 < ours["search_kb_gzip"] < reference["search_kb_gzip"]
    assert ours["rewritten_interview_pages"] == 1
    assert 0 < ours["generator_edit"] < ours["command_edit"] and ours["peak_mb_edit"] > 0
    assert "N=20: ours / reference" in result.stdout


def test_a_cold_benchmark_run_finds_no_cache_and_deletes_nothing_while_measuring(tmp_path):
    """The last run's cache is moved out of the project, whole, for the run folder to delete later."""
    project, scratch = tmp_path / "project", tmp_path / "scratch"
    (project / ".cache" / "seeds").mkdir(parents=True)
    (project / ".cache" / "seeds" / "entry.pickle").write_bytes(b"kept")
    set_aside(project / ".cache", scratch / "set aside 0")
    set_aside(project / "site", scratch / "set aside 0")  # none yet: nothing to move
    assert not (project / ".cache").exists() and not (project / "site").exists()
    assert (scratch / "set aside 0" / ".cache" / "seeds" / "entry.pickle").read_bytes() == b"kept"


def run_on_a_terminal(project: Path, *args: str) -> str:
    """The command with its output on a pseudo-terminal, as a person at a shell sees it."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    # A terminal has a size (a new pseudo-terminal has 0 columns, and progress bars need room).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "build_site.py", *args],
        cwd=project,
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=600) == 0
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def long_build(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("long") / "project", seeds=[])
    # Enough that MkDocs' stage of a first build outlasts progress.SHOW_AFTER_SECONDS (2.5 to 2.9 s
    # at 300 on the 2-core machine CI uses, now that pages are written on both cores).
    write_synthetic_seeds(ROOT / "seeds", project / "seeds", 500)
    return project


def test_a_long_build_on_a_terminal_shows_progress_per_stage(long_build):
    for made in (".cache", "site"):  # a first build: every stage has its whole work to do
        shutil.rmtree(long_build / made, ignore_errors=True)
    output = run_on_a_terminal(long_build)
    assert "MkDocs rendering" in output and re.search(r"MkDocs rendering.*\d+/\d+", output)
    assert "built 500 interviews" in output


def test_no_progress_in_a_log_or_with_q(long_build):
    piped = run_build(long_build)
    assert piped.returncode == 0
    assert "rendering" not in piped.stderr + piped.stdout and "seeds read" not in piped.stderr
    assert "rendering" not in run_on_a_terminal(long_build, "-q")


def test_search_reaches_every_interview_that_matches_past_the_first_twenty(browser, synthetic_sites):
    from benchmarks.search_quality import score, shown, truth

    from .conftest import StaticServer

    site = synthetic_sites[50]
    expected = truth(site, "AGI")
    assert len({page for page, _ in expected}) > 20
    server = StaticServer(site)
    page = browser.new_page()
    try:
        page.goto(server.base)
        page.keyboard.press("/")
        first = page.locator("#site-search-input")
        first.type("AGI")
        page.wait_for_selector('#site-search[data-state=done][data-query="AGI"]')
        assert page.locator(".md-search-result__item:has(h1)").count() == 20
        assert page.locator(".site-search__more-docs").count() == 1
        figures = score(shown(page, "AGI"), expected)
    finally:
        page.close()
        server.close()
    assert figures["precision"] == figures["recall"] == 1.0, figures


def test_the_archive_of_a_large_site_links_months_to_the_year_pages_that_list_them(tmp_path):
    """Years of more than ten interviews show one line of months, so the archive stays a few hundred
    elements; each month links to the page of its year (paginated here by 5) that lists it."""
    from .conftest import SITE_PATH, broken_links

    project = copy_project(tmp_path / "project", seeds=[])
    write_synthetic_seeds(ROOT / "seeds", project / "seeds", 90)
    pages = project / "data" / "pages.yml"
    text = pages.read_text(encoding="utf-8")
    year_at = text.index("\nyear:")
    pages.write_text(text[:year_at] + text[year_at:].replace("per_page: 50", "per_page: 5", 1), encoding="utf-8")
    assert run_build(project, "-q").returncode == 0
    site = project / "site"
    archive = soup(site / "archive" / "index.html")

    def count(element) -> int:
        return int(re.search(r"· (\d+) 篇", element.get_text())[1])

    lines = archive.select("p.archive-months")
    assert len(lines) >= 5
    for line in lines:
        assert sum(count(a) for a in line.select("a")) == count(line.find_previous("h2"))
    assert any("/page/" in a["href"] for a in archive.select(".archive-months a"))
    assert len(archive.find_all(True)) < 1500
    assert broken_links(site, SITE_PATH) == []


def test_the_readme_performance_table_is_the_benchmarks_json():
    from benchmarks import perf_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- performance table: benchmarks/perf_table.py -->\n", 1)[1].split("\n<!-- end", 1)[0]
    results = json.loads((ROOT / "benchmarks" / "results" / "build.json").read_text(encoding="utf-8"))
    assert shown == perf_table.table(results)
    assert [row["n"] for row in results] == [100, 1000, 3000, 10000]
