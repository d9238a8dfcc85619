"""Disk work on many files: a build asks the system for the files it will read one by one before it
reads them, and removes an old site many folders at a time without following links out of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from sitegen import build, disk
from sitegen.errors import Problems

from .conftest import SEEDS, copy_project

needs_fadvise = pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="the system has no posix_fadvise")


def resident_bytes(path: Path) -> int:
    """Bytes of the file in the system's file cache, as util-linux's fincore counts them."""
    output = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)], capture_output=True)
    return int(output.stdout.split()[0])


def evicted(path: Path) -> Path:
    with path.open("rb") as file:
        os.fsync(file.fileno())
        os.posix_fadvise(file.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
    return path


@needs_fadvise
@pytest.mark.skipif(shutil.which("fincore") is None, reason="util-linux's fincore is not installed")
def test_prefetch_brings_files_into_the_file_cache_without_reading_them_here(tmp_path):
    files = [tmp_path / f"{number}.bin" for number in range(3)]
    for file in files:
        file.write_bytes(os.urandom(512 * 1024))
    if any(resident_bytes(evicted(file)) for file in files):
        pytest.skip("this file system keeps its files in memory")
    disk.prefetch([*files, tmp_path / "gone.bin"])  # a missing file is left to whatever reads it
    deadline = time.monotonic() + 5
    while not all(resident_bytes(file) == file.stat().st_size for file in files) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [resident_bytes(file) for file in files] == [file.stat().st_size for file in files]


def test_remove_tree_removes_every_folder_and_no_file_a_link_points_to(tmp_path):
    outside = tmp_path / "outside"
    (outside / "kept").mkdir(parents=True)
    (outside / "kept" / "page.html").write_text("kept")
    site = tmp_path / "site"
    for number in range(30):
        (site / "interviews" / f"i{number}").mkdir(parents=True)
        (site / "interviews" / f"i{number}" / "index.html").write_text(str(number))
    (site / "index.html").write_text("home")
    (site / "assets").mkdir()
    (site / "assets" / "linked").symlink_to(outside / "kept", target_is_directory=True)
    (site / "linked-folder").symlink_to(outside, target_is_directory=True)
    disk.remove_tree(site)
    assert not site.exists()
    assert (outside / "kept" / "page.html").read_text() == "kept"
    disk.remove_tree(site)  # already gone: nothing to do


@needs_fadvise
def test_a_warm_build_asks_for_every_file_it_reads_one_by_one_before_reading_it(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project", seeds=SEEDS[:2])
    project = build.Project(root=root, seeds_dir=root / "seeds", cache_dir=root / ".cache")
    build.build_site(project, Problems())
    advised = []
    fadvise = os.posix_fadvise

    def recording(descriptor, offset, length, advice):
        advised.append(Path(os.readlink(f"/proc/self/fd/{descriptor}")).resolve())
        return fadvise(descriptor, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", recording)
    build.build_site(project, Problems())
    cache = root.resolve() / ".cache"
    seeds = {seed.resolve() for seed in (root / "seeds").glob("*.txt")}
    assert len(seeds) == 2 and seeds <= set(advised)
    # One entry per seed: all of it but its body, which is read only for the pages made again.
    assert len([path for path in advised if path.parent == cache / "seeds"]) == len(seeds)
    assert set((cache / "html").glob("*.pickle")) <= set(advised)
    # MkDocs reads every page from docs/, or from the staging folder that starts as a copy of it.
    advised_pages = {Path(*path.parts[path.parts.index("docs") + 1 :]) for path in advised if path.suffix == ".md"}
    assert advised_pages == {page.relative_to(root / "docs") for page in (root / "docs").rglob("*.md")}
