"""Furniture rules as data, where they apply, and the guard that makes silent loss impossible."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sitegen.clean import clean_body
from sitegen.errors import InputError
from sitegen.furniture import Furniture, load_furniture, project_furniture
from sitegen.model import Image, Line, Paragraph, Turn

PROSE = "我们在讨论这个问题的时候，需要看到模型能力的提升速度远远超过了大家的预期，这是今天最重要的一点。"
# An interview of realistic length: twelve questions, each answered in three paragraphs.
INTERVIEW = "\n\n".join(f"**主持人：** 问题{n}？\n\n**Sam Altman：** {PROSE}\n\n{PROSE}\n\n{PROSE}" for n in range(12))


def lines(text: str) -> tuple[Line, ...]:
    return tuple(Line(n, t) for n, t in enumerate(text.split("\n"), start=1))


def clean(text: str, author: str = "量子位", furniture: Furniture | None = None, acknowledged=frozenset()):
    return clean_body(lines(text), "seeds/x.txt", author, furniture or project_furniture(), acknowledged)


def texts(cleaned) -> list[str]:
    found = []
    for block in cleaned.blocks:
        if isinstance(block, Paragraph):
            found.append(block.text)
        elif isinstance(block, Turn):
            found += [p.text for p in block.paragraphs]
    return found


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data" / "furniture.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- the data file ----------------------------------------------------------------------


def test_the_projects_rules_load_and_name_every_account_of_the_corpus():
    furniture = load_furniture(Path(__file__).parent.parent / "data" / "furniture.yml")
    assert {account for account, _ in furniture.accounts} >= {"AI深度研究员", "量子位", "投资实习所"}
    assert furniture.max_prose_chars == 400 and furniture.min_sentence_share == 0.99


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("generic:\n  - name: x\n    where: everywhere\n    text: a\n", 2, "where must be one or more of"),
        ("generic:\n  - where: line\n    text: a\n", 2, "rule needs a name"),
        ("generic:\n  - name: x\n    where: line\n    text: '('\n", 2, "not a valid regular expression"),
        ("generic:\n  - name: x\n    where: line\n", 2, "matches nothing"),
        ("generic:\n  - name: x\n    where: line\n    txt: a\n", 2, "unknown key(s): txt"),
        ("generic:\n  - name: x\n    where: block\n    text: a\n", 2, "a block rule needs then"),
        (
            "generic:\n\n  - name: ok\n    where: line\n    text: a\n  - name: x\n    where: line\n    max_chars: -1\n    text: a\n",
            6,
            "max_chars must be a whole number",
        ),
        ("generic: [\n", 2, "not valid YAML"),
    ],
)
def test_a_malformed_rule_names_its_line(tmp_path, text, line, reason):
    with pytest.raises(InputError) as caught:
        load_furniture(write_rules(tmp_path, text))
    assert str(caught.value).startswith(f"data/furniture.yml:{line}: ") and reason in caught.value.reason


def test_an_editor_adds_an_accounts_boilerplate_without_code(tmp_path):
    rules = write_rules(
        tmp_path,
        "accounts:\n  新号:\n    - name: house ad\n      where: line\n      text: '本号福利'\n",
    )
    text = INTERVIEW.replace("问题3？", "问题3？\n\n本号福利：今天下单八折。")
    cleaned = clean(text, author="新号", furniture=load_furniture(rules))
    assert texts(cleaned) == texts(clean(INTERVIEW, author="新号", furniture=load_furniture(rules)))
    assert cleaned.removed == (("house ad", 1),)
    # Another account's article keeps the same line.
    assert "本号福利：今天下单八折。" in texts(clean(text, author="别的号", furniture=load_furniture(rules)))


# --- where rules apply ---------------------------------------------------------------------


def test_a_furniture_word_inside_a_long_paragraph_removes_nothing():
    text = f"两位老搭档也在评论区叙上了旧，还扫了二维码，{PROSE}\n\n往期回顾这个词出现在正文里。{PROSE}"
    cleaned = clean(text)
    assert len(texts(cleaned)) == 2 and cleaned.removed == ()


def test_an_end_mark_inside_a_run_without_blank_lines_takes_only_what_follows_it():
    body = "  \n".join([PROSE, PROSE, PROSE])
    cleaned = clean(
        f"{body}  \n© THE END 转载请联系本公众号获得授权  \n投稿或寻求报道：content@example.com", author="机器之心"
    )
    assert texts(cleaned) == [PROSE, PROSE, PROSE]
    assert [r.rule for r in cleaned.ledger.removals] == ["end mark", "sponsor note"]


def test_planted_furniture_in_the_middle_removes_that_line_only():
    article = INTERVIEW
    planted = article.replace(
        "问题6？",
        "问题6？\n\n**往期回顾**\n\n**对了，喜欢就别忘了点赞、收藏、转发支持一下！期待在评论区听到你的观点和看法！**",
    )
    cleaned = clean(planted, author="AI深度研究员")
    assert texts(cleaned) == texts(clean(article, author="AI深度研究员"))
    assert dict(cleaned.removed) == {"related articles": 1, "engagement prompt": 1}
    # The two planted lines hold three sentences; the ledger says so, and the guard lets a few pass.
    assert cleaned.ledger.sentences_kept == cleaned.ledger.sentences - 3


def test_a_label_and_links_to_other_articles_in_one_paragraph_are_removed_anywhere():
    link = "[OpenAI 发布会全记录](http://mp.weixin.qq.com/s?__biz=x&mid=1)"
    for planted in (f"**推荐阅读：** {link}", f"👉往期推荐: {link} {link.replace('mid=1', 'mid=2')}"):
        cleaned = clean(INTERVIEW.replace("问题6？", f"问题6？\n\n{planted}"), author="AI深度研究员")
        assert texts(cleaned) == texts(clean(INTERVIEW, author="AI深度研究员")), planted
        assert dict(cleaned.removed) == {"related articles": 1}
    # A link after other words, a label without links, and a label not of related articles stay.
    for kept in (f"推荐阅读：{link}，这篇讲得很清楚。", "推荐阅读：《人类简史》。", f"论文地址：{link}"):
        cleaned = clean(INTERVIEW.replace("问题6？", f"问题6？\n\n{kept}"), author="AI深度研究员")
        assert not cleaned.removed and len(texts(cleaned)) == len(texts(clean(INTERVIEW, author="AI深度研究员"))) + 1


PLANTED = {
    "点击上方“AI前线”，选择“星标”公众号": "follow prompt",
    "点击上方蓝字关注我们": "follow prompt",
    "▲扫码关注我们": "QR code prompt",  # pointing up at the code, which goes too
    "↓↓↓ 点击阅读原文，了解更多": "read-the-original prompt",
    "阅读原文查看完整视频": "read-the-original prompt",
    "商务合作请联系微信：abc123": "sponsor note",
    "欢迎加入AI交流群，扫码添加小助手": "QR code prompt",
    "喜欢这篇文章，请点个“赞”和“在看”": "engagement prompt",
    "— 推荐阅读 —": "related articles",
    "*往期精彩：*": "related articles",
    "本文约3000字，建议阅读10分钟": "reading-time line",
    "阅读时间约 5 分钟": "reading-time line",
    "每天一篇AI前沿，关注不迷路": "follow prompt",
    "觉得有用就转发给朋友吧": "engagement prompt",
    "如果你喜欢这篇文章，欢迎转发分享": "engagement prompt",
    "预览时标签不可点": "WeChat interface",
    "微信扫一扫关注该公众号": "WeChat interface",
    "继续滑动看下一个": "WeChat interface",
    "阅读 1.2万": "WeChat interface",
    "修改于2024年05月17日": "WeChat interface",
    "转载请注明出处": "reprint notice",
    "文章来源于网络，如有侵权请联系我们删除": "reprint notice",
    "（图片来自网络，侵删）": "reprint notice",
    "点个在看，你最好看": "engagement prompt",
    "点亮“在看”，让更多人看到": "engagement prompt",
    "-End-": "end mark",
    "（完）": "end mark",
    "后台回复“AI”，领取资料包": "follow prompt",
    "收录于合集 #AI访谈 12个": "WeChat interface",
    "喜欢此内容的人还喜欢": "WeChat interface",
    "写留言": "WeChat interface",
    "以上内容仅供参考，不构成投资建议": "disclaimer",
    "免责声明：本文内容仅代表作者观点": "disclaimer",
    "本文为某某原创，转载请后台联系授权": "reprint notice",
    "文末福利：关注后回复“报告”领取完整PDF": "follow prompt",
    "关注我们，获取更多AI前沿资讯": "follow prompt",
    "戳“阅读原文”，直达活动报名": "read-the-original prompt",
    "👇👇👇": "pointer arrows",
    "↓ ↓ ↓": "pointer arrows",
    "喜欢就点个赞吧": "engagement prompt",
    "你的每一个在看，我都当成了喜欢": "engagement prompt",
    "在看点这里": "engagement prompt",
    "星标⭐️公众号，第一时间获取推送": "follow prompt",
    "👇关注我们👇": "follow prompt",
    "/ END /": "end mark",
    "— 广告 —": "ad label",
}
# Sentences an interview may hold, with a furniture word in them.
LOOK_ALIKES = (
    "我们要为这个团队点个赞。",
    "用户扫码支付已经非常普遍了。",
    "我们和微软有很深的商务合作。",
    "我建议大家去阅读原文。",
    "长按屏幕就能识别图里的文字。",
    "推荐阅读《人类简史》这本书。",
    "我们每天都在看用户的反馈。",
    "这本书全文约20万字，我读了三遍。",
    "阅读这份报告花了我30分钟。",
    "很多人喜欢这篇论文，因为它很有用。",
    "我很喜欢这篇文章里的观点。",
    "阅读 2 万篇论文之后，我们才开始训练。",
    "如果作品侵权，平台应该删除吗？",
    "如有侵权，法院会联系双方，而不是直接删除。",
    "我每天早上点亮屏幕在看新闻。",
    "我们的团队每天在后台回复用户的邮件。",
    "他写留言给我，说要合作。",
    "这个故事的结尾是 end to end 的训练。",
    "这不构成投资建议，只是我个人的看法。",
    "我们关注我们的用户，获取反馈是第一位的。",
    "他回复“好的”之后就去领取了奖品。",
    "以上这些只是我的猜测，仅供参考。",
    "编辑：你怎么看这个问题？",
    "用户喜欢就点个赞，不喜欢就划走。",
    "这篇文章转载自他的博客，我读了三遍。",
    "我们关注我们自己的节奏。",
)


def plant(line: str, where: str) -> str:
    """INTERVIEW with one line at its top, in its middle (after question 6) or at its end."""
    if where == "top":
        return f"{line}\n\n{INTERVIEW}"
    return f"{INTERVIEW}\n\n{line}" if where == "end" else INTERVIEW.replace("问题6？", f"问题6？\n\n{line}")


def assert_only_furniture(article: str, rule: str) -> None:
    """The article cleans to INTERVIEW's text, one unit removed by the rule."""
    cleaned = clean(article, author="某公众号")
    assert texts(cleaned) == texts(clean(INTERVIEW, author="某公众号"))
    assert dict(cleaned.removed) == {rule: 1}


