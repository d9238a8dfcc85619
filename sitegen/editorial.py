"""Editorial: what an editor adds per seed in data/editorial.yml (host, event, slug, topic overrides)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .datafiles import line_of, load_yaml
from .errors import InputError, display_path

SLUG = re.compile(r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$")
TEXT_KEYS = ("host", "host_role", "event", "title_en", "slug")
LIST_KEYS = ("topics_add", "topics_remove")
ACKNOWLEDGE = re.compile(r"^(?P<first>\d+)\s*[-–]\s*(?P<last>\d+)$")


@dataclass(frozen=True, slots=True)
class Editorial:
    host: str = ""
    host_role: str = ""
    event: str = ""
    title_en: str = ""
    slug: str = ""
    topics_add: tuple[str, ...] = ()
    topics_remove: tuple[str, ...] = ()
    acknowledged: frozenset[tuple[str, int, int]] = frozenset()  # (rule, first line, last line)


def parse_entry(seed: str, entry, name: str, topic_slugs: set[str]) -> Editorial:
    line = line_of(entry)
    if not isinstance(entry, dict):
        raise InputError(name, line, f"entry for {seed} must be a mapping")
    unknown = sorted(set(entry) - set(TEXT_KEYS) - set(LIST_KEYS) - {"acknowledge"})
    if unknown:
        raise InputError(name, line, f"entry for {seed} has unknown key(s): {', '.join(map(str, unknown))}")
    for key in TEXT_KEYS:
        if key in entry and not isinstance(entry[key], str):
            raise InputError(name, line, f"{seed}: {key} must be text")
    if entry.get("slug") and not SLUG.match(entry["slug"]):
        raise InputError(name, line, f"{seed}: slug {entry['slug']!r} must be ASCII letters, digits and hyphens")
    lists = {}
    for key in LIST_KEYS:
        values = entry.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError(name, line, f"{seed}: {key} must be a list of topic slugs")
        missing = [v for v in values if v not in topic_slugs]
        if missing:
            raise InputError(name, line, f"{seed}: {key} names unknown topic(s): {', '.join(missing)}")
        lists[key] = tuple(values)
    texts = {key: " ".join(entry.get(key, "").split()) for key in TEXT_KEYS}
    return Editorial(**texts, **lists, acknowledged=parse_acknowledged(seed, entry.get("acknowledge", []), name, line))


def parse_acknowledged(seed: str, entries, name: str, line: int) -> frozenset[tuple[str, int, int]]:
    """Removals an editor has checked and accepts: each a rule name and the lines it removes."""
    if not isinstance(entries, list):
        raise InputError(name, line, f"{seed}: acknowledge must be a list of {{rule, lines}} entries")
    accepted = set()
    for item in entries:
        span = ACKNOWLEDGE.match(str(item.get("lines", ""))) if isinstance(item, dict) else None
        if not span or not isinstance(item.get("rule"), str):
            raise InputError(name, line_of(item, line), f"{seed}: acknowledge entries need rule: NAME and lines: A-B")
        accepted.add((item["rule"], int(span["first"]), int(span["last"])))
    return frozenset(accepted)


def load_editorial(path: Path, topic_slugs: set[str]) -> dict[str, Editorial]:
    """Entries by seed file name; an unknown seed name is allowed (its seed may come later)."""
    name = display_path(path)
    data = load_yaml(path, {})
    if not isinstance(data, dict):
        raise InputError(name, 1, "expected a mapping of seed file names to entries")
    return {str(seed): parse_entry(str(seed), entry, name, topic_slugs) for seed, entry in data.items()}
