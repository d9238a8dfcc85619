"""Write: the only stage that touches the disk. Files change atomically, and only when their bytes do."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .cache import StoredText, text_digest

MANIFEST = ".generated.json"


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace path with data so a reader or a crash sees the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_manifest(docs_dir: Path) -> list[str]:
    try:
        return json.loads((docs_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []


def remove_empty_parents(path: Path, root: Path) -> None:
    for parent in path.parents:
        if parent == root or not parent.is_relative_to(root):
            return
        try:
            parent.rmdir()
        except OSError:
            return


def sync_generated(docs_dir: Path, pages: dict[str, str | StoredText], known: dict | None = None) -> WriteReport:
    """Make docs_dir hold exactly these generated pages; hand-written files are never touched.

    Only files listed in the previous run's manifest are ever removed, so a file somebody
    wrote by hand cannot be deleted even if it sits in a generated folder.
    ``known``, kept by a caller that syncs again and again (`serve`, and `build` through the
    cache), holds each file's digest with the size and time it had once synced: a file with that
    digest, size and time is not read again, and a page from the cache that was synced from the
    same entry is not even read from the cache.
    """
    known = {} if known is None else known
    report = stage_changes(docs_dir, docs_dir, pages, known, write=atomic_write)
    finish_sync(docs_dir, set(pages), report)
    return report


def write_new(path: Path, data: bytes) -> None:
    """A file in a folder of this build's own, which nothing reads before it is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def stage_changes(
    docs_dir: Path, staging: Path, pages: dict[str, str | StoredText], known: dict, write=write_new
) -> WriteReport:
    """Write into staging only the pages docs_dir does not hold as they are; docs_dir is not
    touched unless it is the staging folder (then ``write`` should be atomic_write). The report's
    ``removed``: the files docs_dir's manifest lists that are no longer generated. ``known``: see
    sync_generated, of docs_dir's files as they will be once the staged ones are published
    (publish_staged links them, size and time included)."""
    report = WriteReport()
    # Joined as text: thousands of paths, each made once to be looked at once.
    folder = str(docs_dir)
    for relative in sorted(pages):
        current, page = os.path.join(folder, relative), pages[relative]
        digest = text_digest(page)
        if is_synced(current, digest, known.get(relative)):
            report.unchanged += 1
            continue
        data, path = str(page).encode("utf-8"), Path(current)
        if holds(path, data):
            report.unchanged += 1
            known[relative] = stamp(path, digest)
            continue
        write(staging / relative, data)
        report.written.append(relative)
        known[relative] = stamp(staging / relative, digest)
    for relative in set(known) - set(pages):
        del known[relative]
    report.removed = [name for name in read_manifest(docs_dir) if name not in pages]
    return report


def holds(path: Path, data: bytes) -> bool:
    return path.is_file() and path.read_bytes() == data


def stamp(path: Path, digest: bytes) -> tuple[bytes, int, int]:
    """What is recorded of a file just written: its digest, size and modification time."""
    stat = path.stat()
    return digest, stat.st_size, stat.st_mtime_ns


def as_stamped(stat: os.stat_result, seen: tuple | None) -> bool:
    """The file has the size and time recorded with seen (see stamp), so its bytes are seen's."""
    return seen is not None and seen[1:] == (stat.st_size, stat.st_mtime_ns)


def is_synced(path: Path | str, digest: bytes, seen: tuple | None) -> bool:
    if seen is None or seen[0] != digest:
        return False
    try:
        return as_stamped(os.stat(path), seen)
    except OSError:
        return False


def publish_staged(docs_dir: Path, staged_docs: Path, staged: WriteReport, names: list[str]) -> WriteReport:
    """Bring docs_dir to the generated pages: the files stage_changes wrote into the staging folder
    are put in place (linked, else copied), those no longer generated are removed."""
    report = WriteReport(written=list(staged.written), unchanged=staged.unchanged, removed=list(staged.removed))
    for relative in staged.written:
        link_into_place(staged_docs / relative, docs_dir / relative)
    finish_sync(docs_dir, set(names), report)
    return report


def link_into_place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.link")
    try:
        os.link(source, temp)
    except OSError:
        atomic_write(target, source.read_bytes())
        return
    os.replace(temp, target)


def link_or_copy(source: str, target: str) -> None:
    """A hard link costs one system call where a copy reads and writes the file; every writer here
    replaces files rather than changing them, so a linked file is never changed through its twin."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def finish_sync(docs_dir: Path, names: set[str], report: WriteReport) -> None:
    """Remove what the previous run generated and this one did not (report.removed, from
    stage_changes; it is left naming those there were), and record this run's files."""
    removed = report.removed
    report.removed = []
    for relative in removed:
        if (docs_dir / relative).is_file():
            (docs_dir / relative).unlink()
            remove_empty_parents(docs_dir / relative, docs_dir)
            report.removed.append(relative)
    manifest = (json.dumps(sorted(names), ensure_ascii=False, indent=0) + "\n").encode("utf-8")
    if not (docs_dir / MANIFEST).is_file() or (docs_dir / MANIFEST).read_bytes() != manifest:
        atomic_write(docs_dir / MANIFEST, manifest)
