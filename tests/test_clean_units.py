"""Clean, one step at a time: how a unit is seen, where the closing boilerplate starts, which
units are bylines or removed, how removals are counted and guarded. Rules are made here, so each
expected value follows from the rule and the unit, not from the project's data files."""

import re

import pytest

from sitegen.clean import (
    MAX_IMAGES_AFTER_START,
    MAX_PROMPT_CHARS,
    UNSAFE_IMAGE,
    RuleBook,
    body_removals,
    check_removals,
    clean_body,
    find_closing,
    first_match,
    is_named,
    is_prompt_line,
    matches_at,
    read_attribution,
    removals_of,
    take_credits,
    view_of,
)
from sitegen.errors import InputError
from sitegen.furniture import Furniture, FurnitureRule
from sitegen.model import BulletList, Code, Heading, Ledger, Line, Paragraph, Removal, Rule, Timeline
from sitegen.structure import Unit

PROSE = "模型能力的提升速度远远超过了大家的预期。"  # 20 characters of text (punctuation counts), one sentence


def rule(name: str, where: str, text: str = "", url: str = "", max_chars: int = 0, then: str = "") -> FurnitureRule:
    return FurnitureRule(
        name,
        frozenset(where.split()),
        1,
        text=re.compile(text) if text else None,
        url=re.compile(url) if url else None,
        max_chars=max_chars,
        then=then,
    )


def para(markup: str, line: int = 1) -> Unit:
    return Unit("paragraph", markup, line, line)


def image(url: str = "https://img.example/a.png", line: int = 1) -> Unit:
    return Unit("image", "", line, line, url=url)


def views(*units: Unit):
    return [view_of(unit) for unit in units]


def lines(text: str) -> tuple[Line, ...]:
    return tuple(Line(n, t) for n, t in enumerate(text.split("\n"), start=1))


# --- how a unit is seen ---------------------------------------------------------------------------


def test_images_and_rules_hold_no_text_to_count():
    for unit in (Unit("image", "图说", 1, 1, url="https://a.example/x.png"), Unit("rule", "", 2, 2)):
        view = view_of(unit)
        assert (view.kinds, view.chars, view.sentences) == (frozenset({unit.kind}), 0, 0)
    assert view_of(Unit("image", "图说。", 1, 1)).text == "图说。"


def test_a_table_is_read_cell_by_cell_and_code_as_written():
    table = view_of(Unit("table", "", 1, 3, rows=(("甲", "乙"), ("丙", "丁"))))
    assert table.text == "甲 乙 丙 丁" and table.chars == 4
    code = view_of(Unit("code", "x = **y** [a](https://b.example)", 1, 3))
    assert code.text == "x = **y** [a](https://b.example)" and code.kinds == frozenset({"code"})


def test_a_paragraph_is_read_as_its_words_without_markup():
    view = view_of(para("前文[链接](https://a.example)**后文**。"))
    assert view.text == "前文链接后文。" and (view.chars, view.sentences) == (7, 1)


@pytest.mark.parametrize("kind", ["paragraph", "item", "heading"])
def test_a_unit_of_links_only_is_seen_as_links(kind):
    view = view_of(Unit(kind, "[往期文章](https://a.example/1)", 1, 1, level=2))
    assert view.kinds == frozenset({kind, "links"})


def test_a_rule_matches_up_to_its_limit_inclusive():
    five = rule("short", "line", text="甲", max_chars=5)
    assert matches_at(five, view_of(para("甲乙丙丁戊")), ("line",))
    assert not matches_at(five, view_of(para("甲乙丙丁戊己")), ("line",))
    assert not matches_at(rule("default", "line", text="甲"), view_of(para("甲" * 81)), ("line",))


def test_what_holds_no_prose_or_is_named_by_a_rule_counts_as_named():
    assert is_named(view_of(para("原文链接：https://a.example/1")), RuleBook())
    assert is_named(view_of(Unit("rule", "", 1, 1)), RuleBook())
    assert is_named(view_of(para("**  **")), RuleBook())
    assert is_named(view_of(para("[往期](https://a.example/1)")), RuleBook())
    assert not is_named(view_of(para("关注我们")), RuleBook())
    assert is_named(view_of(para("关注我们")), RuleBook([rule("follow", "line", text="关注")]))
    assert not is_named(view_of(para("关注我们")), RuleBook([rule("caption only", "caption", text="关注")]))


