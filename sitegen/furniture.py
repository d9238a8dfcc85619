"""Furniture rules: the boilerplate WeChat accounts wrap around an article, read from data/furniture.yml.

A rule is data: a name, what it matches (a pattern over a unit's words, an image's URL, a
kind of unit), where it applies and how long a match may be. Generic rules hold for every
account, an account's own rules (keyed by its 文章作者) come first for its articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .datafiles import line_of, load_yaml
from .errors import InputError, display_path

# Where a rule applies:
#   line     removes a matching unit anywhere in the article
#   block    removes a matching unit, the units of kind `then` that follow it and the unit of kind
#            `before` right above it
#   start    the closing boilerplate may start here (taken only when little text follows that no rule names)
#   end      the account's own end mark: the closing boilerplate starts here (on the same condition)
#   tail     names what it matches inside the closing boilerplate
#   credit   a byline or credit at the top of the article, shown in the metadata box
#   caption  the line under an image, shown as its caption
PLACES = frozenset({"line", "block", "start", "end", "tail", "credit", "caption"})
KINDS = frozenset(
    {"paragraph", "heading", "item", "quote", "image", "rule", "code", "table", "links", "labelled links", "empty"}
)
KEYS = frozenset({"name", "where", "kind", "text", "url", "max_chars", "then", "before"})
# A match longer than this is text, not furniture, unless the rule says otherwise.
DEFAULT_MAX_CHARS = {"line": 80, "block": 80, "start": 80, "end": 80, "credit": 40, "caption": 80, "tail": 0}


@dataclass(frozen=True, slots=True)
class FurnitureRule:
    name: str
    where: frozenset[str]
    line: int  # in data/furniture.yml
    kind: str = ""
    text: re.Pattern | None = None
    url: re.Pattern | None = None
    max_chars: int = 0  # characters of text (spaces and addresses not counted); 0: the place's default
    then: str = ""
    before: str = ""

    def limit(self, place: str) -> int:
        return self.max_chars or DEFAULT_MAX_CHARS[place]


@dataclass(frozen=True, slots=True)
class Furniture:
    generic: tuple[FurnitureRule, ...] = ()
    accounts: tuple[tuple[str, tuple[FurnitureRule, ...]], ...] = ()
    max_prose_chars: int = 400
    min_sentence_share: float = 0.99
    max_unnamed_closing_chars: int = 200
    max_lost_sentences: int = 5

    def rules_for(self, author: str) -> tuple[FurnitureRule, ...]:
        """The account's own rules first, then the generic ones."""
        own = next((rules for account, rules in self.accounts if account == author.strip()), ())
        return own + self.generic


@lru_cache(maxsize=1)
def project_furniture() -> Furniture:
    """The rules in this project's data/furniture.yml, for callers that do not load their own."""
    return load_furniture(Path(__file__).resolve().parent.parent / "data" / "furniture.yml")


def compile_pattern(value, name: str, line: int, key: str) -> re.Pattern | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InputError(name, line, f"{key} must be a regular expression")
    try:
        return re.compile(value)
    except re.error as error:
        raise InputError(name, line, f"{key} {value!r} is not a valid regular expression: {error}") from None


def parse_rule(entry, name: str) -> FurnitureRule:
    line = line_of(entry)
    if not isinstance(entry, dict):
        raise InputError(name, line, "a rule must be a mapping with name, where and what it matches")
    unknown = sorted(set(map(str, entry)) - KEYS)
    if unknown:
        raise InputError(name, line, f"rule has unknown key(s): {', '.join(unknown)}")
    rule_name = entry.get("name")
    if not isinstance(rule_name, str) or not rule_name.strip():
        raise InputError(name, line, "rule needs a name")
    where = entry.get("where")
    places = [where] if isinstance(where, str) else where
    if not isinstance(places, list) or not places or not set(places) <= PLACES:
        raise InputError(name, line, f"rule '{rule_name}': where must be one or more of {', '.join(sorted(PLACES))}")
    for key in ("kind", "then", "before"):
        if key in entry and entry[key] not in KINDS:
            raise InputError(name, line, f"rule '{rule_name}': {key} must be one of {', '.join(sorted(KINDS))}")
    max_chars = entry.get("max_chars", 0)
    if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < 0:
        raise InputError(name, line, f"rule '{rule_name}': max_chars must be a whole number")
    rule = FurnitureRule(
        name=rule_name.strip(),
        where=frozenset(places),
        line=line,
        kind=entry.get("kind", ""),
        text=compile_pattern(entry.get("text"), name, line, "text"),
        url=compile_pattern(entry.get("url"), name, line, "url"),
        max_chars=max_chars,
        then=entry.get("then", ""),
        before=entry.get("before", ""),
    )
    if not (rule.kind or rule.text or rule.url):
        raise InputError(name, line, f"rule '{rule_name}' matches nothing: give it a kind, text or url")
    if "block" in rule.where and not (rule.then or rule.before):
        reason = "a block rule needs then: (the kind of unit that follows) or before: (the kind of unit above)"
        raise InputError(name, line, f"rule '{rule_name}': {reason}")
    return rule


def parse_rules(entries, name: str, line: int, what: str) -> tuple[FurnitureRule, ...]:
    if not isinstance(entries, list):
        raise InputError(name, line, f"{what} must be a list of rules")
    return tuple(parse_rule(entry, name) for entry in entries)


def load_furniture(path: Path) -> Furniture:
    name = display_path(path)
    data = load_yaml(path, None)
    if data is None:
        return Furniture()
    if not isinstance(data, dict):
        raise InputError(name, 1, "expected a mapping with guard, generic and accounts")
    guard = data.get("guard", {})
    if not isinstance(guard, dict):
        raise InputError(name, line_of(data), "guard must be a mapping")
    max_prose = guard.get("max_prose_chars", 400)
    share = guard.get("min_sentence_share", 0.99)
    unnamed = guard.get("max_unnamed_closing_chars", 200)
    lost = guard.get("max_lost_sentences", 5)
    whole = all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (max_prose, unnamed, lost))
    if not whole or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise InputError(
            name,
            line_of(guard),
            "guard: max_prose_chars, max_unnamed_closing_chars and max_lost_sentences are whole numbers, "
            "min_sentence_share 0 to 1",
        )
    accounts = data.get("accounts", {}) or {}
    if not isinstance(accounts, dict):
        raise InputError(name, line_of(data), "accounts must map each 文章作者 to its rules")
    return Furniture(
        generic=parse_rules(data.get("generic", []), name, line_of(data), "generic"),
        accounts=tuple(
            (str(account), parse_rules(rules, name, line_of(accounts), f"accounts: {account}"))
            for account, rules in accounts.items()
        ),
        max_prose_chars=max_prose,
        min_sentence_share=float(share),
        max_unnamed_closing_chars=unnamed,
        max_lost_sentences=lost,
    )