@pytest.mark.parametrize("planted", PLANTED)
@pytest.mark.parametrize("where", ["top", "middle"])
def test_common_prompts_are_furniture_anywhere_in_an_article(planted, where):
    assert_only_furniture(plant(planted, where), PLANTED[planted])


def test_a_run_of_prompt_lines_is_furniture_the_guard_lets_pass_and_the_ledger_counts():
    planted = "\n\n".join(PLANTED)
    cleaned = clean(INTERVIEW.replace("问题6？", f"问题6？\n\n{planted}"), author="某公众号")
    assert texts(cleaned) == texts(clean(INTERVIEW, author="某公众号"))
    assert cleaned.ledger.sentences - cleaned.ledger.sentences_kept > 5


@pytest.mark.parametrize("planted", PLANTED)
def test_a_prompt_planted_before_the_last_answer_leaves_the_answer_on_the_page(planted):
    ending, last = f"{INTERVIEW}\n\n— 完 —", "**主持人：** 问题11？"
    cleaned = clean(ending.replace(last, f"{planted}\n\n{last}"), author="某公众号")
    base = clean(ending, author="某公众号")
    assert texts(cleaned) == texts(base)
    assert Counter(dict(cleaned.removed)) == Counter(dict(base.removed)) + Counter({PLANTED[planted]: 1})


