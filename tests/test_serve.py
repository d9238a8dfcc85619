"""`build_site.py serve`: a real MkDocs dev server that picks up seed edits without a rebuild loop."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import SEEDS, copy_project

PAGE = "interviews/2024-09-19-1837/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def edit(path: Path, old: str, new: str) -> None:
    """Write the edited file whole, as an editor that saves atomically does: the watcher never sees
    it cut short (a truncated seed is a failed rebuild, then a second one, on a loaded machine)."""
    temporary = path.parent.parent / f".{path.name}.tmp"  # outside the watched folder
    temporary.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    os.replace(temporary, path)


def wait_for(predicate, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError("timed out")


@pytest.fixture
def server(tmp_path):
    project = copy_project(tmp_path / "project")
    port = free_port()
    with open(tmp_path / "serve.log", "w+") as log:
        process = subprocess.Popen(
            [sys.executable, "build_site.py", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            # MkDocs serves under the path of site_url, e.g. /sam-altman-interviews/
            base = wait_for(lambda: re.search(r"Serving on (http://\S+/)", (tmp_path / "serve.log").read_text()))[1]
            wait_for(lambda: "Sam Altman" in fetch(base))
            yield project, base, log
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_serve_shows_a_seed_edit_without_a_rebuild_loop(server):
    project, base, log = server
    assert "T-Mobile" in fetch(base + PAGE)
    seed = project / "seeds" / SEEDS[0].name
    edit(seed, "视频对话OpenAI", "改过的标题OpenAI")
    wait_for(lambda: "改过的标题OpenAI" in fetch(base + PAGE))
    time.sleep(4)
    log.seek(0)
    builds_after_edit = log.read().split("Detected file changes")[1:]
    assert 1 <= len(builds_after_edit) <= 2
    assert (project / "site").is_dir()


def test_serve_renders_again_the_pages_that_list_an_edited_interview(server):
    """A rebuild renders only the pages whose Markdown changed: the interview and the lists of it."""
    project, base, log = server
    seed = project / "seeds" / SEEDS[0].name
    edit(seed, "视频对话OpenAI", "改过的标题OpenAI")
    wait_for(lambda: "改过的标题OpenAI" in fetch(base + PAGE))
    for listing in ("", "interviews/", "archive/2024/"):
        wait_for(lambda listing=listing: "改过的标题OpenAI" in fetch(base + listing), timeout=20)


def test_serve_renders_every_page_again_when_the_theme_changes(server):
    project, base, log = server
    other = "interviews/2024-10-07-1000/"
    assert "x-theme-edit" not in fetch(base + other)
    theme = project / "templates" / "theme" / "main.html"
    marker = '<meta name="referrer" content="no-referrer">'
    theme.write_text(theme.read_text(encoding="utf-8").replace(marker, marker + '<meta name="x-theme-edit">'), "utf-8")
    for page in ("", other, PAGE):
        wait_for(lambda page=page: "x-theme-edit" in fetch(base + page))


def test_a_terminated_server_removes_its_temporary_copy_of_the_site(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:1])
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "build_site.py", "serve", "-q", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env={**os.environ, "TMPDIR": str(temporary)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: "Sam Altman" in fetch(f"http://127.0.0.1:{port}/sam-altman-interviews/"))
        assert len(list(temporary.glob("mkdocs_*"))) == 1  # MkDocs serves from a copy there
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert process.returncode == 0
    assert not list(temporary.glob("mkdocs_*"))
