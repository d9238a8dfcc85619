"""The command as a user runs it: exit status, one-line messages, and output left untouched on failure."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from .conftest import SEEDS, copy_built, copy_project, run_build, tree_digest, write_seed

GOOD = SEEDS[0].read_text(encoding="utf-8")
MESSAGE = re.compile(r"^seeds/[^:]+\.txt:\d+: \S.*$")


@pytest.fixture
def project(built, tmp_path) -> Path:
    return copy_built(built, tmp_path / "project")


BAD_SEEDS = {
    "no title": (GOOD.replace("# 视频对话", "视频对话", 1), 1, "first line must be the title"),
    "no 发布时间": (re.sub(r"发布时间: .*\n", "", GOOD), 8, "header line 发布时间: is missing"),
    "date that is not a date": (GOOD.replace("2024-09-19 18:37", "2024-13-45 25:61"), 4, "is not a date"),
    "non-http source link": (
        re.sub(r"原文链接: .*", "原文链接: javascript:alert(1)", GOOD, count=1),
        6,
        "原文链接 must be an http(s) URL",
    ),
    "empty file": ("", 1, "file is empty"),
    "not UTF-8": (GOOD.encode("gbk", errors="replace"), 1, "not UTF-8"),
}


@pytest.mark.parametrize("case", BAD_SEEDS, ids=list(BAD_SEEDS))
def test_bad_seed_stops_the_build_with_one_line_and_changes_nothing(project, case):
    data, line, reason = BAD_SEEDS[case]
    write_seed(project, "900_bad.txt", data)
    docs, site = tree_digest(project / "docs"), tree_digest(project / "site")
    result = run_build(project)
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("seeds/")]
    assert len(problems) == 1 and MESSAGE.match(problems[0])
    assert problems[0].startswith(f"seeds/900_bad.txt:{line}: ") and reason in problems[0]
    assert "Traceback" not in result.stderr
    assert tree_digest(project / "docs") == docs and tree_digest(project / "site") == site


def test_an_article_of_another_account_in_the_same_minute_gets_its_own_url(project):
    other = GOOD.replace("__biz=Mzg5NTc4ODkzOA==", "__biz=OTHERACCOUNT==", 1).replace(
        "文章作者: AI深度研究员", "文章作者: 另一个号"
    )
    assert other != GOOD and "发布时间: 2024-09-19 18:37" in other
    write_seed(project, "900_other.txt", other)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    pages = sorted(p.name for p in (project / "site" / "interviews").iterdir() if p.name.startswith("2024-09-19"))
    # The existing page keeps its URL; the newcomer's suffix comes from its account, message and position.
    suffix = hashlib.sha256(b"OTHERACCOUNT==/2247493227/1").hexdigest()[:6]
    assert pages == ["2024-09-19-1837", f"2024-09-19-1837-{suffix}"]
    assert run_build(project).returncode == 0
    again = sorted(p.name for p in (project / "site" / "interviews").iterdir() if p.name.startswith("2024-09-19"))
    assert again == pages


@pytest.mark.parametrize(
    "change",
    [("2024-09-19 18:37", "2024-09-20 18:37"), ("idx=1", "idx=1&x=copy")],
    ids=["another date", "another link to it"],
)
def test_the_same_article_twice_is_refused(project, change):
    write_seed(project, "900_copy.txt", GOOD.replace(*change, 1))
    result = run_build(project)
    assert result.returncode == 1
    assert "seeds/900_copy.txt:1: same article (原文链接 __biz/mid/idx Mzg5NTc4ODkzOA==/" in result.stderr


def test_check_reports_every_problem_at_once_and_writes_nothing(tmp_path):
    project = copy_project(tmp_path / "p")
    write_seed(project, "900_a.txt", "")
    write_seed(project, "901_b.txt", GOOD.replace("2024-09-19 18:37", "昨天"))
    result = run_build(project, "check")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if MESSAGE.match(line)]
    assert lines == [
        "seeds/900_a.txt:1: file is empty",
        "seeds/901_b.txt:4: 发布时间 '昨天' is not a date in the form YYYY-MM-DD HH:MM",
    ]
    assert not (project / "site").exists() and not (project / "docs" / "interviews").exists()


def test_check_passes_on_the_real_seeds_and_states_what_was_removed(tmp_path):
    result = run_build(copy_project(tmp_path / "p"), "check")
    assert result.returncode == 0, result.stderr
    assert "seeds/000_6244441d9e2e7e9c.txt: kept 173/173 sentences, 0/0 images; removed" in result.stdout
    assert "follow prompt 1 (26 chars)" in result.stdout and "related articles 1 (166 chars)" in result.stdout
    # check prints the whole ledger: each removal with its lines
    assert "  lines 10–10: follow prompt: 26 chars, 1 sentences, 0 images" in result.stdout
    assert "5 seeds are valid" in result.stdout


def test_rebuild_without_changes_rewrites_nothing(project):
    before = {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*.md")}
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert "0 page(s) written" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in (project / "docs").rglob("*.md")} == before


def test_removing_a_seed_removes_its_page_and_keeps_hand_written_files(project):
    (project / "docs" / "notes.md").write_text("# 手写页面\n", encoding="utf-8")
    (project / "seeds" / SEEDS[0].name).unlink()
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert not (project / "docs" / "interviews" / "2024-09-19-1837.md").exists()
    assert not (project / "site" / "interviews" / "2024-09-19-1837").exists()
    assert (project / "docs" / "notes.md").read_text(encoding="utf-8") == "# 手写页面\n"
    assert "2024-09-19-1837" not in (project / "site" / "index.html").read_text(encoding="utf-8")
    # Its predictions leave the tracker, and the build says so.
    assert "2024-09-19-1837" not in (project / "site" / "predictions" / "index.html").read_text(encoding="utf-8")
    assert "note: data/predictions.yml: 2 entries left out, their seeds are not in seeds/: 000_" in result.stderr


def test_seeds_option_reads_another_folder(project, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy2(SEEDS[1], other / SEEDS[1].name)
    result = run_build(project, "--seeds", str(other))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (project / "site" / "interviews").iterdir() if p.is_dir()] == ["2024-05-16-0930"]


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("templates/pages/home.md.j2", "{% if %}\n", "error: templates/pages/home.md.j2:1:"),
        ("docs/broken.md", "[missing](nowhere.md)\n", "nowhere.md"),
    ],
    ids=["template error", "mkdocs warning in strict mode"],
)
def test_build_error_stops_the_build_and_changes_nothing(project, path, text, message):
    (project / path).write_text(text, encoding="utf-8")
    docs, site = tree_digest(project / "docs"), tree_digest(project / "site")
    result = run_build(project)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert tree_digest(project / "docs") == docs and tree_digest(project / "site") == site


def test_every_generated_file_is_ignored_by_git(built):
    import json
    import subprocess

    from .conftest import ROOT

    generated = json.loads((built / "docs" / ".generated.json").read_text(encoding="utf-8"))
    paths = [f"docs/{name}" for name in generated] + ["docs/.generated.json", "site/index.html"]
    result = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True)
    assert sorted(result.stdout.split()) == sorted(paths)
