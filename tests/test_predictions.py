"""Predictions: the candidate finder, the data file and its checks, the tracker page and its chart."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from sitegen.errors import InputError
from sitegen.predictions import (
    Prediction,
    find_candidates,
    horizon_of,
    load_predictions,
)
from sitegen.quotes import check_quoted as check_predictions
from sitegen.quotes import seeds_missing

from .conftest import ROOT, copy_built, inline_interview, run_build, soup

interview = inline_interview
TOPICS = {"agi", "agents", "reasoning"}


# --- the candidate finder ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "horizon"),
    [
        ("到 2025 年底，我预计我们将拥有能够执行惊人认知任务的系统。", "2025年"),
        ("对于2030年或2035年左右的大学生来说，这会不同。", "2030年"),
        ("明年你们回来看时，会觉得进步非常显著。", "明年"),
        ("这些功能到今年年底都会实现。", "今年底"),
        ("我认为接下来的一年甚至两年会有更陡峭的进展。", "未来N年"),
        ("在未来十年，社会将发生巨大转型。", "未来N年"),
        ("五年内，我们会看到技术本身的快速进步。", "N年内"),
        ("十年后回头看，这会很明显。", "N年后"),
        ("超级智能可能在几千天内到来。", "几千天"),
        ("当下一个模型出来时，这些用例就会实现。", "下一代模型"),
        ("我预计这会在几个月内实现。", "N个月内"),
        ("无限上下文可能不会超过十年就会实现。", "不超过N年"),
        ("我们将在不久的将来实现这一点。", "不久的将来"),
    ],
)
def test_each_kind_of_horizon_is_found(sentence, horizon):
    assert horizon_of(sentence, 2024) == horizon


@pytest.mark.parametrize(
    "sentence",
    [
        "2023年我们发布了GPT-4。",
        "2024年是代理之年的开始。",
        "去年我们以为明年就能做到。",
        "过去五年内，模型进步了很多。",
        "我以前认为十年后才会实现。",
        "这是一个好问题。",
    ],
)
def test_the_past_and_the_present_are_not_predictions(sentence):
    assert horizon_of(sentence, 2024) == ""


def test_candidates_come_from_the_guests_turns_with_their_line_and_anchor():
    body = (
        "**主持人：** 明年会怎样？\n\n"
        "**Sam Altman：** 这是个好问题。明年你们回来看时，会觉得进步非常显著。\n"
        "五年内，我们会看到科学上的新发现。\n\n"
        "**主持人：** 到2030年呢？\n\n"
        "Sam Altman：2023年我们发布了GPT-4。"
    )
    found = find_candidates(interview(body))
    assert [(c.line, c.turn, c.horizon, c.sentence) for c in found] == [
        (11, "t2", "明年", "明年你们回来看时，会觉得进步非常显著。"),
        (11, "t2", "N年内", "五年内，我们会看到科学上的新发现。"),
    ]


def test_the_command_lists_candidates_for_an_editor(built, tmp_path):
    project = copy_built(built, tmp_path / "p")
    result = run_build(project, "predictions")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"\d+ candidate\(s\) in 5 interviews; 13 confirmed in data/predictions.yml", lines[-1])
    assert "seeds/003_3dda35de95eb172c.txt:91: #t18 [2025年] (confirmed) 不过，我可以说，到 2025 年底" in result.stdout
    assert all(
        re.match(r"^seeds/\d{3}_\w+\.txt:\d+: #t\d+ \[[^\]]+\]( \(confirmed\))? \S", line) for line in lines[:-1]
    )


# --- the data file ------------------------------------------------------------------------


def write_predictions(tmp_path: Path, entry: str) -> Path:
    path = tmp_path / "data" / "predictions.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("# comment\npredictions:\n" + entry, encoding="utf-8")
    return path


GOOD_ENTRY = """  - seed: x.txt
    turn: t2
    quote: 明年你们回来看时
    horizon: "2025"
    topic: agi
    status: pending
