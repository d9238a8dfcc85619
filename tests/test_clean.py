"""Cleaning on small inline texts: every label spelling and furniture block named in DESIGN.md."""

import pytest

from sitegen.clean import clean_body
from sitegen.inline import plain_text
from sitegen.model import BulletList, Heading, Image, Line, Paragraph, Quote, Timeline, Turn
from sitegen.structure import join_wrapped


def lines(text: str) -> tuple[Line, ...]:
    return tuple(Line(n, t) for n, t in enumerate(text.split("\n"), start=10))


def clean(text: str, author: str = "AI深度研究员"):
    return clean_body(lines(text), author=author)


def turns(text: str) -> list[tuple[str, str, str]]:
    return [
        (b.speaker.role, b.speaker.label, " / ".join(p.text for p in b.paragraphs))
        for b in clean(text).blocks
        if isinstance(b, Turn)
    ]


# --- hard wrap ---------------------------------------------------------------------


def test_wrapped_lines_join_with_a_space():
    assert join_wrapped(["OpenAI首席执行官Sam", "Altman的一段访谈"]) == "OpenAI首席执行官Sam Altman的一段访谈"


def test_hyphen_inside_a_word_or_url_joins_without_space():
    assert join_wrapped(["https://www.youtube.com/watch?v=peg-", "aX1oii4&t=1620s"]) == (
        "https://www.youtube.com/watch?v=peg-aX1oii4&t=1620s"
    )
    assert join_wrapped(["在2024的AII-", "IN峰会"]) == "在2024的AII-IN峰会"


def test_a_line_holding_only_a_dash_stays_text_and_makes_no_heading():
    cleaned = clean('它试图模拟人类的"系统二"思维方式\n-\n即在面对复杂问题时')
    assert cleaned.blocks == (Paragraph('它试图模拟人类的"系统二"思维方式 - 即在面对复杂问题时'),)


# --- speaker labels ----------------------------------------------------------------

LABELS = """**主持人：** 很高兴见到你。

Sam Altman：我也很高兴见到你。

**主持人Melissa Koide：** Sam，欢迎。

**嘉宾Sam Altman：** 谢谢你。

**主持人** 最近你发布了 o1 模型。

****Sam Altman：**** 这是个好问题。

******Sam Altman：**
这肯定会实现。

**Sam Altman：
**我们希望全面改进。

**观众3：** 我的问题是什么？

**主持人：**
当你和我第一次见面时。

Sam
Altman：对，我相信。
"""


def test_every_label_spelling_becomes_a_turn_with_one_label_per_person():
    assert turns(LABELS) == [
        ("host", "Melissa Koide", "很高兴见到你。"),
        ("guest", "Sam Altman", "我也很高兴见到你。"),
        ("host", "Melissa Koide", "Sam，欢迎。"),
        ("guest", "Sam Altman", "谢谢你。"),
        ("host", "Melissa Koide", "最近你发布了 o1 模型。"),
        ("guest", "Sam Altman", "这是个好问题。"),
        ("guest", "Sam Altman", "这肯定会实现。"),
        ("guest", "Sam Altman", "我们希望全面改进。"),
        ("audience", "观众3", "我的问题是什么？"),
        ("host", "Melissa Koide", "当你和我第一次见面时。"),
        ("guest", "Sam Altman", "对，我相信。"),
    ]


def test_named_host_without_prefix_is_the_same_host():
    text = "**主持人Kevin Wheel：** 第一个问题。\n\n**Sam Altman：** 回答。\n\n**Kevin Wheel：** 第二个问题。"
    assert [t[:2] for t in turns(text)] == [("host", "Kevin Wheel"), ("guest", "Sam Altman"), ("host", "Kevin Wheel")]


def test_unnamed_host_keeps_the_role_word():
    assert turns("**主持人：** 问题。\n\n**Sam Altman：** 回答。")[0][:2] == ("host", "主持人")


def test_following_paragraphs_belong_to_the_turn_until_a_heading():
    text = "**Sam Altman：** 第一段。\n\n第二段。\n\n## 下一节\n\n独白段落。"
    blocks = clean(text).blocks
    assert isinstance(blocks[0], Turn) and [p.text for p in blocks[0].paragraphs] == ["第一段。", "第二段。"]
    assert blocks[1] == Heading(2, "下一节") and blocks[2] == Paragraph("独白段落。")


def test_monologue_without_labels_invents_no_speaker():
    text = "## 简介\n\n我们已经有了很长时间关于语音控制电脑的想法。\n\nAltman认为：这是第二段。"
    assert not turns(text)


