"""In-process tests of the stages that write: the search index, the generated files on disk, the build."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import unicodedata
from array import array
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen import build, search_index, write
from sitegen import cache as cache_module
from sitegen.cache import content_digest, dump_entry, load_entry
from sitegen.clean import clean_body
from sitegen.editorial import Editorial
from sitegen.enrich import enrich
from sitegen.errors import BuildFailed, InputError, Problems
from sitegen.generate import Site
from sitegen.model import Article, Ledger, Line, Removal
from sitegen.parse import BEIJING, parse_article

from .conftest import (
    INLINE_HEADER,
    ROOT,
    SEEDS,
    copy_project,
    forget_plans,
    forget_synced,
    sitemap_pages,
    tree_digest,
)

SEED_HEADER = """# {title}

文章作者: {author}
发布时间: {date}
发布地: 上海
原文链接: http://mp.weixin.qq.com/s?__biz=AAA&mid={mid}&idx=1&sn=x

封面图链接: https://mmbiz.qpic.cn/c/300
"""


def seed_text(
    title: str = "标题", date: str = "2024-09-19 18:37", mid: int = 1, author: str = "AI深度研究员", body: str = ""
) -> str:
    return SEED_HEADER.format(title=title, date=date, mid=mid, author=author) + (
        body or "正文第一段，足够长的一段文字。\n"
    )


def interview(body: str, title: str = "标题"):
    article = parse_article("seeds/x.txt", seed_text(title=title, body=body))
    return enrich(article, clean_body(article.body, article.seed, article.header.author))


# --- write ------------------------------------------------------------------------------


def test_atomic_write_creates_folders_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a" / "b" / "page.md"
    write.atomic_write(target, "内容".encode())
    assert target.read_text(encoding="utf-8") == "内容"
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert sorted(p.name for p in target.parent.iterdir()) == ["page.md"]


def test_a_failed_atomic_write_keeps_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "page.md"
    target.write_text("旧", encoding="utf-8")

    with pytest.raises(TypeError):
        write.atomic_write(target, object())  # not bytes: the write fails half way
    assert target.read_text(encoding="utf-8") == "旧"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md"]


@pytest.mark.parametrize(
    ("content", "expected"), [(None, []), ("not json", []), ('["a.md", "b/c.md"]', ["a.md", "b/c.md"])]
)
def test_the_manifest_is_read_or_taken_as_empty(tmp_path, content, expected):
    if content is not None:
        (tmp_path / write.MANIFEST).write_text(content, encoding="utf-8")
    assert write.read_manifest(tmp_path) == expected


def test_empty_parent_folders_go_up_to_the_root_and_no_further(tmp_path):
    deep = tmp_path / "docs" / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "docs" / "keep.md").write_text("x", encoding="utf-8")
    write.remove_empty_parents(deep / "gone.md", tmp_path / "docs")
    assert not (tmp_path / "docs" / "a").exists() and (tmp_path / "docs").is_dir()
    full = tmp_path / "docs" / "c" / "d"
    full.mkdir(parents=True)
    (tmp_path / "docs" / "c" / "other.md").write_text("x", encoding="utf-8")
    write.remove_empty_parents(full / "gone.md", tmp_path / "docs")
    assert not full.exists() and (tmp_path / "docs" / "c").is_dir()


def test_sync_writes_changed_files_only_and_removes_only_what_it_generated(tmp_path):
    docs = tmp_path / "docs"
    first = write.sync_generated(docs, {"index.md": "首页", "interviews/a.md": "A", "interviews/b.md": "B"})
    assert (first.written, first.unchanged, first.removed) == (
        ["index.md", "interviews/a.md", "interviews/b.md"],
        0,
        [],
    )
    assert json.loads((docs / write.MANIFEST).read_text(encoding="utf-8")) == [
        "index.md",
        "interviews/a.md",
        "interviews/b.md",
    ]
    (docs / "interviews" / "hand.md").write_text("手写", encoding="utf-8")
    stamp = (docs / "index.md").stat().st_mtime_ns
    second = write.sync_generated(docs, {"index.md": "首页", "interviews/a.md": "A2"})
    assert (second.written, second.unchanged, second.removed) == (["interviews/a.md"], 1, ["interviews/b.md"])
    assert (docs / "index.md").stat().st_mtime_ns == stamp
    assert (docs / "interviews" / "hand.md").read_text(encoding="utf-8") == "手写"
    assert not (docs / "interviews" / "b.md").exists()
    assert json.loads((docs / write.MANIFEST).read_text(encoding="utf-8")) == ["index.md", "interviews/a.md"]
    os.utime(docs / write.MANIFEST, ns=(1, 1))
    third = write.sync_generated(docs, {"index.md": "首页", "interviews/a.md": "A2"})
    assert (third.written, third.unchanged, third.removed) == ([], 2, [])
    assert (docs / write.MANIFEST).stat().st_mtime_ns == 1


def test_only_the_changed_pages_are_staged_and_docs_changes_only_when_they_are_published(tmp_path):
    docs, staging = tmp_path / "docs", tmp_path / "stage" / "docs"
    known: dict = {}
    write.sync_generated(docs, {"index.md": "首页", "a.md": "A", "gone.md": "G", "same.md": "S"}, known)
    (docs / "assets").mkdir()
    (docs / "assets" / "site.css").write_text("css", encoding="utf-8")
    # A page written by hand since its sync, back to the bytes it is generated with: read, not staged.
    (docs / "same.md").write_text("S", encoding="utf-8")
    pages = {"index.md": "首页", "a.md": "A2", "new.md": "N", "same.md": "S"}
    staged = write.stage_changes(docs, staging, pages, known)
    assert (staged.written, staged.unchanged, staged.removed) == (["a.md", "new.md"], 2, ["gone.md"])
    assert sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()) == ["a.md", "new.md"]
    # Staging changes nothing in docs/.
    assert (docs / "a.md").read_text(encoding="utf-8") == "A" and (docs / "gone.md").is_file()
    assert not (docs / "new.md").exists()
    index_inode = (docs / "index.md").stat().st_ino
    report = write.publish_staged(docs, staging, staged, sorted(pages))
    assert (report.written, report.unchanged, report.removed) == (["a.md", "new.md"], 2, ["gone.md"])
    assert (docs / "a.md").read_text(encoding="utf-8") == "A2" and (docs / "new.md").read_text(encoding="utf-8") == "N"
    assert not (docs / "gone.md").exists() and (docs / "index.md").stat().st_ino == index_inode
    assert json.loads((docs / write.MANIFEST).read_text(encoding="utf-8")) == sorted(pages)
    assert (docs / "assets" / "site.css").read_text(encoding="utf-8") == "css"
    # What is known is docs/ as published: the next staging writes nothing and reads no page.
    assert set(known) == set(pages)
    again = write.stage_changes(docs, tmp_path / "again", pages, known)
    assert (again.written, again.unchanged, again.removed) == ([], 4, []) and not (tmp_path / "again").exists()


def test_sync_removes_folders_it_emptied(tmp_path):
    docs = tmp_path / "docs"
    write.sync_generated(docs, {"topics/x/y.md": "Y", "index.md": "i"})
    write.sync_generated(docs, {"index.md": "i"})
    assert not (docs / "topics").exists()


# --- search index --------------------------------------------------------------------------


def test_normalise_folds_full_width_and_case():
    assert search_index.normalise("ＧＰＴ－４Ｏ Agent") == "gpt-4o agent"


# Characters the quick path maps, characters it does not (a ligature, a parenthesised ideograph,
# half-width katakana and its voicing mark) and marks that combine with what comes before them.
NFKC_CASES = "ＡａＺ１！？，（）～　…\u0301\u0308Aae中文。、“”ﬁ㈠ｶﾞ\uf900"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=NFKC_CASES, max_size=16))
def test_normalise_is_nfkc_in_lower_case(text):
    assert search_index.normalise(text) == unicodedata.normalize("NFKC", text).lower()


def test_tokens_are_characters_pairs_and_latin_words_never_across_runs():
    counts = search_index.token_counts("智能体 AI智能\n体GPT-4o")
    assert counts == {
        "智": 2,
        "能": 2,
        "体": 2,
        "智能": 2,
        "能体": 1,
        "ai": 1,
        "gpt": 1,
        "4": 1,
        "o": 1,
    }


@pytest.mark.parametrize(("token", "value"), [("", 0x811C9DC5), ("a", 0xE40C292C), ("foobar", 0xBF9CF968)])
def test_fnv1a_matches_the_published_test_vectors(token, value):
    assert search_index.fnv1a(token) == value


def test_model_names_are_letter_and_digit_groups_and_long_words_have_their_tails():
    same = [search_index.token_counts(text) for text in ("GPT-4o", "GPT4o", "gpt 4o")]
    assert same[0] == same[1] == same[2] == {"gpt": 1, "4": 1, "o": 1}
    assert search_index.token_counts("ChatGPT-4o") == {
        "chatgpt": 1,
        "hatgpt": 1,
        "atgpt": 1,
        "tgpt": 1,
        "gpt": 1,
        "4": 1,
        "o": 1,
    }


def test_a_long_letter_group_has_only_its_last_tails():
    """A hostile seed of long letter runs: tails bounded in number and length, the ending still found."""
    counts = search_index.token_counts("x" * 19_000 + "chatgpt " + "y" * 19_000)
    tails = [token for token in counts if token not in ("x" * 19_000 + "chatgpt", "y" * 19_000)]
    assert "chatgpt" in counts and "gpt" in counts
    assert max(map(len, tails)) == search_index.MAX_TAIL and len(tails) == 2 * (search_index.MAX_TAIL - 2)


def test_postings_are_gaps_and_frequencies():
    assert search_index.encode_postings([0, 2, 3, 1, 7, 5]) == [0, 2, 3, 1, 4, 5]
    assert search_index.encode_postings([]) == []


@pytest.mark.parametrize(
    ("total", "shards"),
    [(0, 1), (12_000, 1), (12_001, 2), (48_000, 4), (48_001, 8), (10**12, 4096)],
)
def test_shard_count_doubles_until_shards_are_small(total, shards):
    assert search_index.shard_count(total) == shards


def test_sections_are_the_top_each_heading_and_each_turn():
    made = interview("引言一段。\n\n## 第一节\n\n节里的话。\n\n**主持人：** 问题？\n\nSam Altman：回答。\n\n之后的话。")
    assert search_index.sections(made) == [
        ["", "标题", "标题 引言一段。"],
        ["第一节", "第一节", "第一节 节里的话。"],
        ["t1", "主持人 · 第一节", "主持人 问题？"],
        ["t2", "Sam Altman · 第一节", "Sam Altman 回答。 之后的话。"],
    ]


def test_the_index_files_find_every_token_in_its_shard():
    older = interview("人工智能的未来。", title="旧的")
    newer = interview("智能体来了。AGI 也来了。", title="新的")
    files = search_index.build_search_index([newer, older], lambda i: f"interviews/{i.header.title}/")
    meta = json.loads(files["search/meta.json"])
    assert meta == {"version": 2, "shards": 1, "docs": 2, "aliases": []}
    doc = json.loads(files["search/docs/0.json"])
    assert doc["t"] == "新的" and doc["u"] == "interviews/新的/" and doc["d"] == "2024-09-19"
    shard = json.loads(files["search/shards/0.json"])
    assert shard["智能"] == [0, 1, 1, 1] and shard["agi"] == [0, 1] and shard["未来"] == [1, 1]
    assert set(files) == {"search/meta.json", "search/docs/0.json", "search/docs/1.json", "search/shards/0.json"}


def test_tokens_are_spread_over_shards_by_their_hash(monkeypatch):
    monkeypatch.setattr(search_index, "TARGET_SHARD_BYTES", 10)
    files = search_index.build_search_index([interview("人工智能的未来在于推理模型。")], lambda i: "x/")
    shards = json.loads(files["search/meta.json"])["shards"]
    assert shards > 1
    for number in range(shards):
        for token in json.loads(files[f"search/shards/{number}.json"]):
            assert search_index.fnv1a(token) % shards == number


def numbered(bodies: list[str]) -> list:
    """Interviews as the loader gives them: each with its own URL and a key of its seed's content."""
    return [
        replace(interview(body, title=f"第{n}篇"), slug=f"s{n}", source_key=f"key {body}")
        for n, body in enumerate(bodies)
    ]