CODE = "![](https://mmbiz.qpic.cn/qr/640)"
# A prompt and the image it points at, under it or above it: the code or card, and the rule.
A_PROMPT_AND_ITS_CODE = {
    f"欢迎加入AI交流群，扫码添加小助手\n\n{CODE}": "QR code prompt",
    f"点击下方卡片，关注我们\n\n{CODE}": "follow prompt",
    f"▼点击下方名片，关注我们\n\n{CODE}": "follow prompt",
    f"{CODE}\n\n▲ 长按识别二维码报名": "QR code prompt",
    f"{CODE}\n\n👆扫码加入社群": "QR code prompt",
    f"{CODE}\n\n扫描上方二维码，关注我们": "QR code prompt",
}
# An image beside a sentence that speaks of scanning or of a picture, a caption, or a prompt
# pointing the other way: the article's.
AN_IMAGE_THAT_STAYS = (
    f"用户扫码支付已经非常普遍了。\n\n{CODE}",
    f"点击上方蓝字关注我们\n\n{CODE}",
    f"关注我们\n\n{CODE}",
    f"{CODE}\n\n▲ 图为发布会现场",
    f"{CODE}\n\n上图是我们的新产品。",
    f"{CODE}\n\n欢迎加入AI交流群，扫码添加小助手",
)


