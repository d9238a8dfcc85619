"""What a page template reads, reduced to one digest: the key under which its page is cached.

A page is rendered again only when something its template reads changed. The names a template
reads come from Jinja's own parser (its includes see the page's variables too); each value is
described by content, an interview by the key of the seed it was loaded from. A value of a type
not described here makes the page uncacheable rather than risk showing a stale page.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import date, datetime
from functools import lru_cache

import jinja2
from jinja2 import meta

from .model import Interview, InterviewPart, field_names

PLAIN = (str, int, float, bool, date, datetime, type(None), re.Pattern)
# Looked up by exact type first: a page's inputs are tens of values, an archive's pages thousands.
PLAIN_TYPES = frozenset(PLAIN)
SEQUENCES = (list, tuple, set, frozenset)
UNORDERED = frozenset({set, frozenset})


@lru_cache(maxsize=128)
def template_reads(env: jinja2.Environment, name: str) -> frozenset[str]:
    """The variables a template and the templates it includes or imports read from the page."""
    source, filename, _ = env.loader.get_source(env, name)
    tree = env.parse(source, name, filename)
    names = set(meta.find_undeclared_variables(tree))
    for other in meta.find_referenced_templates(tree):
        # None: a name computed at render time, which no template here uses.
        names |= template_reads(env, other) if other else {"*"}
    return frozenset(names)


def describe(value, memo: dict[int, tuple]) -> str | None:
    """A digest of value's content, or None when part of it cannot be described. ``memo`` keeps the
    digests of objects shared by many pages (the interview list, a topic's entries) for one build,
    with the object itself, so that no other object can take its id while the memo lives. The
    values must not change while it does."""
    if type(value) in PLAIN_TYPES or isinstance(value, PLAIN):
        return repr(value)
    if isinstance(value, InterviewPart):
        # Shown on one page, by tens of thousands in a large archive: its text, not a digest kept.
        return describe_composite(value, memo)
    known = memo.get(id(value))
    if known is not None:
        return known[1]
    text = describe_composite(value, memo)
    if text is None:
        return None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    memo[id(value)] = (value, digest)
    return digest


def describe_composite(value, memo: dict[int, tuple]) -> str | None:
    if isinstance(value, Interview):
        return describe_interview(value)
    if isinstance(value, InterviewPart):
        return describe_part(value, memo)
    if isinstance(value, dict):
        return describe_items(value.items(), memo)
    if isinstance(value, SEQUENCES):
        parts = [describe(item, memo) for item in value]
        if None in parts:
            return None
        return f"{type(value).__name__} " + ",".join(sorted(parts) if type(value) in UNORDERED else parts)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = describe_items(((name, getattr(value, name)) for name in field_names(type(value))), memo)
        return None if inner is None else f"{type(value).__qualname__} {inner}"
    return None


def describe_interview(interview: Interview) -> str | None:
    return f"interview {interview.source_key} {interview.slug}" if interview.source_key else None


def describe_part(part: InterviewPart, memo: dict[int, tuple]) -> str | None:
    """What a part was made from: a name, the interview and a few plain values, described here
    without a call for each (a topic's pages hold an entry for each of its interviews)."""
    parts = []
    for item in part.made_from:
        if type(item) is str:
            parts.append(repr(item))
        else:
            text = describe_interview(item) if type(item) is Interview else describe(item, memo)
            if text is None:
                return None
            parts.append(text)
    return "part tuple " + ",".join(parts)


def describe_items(items, memo: dict[int, tuple]) -> str | None:
    """A dict's items (or a dataclass's fields) in an order of their own: equal mappings are
    described alike however they were built."""
    parts = []
    for key, item in items:
        key_text, item_text = describe(key, memo), describe(item, memo)
        if key_text is None or item_text is None:
            return None
        parts.append(f"{key_text}:{item_text}")
    return "dict " + ",".join(sorted(parts))


def inputs_digest(reads: frozenset[str], context: dict, memo: dict[int, tuple]) -> str | None:
    """Everything a template that reads these names (template_reads) reads from context, described
    (the page's key is a digest of it); None when it cannot be cached. The names and values are
    one page's: not kept in the memo."""
    if "*" in reads:
        return None
    return describe_composite({name: context[name] for name in reads if name in context}, memo)