BODIES = [
    f"第{n}篇谈到{topic}和推理模型。"
    for n, topic in enumerate(["智能体", "算力", "开源", "安全", "芯片", "能源", "教育", "医疗", "机器人"])
]


def url_of(made) -> str:
    return f"interviews/{made.slug}/"


def test_an_index_updated_for_an_edited_interview_is_the_index_made_anew(monkeypatch):
    monkeypatch.setattr(search_index, "TARGET_SHARD_BYTES", 40)
    previous = search_index.make_index(numbered(BODIES), url_of)
    files_before = dict(previous.files)
    # Interview 4 loses 芯片 (no other has it), gains 量子, a new token, and has 推理 twice; the rest keep their numbers.
    edited = numbered([*BODIES[:4], "第4篇谈到量子计算和推理模型，推理。", *BODIES[5:]])
    monkeypatch.setattr(search_index, "make_index", lambda *args: pytest.fail("made anew"))
    updated = search_index.updated_index(previous, edited, url_of)
    monkeypatch.undo()
    monkeypatch.setattr(search_index, "TARGET_SHARD_BYTES", 40)
    assert updated.files == search_index.build_search_index(edited, url_of)
    assert json.loads(updated.files["search/meta.json"])["shards"] > 1
    assert previous.files == files_before
    every_token = {token for name, text in updated.files.items() if "/shards/" in name for token in json.loads(text)}
    assert "量子" in every_token and "芯片" not in every_token


@pytest.mark.parametrize(
    "change",
    ["one more", "aliases", "many edited", "no source keys", "shard count"],
)
def test_an_index_is_made_anew_when_numbers_move_or_much_changed(monkeypatch, change):
    monkeypatch.setattr(search_index, "TARGET_SHARD_BYTES", 40)
    before = numbered(BODIES)
    previous = search_index.make_index(before, url_of)
    aliases: list = []
    now = list(before)
    if change == "one more":
        now = numbered(["新的一篇。", *BODIES])
    elif change == "aliases":
        now[0] = numbered(["改过的一篇。"])[0]
        aliases = [["AGI", "通用人工智能"]]
    elif change == "many edited":
        now[0], now[1] = (replace(made, source_key=made.source_key + " 改") for made in now[:2])
    elif change == "no source keys":
        now = [replace(made, source_key=None) for made in now]
    else:
        now[0] = replace(now[0], search_tokens=("\0".join(f"词{n}" for n in range(400)), array("I", [1] * 400)))
        now[0] = replace(now[0], source_key="long")
    made = []
    real = search_index.make_index
    monkeypatch.setattr(search_index, "make_index", lambda *args: made.append(1) or real(*args))
    updated = search_index.updated_index(previous, now, url_of, aliases)
    assert made == [1]
    assert updated.files == search_index.build_search_index(now, url_of, aliases)


def texts(files: dict) -> dict[str, str]:
    """Files by name as texts: those from the cache are read only when asked for."""
    return {name: str(text) for name, text in files.items()}


def test_a_process_that_builds_again_updates_the_search_index_it_holds(tmp_path, monkeypatch):
    from sitegen.cache import PickleCache
    from sitegen.generate import search_index_files

    site = Site("访谈录", "", "https://example.org/")
    before = numbered(BODIES)
    search_index_files(PickleCache(tmp_path), before, site, [])  # on disk, not held
    held: dict = {}
    first = texts(search_index_files(PickleCache(tmp_path, memory=held), before, site, []))
    assert first == search_index.build_search_index(before, site.page_url)
    edited = [numbered(["第0篇改谈开源。"])[0], *before[1:]]
    made = []
    real = search_index.make_index
    monkeypatch.setattr(search_index, "make_index", lambda *args: made.append(1) or real(*args))
    again = texts(search_index_files(PickleCache(tmp_path, memory=held), edited, site, []))
    assert made == [] and again != first
    assert again == search_index.build_search_index(edited, site.page_url)


def test_a_build_after_an_edit_updates_the_index_the_last_build_kept(tmp_path, monkeypatch):
    from sitegen.cache import PickleCache
    from sitegen.generate import LAST_INDEX, generated_files, search_index_files

    site = Site("访谈录", "", "https://example.org/")
    made = []
    real = search_index.make_index
    monkeypatch.setattr(search_index, "make_index", lambda *args: made.append(1) or real(*args))
    monkeypatch.setattr(cache_module, "FILE_GROUPS", 2)  # an edited file shares its group with others

    def build_of(interviews: list) -> dict[str, str]:
        """A build whose generated files are the search index's: planned, kept and pruned as a build's."""
        cache = PickleCache(tmp_path)
        return texts(generated_files(cache, interviews, site, lambda: search_index_files(cache, interviews, site, [])))

    build_of(numbered(BODIES))
    assert made == [1]
    # The second build changes nothing and makes nothing (the plan gives every file); the third is
    # an edit again.
    for edit in ("第0篇改谈开源。", "第0篇改谈开源。", "第0篇又改了。"):
        edited = [numbered([edit])[0], *numbered(BODIES)[1:]]
        assert build_of(edited) == real(edited, site.page_url).files
        assert made == [1], "made anew"
    # What is kept: the plan, the list of where each file of the index is, the rest of the index
    # (with that list and the entries of its postings' parts), those entries again, the groups of
    # files the list names and those parts; the groups and parts it replaced are pruned.
    entries = {entry.stem: load_entry(entry.read_bytes()) for entry in tmp_path.glob("*.pickle")}
    (listing, _, parts) = next(value for value in entries.values() if isinstance(value, tuple))
    groups = {group for group, _ in listing.values()}
    parts = {part for part in parts if part}
    assert groups | parts <= set(entries) and len(entries) == len(groups) + len(parts) + 4
    # A build that makes nothing keeps the last index's entries without reading the index.
    read: list[str] = []
    real_get = PickleCache.get
    monkeypatch.setattr(PickleCache, "get", lambda self, key, *args: read.append(key) or real_get(self, key, *args))
    build_of(edited)
    monkeypatch.setattr(PickleCache, "get", real_get)
    assert read and PickleCache(tmp_path).key(LAST_INDEX, b"") not in read
    assert parts <= {entry.stem for entry in tmp_path.glob("*.pickle")}, "and keeps its parts"
    # With the groups of the last index's files damaged, an edit that needs one makes it anew.
    for group in groups:
        (tmp_path / f"{group}.pickle").write_bytes(b"damaged")
    assert build_of(numbered(BODIES)) == real(numbered(BODIES), site.page_url).files
    assert made == [1, 1]
    # With the last index's files gone (and the plan that names them), the index is made anew.
    for entry in tmp_path.glob("*.pickle"):
        if isinstance(load_entry(entry.read_bytes()), dict):
            entry.unlink()
    edited = [numbered(["第0篇改谈开源。"])[0], *numbered(BODIES)[1:]]
    assert build_of(edited) == real(edited, site.page_url).files
    assert made == [1, 1, 1]


