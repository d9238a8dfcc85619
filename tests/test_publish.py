"""Publishing: sub-path hosting, feeds, link previews, sitemap, 404, redirects, offline copy, workflow."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import feedparser
import frontmatter
import pytest

from sitegen import build, sitemap
from sitegen.errors import Problems

from .conftest import (
    SEEDS,
    SITE_PATH,
    StaticServer,
    broken_links,
    copy_project,
    interview_pages,
    run_build,
    sitemap_pages,
    soup,
)

SITE_URL = "https://example.github.io/sam-altman-interviews/"


@pytest.fixture(scope="module")
def subpath_server(built):
    server = StaticServer(built / "site", prefix=SITE_PATH)
    yield server
    server.close()


def front_matter_of(built: Path, page: Path) -> dict:
    return frontmatter.load(built / "docs" / "interviews" / f"{page.parent.name}.md").metadata


@pytest.mark.parametrize(
    "path",
    ["", "interviews/2024-11-05-0707/", "topics/agents/", "archive/", "archive/2024/", "people/", "no/such/page/"],
)
def test_every_request_resolves_inside_the_sub_path(browser, subpath_server, path):
    page = browser.new_page()
    failed, outside, errors = [], [], []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda r: r.status >= 400 and not r.request.is_navigation_request() and failed.append(r.url))
    page.on("pageerror", lambda error: errors.append(str(error)))

    def route(r):
        if r.request.url.startswith(subpath_server.base):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    response = page.goto(subpath_server.base + path)
    page.wait_for_load_state("networkidle")
    if path.startswith("no/"):
        assert response.status == 404 and "页面不存在" in page.content()
    page.keyboard.press("/")
    page.keyboard.type("智能体")
    page.wait_for_selector('#site-search[data-state=done][data-query="智能体"]')
    assert page.locator(".site-search__hit").count() == 3
    page.close()
    assert failed == [] and errors == []
    assert [u for u in outside if "mmbiz.qpic.cn" not in u] == []


def test_no_broken_href_or_src_under_the_sub_path(built):
    assert broken_links(built / "site", SITE_PATH) == []


def test_site_url_comes_from_the_environment(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:1])
    result = run_build(project, env={"SITE_URL": "https://fork.github.io/other-repo/"})
    assert result.returncode == 0, result.stderr
    page = soup(project / "site" / "interviews" / "2024-09-19-1837" / "index.html")
    assert page.find("link", rel="canonical")["href"] == "https://fork.github.io/other-repo/interviews/2024-09-19-1837/"
    assert (
        "https://fork.github.io/other-repo/interviews/2024-09-19-1837/" in (project / "site" / "feed.xml").read_text()
    )
    assert "/other-repo/" in (project / "site" / "404.html").read_text()


def test_rss_feed_has_every_interview_with_beijing_dates(built):
    feed = feedparser.parse((built / "site" / "feed.xml").read_bytes())
    assert not feed.bozo and feed.version == "rss20"
    metas = {
        f"{SITE_URL}interviews/{p.parent.name}/": front_matter_of(built, p) for p in interview_pages(built / "site")
    }
    assert [entry.link for entry in feed.entries] == sorted(metas, key=lambda url: metas[url]["date"], reverse=True)
    for entry in feed.entries:
        meta = metas[entry.link]
        assert entry.title == meta["title"] and entry.summary == meta["summary"]
        assert entry.published.endswith("+0800")
        day = meta["date"][:10]
        assert entry.published_parsed and re.search(r"\d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0800", entry.published)
        assert int(day[8:]) == int(entry.published.split()[1])
        assert entry.enclosures[0].href == meta["cover_image"]
        path = urlparse(entry.link).path.removeprefix(SITE_PATH)
        assert (built / "site" / path / "index.html").is_file()


def test_json_feed_matches(built):
    import json

    feed = json.loads((built / "site" / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and len(feed["items"]) == 5
    dates = [item["date_published"] for item in feed["items"]]
    assert dates == sorted(dates, reverse=True) and all(d.endswith("+08:00") for d in dates)
    assert all(item["image"].startswith("https://mmbiz.qpic.cn/") for item in feed["items"])
    # Item by item against the pages: each names its own interview, nothing shared or swapped.
    pages = {
        f"{SITE_URL}interviews/{page.parent.name}/": front_matter_of(built, page)
        for page in interview_pages(built / "site")
    }
    assert sorted(item["url"] for item in feed["items"]) == sorted(pages)
    for item in feed["items"]:
        meta = pages[item["url"]]
        assert item["id"] == item["url"]
        assert (item["title"], item["date_published"], item["summary"]) == (
            meta["title"],
            meta["date"],
            meta["summary"],
        )
        assert item["external_url"] == meta["source_url"] and item["image"] == meta["cover_image"]


def test_feeds_are_linked_from_every_page_head(built):
    for page in sorted((built / "site").rglob("*.html")):
        html = soup(page)
        if html.find("meta", attrs={"http-equiv": "refresh"}):
            continue
        types = {link["type"] for link in html.find_all("link", rel="alternate")}
        assert {"application/rss+xml", "application/feed+json"} <= types, page


def test_interview_pages_have_link_preview_meta(built):
    for page in interview_pages(built / "site"):
        html = soup(page)
        meta = front_matter_of(built, page)
        canonical = f"{SITE_URL}interviews/{page.parent.name}/"

        def prop(name, html=html):
            tag = html.find("meta", attrs={"property": name}) or html.find("meta", attrs={"name": name})
            return tag["content"]

        assert html.find("link", rel="canonical")["href"] == canonical
        assert prop("description") and meta["summary"].startswith(prop("description").rstrip("…"))
        assert prop("og:type") == "article" and prop("og:title") == meta["title"]
        assert prop("og:url") == canonical and prop("og:image") == meta["cover_image"]
        assert prop("og:description") and prop("article:published_time") == meta["date"]
        assert prop("twitter:card") == "summary_large_image" and prop("twitter:title") == meta["title"]


def test_index_pages_have_their_own_descriptions(built):
    site = built / "site"
    pages = [
        site / "index.html",
        site / "topics" / "index.html",
        site / "archive" / "index.html",
        site / "topics" / "agents" / "index.html",
    ]
    descriptions = [soup(p).find("meta", attrs={"name": "description"})["content"] for p in pages]
    assert len(set(descriptions)) == len(descriptions) and all(descriptions)


def test_sitemap_lists_every_page_through_its_index_and_robots_points_to_it(built):
    site = built / "site"
    listed = set(re.findall(r"<loc>(.*?)</loc>", sitemap_pages(site)))
    for page in site.rglob("index.html"):
        if soup(page).find("meta", attrs={"http-equiv": "refresh"}):
            continue
        relative = page.parent.relative_to(site).as_posix()
        assert (SITE_URL + (relative + "/" if relative != "." else "")) in listed
    assert f"Sitemap: {SITE_URL}sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def test_a_sitemap_too_long_for_one_file_comes_in_parts_named_by_the_index(built, tmp_path, monkeypatch):
    """The protocol allows 50,000 URLs a file: here a part holds 7, so the five seeds' pages need
    several, and together they list what the one list of the usual build lists, once each."""
    monkeypatch.setattr(sitemap, "URLS_PER_FILE", 7)
    root = copy_project(tmp_path / "p")
    build.build_site(build.Project(root=root, seeds_dir=root / "seeds"), Problems())
    site = root / "site"
    parts = re.findall(r"<loc>(.*?)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    names = [part.removeprefix(SITE_URL) for part in parts]
    assert names[:2] == ["sitemap-pages.xml", "sitemap-pages-2.xml"] and len(names) >= 3
    listed = []
    for name in names:
        urls = ET.parse(site / name).getroot()
        assert 1 <= len(urls) <= 7
        listed += [url[0].text for url in urls]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(re.findall(r"<loc>(.*?)</loc>", sitemap_pages(built / "site")))
    assert not (site / f"sitemap-pages-{len(names) + 1}.xml").exists()


def test_404_page_is_chinese_with_links_home_archive_and_search(built):
    html = soup(built / "site" / "404.html")
    assert html.find("h1").get_text() == "页面不存在"
    hrefs = [a["href"] for a in html.select("article a")]
    assert f"{SITE_PATH}." in hrefs and f"{SITE_PATH}archive/" in hrefs and f"{SITE_PATH}.?q=" in hrefs
    assert all(link["href"].startswith(SITE_PATH) for link in html.find_all("link", href=True))


def test_redirect_keeps_an_old_url_working(browser, tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:2])
    (project / "data" / "redirects.yml").write_text(
        "redirects:\n  interviews/2024-09-19/: interviews/2024-09-19-1837/\n", encoding="utf-8"
    )
    assert run_build(project).returncode == 0
    server = StaticServer(project / "site", prefix=SITE_PATH)
    try:
        page = browser.new_page()
        page.goto(server.base + "interviews/2024-09-19/")
        page.wait_for_url("**/interviews/2024-09-19-1837/")
        assert "T-Mobile" in page.title() or "T-Mobile" in page.content()
        page.close()
    finally:
        server.close()


def test_redirect_to_a_missing_page_is_refused(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:1])
    (project / "data" / "redirects.yml").write_text("redirects:\n  old/: interviews/nowhere/\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    assert "data/redirects.yml:2: redirect target interviews/nowhere/ is not a page" in result.stderr


def test_offline_copy_works_from_the_file_system_with_search(browser, tmp_path):
    project = copy_project(tmp_path / "project")
    result = run_build(project, "build", "--offline")
    assert result.returncode == 0, result.stderr
    offline = project / "site-offline"
    assert (offline / "interviews" / "2024-09-19-1837.html").is_file() and not (project / "site").exists()
    page = browser.new_page()
    page.goto((offline / "index.html").as_uri())
    page.locator("a[href$='2024-09-19-1837.html']").first.click()
    page.wait_for_url("**/2024-09-19-1837.html")
    page.keyboard.press("/")
    page.keyboard.type("全民基本收入")
    page.wait_for_selector('#site-search[data-state=done][data-query="全民基本收入"]')
    hits = page.locator(".site-search__hit")
    assert hits.count() == 1
    hits.first.click()
    page.wait_for_url("**/2024-12-21-0451-2.html?h=*#*")
    page.close()


@pytest.mark.parametrize("path", ["", "interviews/2024-11-05-0707/", "no/such/page/"])
def test_a_query_in_the_address_opens_the_search_on_any_page(browser, subpath_server, path):
    page = browser.new_page()
    page.goto(subpath_server.base + path + "?q=AGI")
    page.wait_for_selector('#site-search[data-state=done][data-query="AGI"]')
    assert page.locator("#site-search-input").input_value() == "AGI"
    assert page.locator(".site-search__hit:visible").count() > 0
    page.close()


def test_the_404_search_link_opens_the_search(browser, subpath_server):
    page = browser.new_page()
    page.goto(subpath_server.base + "no/such/page/")
    page.locator("article a", has_text="搜索访谈").click()
    page.wait_for_url("**/?q=")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'site-search-input'")
    page.keyboard.type("AGI")
    page.wait_for_selector('#site-search[data-state=done][data-query="AGI"]')
    assert page.locator(".site-search__hit:visible").count() > 0
    page.close()
