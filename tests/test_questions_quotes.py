"""The question index, the quotes page and their data: extraction, checks, pages, filter, accessibility."""

from __future__ import annotations

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from sitegen.errors import InputError
from sitegen.indexes import question_of, questions_of
from sitegen.quotes import key_points_of, load_quotes

from .conftest import ROOT, copy_built, inline_interview, run_build, soup

interview = inline_interview


# --- questions --------------------------------------------------------------------------


def test_a_question_is_the_turns_sentences_that_ask_else_its_requests():
    made = interview(
        "**主持人：** 欢迎你。我们先聊聊模型。你怎么看推理？它会改变什么？\n\n**Sam Altman：** 回答一。\n\n"
        "**主持人：** 谢谢。最后请谈谈你对年轻人的建议。这很重要。\n\n**Sam Altman：** 回答二。"
    )
    turns = [b for b in made.blocks if b.__class__.__name__ == "Turn"]
    assert question_of(turns[0]) == "你怎么看推理？它会改变什么？"
    assert question_of(turns[2]) == "最后请谈谈你对年轻人的建议。"


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        ("这是个好消息。或许你可以介绍一下新模型。", "或许你可以介绍一下新模型。"),
        ("我们很想听听你对监管的看法，尤其是在金融领域。", "我们很想听听你对监管的看法，尤其是在金融领域。"),
        ("你觉得这会持续下去吗。", "你觉得这会持续下去吗。"),
        ("那么你呢", "那么你呢"),
        ("能不能讲讲那天发生了什么。谢谢。", "能不能讲讲那天发生了什么。"),
        ("请介绍一下你自己。这很重要。再说说你的想法。", "请介绍一下你自己。再说说你的想法。"),
    ],
)
def test_a_turn_that_asks_without_a_question_mark_is_a_question(said, asked):
    made = interview(f"**主持人：** {said}\n\n**Sam Altman：** 回答。")
    assert [q["question"] for q in questions_of(made)] == [asked]


@pytest.mark.parametrize(
    "said",
    [
        "大家好，欢迎来到开发者日。欢迎你，Sam。",
        "很高兴见到你。",
        "你表现得非常出色，谢谢你耐心回答这些问题。",
        "确实，定义越重要，意味着我们离目标越近。",
        "我想你无需多做介绍了。",
    ],
)
def test_a_welcome_thanks_or_remark_of_the_host_is_no_question(said):
    made = interview(
        f"**主持人：** {said}\n\n**Sam Altman：** 回答。\n\n**主持人：** 下一个问题？\n\n**Sam Altman：** 再答。"
    )
    assert [q["question"] for q in questions_of(made)] == ["下一个问题？"]


def test_questions_link_to_the_guests_next_turn_and_audience_questions_count():
    made = interview(
        "**主持人：** 第一个问题？\n\n**主持人：** 补充一句？\n\n**Sam Altman：** 回答。\n\n"
        "**观众3：** 观众的问题？\n\n**Sam Altman：** 回答观众。\n\n**主持人：** 没有回答的问题？"
    )
    assert [(q["asker"], q["question"], q["turn"], q["answer"]) for q in questions_of(made)] == [
        ("主持人", "第一个问题？", "t1", "t3"),
        ("主持人", "补充一句？", "t2", "t3"),
        ("观众3", "观众的问题？", "t4", "t5"),
    ]


def test_an_interview_without_turns_asks_nothing():
    assert questions_of(interview("只是一段文字，有问题吗？\n\n## 小节\n\n另一段。")) == []


def test_the_question_index_lists_every_question_with_its_answer(built):
    site = built / "site"
    page = soup(site / "questions" / "index.html")
    items = page.select("article .question-group li")
    home = soup(site / "index.html")
    assert f"{len(items)} 个问题" in home.get_text() and home.find("a", href="questions/")
    assert len(items) > 80
    for item in items[:200]:
        href = item.find("a")["href"]
        target, anchor = href.split("#")
        interview_page = soup(site / "questions" / target / "index.html")
        turn = interview_page.find(id=anchor)
        assert "turn--guest" in turn["class"], href
    groups = page.select("article .question-group")
    dates = [g.find("time")["datetime"] for g in groups]
    assert dates == sorted(dates, reverse=True) and len(groups) == 4  # 001 has no speaker turns


