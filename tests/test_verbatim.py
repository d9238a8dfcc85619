"""HTML the templates mark as written whole reaches the page as written, and MkDocs still knows
its anchors."""

from pathlib import Path

from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from sitegen.build import Project, load_mkdocs_config

ROOT = Path(__file__).resolve().parent.parent
# md_in_html would convert what this block holds, were it not handed through whole.
MARKED = """<!-- html -->
<div class="turn" id="t3" markdown="1">
**not bold**, [not a link](x.md), text that says id="t4"
</div>
<!-- /html -->"""


def rendered(markdown: str) -> Page:
    config = load_mkdocs_config(Project(ROOT, ROOT / "seeds"))
    file = File("page.md", str(ROOT / "docs"), str(ROOT / "site"), use_directory_urls=True)
    page = Page(None, file, config)
    page.markdown = markdown
    page.render(config, Files([file]))
    return page


def test_a_marked_block_is_passed_through_as_written_without_its_marks():
    page = rendered(f"# Title\n\nbefore\n\n{MARKED}\n\n**after**")
    block = MARKED.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert block in page.content
    assert "<!--" not in page.content
    assert "<p>before</p>" in page.content and "<strong>after</strong>" in page.content


def test_mkdocs_still_knows_the_anchors_of_a_marked_block():
    # Links from other pages to "#t3" are checked against these ids; words of the text are no id.
    ids = rendered(f'<p id="before">x</p>\n\n{MARKED}').present_anchor_ids
    assert ids == {"before", "t3"}


def test_a_block_left_open_is_left_to_markdown():
    page = rendered("<!-- html -->\n\n**bold**")
    assert "<strong>bold</strong>" in page.content
    assert "<!-- html -->" in page.content


def test_blocks_with_only_blank_lines_between_them_reach_the_page_as_they_would_apart():
    second = '<!-- html -->\n<p id="t5">b</p>\n<!-- /html -->'
    together = rendered(f"{MARKED}\n\n\n{second}\n\nafter")
    apart = rendered(f"{MARKED}\n\nbetween\n\n{second}\n\nafter")
    block = MARKED.split("\n", 1)[1].rsplit("\n", 1)[0]
    assert together.content == f'{block}\n<p id="t5">b</p>\n<p>after</p>'
    assert apart.content == f'{block}\n<p>between</p>\n<p id="t5">b</p>\n<p>after</p>'
    assert together.present_anchor_ids == apart.present_anchor_ids == {"t3", "t5"}


def test_blocks_that_end_a_page_are_not_wrapped_in_a_paragraph():
    page = rendered(
        "# Title\n\n<!-- html -->\n<p>a</p>\n<!-- /html -->\n\n<!-- html -->\n<aside>b</aside>\n<!-- /html -->\n\n"
    )
    assert page.content.endswith("</h1>\n<p>a</p>\n<aside>b</aside>")
