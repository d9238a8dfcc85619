from dataclasses import replace
from datetime import datetime

import pytest

from sitegen.clean import clean_body
from sitegen.enrich import count_words, default_slug, enrich, lead_summary, reading_minutes, video_at
from sitegen.model import Article, Header, Heading, Line, Paragraph, Turn
from sitegen.parse import BEIJING


def article(body: str, published=datetime(2024, 9, 19, 18, 37, tzinfo=BEIJING), idx: str = "1") -> Article:
    header = Header("标题", "作者", published, "上海", f"http://mp.weixin.qq.com/s?mid=1&idx={idx}&sn=x", "")
    return Article("seeds/x.txt", header, tuple(Line(n, t) for n, t in enumerate(body.split("\n"), 9)))


def interview(body: str, **kwargs):
    a = article(body, **kwargs)
    return enrich(a, clean_body(a.body))


def test_slug_is_date_and_minute_plus_push_index():
    assert default_slug(article("x")) == "2024-09-19-1837"
    assert default_slug(article("x", idx="2")) == "2024-09-19-1837-2"


def test_slug_does_not_depend_on_the_title():
    a = article("x")
    renamed = replace(a, header=replace(a.header, title="另一个标题"))
    assert default_slug(renamed) == default_slug(a)


def test_word_count_counts_chinese_characters_and_latin_words():
    assert count_words("Sam Altman 谈 GPT-4o 和 AGI。") == (2, 4)
    assert reading_minutes(400, 0) == 1 and reading_minutes(401, 0) == 2 and reading_minutes(0, 0) == 1


def test_summary_is_the_first_real_paragraph():
    blocks = (
        Paragraph("短。"),
        Paragraph("很长的一个加粗段落，超过二十个字符，但它只是强调句而已。", strong=True),
        Paragraph("今天，在2024年T-Mobile Capital Markets Day上，Sam Altman 接受了访谈。"),
    )
    assert lead_summary(blocks).startswith("今天，在2024年")


def test_anchors_are_readable_unique_and_turns_are_numbered():
    result = interview(
        "## 核心观点\n\n## 核心观点\n\n**主持人：** 问。\n\n**Sam Altman：** 答。\n\n## 1、OpenAI 未来计划"
    )
    headings = [b.anchor for b in result.blocks if isinstance(b, Heading)]
    assert headings == ["核心观点", "核心观点_1", "1openai-未来计划"]
    assert [b.anchor for b in result.blocks if isinstance(b, Turn)] == ["t1", "t2"]


def test_anchors_do_not_change_when_unrelated_text_changes():
    first = interview("## 一\n\n**主持人：** 问。\n\n**Sam Altman：** 答。")
    second = interview("## 一\n\n**主持人：** 另一个问题。\n\n**Sam Altman：** 另一个回答。")
    assert [getattr(b, "anchor", None) for b in first.blocks] == [getattr(b, "anchor", None) for b in second.blocks]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=oX7OduG1YmI&t=2s", "https://www.youtube.com/watch?v=oX7OduG1YmI&t=1229s"),
        ("https://youtu.be/abc", "https://youtu.be/abc?t=1229s"),
        (
            "https://www.youtube.com/watch?v=peg-aX1oii4&t=1620s&ab_channel=20VC",
            "https://www.youtube.com/watch?v=peg-aX1oii4&ab_channel=20VC&t=1229s",
        ),
    ],
)
def test_video_deep_link_replaces_an_existing_t(url, expected):
    assert video_at(url, 1229) == expected


def test_front_matter_facts():
    result = interview("今天，在2024年T-Mobile Capital Markets Day上，Sam Altman 接受了访谈。\n\n**主持人：** 问。")
    assert result.summary.startswith("今天") and result.word_count > 0
    assert [s.label for s in result.speakers] == ["主持人"]
