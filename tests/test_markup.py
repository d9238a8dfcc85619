"""The Markdown escaping makes any seed text render as exactly that text."""

import markdown
import pytest
from bs4 import BeautifulSoup

from sitegen.markup import md_escape

TRICKY = [
    "**粗体** 和 _斜体_",
    "[点我](javascript:alert(1))",
    "![x](https://evil.example/x.png)",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "# 不是标题",
    "1. 不是列表",
    "- 也不是列表",
    "+ 还不是",
    "`code` and \\ backslash",
    "{: .class } attr list",
    "a &amp; b & c",
    "<https://example.com>",
    "javascript:alert(1) 和 data:text/html,x",
]


def render(text: str) -> BeautifulSoup:
    html = markdown.markdown(str(md_escape(text)), extensions=["attr_list", "md_in_html", "toc", "pymdownx.magiclink"])
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_renders_as_itself(text):
    rendered = render(text)
    assert rendered.get_text() == text
    assert not rendered.find_all(["script", "img", "h1", "ol", "ul", "strong", "em", "code"])
    # The only links are http(s) addresses of the text itself, shown as they are.
    assert all(a["href"] == a.get_text() and a["href"].startswith("https://") for a in rendered.find_all("a"))


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("论文地址：https://arxiv.org/abs/2403.13187", "https://arxiv.org/abs/2403.13187"),
        ("（https://github.com/a/b/blob/main/x_y_z.ipynb），解释了", "https://github.com/a/b/blob/main/x_y_z.ipynb"),
        ("[1]https://x.com/a_b/status/1?s=46&t=iT", "https://x.com/a_b/status/1?s=46&t=iT"),
        ("见 https://en.wikipedia.org/wiki/Bag_(puzzle)。", "https://en.wikipedia.org/wiki/Bag_(puzzle)"),
        ("网址是https://example.com/a.", "https://example.com/a"),
    ],
)
def test_a_bare_address_becomes_a_link_that_stops_where_the_address_does(text, url):
    rendered = render(text)
    assert rendered.get_text() == text
    assert [a["href"] for a in rendered.find_all("a")] == [url]
