"""Inline markup: links kept as spans, everything else reduced to the words a reader sees."""

from __future__ import annotations

import pytest

from sitegen.inline import find_links, is_all_bold, is_links_only, plain_text, spans_of, to_paragraph
from sitegen.model import Span

LINK = "https://a.com/x"


def test_plain_text_is_the_words_of_the_links_and_the_text_around_them():
    assert plain_text(f"见[原文]({LINK})与**视频**") == "见原文与视频"


def test_each_link_is_found_with_its_own_text_and_address():
    markup = f"[注] 见[甲]({LINK})和[乙](https://b.com)。"
    found = find_links(markup)
    assert [(markup[begin:end], text, target) for begin, end, text, target in found] == [
        (f"[甲]({LINK})", "甲", LINK),
        ("[乙](https://b.com)", "乙", "https://b.com"),
    ]


def test_links_side_by_side_are_both_found():
    markup = f"[甲]({LINK})[乙](https://b.com)"
    assert [target for *_, target in find_links(markup)] == [LINK, "https://b.com"]


def test_a_bracket_inside_a_links_address_does_not_start_another_link():
    markup = "[甲](https://a.com/[)](https://b.com)"
    assert spans_of(markup) == [Span("甲", "https://a.com/["), Span("](https://b.com)")]


def test_text_before_between_and_after_links_is_kept_in_order():
    assert spans_of(f"前文[甲]({LINK})中间[乙](https://b.com)后文") == [
        Span("前文"),
        Span("甲", LINK),
        Span("中间"),
        Span("乙", "https://b.com"),
        Span("后文"),
    ]


@pytest.mark.parametrize("target", [f"<{LINK}>", f" {LINK} ", "https://a.com/X"])
def test_a_links_address_may_be_in_angle_brackets_or_end_in_any_letter(target):
    assert spans_of(f"[甲]({target})")[0].url == target.strip(" <>")


@pytest.mark.parametrize("target", ["javascript:alert(1)", "", "mailto:a@b.c", "/local", "http://[a/b", "http://[a]/b"])
def test_a_link_that_is_not_http_keeps_only_its_words(target):
    assert spans_of(f"报名[评选]({target})吧") == [Span("报名评选吧")]


def test_outer_spaces_of_the_paragraph_go_and_inner_ones_fold():
    assert spans_of(f"  前文 [甲]({LINK}) 后文  ") == [Span("前文 "), Span("甲", LINK), Span(" 后文")]


@pytest.mark.parametrize(
    ("markup", "bold"),
    [
        ("**整段加粗**", True),
        ("_**整段加粗**_", True),
        ("***粗斜体***", True),
        ("****粗体****", True),
        ("**粗体**X", False),
        ("**粗**中**体**", False),
        ("**X**和**X**", False),
        ("普通文字", False),
    ],
)
def test_a_paragraph_is_bold_only_when_one_bold_run_covers_all_of_it(markup, bold):
    assert is_all_bold(markup) is bold


def test_a_paragraph_keeps_its_words_its_links_and_its_line():
    paragraph = to_paragraph(f"前[甲]({LINK})后", line=7)
    assert (paragraph.text, paragraph.spans, paragraph.line) == (
        "前甲后",
        (Span("前"), Span("甲", LINK), Span("后")),
        7,
    )


def test_a_paragraph_without_links_carries_no_spans():
    assert to_paragraph("**只有文字**", line=3).spans == ()
    assert to_paragraph("**只有文字**", line=3).strong


@pytest.mark.parametrize(
    ("markup", "links_only"),
    [
        (f"1. [甲]({LINK})", True),
        (f"[甲]({LINK}) [乙](https://b.com)", True),
        (f"【[甲]({LINK})】", False),
        (f"见[甲]({LINK})", False),
        ("1.", False),
        ("正文", False),
    ],
)
def test_links_only_means_every_word_is_a_links_text(markup, links_only):
    assert is_links_only(spans_of(markup)) is links_only
