"""Reader-facing behaviour in real headless Chromium."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from .conftest import interview_pages

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def record_traffic(page, base: str):
    """Answer mmbiz image requests locally (no network here) and remember every request made."""
    seen = []

    def handle(route):
        request = route.request
        seen.append((request.url, request.headers))
        if urlparse(request.url).hostname == "mmbiz.qpic.cn":
            route.fulfill(status=200, content_type="image/png", body=TINY_PNG)
        elif request.url.startswith(base):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)
    return seen


def test_interview_pages_load_without_errors_or_third_party_requests(page, site_server, built):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    seen = record_traffic(page, site_server.base)
    for html in interview_pages(built / "site"):
        url = site_server.base + html.parent.relative_to(built / "site").as_posix() + "/"
        page.goto(url)
        page.wait_for_load_state("networkidle")
    foreign = [u for u, _ in seen if not u.startswith(site_server.base) and "mmbiz.qpic.cn" not in u]
    assert foreign == [] and errors == []


def test_a_page_view_downloads_no_list_of_every_page(page, site_server):
    """Material's script takes each feed link of a page (rel=alternate) for a version of the site in
    another language and downloads the sitemap.xml beside it, on every page view; a list of every
    page there cost a phone up to 0.4 s of main thread at 1,000 interviews."""
    sitemaps = []
    page.on("response", lambda response: "sitemap" in response.url and sitemaps.append(response))
    page.goto(site_server.base + "topics/agents/")
    page.wait_for_load_state("networkidle")
    assert sitemaps, "no sitemap was downloaded: if Material no longer does, sitemap.xml may list pages again"
    assert all("<url>" not in response.text() for response in sitemaps)


def test_mmbiz_images_are_requested_without_a_referrer(page, site_server):
    seen = record_traffic(page, site_server.base)
    page.goto(site_server.base + "interviews/2024-05-16-0930/")
    page.locator("figure.article-image img").scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    images = [headers for url, headers in seen if "mmbiz.qpic.cn" in url]
    assert images, "the article image was not requested"
    assert all("referer" not in {k.lower() for k in headers} for headers in images)
    assert page.evaluate("document.querySelector('figure.article-image img').naturalWidth") == 1


def test_links_beside_text_are_underlined_not_told_apart_by_colour_alone(page, site_server):
    """Lighthouse's link-in-text-block: a link among words (a year heading, a month line, a
    sentence) needs more than its colour; a heading's own permalink does not."""
    page.goto(site_server.base + "archive/")
    decoration = "el => getComputedStyle(el).textDecorationLine"
    assert page.locator("h2#y2024 > a:not(.headerlink)").evaluate(decoration) == "underline"
    assert page.locator("h2#y2024 > a.headerlink").evaluate(decoration) == "none"
    page.goto(site_server.base + "interviews/")
    assert page.locator("article p a").first.evaluate(decoration) == "underline"
