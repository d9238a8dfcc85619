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
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import add, sub

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
# tokens (gpt, 4, o); a long letter group also by its tails (its last MIN_TAIL to MAX_TAIL letters),
# so a model name (gpt) is found inside a product name (chatgpt). search.js splits a query the same way.
LATIN_GROUP = re.compile(r"[a-z]+|[0-9]+")
MIN_TAIL = 3
# No one searches for a longer tail. Unbounded, a group of n letters gave tails of n²/2 characters:
# ten lines of 19,000 letters (a hostile seed) took 1.8 GB, a 4 MB seed of them more than a machine has.
MAX_TAIL = 32


# NFKC's form of the compatibility characters Chinese text is full of: full-width letters, digits
# and punctuation, the ideographic space, the ellipsis. With these mapped, a text is nearly always
# in NFKC already, which is checked in a fraction of the time normalising it takes.
FOLDED = {code: unicodedata.normalize("NFKC", chr(code)) for code in (*range(0xFF01, 0xFF5F), 0x3000, 0x2026)}


def normalise(text: str) -> str:
    """NFKC folds full-width letters and digits; lower case makes Latin search case-blind."""
    text = text.translate(FOLDED)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


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
            counts.update(group[i:] for i in range(max(1, len(group) - MAX_TAIL), len(group) - MIN_TAIL + 1))
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


def tokens_of(interview: Interview):
    """The search tokens loaded with the interview (which may be read from the cache only when they
    are used), else worked out now."""
    return search_tokens(interview) if interview.search_tokens is None else interview.search_tokens


def shard_count(total_bytes: int) -> int:
    count = 1
    while count < MAX_SHARDS and total_bytes / count > TARGET_SHARD_BYTES:
        count *= 2
    return count


def encode_postings(postings: Sequence[int]) -> list[int]:
    """[number, frequency, number, frequency, …] → [gap, frequency, gap, frequency, …]: interview
    numbers as gaps keep the JSON short."""
    numbers = postings[0::2]
    flat: list[int] = [0] * len(postings)
    flat[0::2] = map(sub, numbers, chain((0,), numbers))
    flat[1::2] = postings[1::2]
    return flat


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


POSTING_PARTS = 256  # the postings are kept in parts by shard: an edit reads and writes only the parts it touches


class Postings(Mapping):
    """Per token: [number, frequency, number, frequency, …], in POSTING_PARTS parts by shard. A part
    is a dict, or a function that reads it the first time one of its tokens is asked for: the
    postings of 10,000 interviews are 85 million numbers, and an edit touches a few shards."""

    def __init__(self, shards: int, parts: list) -> None:
        self.shards, self.parts = shards, parts

    @classmethod
    def of(cls, postings: dict[str, array], shards: int, shard_tokens: dict[int, list[str]]) -> Postings:
        parts: list[dict] = [{} for _ in range(POSTING_PARTS)]
        for shard, tokens in shard_tokens.items():
            parts[shard % POSTING_PARTS].update((token, postings[token]) for token in tokens)
        return cls(shards, parts)

    def part(self, number: int) -> dict[str, array]:
        part = self.parts[number]
        return part() if callable(part) else part

    def __getitem__(self, token: str) -> array:
        return self.part(part_of(token, self.shards))[token]

    def __iter__(self):
        return (token for number in range(POSTING_PARTS) for token in self.part(number))

    def __len__(self) -> int:
        return sum(len(self.part(number)) for number in range(POSTING_PARTS))

    def items(self):
        return ((token, items) for number in range(POSTING_PARTS) for token, items in self.part(number).items())

    def updated(self, changes: dict[str, array]) -> Postings:
        """These postings with each changed token's replaced (removed when empty); only the parts of
        changed tokens are read and copied, the others are shared."""
        parts = list(self.parts)
        for token, items in changes.items():
            number = part_of(token, self.shards)
            if parts[number] is self.parts[number]:
                parts[number] = dict(self.part(number))
            if items:
                parts[number][token] = items
            else:
                parts[number].pop(token, None)
        return Postings(self.shards, parts)


def shard_of(token: str, shards: int) -> int:
    return fnv1a(token) % shards


def part_of(token: str, shards: int) -> int:
    return shard_of(token, shards) % POSTING_PARTS


