"""The reading experience in real headless Chromium: turns, anchors, TOC, timeline, search, a11y."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

import frontmatter
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from benchmarks.search_quality import measure, read_queries

from .conftest import ROOT, SEEDS, StaticServer, copy_project, interview_pages, run_build, soup

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "test-artifacts" / "screenshots"))
INTERVIEW = "interviews/2024-12-21-0451-2/"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def url(server, path: str) -> str:
    return server.base + path


def test_toc_lists_every_section_heading(built):
    for page in interview_pages(built / "site"):
        doc = soup(page)
        assert len(doc.find_all("h1")) == 1
        article = doc.select_one("article.md-content__inner")
        headings = [h["id"] for h in article.find_all(["h2", "h3", "h4"]) if h.get("id")]
        toc = [unquote(a["href"].split("#", 1)[1]) for a in doc.select("nav.md-nav--secondary a.md-nav__link")]
        assert toc == headings


def test_every_turn_has_an_anchor_that_scrolls_into_view_and_shows_a_link(page, site_server, built):
    doc = soup(built / "site" / INTERVIEW / "index.html")
    turns = doc.select("div.turn")
    assert turns and all(t.get("id") for t in turns)
    assert all(t.select_one("a.turn__link")["href"] == "#" + t["id"] for t in turns)
    target = turns[len(turns) // 2]["id"]
    page.goto(url(site_server, INTERVIEW) + "#" + target)
    page.wait_for_load_state("networkidle")
    box = page.locator(f"#{target}").bounding_box()
    assert 0 <= box["y"] < 900
    link = page.locator(f"#{target} .turn__link")
    page.locator("#t1").hover()
    expect(page.locator("#t1 .turn__link")).to_have_css("opacity", "1")
    page.mouse.move(5, 5)
    expect(page.locator("#t1 .turn__link")).to_have_css("opacity", "0")
    link.focus()
    expect(link).to_have_css("opacity", "1")


def test_speaker_roles_look_different_in_light_and_dark(browser, site_server):
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(url(site_server, INTERVIEW))
        for role in ("host", "guest"):
            speaker = page.locator(f".turn--{role} .turn__speaker").first
            colours[scheme, role] = speaker.evaluate("el => getComputedStyle(el).color")
        context.close()
    assert colours["light", "host"] != colours["light", "guest"]
    assert colours["dark", "host"] != colours["dark", "guest"]
    # Dark mode has colours of its own for the roles, not the light ones on a dark page.
    assert colours["dark", "host"] != colours["light", "host"] and colours["dark", "guest"] != colours["light", "guest"]


@pytest.fixture(scope="module")
def video_site(tmp_path_factory):
    """Seed 001 has a timeline but no video; give it one, with a t= already in the URL."""
    project = copy_project(tmp_path_factory.mktemp("video") / "project", seeds=[SEEDS[1]])
    seed = project / "seeds" / SEEDS[1].name
    text = seed.read_text(encoding="utf-8").replace(
        "(音乐)\n", "(音乐)\n\n原视频链接：https://www.youtube.com/watch?v=fMtbrKhXMWc&t=30s\n", 1
    )
    seed.write_text(text, encoding="utf-8")
    assert run_build(project).returncode == 0
    return project / "site"


def test_timeline_links_jump_to_the_right_second(video_site):
    links = soup(video_site / "interviews" / "2024-05-16-0930" / "index.html").select("ol.timeline a")
    stamps = {a.get_text(): a["href"] for a in links}
    assert len(links) == 19
    assert stamps["20:29"] == "https://www.youtube.com/watch?v=fMtbrKhXMWc&t=1229s"
    assert stamps["00:00"].endswith("&t=0s") and all(href.count("t=") == 1 for href in stamps.values())


def test_no_timeline_links_without_a_video(built):
    html = soup(built / "site" / "interviews" / "2024-05-16-0930" / "index.html")
    assert len(html.select("ol.timeline li")) == 19 and html.select("ol.timeline a") == []


def test_search_loads_nothing_until_opened_and_answers_the_keyboard(page, site_server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url(site_server, ""))
    page.wait_for_load_state("networkidle")
    assert not [r for r in requests if "/search" in r]
    page.keyboard.press("/")
    page.keyboard.type("智能体")
    page.wait_for_selector('#site-search[data-state=done][data-query="智能体"]')
    assert [r for r in requests if r.endswith("assets/javascripts/search.js")]
    assert page.locator(".site-search__hit mark").first.inner_text() == "智能体"
    page.keyboard.press("Enter")
    page.wait_for_url("**/interviews/**")


def test_search_precision_and_recall_for_every_query(page, site_server, built):
    figures = measure(page, site_server.base, built / "site", read_queries())
    assert len(figures) >= 12
    # The index is exact by design: every relevant section shown, nothing else.
    poor = {query: row for query, row in figures.items() if row["precision"] != 1.0 or row["recall"] != 1.0}
    assert poor == {}
    assert all(row["relevant"] > 0 for row in figures.values())


def test_theme_choice_is_remembered(page, site_server):
    page.goto(url(site_server, INTERVIEW))
    before = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.locator("form[data-md-component=palette] label:visible").first.click()
    chosen = page.locator("body").get_attribute("data-md-color-scheme")
    page.reload()
    assert page.locator("body").get_attribute("data-md-color-scheme") == chosen
    assert page.locator("html").get_attribute("lang") == "zh" and before


def test_print_shows_only_the_article_and_its_source(page, site_server):
    page.goto(url(site_server, INTERVIEW))
    ours = [".interview-meta__links", ".pager", ".related", ".turn__link"]
    page.locator("#t1").hover()
    assert all(page.locator(selector).first.is_visible() for selector in ours)
    page.emulate_media(media="print")
    # The project's own print rules: buttons, navigation between interviews and link icons go.
    assert all(page.locator(selector).first.is_hidden() for selector in ours)
    assert page.locator(".interview-source").is_visible() and page.locator(".turn").first.is_visible()
    link = page.locator(".interview-source a").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert link.get_attribute("href") in after


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["", INTERVIEW, "topics/agents/", "archive/"])
def test_axe_reports_no_violations(browser, site_server, path, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(url(site_server, path))
    results = Axe().run(page)
    context.close()
    assert results.violations_count == 0, results.generate_report()


def test_screenshots_for_a_human(browser, site_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        for width in (1280, 390):
            context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(url(site_server, INTERVIEW))
            path = SCREENSHOTS / f"interview-{scheme}-{width}.png"
            page.screenshot(path=str(path), full_page=False)
            context.close()
            assert path.stat().st_size > 10_000


def test_images_have_alt_text_and_load_lazily(built):
    for page in interview_pages(built / "site"):
        for image in soup(page).select("article img"):
            assert image.get("alt") and image.get("loading") == "lazy"


def test_static_server_helper_serves_the_site(built):
    server = StaticServer(built / "site")
    try:
        import urllib.request

        assert b"Sam Altman" in urllib.request.urlopen(server.base).read()
    finally:
        server.close()


@pytest.mark.parametrize("path", ["", INTERVIEW])
def test_topic_chips_sit_side_by_side(page, site_server, path):
    page.goto(url(site_server, path))
    chips = page.locator("ul.chips").first.locator("li")
    first, second = chips.nth(0).bounding_box(), chips.nth(1).bounding_box()
    assert abs(first["y"] - second["y"]) < 2 and second["x"] > first["x"]


def test_show_more_reveals_the_other_sections_of_an_interview(page, site_server):
    page.goto(url(site_server, ""))
    page.keyboard.press("/")
    page.keyboard.type("AGI")
    page.wait_for_selector('#site-search[data-state=done][data-query="AGI"]')
    group = page.locator(".md-search-result__item", has=page.locator(".site-search__more")).first.element_handle()

    def visible_hits() -> int:
        return group.eval_on_selector_all(".site-search__hit", "hits => hits.filter(h => h.checkVisibility()).length")

    total = len(group.query_selector_all(".site-search__hit"))
    assert 0 < visible_hits() < total
    group.query_selector(".site-search__more").click()
    assert visible_hits() == total
    assert group.query_selector(".site-search__more") is None


CITED = "interviews/2024-10-07-1000/"


def expected_citation(built, turn_id: str) -> tuple[str, str]:
    """The permalink and the citation of a turn, worked out from the built HTML."""
    html = soup(built / "site" / CITED / "index.html")
    link = html.find("link", rel="canonical")["href"] + "#" + turn_id
    turn = html.find(id=turn_id)
    speaker = turn.select_one(".turn__speaker").get_text(strip=True)
    text = "".join(
        p.get_text(strip=True) for p in turn.find_all("p", recursive=False) if "turn__who" not in p.get("class", [])
    )
    end = min(i for i, ch in enumerate(text) if ch in "。！？") + 1
    first = text[:end]
    quote = first[:-1] + "……" if len(first) < len(text) else first
    title = frontmatter.load(built / "docs" / "interviews" / "2024-10-07-1000.md")["title"]
    return link, f"「{quote}」——{speaker}，《{title}》，2024年10月7日，{link}"


def test_copy_link_and_cite_put_the_permalink_and_a_citation_on_the_clipboard(browser, site_server, built):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(url(site_server, CITED))
    link, citation = expected_citation(built, "t6")
    page.locator("#t6 .turn__copy[data-copy=link]").click()
    expect(page.locator("#t6 .turn__status")).to_have_text("已复制链接")
    assert page.evaluate("navigator.clipboard.readText()") == link
    # By keyboard: the cite button is focusable and answers Enter.
    page.locator("#t6 .turn__copy[data-copy=cite]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#t6 .turn__status")).to_have_text("已复制引用")
    assert page.evaluate("navigator.clipboard.readText()") == citation
    status = page.locator("#t6 .turn__status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    context.close()


def test_without_the_clipboard_the_text_is_selected_for_copying_by_hand(browser, site_server, built):
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    browser_context = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
    for permission in ({"name": "clipboard-write"}, {"name": "clipboard-write", "allowWithoutSanitization": True}):
        cdp.send(
            "Browser.setPermission",
            {"permission": permission, "setting": "denied", "browserContextId": browser_context},
        )
    page.goto(url(site_server, CITED))
    link, _ = expected_citation(built, "t6")
    page.locator("#t6 .turn__copy[data-copy=link]").click()
    field = page.locator("#t6 .turn__copy-field")
    expect(field).to_be_visible()
    assert field.input_value() == link
    assert page.evaluate("[document.activeElement.selectionStart, document.activeElement.selectionEnd]") == [
        0,
        len(link),
    ]
    expect(page.locator("#t6 .turn__status")).to_contain_text("请按 Ctrl+C")
    context.close()


def test_a_search_result_opens_the_turn_with_the_words_marked_and_they_can_be_cleared(page, site_server):
    page.goto(url(site_server, ""))
    page.keyboard.press("/")
    page.keyboard.type("智能体")
    page.wait_for_selector('#site-search[data-state=done][data-query="智能体"]')
    hit = next(h for h in page.locator(".site-search__hit:visible").all() if "#t" in h.get_attribute("href"))
    href = hit.get_attribute("href")
    assert "h=%E6%99%BA%E8%83%BD%E4%BD%93" in href and "#" in href
    hit.click()
    page.wait_for_load_state("networkidle")
    anchor = unquote(page.url.split("#", 1)[1])
    marks = page.locator(f'[id="{anchor}"] mark.search-highlight')
    assert marks.count() > 0 and {m.inner_text() for m in marks.all()} == {"智能体"}
    page.locator(".search-highlight__clear").click()
    assert page.locator("mark.search-highlight").count() == 0
    assert "h=" not in page.url and page.url.endswith("#" + page.url.split("#", 1)[1])
    assert page.locator(f'[id="{anchor}"]').inner_text().count("智能体") >= 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_turn_reached_by_its_link_is_marked(browser, site_server, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(url(site_server, INTERVIEW) + "#t3")

    def background(turn: str) -> str:
        return page.locator(f"#{turn}").evaluate("el => getComputedStyle(el).backgroundColor")

    assert background("t3") != background("t4") and background("t4") == "rgba(0, 0, 0, 0)"
    context.close()


def results_for(page, query: str) -> set[str]:
    box = page.locator("#site-search-input")
    box.fill("")
    box.type(query, delay=10)
    page.wait_for_selector(f'#site-search[data-state=done][data-query="{query}"]')
    hrefs = page.eval_on_selector_all(".site-search__hit", "links => links.map(a => a.getAttribute('href'))")
    return {href.split("?")[0] + "#" + href.partition("#")[2] for href in hrefs}


def test_search_forgives_how_model_names_are_written(page, site_server):
    page.goto(url(site_server, ""))
    page.keyboard.press("/")
    spellings = {query: results_for(page, query) for query in ("GPT-4o", "GPT4o", "GPT 4o", "gpt-4O")}
    assert len({frozenset(found) for found in spellings.values()}) == 1
    found = spellings["GPT-4o"]
    # The three sections of seed 001 that name the model: GPT4o twice, and ChatGPT-4o in the intro.
    assert len(found) == 3 and all("2024-05-16-0930" in href for href in found)
    assert results_for(page, "o1-preview") == results_for(page, "o1 preview") and results_for(page, "o1 preview")


def test_a_topic_word_offers_the_topics_other_names(page, site_server):
    page.goto(url(site_server, ""))
    page.keyboard.press("/")
    results_for(page, "AGI")
    offered = [b.inner_text() for b in page.locator(".site-search__also").all()]
    assert "通用人工智能" in offered and "AGI" not in offered
    page.locator(".site-search__also", has_text="通用人工智能").click()
    page.wait_for_selector('#site-search[data-state=done][data-query="通用人工智能"]')
    assert page.locator("#site-search-input").input_value() == "通用人工智能"
    assert page.locator(".site-search__hit:visible").count() > 0
