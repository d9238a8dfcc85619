"""Search index: a static, sharded index that finds Chinese words exactly and stays small to download.

The browser (docs/assets/javascripts/search.js) splits a query the same way: Chinese runs into
characters and character pairs, Latin runs into whole words. It fetches only the shards holding
those tokens, intersects their interview lists, then loads the text of the best candidates and
keeps the sections that contain the query as a phrase. So precision is exact, and what a reader
downloads depends on the query, not on the size of the archive.
"""

from __future__ import annotations

import json
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from operator import add

from .enrich import block_texts
from .model import Heading, Interview, Turn

INDEX_DIR = "search"
OFFLINE_SCRIPT = f"{INDEX_DIR}/offline.js"
FORMAT_VERSION = 2
TARGET_SHARD_BYTES = 12_000
MAX_SHARDS = 4096
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[a-z0-9]+")
# A Latin word is indexed by its letter and digit groups, so GPT-4o, GPT4o and GPT 4o are the same
# tokens (gpt, 4, o); a long letter group also by its tails, so a model name (gpt) is found inside a
# product name (chatgpt). search.js splits a query the same way.
LATIN_GROUP = re.compile(r"[a-z]+|[0-9]+")
MIN_TAIL = 3


def normalise(text: str) -> str:
    """NFKC folds full-width letters and digits; lower case makes Latin search case-blind."""
    return unicodedata.normalize("NFKC", text).lower()


def token_counts(text: str) -> Counter:
    """How often each token occurs: the characters and character pairs of every Chinese run, the
    whole words of every Latin run. Counting over one string keeps the per-character work in C."""
    text = normalise(text)
    chinese = "\n".join(CJK_RUN.findall(text))
    counts = Counter(chinese)
    counts.update(map(add, chinese, chinese[1:]))
    for token in [token for token in counts if "\n" in token]:
        del counts[token]  # the separator between runs, and pairs that would span two runs
    for group in LATIN_GROUP.findall(CJK_RUN.sub(" ", text)):
        counts[group] += 1
        if group.isalpha():
            counts.update(group[i:] for i in range(1, len(group) - MIN_TAIL + 1))
    return counts


def fnv1a(token: str) -> int:
    """32-bit FNV-1a over code points; search.js computes the same number."""
    value = 0x811C9DC5
    for char in token:
        value ^= ord(char)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value


def sections(interview: Interview) -> list[list[str]]:
    """[anchor, label, text] for every linkable unit: each speaker turn, and the prose under each heading."""
    title = interview.header.title
    units: dict[str, list[str]] = {"": ["", title, title]}
    heading_anchor, heading_text = "", ""
    for block in interview.blocks:
        if isinstance(block, Heading):
            heading_anchor, heading_text = block.anchor, block.text
            units[block.anchor] = [block.anchor, block.text, block.text]
        elif isinstance(block, Turn):
            label = " · ".join(filter(None, (block.speaker.label, heading_text)))
            text = " ".join([block.speaker.label, *(p.text for p in block.paragraphs)])
            units[block.anchor] = [block.anchor, label, text]
        else:
            units[heading_anchor][2] += " " + " ".join(block_texts(block))
    return list(units.values())


def search_tokens(interview: Interview) -> tuple[str, array]:
    """The interview's tokens, NUL-separated, and their counts: a compact form to keep one per
    interview in memory and in the cache (a Counter of short strings takes ten times the room)."""
    # Units joined by a line break: no character pair spans two sections.
    counts = token_counts("\n".join(unit[2] for unit in sections(interview)))
    return "\0".join(counts), array("I", counts.values())


def shard_count(total_bytes: int) -> int:
    count = 1
    while count < MAX_SHARDS and total_bytes / count > TARGET_SHARD_BYTES:
        count *= 2
    return count


def encode_postings(postings: Sequence[int]) -> list[int]:
    """[number, frequency, number, frequency, …] → [gap, frequency, gap, frequency, …]: interview
    numbers as gaps keep the JSON short."""
    flat, previous = [], 0
    for at in range(0, len(postings), 2):
        number = postings[at]
        flat += [number - previous, postings[at + 1]]
        previous = number
    return flat


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def build_search_index(interviews: list[Interview], url_of, aliases: list[list[str]] = ()) -> dict[str, str]:
    """Files of the index, by path under docs/: meta.json, shards/N.json and docs/N.json.

    ``interviews`` come newest first; an interview's number is its position, so ties in
    ranking favour newer interviews. ``url_of`` gives an interview's URL relative to the site root.
    ``aliases``: groups of names of one topic, offered as "also search" when a query is one of them.
    """
    files: dict[str, str] = {}
    # Each token's postings as one flat array of numbers and frequencies: the smallest form in memory.
    postings: dict[str, array] = defaultdict(lambda: array("I"))
    for number, interview in enumerate(interviews):
        units = sections(interview)
        doc = {
            "t": interview.header.title,
            "u": url_of(interview),
            "d": interview.header.published.date().isoformat(),
            "s": units,
        }
        files[f"{INDEX_DIR}/docs/{number}.json"] = dumps(doc)
        tokens, frequencies = interview.search_tokens or search_tokens(interview)
        for token, frequency in zip(tokens.split("\0") if tokens else [], frequencies, strict=True):
            postings[token].extend((number, frequency))
    total = sum(len(token) + 2 * len(items) for token, items in postings.items()) * 3
    shards = shard_count(total)
    grouped: dict[int, list[str]] = defaultdict(list)
    for token in postings:
        grouped[fnv1a(token) % shards].append(token)
    # One shard encoded at a time, so the whole index never exists twice in memory.
    for shard in range(shards):
        encoded = {token: encode_postings(postings.pop(token)) for token in grouped.pop(shard, [])}
        files[f"{INDEX_DIR}/shards/{shard}.json"] = dumps(encoded)
    meta = {"version": FORMAT_VERSION, "shards": shards, "docs": len(interviews), "aliases": [list(a) for a in aliases]}
    files[f"{INDEX_DIR}/meta.json"] = dumps(meta)
    return files


def offline_script(files: dict[str, str]) -> str:
    """Every index file in one script: browsers do not let pages opened from disk fetch files."""
    prefix = INDEX_DIR + "/"
    entries = ",".join(f"{json.dumps(path.removeprefix(prefix))}:{text}" for path, text in sorted(files.items()))
    return f"window.__SITE_SEARCH__={{{entries}}};\n"