@dataclass
class SearchIndex:
    """The index's files with what they were made from, so the next index, one edit later, is an
    update of this one. Its parts are shared with that update and never changed. What an interview
    was indexed with is its tokens then (its cache entry, while it is kept), else read back from
    the postings: they are not kept beside them."""

    files: dict[str, str]
    identities: list[tuple[str, str]]  # per number: the interview's source key and URL
    postings: Postings
    shards: int
    shard_tokens: dict[int, list[str]]
    aliases: list[list[str]]
    size: int  # total_bytes of the postings


def build_search_index(interviews: list[Interview], url_of, aliases: list[list[str]] = ()) -> dict[str, str]:
    """Files of the index, by path under docs/: meta.json, shards/N.json and docs/N.json.

    ``interviews`` come newest first; an interview's number is its position, so ties in
    ranking favour newer interviews. ``url_of`` gives an interview's URL relative to the site root.
    ``aliases``: groups of names of one topic, offered as "also search" when a query is one of them.
    """
    return make_index(interviews, url_of, aliases).files


def make_index(interviews: list[Interview], url_of, aliases: list[list[str]] = ()) -> SearchIndex:
    files: dict[str, str] = {}
    # Each token's postings as one flat array of numbers and frequencies: the smallest form in memory.
    postings: dict[str, array] = defaultdict(lambda: array("I"))
    for number, interview in enumerate(interviews):
        files[doc_path(number)] = doc_json(interview, url_of)
        for token, frequency in token_frequencies(tokens_of(interview)):
            postings[token].extend((number, frequency))
    size = total_bytes(postings)
    shards = shard_count(size)
    shard_tokens: dict[int, list[str]] = defaultdict(list)
    for token in postings:
        shard_tokens[shard_of(token, shards)].append(token)
    for shard in range(shards):
        files[shard_path(shard)] = shard_json(shard_tokens.get(shard, ()), postings)
    meta = {"version": FORMAT_VERSION, "shards": shards, "docs": len(interviews), "aliases": [list(a) for a in aliases]}
    files[f"{INDEX_DIR}/meta.json"] = dumps(meta)
    identities = [identity(interview, url_of) for interview in interviews]
    parts = Postings.of(postings, shards, shard_tokens)
    return SearchIndex(files, identities, parts, shards, dict(shard_tokens), list(aliases), size)


def updated_index(
    previous: SearchIndex | None, interviews: list[Interview], url_of, aliases: list[list[str]] = (), indexed=None
) -> SearchIndex:
    """The index of interviews, as an update of previous where only a few interviews changed and
    every other keeps its number; else made anew. The files are the same either way. ``indexed(key)``
    gives the search tokens of the interview with that source key as it was indexed, or None."""
    identities = [identity(interview, url_of) for interview in interviews]
    known = previous is not None and all(source_key for source_key, _ in identities)
    if not known or list(aliases) != previous.aliases or len(identities) != len(previous.identities):
        return make_index(interviews, url_of, aliases)
    changed = [n for n, (now, before) in enumerate(zip(identities, previous.identities, strict=True)) if now != before]
    if len(changed) > len(identities) // 8:
        return make_index(interviews, url_of, aliases)
    return apply_changes(previous, interviews, url_of, changed, identities, indexed)


def apply_changes(previous: SearchIndex, interviews, url_of, changed: list[int], identities, indexed) -> SearchIndex:
    postings = previous.postings
    changes: dict[str, array] = {}
    for number, before in indexed_frequencies(previous, changed, indexed).items():
        after = dict(token_frequencies(tokens_of(interviews[number])))
        # An edit leaves most of an interview's tokens as often as they were: their postings stay.
        for token in before.keys() | after.keys():
            if before.get(token) == after.get(token):
                continue
            items = changes[token] if token in changes else postings.get(token, array("I"))
            items = without(items, number) if token in before else items
            changes[token] = with_posting(items, number, after[token]) if token in after else items
    size = previous.size + sum(
        token_bytes(token, items) - token_bytes(token, postings.get(token, ())) for token, items in changes.items()
    )
    shards = previous.shards
    if shard_count(size) != shards:
        return make_index(interviews, url_of, previous.aliases)
    shard_tokens, files = dict(previous.shard_tokens), dict(previous.files)
    for token, items in changes.items():
        shard = shard_of(token, shards)
        if not items:
            shard_tokens[shard] = [other for other in shard_tokens[shard] if other != token]
        elif token not in postings:
            shard_tokens[shard] = [*shard_tokens.get(shard, ()), token]
    postings = postings.updated(changes)
    for shard in {shard_of(token, shards) for token in changes}:
        files[shard_path(shard)] = shard_json(shard_tokens.get(shard, ()), postings)
    for number in changed:
        files[doc_path(number)] = doc_json(interviews[number], url_of)
    return SearchIndex(files, identities, postings, shards, shard_tokens, previous.aliases, size)


