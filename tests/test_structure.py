"""Reading the export's structure: every construct of the corpus's exports becomes its own unit."""

from __future__ import annotations

from sitegen.model import Line
from sitegen.structure import join_wrapped, read_units

IMG = "https://mmbiz.qpic.cn/mmbiz_png/abc/640?wx_fmt=png&from=appmsg"


def units(text: str):
    return read_units(tuple(Line(n, t) for n, t in enumerate(text.split("\n"), start=1)))


def shape(text: str) -> list[tuple[str, str]]:
    return [(u.kind, u.url or u.markup) for u in units(text)]


def test_two_trailing_spaces_end_a_paragraph_even_without_a_blank_line():
    text = "第一段的第一行\n第一段的第二行。  \n第二段。  \n© THE END 转载请联系本公众号获得授权"
    assert shape(text) == [
        ("paragraph", "第一段的第一行 第一段的第二行。"),
        ("paragraph", "第二段。"),
        ("paragraph", "© THE END 转载请联系本公众号获得授权"),
    ]


def test_a_trailing_backslash_is_a_hard_break_too():
    assert [u.markup for u in units("上一行\\\n下一行")] == ["上一行\\", "下一行"]


def test_lines_hold_the_source_line_numbers():
    found = units("标题下的话\n接着的话\n\n## 小节\n\n正文。")
    assert [(u.kind, u.first_line, u.last_line) for u in found] == [
        ("paragraph", 1, 2),
        ("heading", 4, 4),
        ("paragraph", 6, 6),
    ]


def test_an_image_inside_a_sentence_is_its_own_unit_between_the_two_halves():
    text = f"他改变了看法![]({IMG})。然后继续说。"
    assert shape(text) == [("paragraph", "他改变了看法"), ("image", IMG), ("paragraph", "。然后继续说。")]


def test_a_carousel_of_images_on_one_line_is_one_unit_per_image():
    urls = [f"https://mmbiz.qpic.cn/mmbiz_png/n{i}/640" for i in range(19)]
    text = "".join(f"![]({url})" for url in urls)
    assert shape(text) == [("image", url) for url in urls]


def test_images_joined_by_hard_breaks_are_separate_units():
    text = f"![]({IMG}1)  \n![]({IMG}2)  \n![]({IMG}3)"
    assert shape(text) == [("image", f"{IMG}1"), ("image", f"{IMG}2"), ("image", f"{IMG}3")]


def test_an_image_address_wrapped_over_lines_is_joined():
    text = "评选报名截至2024年3月31日![](https://res.wx.qq.com/t/wx_fed/we-\nemoji/res/v1.3.10/assets/newemoji/LetMeSee.png)"
    assert shape(text)[1] == (
        "image",
        "https://res.wx.qq.com/t/wx_fed/we-emoji/res/v1.3.10/assets/newemoji/LetMeSee.png",
    )


def test_a_link_target_wrapped_without_a_hyphen_is_joined_without_a_space():
    assert join_wrapped(["[标题](http://mp.weixin.qq.com/s?__biz=Mz", "IyMDA3&mid=1)"]) == (
        "[标题](http://mp.weixin.qq.com/s?__biz=MzIyMDA3&mid=1)"
    )


def test_a_linked_image_with_text_keeps_the_image_and_the_link():
    text = f"[![]({IMG})Notion AI\n可以用了](https://mp.weixin.qq.com/s?x=1)"
    assert shape(text) == [("image", IMG), ("paragraph", "[Notion AI 可以用了](https://mp.weixin.qq.com/s?x=1)")]


def test_bullet_and_numbered_lists_are_items_with_their_wrapped_lines():
    text = "  * 第一项\n跨行。\n\n  * 第二项\n\n  1. 有序一\n  2. 有序二"
    found = units(text)
    assert [(u.kind, u.ordered, u.markup) for u in found] == [
        ("item", False, "第一项 跨行。"),
        ("item", False, "第二项"),
        ("item", True, "有序一"),
        ("item", True, "有序二"),
    ]


def test_a_dash_alone_on_a_line_stays_text():
    assert shape('模拟人类的"系统二"思维方式\n-\n即在面对复杂问题时') == [
        ("paragraph", '模拟人类的"系统二"思维方式 - 即在面对复杂问题时')
    ]


def test_a_quote_keeps_its_paragraphs_and_empty_quote_lines_separate_them():
    found = units(">\n> 第一段\n> 续。\n>\n>\n> 第二段。  \n> 第三段。\n\n> 另一处引用。")
    assert [(u.kind, u.markup, u.group) for u in found] == [
        ("quote", "第一段 续。", 0),
        ("quote", "第二段。", 0),
        ("quote", "第三段。", 0),
        ("quote", "另一处引用。", 1),
    ]


def test_headings_rules_and_empty_bold():
    assert shape("##### 白小交 发自 凹非寺  \n量子位 | 公众号 QbitAI\n\n* * *\n\n****\n\n######") == [
        ("heading", "白小交 发自 凹非寺"),
        ("paragraph", "量子位 | 公众号 QbitAI"),
        ("rule", ""),
        ("paragraph", "****"),
        ("heading", ""),
    ]


def test_code_blocks_keep_their_lines_and_blank_lines():
    found = units("前文。\n\n```\nfor i in range(3):\n\n    print(i)\n```\n\n后文。")
    assert [(u.kind, u.markup) for u in found] == [
        ("paragraph", "前文。"),
        ("code", "for i in range(3):\n\n    print(i)"),
        ("paragraph", "后文。"),
    ]


