"""Build benchmark: our pipeline against a plain MkDocs Material site of the same pages.

    python benchmarks/bench_build.py                       # N = 5, 100, 1000; 3 runs (1 above 1000)
    python benchmarks/bench_build.py --sizes 20 --runs 1   # the smoke run CI makes
    python benchmarks/bench_build.py --json benchmarks/results/build.json

For each N it writes N synthetic interviews (benchmarks/synthetic.py) into a temporary
project and measures, as medians over the runs:

  command     `build_site.py build`, the whole command, as a separate process: cold (no cache,
              no previous site) and warm (right after, seeds unchanged: both caches used)
  generator   the command's seeds → Markdown stage (parse, clean, index pages, search index)
  mkdocs      the command's MkDocs stage; swap: putting site/ and docs/ in place
  peak MB     the command's peak resident memory, cold and warm
  ms/interview  warm command seconds per interview (flat means the build scales linearly)
  edit→visible  under `build_site.py serve`, seconds from writing an edited seed to the served
              page showing the edit (up to --serve-up-to)
  largest pages the largest page of each kind (home, interview, interview list, topics, archive,
              questions, quotes, predictions, people): KB of HTML and DOM elements
  HTML/page   mean bytes of an interview page's HTML
  search KB   bytes the browser downloaded (measured in Chromium) from opening the search box
              until the first result for a query was drawn, raw and gzip-compressed: files
              whose download ended by then (the page's Resource Timing entries)
  rewrites    generated files rewritten after one seed's text is edited, and that build's
              command, generator and peak MB (…_edit)

and the same for the reference: the same interview pages in a plain Material project with the
default navigation and the built-in search (lang zh, jieba installed), built with `mkdocs build`
(up to --reference-up-to; above it the output says the reference was not built).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import write_synthetic_seeds  # noqa: E402

SOURCES = ("mkdocs.yml", "build_site.py", "templates", "data", "sitegen")
QUERY = "智能体"
REFERENCE_CONFIG = """site_name: Reference
site_url: https://example.github.io/reference/
theme:
  name: material
  language: zh
plugins:
  - search:
      lang: zh
"""


def run(command: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def copy_sources(project: Path) -> None:
    """The project's code, templates, data and hand-written assets, without seeds or anything generated."""
    project.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    copy_hand_written_docs(project)


def copy_hand_written_docs(project: Path) -> None:
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")


def make_project(folder: Path, count: int) -> Path:
    project = folder / "project"
    copy_sources(project)
    write_synthetic_seeds(ROOT / "seeds", project / "seeds", count)
    return project


def timed_build(project: Path, scratch: Path) -> dict[str, float]:
    """One `build_site.py build`: wall seconds, peak MB and the seconds of each stage."""
    timings = scratch / "timings.json"
    seconds, peak = run([sys.executable, "build_site.py", "-q", "--timings", str(timings)], project)
    return {"command": seconds, "peak_mb": peak, **json.loads(timings.read_text(encoding="utf-8"))}


def builds(project: Path, scratch: Path, runs: int) -> dict[str, float]:
    """Medians of a cold build (no cache, no previous site, no generated page in docs/) and of a
    warm one right after it."""
    found: dict[str, list[float]] = {}
    for run_number in range(runs):
        for name in (".cache", "site", "docs"):
            set_aside(project / name, scratch / f"set aside {run_number}")
        copy_hand_written_docs(project)
        for key, value in timed_build(project, scratch).items():
            found.setdefault(f"{key}_cold", []).append(value)
        for key, value in timed_build(project, scratch).items():
            found.setdefault(key, []).append(value)
    return {key: statistics.median(values) for key, values in found.items()}


def set_aside(path: Path, folder: Path) -> None:
    """Moved out of the way, not deleted: on ext4 without a journal (this machine's disk) every new
    file's inode is chosen past those freed in the last minute, each looked at in turn, so deleting
    a cache of thousands of files right before a build multiplied its system time by four (10.1
    against 2.5 s of a cold build at 1,000). The benchmark's folders are deleted once it has
    measured everything."""
    if path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.rename(folder / path.name)


def page_kind(path: Path) -> str:
    parts = path.parts
    if len(parts) == 1:
        return "home"
    if parts[0] == "interviews":
        return "interview list" if len(parts) == 2 or parts[1] == "page" else "interview"
    return parts[0]


class ElementCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.elements += 1


def dom_elements(path: Path) -> int:
    counter = ElementCounter()
    counter.feed(path.read_text(encoding="utf-8"))
    return counter.elements


def largest_pages(site: Path) -> dict[str, dict]:
    """The largest page of each kind: its path, KB of HTML and DOM elements."""
    largest: dict[str, Path] = {}
    for path in site.rglob("index.html"):
        kind = page_kind(path.relative_to(site))
        if kind not in largest or path.stat().st_size > largest[kind].stat().st_size:
            largest[kind] = path
    return {
        kind: {"page": str(path.relative_to(site).parent), "kb": path.stat().st_size / 1024, "dom": dom_elements(path)}
        for kind, path in sorted(largest.items())
    }