def test_a_unit_is_searched_once_by_each_pattern_whatever_place_it_is_asked_about():
    searched = []

    class CountingPattern:
        def search(self, text):
            searched.append(text)

    book = RuleBook([FurnitureRule("follow", frozenset({"line", "end", "tail"}), 1, text=CountingPattern())])
    view = view_of(para(PROSE))
    assert not is_named(view, book)
    assert first_match(book, view, ("line",)) is None and first_match(book, view, ("end",)) is None
    assert searched == [PROSE]


# --- where the closing boilerplate starts ---------------------------------------------------------

END = rule("end mark", "end", text="^完$")
START = rule("ad", "start", text="^广告$")


def test_an_end_mark_with_nothing_unnamed_after_it_starts_the_closing_even_at_zero():
    assert find_closing(views(para(PROSE), para("完")), RuleBook([END]), 0) == 1
    # Named units after it (a rule) add nothing to what follows unnamed.
    assert find_closing(views(para(PROSE), para("完"), Unit("rule", "", 3, 3)), RuleBook([END]), 0) == 1


def test_an_end_mark_followed_by_more_unnamed_text_than_allowed_is_not_the_closing():
    assert find_closing(views(para("完"), para(PROSE)), RuleBook([END]), 19) == 2
    assert find_closing(views(para("完"), para(PROSE)), RuleBook([END]), 20) == 0
    assert find_closing(views(para(PROSE * 3), para("完")), RuleBook([END]), 10) == 1


def test_a_weak_start_is_taken_before_up_to_six_images_only():
    slides = [image(line=n) for n in range(3, 3 + MAX_IMAGES_AFTER_START)]
    assert find_closing(views(para(PROSE), para("广告"), *slides), RuleBook([START]), 200) == 1
    more = [*slides, image(line=99)]
    assert find_closing(views(para(PROSE), para("广告"), *more), RuleBook([START]), 200) == 2 + len(more)


def test_a_separator_or_empty_line_before_the_mark_belongs_to_the_closing():
    assert find_closing(views(para(PROSE), Unit("rule", "", 2, 2), para("**  **"), para("完")), RuleBook([END]), 0) == 1
    assert find_closing(views(Unit("rule", "", 1, 1), para("完")), RuleBook([END]), 0) == 0
    assert find_closing(views(para("完"), para("正文"), Unit("rule", "", 3, 3)), RuleBook([END]), 2) == 0


def test_a_start_with_a_sentence_no_rule_names_before_the_next_mark_is_a_line_of_the_article():
    book = RuleBook([START, END])
    assert find_closing(views(para(PROSE), para("广告"), para(PROSE), para("完")), book, 200) == 3
    assert find_closing(views(para(PROSE), para("广告"), para(PROSE)), book, 200) == 3
    # Words without a finished sentence (a related article's title) do not hold it back.
    assert find_closing(views(para(PROSE), para("广告"), para("某篇文章的标题"), para("完")), book, 200) == 1
    # A label for what follows (a list of references) does.
    assert find_closing(views(para(PROSE), para("广告"), para("参考链接："), para("完")), book, 200) == 3


def test_an_end_mark_with_unnamed_text_before_a_later_end_mark_is_a_line_of_the_article():
    book = RuleBook([END])
    assert find_closing(views(para(PROSE), para("完"), para("参考链接"), para("完")), book, 200) == 3
    assert find_closing(views(para(PROSE), para("完"), para("参考链接")), book, 200) == 1


def test_what_a_line_rule_names_between_marks_does_not_hold_a_mark_back():
    follow = rule("follow", "line", text="关注")
    found = views(para(PROSE), para("广告"), para("关注我们。"), para("完"))
    assert find_closing(found, RuleBook([START, END, follow]), 200) == 1
    assert find_closing(views(para(PROSE), para("完"), para("关注我们"), para("完")), RuleBook([END, follow]), 200) == 1
    # Named or not, every unit between the two marks counts: here the unnamed one is not the first.
    found = views(para(PROSE), para("完"), para("关注我们"), para("参考链接"), para("完"))
    assert find_closing(found, RuleBook([END, follow]), 200) == 4


