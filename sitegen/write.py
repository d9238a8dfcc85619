"""Write: the only stage that touches the disk. Files change atomically, and only when their bytes do."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

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


def sync_generated(docs_dir: Path, pages: dict[str, str]) -> WriteReport:
    """Make docs_dir hold exactly these generated pages; hand-written files are never touched.

    Only files listed in the previous run's manifest are ever removed, so a file somebody
    wrote by hand cannot be deleted even if it sits in a generated folder.
    """
    report = WriteReport()
    for relative in sorted(pages):
        path = docs_dir / relative
        data = pages[relative].encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            report.unchanged += 1
            continue
        atomic_write(path, data)
        report.written.append(relative)
    for relative in read_manifest(docs_dir):
        if relative not in pages and (docs_dir / relative).is_file():
            (docs_dir / relative).unlink()
            remove_empty_parents(docs_dir / relative, docs_dir)
            report.removed.append(relative)
    manifest = (json.dumps(sorted(pages), ensure_ascii=False, indent=0) + "\n").encode("utf-8")
    if not (docs_dir / MANIFEST).is_file() or (docs_dir / MANIFEST).read_bytes() != manifest:
        atomic_write(docs_dir / MANIFEST, manifest)
    return report