def test_a_one_off_bold_phrase_with_colon_is_not_a_speaker():
    text = "**注意：** 本文为节选。\n\n正文。"
    assert not turns(text)
    assert clean(text).blocks[0] == Paragraph("注意： 本文为节选。")


def test_no_asterisk_survives_in_text():
    blocks = clean(LABELS + "\n**Sam Altman详尽地探讨了内** 容。节省阅读时****间，\n").blocks
    texts = [p.text for b in blocks if isinstance(b, Turn) for p in b.paragraphs]
    texts += [b.text for b in blocks if isinstance(b, Paragraph)]
    assert texts and not any("*" in t for t in texts)


# --- structure -----------------------------------------------------------------------


def test_lists_quotes_headings_images_and_strong_lines():
    text = (
        "## 核心观点\n\n### 1、推理模型\n\n  * o1 preview 是新发布的推理模型。\n  * 模型的升级曲线会很\n陡峭。\n\n"
        "> ——**不要把精力过多投入。**\n>\n> **——推理是最重要的关注领域**\n\n"
        "![](https://mmbiz.qpic.cn/photo/640?wx_fmt=png)\n\n**我认为严格监管是一个错误。**"
    )
    blocks = clean(text).blocks
    assert blocks[0] == Heading(2, "核心观点") and blocks[1] == Heading(3, "1、推理模型")
    assert blocks[2] == BulletList(
        (Paragraph("o1 preview 是新发布的推理模型。"), Paragraph("模型的升级曲线会很 陡峭。"))
    )
    assert blocks[3] == Quote((Paragraph("——不要把精力过多投入。"), Paragraph("——推理是最重要的关注领域", strong=True)))
    assert blocks[4] == Image("https://mmbiz.qpic.cn/photo/640?wx_fmt=png", "")
    assert blocks[5] == Paragraph("我认为严格监管是一个错误。", strong=True)


def test_heading_levels_shift_so_the_top_level_is_h2():
    blocks = clean("# 文稿整理\n\n## 1、第一节\n\n### 细节").blocks
    assert [b.level for b in blocks] == [2, 3, 4]


def test_timeline_entries_merge_into_one_timeline():
    blocks = clean("# 视频时间轴\n\n**(00:00)** 简介\n\n**(20:29)** 揭穿 AGI\n\n**(1:02:03)** 结尾").blocks
    timeline = blocks[1]
    assert isinstance(timeline, Timeline)
    assert [(e.stamp, e.seconds, e.text) for e in timeline.entries] == [
        ("00:00", 0, "简介"),
        ("20:29", 1229, "揭穿 AGI"),
        ("1:02:03", 3723, "结尾"),
    ]


def test_markdown_escapes_are_undone():
    assert plain_text(r"_**\--END--**_") == "--END--"
    assert plain_text("ab_channel=x") == "ab_channel=x"


# --- furniture -----------------------------------------------------------------------

ARTICLE = """**（关注公众号并设为🌟标，获取最新人工智能资讯和产品）**

全文约5,000 字，阅读约需8分钟

今天的访谈正文。

****

**主持人：** 问题。

Sam Altman：回答。

* * *

视频来源：https://youtube.com/watch?v=r-xmUM5y0LQ&t=3970s

素材来源官方媒体/网络新闻

**对了，喜欢就别忘了点赞、收藏、转发支持一下！期待在评论区听到你的观点和看法!**

#  往期回顾

[1、[演讲视频：陶哲轩]](https://mp.weixin.qq.com/s?__biz=a)

[2、[在2024的AII-
IN峰会，对话马斯克]](https://mp.weixin.qq.com/s?__biz=b)

* * *

![](https://mmbiz.qpic.cn/mmbiz_png/banner/640?wx_fmt=png&from=appmsg)

**我们旨在将先进科技与创新想法完美融合!**

##  告别昂贵服务和缺人烦恼,再见漫长交付周期

 _**请联系负责人微信：Milo-1101**_

 _**\\--END--**_

****未经许可不得转载，务必保留公众号原文链接和公众号按钮****
"""


def test_furniture_is_removed_and_counted_by_rule():
    cleaned = clean(ARTICLE)
    # Places, by rule: the two separators are apart; 往期回顾 and its two links are one place; the
    # pitch line no rule names is the closing boilerplate's own; heading and contact are one ad.
    assert dict(cleaned.removed) == {
        "follow prompt": 1,
        "reading-time line": 1,
        "empty markup": 1,
        "separators": 2,
        "engagement prompt": 1,
        "related articles": 1,
        "boilerplate images": 1,
        "closing boilerplate": 1,
        "ad block": 1,
        "end mark": 1,
        "reprint notice": 1,
    }
    related = next(r for r in cleaned.ledger.removals if r.rule == "related articles")
    assert (related.first_line, related.last_line) == (30, 35)
    texts = [b.text for b in cleaned.blocks if isinstance(b, Paragraph)]
    assert texts == ["今天的访谈正文。"]
    assert len([b for b in cleaned.blocks if isinstance(b, Turn)]) == 2


