import pytest

from sitegen.errors import InputError
from sitegen.parse import parse_article

HEADER = """# 对话Sam Altman：测试标题

文章作者: AI深度研究员
发布时间: 2024-09-19 18:37
发布地: 上海
原文链接: http://mp.weixin.qq.com/s?__biz=X&mid=1&idx=1&sn=abc

封面图链接: https://mmbiz.qpic.cn/cover/300
正文第一段。
"""


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_article("seeds/x.txt", text)
    return caught.value


def test_header_fields_are_read():
    article = parse_article("seeds/x.txt", HEADER)
    header = article.header
    assert header.title == "对话Sam Altman：测试标题"
    assert header.author == "AI深度研究员"
    assert header.published.isoformat() == "2024-09-19T18:37:00+08:00"
    assert header.location == "上海"
    assert header.source_url.endswith("sn=abc")
    assert header.cover_image == "https://mmbiz.qpic.cn/cover/300"
    assert [line.text for line in article.body] == ["正文第一段。", ""]
    assert article.body[0].number == 9


def test_title_without_hash():
    assert str(error_of(HEADER.lstrip("# "))).startswith("seeds/x.txt:1: first line must be the title")


def test_only_a_title():
    assert str(error_of("# 标题\n")) == "seeds/x.txt:2: header line 发布时间: is missing"


@pytest.mark.parametrize("title", ["# ？！…", "# 🌟🌟", "# ---"])
def test_title_without_words(title):
    assert error_of(HEADER.replace("# 对话Sam Altman：测试标题", title)).reason == "title has no letters or digits"


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("发布时间: 2024-09-19 18:37", "发布时间"),
        ("原文链接: http://mp.weixin.qq.com/s?__biz=X&mid=1&idx=1&sn=abc", "原文链接"),
    ],
)
def test_missing_required_header_line(line, key):
    error = error_of(HEADER.replace(line + "\n", ""))
    assert error.reason == f"header line {key}: is missing"


@pytest.mark.parametrize(
    "line", ["文章作者: AI深度研究员", "发布地: 上海", "封面图链接: https://mmbiz.qpic.cn/cover/300"]
)
def test_missing_optional_header_line_is_not_fatal(line):
    assert parse_article("seeds/x.txt", HEADER.replace(line + "\n", "")).header.title


@pytest.mark.parametrize("value", ["昨天", "2024-13-45 25:61", "2024/09/19 18:37"])
def test_bad_date(value):
    error = error_of(HEADER.replace("2024-09-19 18:37", value))
    assert (error.line, error.reason) == (4, f"发布时间 {value!r} is not a date in the form YYYY-MM-DD HH:MM")


# The last three pass a pattern for http(s) but not Python's URL parser: an unclosed IPv6
# bracket, a host that is no address, a host that Unicode normalisation changes.
REFUSED_URLS = [
    "javascript:alert(1)",
    "data:text/html,hi",
    "/relative/path",
    "ftp://x.org/a",
    "http://[mp.weixin.qq.com/s?idx=1",
    "http://[a]/s",
    "http://mp.weixin.qq.com／s＃@x/s",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
@pytest.mark.parametrize(("key", "line"), [("原文链接", 6), ("封面图链接", 8)])
def test_non_http_links_are_refused(url, key, line):
    text = HEADER.replace("http://mp.weixin.qq.com/s?__biz=X&mid=1&idx=1&sn=abc", url) if key == "原文链接" else None
    text = text or HEADER.replace("https://mmbiz.qpic.cn/cover/300", url)
    error = error_of(text)
    assert (error.line, error.reason) == (line, f"{key} must be an http(s) URL, found {url!r}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("#   \n", "seeds/x.txt:1: title line has no text after '#'"),
        ("标题在这里\n", "seeds/x.txt:1: first line must be the title as '# TITLE', found '标题在这里'"),
        ("# ？！\n", "seeds/x.txt:1: title has no letters or digits"),
        (
            HEADER.replace("发布地: 上海", "发布地: 上海\n文章作者: 又一个"),
            "seeds/x.txt:6: header line 文章作者 appears twice",
        ),
        (
            HEADER.replace("原文链接: http://mp.weixin.qq.com/s?__biz=X&mid=1&idx=1&sn=abc", "原文链接:"),
            "seeds/x.txt:6: 原文链接 is empty",
        ),
        (
            HEADER.replace("# 对话Sam Altman：测试标题", "# " + "长" * 50).replace("# " + "长" * 50, "长" * 50),
            f"seeds/x.txt:1: first line must be the title as '# TITLE', found '{'长' * 40}'",
        ),
    ],
)
def test_every_header_message_word_for_word(text, message):
    assert str(error_of(text)) == message


def test_the_title_keeps_its_words_and_folds_its_spaces():
    assert (
        parse_article("seeds/x.txt", HEADER.replace("测试标题", " 测试   标题 ")).header.title
        == "对话Sam Altman： 测试 标题"
    )


def test_header_values_are_trimmed_and_the_body_starts_after_the_cover_line():
    text = HEADER.replace("文章作者: AI深度研究员", "文章作者：  AI深度研究员  ")
    article = parse_article("seeds/x.txt", text)
    assert article.header.author == "AI深度研究员"
    assert dict(article.header_lines) == {
        "end": 8,
        "author": 3,
        "published": 4,
        "location": 5,
        "source_url": 6,
        "cover_image": 8,
    }