"""


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (('horizon: "2025"', "horizon: soon"), "horizon 'soon' must be a year, YYYY-MM, YYYY-MM-DD or unspecified"),
        (("topic: agi", "topic: weather"), "topic 'weather' is not in data/topics.yml"),
        (("status: pending", "status: maybe"), "status 'maybe' must be one of pending, came-true, partly, did-not"),
        (("status: pending", "status: came-true"), "status came-true needs a note, the date noted and a source URL"),
        (("    quote: 明年你们回来看时\n", ""), "quote is missing"),
        (("topic: agi", "topic: agi\n    weight: 3"), "unknown key(s): weight"),
    ],
)
def test_a_malformed_entry_names_its_line(tmp_path, change, reason):
    path = write_predictions(
        tmp_path,
        '  - seed: y.txt\n    turn: t1\n    quote: 甲\n    horizon: "2025"\n    topic: agi\n    status: pending\n'
        + GOOD_ENTRY.replace(*change),
    )
    with pytest.raises(InputError) as caught:
        load_predictions(path, TOPICS)
    assert str(caught.value) == f"data/predictions.yml:9: {reason}"


def test_a_settled_prediction_carries_its_note_and_source(tmp_path):
    entry = GOOD_ENTRY.replace(
        "status: pending",
        "status: partly\n    note: 一部分已发布\n    noted: 2025-02-01\n    source: https://example.com/a",
    )
    (prediction,) = load_predictions(write_predictions(tmp_path, entry), TOPICS)
    assert (prediction.status, prediction.noted, prediction.source) == ("partly", "2025-02-01", "https://example.com/a")


@pytest.mark.parametrize(
    ("horizon", "last_day"),
    [
        ("2025", date(2025, 12, 31)),
        ("2024-02", date(2024, 2, 29)),
        ("2025-12", date(2025, 12, 31)),
        ("2026-03-15", date(2026, 3, 15)),
        ("unspecified", None),
    ],
)
def test_a_horizon_ends_on_the_last_day_it_allows(horizon, last_day):
    assert Prediction("x.txt", "t1", "q", horizon, "agi", "pending", 1).horizon_date == last_day


@pytest.mark.parametrize(
    ("said", "horizon"),
    [(date(2024, 9, 19), date(2030, 12, 31)), (date(9999, 12, 30), None), (date(2024, 9, 19), date(9999, 12, 31))],
)
def test_the_chart_places_every_prediction_between_its_edges_up_to_the_last_date(said, horizon):
    from sitegen.indexes import prediction_chart

    chart = prediction_chart([{"said": said, "horizon_date": horizon}])
    (row,) = chart["rows"]
    assert 0 <= row["x0"] <= row["x1"] <= 1 and chart["years"][0] == {"year": said.year, "x": 0.0}
    assert chart["years"][-1]["year"] == min(max(said.year, (horizon or said).year) + 1, 9999)


def test_quotes_are_checked_word_for_word_against_their_turn():
    made = interview("**主持人：** 问题？\n\n**Sam Altman：** 明年你们回来看时，会觉得进步非常显著。")

    def entry(**change) -> Prediction:
        fields = {
            "seed": "x.txt",
            "turn": "t2",
            "quote": "明年你们回来看时",
            "horizon": "2025",
            "topic": "agi",
            "status": "pending",
            "line": 7,
        } | change
        return Prediction(**fields)

    assert check_predictions((entry(),), [made], "data/predictions.yml") == []
    errors = check_predictions(
        (entry(quote="明年你们回来时"), entry(turn="t9", line=8), entry(seed="y.txt", line=9)),
        [made],
        "data/predictions.yml",
    )
    assert [str(e) for e in errors] == [
        "data/predictions.yml:7: the quote is not word for word in x.txt#t2",
        "data/predictions.yml:8: x.txt has no turn #t9",
    ]
    # A seed that is not there (removed, or not added yet) leaves its prediction out, with a warning.
    missing = (entry(seed="y.txt", line=9), entry(seed="y.txt", line=15), entry())
    assert seeds_missing(missing, [made], "data/predictions.yml") == [
        "data/predictions.yml: 2 entries left out, their seeds are not in seeds/: y.txt (lines 9, 15)"
    ]
    assert seeds_missing((entry(),), [made], "data/predictions.yml") == []


def test_a_wrong_quote_stops_the_build_and_changes_nothing(built, tmp_path):
    project = copy_built(built, tmp_path / "p")
    path = project / "data" / "predictions.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("我相信2025年将是这一技术大规模应用的一年。", "我相信2025年将是代理之年。"), encoding="utf-8"
    )
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "代理之年" in row) - 2
    site = (project / "site" / "predictions" / "index.html").read_bytes()
    result = run_build(project)
    assert result.returncode == 1
    assert (
        f"data/predictions.yml:{line}: the quote is not word for word in 004_4e0bca16d64b170a.txt#t14" in result.stderr
    )
    assert (project / "site" / "predictions" / "index.html").read_bytes() == site


# --- the pages ----------------------------------------------------------------------------


def confirmed() -> list[dict]:
    return yaml.safe_load((ROOT / "data" / "predictions.yml").read_text(encoding="utf-8"))["predictions"]


def test_the_tracker_lists_every_confirmed_prediction_with_its_source_turn(built):
    page = soup(built / "site" / "predictions" / "index.html")
    entries = page.select("article .prediction")
    data = confirmed()
    assert len(entries) == len(data) >= 10
    quotes = [e.select_one("blockquote").get_text(strip=True) for e in entries]
    assert sorted(quotes) == sorted(item["quote"] for item in data)
    for entry in entries:
        assert entry["id"].startswith("p-") and entry.select_one(".prediction__badge").get_text(strip=True) == "待验证"
        link = entry.select_one("a.prediction__source")["href"]
        target, anchor = link.split("#")
        interview = soup(built / "site" / "predictions" / target / "index.html")
        assert interview.find(id=anchor) is not None and "turn" in interview.find(id=anchor)["class"]
    headings = [h.get_text(" ", strip=True) for h in page.select("article h2")]
    assert headings[0].startswith("2024 年") and headings[-1].startswith("未指明时间")


def test_the_chart_draws_every_prediction_and_has_a_table_alternative(built):
    page = soup(built / "site" / "predictions" / "index.html")
    svg = page.select_one("figure.prediction-chart svg")
    assert svg["role"] == "img" and svg.find("title").get_text() and svg.find("desc").get_text()
    rows = svg.select("g.prediction-chart__row")
    table = page.select(".prediction-chart__table tbody tr")
    assert len(rows) == len(table) == len(confirmed())
    # Pending is told by the dashed line and the hollow end, not only by colour.
    assert all(row.find("line")["stroke-dasharray"] and row.find_all("circle")[-1]["fill"] == "none" for row in rows)
    assert all(tr.find_all("td")[2].get_text() == "待验证" for tr in table)
    assert {tr.find("a")["href"][1:] for tr in table} == {e["id"] for e in page.select("article .prediction")}


def test_interview_pages_mark_prediction_turns_and_the_tracker_is_linked(built):
    site = built / "site"
    page = soup(site / "interviews" / "2024-10-07-1000" / "index.html")
    marks = page.select(".turn .turn__prediction")
    turns_with_predictions = {item["turn"] for item in confirmed() if item["seed"].startswith("004_")}
    assert {m.find_parent(class_="turn")["id"] for m in marks} == turns_with_predictions
    tracker = soup(site / "predictions" / "index.html")
    assert all(tracker.find(id=m["href"].split("#")[1]) for m in marks)
    assert all(m["href"].startswith("../../predictions/#") for m in marks)
    home = soup(site / "index.html")
    assert home.find("a", href="predictions/") and "13" in home.get_text()
    agents = soup(site / "topics" / "agents" / "index.html")
    assert agents.select('a[href^="../../predictions/#p-"]')
    assert [a.get_text(strip=True) for a in home.select(".md-tabs__link")][-1] == "预测"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_tracker_has_no_accessibility_violations(browser, site_server, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_server.base + "predictions/")
    page.locator(".prediction-chart__table summary").click()
    results = Axe().run(page)
    context.close()
    assert results.violations_count == 0, results.generate_report()
