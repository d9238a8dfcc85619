"""Real exports of other accounts (tests/fixtures/corpus/) built for real and checked without the cleaner:
source sentences against the page's visible text, body images against its <img> tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.fidelity import check_folder

from .conftest import soup

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
FILES = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory):
    project = tmp_path_factory.mktemp("corpus")
    figures = {f.seed: f for f in check_folder(CORPUS, project)}
    return project, figures


def page_of(project: Path, name: str):
    ledger = json.loads((project / "site" / "fidelity.json").read_text(encoding="utf-8"))["seeds"][f"seeds/{name}"]
    return soup(project / "site" / ledger["url"] / "index.html"), ledger


def test_the_corpus_is_all_there():
    assert len(FILES) == 11


@pytest.mark.parametrize("name", FILES)
def test_every_sentence_of_the_article_reaches_its_page(corpus_build, name):
    figures = corpus_build[1][name]
    assert figures.sentences > 10
    assert figures.sentence_share >= 0.99, figures.missing


@pytest.mark.parametrize("name", FILES)
def test_every_body_image_is_shown_unless_a_named_rule_removed_it(corpus_build, name):
    figures = corpus_build[1][name]
    assert figures.images_shown + figures.images_removed_by_rule == figures.images


@pytest.mark.parametrize("name", FILES)
def test_no_markdown_debris_no_bare_urls_no_boilerplate(corpus_build, name):
    figures = corpus_build[1][name]
    assert (figures.markdown_debris, figures.bare_urls, figures.boilerplate) == ([], [], [])


def test_the_corpus_images_are_counted(corpus_build):
    figures = corpus_build[1]
    # Counted in the sources with grep, up to each account's end mark (— 完 —, ·END, 全文共…字).
    assert figures["06_jiayangqing_icml_test_of_time.txt"].images == 21
    assert figures["05_lucas_beyer_diff_transformer.txt"].images == 16
    assert sum(f.images for f in figures.values()) == 105


def test_a_byline_is_in_the_metadata_box_not_a_heading(corpus_build):
    page, ledger = page_of(corpus_build[0], "01_lifeifei_neurips_interview.txt")
    facts = page.select_one(".interview-meta").get_text(" ", strip=True)
    assert "白小交 发自 凹非寺" in facts and "量子位 | 公众号 QbitAI" in facts
    assert not [h for h in page.select("article h2, article h3, article h4, article h5") if "凹非寺" in h.get_text()]
    assert ledger["credits"] == ["白小交 发自 凹非寺", "量子位 | 公众号 QbitAI"]


def test_a_caption_is_shown_under_its_image_and_is_its_alt_text(corpus_build):
    page, _ = page_of(corpus_build[0], "08_sakana_evolutionary_merge.txt")
    figure = next(f for f in page.select("figure.article-image") if f.figcaption)
    assert figure.figcaption.get_text(strip=True) == "△ 马斯克点赞" and figure.img["alt"] == "△ 马斯克点赞"


def test_body_images_are_lazy_and_send_no_referrer(corpus_build):
    page, _ = page_of(corpus_build[0], "06_jiayangqing_icml_test_of_time.txt")
    images = page.select("article img")
    assert len(images) == 21
    assert all(i["loading"] == "lazy" and i["referrerpolicy"] == "no-referrer" and i["alt"] for i in images)


def test_bare_addresses_and_export_links_are_links_that_open_safely(corpus_build):
    page, _ = page_of(corpus_build[0], "08_sakana_evolutionary_merge.txt")
    links = {a["href"]: a for a in page.select("article a[href^=http]")}
    paper = links["https://arxiv.org/abs/2403.13187"]
    assert paper.get_text() == "https://arxiv.org/abs/2403.13187" and paper["rel"] == ["noopener"]
    page, _ = page_of(corpus_build[0], "10_ilya_who_why_leave_openai.txt")
    text_link = next(a for a in page.select("article a") if "宣布离职" in a.get_text())
    assert text_link["href"].startswith("http://mp.weixin.qq.com/s?__biz=") and text_link["rel"] == ["noopener"]


def test_lists_quotes_and_rules_keep_their_shape(corpus_build):
    page, _ = page_of(corpus_build[0], "10_ilya_who_why_leave_openai.txt")
    ordered = [ol for ol in page.select("article ol") if "timeline" not in (ol.get("class") or [])]
    assert [li.get_text(strip=True) for li in ordered[0].find_all("li")] == [
        "IIya 的年轻时代",
        "IIya 的早期研究生涯",
        "作为 OpenAI 联合创始人的 IIya",
        "ChatGPT 之后的 IIya",
    ]
    assert page.select("article hr") and len(page.select("article blockquote")) >= 10


def test_the_fidelity_ledger_is_published_for_tools(corpus_build):
    report = json.loads((corpus_build[0] / "site" / "fidelity.json").read_text(encoding="utf-8"))["seeds"]
    assert sorted(report) == [f"seeds/{name}" for name in FILES]
    ledger = report["seeds/11_notion_ai_team.txt"]
    assert ledger["sentences_kept"] == ledger["sentences"] > 10
    # The paywall notice starts the closing boilerplate; everything after it is accounted for by rule.
    assert ledger["closing_line"] == 59
    assert {r["rule"] for r in ledger["removals"]} >= {"membership ad", "QR code prompt", "related articles"}
