"""Progress of a long build, per stage, on a terminal only: shown once a stage has run two seconds,
never when the output is a log or a pipe, never with -q."""

from __future__ import annotations

from tqdm import tqdm

SHOW_AFTER_SECONDS = 2
_shown = False


def show_progress(enabled: bool) -> None:
    """Called once by the command: True when stderr is a terminal and -q was not given."""
    global _shown
    _shown = enabled


def progress(iterable=None, total: int | None = None, stage: str = "") -> tqdm:
    return tqdm(iterable, total=total, desc=stage, delay=SHOW_AFTER_SECONDS, disable=not _shown, leave=False)