@pytest.mark.parametrize("planted", A_PROMPT_AND_ITS_CODE)
def test_the_image_a_prompt_points_at_is_the_code_or_card_and_goes_with_it(planted):
    cleaned = clean(plant(planted, "middle"), author="某公众号")
    assert texts(cleaned) == texts(clean(INTERVIEW, author="某公众号"))
    assert not any(isinstance(block, Image) for block in cleaned.blocks)
    assert (cleaned.ledger.images, cleaned.ledger.images_kept) == (1, 0)
    assert dict(cleaned.removed) == {A_PROMPT_AND_ITS_CODE[planted]: 1}


@pytest.mark.parametrize("planted", AN_IMAGE_THAT_STAYS)
def test_an_image_no_prompt_points_at_stays(planted):
    cleaned = clean(plant(planted, "middle"), author="某公众号")
    assert (cleaned.ledger.images, cleaned.ledger.images_kept) == (1, 1)


@pytest.mark.parametrize("sentence", LOOK_ALIKES)
def test_sentences_with_a_prompt_word_stay(sentence):
    cleaned = clean(INTERVIEW.replace("问题6？", f"问题6？\n\n{sentence}"), author="某公众号")
    assert sentence in texts(cleaned) and not cleaned.removed


def test_the_closing_boilerplate_is_not_taken_where_much_text_follows_the_mark():
    text = f"{PROSE}\n\n— 完 —\n\n" + "\n\n".join([PROSE] * 5)
    cleaned = clean(text)
    # The mark is only the line it is on: that line goes, the text after it stays.
    assert texts(cleaned) == [PROSE] * 6 and cleaned.ledger.closing_line == 0
    assert [(r.rule, r.first_line) for r in cleaned.ledger.removals] == [("end mark", 3)]


def test_a_weak_start_is_not_taken_before_a_run_of_slides():
    slides = "\n\n".join(f"![](https://mmbiz.qpic.cn/slide{n}/640)" for n in range(10))
    cleaned = clean(f"{INTERVIEW}\n\n往期回顾\n\n{slides}", author="AI深度研究员")
    assert sum(isinstance(b, Image) for b in cleaned.blocks) == 10
    assert cleaned.removed == (("related articles", 1),) and cleaned.ledger.closing_line == 0


def test_bylines_go_to_the_metadata_not_the_headings():
    cleaned = clean(f"##### 白小交 发自 凹非寺  \n量子位 | 公众号 QbitAI\n\n{PROSE}")
    assert cleaned.credits == ("白小交 发自 凹非寺", "量子位 | 公众号 QbitAI")
    assert texts(cleaned) == [PROSE] and not cleaned.removed


def test_a_run_of_credits_at_the_top_goes_to_the_metadata():
    credits = ("作者：张三", "责任编辑：李四", "审核 | 王五", "校对：赵六")
    cleaned = clean("\n\n".join([*credits, PROSE]))
    assert cleaned.credits == credits and texts(cleaned) == [PROSE]