@pytest.mark.parametrize("body", ["kept", "gone"])
def test_an_edit_reads_and_writes_only_the_parts_of_the_postings_it_touches(tmp_path, monkeypatch, body):
    """The last index's postings are kept in parts by shard. What the edited interview was indexed
    with comes from its body entry while that is kept: then only the parts of the tokens it changed
    are read, and only they are written again. Without it, every part is read."""
    from sitegen.cache import PickleCache, body_key
    from sitegen.generate import LAST_INDEX, generated_files, search_index_files

    monkeypatch.setattr(search_index, "TARGET_SHARD_BYTES", 40)
    site = Site("访谈录", "", "https://example.org/")
    before, edited = numbered(BODIES), numbered([BODIES[0].replace("智能", "量子"), *BODIES[1:]])
    read: list[str] = []
    peek = cache_module.PickleCache.peek
    monkeypatch.setattr(cache_module.PickleCache, "peek", lambda cache, key: read.append(key) or peek(cache, key))

    def build_of(interviews: list) -> tuple[dict, list]:
        cache = PickleCache(tmp_path)
        for made in interviews if body == "kept" else ():
            cache.put(body_key(cache, made.source_key), (None, search_index.search_tokens(made)))
        files = generated_files(cache, interviews, site, lambda: search_index_files(cache, interviews, site, []))
        return texts(files), PickleCache(tmp_path).get(cache.key(LAST_INDEX, b""))[2]

    _, parts_before = build_of(before)
    read.clear()
    files, parts_after = build_of(edited)
    assert files == search_index.build_search_index(edited, site.page_url)
    was, now = (dict(search_index.token_frequencies(search_index.search_tokens(i))) for i in (before[0], edited[0]))
    shards = search_index.make_index(before, url_of).shards
    touched = {
        search_index.part_of(token, shards) for token in was.keys() | now.keys() if was.get(token) != now.get(token)
    }
    stored = [number for number, part in enumerate(parts_before) if part]
    assert len(stored) > 2 * len(touched)
    rewritten = [number for number in stored if parts_after[number] != parts_before[number]]
    assert set(rewritten) <= touched and rewritten
    read_parts = [number for number in stored if parts_before[number] in read]
    assert read_parts == (rewritten if body == "kept" else stored)
    for number in rewritten:
        assert not (tmp_path / f"{parts_before[number]}.pickle").exists()
    for number in set(stored) - set(rewritten):
        assert (tmp_path / f"{parts_before[number]}.pickle").exists()


@pytest.mark.parametrize("copy_fails", [False, True], ids=["copy", "copy fails"])
def test_a_build_makes_the_search_index_in_a_forked_copy_and_serve_in_its_own_process(
    tmp_path, monkeypatch, copy_fails
):
    from sitegen.cache import PickleCache
    from sitegen.generate import search_index_ahead

    site = Site("访谈录", "", "https://example.org/")
    record = tmp_path / "made in"
    real = search_index.make_index

    def spy(*args):
        with record.open("a") as file:
            file.write(f"{os.getpid()}\n")
        if copy_fails and os.getpid() != here:
            raise RuntimeError("the copy fails")
        return real(*args)

    here = os.getpid()
    monkeypatch.setattr(search_index, "make_index", spy)
    files = search_index_ahead(PickleCache(tmp_path / "build"), numbered(BODIES), site, [])()
    assert texts(files) == real(numbered(BODIES), site.page_url).files
    made_in = record.read_text().split()
    assert made_in[0] != str(here)
    assert made_in[1:] == ([str(here)] if copy_fails else [])
    record.unlink()
    search_index_ahead(PickleCache(tmp_path / "serve", memory={}), numbered(BODIES), site, [])()
    assert record.read_text().split() == [str(here)]
    # On one core a copy would only take turns with the build.
    record.unlink()
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    search_index_ahead(PickleCache(tmp_path / "one core"), numbered(BODIES), site, [])()
    assert record.read_text().split() == [str(here)]


@pytest.mark.parametrize("memory", [None, {}], ids=["build", "serve"])
def test_the_index_after_an_edit_is_the_index_made_anew_when_the_old_seed_is_gone_from_the_cache(
    tmp_path, monkeypatch, memory
):
    """A real build, twice, with a seed edited between: what the edited interview was indexed with
    has to come from the index, not from its cache entries, which the second build has removed."""
    from benchmarks.synthetic import write_synthetic_seeds

    root = copy_project(tmp_path / "p")
    shutil.rmtree(root / "seeds")
    seeds = write_synthetic_seeds(ROOT / "seeds", root / "seeds", 16)
    project = build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache", memory=memory)
    build.build_site(project, Problems())
    first = tree_digest(root / "docs" / "search")
    text = seeds[7].read_text(encoding="utf-8")
    assert text.count("我们") > 2
    seeds[7].write_text(text.replace("我们", "鲸鱼飞艇"), encoding="utf-8")
    made = []
    real = search_index.make_index
    monkeypatch.setattr(search_index, "make_index", lambda *args: made.append(1) or real(*args))
    build.build_site(project, Problems())
    assert made == [], "made anew"
    updated = tree_digest(root / "docs" / "search")
    assert updated != first
    shutil.rmtree(root / ".cache")
    build.build_site(replace(project, memory=None), Problems())
    assert updated == tree_digest(root / "docs" / "search")


def test_the_offline_script_holds_every_file():
    files = {"search/meta.json": '{"a":1}', "search/docs/0.json": '{"t":"x"}'}
    script = search_index.offline_script(files)
    assert script.startswith("window.__SITE_SEARCH__={") and script.endswith("};\n")
    assert json.loads(script.removeprefix("window.__SITE_SEARCH__=").rstrip(";\n")) == {
        "meta.json": {"a": 1},
        "docs/0.json": {"t": "x"},
    }


# --- build -----------------------------------------------------------------------------------


@pytest.fixture
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    return folder


def data() -> build.DataFiles:
    return build.load_data(ROOT / "data")


def test_header_warnings_name_their_lines():
    text = (
        seed_text(date="2030-01-01 00:00")
        .replace("发布地: 上海\n", "")
        .replace("封面图链接: https://mmbiz.qpic.cn/c/300", "封面图链接:")
    )
    article = parse_article("seeds/x.txt", text)
    # A missing line is reported at the header's last line, an empty one at its own line.
    warnings = build.header_warnings(article, datetime(2029, 12, 29, 23, 59, tzinfo=BEIJING))
    assert [str(w) for w in warnings] == [
        "seeds/x.txt:4: 发布时间 2030-01-01 is in the future",
        "seeds/x.txt:7: header line 发布地: is missing",
        "seeds/x.txt:7: header line 封面图链接: is empty",
    ]
    # Up to two days ahead is no warning.
    near = build.header_warnings(article, datetime(2030, 1, 1, tzinfo=BEIJING) - build.FUTURE_GRACE)
    assert [w.reason for w in near] == ["header line 发布地: is missing", "header line 封面图链接: is empty"]


def test_a_seed_that_shows_nothing_after_its_header_is_warned_about_at_the_line_after_it():
    header_only = SEED_HEADER.format(title="标题", date="2024-09-19 18:37", mid=1, author="某公众号")
    for body in ("\n", "点击上方蓝字关注我们\n\n- END -\n"):
        article, made = build.parse_and_clean("seeds/x.txt", (header_only + body).encode("utf-8"), data())
        assert [str(w) for w in build.body_warnings(article, made)] == [
            "seeds/x.txt:9: the article shows no text and no image after its header"
        ]
    for body in ("一句话。\n", "![](https://mmbiz.qpic.cn/a/640)\n"):
        article, made = build.parse_and_clean("seeds/x.txt", (header_only + body).encode("utf-8"), data())
        assert build.body_warnings(article, made) == [], body


def test_load_interviews_collects_every_problem_and_notes(seeds):
    (seeds / "a.txt").write_text(seed_text(mid=1), encoding="utf-8")
    (seeds / "b.txt").write_text("", encoding="utf-8")
    (seeds / "c.txt").write_text(seed_text(date="昨天", mid=3), encoding="utf-8")
    (seeds / "notes.md").write_text("x", encoding="utf-8")
    problems = Problems()
    with pytest.raises(BuildFailed) as caught:
        build.load_interviews(seeds, data(), problems)
    assert [str(e) for e in caught.value.errors] == [
        "seeds/b.txt:1: file is empty",
        "seeds/c.txt:4: 发布时间 '昨天' is not a date in the form YYYY-MM-DD HH:MM",
    ]
    assert problems.notes == ["seeds/notes.md: ignored, not a .txt file"]


