"""Topic taxonomy, matching, overrides and excerpts, on small inline data."""

from __future__ import annotations

from datetime import datetime

import pytest

from sitegen.clean import clean_body
from sitegen.enrich import enrich
from sitegen.errors import InputError
from sitegen.model import Article, Header, Line
from sitegen.parse import BEIJING
from sitegen.topics import Topic, assign_topics, excerpt_at, excerpts, load_topics, topic_hits, word_pattern


def topic(slug: str, *words: str, threshold: int = 2) -> Topic:
    return Topic(slug, slug, "", tuple(words), threshold, word_pattern(tuple(words)))


def interview(body: str, when=datetime(2024, 9, 19, 18, 37, tzinfo=BEIJING)):
    header = Header("标题", "作者", when, "上海", "http://mp.weixin.qq.com/s?mid=1", "")
    article = Article("seeds/x.txt", header, tuple(Line(n, t) for n, t in enumerate(body.split("\n"), 9)))
    return enrich(article, clean_body(article.body))


AGENTS = topic("agents", "智能体", "代理", "Agent")
REASONING = topic("reasoning", "推理模型", "推理", "o1")


def test_aliases_in_chinese_and_english_all_count():
    assert AGENTS.mentions("AI 智能体、代理和 agent 都算。Agents 不算，reagent 也不算。") == 3


def test_longest_alias_counts_once():
    assert REASONING.mentions("推理模型的推理能力，o1 与 o10") == 3


def test_threshold_and_overrides():
    hits = {"agents": 2, "reasoning": 1}
    topics = (AGENTS, REASONING)
    assert assign_topics(hits, topics) == ("agents",)
    assert assign_topics(hits, topics, add=("reasoning",)) == ("agents", "reasoning")
    assert assign_topics(hits, topics, remove=("agents",)) == ()


def test_hits_are_counted_over_the_article_text():
    item = interview("## 关于智能体\n\n**主持人：** 代理是什么？\n\n**Sam Altman：** 智能体就是代理。")
    assert topic_hits(item, (AGENTS, REASONING)) == {"agents": 4, "reasoning": 0}


def test_excerpt_is_the_whole_sentence_with_the_match_marked():
    text = "我们提出了五个阶段。第三阶段是 AI 智能体，预计很快会到达。第四阶段是创新者。"
    start = text.index("智能体")
    excerpt = excerpt_at("t3", text, start, start + 3)
    assert (excerpt.before, excerpt.match, excerpt.after) == ("第三阶段是 AI ", "智能体", "，预计很快会到达。")


def test_long_sentence_is_cut_at_clause_boundaries_with_ellipses():
    text = "开头" + "，很长的从句" * 20 + "，这里谈到智能体的未来，后面" + "，还有更多从句" * 20 + "。"
    start = text.index("智能体")
    excerpt = excerpt_at("", text, start, start + 3)
    assert excerpt.before == "…这里谈到" and excerpt.after == "的未来…"


def test_excerpt_edges_fall_on_punctuation_never_inside_a_word():
    text = "In the long run, we believe AGI agents will transform everything we know about work, and more, and more."
    match = text.index("agents")
    excerpt = excerpt_at("", text, match, match + 6)
    inner = excerpt.before.removeprefix("…") + excerpt.match + excerpt.after.removesuffix("…")
    left = text.index(inner)
    assert inner == "we believe AGI agents will transform everything we know about work"
    assert text[:left].rstrip().endswith(",") and text[left + len(inner) :].startswith(",")


def test_excerpts_link_to_the_turn_or_heading_where_they_occur():
    item = interview(
        "引言里提到代理。\n\n## 关于智能体\n\n正文说智能体。\n\n**主持人：** 代理是什么？\n\n**Sam Altman：** 智能体就是代理。"
    )
    found = excerpts(item, AGENTS)
    assert [e.anchor for e in found] == ["", "关于智能体", "t1"]


def write_topics(tmp_path, text: str):
    path = tmp_path / "data" / "topics.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


VALID = """threshold: 3
topics:
  - slug: agents
    name: 智能体
    description: d
    words: [智能体, Agent]
"""


def test_valid_taxonomy_loads(tmp_path):
    (loaded,) = load_topics(write_topics(tmp_path, VALID))
    assert (loaded.slug, loaded.name, loaded.words, loaded.threshold) == ("agents", "智能体", ("智能体", "Agent"), 3)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (VALID.replace("slug: agents", "slug: ''"), 3, "topic has no slug"),
        (VALID.replace("    words: [智能体, Agent]\n", ""), 3, "topic 'agents' needs a non-empty list of words"),
        (VALID.replace("[智能体, Agent]", "[]"), 3, "topic 'agents' needs a non-empty list of words"),
        (VALID.replace("slug: agents", "slug: 智能体"), 3, "slug '智能体' must be lowercase ASCII"),
        (VALID + VALID.split("topics:\n")[1], 7, "duplicate slug 'agents' (first on line 3)"),
        (VALID.replace("words: [", "words: [[["), 6, "not valid YAML"),
        (VALID.replace("name: 智能体", "name: 智\x00能体"), 4, "characters are not allowed (#x0000)"),
        (VALID.replace("description: d", "description: 2024-13-45"), 5, "not valid YAML: '2024-13-45' is not a date"),
    ],
)
def test_malformed_taxonomy_names_file_and_line(tmp_path, text, line, reason):
    with pytest.raises(InputError) as caught:
        load_topics(write_topics(tmp_path, text))
    assert str(caught.value).startswith(f"data/topics.yml:{line}: ") and reason in caught.value.reason