def test_attribution_moves_to_the_source_box():
    cleaned = clean(ARTICLE)
    assert [(a.label, a.text) for a in cleaned.attributions] == [
        ("视频来源", "https://youtube.com/watch?v=r-xmUM5y0LQ&t=3970s"),
        ("素材来源", "官方媒体/网络新闻"),
    ]
    assert cleaned.video_url == "https://youtube.com/watch?v=r-xmUM5y0LQ&t=3970s"


def test_wrapped_video_link_is_joined_into_one_working_url():
    cleaned = clean("正文。\n\n原视频链接：https://www.youtube.com/watch?v=peg-\naX1oii4&t=1620s&ab_channel=20VC")
    assert cleaned.video_url == "https://www.youtube.com/watch?v=peg-aX1oii4&t=1620s&ab_channel=20VC"


@pytest.mark.parametrize(
    ("line", "video"),
    [
        (
            "原文链接：https://www.youtube.com/watch?v=LK1f3R8HKdk&t=16s",
            "https://www.youtube.com/watch?v=LK1f3R8HKdk&t=16s",
        ),
        ("原文链接：https://example.com/article", ""),
    ],
)
def test_body_source_link_is_a_video_only_when_it_points_at_a_video(line, video):
    cleaned = clean(f"正文。\n\n{line}\n\n素材来源官方媒体/网络新闻")
    assert cleaned.video_url == video
    assert cleaned.attributions[0].label == "原文链接"


def test_ad_block_with_contact_and_qr_code_is_removed():
    text = (
        "正文。\n\n* * *\n\n我们AI团队专注企业AI解决方案\n\n联系负责人：Milo-1101（仅限企业客户）\n\n"
        " _**欢迎扫描下方二维码或点击链接填写AI需求。**_\n\n**\\--END--**"
    )
    cleaned = clean(text)
    assert cleaned.blocks == (Paragraph("正文。"),)
    assert dict(cleaned.removed) == {"separators": 1, "ad block": 1, "QR code prompt": 1, "end mark": 1}
    ad = next(r for r in cleaned.ledger.removals if r.rule == "ad block")
    assert (ad.first_line, ad.last_line) == (14, 16)


def test_unsafe_image_urls_are_dropped():
    assert clean("![x](javascript:alert(1))\n\n正文。").blocks == (Paragraph("正文。"),)


def test_heading_levels_are_never_skipped():
    blocks = clean("## 核心观点\n\n### 1、要点\n\n# 对话整理\n\n## 一节").blocks
    assert [b.level for b in blocks] == [2, 3, 2, 3]


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "/watch?v=1", "http://[youtube.com/watch"],
)
def test_a_video_link_that_is_not_http_is_refused_at_its_line(link):
    from sitegen.errors import InputError

    with pytest.raises(InputError) as caught:
        clean(f"正文。\n\n原视频链接：{link}")
    assert caught.value.line == 12 and caught.value.reason.startswith("原视频链接 must be an http(s) URL")


def test_an_attribution_without_a_link_stays_text():
    assert clean("正文。\n\n视频来源：YouTube 官方频道").attributions[0].text == "YouTube 官方频道"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        (" _**欢迎各大品牌方**_", "欢迎各大品牌方"),
        ("** _请联系负责人_**", "请联系负责人"),
        ("window.__pwned=1 与 __init__", "window.__pwned=1 与 __init__"),
        ("ab_channel=20VC", "ab_channel=20VC"),
        (r"5 \* 3 \_ 2", "5 * 3 _ 2"),
        ("{{ 7*7 }} 和 2*3", "{{ 7*7 }} 和 2*3"),
        ("这是 *斜体* 字", "这是 斜体 字"),
    ],
)
def test_only_emphasis_markers_are_removed_from_text(markup, text):
    assert plain_text(markup) == text


def test_question_and_answer_labels_of_other_accounts_become_turns():
    text = (
        "**Q：为什么演讲题目是这个？**\n\n**李飞飞**\n：我认为，直觉告诉我们。\n\n"
        "**Q：你的意思是？**\n\n**李飞飞** ：我说的不仅仅是本能。\n\n接着说的一段。"
    )
    assert turns(text) == [
        ("host", "Q", "为什么演讲题目是这个？"),
        ("guest", "李飞飞", "我认为，直觉告诉我们。"),
        ("host", "Q", "你的意思是？"),
        ("guest", "李飞飞", "我说的不仅仅是本能。 / 接着说的一段。"),
    ]


