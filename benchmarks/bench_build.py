"""Build benchmark: our pipeline against a plain MkDocs Material site of the same pages.

    python benchmarks/bench_build.py                       # N = 5, 100, 1000; 3 runs (1 at N ≥ 1000)
    python benchmarks/bench_build.py --sizes 20 --runs 1   # the smoke run CI makes
    python benchmarks/bench_build.py --json benchmarks/results/build.json

For each N it writes N synthetic interviews (benchmarks/synthetic.py) into a temporary
project and measures, as medians over the runs:

  generator   seeds → Markdown (parse, clean, index pages, search index), in-process
  mkdocs      MkDocs building those pages
  command     `build_site.py build`, the whole command, as a separate process
  peak MB     the command's peak resident memory
  HTML/page   mean bytes of an interview page's HTML
  search KB   bytes the browser downloads (measured in Chromium) from opening the search box
              to the first result for a query, raw and gzip-compressed
  rewrites    generated files rewritten after one seed's text is edited

and the same for the reference: the same interview pages in a plain Material project with the
default navigation and the built-in search (lang zh, jieba installed), built with `mkdocs build`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
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
    shutil.copytree(ROOT / "docs" / "assets", project / "docs" / "assets")


def make_project(folder: Path, count: int) -> Path:
    project = folder / "project"
    copy_sources(project)
    write_synthetic_seeds(ROOT / "seeds", project / "seeds", count)
    return project


PHASES = """
import json, sys, time
from pathlib import Path
from sitegen.build import Project, load_mkdocs_config, mkdocs_build, prepare
from sitegen.errors import Problems
from sitegen.write import sync_generated
root = Path(sys.argv[1])
project = Project(root=root, seeds_dir=root / "seeds")
docs, site = Path(sys.argv[2]), Path(sys.argv[3])
start = time.perf_counter()
config = load_mkdocs_config(project)
_, pages, redirects = prepare(project, config, Problems())
sync_generated(docs, pages)
generated = time.perf_counter()
mkdocs_build(config, docs, site, redirects)
print(json.dumps({"generator": generated - start, "mkdocs": time.perf_counter() - generated}))
"""


def phases(project: Path, scratch: Path) -> dict[str, float]:
    docs, site = scratch / "docs", scratch / "site"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(project / "docs", docs)
    output = subprocess.run(
        [sys.executable, "-c", PHASES, str(project), str(docs), str(site)],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def interview_html_bytes(site: Path, pattern: str) -> float:
    sizes = [p.stat().st_size for p in site.glob(pattern)]
    return statistics.mean(sizes) if sizes else 0.0


def search_download(site: Path, query: str = QUERY) -> dict[str, float]:
    """Bytes fetched from opening the search box to the first result, in Chromium."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS, StaticServer, chromium_executable

    server = StaticServer(site)
    fetched: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(server.base)
            page.wait_for_load_state("networkidle")
            page.on("request", lambda request: fetched.append(request.url))
            page.keyboard.press("/")
            page.locator("#site-search-input").fill(query)
            page.wait_for_selector(".site-search__hit", timeout=60_000)
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


