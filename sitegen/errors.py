"""The one exception type for bad input, and a collector so a run reports every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def display_path(path: Path) -> str:
    """A file as messages name it: its folder and name, e.g. ``seeds/NAME.txt`` or ``data/topics.yml``."""
    return f"{path.parent.name}/{path.name}"


class InputError(Exception):
    """A problem in an input file. Its str() is the line the user sees: ``PATH:LINE: reason``."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason

    def __reduce__(self):
        # Rebuilt from its parts when it crosses to another process.
        return type(self), (self.path, self.line, self.reason)


class BuildFailed(Exception):
    """Raised once a stage has collected one or more input errors."""

    def __init__(self, errors: list[InputError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class Problems:
    """Errors and warnings gathered across a whole run."""

    errors: list[InputError] = field(default_factory=list)
    warnings: list[InputError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def raise_if_any(self) -> None:
        if self.errors:
            raise BuildFailed(sorted(self.errors, key=lambda e: (e.path, e.line)))