def test_a_sentence_only_a_tail_rule_names_holds_a_mark_back():
    # 二维码 names a unit inside the closing; before it is found, a sentence with it is the article's.
    tail = rule("QR code", "tail", text="二维码")
    found = views(para(PROSE), para("广告"), para("二维码" + PROSE), para("完"))
    assert find_closing(found, RuleBook([START, END, tail]), 200) == 3
    found = views(para(PROSE), para("完"), para("二维码" + PROSE), para("完"))
    assert find_closing(found, RuleBook([END, tail]), 200) == 3
    # Inside the closing it is named, as before.
    assert find_closing(views(para(PROSE), para("完"), para("二维码" + PROSE)), RuleBook([END, tail]), 0) == 1


# --- bylines and prompt lines at the top ------------------------------------------------------------

CREDIT = rule("byline", "credit", text="^编辑：")
PROMPT = rule("follow", "line", text="关注")


@pytest.mark.parametrize("between", [image(line=2), para("**  **", 2), Unit("rule", "", 2, 2)])
def test_images_empty_lines_and_separators_do_not_end_the_bylines(between):
    found = views(para("编辑：甲"), between, para("编辑：乙", 3), para(PROSE, 4))
    assert take_credits(found, RuleBook([CREDIT]), len(found)) == ({0: "编辑：甲", 2: "编辑：乙"}, 3)


def test_a_prompt_line_is_one_short_sentence_a_line_rule_names():
    assert is_prompt_line(view_of(para("关注" + "甲" * (MAX_PROMPT_CHARS - 2))), RuleBook([PROMPT]))
    assert not is_prompt_line(view_of(para("关注" + "甲" * (MAX_PROMPT_CHARS - 1))), RuleBook([PROMPT]))
    assert not is_prompt_line(view_of(para("关注我们。设为星标。")), RuleBook([PROMPT]))


# --- what the rules remove -----------------------------------------------------------------------------


def test_units_after_a_byline_are_still_judged_and_a_block_takes_what_follows_it():
    block = rule("ad block", "block", text="^招聘$", then="image")
    found = views(para("编辑：甲"), para("招聘", 2), image(line=3), image(line=4), para("关注", 5), para(PROSE, 6))
    removed = body_removals(found, RuleBook([block, PROMPT]), {0: "编辑：甲"}, len(found))
    assert removed == {1: "ad block", 2: "ad block", 3: "ad block", 4: "follow"}


def test_an_image_without_an_http_address_is_removed_by_its_own_name():
    found = views(para(PROSE), image("javascript:alert(1)", 2))
    assert body_removals(found, RuleBook(), {}, len(found)) == {1: UNSAFE_IMAGE}


def test_neighbouring_removals_by_one_rule_are_added_up():
    found = views(para("关注甲。", 3), image("https://a.example/1.png", 4), para("关注乙。", 5), para("关注丙。", 7))
    removed = {0: "follow", 1: "follow", 2: "follow", 3: "other"}
    assert removals_of(found, removed) == [
        Removal("follow", 3, 5, 8, 2, 1, ("https://a.example/1.png",)),
        Removal("other", 7, 7, 4, 1, 0, ()),
    ]
    apart = removals_of(found, {0: "follow", 2: "follow"})
    assert [(r.first_line, r.last_line) for r in apart] == [(3, 3), (5, 5)]


def test_the_tail_keeps_its_attribution_even_when_a_line_rule_names_it():
    source = rule("source word", "line", text="原文")
    text = f"{PROSE}\n\n完\n\n原文链接：https://a.example/post"
    furniture = Furniture(generic=(END, source))
    cleaned = clean_body(lines(text), furniture=furniture)
    assert [(a.label, a.url) for a in cleaned.attributions] == [("原文链接", "https://a.example/post")]


# --- attributions --------------------------------------------------------------------------------------