def test_load_interviews_without_seeds_or_folder_is_an_error(seeds):
    with pytest.raises(BuildFailed) as caught:
        build.load_interviews(seeds, data(), Problems())
    assert str(caught.value.errors[0]) == "seeds/*.txt:0: no seed files found"
    with pytest.raises(BuildFailed) as caught:
        build.load_interviews(seeds / "missing", data(), Problems())
    assert caught.value.errors[0].reason == "seeds folder does not exist"


def test_load_interviews_gives_same_minute_articles_their_own_urls(seeds):
    (seeds / "000_a.txt").write_text(seed_text(mid=1), encoding="utf-8")
    (seeds / "001_b.txt").write_text(seed_text(mid=2).replace("__biz=AAA", "__biz=BBB"), encoding="utf-8")
    loaded = build.load_interviews(seeds, data(), Problems())
    assert [i.slug for i in loaded] == ["2024-09-19-1837", "2024-09-19-1837-" + loaded[1].slug[-6:]]
    assert loaded[1].slug != loaded[0].slug and len(loaded[1].slug) == len("2024-09-19-1837-") + 6


def test_the_summary_line_and_the_ledger_say_what_was_removed():
    made = interview("**（关注公众号并设为🌟标，获取最新人工智能资讯和产品）**\n\n正文第一段，足够长。\n\n— 完 —")
    assert build.removal_summary(made) == (
        "seeds/x.txt: kept 1/1 sentences, 0/0 images; removed follow prompt 1 (26 chars), end mark 1 (3 chars)"
    )
    assert build.ledger_lines(made)[1:] == [
        "  closing boilerplate from line 13",
        "  lines 9–9: follow prompt: 26 chars, 1 sentences, 0 images",
        "  lines 13–13: end mark: 3 chars, 1 sentences, 0 images",
    ]


def test_redirects_must_lead_to_pages_and_not_replace_them(tmp_path):
    project = build.Project(root=tmp_path, seeds_dir=tmp_path / "seeds")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "about.md").write_text("x", encoding="utf-8")
    redirects = {"old.md": ("interviews/a.md", 3), "older.md": ("about.md", 4)}
    files = build.DataFiles((), {}, {}, redirects)
    assert build.redirect_maps(files, {"interviews/a.md": "A"}, project, Problems()) == {
        "old.md": "interviews/a.md",
        "older.md": "about.md",
    }
    broken = build.DataFiles((), {}, {}, {"old.md": ("interviews/none.md", 5), "interviews/a.md": ("about.md", 6)})
    with pytest.raises(BuildFailed) as caught:
        build.redirect_maps(broken, {"interviews/a.md": "A"}, project, Problems())
    assert [str(e) for e in caught.value.errors] == [
        "data/redirects.yml:5: redirect target interviews/none/ is not a page",
        "data/redirects.yml:6: interviews/a/ is a page, it cannot redirect",
    ]


def test_the_build_date_is_pinned_only_when_not_set(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    when = datetime(2024, 9, 19, 18, 37, tzinfo=BEIJING)
    with build.build_date(when):
        assert os.environ["SOURCE_DATE_EPOCH"] == str(int(when.timestamp()))
    assert "SOURCE_DATE_EPOCH" not in os.environ
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "5")
    with build.build_date(when):
        assert os.environ["SOURCE_DATE_EPOCH"] == "5"
    assert os.environ["SOURCE_DATE_EPOCH"] == "5"


@pytest.mark.parametrize(("year", "pinned"), [(1, "0"), (1969, "0"), (9999, str(2**32 - 1))])
def test_a_build_date_a_gzip_header_cannot_hold_is_its_nearest_end(monkeypatch, year, pinned):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with build.build_date(datetime(year, 12, 31, 23, 59, tzinfo=BEIJING) - timedelta(days=1)):
        assert os.environ["SOURCE_DATE_EPOCH"] == pinned


def test_swapping_a_site_keeps_the_times_of_unchanged_files(tmp_path):
    old, new = tmp_path / "site", tmp_path / "new"
    for folder, changed in ((old, "old"), (new, "new")):
        folder.mkdir()
        (folder / "same.html").write_text("same", encoding="utf-8")
        (folder / "changed.html").write_text(changed, encoding="utf-8")
    os.utime(old / "same.html", ns=(10**9, 10**9))
    build.swap_directory(new, old)
    assert (old / "changed.html").read_text(encoding="utf-8") == "new"
    assert (old / "same.html").stat().st_mtime_ns == 10**9
    assert (old / "changed.html").stat().st_mtime_ns != 10**9
    assert not new.exists() and not build.old_copy(old).exists()


def test_a_site_file_linked_to_its_twin_keeps_its_time_without_being_read(tmp_path, monkeypatch):
    old, new = tmp_path / "site", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "shard.json").write_text("{}", encoding="utf-8")
    os.link(old / "shard.json", new / "shard.json")
    monkeypatch.setattr(Path, "read_bytes", lambda path: pytest.fail(f"{path} was read"))
    build.keep_unchanged_mtimes(new, old)


def test_static_files_of_docs_are_linked_and_a_link_to_an_older_version_is_replaced(tmp_path):
    from mkdocs.structure.files import File

    docs, site, theme = tmp_path / "docs", tmp_path / "site", tmp_path / "theme"
    for folder, name in ((docs, "search/meta.json"), (docs, "index.md"), (theme, "bundle.js")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name, encoding="utf-8")
    (site / "search").mkdir(parents=True)
    os.link(docs / "search" / "meta.json", site / "search" / "meta.json")
    kept = tmp_path / "kept.json"
    os.link(docs / "search" / "meta.json", kept)  # the previous version, kept elsewhere (an older site)
    write.atomic_write(docs / "search" / "meta.json", b"new")
    files = [
        File(name, str(folder), str(site), True)
        for folder, name in ((docs, "search/meta.json"), (docs, "index.md"), (theme, "bundle.js"))
    ]
    build.link_static_files(files, docs)
    assert (site / "search" / "meta.json").samefile(docs / "search" / "meta.json")
    assert kept.read_text(encoding="utf-8") == "search/meta.json"
    assert not (site / "bundle.js").exists() and not (site / "index.md").exists()


def test_a_page_whose_digest_and_old_copy_are_as_recorded_keeps_its_time_unread(tmp_path, monkeypatch):
    old, new = tmp_path / "old", tmp_path / "new"  # names of one length: the pages' sizes match
    for folder in (old, new):
        folder.mkdir()
        for name in ("same.html", "edited.html", "unrecorded.html"):
            (folder / name).write_text(f"{name} {folder.name}", encoding="utf-8")
    digests = {name: content_digest(f"{name} new".encode()) for name in ("same.html", "edited.html")}
    seen = build.site_record(old, {"same.html": digests["same.html"], "edited.html": b"old digest"})
    for name in ("same.html", "edited.html", "unrecorded.html"):
        os.utime(old / name, ns=(10**9, 10**9))
    seen = {name: (digest, size, 10**9) for name, (digest, size, _) in seen.items()}
    read: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    build.keep_unchanged_mtimes(new, old, digests, seen)
    # Recorded as the new page's digest: kept unread. Recorded otherwise: changed, unread. Else compared.
    assert (new / "same.html").stat().st_mtime_ns == 10**9
    assert (new / "edited.html").stat().st_mtime_ns != 10**9
    assert sorted(read) == ["unrecorded.html", "unrecorded.html"]
    assert (new / "unrecorded.html").stat().st_mtime_ns != 10**9
    assert build.site_record(new, digests)["same.html"] == (digests["same.html"], len(b"same.html new"), 10**9)


def test_recovery_clears_staging_and_restores_a_site_caught_mid_swap(tmp_path):
    (tmp_path / ".staging-abc" / "docs").mkdir(parents=True)
    site = tmp_path / "site"
    build.old_copy(site).mkdir()
    (build.old_copy(site) / "index.html").write_text("good", encoding="utf-8")
    build.recover_interrupted(tmp_path, (site,))
    assert not list(tmp_path.glob(".staging-*"))
    assert (site / "index.html").read_text(encoding="utf-8") == "good" and not build.old_copy(site).exists()


