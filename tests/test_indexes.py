"""Grouping by date, neighbours and related interviews, on small inline data."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.build import load_data, parse_and_clean
from sitegen.clean import clean_body
from sitegen.enrich import enrich
from sitegen.indexes import (
    by_year_and_month,
    hosts,
    neighbours,
    question_groups,
    questions_of,
    related_all,
    topic_chart,
    topic_entries,
)
from sitegen.model import Article, Header, Line
from sitegen.parse import BEIJING
from sitegen.topics import Topic, word_pattern

from .conftest import ROOT, SEEDS


def item(day: str, topics=(), host="", hits=None):
    when = datetime.strptime(day, "%Y-%m-%d").replace(hour=9, tzinfo=BEIJING)
    header = Header(f"访谈 {day}", "作者", when, "上海", f"http://mp.weixin.qq.com/s?mid={day}", "")
    article = Article(f"seeds/{day}.txt", header, (Line(9, "智能体正文。"),))
    made = enrich(article, clean_body(article.body))
    return replace(made, topics=tuple(topics), host=host, topic_hits=hits or {t: 1 for t in topics})


def test_grouped_by_year_and_month_newest_first_without_empty_months():
    items = [item("2024-05-16"), item("2024-09-19"), item("2024-09-01"), item("2025-01-02")]
    years = by_year_and_month(items)
    assert [(y["year"], y["count"]) for y in years] == [(2025, 1), (2024, 3)]
    assert [(m["month"], m["count"]) for m in years[1]["months"]] == [(9, 2), (5, 1)]
    assert [i.header.published.day for i in years[1]["months"][0]["interviews"]] == [19, 1]


def test_neighbours_form_one_chain_in_date_order():
    items = [item("2024-09-19"), item("2024-05-16"), item("2024-12-21")]
    chain = neighbours(items)
    assert chain[items[1].slug] == (None, items[0])
    assert chain[items[0].slug] == (items[1], items[2])
    assert chain[items[2].slug] == (items[0], None)


def test_related_ranks_by_shared_topics_then_nearest_in_time():
    me = item("2024-06-01", ["a", "b", "c"])
    two_shared_far = item("2023-01-01", ["a", "b"])
    one_shared_near = item("2024-06-02", ["a"])
    one_shared_far = item("2024-12-01", ["c"])
    unrelated = item("2024-06-03", ["z"])
    result = related_all([me, one_shared_far, unrelated, one_shared_near, two_shared_far])[me.slug]
    assert result == [two_shared_far, one_shared_near, one_shared_far]


def test_topic_entries_most_discussed_first_and_empty_topics_dropped():
    topics = tuple(Topic(s, s, "", (s,), 1, word_pattern((s,))) for s in ("a", "b", "empty"))
    items = [item("2024-01-01", ["a"]), item("2024-02-01", ["a", "b"])]
    entries = topic_entries(topics, items)
    assert [(e["topic"].slug, e["count"]) for e in entries] == [("a", 2), ("b", 1)]
    assert [i["interview"] for i in entries[0]["items"]] == [items[1], items[0]]


def test_hosts_group_interviews():
    items = [item("2024-01-01", host="Kevin Weil"), item("2024-02-01"), item("2024-03-01", host="Kevin Weil")]
    assert [(h["name"], len(h["interviews"])) for h in hosts(items)] == [("Kevin Weil", 2)]


def test_chart_shades_scale_to_the_busiest_cell():
    topics = (Topic("a", "a", "", ("a",), 1, word_pattern(("a",))),)
    items = [item("2024-01-05", ["a"], hits={"a": 4}), item("2024-03-01", ["a"], hits={"a": 2})]
    chart = topic_chart(topic_entries(topics, items), items)
    assert chart["months"] == ["2024-01", "2024-03"]
    assert [(c["hits"], c["shade"]) for c in chart["rows"][0]["cells"]] == [(4, 1.0), (2, 0.5)]


def related_by_comparing_every_pair(interviews, limit=3):
    """The definition, one pair at a time: what related_all must give, however it gets there."""
    result = {}
    for me in interviews:
        mine = set(me.topics)
        scored = [
            (
                -len(mine & set(other.topics)),
                abs((other.header.published - me.header.published).total_seconds()),
                other.slug,
            )
            for other in interviews
            if other is not me and mine & set(other.topics)
        ]
        result[me.slug] = [slug for *_, slug in sorted(scored)[:limit]]
    return result


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.sets(st.sampled_from("abcde"), max_size=3)),
        min_size=1,
        max_size=25,
        unique_by=lambda pair: pair[0],
    )
)
def test_related_matches_comparing_every_pair(days):
    interviews = [item(f"2024-01-{1 + day % 28:02d}", sorted(topics)) for day, topics in days if day < 28]
    interviews = list({i.slug: i for i in interviews}.values())
    # Several interviews on one day tie on distance; the URL decides between them.
    interviews += [replace(i, slug=i.slug + "-b") for i in interviews[:3]]
    found = {slug: [i.slug for i in items] for slug, items in related_all(interviews).items()}
    assert found == related_by_comparing_every_pair(interviews)


def test_interviews_at_the_same_time_are_told_apart_by_url():
    me, other = item("2024-01-10", ["a"]), item("2024-01-08", ["a"])
    twin = replace(other, slug=other.slug + "-b")
    interviews = [me, twin, other]
    assert [i.slug for i in related_all(interviews, limit=1)[me.slug]] == [other.slug]
    assert {s: [i.slug for i in r] for s, r in related_all(interviews).items()} == related_by_comparing_every_pair(
        interviews
    )


def test_questions_are_worked_out_when_a_seed_is_loaded_and_used_from_there():
    data = load_data(ROOT / "data")
    _, loaded = parse_and_clean(SEEDS[0].name, SEEDS[0].read_bytes(), data)
    assert loaded.questions and list(loaded.questions) == questions_of(replace(loaded, questions=None))
    assert set(loaded.topic_excerpts) == set(loaded.topics) and loaded.topics
    planted = ({"asker": "主持人", "question": "来自加载时的问题？", "full": "", "turn": "t1", "answer": "t2"},)
    groups = question_groups(
        [replace(loaded, questions=planted, question_count=1), replace(loaded, questions=(), question_count=0)]
    )
    assert [group["questions"] for group in groups] == [list(planted)] and groups[0]["count"] == 1
    assert loaded.question_count == len(loaded.questions)
