"""Every bad input gets one clear line; a failed or interrupted build changes nothing; builds repeat exactly."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SEEDS, copy_built, copy_project, run_build, tree_digest, write_seed

GOOD = SEEDS[0].read_text(encoding="utf-8")
BODY_START = GOOD.index("**（关注")
FATAL = {
    # case: (file bytes or text, line, what the message says)
    "empty file": ("", 1, "file is empty"),
    "only a title": ("# 只有标题\n", 2, "header line 发布时间: is missing"),
    "title line without #": (GOOD[2:], 1, "first line must be the title as '# TITLE'"),
    "missing 发布时间": (re.sub(r"发布时间: .*\n", "", GOOD), 8, "header line 发布时间: is missing"),
    "missing 原文链接": (re.sub(r"原文链接: .*\n", "", GOOD), 8, "header line 原文链接: is missing"),
    "发布时间 not a date": (GOOD.replace("2024-09-19 18:37", "九月十九日"), 4, "is not a date"),
    "impossible date": (GOOD.replace("2024-09-19 18:37", "2024-13-45 25:61"), 4, "'2024-13-45 25:61' is not a date"),
    "原文链接 javascript:": (
        re.sub(r"原文链接: \S+", "原文链接: javascript:alert(1)", GOOD),
        6,
        "原文链接 must be an http(s) URL",
    ),
    "原文链接 data:": (
        re.sub(r"原文链接: \S+", "原文链接: data:text/html,x", GOOD),
        6,
        "原文链接 must be an http(s) URL",
    ),
    "原文链接 relative path": (
        re.sub(r"原文链接: \S+", "原文链接: ../other.html", GOOD),
        6,
        "原文链接 must be an http(s) URL",
    ),
    "原文链接 Python's URL parser refuses": (
        re.sub(r"原文链接: \S+", "原文链接: http://[mp.weixin.qq.com/s?idx=2", GOOD),
        6,
        "原文链接 must be an http(s) URL",
    ),
    "封面图链接 javascript:": (
        re.sub(r"封面图链接: \S+", "封面图链接: javascript:alert(1)", GOOD),
        8,
        "封面图链接 must be an http(s) URL",
    ),
    "video link javascript:": (
        GOOD.replace("视频来源：https://", "视频来源：javascript://"),
        181,
        "视频来源 must be an http(s) URL",
    ),
    "video link breaking out of its attribute": (
        GOOD.replace("t=3970s", 't=3970s"onmouseover="alert(1)'),
        181,
        "视频来源 must be an http(s) URL",
    ),
    "GBK file": (GOOD.encode("gbk", errors="replace"), 1, "not UTF-8"),
    "Latin-1 file": ("# Café Altman\n\n".encode("latin-1") + GOOD.encode()[20:], 1, "not UTF-8"),
    "binary file": (bytes(range(256)) * 4, 2, "not UTF-8 text (byte 0x80 at offset 128)"),
    "NUL byte": (GOOD.replace("很高兴见到你", "很高兴\x00见到你", 1), 63, "NUL byte"),
    "10 MB file": (GOOD + "很长的正文。\n" * 600_000, 1, "more than the 4,194,304 a seed may have"),
    "1 MB line": (GOOD + "长" * 1_000_000 + "\n", 221, "characters long"),
    "title only punctuation": (GOOD.replace(GOOD.split("\n")[0], "# ？！……——"), 1, "title has no letters or digits"),
    "title only emoji": (GOOD.replace(GOOD.split("\n")[0], "# 🌟🔥🚀"), 1, "title has no letters or digits"),
}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("robust") / "project", seeds=SEEDS[:2])
    assert run_build(project).returncode == 0
    return project


@pytest.fixture
def project(built_once, tmp_path) -> Path:
    return copy_built(built_once, tmp_path / "project")


@pytest.mark.parametrize("case", FATAL, ids=list(FATAL))
def test_fatal_input_is_one_line_exit_1_and_nothing_changes(project, case):
    data, line, reason = FATAL[case]
    write_seed(project, "900_bad.txt", data)
    before = tree_digest(project / "docs"), tree_digest(project / "site")
    result = run_build(project)
    problems = [text for text in result.stderr.splitlines() if text.startswith("seeds/")]
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert problems == [problems[0]] and re.match(r"^seeds/900_bad\.txt:\d+: \S", problems[0])
    assert problems[0].startswith(f"seeds/900_bad.txt:{line}: ") and reason in problems[0], problems[0]
    assert (tree_digest(project / "docs"), tree_digest(project / "site")) == before


REPAIRED = {
    "UTF-8 BOM": lambda text: b"\xef\xbb\xbf" + text.encode(),
    "CRLF line endings": lambda text: text.replace("\n", "\r\n").encode(),
    "lone CR line endings": lambda text: text.replace("\n", "\r").encode(),
}


@pytest.mark.parametrize("case", REPAIRED, ids=list(REPAIRED))
def test_repairable_input_builds_silently_as_if_clean(project, case):
    third = SEEDS[2].read_text(encoding="utf-8")
    write_seed(project, SEEDS[2].name, REPAIRED[case](third))
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    clean = copy_project(project.parent / "clean", seeds=SEEDS[:3])
    assert run_build(clean).returncode == 0
    name = "interviews/2024-11-05-0707.md"
    assert (project / "docs" / name).read_bytes() == (clean / "docs" / name).read_bytes()


@pytest.mark.parametrize(
    ("change", "line", "warning"),
    [
        (lambda t: t.replace("2024-09-19 18:37", "2099-01-01 08:00"), 4, "发布时间 2099-01-01 is in the future"),
        (lambda t: t.replace("2024-09-19 18:37", "9999-12-31 23:59"), 4, "发布时间 9999-12-31 is in the future"),
        (lambda t: re.sub(r"文章作者: .*\n", "", t), 7, "header line 文章作者: is missing"),
        (lambda t: re.sub(r"发布地: .*\n", "", t), 7, "header line 发布地: is missing"),
        (lambda t: re.sub(r"封面图链接: .*\n", "", t), 8, "header line 封面图链接: is missing"),
    ],
    ids=["far future date", "year 9999", "missing 文章作者", "missing 发布地", "missing 封面图链接"],
)
def test_warnings_name_the_line_and_the_build_goes_on(project, change, line, warning):
    write_seed(project, SEEDS[0].name, change(GOOD))
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert f"warning: seeds/{SEEDS[0].name}:{line}: {warning}" in result.stderr


def test_other_files_and_outside_symlinks_are_ignored_with_a_note(project, tmp_path):
    (project / "seeds" / "README.md").write_text("# notes\n", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text(GOOD.replace("idx=1", "idx=7"), encoding="utf-8")
    (project / "seeds" / "900_link.txt").symlink_to(outside)
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert "note: seeds/README.md: ignored, not a .txt file" in result.stderr
    assert "note: seeds/900_link.txt: ignored, symlink pointing outside seeds/" in result.stderr
    assert len(list((project / "site" / "interviews").glob("2*/index.html"))) == 2


def test_all_problems_of_a_run_are_reported_together(project):
    write_seed(project, "900_a.txt", "")
    write_seed(project, "901_b.txt", GOOD.replace("2024-09-19 18:37", "2024-13-45 25:61"))
    write_seed(project, "902_c.txt", b"\xff\xfe")
    result = run_build(project)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("seeds/")]
    assert [line.split(":")[0] for line in lines] == ["seeds/900_a.txt", "seeds/901_b.txt", "seeds/902_c.txt"]
    assert result.stderr.strip().endswith("stopped: 3 problem(s); docs/ and site/ were not changed")


def wait_for_staging_site(project: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(project.glob(".staging-*/site/assets")):
            return
        assert process.poll() is None, "the build finished before it could be interrupted"
        time.sleep(0.01)
    raise AssertionError("the build never reached MkDocs")


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_an_interrupted_build_leaves_docs_and_site_as_they_were(project, how):
    write_seed(project, "900_new.txt", GOOD.replace("2024-09-19 18:37", "2025-01-01 08:00").replace("idx=1", "idx=5"))
    before = tree_digest(project / "docs"), tree_digest(project / "site")
    # Without the caches MkDocs converts every page again, so the interruption lands inside it.
    shutil.rmtree(project / ".cache", ignore_errors=True)
    process = subprocess.Popen(
        [sys.executable, "build_site.py"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    wait_for_staging_site(project, process)
    process.send_signal(how)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    if how == signal.SIGINT:
        assert b"interrupted; docs/ and site/ were not changed" in stderr
    assert (tree_digest(project / "docs"), tree_digest(project / "site")) == before
    result = run_build(project)
    assert result.returncode == 0 and not list(project.glob(".staging-*"))
    assert (project / "site" / "interviews" / "2025-01-01-0800-5" / "index.html").is_file()


def test_a_second_build_waits_for_the_first_and_both_succeed(project):
    write_seed(project, "900_new.txt", GOOD.replace("2024-09-19 18:37", "2025-01-01 08:00").replace("idx=1", "idx=5"))
    first = subprocess.Popen(
        [sys.executable, "build_site.py"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    wait_for_staging_site(project, first)
    second = run_build(project)
    _, first_errors = first.communicate(timeout=300)
    assert first.returncode == 0, first_errors
    assert second.returncode == 0, second.stderr
    assert b"Traceback" not in first_errors and "Traceback" not in second.stderr
    assert (project / "site" / "interviews" / "2025-01-01-0800-5" / "index.html").is_file()


def test_a_build_that_finds_the_lock_taken_says_it_waits(project):
    # The first build may finish before the second asks for the lock; a process that holds the lock
    # for a few seconds makes the wait certain.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); "
            "lock.acquire(); print('held', flush=True); time.sleep(3); lock.release()",
            str(project / ".build.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    result = run_build(project)
    holder.wait(timeout=30)
    assert result.returncode == 0, result.stderr
    assert "waiting for another build of this checkout to finish" in result.stderr


def test_a_lock_left_by_a_killed_build_does_not_block(project):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; FileLock(sys.argv[1]).acquire(); time.sleep(60)",
            str(project / ".build.lock"),
        ]
    )
    time.sleep(1)
    holder.kill()
    holder.wait()
    result = run_build(project)
    assert result.returncode == 0 and "waiting" not in result.stderr


def test_a_site_caught_mid_swap_is_restored(project):
    os.replace(project / "site", project / ".site.old")
    (project / ".staging-dead").mkdir()
    write_seed(project, "900_bad.txt", "")
    assert run_build(project).returncode == 1
    assert (project / "site" / "index.html").is_file() and not (project / ".staging-dead").exists()


def test_two_builds_are_byte_identical_whatever_the_folder_order_and_cwd(tmp_path):
    first = copy_project(tmp_path / "one" / "project")
    second = copy_project(tmp_path / "two" / "project", seeds=list(reversed(SEEDS)))
    assert run_build(first).returncode == 0
    result = subprocess.run([sys.executable, str(second / "build_site.py")], cwd="/", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for folder in ("docs", "site"):
        assert tree_digest(first / folder) == tree_digest(second / folder), folder
