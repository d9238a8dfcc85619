"""The cache key of an index page: the names its template reads and a digest of their values."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

import jinja2
import pytest

from sitegen.template_inputs import describe, inputs_digest, template_reads

from .conftest import inline_interview


def environment(**templates: str) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(templates))


def test_a_template_reads_its_own_names_and_those_of_what_it_includes():
    env = environment(**{"page.j2": "{% include 'part.j2' %}{{ x }}{% set y = 1 %}{{ y }}", "part.j2": "{{ z.a }}"})
    assert template_reads(env, "page.j2") == {"x", "z"}


def test_a_template_that_includes_by_a_computed_name_is_never_cached():
    env = environment(**{"page.j2": "{% include name %}"})
    assert inputs_digest(template_reads(env, "page.j2"), {"name": "x"}, {}) is None


def test_only_the_names_read_count():
    reads = template_reads(environment(**{"page.j2": "{{ x }}"}), "page.j2")
    assert inputs_digest(reads, {"x": 1, "y": 2}, {}) == inputs_digest(reads, {"x": 1, "y": 3}, {})
    assert inputs_digest(reads, {"x": 1}, {}) != inputs_digest(reads, {"x": 2}, {})


@dataclass(frozen=True)
class Entry:
    name: str
    when: date
    words: tuple


def test_values_are_described_by_content_and_unknown_ones_by_nothing():
    first = {"a": [Entry("甲", date(2024, 1, 2), ("x",))], "b": re.compile("y")}
    same = {"b": re.compile("y"), "a": [Entry("甲", date(2024, 1, 2), ("x",))]}
    assert describe(first, {}) == describe(same, {})
    for changed in ("乙", date(2024, 1, 3), ("z",)):
        field = {str: "name", date: "when", tuple: "words"}[type(changed)]
        other = {**first, "a": [replace(first["a"][0], **{field: changed})]}
        assert describe(other, {}) != describe(first, {})
    assert describe({"a": object()}, {}) is None
    assert describe([1, 2], {}) != describe([2, 1], {}) and describe({1, 2}, {}) == describe({2, 1}, {})


def test_a_set_is_described_by_its_members_whatever_their_order():
    words = [f"词{number}" for number in range(1000)]
    grown = set(words)
    grown.difference_update(words[50:])
    fresh = set(reversed(words[:50]))
    assert grown == fresh and list(grown) != list(fresh), "the same members, iterated in another order"
    assert describe(grown, {}) == describe(fresh, {})
    assert describe(frozenset(grown), {}) == describe(frozenset(fresh), {})


def test_an_interview_is_its_source_key_and_url_and_without_a_key_it_is_not_cached():
    interview = inline_interview("**主持人：** 你好？\n\n**Sam Altman：** 你好。")
    keyed = replace(interview, source_key="k1")
    assert describe(keyed, {}) != describe(replace(interview, source_key="k2"), {})
    assert describe(keyed, {}) != describe(replace(keyed, slug="other"), {})
    assert describe(replace(interview, source_key=""), {}) is None


def test_the_memo_holds_what_it_describes_so_no_other_value_takes_its_id():
    memo: dict = {}
    describe([["甲"]], memo)
    assert all(value is not None for value, _ in memo.values())
    assert describe([["乙"]], memo) != describe([["甲"]], {})


def test_a_part_of_an_interview_is_what_it_was_made_from_not_its_values():
    from sitegen.model import InterviewPart

    made = replace(inline_interview("正文。"), source_key="k1")
    item = InterviewPart(("topic item", made, "agents"), interview=made, hits=3, excerpts=["一段。"])
    same = InterviewPart(("topic item", made, "agents"), interview=made, hits=4, excerpts=[])
    assert describe(item, {}) == describe(same, {})
    other_topic = InterviewPart(("topic item", made, "safety"), interview=made, hits=3, excerpts=["一段。"])
    edited = InterviewPart(("topic item", replace(made, source_key="k2"), "agents"), interview=made, hits=3)
    assert len({describe(item, {}), describe(other_topic, {}), describe(edited, {})}) == 3
    unkeyed = replace(made, source_key="")
    assert describe(InterviewPart(("questions", unkeyed), interview=unkeyed, questions=[]), {}) is None
    assert item == {"interview": made, "hits": 3, "excerpts": ["一段。"]}
    # A page shows each part once, and an archive has tens of thousands: no digest of one is kept.
    memo: dict = {}
    describe([item, other_topic], memo)
    assert [value for value, _ in memo.values() if isinstance(value, InterviewPart)] == []


def test_a_later_value_of_a_part_is_worked_out_once_when_it_is_read():
    from sitegen.model import InterviewPart

    made = replace(inline_interview("正文。"), source_key="k1")
    worked = []
    item = InterviewPart(("topic item", made, "agents"), later={"excerpts": lambda: worked.append(1) or ["一段。"]})
    assert describe(item, {}) is not None and worked == [], "describing it does not work it out"
    page = jinja2.Environment().from_string(
        "{% for e in item.excerpts %}{{ e }}{% endfor %}{{ item.excerpts | length }}"
    )
    assert page.render(item=item) == "一段。1" and worked == [1]
    with pytest.raises(KeyError):
        item["hits"]