def test_an_attribution_keeps_only_an_http_address_as_its_link():
    assert read_attribution(view_of(para("原文链接：")), "s.txt").url == ""
    words = read_attribution(view_of(para("原文链接：见文末")), "s.txt")
    assert (words.text, words.url) == ("见文末", "")


def test_a_refused_attribution_link_names_the_seed_and_shows_sixty_characters():
    link = "ftp://" + "a" * 70
    with pytest.raises(InputError) as caught:
        clean_body(lines(f"{PROSE}\n\n完\n\n原文链接：{link}"), seed="seeds/s.txt", furniture=Furniture(generic=(END,)))
    assert str(caught.value) == f"seeds/s.txt:5: 原文链接 must be an http(s) URL, found {link[:60]!r}"
    with pytest.raises(InputError) as unnamed:
        clean_body(lines(f"{PROSE}\n\n完\n\n原文链接：{link}"), furniture=Furniture(generic=(END,)))
    assert unnamed.value.path == ""


# --- blocks ------------------------------------------------------------------------------------------------


def blocks(text: str):
    return clean_body(lines(text), furniture=Furniture()).blocks


def test_each_unit_becomes_its_block_with_its_source_line():
    found = blocks(f"{PROSE}\n\n* * *\n\n```\nx = **y**\n```\n\n## **  **\n\n1. 第一\n2. 第二\n\n- 甲\n\n> 引文")
    assert found == (
        Paragraph(PROSE),
        Rule(),
        Code("x = **y**"),
        BulletList((Paragraph("第一"), Paragraph("第二")), ordered=True),
        BulletList((Paragraph("甲"),)),
        found[5],
    )
    assert [found[0].line, found[3].items[0].line, found[3].items[1].line, found[5].paragraphs[0].line] == [
        1,
        11,
        12,
        16,
    ]


def test_a_timeline_after_other_blocks_merges_into_one():
    found = blocks(f"{PROSE}\n\n第二段。\n\n（00:10）开场\n\n（01:00:05）结尾")
    assert found[:2] == (Paragraph(PROSE), Paragraph("第二段。"))
    assert isinstance(found[2], Timeline) and [e.seconds for e in found[2].entries] == [10, 3605]
    assert len(found) == 3


def test_sibling_headings_stay_siblings_and_levels_stop_at_six():
    headings = "\n\n".join(f"{'#' * level} 第{level}级" for level in range(1, 7))
    found = blocks(f"### 甲\n\n{PROSE}\n\n### 乙\n\n{headings}\n\n{PROSE}")
    assert [b.level for b in found if isinstance(b, Heading)] == [2, 2, 2, 3, 4, 5, 6, 6]


# --- the guard ------------------------------------------------------------------------------------------------


def guard(ledger: Ledger, **limits) -> None:
    check_removals("seeds/s.txt", ledger, Furniture(**limits), frozenset())


def test_a_removal_of_exactly_the_allowed_text_passes():
    guard(Ledger(10, 10, 0, 0, (Removal("r", 3, 3, 400, 0, 0),)))
    with pytest.raises(InputError, match=r"^seeds/s.txt:3: rule 'r' would remove 401 characters"):
        guard(Ledger(10, 10, 0, 0, (Removal("r", 3, 3, 401, 0, 0),)))


def test_a_page_keeping_exactly_the_required_share_passes():
    guard(Ledger(600, 594, 0, 0, (Removal("r", 3, 3, 50, 6, 0),)))


def test_the_loss_is_blamed_on_the_article_removal_with_most_sentences():
    removals = (
        Removal("few", 3, 3, 50, 2, 0),
        Removal("most", 120, 121, 90, 5, 0),
        Removal("tail", 200, 230, 300, 9, 0),
    )
    with pytest.raises(InputError) as caught:
        guard(Ledger(100, 93, 0, 0, removals, closing_line=200))
    assert caught.value.path == "seeds/s.txt" and caught.value.line == 120
    assert "rule 'most' removes 5 of them (lines 120–121)" in caught.value.reason
    with pytest.raises(InputError) as no_closing:
        guard(Ledger(100, 93, 0, 0, removals[:2]))
    assert no_closing.value.line == 120