def edit_rewrites(project: Path) -> dict[str, int]:
    """Edit one seed's text and count the generated files the next build rewrites."""
    generated = json.loads((project / "docs" / ".generated.json").read_text(encoding="utf-8"))
    before = {name: (project / "docs" / name).stat().st_mtime_ns for name in generated}
    seed = sorted((project / "seeds").glob("*.txt"))[len(before) // 2 % len(list((project / "seeds").glob("*.txt")))]
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("。", "。补充一句。", 1), encoding="utf-8")
    time.sleep(0.01)
    run([sys.executable, "build_site.py", "-q"], project)
    after = {name: (project / "docs" / name).stat().st_mtime_ns for name in generated}
    changed = [name for name in generated if before[name] != after[name]]
    return {
        "rewritten_files": len(changed),
        "rewritten_interview_pages": sum(n.startswith("interviews/") and n != "interviews/index.md" for n in changed),
        "rewritten_index_pages": sum(n.endswith(".md") and not n.startswith("interviews/2") for n in changed),
        "rewritten_search_files": sum(n.startswith("search/") for n in changed),
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


def measure(count: int, runs: int, browser: bool, reference: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        folder = Path(folder)
        project = make_project(folder, count)
        ours: dict[str, list[float]] = {"generator": [], "mkdocs": [], "command": [], "peak_mb": []}
        for _ in range(runs):
            for name, value in phases(project, folder / "scratch").items():
                ours[name].append(value)
            shutil.rmtree(project / "site", ignore_errors=True)
            seconds, peak = run([sys.executable, "build_site.py", "-q"], project)
            ours["command"].append(seconds)
            ours["peak_mb"].append(peak)
        result = {"n": count, "ours": {k: statistics.median(v) for k, v in ours.items()}}
        result["ours"]["html_per_page"] = interview_html_bytes(project / "site", "interviews/2*/index.html")
        if browser:
            result["ours"].update(search_download(project / "site"))
        if reference:
            ref = make_reference(project, folder)
            timings = [run([sys.executable, "-m", "mkdocs", "build", "-q"], ref) for _ in range(runs)]
            result["reference"] = {
                "command": statistics.median(t for t, _ in timings),
                "peak_mb": statistics.median(m for _, m in timings),
                "html_per_page": interview_html_bytes(ref / "site", "interviews/*/index.html"),
                **reference_search(ref / "site"),
            }
        result["ours"].update(edit_rewrites(project))
        return result


def ratios(result: dict) -> dict[str, float]:
    ours, ref = result["ours"], result.get("reference")
    found = {"generator_share": ours["generator"] / ours["command"]}
    if ref:
        for key in ("command", "html_per_page", "search_kb", "search_kb_gzip", "peak_mb"):
            if key in ours and ref.get(key):
                found[key] = ours[key] / ref[key]
    return found


def print_table(results: list[dict]) -> None:
    header = (
        f"{'N':>6} {'generator s':>12} {'mkdocs s':>9} {'command s':>10} {'ref s':>7} {'peak MB':>8} "
        f"{'HTML/page KB':>13} {'ref KB':>7} {'search KB (gz)':>15} {'ref search KB (gz)':>19} {'rewrites':>9}"
    )
    print(header)
    for r in results:
        ours, ref = r["ours"], r.get("reference", {})
        search = f"{ours.get('search_kb', 0):.0f} ({ours.get('search_kb_gzip', 0):.0f})" if "search_kb" in ours else "-"
        ref_search = f"{ref.get('search_kb', 0):.0f} ({ref.get('search_kb_gzip', 0):.0f})" if ref else "-"
        print(
            f"{r['n']:>6} {ours['generator']:>12.2f} {ours['mkdocs']:>9.2f} {ours['command']:>10.2f} "
            f"{ref.get('command', float('nan')):>7.2f} {ours['peak_mb']:>8.0f} {ours['html_per_page'] / 1024:>13.1f} "
            f"{ref.get('html_per_page', float('nan')) / 1024:>7.1f} {search:>15} {ref_search:>19} "
            f"{ours['rewritten_files']:>9}"
        )
    print()
    for r in results:
        shown = ", ".join(
            f"{k} {v:.3f}×" if k != "generator_share" else f"generator {v:.1%} of build" for k, v in r["ratios"].items()
        )
        print(f"N={r['n']}: ours / reference: {shown}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 100, 1000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size (sizes of 1000 or more run once)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--no-reference", action="store_true", help="skip the plain Material reference build")
    parser.add_argument("--no-browser", action="store_true", help="skip measuring search downloads in Chromium")
    args = parser.parse_args(argv)
    results = []
    for count in args.sizes:
        runs = 1 if count >= 1000 else args.runs
        result = measure(count, runs, browser=not args.no_browser, reference=not args.no_reference)
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
