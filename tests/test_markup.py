"""The Markdown escaping makes any seed text render as exactly that text."""

from functools import cache

import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import example, given
from hypothesis import strategies as st

from sitegen.build import Project, load_mkdocs_config
from sitegen.inline import to_paragraph
from sitegen.markup import md_escape
from sitegen.model import BulletList
from sitegen.pages import make_environment

from .conftest import ROOT

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
    html = markdown.markdown(str(md_escape(text)), extensions=["attr_list", "md_in_html", "toc", "sitegen.links"])
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
        # An entity written in the address is those characters, not the character it stands for.
        ("见 https://example.com/?a=1&amp;b=2", "https://example.com/?a=1&amp;b=2"),
    ],
)
def test_a_bare_address_becomes_a_link_that_stops_where_the_address_does(text, url):
    rendered = render(text)
    assert rendered.get_text() == text
    assert [a["href"] for a in rendered.find_all("a")] == [url]


# --- a transcript written as HTML is what Markdown makes of it ------------------------------------

# Characters that are syntax in Markdown or HTML, a bare address, CJK text and white space.
PIECES = st.sampled_from(
    [
        "**",
        "*",
        "_",
        "\\",
        "`",
        "[",
        "]",
        "(",
        ")",
        "#",
        "!",
        "<",
        ">",
        "&",
        "&amp;",
        '"',
        "'",
        "{: .x }",
        "- ",
        "1. ",
        "  ",
        "\n",
        "www.openai.com",
        "a@b.com",
        "https://example.com/a_b?x=1&y=2",
        "。",
        "（",
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(alphabet="山月AI 0", min_size=1, max_size=4)), max_size=8).map("".join)
URL = st.lists(st.sampled_from(["a", "_", "*", "(", ")", "&", "=", "?", "#", "%20", "\\", "~"]), max_size=6).map(
    lambda parts: "https://example.com/" + "".join(parts)
)
LINK = st.builds(lambda text, url: f"[{text}]({url})", TEXT, URL)
# A line of the export as the cleaner reads it: text, links, the whole of it in bold or not.
MARKUP = st.builds(
    lambda parts, strong: f"**{''.join(parts)}**" if strong else "".join(parts),
    st.lists(st.one_of(TEXT, LINK), min_size=1, max_size=4),
    st.booleans(),
)


@cache
def site_markdown() -> markdown.Markdown:
    config = load_mkdocs_config(Project(ROOT, ROOT / "seeds"))
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])


@cache
def block_macros():
    return make_environment(ROOT / "templates").get_template("partials/blocks.md.j2").module


@given(MARKUP.map(lambda markup: to_paragraph(markup, 1)).filter(lambda paragraph: paragraph.text))
# Addresses holding Markdown's link syntax, and a quote, which HTML escapes as a reference.
@example(to_paragraph('[](https://example.com/()[](https://example.com/()"[](https://example.com/()', 1))
@example(to_paragraph("[](https://example.com/()'[](https://example.com/()", 1))
def test_a_paragraph_written_as_html_is_the_html_markdown_makes_of_it(paragraph):
    blocks = block_macros()
    as_markdown = site_markdown().reset().convert(str(blocks.paragraph(paragraph)))
    as_html = str(blocks.html_paragraph(paragraph))
    assert BeautifulSoup(as_html, "html.parser").decode() == BeautifulSoup(as_markdown, "html.parser").decode()


@given(
    st.lists(MARKUP.map(lambda markup: to_paragraph(markup, 1)).filter(lambda item: item.text), min_size=1, max_size=4),
    st.booleans(),
)
def test_a_list_written_as_html_is_the_html_markdown_makes_of_it(items, ordered):
    """The page a list's HTML gives is the one its Markdown (a line an item) gave."""
    blocks = block_macros()
    lines = [f"{f'{number}.' if ordered else '-'} {blocks.inline(item)}" for number, item in enumerate(items, start=1)]
    as_markdown = site_markdown().reset().convert("\n".join(lines))
    as_html = site_markdown().reset().convert(str(blocks.render(BulletList(tuple(items), ordered), None)))
    # Compared as parsed: an address Markdown links may keep characters as references (&#95;).
    assert BeautifulSoup(as_html, "html.parser").decode() == BeautifulSoup(as_markdown, "html.parser").decode()