def test_a_table_with_a_header_row_is_a_table_and_pipes_alone_stay_text():
    table = units("| 模型 | 得分 |\n| --- | --- |\n| A | 70.5 |\n| B | 65 |")[0]
    assert table.kind == "table" and table.rows == (("模型", "得分"), ("A", "70.5"), ("B", "65"))
    assert shape("| 不是表格 |") == [("paragraph", "| 不是表格 |")]


def test_every_non_blank_line_belongs_to_a_unit():
    text = "a\n\n  * b\n> c\n# d\n![](https://x.y/z)e  \nf\n\n```\ng"
    covered = set()
    for unit in units(text):
        covered |= set(range(unit.first_line, unit.last_line + 1))
    assert {n for n, line in enumerate(text.split("\n"), 1) if line.strip()} <= covered


def record(unit):
    return (unit.kind, unit.markup, unit.first_line, unit.last_line, unit.level, unit.ordered, unit.group, unit.url)


A, B, C, D, E = (f"https://mmbiz.qpic.cn/{name}.png" for name in ("a/1", "b/2", "c/3", "d/4", "e/5"))
HARD = "  "  # two trailing spaces: a hard break
EVERY_CONSTRUCT = f"""前言第一行
前言第二行

```python
print(1)
```

| 名字 | 年份 |
| --- | --- |
| GPT-4 | 2023 |

>引文第一段
>
> 引文第二段

> 另一段引文{HARD}
懒续行

- 要点一
- 要点二
1. 第一步![]({C})完成

他说![]({A})然后
继续![]({B})

* * *

  # 缩进的标题 ##
正文第一行
- 连字符开头的续行
  - 缩进要点

正文
> 紧跟的引文

[![]({D})更多](https://example.com/more)![]({E})

|X|Y|
|---|---|

| 甲 |
| 乙 |"""


def test_every_construct_is_one_unit_with_its_lines_kind_and_group():
    """Groups count blank lines: quote paragraphs of one quote share theirs. Tables, rules, code
    and headings carry none."""
    found = units(EVERY_CONSTRUCT)
    assert [record(u) for u in found] == [
        ("paragraph", "前言第一行 前言第二行", 1, 2, 0, False, 0, ""),
        ("code", "print(1)", 4, 6, 0, False, 0, ""),
        ("table", "", 8, 10, 0, False, 0, ""),
        ("quote", "引文第一段", 12, 12, 0, False, 3, ""),
        ("quote", "引文第二段", 14, 14, 0, False, 3, ""),
        ("quote", "另一段引文", 16, 16, 0, False, 4, ""),
        ("quote", "懒续行", 17, 17, 0, False, 4, ""),
        ("item", "要点一", 19, 19, 0, False, 5, ""),
        ("item", "要点二", 20, 20, 0, False, 5, ""),
        ("item", "第一步", 21, 21, 0, True, 5, ""),
        ("image", "", 21, 21, 0, False, 5, C),
        ("item", "完成", 21, 21, 0, True, 5, ""),
        ("paragraph", "他说", 23, 23, 0, False, 6, ""),
        ("image", "", 23, 23, 0, False, 6, A),
        ("paragraph", "然后 继续", 23, 24, 0, False, 6, ""),
        ("image", "", 24, 24, 0, False, 6, B),
        ("rule", "", 26, 26, 0, False, 0, ""),
        ("heading", "缩进的标题", 28, 28, 1, False, 0, ""),
        ("paragraph", "正文第一行 - 连字符开头的续行", 29, 30, 0, False, 8, ""),
        ("item", "缩进要点", 31, 31, 0, False, 8, ""),
        ("paragraph", "正文", 33, 33, 0, False, 9, ""),
        ("quote", "紧跟的引文", 34, 34, 0, False, 9, ""),
        ("image", "", 36, 36, 0, False, 10, D),
        ("paragraph", "[更多](https://example.com/more)", 36, 36, 0, False, 10, ""),
        ("image", "", 36, 36, 0, False, 10, E),
        ("table", "", 38, 39, 0, False, 0, ""),
        ("paragraph", "| 甲 | | 乙 |", 41, 42, 0, False, 0, ""),
    ]
    tables = [u.rows for u in found if u.kind == "table"]
    assert tables == [(("名字", "年份"), ("GPT-4", "2023")), (("X", "Y"),)]


def test_a_wrap_after_a_hyphen_is_undone_however_many_lines_came_before():
    assert join_wrapped(["甲", "乙", "wrap-", "ped"]) == "甲 乙 wrap-ped"


def test_an_empty_code_block_is_a_unit():
    assert [record(u) for u in units("```\n```")] == [("code", "", 1, 2, 0, False, 0, "")]


def test_an_image_is_placed_on_the_line_where_its_address_starts():
    url = "https://mmbiz.qpic.cn/mmbiz_png/abcdefgh/640.png"  # wrapped right after its 40th character
    found = units(f"前文\n![]({url[:40]}\n{url[40:]})")
    assert [(u.kind, u.first_line) for u in found] == [("paragraph", 1), ("image", 2)]
    assert found[1].url == url


def test_an_image_whose_address_wraps_early_stays_within_its_paragraphs_lines():
    found = units("前文\n![](https://mm\nbiz.qpic.cn/x.png)")
    image = found[-1]
    assert image.url == "https://mmbiz.qpic.cn/x.png"
    assert 1 <= image.first_line <= image.last_line <= 3
