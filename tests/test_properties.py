"""Properties that must hold for any input, checked with hypothesis."""

from __future__ import annotations

import re
from datetime import datetime

import frontmatter
from hypothesis import given
from hypothesis import strategies as st

from sitegen.clean import clean_body
from sitegen.enrich import article_texts, enrich
from sitegen.errors import InputError
from sitegen.model import Interview, Line
from sitegen.pages import interview_meta, make_environment, render_interview
from sitegen.parse import parse_article
from sitegen.read import decode_seed

from .conftest import ROOT

HEADER = """# {title}

文章作者: {author}
发布时间: {date}
发布地: {location}
原文链接: http://mp.weixin.qq.com/s?__biz=X&mid=1&idx=1&sn=abc

封面图链接: https://mmbiz.qpic.cn/cover/300
"""
FRAGMENTS = [
    "# 标题",
    "## 小节",
    "**主持人：**",
    "Sam Altman：",
    "****Sam Altman：****",
    "  * 列表项",
    "> 引用",
    "* * *",
    "-",
    "![](https://mmbiz.qpic.cn/x/640)",
    "**(20:29)** 时间轴",
    "视频来源：https://youtube.com/watch?v=a",
    "往期回顾",
    "**",
    "_",
    "\\",
    "[链接](javascript:x)",
    "<script>x</script>",
    "{{ 7*7 }}",
    "发布时间: 2024-01-01 00:00",
    "",
]
free_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
line = st.one_of(st.sampled_from(FRAGMENTS), free_text)


@st.composite
def seed_texts(draw) -> str:
    header = draw(st.sampled_from([HEADER, HEADER.replace("发布时间", "发布"), "# t\n", "", "无标题\n"]))
    fields = {
        "title": draw(st.one_of(st.sampled_from(["对话", "…", "🌟", "a/b\\c", "{{x}}"]), free_text)),
        "author": draw(free_text),
        "date": draw(st.sampled_from(["2024-09-19 18:37", "2024-13-45 25:61", "昨天", ""])),
        "location": draw(free_text),
    }
    try:
        text = header.format(**fields)
    except (KeyError, IndexError, ValueError):
        text = header
    return text + "\n".join(draw(st.lists(line, max_size=30)))


def pipeline(name: str, data: bytes) -> Interview:
    article = parse_article(name, decode_seed(name, data))
    return enrich(article, clean_body(article.body, name))


@given(seed_texts())
def test_any_text_gives_an_interview_or_our_own_error(text):
    try:
        interview = pipeline("seeds/x.txt", text.encode("utf-8"))
    except InputError as error:
        assert str(error).startswith("seeds/x.txt:") and error.line >= 0 and error.reason
    else:
        assert interview.header.title


@given(st.binary(max_size=300))
def test_any_bytes_give_an_interview_or_our_own_error(data):
    try:
        interview = pipeline("seeds/x.txt", data)
    except InputError as error:
        assert str(error).startswith("seeds/x.txt:")
    else:
        assert interview.header.title


WORDS = [
    "人工智能",
    "推理模型",
    "我们",
    "认为",
    "OpenAI",
    "GPT-4",
    "这个",
    "非常",
    "重要",
    "未来",
    "模型",
    "AGI",
    "代理",
]
sentence = st.builds(
    lambda words, end: "".join(words) + end,
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=6),
    st.sampled_from(["。", "？", "！", "；"]),
)


@st.composite
def articles(draw):
    """An article body as the export writes it, and the sentences it holds."""
    sentences: list[str] = []
    blocks: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["paragraph", "turn", "heading", "list"]))
        said = draw(st.lists(sentence, min_size=1, max_size=1 if kind == "heading" else 4))
        sentences += said
        if kind == "heading":
            blocks.append(draw(st.sampled_from(["# ", "## ", "### "])) + said[0])
            continue
        if kind == "list":
            blocks.append("\n".join("  * " + s for s in said))
            continue
        text = " ".join(said)
        if kind == "turn":
            text = draw(st.sampled_from(["**主持人：** ", "Sam Altman：", "****Sam Altman：**** "])) + text
        words = text.split(" ")
        breaks = draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
        blocks.append("".join(w + ("\n" if b else " ") for w, b in zip(words, breaks, strict=True)).strip())
    return "\n\n".join(blocks), sentences


@given(articles())
def test_cleaning_never_drops_a_sentence_of_the_article(article):
    body, sentences = article
    cleaned = clean_body(tuple(Line(n, t) for n, t in enumerate(body.split("\n"), 9)))
    text = re.sub(r"\s", "", "".join(article_texts(cleaned.blocks)))
    assert [s for s in sentences if re.sub(r"\s", "", s) not in text] == []
    assert cleaned.removed == ()


yaml_hostile = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda t: t.strip() and any(c.isalnum() for c in t)
)


@given(title=yaml_hostile, author=yaml_hostile, location=yaml_hostile)
def test_front_matter_reads_back_as_written(title, author, location):
    title = " ".join(title.split())
    text = HEADER.format(title=title, author=author.replace("\n", " "), date="2024-09-19 18:37", location=location)
    article = parse_article("seeds/x.txt", text + "正文第一段，足够长的一段文字用来做摘要。\n\n**主持人：** 问题？")
    interview = enrich(article, clean_body(article.body))
    env = make_environment(ROOT / "templates")
    env.filters["rel"] = lambda target, page: target
    page = render_interview(
        env, interview, {"page_path": interview.path, "topics": [], "older": None, "newer": None, "related": []}
    )
    assert frontmatter.loads(page).metadata == interview_meta(interview)
    assert datetime.fromisoformat(frontmatter.loads(page)["date"]).utcoffset().total_seconds() == 8 * 3600
