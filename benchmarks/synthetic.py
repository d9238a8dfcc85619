"""Synthetic seeds for benchmarks and scale tests: N variations of the five real exports.

Each variation keeps the export format, so the real parser and cleaner run on it: a new title,
a publication date spread over ten years, its own WeChat article id, and the transcript's
paragraphs shuffled (the header, the intro and the closing furniture stay where they are).
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from pathlib import Path

FIRST_DAY = datetime(2016, 1, 1, 8, 0)
SPREAD_DAYS = 3650
TRANSCRIPT = re.compile(r"^#{1,3}\s*(对话整理|文稿整理|视频文字整理)\s*$", re.M)
TAIL = re.compile(r"^(\* \* \*|视频来源|原视频链接|#\s+往期回顾|\*\*对了)", re.M)


def shuffle_transcript(text: str, rng: random.Random) -> str:
    start = TRANSCRIPT.search(text)
    if not start:
        return text
    tail = TAIL.search(text, start.end())
    end = tail.start() if tail else len(text)
    blocks = [b for b in text[start.end() : end].split("\n\n") if b.strip()]
    rng.shuffle(blocks)
    return text[: start.end()] + "\n\n" + "\n\n".join(blocks) + "\n\n" + text[end:]


def variation(text: str, number: int, rng: random.Random) -> str:
    lines = text.split("\n")
    lines[0] = f"{lines[0]}（合集第 {number} 篇）"
    when = FIRST_DAY + timedelta(days=rng.randrange(SPREAD_DAYS), minutes=rng.randrange(24 * 60))
    text = "\n".join(lines)
    text = re.sub(r"发布时间: .*", f"发布时间: {when:%Y-%m-%d %H:%M}", text, count=1)
    text = re.sub(r"mid=\d+", f"mid={9_000_000_000 + number}", text, count=1)
    return shuffle_transcript(text, rng)


def write_synthetic_seeds(source: Path, target: Path, count: int, seed: int = 20241) -> list[Path]:
    """``count`` seeds in ``target``, made from the real seeds in ``source``; the same every time."""
    rng = random.Random(seed)
    originals = [path.read_text(encoding="utf-8") for path in sorted(source.glob("*.txt"))]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for number in range(count):
        path = target / f"{number:05d}.txt"
        path.write_text(variation(originals[number % len(originals)], number, rng), encoding="utf-8")
        written.append(path)
    return written
