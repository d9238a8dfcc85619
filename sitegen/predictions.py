"""Predictions: sentences of Sam Altman's turns that look ahead, for an editor to confirm, and the
confirmed ones of data/predictions.yml, each checked against the turn it quotes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .datafiles import line_of, load_yaml
from .errors import InputError, display_path
from .model import Interview, Turn
from .parse import is_safe_url

NUMBER = "[0-9一二三四五六七八九十百千几两数]+"
YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年")
# Relative horizons; a year is a horizon only when it is later than the interview.
HORIZONS = (
    ("明年", re.compile(r"明年")),
    ("今年底", re.compile(r"今年(年)?底|年底(之)?前")),
    ("未来N年", re.compile(rf"(未来|接下来的?|今后)\s*{NUMBER}?\s*(个)?(年|十年)")),
    ("N年内", re.compile(rf"{NUMBER}\s*年(之)?内")),
    ("N年后", re.compile(rf"{NUMBER}\s*年(之)?后")),
    ("N个月内", re.compile(rf"{NUMBER}\s*个\s*月(之)?内")),
    ("不超过N年", re.compile(rf"不(会)?超过\s*{NUMBER}\s*年")),
    ("不久的将来", re.compile(r"不久的将来|不远的将来")),
    ("几千天", re.compile(r"[几数]千天")),
    ("下一代模型", re.compile(r"下一代|下一个模型|下个模型")),
)
# A sentence about the past is no prediction, whatever horizon word it holds.
PAST = re.compile(r"去年|前年|过去的?|曾经|当时|那时|以前")
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
STATUSES = {"pending": "待验证", "came-true": "已应验", "partly": "部分应验", "did-not": "未应验"}
HORIZON = re.compile(r"^(?P<year>20\d{2})(-(?P<month>\d{2})(-(?P<day>\d{2}))?)?$")
KEYS = {"seed", "turn", "quote", "horizon", "topic", "status", "note", "noted", "source"}


@dataclass(frozen=True, slots=True)
class Candidate:
    seed: str
    line: int
    turn: str
    horizon: str  # which pattern found it
    sentence: str


def horizon_of(sentence: str, year: int) -> str:
    """The kind of future horizon a sentence names, '' when it names none (or speaks of the past)."""
    later = [int(found) for found in YEAR.findall(sentence) if int(found) > year]
    if later:
        return f"{later[0]}年"
    if PAST.search(sentence):
        return ""
    return next((name for name, pattern in HORIZONS if pattern.search(sentence)), "")


def find_candidates(interview: Interview) -> list[Candidate]:
    """Sentences of the guest's turns that carry a future horizon, in order."""
    year = interview.header.published.year
    found = []
    for block in interview.blocks:
        if not isinstance(block, Turn) or block.speaker.role != "guest":
            continue
        for paragraph in block.paragraphs:
            for sentence in SENTENCE.findall(paragraph.text):
                horizon = horizon_of(sentence, year)
                if horizon:
                    found.append(Candidate(interview.seed, paragraph.line, block.anchor, horizon, sentence.strip()))
    return found


# --- confirmed predictions -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Prediction:
    seed: str  # file name in seeds/
    turn: str
    quote: str
    horizon: str  # a year, YYYY-MM, YYYY-MM-DD, or unspecified
    topic: str
    status: str
    line: int  # in data/predictions.yml
    note: str = ""
    noted: str = ""
    source: str = ""

    @property
    def horizon_date(self) -> date | None:
        """The last day the horizon allows, None when unspecified."""
        match = HORIZON.match(self.horizon)
        if not match:
            return None
        year, month, day = int(match["year"]), int(match["month"] or 12), match["day"]
        if day:
            return date(year, month, int(day))
        following = date(year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)


def text(entry: dict, key: str, name: str, line: int) -> str:
    value = entry.get(key, "")
    if isinstance(value, int | date) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InputError(name, line, f"{key} must be text")
    return value.strip()


def parse_prediction(entry, name: str, topic_slugs: set[str]) -> Prediction:
    line = line_of(entry)
    if not isinstance(entry, dict):
        raise InputError(name, line, "a prediction must be a mapping of seed, turn, quote, horizon, topic, status")
    unknown = sorted(set(map(str, entry)) - KEYS)
    if unknown:
        raise InputError(name, line, f"unknown key(s): {', '.join(unknown)}")
    fields = {key: text(entry, key, name, line) for key in KEYS}
    for key in ("seed", "turn", "quote", "horizon", "topic", "status"):
        if not fields[key]:
            raise InputError(name, line, f"{key} is missing")
    if fields["horizon"] != "unspecified" and not HORIZON.match(fields["horizon"]):
        raise InputError(
            name, line, f"horizon {fields['horizon']!r} must be a year, YYYY-MM, YYYY-MM-DD or unspecified"
        )
    if fields["topic"] not in topic_slugs:
        raise InputError(name, line, f"topic {fields['topic']!r} is not in data/topics.yml")
    if fields["status"] not in STATUSES:
        raise InputError(name, line, f"status {fields['status']!r} must be one of {', '.join(STATUSES)}")
    if fields["status"] != "pending":
        if not (fields["note"] and fields["noted"] and is_safe_url(fields["source"])):
            raise InputError(name, line, f"status {fields['status']} needs a note, the date noted and a source URL")
        try:
            date.fromisoformat(fields["noted"])
        except ValueError:
            raise InputError(name, line, f"noted {fields['noted']!r} must be a date YYYY-MM-DD") from None
    return Prediction(line=line, **fields)


def load_predictions(path: Path, topic_slugs: set[str]) -> tuple[Prediction, ...]:
    name = display_path(path)
    data = load_yaml(path, {})
    entries = data.get("predictions", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(name, line_of(data), "expected predictions: a list of entries")
    return tuple(parse_prediction(entry, name, topic_slugs) for entry in entries)


def entry_id(prediction: Prediction, interview: Interview) -> str:
    """A stable anchor on the predictions page: the interview's URL name and the turn."""
    return f"p-{interview.slug}-{prediction.turn}"