def indexed_frequencies(previous: SearchIndex, changed: list[int], indexed) -> dict[int, dict[str, int]]:
    """Each changed number's tokens and their frequencies as it was indexed: from ``indexed`` by its
    source key then, else read back from every token's postings."""
    found = {}
    for number in changed:
        tokens = indexed(previous.identities[number][0]) if indexed else None
        if tokens is not None:
            found[number] = dict(token_frequencies(tokens))
    missing = [number for number in changed if number not in found]
    return {**found, **frequencies_in(previous.postings, missing)} if missing else found


def frequencies_in(postings: dict[str, array], numbers: list[int]) -> dict[int, dict[str, int]]:
    """Each number's tokens and their frequencies, as the postings hold them: the interview as it was
    indexed, which its cache entries may no longer hold once it changed."""
    found: dict[int, dict[str, int]] = {number: {} for number in numbers}
    for token, items in postings.items():
        indexed = memoryview(items)[0::2]  # the numbers, in order, without copying them
        for number in numbers:
            at = bisect_left(indexed, number)
            if at < len(indexed) and indexed[at] == number:
                found[number][token] = items[2 * at + 1]
    return found


def without(postings: array, number: int) -> array:
    at = pair_position(postings, number)
    return postings[:at] + postings[at + 2 :]


def with_posting(postings: array, number: int, frequency: int) -> array:
    at = pair_position(postings, number)
    return postings[:at] + array("I", (number, frequency)) + postings[at:]


def pair_position(postings: array, number: int) -> int:
    """Where number's pair is, or would go, among the pairs sorted by number."""
    return 2 * bisect_left(memoryview(postings)[0::2], number)


def identity(interview: Interview, url_of) -> tuple[str, str]:
    return interview.source_key, url_of(interview)


def token_frequencies(compact: tuple[str, array]):
    """(token, frequency) pairs of search_tokens' compact form, split only while they are read:
    a list of every interview's tokens would hold millions of small strings."""
    tokens, frequencies = compact
    return zip(tokens.split("\0") if tokens else [], frequencies, strict=True)


def total_bytes(postings: dict[str, array]) -> int:
    return sum(token_bytes(token, items) for token, items in postings.items())


def token_bytes(token: str, items) -> int:
    """About what a token's entry takes in its shard; a token without postings has none."""
    return (len(token) + 2 * len(items)) * 3 if items else 0


def doc_path(number: int) -> str:
    return f"{INDEX_DIR}/docs/{number}.json"


def shard_path(shard: int) -> str:
    return f"{INDEX_DIR}/shards/{shard}.json"


def doc_json(interview: Interview, url_of) -> str:
    header = interview.header
    return dumps(
        {"t": header.title, "u": url_of(interview), "d": header.published.date().isoformat(), "s": sections(interview)}
    )


def fragment(token: str, postings: array) -> str:
    return dumps(token) + ":" + dumps(encode_postings(postings))


def shard_json(tokens, postings: dict[str, array]) -> str:
    """The same text as dumps() of the shard's dict: its entries in the order of their keys. Made
    from the postings shard by shard, so the entries of all tokens are never held at once."""
    return "{" + ",".join(fragment(token, postings[token]) for token in sorted(tokens)) + "}"


def offline_script(files: dict[str, str]) -> str:
    """Every index file in one script: browsers do not let pages opened from disk fetch files."""
    prefix = INDEX_DIR + "/"
    entries = ",".join(f"{json.dumps(path.removeprefix(prefix))}:{text}" for path, text in sorted(files.items()))
    return f"window.__SITE_SEARCH__={{{entries}}};\n"