def test_a_real_build_in_process_writes_docs_and_site(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    project = build.Project(root=root, seeds_dir=root / "seeds")
    interviews, report = build.build_site(project, Problems())
    assert [i.slug for i in interviews] == ["2024-09-19-1837"]
    assert "interviews/2024-09-19-1837.md" in report.written and report.removed == []
    assert (root / "site" / "interviews" / "2024-09-19-1837" / "index.html").is_file()
    assert (
        json.loads((root / "site" / "fidelity.json").read_text(encoding="utf-8"))["seeds"][
            "seeds/000_6244441d9e2e7e9c.txt"
        ]["url"]
        == "interviews/2024-09-19-1837/"
    )
    assert not list(root.glob(".staging-*"))
    # docs/' static files are the site's by hard link; the theme's are copies.
    assert (root / "site" / "search" / "meta.json").samefile(root / "docs" / "search" / "meta.json")
    assert (root / "site" / "assets" / "stylesheets" / "site.css").samefile(
        root / "docs" / "assets" / "stylesheets" / "site.css"
    )
    theme_script = next((root / "site" / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert theme_script.stat().st_nlink == 1
    shutil.rmtree(root / "seeds")
    (root / "seeds").mkdir()
    with pytest.raises(BuildFailed):
        build.build_site(project, Problems())
    assert (root / "site" / "interviews" / "2024-09-19-1837" / "index.html").is_file()


def test_line_numbers_of_lines_read_are_kept():
    # Eight header lines; the body starts on line 9.
    assert [line.number for line in parse_article("seeds/x.txt", seed_text()).body][:2] == [9, 10]
    assert isinstance(Line(1, "x"), Line) and InputError("a", 1, "b").line == 1


def test_feeds_carry_the_newest_fifty_interviews():
    from dataclasses import replace

    from sitegen.feeds import json_feed, rss_feed

    base = interview("正文第一段，足够长的一段文字。")
    many = [
        replace(
            base, slug=f"s{n:03d}", header=replace(base.header, published=base.header.published + timedelta(days=n))
        )
        for n in range(60)
    ]
    newest = sorted(many, key=lambda i: i.header.published, reverse=True)
    site = {"name": "站", "description": "描述", "url": "https://example.github.io/x/"}
    items = json.loads(json_feed(newest, site))["items"]
    assert [item["url"] for item in items] == [
        f"https://example.github.io/x/interviews/s{n:03d}/" for n in range(59, 9, -1)
    ]
    rss = rss_feed(newest, site)
    assert rss.count("<item>") == 50 and "interviews/s059/" in rss and "interviews/s009/" not in rss


# --- the build, stage by stage, in process ------------------------------------------------------


def test_site_settings_come_from_the_mkdocs_configuration(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    project = build.Project(root=root, seeds_dir=root / "seeds")
    online = build.site_settings(build.load_mkdocs_config(project))
    assert online == Site(
        "Sam Altman 访谈录",
        "OpenAI 首席执行官 Sam Altman 访谈、演讲与对话的中文全文整理，附原文与视频链接。",
        "https://example.github.io/sam-altman-interviews/",
        True,
        offline=False,
    )
    offline = build.load_mkdocs_config(project, offline=True, site_url="https://fork.example/x")
    assert offline.use_directory_urls is False and offline.extra["offline"] is True and offline.hooks == {}
    assert build.site_settings(offline) == Site(
        online.name, online.description, "https://fork.example/x/", False, offline=True
    )


def test_same_url_and_same_article_are_named_with_the_first_seed(seeds):
    (seeds / "000_a.txt").write_text(seed_text(mid=1), encoding="utf-8")
    (seeds / "001_b.txt").write_text(seed_text(mid=1, date="2024-09-20 18:37"), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build.load_interviews(seeds, data(), Problems())
    assert [str(e) for e in caught.value.errors] == [
        "seeds/001_b.txt:1: same article (原文链接 __biz/mid/idx AAA/1/1) as seeds/000_a.txt"
    ]


def test_a_hand_picked_url_that_is_taken_is_refused(tmp_path, seeds):
    (seeds / "000_a.txt").write_text(seed_text(mid=1), encoding="utf-8")
    (seeds / "001_b.txt").write_text(seed_text(mid=2, date="2024-09-20 10:00"), encoding="utf-8")
    files = data()
    files = build.DataFiles(**{**files.__dict__, "editorial": {"001_b.txt": Editorial(slug="2024-09-19-1837")}})
    with pytest.raises(BuildFailed) as caught:
        build.load_interviews(seeds, files, Problems())
    assert [str(e) for e in caught.value.errors] == [
        "seeds/001_b.txt:1: same URL interviews/2024-09-19-1837/ as seeds/000_a.txt"
    ]


def test_an_interview_gets_what_the_editor_adds(seeds):
    path = seeds / "000_a.txt"
    path.write_text(seed_text(body="人工智能正文。AGI 的话题。AGI 和 AGI 再说一次。\n"), encoding="utf-8")
    notes = Editorial(
        host="主持人甲",
        host_role="记者",
        event="某大会",
        title_en="Title",
        slug="hand-picked",
        topics_add=("agents",),
        topics_remove=("agi",),
    )
    files = build.DataFiles(**{**data().__dict__, "editorial": {"000_a.txt": notes}})
    warnings: list = []
    made = build.load_interview(path, files, warnings, datetime(2024, 9, 20, tzinfo=BEIJING))
    assert (made.slug, made.host, made.host_role, made.event, made.title_en) == (
        "hand-picked",
        "主持人甲",
        "记者",
        "某大会",
        "Title",
    )
    assert made.topics == ("agents",) and made.topic_hits["agi"] == 3 and made.seed == "seeds/000_a.txt"
    assert warnings == []


def test_a_broken_data_file_is_reported_with_the_seed_problems(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    (root / "data" / "topics.yml").write_text("topics: [\n", encoding="utf-8")
    (root / "seeds" / "bad.txt").write_text("", encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build.load_project(build.Project(root=root, seeds_dir=root / "seeds"), Problems())
    assert [str(e).split(": ")[0] for e in caught.value.errors] == ["data/topics.yml:2", "seeds/bad.txt:1"]


def test_generate_writes_the_pages_into_the_configured_docs_folder(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    project = build.Project(root=root, seeds_dir=root / "seeds")
    config = build.load_mkdocs_config(project)
    interviews, report, redirects = build.generate(project, config, Problems())
    assert [i.slug for i in interviews] == ["2024-09-19-1837"] and redirects == {}
    assert "interviews/2024-09-19-1837.md" in report.written and (root / "docs" / "index.md").is_file()
    assert build.generate(project, config, Problems())[1].written == []


def test_mkdocs_holds_no_pages_markdown_once_it_is_converted(tmp_path, monkeypatch):
    """Memory: MkDocs converts every page before it writes any; each page's Markdown held beside its
    HTML until then would be a third of a first build's peak."""
    import mkdocs.commands.build as mkdocs_build

    held: list[int] = []
    write_page = mkdocs_build._build_page

    def writing(page, config, doc_files, *args, **kwargs):
        if not held:  # every page is converted by now
            held.extend(len(file.page.markdown or "") for file in doc_files if file.page is not None)
        return write_page(page, config, doc_files, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", writing)
    root = copy_project(tmp_path / "p", seeds=SEEDS[:2])
    build.build_site(build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache"), Problems())
    assert len(held) > 10 and max(held) == 0
    assert "Sam Altman" in (root / "site" / "interviews" / "2024-09-19-1837" / "index.html").read_text("utf-8")


def test_an_offline_build_writes_site_offline_and_leaves_docs_alone(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    project = build.Project(root=root, seeds_dir=root / "seeds")
    interviews, report = build.build_site(project, Problems(), offline=True)
    assert (root / "site-offline" / "interviews" / "2024-09-19-1837.html").is_file()
    assert (root / "site-offline" / "search" / "offline.js").is_file()
    assert not (root / "site").exists() and not (root / "docs" / "interviews").exists()
    assert "search/offline.js" in report.written and report.written == sorted(report.written)


def test_the_data_files_are_read_from_the_data_folder(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    (folder / "redirects.yml").write_text("redirects:\n  old/: interviews/2024-09-19-1837/\n", encoding="utf-8")
    pages = folder / "pages.yml"
    pages.write_text(pages.read_text(encoding="utf-8").replace("per_page: 30", "per_page: 7"), encoding="utf-8")
    files = build.load_data(folder)
    assert files.editorial["000_6244441d9e2e7e9c.txt"].host == "Mike Sievert"
    assert files.redirects == {"old.md": ("interviews/2024-09-19-1837.md", 2)}
    assert {account for account, _ in files.furniture.accounts} >= {"AI深度研究员", "量子位"}
    assert files.pagination["per_page"]["topic"] == 7 and "{number}" in files.pagination["page_title"]
    assert len(files.predictions) == 13 and len(files.quotes) == 16 and files.page_texts["home"]["title"] == "首页"
    assert [t.slug for t in files.topics][:2] == ["agents", "reasoning"]


def test_a_missing_seeds_folder_is_named_in_the_message(tmp_path):
    with pytest.raises(BuildFailed) as caught:
        build.load_interviews(tmp_path / "nowhere", data(), Problems())
    assert [str(e) for e in caught.value.errors] == [f"{tmp_path / 'nowhere'}:0: seeds folder does not exist"]


def test_progress_names_each_stage_and_counts_its_work(tmp_path, capsys, monkeypatch):
    from sitegen import progress

    monkeypatch.setattr(progress, "SHOW_AFTER_SECONDS", 0)
    progress.show_progress(True)
    try:
        root = copy_project(tmp_path / "p", seeds=SEEDS[:2])
        build.build_site(build.Project(root=root, seeds_dir=root / "seeds"), Problems())
    finally:
        progress.show_progress(False)
    shown = capsys.readouterr().err
    pages = sum(1 for _ in (root / "docs").rglob("*.md"))
    # Each bar names its stage and the size of its work (it is cleared at the end, so not all counts show).
    assert re.search(r"seeds read: [^\r\n]*\b\d+/2 ", shown)
    assert "pages generated" in shown
    assert re.search(rf"MkDocs rendering: .*\b\d+/{2 * pages} ", shown)  # each page converted, then written


def test_mkdocs_builds_with_the_redirects_it_is_given(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    (root / "data" / "redirects.yml").write_text("redirects:\n  old/: interviews/2024-09-19-1837/\n", encoding="utf-8")
    build.build_site(build.Project(root=root, seeds_dir=root / "seeds"), Problems())
    forward = (root / "site" / "old" / "index.html").read_text(encoding="utf-8")
    assert "interviews/2024-09-19-1837/" in forward


def test_the_manifest_lists_pages_sorted_one_a_line_in_utf8(tmp_path):
    write.sync_generated(tmp_path / "docs", {"话题/b.md": "B", "a.md": "A"})
    assert (tmp_path / "docs" / write.MANIFEST).read_bytes() == '[\n"a.md",\n"话题/b.md"\n]\n'.encode()
    assert write.read_manifest(tmp_path / "docs") == ["a.md", "话题/b.md"]
    assert (tmp_path / "docs" / "话题" / "b.md").read_bytes() == b"B"


def test_index_files_are_compact_utf8_json_with_sorted_keys():
    files = search_index.build_search_index(
        [interview("正文。\n\n| 甲 | 乙 |\n| --- | --- |\n| 一 | 二 |", title="题")], lambda i: "u/"
    )
    assert files["search/docs/0.json"] == '{"d":"2024-09-19","s":[["","题","题 正文。 甲 乙 一 二"]],"t":"题","u":"u/"}'
    assert files["search/meta.json"] == '{"aliases":[],"docs":1,"shards":1,"version":2}'
    assert json.loads(files["search/shards/0.json"])["正文"] == [0, 1]


def test_latin_words_count_every_time_they_occur():
    assert search_index.token_counts("GPT GPT gpt 中文 gpt")["gpt"] == 4


def test_enrichment_counts_words_and_reading_time_and_keeps_the_cleaned_facts():
    from sitegen.enrich import article_identity, reading_minutes

    assert [reading_minutes(0, 0), reading_minutes(400, 0), reading_minutes(401, 0), reading_minutes(400, 200)] == [
        1,
        1,
        2,
        2,
    ]
    made = interview(
        "##### 某某 发自 凹非寺\n\n这是一段足够长的开场白，用来做摘要的一段文字。Hello world again.\n\n视频来源：https://youtu.be/abc"
    )
    # 21 Chinese characters and 3 Latin words in the article; the byline is not the article.
    assert made.word_count == 21 + 3
    assert made.reading_minutes == 1 and made.credits == ("某某 发自 凹非寺",)
    assert made.video_url == "https://youtu.be/abc" and made.summary.startswith("这是一段足够长的开场白")
    assert article_identity("http://mp.weixin.qq.com/s?__biz=B&mid=2&idx=3&sn=x") == "B/2/3"
    assert article_identity("https://example.com/a") == "https://example.com/a"


def test_removing_every_generated_page_keeps_the_docs_folder(tmp_path):
    docs = tmp_path / "docs"
    write.sync_generated(docs, {"a/b.md": "B"})
    write.sync_generated(docs, {})
    assert docs.is_dir() and not (docs / "a").exists()


def test_questions_are_paged_by_their_number_in_whole_interviews():
    from sitegen.generate import paginate

    groups = [[1] * 30, [1] * 25, [1] * 10, [1] * 70, [1] * 5]
    pages = paginate("questions/index.md", groups, 60, len)
    assert [[len(group) for group in page["items"]] for page in pages] == [[30, 25], [10], [70], [5]]
    assert [page["path"] for page in pages][1:] == [f"questions/page/{n}.md" for n in (2, 3, 4)]
    assert paginate("questions/index.md", [], 60, len)[0]["items"] == []


# --- caches and settings of a real build, in process ---------------------------------------------


def cached_build(tmp_path: Path, seeds: int = 2) -> build.Project:
    root = copy_project(tmp_path / "p", seeds=SEEDS[:seeds])
    return build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache")


def pickles(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def test_the_page_cache_is_keyed_by_the_code_too(tmp_path, monkeypatch):
    """Its filters shape the pages, and it reads what the last build kept (the search index):
    entries of other code are never read."""
    project = build.Project(root=ROOT, seeds_dir=ROOT / "seeds", cache_dir=tmp_path)
    salt = project.page_cache(offline=False).salt
    monkeypatch.setattr(build, "code_fingerprint", lambda: "other code")
    assert project.page_cache(offline=False).salt != salt


def test_each_cache_has_its_folder_and_the_offline_copy_its_own_and_memory_holds_them_by_kind(tmp_path):
    project = replace(cached_build(tmp_path), memory={})
    build.build_site(project, Problems())
    cache = project.cache_dir
    # Each seed has four entries: its body (blocks and search tokens), its questions, its topic
    # passages and the rest.
    assert len(pickles(cache / "seeds")) == 8 and pickles(cache / "pages") and pickles(cache / "html")
    assert set(project.memory) == {"seeds", "pages"}
    assert set(project.memory["seeds"]) == {p.stem for p in pickles(cache / "seeds")}
    # Besides the entries on disk, what the next build of this process updates (the search index,
    # the fidelity report's parts), and the search index's files (in groups, and where each is),
    # kept in memory only.
    entries = {p.stem for p in pickles(cache / "pages")}
    in_memory_only = set(project.memory["pages"]) - entries
    held = {("held", "search index"), ("held", "fidelity parts")}
    assert held <= in_memory_only
    files_keys = in_memory_only - held
    names = {name for key in files_keys for name in project.memory["pages"][key]}
    assert len(files_keys) > 1 and all(name.startswith("search/") for name in names)
    # A process that holds nothing keeps them on disk.
    build.build_site(replace(project, memory=None), Problems())
    assert files_keys <= {p.stem for p in pickles(cache / "pages")}
    build.build_site(project, Problems(), offline=True)
    assert pickles(cache / "pages-files") and pickles(cache / "html-files")
    assert sorted(p.name for p in cache.iterdir()) == [
        "html",
        "html-files",
        "jinja",
        "pages",
        "pages-files",
        "seeds",
        "synced",
    ]
    assert set(project.memory) == {"seeds", "pages", "pages-files"}


def test_a_loaded_interview_carries_its_seed_key_and_the_cache_gives_it_back(tmp_path):
    project = cached_build(tmp_path)
    first, _ = build.load_project(project, Problems())
    assert all(len(i.source_key) == 64 for i in first)
    assert {i.source_key for i in first} < {p.stem for p in pickles(project.cache_dir / "seeds")}
    for entry in pickles(project.cache_dir / "seeds"):
        value = load_entry(entry.read_bytes())
        if not isinstance(value, tuple) or not value or not isinstance(value[0], Article):
            continue  # a body (the blocks and search tokens), the questions or the topic passages
        article, interview = value
        entry.write_bytes(dump_entry((article, replace(interview, summary="来自缓存"))))
    again, _ = build.load_project(project, Problems())
    assert [(i.slug, i.source_key) for i in again] == [(i.slug, i.source_key) for i in first]
    assert [i.summary for i in again] == ["来自缓存", "来自缓存"]


def test_the_seed_cache_is_keyed_by_the_code_that_loads_seeds(tmp_path, monkeypatch):
    project = cached_build(tmp_path)
    package = tmp_path / "sitegen"
    shutil.copytree(ROOT / "sitegen", package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build, "__file__", str(package / "build.py"))
    build.load_project(project, Problems())
    before = pickles(project.cache_dir / "seeds")
    build.load_project(project, Problems())
    assert pickles(project.cache_dir / "seeds") == before
    (package / "clean.py").write_text((package / "clean.py").read_text(encoding="utf-8") + "\n# changed\n")
    build.load_project(project, Problems())
    after = pickles(project.cache_dir / "seeds")
    assert len(after) == 8 and not set(after) & set(before)
    topics = project.data_dir / "topics.yml"
    topics.write_text(topics.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    build.load_project(project, Problems())
    assert not set(pickles(project.cache_dir / "seeds")) & set(after)


def test_interview_pages_are_cached_until_a_template_changes(tmp_path):
    project = cached_build(tmp_path)
    build.build_site(project, Problems())
    for entry in pickles(project.cache_dir / "pages"):
        page = load_entry(entry.read_bytes())
        if isinstance(page, str):
            entry.write_bytes(dump_entry(page + "\n缓存里的页面\n"))
    forget_synced(project.root)
    build.build_site(project, Problems())
    page = next((project.root / "docs" / "interviews").glob("2*.md"))
    assert "缓存里的页面" in page.read_text(encoding="utf-8")
    template = project.templates_dir / "pages" / "interview.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n模板改过\n", encoding="utf-8")
    build.build_site(project, Problems())
    text = page.read_text(encoding="utf-8")
    assert "模板改过" in text and "缓存里的页面" not in text


def template_reads_entries(project) -> list[Path]:
    return [
        entry
        for entry in pickles(project.cache_dir / "pages")
        if isinstance(value := load_entry(entry.read_bytes()), dict)
        and value
        and all(isinstance(reads, frozenset) for reads in value.values())
    ]


def test_what_each_template_reads_is_kept_in_the_cache_also_by_a_build_that_renders_nothing(tmp_path):
    project = cached_build(tmp_path)
    build.build_site(project, Problems())
    build.build_site(project, Problems())  # nothing changed: nothing is rendered, nothing is parsed
    (reads,) = template_reads_entries(project)
    assert len(load_entry(reads.read_bytes())) >= 5, "one per page template"
    for entry in pickles(project.cache_dir / "pages"):
        page = load_entry(entry.read_bytes())
        if isinstance(page, str):
            entry.write_bytes(dump_entry(page + "\n缓存里的页面\n"))
    # "*": the template reads names it cannot list, so its pages cannot come from the cache.
    reads.write_bytes(dump_entry(dict.fromkeys(load_entry(reads.read_bytes()), frozenset({"*"}))))
    forget_synced(project.root)
    forget_plans(project.root)
    build.build_site(project, Problems())
    texts = [page.read_text(encoding="utf-8") for page in (project.root / "docs").rglob("*.md")]
    assert texts and not any("缓存里的页面" in text for text in texts)


def test_many_seeds_load_in_fresh_worker_processes_as_they_load_here(tmp_path, monkeypatch):
    from benchmarks.synthetic import write_synthetic_seeds

    paths = write_synthetic_seeds(ROOT / "seeds", tmp_path / "seeds", build.PARALLEL_FROM)
    sources = [(f"seeds/{p.name}", p.read_bytes()) for p in paths]
    sources[5] = ("seeds/bad.txt", b"no header")
    data = build.load_data(ROOT / "data")
    here = [build.load_or_error(source, data) for source in sources]
    monkeypatch.setattr(build.os, "cpu_count", lambda: 2)

    def refuse(*args):
        raise AssertionError("a worker must load with its own code, not this process's state")

    # Spawned workers import the pipeline afresh; a forked one, or a load in this process, would
    # call this replacement.
    monkeypatch.setattr(build, "parse_and_clean", refuse)
    found = list(build.load_many(sources, data))
    assert [str(v) if isinstance(v, InputError) else v for v in found] == [
        str(v) if isinstance(v, InputError) else v for v in here
    ]


@pytest.mark.parametrize(
    "cores, seeds, workers", [(4, 63, 1), (4, 64, 2), (8, 100, 3), (4, 1000, 4), (None, 1000, 1), (1, 64, 1)]
)
def test_seeds_load_on_one_process_per_32_seeds_from_64_up_to_the_cores(monkeypatch, cores, seeds, workers):
    monkeypatch.setattr(build.os, "cpu_count", lambda: cores)
    found = build.worker_count(seeds)
    assert found == workers and isinstance(found, int)


def test_site_settings_end_the_url_with_a_slash_and_default_to_empty(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    project = build.Project(root=root, seeds_dir=root / "seeds")
    site = build.site_settings(build.load_mkdocs_config(project, site_url="https://example.org/sub"))
    assert site.url == "https://example.org/sub/"
    config = SimpleNamespace(site_name="名", site_description=None, site_url=None, use_directory_urls=True, extra={})
    bare = build.site_settings(config)
    assert (bare.url, bare.description) == ("/", "")


def test_a_swap_keeps_the_times_of_unchanged_files_only_and_removes_the_old_copy(tmp_path):
    target, new = tmp_path / "site", tmp_path / "new"
    for folder, same, changed in ((target, "同样", "旧的"), (new, "同样", "新的")):
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "same.txt").write_text(same, encoding="utf-8")
        (folder / "changed.txt").write_text(changed, encoding="utf-8")
    (new / "added.txt").write_text("加", encoding="utf-8")
    for path in (target / "sub" / "same.txt", target / "changed.txt"):
        os.utime(path, ns=(10**9, 10**9))
    # An old copy left by a build killed mid-swap is cleared first.
    (build.old_copy(target) / "left").mkdir(parents=True)
    build.swap_directory(new, target)
    assert (target / "sub" / "same.txt").stat().st_mtime_ns == 10**9
    assert (target / "changed.txt").stat().st_mtime_ns != 10**9
    assert (target / "changed.txt").read_text(encoding="utf-8") == "新的" and (target / "added.txt").is_file()
    assert not build.old_copy(target).exists() and not new.exists()


def test_recovery_removes_the_old_copy_beside_a_site_that_is_in_place(tmp_path):
    (tmp_path / "site").mkdir()
    build.old_copy(tmp_path / "site").mkdir()
    (tmp_path / ".staging-x").mkdir()
    build.recover_interrupted(tmp_path, (tmp_path / "site",))
    assert (tmp_path / "site").is_dir() and not build.old_copy(tmp_path / "site").exists()
    assert not (tmp_path / ".staging-x").exists()


def test_quotes_and_predictions_of_missing_seeds_are_named_by_their_data_file(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    problems = Problems()
    build.load_project(build.Project(root=root, seeds_dir=root / "seeds"), problems)
    notes = " ".join(problems.notes)
    assert "data/quotes.yml:" in notes and "data/predictions.yml:" in notes


def test_a_sync_that_knows_a_file_does_not_read_it_again_unless_it_changed_on_disk(tmp_path, monkeypatch):
    docs, known = tmp_path / "docs", {}
    write.sync_generated(docs, {"a.md": "甲", "b.md": "乙"}, known)
    read: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    report = write.sync_generated(docs, {"a.md": "甲", "b.md": "乙"}, known)
    assert (report.written, report.unchanged, read) == ([], 2, [".generated.json"])
    (docs / "a.md").write_text("别人改过", encoding="utf-8")
    report = write.sync_generated(docs, {"a.md": "甲"}, known)
    assert report.written == ["a.md"] and (docs / "a.md").read_text(encoding="utf-8") == "甲"
    assert set(known) == {"a.md"} and report.removed == ["b.md"]


def test_a_build_does_not_read_the_pages_the_last_build_synced_unless_they_changed_on_disk(tmp_path, monkeypatch):
    project = cached_build(tmp_path)
    build.build_site(project, Problems())
    (project.docs_dir / "index.md").write_text("别人改过", encoding="utf-8")
    read: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    _, report = build.build_site(project, Problems())
    generated = [name for name in read if name.endswith(".md")]
    assert generated == ["index.md"] and report.written == ["index.md"]
    # Nor the site's pages: the digests MkDocs' output had last time say which are unchanged.
    assert "index.html" not in read, read
    assert "别人改过" not in (project.docs_dir / "index.md").read_text(encoding="utf-8")


def test_the_serve_hooks_generate_remembers_what_it_synced(tmp_path):
    project = cached_build(tmp_path)
    config = build.load_mkdocs_config(project)
    known: dict = {}
    _, report, _ = build.generate(project, config, Problems(), known)
    assert set(known) == set(report.written) and "index.md" in known


def test_a_worker_loads_seeds_with_the_data_it_was_given(tmp_path):
    data = build.load_data(ROOT / "data")
    build._set_worker_data(data)
    try:
        article, interview = build._load_in_worker((f"seeds/{SEEDS[0].name}", SEEDS[0].read_bytes()))
    finally:
        build._set_worker_data(None)
    assert interview.seed == f"seeds/{SEEDS[0].name}" and interview.topics


def test_the_summary_line_adds_up_each_rules_characters(tmp_path):
    removals = (Removal("follow", 3, 3, 10, 1, 0), Removal("ad", 5, 6, 7, 0, 1), Removal("follow", 9, 9, 5, 1, 0))
    ledger = Ledger(20, 18, 3, 2, removals)
    made = interview("正文。")
    line = build.removal_summary(replace(made, ledger=ledger, removed=ledger.removed_by_rule()))
    assert line.endswith("kept 18/20 sentences, 2/3 images; removed follow 2 (15 chars), ad 1 (7 chars)")
    assert build.removal_summary(replace(made, ledger=Ledger(1, 1, 0, 0), removed=())).endswith("removed nothing")


def test_one_build_times_its_stages_stages_beside_the_project_and_dates_the_sitemap(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    seen: list[Path] = []
    real = build.mkdocs_build

    def recording(config, docs_dir, site_dir, *args):
        seen.append(site_dir)
        digests = real(config, docs_dir, site_dir, *args)
        assert any(isinstance(plugin, build.PageCounter) for plugin in config.plugins.values())
        return digests

    monkeypatch.setattr(build, "mkdocs_build", recording)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    build.build_site(
        build.Project(root=root, seeds_dir=root / "seeds"), Problems(), timings=timings, site_name="另一个名字"
    )
    elapsed = time.perf_counter() - start
    assert set(timings) == {"generator", "mkdocs", "swap"} and all(0 < t < elapsed for t in timings.values())
    assert sum(timings.values()) <= elapsed
    assert "另一个名字" in (root / "site" / "index.html").read_text(encoding="utf-8")
    # Inside the project, for recovery by name and a swap that is a rename on one file system.
    staging = seen[0].parent
    assert staging.parent == root and staging.name.startswith(".staging-")
    assert "<lastmod>2024-09-19</lastmod>" in sitemap_pages(root / "site")


def test_without_hard_links_publishing_copies(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no hard links here")

    docs, staging, known = tmp_path / "docs", tmp_path / "stage", {}
    write.sync_generated(docs, {"a.md": "A"}, known)
    monkeypatch.setattr(os, "link", refuse)
    staged = write.stage_changes(docs, staging, {"a.md": "A2"}, known)
    write.publish_staged(docs, staging, staged, ["a.md"])
    assert (docs / "a.md").read_text(encoding="utf-8") == "A2"
    assert (staging / "a.md").stat().st_ino != (docs / "a.md").stat().st_ino
    # The copy is not the file that was known: the next staging reads it, and writes nothing.
    assert write.stage_changes(docs, tmp_path / "again", {"a.md": "A2"}, known).written == []


def test_a_known_file_deleted_since_is_written_again(tmp_path):
    docs, known = tmp_path / "docs", {}
    write.sync_generated(docs, {"a.md": "甲"}, known)
    (docs / "a.md").unlink()
    assert write.sync_generated(docs, {"a.md": "甲"}, known).written == ["a.md"]
    assert (docs / "a.md").read_text(encoding="utf-8") == "甲"


def test_emptied_folders_are_removed_up_to_the_root_but_not_the_root(tmp_path):
    root = tmp_path / "docs"
    (root / "x").mkdir(parents=True)
    write.remove_empty_parents(root / "x" / "gone.md", root)
    assert not (root / "x").exists() and root.is_dir()


def test_a_quote_that_is_not_in_its_turn_is_named_by_its_data_file(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    quotes = root / "data" / "quotes.yml"
    quotes.write_text(
        re.sub(r"(quote: )", r"\1不在这里的话", quotes.read_text(encoding="utf-8"), count=1), encoding="utf-8"
    )
    with pytest.raises(BuildFailed, match=r"data/quotes.yml:\d+:"):
        build.load_project(build.Project(root=root, seeds_dir=root / "seeds"), Problems())


def test_pages_per_index_page_come_from_the_data_file(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:3])
    pages = root / "data" / "pages.yml"
    pages.write_text(pages.read_text(encoding="utf-8").replace("per_page: 50", "per_page: 1", 1), encoding="utf-8")
    build.build_site(build.Project(root=root, seeds_dir=root / "seeds"), Problems())
    assert (root / "docs" / "interviews" / "page" / "3.md").is_file()


def test_a_redirect_to_a_page_that_does_not_exist_is_an_error(tmp_path):
    root = copy_project(tmp_path / "p", seeds=SEEDS[:1])
    (root / "data" / "redirects.yml").write_text("redirects:\n  old/: interviews/nowhere/\n", encoding="utf-8")
    with pytest.raises(BuildFailed, match="redirect target interviews/nowhere/ is not a page"):
        build.build_site(build.Project(root=root, seeds_dir=root / "seeds"), Problems())


def test_a_file_is_written_through_a_temporary_file_beside_it(tmp_path, monkeypatch):
    made: list[Path] = []
    real = write.tempfile.mkstemp

    def recording(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        made.append(Path(name))
        return fd, name

    monkeypatch.setattr(write.tempfile, "mkstemp", recording)
    write.atomic_write(tmp_path / "sub" / "a.md", b"A")
    assert made[0].parent == tmp_path / "sub" and not made[0].exists()


def test_a_seeds_cleaning_error_names_the_seed_and_its_line(tmp_path):
    body = INLINE_HEADER + "正文。\n\n— 完 —\n\n原文链接：javascript:alert(1)\n"
    error = build.load_or_error(("seeds/x.txt", body.encode()), build.load_data(ROOT / "data"))
    assert str(error) == "seeds/x.txt:13: 原文链接 must be an http(s) URL, found 'javascript:alert(1)'"


def test_a_build_reads_docs_in_place_and_stages_only_the_pages_that_changed(tmp_path, monkeypatch):
    project = cached_build(tmp_path)
    build.build_site(project, Problems())
    staged: list[list[str]] = []
    real = build.stage_changes

    def recording(*args):
        report = real(*args)
        staged.append(report.written)
        return report

    monkeypatch.setattr(build, "stage_changes", recording)
    site = tree_digest(project.site_dir)
    _, report = build.build_site(project, Problems())
    assert staged == [[]] and report.written == [] and report.unchanged > 0
    assert tree_digest(project.site_dir) == site
    # A hand-written page is read where it is.
    (project.docs_dir / "about.md").write_text("# 关于\n\n手写的页面。\n", encoding="utf-8")
    build.build_site(project, Problems())
    assert staged[-1] == [] and "手写的页面" in (project.site_dir / "about" / "index.html").read_text(encoding="utf-8")
    site = tree_digest(project.site_dir)
    # A generated page that differs from its record (edited by hand) is staged: MkDocs reads it from
    # there, not the edited copy in docs/, which is then replaced.
    page = next((project.docs_dir / "interviews").glob("2*.md"))
    name = page.relative_to(project.docs_dir).as_posix()
    page.write_text("# 改过\n", encoding="utf-8")
    _, report = build.build_site(project, Problems())
    assert staged[-1] == [name] and report.written == [name]
    assert page.read_text(encoding="utf-8") != "# 改过\n"
    assert tree_digest(project.site_dir) == site


def test_compiled_templates_of_the_pages_and_the_theme_are_kept_for_the_next_build(tmp_path):
    project = cached_build(tmp_path)
    build.build_site(project, Problems())
    kept = sorted((project.cache_dir / "jinja").iterdir())
    page_templates = list((project.templates_dir / "pages").rglob("*.j2"))
    # Material's templates (base.html and its partials) are compiled too, beside the site's own.
    assert len(kept) > len(page_templates) + 10
    docs, site = tree_digest(project.docs_dir), tree_digest(project.site_dir)
    forget_synced(project.root)
    forget_plans(project.root)
    shutil.rmtree(project.cache_dir / "pages")
    build.build_site(project, Problems())
    assert sorted((project.cache_dir / "jinja").iterdir()) == kept
    assert tree_digest(project.docs_dir) == docs and tree_digest(project.site_dir) == site


def test_the_fidelity_report_is_json_of_every_ledger_and_a_held_part_is_not_made_again(tmp_path):
    from dataclasses import asdict

    from sitegen.cache import PickleCache
    from sitegen.generate import fidelity_file

    project = cached_build(tmp_path, seeds=3)
    interviews, _ = build.load_project(project, Problems())
    cache = PickleCache(tmp_path / "c", memory={})
    report = json.loads(str(fidelity_file(cache, interviews)))
    assert report == {
        "seeds": {
            i.seed: {"url": i.url, "credits": list(i.credits), **json.loads(json.dumps(asdict(i.ledger)))}
            for i in interviews
        }
    }
    assert list(report["seeds"]) == sorted(i.seed for i in interviews)
    # The next build of this process keeps each seed's part: a planted part shows it was not remade.
    parts = cache.held("fidelity parts")
    assert len(parts) == 3
    key = (interviews[0].source_key, interviews[0].url)
    parts[key] = '{\n   "url": "planted"\n  }'
    edited = [replace(interviews[1], source_key="edited"), interviews[0], interviews[2]]
    again = json.loads(str(fidelity_file(PickleCache(tmp_path / "c", memory=cache.memory), edited)))
    assert again["seeds"][interviews[0].seed] == {"url": "planted"}
    assert again["seeds"][interviews[1].seed]["url"] == interviews[1].url


def test_a_build_after_an_edit_makes_the_fidelity_report_from_the_parts_the_last_build_kept(tmp_path):
    from sitegen.cache import PickleCache
    from sitegen.generate import fidelity_file, generated_files

    project = cached_build(tmp_path, seeds=3)
    interviews, _ = build.load_project(project, Problems())
    folder = tmp_path / "c"
    fidelity_file(PickleCache(folder), interviews)
    key = (interviews[0].source_key, interviews[0].url)
    (entry,) = [e for e in folder.glob("*.pickle") if isinstance(load_entry(e.read_bytes()), dict)]
    entry.write_bytes(dump_entry({**load_entry(entry.read_bytes()), key: '{\n   "url": "planted"\n  }'}))
    site = Site("访谈录", "", "https://example.org/")
    for _ in range(2):  # a build that makes the plan, then one that takes every file from it
        unchanged = PickleCache(folder)
        report = partial(fidelity_file, unchanged, interviews)
        generated_files(unchanged, interviews, site, lambda report=report: {"fidelity.json": report()})
    edited = [replace(interviews[1], source_key="edited"), interviews[0], interviews[2]]
    again = json.loads(str(fidelity_file(PickleCache(folder), edited)))
    assert again["seeds"][interviews[0].seed] == {"url": "planted"}
    assert again["seeds"][interviews[1].seed]["url"] == interviews[1].url


def test_staged_pages_are_put_in_the_order_mkdocs_walks_docs_in(tmp_path):
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import get_files

    names = ["b.md", "index.md", "Z.md", "a-b/x.md", "a/x.md", "a/index.md", "a/z/y.md", "a/b.md", "话题/甲.md"]
    names += ["sub/README.md", "sub/a.md", "a/z.css", "a.b/c.md"]
    for name in names:
        (tmp_path / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "docs" / name).write_text("x", encoding="utf-8")
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")})
    assert config.validate() == ([], [])
    walked = [file.src_uri for file in get_files(config)]
    assert sorted(walked) == sorted(names)
    assert sorted(names, key=build.walk_order) == walked


def test_a_page_no_longer_generated_is_not_in_the_next_site(tmp_path):
    project = cached_build(tmp_path)
    interviews, _ = build.build_site(project, Problems())
    gone, kept = interviews
    (project.seeds_dir / Path(gone.seed).name).unlink()
    _, report = build.build_site(project, Problems())
    # MkDocs reads docs/ in place, where the page still is until the site is built: it must skip it.
    assert gone.path in report.removed and not (project.docs_dir / gone.path).exists()
    assert not (project.site_dir / gone.url).exists() and (project.site_dir / kept.url / "index.html").is_file()
    sitemap = sitemap_pages(project.site_dir)
    assert gone.slug not in sitemap and kept.slug in sitemap
