"""Shared fixtures: a copy of the project in a temporary folder, built for real with MkDocs."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sitegen.cache import load_entry

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SITE_PATH = "/sam-altman-interviews/"  # the path of site_url in mkdocs.yml
COPIED = ("mkdocs.yml", "build_site.py", "templates", "data", "seeds", "sitegen")


def copy_project(target: Path, seeds: list[Path] | None = None) -> Path:
    """The project's sources and hand-written docs, without anything generated."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, target / name, ignore=ignore, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, target / name)
    generated = set(hand_written_exclusions())
    shutil.copytree(
        ROOT / "docs", target / "docs", ignore=lambda d, names: [n for n in names if Path(d, n) in generated]
    )
    if seeds is not None:
        shutil.rmtree(target / "seeds")
        (target / "seeds").mkdir()
        for seed in seeds:
            shutil.copy2(seed, target / "seeds" / seed.name)
    return target


def hand_written_exclusions() -> list[Path]:
    """Generated files in the working tree's docs/, which a copy of the project must not start with."""
    docs = ROOT / "docs"
    names = [
        ".generated.json",
        "index.md",
        "interviews",
        "topics",
        "archive",
        "people",
        "predictions",
        "questions",
        "quotes",
        "search",
        "feed.xml",
        "feed.json",
        "fidelity.json",
        "robots.txt",
    ]
    return [docs / name for name in names]


def run_build(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "build_site.py", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def forget_synced(project: Path) -> None:
    """Drop the record of what the last build put in place: the next build reads every generated
    page from the cache instead of knowing its file is already in place (see write.sync_generated)."""
    shutil.rmtree(project / ".cache" / "synced")


def is_plan(value) -> bool:
    """A page-cache entry that says where every generated file comes from (cache.plan)."""
    return isinstance(value, dict) and "index.md" in value


def forget_plans(project: Path) -> None:
    """Drop the page cache's plans: the next build works out each page's key again."""
    for kind in ("pages", "pages-files"):
        for entry in (project / ".cache" / kind).glob("*.pickle"):
            if is_plan(load_entry(entry.read_bytes())):
                entry.unlink()


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under folder with the hash of its bytes, to prove a failed build changed nothing."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The project built once from the real seeds: tests read its docs/ and site/."""
    project = copy_project(tmp_path_factory.mktemp("built") / "project")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def fresh_project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


def copy_built(built_project: Path, target: Path) -> Path:
    """A copy of an already built project, so docs/ and site/ hold a previous good build."""
    shutil.copytree(built_project, target, symlinks=True)
    return target


INLINE_HEADER = """# 标题

文章作者: AI深度研究员
发布时间: 2024-10-07 10:00
发布地: 上海
原文链接: http://mp.weixin.qq.com/s?__biz=A&mid=1&idx=1&sn=x

封面图链接: https://mmbiz.qpic.cn/c/300
"""


def inline_interview(body: str):
    """An interview made by the real pipeline from a body written inline (the header is fixed)."""
    from sitegen.clean import clean_body
    from sitegen.enrich import enrich
    from sitegen.parse import parse_article

    article = parse_article("seeds/x.txt", INLINE_HEADER + body)
    return enrich(article, clean_body(article.body, article.seed, article.header.author))


def write_seed(project: Path, name: str, data: str | bytes) -> None:
    (project / "seeds" / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def sitemap_pages(site: Path) -> str:
    """The sitemap's lists of pages, read through the index that sitemap.xml is (its entries are
    files at the site's root)."""
    index = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and "<url>" not in index
    parts = re.findall(r"<loc>(.*?)</loc>", index)
    assert parts
    return "".join((site / loc.rsplit("/", 1)[-1]).read_text(encoding="utf-8") for loc in parts)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def interview_pages(site: Path) -> list[Path]:
    return sorted(p for p in (site / "interviews").glob("*/index.html"))


DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


def chromium_executable() -> str | None:
    """The browser the tests drive: $CHROMIUM_PATH, else Debian's chromium, else None for the
    Chromium Playwright manages itself (`python -m playwright install chromium`)."""
    chosen = os.environ.get("CHROMIUM_PATH")
    if chosen:
        return chosen
    return str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None


def managed_chromium_exists() -> bool:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        return Path(playwright.chromium.executable_path).exists()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Chromium driven by Playwright (see chromium_executable); in CI a missing browser fails instead of skipping."""
    executable = chromium_executable()
    if executable is None and not managed_chromium_exists():
        message = "no Chromium: set CHROMIUM_PATH, apt-get install chromium, or python -m playwright install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class StaticServer:
    """A local HTTP server for a built site, optionally under a URL prefix like GitHub Pages."""

    def __init__(self, root: Path, prefix: str = "/") -> None:
        import functools
        import http.server
        import threading

        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def translate_path(self, path: str) -> str:
                if not path.startswith(outer.prefix):
                    return str(root / "__outside_prefix__")
                return super().translate_path("/" + path[len(outer.prefix) :])

            def do_GET(self) -> None:
                target = Path(self.translate_path(self.path.split("?", 1)[0]))
                if target.is_file() or (target / "index.html").is_file():
                    return super().do_GET()
                # Like GitHub Pages: a missing URL gets the site's 404.html with status 404.
                body = (root / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                # A browser closing a connection mid-download (a file it no longer needs) is normal.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.prefix = prefix
        self.httpd = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{self.prefix}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def site_server(built):
    server = StaticServer(built / "site")
    yield server
    server.close()


def site_file(site: Path, page: Path, href: str, prefix: str = "/") -> tuple[Path | None, str]:
    """The file a relative or root-relative link in ``page`` points at, and its fragment."""
    from urllib.parse import unquote, urljoin, urlparse

    page_url = "/" + page.relative_to(site).as_posix()
    target = urlparse(urljoin(page_url, href))
    path = unquote(target.path)
    if prefix != "/" and path.startswith(prefix):
        path = "/" + path[len(prefix) :]
    candidate = site / path.lstrip("/")
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return (candidate if candidate.is_file() else None), unquote(target.fragment)


def broken_links(site: Path, site_url_path: str = "/") -> list[str]:
    """Every href/src in site/ that points at a missing file or a missing anchor."""
    from urllib.parse import urlparse

    ids: dict[Path, set[str]] = {}
    broken = []
    for page in sorted(site.rglob("*.html")):
        html = soup(page)
        for tag, attribute in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
            for element in html.find_all(tag):
                href = element.get(attribute)
                if not href or urlparse(href).scheme or href.startswith("//"):
                    continue
                target, fragment = site_file(site, page, href, site_url_path)
                if target is None:
                    broken.append(f"{page.relative_to(site)}: {href}")
                    continue
                if fragment and target.suffix == ".html":
                    if target not in ids:
                        ids[target] = {el["id"] for el in soup(target).find_all(id=True)}
                    if fragment not in ids[target]:
                        broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    return broken


def _hypothesis_profiles() -> None:
    from hypothesis import HealthCheck, settings

    # CI runs a fixed, derandomised set of examples so a failure there reproduces anywhere.
    settings.register_profile(
        "ci", derandomize=True, max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.register_profile("dev", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    # Mutation testing runs the suite once per mutant: fewer, fixed examples.
    settings.register_profile(
        "mutation", derandomize=True, max_examples=40, deadline=None, suppress_health_check=list(HealthCheck)
    )
    if "MUTANT_UNDER_TEST" in os.environ:
        settings.load_profile("mutation")
    else:
        settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


_hypothesis_profiles()