def test_renamed_topic_keeps_its_slug(tmp_path):
    (loaded,) = load_topics(write_topics(tmp_path, VALID.replace("name: 智能体", "name: AI 代理")))
    assert loaded.slug == "agents" and loaded.name == "AI 代理"


def test_an_interviews_url_does_not_depend_on_its_topics(tmp_path):
    """The same seed loaded with two different taxonomies: other topics, the same URL and page path."""
    from pathlib import Path

    from sitegen.build import load_data, load_interview

    root = Path(__file__).parent.parent
    data = load_data(root / "data")
    other = tmp_path / "data"
    other.mkdir()
    for name in ("editorial.yml", "pages.yml", "redirects.yml", "furniture.yml"):
        (other / name).write_text((root / "data" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (other / "topics.yml").write_text(
        "topics:\n  - slug: zzz\n    name: 另一个\n    description: 测试\n    words: [OpenAI]\n", encoding="utf-8"
    )
    seed = root / "seeds" / "000_6244441d9e2e7e9c.txt"
    now = datetime(2026, 1, 1, tzinfo=BEIJING)
    first = load_interview(seed, data, [], now)
    second = load_interview(seed, load_data(other), [], now)
    assert first.topics != second.topics and second.topics == ("zzz",)
    assert (
        (first.slug, first.url, first.path)
        == (second.slug, second.url, second.path)
        == (
            "2024-09-19-1837",
            "interviews/2024-09-19-1837/",
            "interviews/2024-09-19-1837.md",
        )
    )


T = "  - slug: agi\n    name: 通用人工智能\n    description: 描述\n    words: [AGI]\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "1: expected a mapping with a list under 'topics'"),
        ("topics: 3\n", "1: expected a mapping with a list under 'topics'"),
        ("topics:\n  - just text\n", "1: each topic must be a mapping with slug, name, description and words"),
        ("topics:\n  - name: x\n    description: d\n    words: [a]\n", "2: topic has no slug"),
        (
            "topics:\n  - slug: Bad Slug\n    name: x\n    description: d\n    words: [a]\n",
            "2: slug 'Bad Slug' must be lowercase ASCII letters, digits and hyphens",
        ),
        (
            "topics:\n  - slug: a\n    name: x\n    description: d\n    words: []\n",
            "2: topic 'a' needs a non-empty list of words",
        ),
        (
            "topics:\n  - slug: a\n    name: x\n    description: d\n    words: [' ']\n",
            "2: topic 'a' needs a non-empty list of words",
        ),
        ("topics:\n  - slug: a\n    name: ' '\n    description: d\n    words: [a]\n", "2: topic 'a' has no name"),
        ("topics:\n  - slug: a\n    name: x\n    words: [a]\n", "2: topic 'a' has no description"),
        (
            "topics:\n  - slug: a\n    name: x\n    description: d\n    words: [a]\n    threshold: 0\n",
            "2: topic 'a': threshold must be a whole number of at least 1",
        ),
        ("topics:\n" + T + T, "6: duplicate slug 'agi' (first on line 2)"),
    ],
)
def test_every_taxonomy_message_word_for_word(tmp_path, text, message):
    path = tmp_path / "data" / "topics.yml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_topics(path)
    assert str(caught.value) == f"data/topics.yml:{message}"


def test_a_topic_reads_back_trimmed_with_its_thresholds(tmp_path):
    path = tmp_path / "topics.yml"
    path.write_text(
        "threshold: 2\ntopics:\n  - slug: a\n    name: ' 甲 '\n    description: ' 乙 '\n    words: [' x ', 推理]\n"
        "  - slug: b\n    name: 丙\n    description: 丁\n    words: [y]\n    threshold: 1\n",
        encoding="utf-8",
    )
    first, second = load_topics(path)
    assert (first.name, first.description, first.words, first.threshold) == ("甲", "乙", ("x", "推理"), 2)
    assert second.threshold == 1
    assert load_topics(tmp_path / "missing.yml") == ()
    assert first.mentions("X 与 x，推理") == 3  # Latin words are case-blind


def test_the_longest_word_is_tried_first_and_latin_words_stand_alone():
    topic_ = topic("t", "推理", "推理模型", "o1")
    assert topic_.pattern.pattern.startswith("推理模型|")
    assert topic_.mentions("推理模型里的推理，o1 和 co1 与 o10") == 3


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # A short sentence: from the sentence before to its own end, nothing cut.
        ("前一句。我们谈到智能体的未来。后一句。", "智能体", ("我们谈到", "智能体", "的未来。")),
        # At the very start and the very end of the text: no marks, no lost characters.
        ("智能体来了", "智能体", ("", "智能体", "来了")),
        ("谈到了智能体", "智能体", ("谈到了", "智能体", "")),
        # A sentence longer than the limit is narrowed to the clause, with … where it was cut.
        ("很" * 40 + "，我们谈到智能体的未来，" + "长" * 40 + "。", "智能体", ("…我们谈到", "智能体", "的未来…")),
        # Exactly at the limit the whole sentence stays.
        ("甲" * 30 + "，智能体，" + "乙" * 34 + "。", "智能体", ("甲" * 30 + "，", "智能体", "，" + "乙" * 34 + "。")),
    ],
)
def test_excerpt_bounds_word_for_word(text, word, expected):
    start = text.index(word)
    excerpt = excerpt_at("a", text, start, start + len(word))
    assert (excerpt.before, excerpt.match, excerpt.after) == expected


def test_the_default_threshold_is_three_mentions(tmp_path):
    path = tmp_path / "topics.yml"
    path.write_text("topics:\n  - slug: a\n    name: 甲\n    description: 乙\n    words: [x]\n", encoding="utf-8")
    assert load_topics(path)[0].threshold == 3