@pytest.mark.parametrize(("ask", "answer"), [("Q", "A"), ("问", "答")])
def test_plain_question_and_answer_labels_become_turns_when_both_are_there(ask, answer):
    text = f"{ask}：你怎么看AGI？\n\n{answer}：它会很快到来。\n\n接着说的一段。\n\n{ask}：风险呢？\n\n{answer}：可控。"
    assert turns(text) == [
        ("host", ask, "你怎么看AGI？"),
        ("guest", answer, "它会很快到来。 / 接着说的一段。"),
        ("host", ask, "风险呢？"),
        ("guest", answer, "可控。"),
    ]
    # A question label alone is a paragraph's words, not a dialogue.
    assert not turns(f"正文。\n\n{ask}：这是一个常见的问题吗？\n\n正文。")


def test_english_host_labels_name_the_host_and_the_one_answering_is_the_guest():
    text = "**Host:** 你怎么看AGI？\n\n**Sam:** 它会很快到来。\n\n**Host:** 风险呢？\n\n**Sam:** 可控。"
    assert [(role, label) for role, label, _ in turns(text)] == [("host", "Host"), ("guest", "Sam")] * 2


def test_a_plain_latin_name_opening_several_paragraphs_beside_altman_is_the_one_asking():
    text = "Lex Fridman：你怎么看AGI？\n\nSam Altman：它会很快到来。\n\nLex Fridman：风险呢？\n\nSam Altman：可控。"
    assert turns(text) == [
        ("host", "Lex Fridman", "你怎么看AGI？"),
        ("guest", "Sam Altman", "它会很快到来。"),
        ("host", "Lex Fridman", "风险呢？"),
        ("guest", "Sam Altman", "可控。"),
    ]
    # Words that open his paragraphs are his: 比如 could be a name as well as a word.
    assert turns("Sam Altman：我认为。\n\n比如：第一点。\n\n比如：第二点。") == [
        ("guest", "Sam Altman", "我认为。 / 比如：第一点。 / 比如：第二点。")
    ]


def test_a_plain_chinese_name_answering_a_plain_host_label_is_the_guest():
    text = "主持人：你怎么看AGI？\n\n李飞飞：它会很快到来。\n\n主持人：风险呢？\n\n李飞飞：可控。"
    assert turns(text) == [
        ("host", "主持人", "你怎么看AGI？"),
        ("guest", "李飞飞", "它会很快到来。"),
        ("host", "主持人", "风险呢？"),
        ("guest", "李飞飞", "可控。"),
    ]
    # A word opening two paragraphs of a long interview is no speaker.
    asked = "\n\n".join(f"主持人：问题{n}？\n\nSam Altman：回答{n}。" for n in range(8))
    assert turns(f"{asked}\n\n比如：第一点。\n\n比如：第二点。")[-1] == (
        "guest",
        "Sam Altman",
        "回答7。 / 比如：第一点。 / 比如：第二点。",
    )


def test_a_speakers_words_after_an_image_or_a_list_in_their_turn_are_still_theirs():
    image = "![](https://mmbiz.qpic.cn/a/640)"
    asked = "**主持人：** 问题？\n\n**Sam Altman：** 我认为。"
    assert turns(f"{asked}\n\n{image}\n\n{image}\n\n继续回答。\n\n**主持人：** 下一个？") == [
        ("host", "主持人", "问题？"),
        ("guest", "Sam Altman", "我认为。"),
        ("guest", "Sam Altman", "继续回答。"),
        ("host", "主持人", "下一个？"),
    ]
    assert turns(f"{asked}\n\n- 一点\n- 两点\n\n这就是我的看法。")[-1] == ("guest", "Sam Altman", "这就是我的看法。")
    # An editor's aside in brackets is no one's; the words after it are still the speaker's.
    aside = f"{asked}\n\n{image}\n\n（编者注：图为发布会现场。）\n\n继续回答。"
    assert turns(aside)[-1] == ("guest", "Sam Altman", "继续回答。")
    assert Paragraph("（编者注：图为发布会现场。）") in clean(aside).blocks
    # A heading ends the dialogue's hold: the article's own words follow.
    assert len(turns(f"{asked}\n\n## 第二部分\n\n作者的叙述。")) == 2


def test_a_bold_name_followed_by_a_colon_once_is_not_a_speaker():
    assert not turns("**注意** ：本文为节选。\n\n正文。")