def test_more_kinds_of_byline_go_to_the_metadata_but_a_question_to_an_editor_stays():
    credits = (
        "原创 张三 AI科技评论",
        "题图 | 视觉中国",
        "出品 | 某某科技",
        "本文来源：硅谷科技评论（ID：SVtech）",
        "本文转载自公众号：硅谷科技评论（ID：SVtech）",
        "原标题：《一篇文章的原标题》",
    )
    cleaned = clean("\n\n".join([*credits, PROSE]))
    assert cleaned.credits == credits and texts(cleaned) == [PROSE]
    cleaned = clean(f"编辑：你怎么看这个问题？\n\n{PROSE}")
    assert cleaned.credits == () and texts(cleaned) == ["编辑：你怎么看这个问题？", PROSE]


def test_a_prompt_pointing_up_at_the_top_takes_the_first_image_and_never_the_last():
    photo = "![](https://mmbiz.qpic.cn/photo/640)"
    cleaned = clean(f"{CODE}\n\n▲ 长按识别二维码报名\n\n{INTERVIEW}", author="某公众号")
    assert (cleaned.ledger.images, cleaned.ledger.images_kept) == (1, 0)
    cleaned = clean(f"▲ 长按识别二维码报名\n\n{INTERVIEW}\n\n{photo}", author="某公众号")
    assert [block.url for block in cleaned.blocks if isinstance(block, Image)] == ["https://mmbiz.qpic.cn/photo/640"]
    assert [(r.rule, r.first_line, r.image_urls) for r in cleaned.ledger.removals] == [("QR code prompt", 1, ())]


def test_an_image_another_rule_removed_keeps_that_rules_name_above_a_prompt_pointing_up():
    cleaned = clean(plant("![x](javascript:alert(1))\n\n▲ 长按识别二维码报名", "middle"), author="某公众号")
    assert dict(cleaned.removed) == {"image without an http(s) address": 1, "QR code prompt": 1}


# Bylines at the top of an article (see above), furniture anywhere else.
BELOW_THE_TOP = {
    "编辑：李四": "editor credit",
    "责编 | 王五、赵六": "editor credit",
    "本期编辑：李四": "editor credit",
    "本文经授权转载自某公众号": "reprint notice",
}


@pytest.mark.parametrize("line", BELOW_THE_TOP)
@pytest.mark.parametrize("where", ["middle", "end"])
def test_a_byline_below_the_top_of_the_article_is_furniture(line, where):
    assert_only_furniture(plant(line, where), BELOW_THE_TOP[line])


def test_a_byline_shaped_sentence_later_in_the_article_stays():
    cleaned = clean(f"{PROSE}\n\n编辑：这是正文里的一句话。")
    assert cleaned.credits == () and texts(cleaned) == [PROSE, "编辑：这是正文里的一句话。"]


def test_a_caption_under_an_image_becomes_its_caption_and_alt_text():
    cleaned = clean(f"{PROSE}\n\n![](https://mmbiz.qpic.cn/a/640)\n\n###### **△** 马斯克点赞\n\n{PROSE}")
    image = next(b for b in cleaned.blocks if isinstance(b, Image))
    assert image == Image("https://mmbiz.qpic.cn/a/640", "△ 马斯克点赞", "△ 马斯克点赞")
    assert texts(cleaned) == [PROSE, PROSE]


def test_wechat_emoji_inside_a_sentence_is_removed_by_name_and_the_sentence_kept():
    cleaned = clean(
        f"他改变了看法![](https://res.wx.qq.com/t/wx_fed/we-emoji/res/v1.3.10/assets/newemoji/Yellowdog.png)。{PROSE}"
    )
    assert texts(cleaned) == ["他改变了看法", f"。{PROSE}"]
    removal = cleaned.ledger.removals[0]
    assert removal.rule == "WeChat emoji" and removal.images == 1 and removal.image_urls[0].endswith("Yellowdog.png")


