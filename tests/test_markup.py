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
]


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_renders_as_itself(text):
    html = markdown.markdown(str(md_escape(text)), extensions=["attr_list", "md_in_html", "toc"])
    rendered = BeautifulSoup(html, "html.parser")
    assert rendered.get_text() == text
    assert not rendered.find_all(["script", "img", "a", "h1", "ol", "ul", "strong", "em", "code"])