def test_the_topic_filter_hides_other_interviews_and_the_list_is_complete_without_it(browser, site_server, built):
    page = soup(built / "site" / "questions" / "index.html")
    assert page.select_one(".question-filter").has_attr("hidden")
    assert not [g for g in page.select(".question-group") if g.has_attr("hidden")]
    tab = browser.new_page()
    tab.goto(site_server.base + "questions/")
    tab.locator('.question-filter__option[data-topic="finance"]').click()
    visible = tab.locator(".question-group:visible")
    assert visible.count() >= 1
    assert all("finance" in g.get_attribute("data-topics").split() for g in visible.all())
    assert tab.locator('.question-filter__option[data-topic="finance"]').get_attribute("aria-pressed") == "true"
    tab.locator('.question-filter__option[data-topic=""]').click()
    assert tab.locator(".question-group:visible").count() == len(page.select(".question-group"))
    tab.close()


# --- quotes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("  - seed: x.txt\n    turn: t1\n", "a quote needs exactly seed, turn and quote"),
        ("  - seed: x.txt\n    turn: t1\n    quote: 一句\n    note: x\n", "a quote needs exactly seed, turn and quote"),
        ("  - seed: x.txt\n    turn: t1\n    quote: 3\n", "seed, turn and quote must be text"),
    ],
)
def test_a_malformed_quote_names_its_line(tmp_path, entry, reason):
    path = tmp_path / "data" / "quotes.yml"
    path.parent.mkdir()
    path.write_text("# quotes\nquotes:\n" + entry, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_quotes(path)
    assert str(caught.value) == f"data/quotes.yml:3: {reason}"


def test_a_quote_that_is_not_in_its_turn_stops_the_build(built, tmp_path):
    project = copy_built(built, tmp_path / "p")
    path = project / "data" / "quotes.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "但我认为更好的框架是看作一条指数曲线。", "但我认为更好的框架是一条直线。"
        ),
        encoding="utf-8",
    )
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "一条直线" in row) - 2
    result = run_build(project)
    assert result.returncode == 1
    assert f"data/quotes.yml:{line}: the quote is not word for word in 004_4e0bca16d64b170a.txt#t6" in result.stderr


def test_the_quotes_page_shows_every_picked_quote_with_its_source_and_anchor(built):
    site = built / "site"
    picked = yaml.safe_load((ROOT / "data" / "quotes.yml").read_text(encoding="utf-8"))["quotes"]
    page = soup(site / "quotes" / "index.html")
    entries = page.select("article figure.quote-entry")
    assert len(entries) == len(picked) >= 15
    assert sorted(e.blockquote.get_text(strip=True) for e in entries) == sorted(q["quote"] for q in picked)
    assert len({e["id"] for e in entries}) == len(entries)
    for entry in entries:
        source = entry.figcaption.find("a")["href"]
        target, anchor = source.split("#")
        turn = soup(site / "quotes" / target / "index.html").find(id=anchor)
        assert entry.blockquote.get_text(strip=True) in turn.get_text()
        assert entry.figcaption.find("a", href="#" + entry["id"]) and entry.figcaption.find("time")
        assert entry.figcaption.get_text().startswith("——Sam Altman，")


def test_key_points_of_each_interview_link_to_their_headings(built):
    page = soup(built / "site" / "quotes" / "index.html")
    points = page.select('article h3[id="k-2024-09-19-1837"] ~ ul')[0].find_all("li")
    assert [li.find("a").get_text(strip=True)[:2] for li in points] == ["1、", "2、", "3、", "4、", "5、"]
    target = soup(built / "site" / "interviews" / "2024-09-19-1837" / "index.html")
    assert all(target.find(id=li.find("a")["href"].split("#")[1]) for li in points)


def test_key_points_are_the_items_under_a_key_points_heading():
    made = interview("## 核心观点\n\n### 1、第一点\n\n第一点的话。\n\n又一段。\n\n## 对话整理\n\n正文不算。")
    assert [(p["title"], p["text"]) for p in key_points_of(made)] == [("1、第一点", "第一点的话。 又一段。")]
    untitled = interview("## 核心观点\n\n> 要点一。\n\n- 要点二\n\n## 对话整理\n\n正文不算。")
    assert [(p["title"], p["text"], p["anchor"]) for p in key_points_of(untitled)] == [
        ("", "要点一。", "核心观点"),
        ("", "要点二", "核心观点"),
    ]


@pytest.mark.parametrize("path", ["questions/", "quotes/"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_new_pages_have_no_accessibility_violations(browser, site_server, path, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_server.base + path)
    results = Axe().run(page)
    context.close()
    assert results.violations_count == 0, results.generate_report()