def test_body_images_are_kept_and_counted():
    text = f"{PROSE}\n\n![](https://mmbiz.qpic.cn/a/640)  \n![](https://mmbiz.qpic.cn/b/640)\n\n— 完 —\n\n![](https://mmbiz.qpic.cn/qr/640)"
    cleaned = clean(text)
    assert [b.url for b in cleaned.blocks if isinstance(b, Image)] == [
        "https://mmbiz.qpic.cn/a/640",
        "https://mmbiz.qpic.cn/b/640",
    ]
    assert (cleaned.ledger.images, cleaned.ledger.images_kept) == (2, 2)
    assert ("boilerplate images", 1) in cleaned.removed


# --- the guard ------------------------------------------------------------------------------


def greedy(tmp_path: Path, max_chars: int = 2000) -> Furniture:
    rule = f"generic:\n  - name: greedy\n    where: line\n    text: '模型'\n    max_chars: {max_chars}\n"
    return load_furniture(write_rules(tmp_path, rule))


def test_a_rule_that_would_remove_much_text_in_one_place_stops_the_build(tmp_path):
    long_paragraph = PROSE * 10
    with pytest.raises(InputError) as caught:
        clean(f"{PROSE.replace('模型', '')}\n\n{long_paragraph}", furniture=greedy(tmp_path))
    count = len(long_paragraph)
    assert str(caught.value) == f"seeds/x.txt:3: rule 'greedy' would remove {count} characters of text (lines 3–3)"


def test_a_page_that_would_lose_sentences_stops_the_build(tmp_path):
    text = "\n\n".join([PROSE.replace("模型", "")] * 30 + [PROSE] * 6)
    with pytest.raises(InputError) as caught:
        clean(text, furniture=greedy(tmp_path, max_chars=100))
    assert caught.value.line == 61 and "would keep 30 of 36 sentences (83 %)" in caught.value.reason
    # Five lost sentences are a handful of prompt lines: reported, not fatal.
    assert clean(text.replace(PROSE, "甲", 1), furniture=greedy(tmp_path, max_chars=100)).ledger.sentences_kept == 31
    assert "rule 'greedy' removes" in caught.value.reason


def test_a_rule_that_takes_short_answers_stops_the_build_as_one_that_takes_prose(tmp_path):
    text = "\n\n".join([PROSE.replace("模型", "")] * 30 + ["对，模型很重要。"] * 6)
    with pytest.raises(InputError) as caught:
        clean(text, furniture=greedy(tmp_path))
    assert "would keep 30 of 36 sentences" in caught.value.reason


def test_an_acknowledged_removal_passes_the_guard(tmp_path):
    long_paragraph = PROSE * 10
    text = f"{PROSE.replace('模型', '')}\n\n{long_paragraph}"
    cleaned = clean(text, furniture=greedy(tmp_path), acknowledged=frozenset({("greedy", 3, 3)}))
    assert cleaned.removed == (("greedy", 1),)
    with pytest.raises(InputError):
        clean(text, furniture=greedy(tmp_path), acknowledged=frozenset({("greedy", 3, 4)}))


# --- every message of the loader, word for word ---------------------------------------------------

