"""Quotes: what an editor picked from the interviews (data/quotes.yml), checked word for word against
the turns they come from, and the key points (核心观点) the exports carry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .datafiles import line_of, load_yaml
from .errors import InputError, display_path
from .model import BulletList, Heading, Interview, Paragraph, Quote, Turn
from .pages import KEY_POINTS_HEADING

KEYS = {"seed", "turn", "quote"}


@dataclass(frozen=True, slots=True)
class EditorQuote:
    seed: str  # file name in seeds/
    turn: str
    quote: str
    line: int  # in data/quotes.yml


def load_quotes(path: Path) -> tuple[EditorQuote, ...]:
    name = display_path(path)
    data = load_yaml(path, {})
    entries = data.get("quotes", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(name, line_of(data), "expected quotes: a list of entries")
    quotes = []
    for entry in entries:
        line = line_of(entry)
        if not isinstance(entry, dict) or set(map(str, entry)) != KEYS:
            raise InputError(name, line, "a quote needs exactly seed, turn and quote")
        if not all(isinstance(entry[key], str) and entry[key].strip() for key in KEYS):
            raise InputError(name, line, "seed, turn and quote must be text")
        quotes.append(EditorQuote(entry["seed"].strip(), entry["turn"].strip(), entry["quote"].strip(), line))
    return tuple(quotes)


def turn_text(turn: Turn) -> str:
    return "\n".join(paragraph.text for paragraph in turn.paragraphs)


def with_interviews(entries, interviews: list[Interview]) -> list[tuple]:
    """(entry, interview) for every entry (a prediction or a quote) whose seed is in seeds/."""
    by_seed = {Path(interview.seed).name: interview for interview in interviews}
    return [(entry, by_seed[entry.seed]) for entry in entries if entry.seed in by_seed]


def turn_of(interview: Interview, anchor: str) -> Turn | None:
    return next((b for b in interview.blocks if isinstance(b, Turn) and b.anchor == anchor), None)


def check_quoted(predictions, interviews: list[Interview], name: str) -> list[InputError]:
    """Every entry (a prediction or a quote) of a seed that is there names a turn that exists and quotes
    it word for word. (One of a seed that is not there is left out: see seeds_missing.)"""
    errors = []
    for prediction, interview in with_interviews(predictions, interviews):
        turn = turn_of(interview, prediction.turn)
        if turn is None:
            errors.append(InputError(name, prediction.line, f"{prediction.seed} has no turn #{prediction.turn}"))
        elif prediction.quote not in turn_text(turn):
            errors.append(
                InputError(
                    name, prediction.line, f"the quote is not word for word in {prediction.seed}#{prediction.turn}"
                )
            )
    return errors


def seeds_missing(predictions, interviews: list[Interview], name: str) -> list[str]:
    """One note for the entries of seeds that are not in seeds/ (removed, or not added yet)."""
    present = {Path(interview.seed).name for interview in interviews}
    absent = [p for p in predictions if p.seed not in present]
    if not absent:
        return []
    seeds = ", ".join(sorted({p.seed for p in absent}))
    lines = ", ".join(str(p.line) for p in absent)
    return [f"{name}: {len(absent)} entries left out, their seeds are not in seeds/: {seeds} (lines {lines})"]


def key_points_of(interview: Interview) -> list[dict]:
    """The 核心观点 sections of an interview as items: a point's heading (if any), its text, its anchor."""
    items: list[dict] = []
    section_level = 0
    anchor = ""
    for block in interview.blocks:
        if isinstance(block, Heading):
            if section_level and block.level <= section_level:
                section_level = 0
            if KEY_POINTS_HEADING.match(block.text):
                section_level, anchor = block.level, block.anchor
                continue
            if section_level:
                items.append({"title": block.text, "text": "", "anchor": block.anchor})
            continue
        if not section_level:
            continue
        text = block_words(block)
        if items and items[-1]["title"]:
            # The words under a point's heading belong to that point.
            items[-1]["text"] = " ".join(filter(None, (items[-1]["text"], text)))
        elif text:
            items.append({"title": "", "text": text, "anchor": anchor})
    return [item for item in items if item["title"] or item["text"]]


def block_words(block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Quote):
        return " ".join(p.text for p in block.paragraphs)
    if isinstance(block, BulletList):
        return " ".join(item.text for item in block.items)
    return ""
