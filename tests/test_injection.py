"""No seed can attack a reader: injection payloads end up as visible, inert text, checked in Chromium."""

from __future__ import annotations

import frontmatter
import pytest

from .conftest import SEEDS, StaticServer, copy_project, run_build, soup

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '<svg onload="window.__pwned=3"></svg>',
    "[点我](javascript:window.__pwned=4)",
    "![图](javascript:window.__pwned=5)",
    '"><script>window.__pwned=6</script>',
    "'><img src=x onerror=window.__pwned=7>",
    "</title><script>window.__pwned=8</script>",
    "{{ 7*7 }}",
    "{% if true %}模板{% endif %}",
    '<iframe src="javascript:window.__pwned=11"></iframe>',
    '<a href="javascript:window.__pwned=12">链接</a>',
    "[数据](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xMzwvc2NyaXB0Pg==)",
    "<style>body{display:none}</style>",
    '<div onmouseover="window.__pwned=15">悬停</div>',
    "&lt;script&gt;window.__pwned=16&lt;/script&gt;",
    "<https://evil.example/x>",
    "<!-- 注释 --><b>粗体</b>",
]
# A Markdown link of the export whose target is not http(s) keeps its words and loses its target;
# such an image is removed (the ledger names it: "image without an http(s) address").
SHOWN = {PAYLOADS[3]: "点我", PAYLOADS[4]: "", PAYLOADS[12]: "数据"}
TITLE = (
    "</title><script>window.__pwned=20</script> \"引号' {{ 7*7 }} {% if true %}真{% endif %} ../../etc/passwd \\ / <b>"
)
YAML_TITLE = "--- title: 被替换的标题 ---"
HEADER = SEEDS[0].read_text(encoding="utf-8").split("**（关注")[0]


def seed(title: str, day: str, idx: int, location: str = "上海") -> str:
    header = HEADER.replace(HEADER.split("\n")[0], f"# {title}").replace("2024-09-19 18:37", day)
    header = header.replace("idx=1", f"idx={idx}").replace("发布地: 上海", f"发布地: {location}")
    body = ["## " + PAYLOADS[0] + " 标题", ""]
    body += [f"{payload} 正文{n}" for n, payload in enumerate(PAYLOADS)]
    body += ["  * " + PAYLOADS[1], "  * " + PAYLOADS[9], "", "# 对话整理", ""]
    body += [f"**主持人：** {PAYLOADS[5]} 提问", "", f"**Sam Altman：** {PAYLOADS[2]} 回答 {PAYLOADS[8]}", ""]
    body += ["视频来源：https://www.youtube.com/watch?v=abc&t=1s", "", "素材来源<img src=x onerror=window.__pwned=31>"]
    return header + "\n\n".join(body) + "\n"


# One unbroken run of letters, as a hash, a path or a hostile seed has them.
LONG = "Z" * 300


def long_seed() -> str:
    header = HEADER.replace(HEADER.split("\n")[0], f"# 很长的词 {LONG}").replace("2024-09-19 18:37", "2024-01-04 10:00")
    body = [f"## 小节 {LONG}", f"正文 {LONG} 结束。", f"  * 列表 {LONG}", "", f"> 引用 {LONG}", "# 对话整理"]
    body += [f"**主持人：** 提问 {LONG}？", f"**Sam Altman：** 回答 {LONG}。"]
    return header.replace("idx=1", "idx=3") + "\n\n".join(body) + "\n"


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("inject") / "project", seeds=[])
    (project / "seeds" / "100_title.txt").write_text(seed(TITLE, "2024-01-02 10:00", 1, PAYLOADS[1]), encoding="utf-8")
    (project / "seeds" / "101_yaml.txt").write_text(seed(YAML_TITLE, "2024-01-03 10:00", 2), encoding="utf-8")
    (project / "seeds" / "102_long.txt").write_text(long_seed(), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    server = StaticServer(project / "site")
    yield project, server
    server.close()


def test_titles_survive_the_front_matter_unchanged(attacked):
    project, _ = attacked
    titles = {frontmatter.load(p)["title"] for p in (project / "docs" / "interviews").glob("2*.md")}
    assert titles == {TITLE.strip(), YAML_TITLE, f"很长的词 {LONG}"}


def test_no_link_on_any_page_runs_script(attacked):
    project, _ = attacked
    for html in (project / "site").rglob("*.html"):
        page = soup(html)
        for link in page.find_all("a", href=True):
            assert not link["href"].lower().startswith(("javascript:", "data:")), html
        assert not page.find_all(attrs={"onmouseover": True}) and not page.find_all(attrs={"onerror": True})


def heading_text(page) -> str:
    """The h1 as the reader sees it, without the section permalink."""
    return page.locator("h1").evaluate(
        "h => { const c = h.cloneNode(true); c.querySelectorAll('.headerlink').forEach(a => a.remove()); return c.textContent; }"
    )


PAGES = ["", "interviews/2024-01-02-1000/", "interviews/2024-01-03-1000-2/", "interviews/", "archive/", "archive/2024/"]


@pytest.mark.parametrize("path", PAGES)
def test_no_payload_runs_and_each_shows_as_text(browser, attacked, path):
    _, server = attacked
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.base + path)
    page.wait_for_load_state("networkidle")
    page.mouse.move(300, 300)
    for element in page.locator("article *").all()[:200]:
        element.hover(timeout=2000, force=True, trial=False) if element.is_visible() else None
    assert page.evaluate("window.__pwned") is None and dialogs == []
    article = page.locator("article.md-content__inner")
    assert article.locator("script, iframe, svg[onload], img[onerror], [onmouseover], style").count() == 0
    assert article.locator("a[href^='javascript:'], a[href^='data:'], img[src^='javascript:']").count() == 0
    text = article.inner_text()
    body = text.split(TITLE.strip(), 1)[-1]
    if path.startswith("interviews/2024-01-02"):
        assert heading_text(page) == TITLE.strip()
        assert TITLE.strip() in page.title()
        for n, payload in enumerate(PAYLOADS):
            assert f"{SHOWN.get(payload, payload)} 正文{n}".strip() in body, payload
    if path.startswith("interviews/2024-01-03"):
        assert heading_text(page) == YAML_TITLE
    assert "49" not in text.replace("2024", "")
    page.close()


def test_search_results_show_payloads_as_text(browser, attacked):
    _, server = attacked
    page = browser.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.goto(server.base)
    page.keyboard.press("/")
    page.keyboard.type("pwned")
    page.wait_for_selector('#site-search[data-state=done][data-query="pwned"]')
    results = page.locator("#site-search-list")
    assert results.locator(".site-search__hit").count() > 0
    assert results.locator("script, img, svg, iframe, [onerror], [onload]").count() == 0
    assert "<script>window.__pwned" in results.inner_text()
    assert page.evaluate("window.__pwned") is None
    page.close()


@pytest.mark.parametrize("path", ["", "interviews/2024-01-04-1000-3/", "interviews/", "archive/2024/", "questions/"])
def test_a_long_unbroken_word_wraps_instead_of_widening_the_page_on_a_phone(browser, attacked, path):
    _, server = attacked
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(server.base + path)
    assert LONG in page.locator(".md-content").inner_text()
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    context.close()
    assert widths[0] <= widths[1], widths