def edit_visible(project: Path, timeout: float = 1800) -> float:
    """Seconds from writing an edited seed to the served page showing the edit, under `serve`."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    seed = sorted((project / "seeds").glob("*.txt"))[0]
    pages = (project / "docs" / "interviews").glob("2*.md")
    page = next(p for p in pages if f"seeds/{seed.name}" in p.read_text("utf-8"))
    server = subprocess.Popen(
        [sys.executable, "build_site.py", "serve", "-q", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sam-altman-interviews/interviews/{page.stem}/"
    try:
        wait_until(lambda: "合集第" in fetch(url), timeout)
        time.sleep(2)  # let the watcher settle after the first build
        text = seed.read_text(encoding="utf-8")
        start = time.perf_counter()
        seed.write_text(text.replace("（合集第", "（改过的合集第", 1), encoding="utf-8")
        wait_until(lambda: "改过的合集第" in fetch(url), timeout=120)
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=60)


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_until(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.1)


def interview_html_bytes(site: Path, pattern: str) -> float:
    sizes = [p.stat().st_size for p in site.glob(pattern)]
    return statistics.mean(sizes) if sizes else 0.0


FIRST_HIT_WATCH = """
new MutationObserver(function (changes, observer) {
  if (document.querySelector(".site-search__hit")) {
    window.__firstHit = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""
# Files whose download ended before the first result was drawn; a fetch the page starts in the same
# moment (the next candidates) did not delay it, and counting it made the figure a matter of timing.
FETCHED_BEFORE_FIRST_HIT = """(opened) => performance.getEntriesByType("resource")
  .filter((entry) => entry.startTime >= opened && entry.responseEnd <= window.__firstHit)
  .map((entry) => entry.name)"""


def search_download(site: Path, query: str = QUERY) -> dict[str, float]:
    """Bytes downloaded from opening the search box to the first result, in Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS, StaticServer, chromium_executable

    server = StaticServer(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.add_init_script(FIRST_HIT_WATCH)
            page.goto(server.base)
            page.wait_for_load_state("networkidle")
            opened = page.evaluate("performance.setResourceTimingBufferSize(10000) || performance.now()")
            page.keyboard.press("/")
            page.locator("#site-search-input").fill(query)
            page.wait_for_function("window.__firstHit !== undefined", timeout=60_000)
            fetched = page.evaluate(FETCHED_BEFORE_FIRST_HIT, opened)
            browser.close()
    finally:
        server.close()
    files = [site / url.removeprefix(server.base) for url in fetched if url.startswith(server.base)]
    raw = sum(f.stat().st_size for f in files if f.is_file())
    packed = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files if f.is_file())
    return {"search_kb": raw / 1024, "search_kb_gzip": packed / 1024, "search_requests": len(files)}


def reference_search(site: Path) -> dict[str, float]:
    """Material fetches its whole index (and its worker) before it can show any result."""
    files = [site / "search" / "search_index.json", *site.glob("assets/javascripts/workers/search.*.min.js")]
    raw = sum(f.stat().st_size for f in files)
    packed = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    return {"search_kb": raw / 1024, "search_kb_gzip": packed / 1024, "search_requests": len(files)}


def edits(project: Path, scratch: Path, runs: int) -> dict[str, float]:
    """Medians of the build after one seed is edited, over one edit a run; the files the first
    rewrites."""
    found = [edit_rewrites(project, scratch) for _ in range(runs)]
    medians = {key: statistics.median(edit[key] for edit in found) for key in found[0] if key.endswith("_edit")}
    return {**found[0], **medians}


def edit_rewrites(project: Path, scratch: Path) -> dict[str, float]:
    """Edit one seed's text, time the next build and count the generated files it rewrites."""
    generated = json.loads((project / "docs" / ".generated.json").read_text(encoding="utf-8"))
    before = {name: (project / "docs" / name).stat().st_mtime_ns for name in generated}
    seed = sorted((project / "seeds").glob("*.txt"))[len(before) // 2 % len(list((project / "seeds").glob("*.txt")))]
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("。", "。补充一句。", 1), encoding="utf-8")
    time.sleep(0.01)
    timed = timed_build(project, scratch)
    after = {name: (project / "docs" / name).stat().st_mtime_ns for name in generated}
    changed = [name for name in generated if before[name] != after[name]]
    return {
        "rewritten_files": len(changed),
        "rewritten_interview_pages": sum(n.startswith("interviews/") and n != "interviews/index.md" for n in changed),
        "rewritten_index_pages": sum(n.endswith(".md") and not n.startswith("interviews/2") for n in changed),
        "rewritten_search_files": sum(n.startswith("search/") for n in changed),
        **{f"{key}_edit": value for key, value in timed.items()},
    }


def make_reference(project: Path, folder: Path) -> Path:
    reference = folder / "reference"
    (reference / "docs").mkdir(parents=True)
    shutil.copytree(
        project / "docs" / "interviews", reference / "docs" / "interviews", ignore=shutil.ignore_patterns("index.md")
    )
    (reference / "docs" / "index.md").write_text("# Reference\n", encoding="utf-8")
    (reference / "mkdocs.yml").write_text(REFERENCE_CONFIG, encoding="utf-8")
    return reference


def measure(folder: Path, count: int, runs: int, browser: bool, reference: bool, serve: bool) -> dict:
    """``folder``: where the size's projects go, deleted by the caller once every size is measured
    (see set_aside)."""
    project = make_project(folder, count)
    result = {"n": count, "ours": builds(project, folder, runs)}
    ours = result["ours"]
    ours["per_interview_ms"] = 1000 * ours["command"] / count
    ours["per_interview_ms_cold"] = 1000 * ours["command_cold"] / count
    ours["html_per_page"] = interview_html_bytes(project / "site", "interviews/2*/index.html")
    result["largest_pages"] = largest_pages(project / "site")
    if browser:
        ours.update(search_download(project / "site"))
    ours.update(edits(project, folder, runs))
    if serve:
        ours["edit_visible_s"] = edit_visible(project)
    if reference:
        ref = make_reference(project, folder)
        timings = []
        for run_number in range(runs):
            set_aside(ref / "site", folder / f"reference set aside {run_number}")
            timings.append(run([sys.executable, "-m", "mkdocs", "build", "-q"], ref))
        result["reference"] = {
            "command": statistics.median(t for t, _ in timings),
            "peak_mb": statistics.median(m for _, m in timings),
            "html_per_page": interview_html_bytes(ref / "site", "interviews/*/index.html"),
            **reference_search(ref / "site"),
        }
    return result


def ratios(result: dict) -> dict[str, float]:
    ours, ref = result["ours"], result.get("reference")
    found = {
        "generator_share": ours["generator"] / ours["command"],
        "generator_share_cold": ours["generator_cold"] / ours["command_cold"],
        "generator_share_edit": ours["generator_edit"] / ours["command_edit"],
    }
    if ref:
        for key, ref_key in (
            ("command", "command"),
            ("command_cold", "command"),
            ("peak_mb", "peak_mb"),
            ("peak_mb_cold", "peak_mb"),
            ("html_per_page", "html_per_page"),
            ("search_kb", "search_kb"),
            ("search_kb_gzip", "search_kb_gzip"),
        ):
            if key in ours and ref.get(ref_key):
                found[key] = ours[key] / ref[ref_key]
    return found


def print_table(results: list[dict]) -> None:
    print(
        f"{'N':>6} {'cold s':>8} {'warm s':>8} {'ref s':>8} {'gen s cold/warm':>16} {'peak MB cold/warm':>18} "
        f"{'ref MB':>7} {'ms/interview':>13} {'edit→visible s':>15} {'search KB':>10}"
    )
    for r in results:
        ours, ref = r["ours"], r.get("reference", {})
        print(
            f"{r['n']:>6} {ours['command_cold']:>8.1f} {ours['command']:>8.1f} "
            f"{ref.get('command', float('nan')):>8.1f} "
            f"{ours['generator_cold']:>7.1f}/{ours['generator']:<8.1f} "
            f"{ours['peak_mb_cold']:>8.0f}/{ours['peak_mb']:<9.0f} {ref.get('peak_mb', float('nan')):>7.0f} "
            f"{ours['per_interview_ms']:>13.1f} {ours.get('edit_visible_s', float('nan')):>15.1f} "
            f"{ours.get('search_kb', float('nan')):>10.0f}"
        )
    print()
    for r in results:
        shown = ", ".join(f"{k} {v:.3f}" for k, v in r["ratios"].items())
        print(f"N={r['n']}: ours / reference: {shown}")
        if "reference" not in r:
            print(f"N={r['n']}: reference not built (--no-reference, or N above --reference-up-to)")
        largest = ", ".join(f"{k} {v['kb']:.0f} KB / {v['dom']} elements" for k, v in r["largest_pages"].items())
        print(f"N={r['n']}: largest page of each kind: {largest}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 100, 1000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size (sizes above 1000 run once)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--no-reference", action="store_true", help="skip the plain Material reference build")
    parser.add_argument("--no-browser", action="store_true", help="skip measuring search downloads in Chromium")
    parser.add_argument("--reference-up-to", type=int, default=3000, help="build the reference only up to this N")
    parser.add_argument("--serve-up-to", type=int, default=3000, help="measure edit-to-visible under serve to this N")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        for count in args.sizes:
            runs = 1 if count > 1000 else args.runs
            reference = not args.no_reference and count <= args.reference_up_to
            folder = Path(scratch) / str(count)
            folder.mkdir()
            result = measure(folder, count, runs, not args.no_browser, reference, serve=count <= args.serve_up_to)
            result["runs"] = runs
            result["ratios"] = ratios(result)
            results.append(result)
            print(f"measured N={count}", file=sys.stderr)
    print_table(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