PLACES = "block, caption, credit, end, line, start, tail"
KINDS = "code, empty, heading, image, item, labelled links, links, paragraph, quote, rule, table"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a\n", "1: expected a mapping with guard, generic and accounts"),
        ("guard: 3\n", "1: guard must be a mapping"),
        (
            "guard:\n  max_prose_chars: -1\n",
            "2: guard: max_prose_chars, max_unnamed_closing_chars and max_lost_sentences are whole numbers, "
            "min_sentence_share 0 to 1",
        ),
        (
            "guard:\n  min_sentence_share: 2\n",
            "2: guard: max_prose_chars, max_unnamed_closing_chars and max_lost_sentences are whole numbers, "
            "min_sentence_share 0 to 1",
        ),
        (
            "guard:\n  max_lost_sentences: true\n",
            "2: guard: max_prose_chars, max_unnamed_closing_chars and max_lost_sentences are whole numbers, "
            "min_sentence_share 0 to 1",
        ),
        ("x: 1\ngeneric: 3\n", "1: generic must be a list of rules"),
        ("x: 1\naccounts: [a]\n", "1: accounts must map each 文章作者 to its rules"),
        ("x: 1\naccounts:\n  新号: 3\n", "3: accounts: 新号 must be a list of rules"),
        ("generic:\n  - just text\n", "1: a rule must be a mapping with name, where and what it matches"),
        ("generic:\n  - name: x\n    where: line\n    text: 3\n", "2: text must be a regular expression"),
        ("generic:\n  - name: x\n    where: line\n    text: ''\n", "2: text must be a regular expression"),
        ("generic:\n  - name: x\n    where: line\n    url: 3\n", "2: url must be a regular expression"),
        (
            "generic:\n  - name: x\n    where: line\n    url: '['\n",
            "2: url '[' is not a valid regular expression: unterminated character set at position 0",
        ),
        ("generic:\n  - name: x\n    where: line\n    zz: 1\n    txt: a\n", "2: rule has unknown key(s): txt, zz"),
        ("generic:\n  - name: '  '\n    where: line\n    text: a\n", "2: rule needs a name"),
        ("generic:\n  - name: x\n    where: []\n    text: a\n", f"2: rule 'x': where must be one or more of {PLACES}"),
        (
            "generic:\n  - name: x\n    where: [line, nowhere]\n    text: a\n",
            f"2: rule 'x': where must be one or more of {PLACES}",
        ),
        ("generic:\n  - name: x\n    where: line\n    kind: words\n", f"2: rule 'x': kind must be one of {KINDS}"),
        (
            "generic:\n  - name: x\n    where: block\n    text: a\n    then: more\n",
            f"2: rule 'x': then must be one of {KINDS}",
        ),
        (
            "generic:\n  - name: x\n    where: line\n    text: a\n    max_chars: -1\n",
            "2: rule 'x': max_chars must be a whole number",
        ),
        (
            "generic:\n  - name: x\n    where: line\n    text: a\n    max_chars: true\n",
            "2: rule 'x': max_chars must be a whole number",
        ),
        (
            "generic:\n  - name: x\n    where: line\n    text: a\n    max_chars: '9'\n",
            "2: rule 'x': max_chars must be a whole number",
        ),
        ("generic:\n  - name: x\n    where: line\n", "2: rule 'x' matches nothing: give it a kind, text or url"),
        (
            "generic:\n  - name: x\n    where: block\n    text: a\n    before: picture\n",
            f"2: rule 'x': before must be one of {KINDS}",
        ),
        (
            "generic:\n  - name: x\n    where: block\n    text: a\n",
            "2: rule 'x': a block rule needs then: (the kind of unit that follows) or before: (the kind of unit above)",
        ),
    ],
)
def test_every_loader_message_names_the_file_and_line(tmp_path, text, message):
    with pytest.raises(InputError) as caught:
        load_furniture(write_rules(tmp_path, text))
    assert str(caught.value) == f"data/furniture.yml:{message}"


def test_a_rule_reads_back_with_its_defaults_and_limits(tmp_path):
    text = (
        "guard:\n  max_prose_chars: 300\n  min_sentence_share: 0.95\n  max_unnamed_closing_chars: 100\n  max_lost_sentences: 2\n"
        "generic:\n  - name: 贴图\n    where: [tail, line]\n    url: 'qr'\n  - name: 标题列表\n    where: block\n    text: '^往期$'\n"
        "    then: links\n    max_chars: 12\n"
        "accounts:\n  新号:\n    - name: 号\n      where: credit\n      kind: heading\n"
    )
    furniture = load_furniture(write_rules(tmp_path, text))
    image, listing = furniture.generic
    assert (image.name, image.where, image.line, image.kind, image.then, image.text, image.max_chars) == (
        "贴图",
        frozenset({"tail", "line"}),
        7,
        "",
        "",
        None,
        0,
    )
    assert image.url.pattern == "qr" and image.limit("line") == 80 and image.limit("tail") == 0
    assert (listing.then, listing.max_chars, listing.limit("block")) == ("links", 12, 12)
    assert (furniture.max_prose_chars, furniture.min_sentence_share) == (300, 0.95)
    assert (furniture.max_unnamed_closing_chars, furniture.max_lost_sentences) == (100, 2)
    (own,) = dict(furniture.accounts)["新号"]
    assert furniture.rules_for(" 新号 ") == (own, image, listing) and own.limit("credit") == 40
    assert furniture.rules_for("别的号") == (image, listing)
    assert load_furniture(tmp_path / "missing.yml") == Furniture()
