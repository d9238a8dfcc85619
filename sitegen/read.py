"""Read: turn a seed file on disk into trusted text, or say precisely why it cannot be."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError, display_path

MAX_SEED_BYTES = 4 * 1024 * 1024
MAX_LINE_CHARS = 20_000
SEED_SUFFIX = ".txt"


def list_seeds(seeds_dir: Path) -> tuple[list[Path], list[str]]:
    """The seed files in name order, and a note for every other entry that was skipped."""
    seeds: list[Path] = []
    notes: list[str] = []
    root = seeds_dir.resolve()
    for path in sorted(seeds_dir.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        if path.suffix != SEED_SUFFIX or not path.is_file():
            notes.append(f"{display_path(path)}: ignored, not a {SEED_SUFFIX} file")
            continue
        if path.is_symlink() and root not in path.resolve().parents:
            notes.append(f"{display_path(path)}: ignored, symlink pointing outside {seeds_dir.name}/")
            continue
        seeds.append(path)
    return seeds, notes


def decode_seed(name: str, data: bytes) -> str:
    """Decode and normalise a seed: UTF-8 only, BOM and CR/CRLF line endings repaired silently."""
    if len(data) > MAX_SEED_BYTES:
        raise InputError(name, 1, f"file is {len(data):,} bytes, more than the {MAX_SEED_BYTES:,} a seed may have")
    if not data.strip():
        raise InputError(name, 1, "file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            name,
            line,
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); re-export it as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise InputError(
            name, text[: text.index("\x00")].count("\n") + 1, "NUL byte in text; the file is binary or corrupt"
        )
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(name, number, f"line is {len(line):,} characters long, more than {MAX_LINE_CHARS:,}")
    return text
