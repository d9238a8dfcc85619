"""Data files editors change (topics, editorial notes, redirects): YAML read with line numbers for errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, display_path


class LineDict(dict):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


# libyaml's loader where PyYAML was built with it: it reads the data files in a fifth of the time,
# with the same line marks.
class LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_timestamp(loader: LineLoader, node: yaml.ScalarNode):
    """A date such as 2024-13-45 is a YAML error at its line, not a ValueError from the calendar."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        reason = f"{node.value!r} is not a date: {error}"
        raise yaml.constructor.ConstructorError(None, None, reason, node.start_mark) from None


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_yaml(path: Path, default: Any) -> Any:
    """The file's data, ``default`` when it does not exist; a syntax error names its line."""
    if not path.exists():
        return default
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.context_mark or error.problem_mark
        line = mark.line + 1 if mark else 1
        raise InputError(display_path(path), line, f"not valid YAML: {error.problem or error}") from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow (a NUL byte)
        line = text.count("\n", 0, error.position) + 1
        reason = f"not valid YAML: {error.reason} (#x{error.character:04x})"
        raise InputError(display_path(path), line, reason) from None
    except UnicodeDecodeError:
        raise InputError(display_path(path), 1, "not UTF-8 text") from None
    return default if data is None else data


def line_of(value: Any, fallback: int = 1) -> int:
    return getattr(value, "line", fallback) or fallback


PAGE_KINDS = (
    "home",
    "interviews",
    "topics",
    "topic",
    "archive",
    "year",
    "people",
    "predictions",
    "questions",
    "quotes",
)


PAGED_KINDS = ("interviews", "topic", "year", "questions", "quotes")


def load_pages(path: Path) -> tuple[dict[str, dict], dict]:
    """data/pages.yml, read once: the index pages' texts, and how long indexes are paginated."""
    data = load_yaml(path, {})
    name = display_path(path)
    return page_texts(data, name), pagination(data, name)


def pagination(data, name: str) -> dict:
    """per_page of each paginated kind, and the title of a later page ({title}, {number})."""
    per_page = {}
    for kind in PAGED_KINDS:
        size = data.get(kind, {}).get("per_page") if isinstance(data, dict) else None
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise InputError(
                name,
                line_of(data.get(kind, data) if isinstance(data, dict) else data),
                f"{kind}: per_page must be a whole number of at least 1",
            )
        per_page[kind] = size
    title = data.get("page_title") if isinstance(data, dict) else None
    if not isinstance(title, str) or "{number}" not in title:
        raise InputError(name, line_of(data), "page_title must be text with {title} and {number}")
    check_placeholders(title, {"title": "标题", "number": 2}, name, line_of(data), "page_title")
    return {"per_page": per_page, "page_title": title}


# What the build fills in each kind's title and description, with a value of the type it has.
PLACEHOLDERS = {
    "interviews": {"count": 1},
    "topic": {"name": "话题", "description": "说明"},
    "archive": {"count": 1},
    "year": {"year": 2024, "count": 1},
    "questions": {"count": 1},
    "predictions": {"count": 1},
}


def page_texts(data, name: str) -> dict[str, dict]:
    """Title and description of each kind of generated index page."""
    for kind in PAGE_KINDS:
        entry = data.get(kind) if isinstance(data, dict) else None
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("title", "description")):
            raise InputError(name, line_of(data), f"{kind}: needs a title and a description")
        for key in ("title", "description"):
            check_placeholders(entry[key], PLACEHOLDERS.get(kind, {}), name, line_of(entry), f"{kind}: {key}")
    return {kind: {"title": data[kind]["title"], "description": data[kind]["description"]} for kind in PAGE_KINDS}


def check_placeholders(text: str, values: dict, name: str, line: int, what: str) -> None:
    """A text the build fills with str.format: each {placeholder} must be one of values' names."""
    try:
        text.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as error:
        known = ", ".join(f"{{{key}}}" for key in values) or "none"
        raise InputError(name, line, f"{what} {text!r} cannot be filled ({error}); placeholders: {known}") from None


URL_PATH = re.compile(r"^[A-Za-z0-9._~%-]+(?:/[A-Za-z0-9._~%-]+)*/?$")


def page_source(url_path: str) -> str:
    """The Markdown file MkDocs builds a site-relative URL from: a/b/ → a/b.md."""
    return url_path.strip("/") + ".md"


def load_redirects(path: Path) -> dict[str, tuple[str, int]]:
    """Old page source → (new page source, line), from data/redirects.yml."""
    name = display_path(path)
    data = load_yaml(path, {})
    entries = data.get("redirects") if isinstance(data, dict) else None
    if entries is None:
        return {}
    if not isinstance(entries, dict):
        raise InputError(name, line_of(data), "'redirects' must map old paths to new paths")
    lines = {
        key: n
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for key in entries
        if text.strip().startswith(f"{key}:")
    }
    result = {}
    for old, new in entries.items():
        line = lines.get(old, line_of(data))
        if not (isinstance(old, str) and isinstance(new, str) and URL_PATH.match(old) and URL_PATH.match(new)):
            raise InputError(name, line, f"{old!r}: both sides must be site-relative paths like interviews/NAME/")
        result[page_source(old)] = (page_source(new), line)
    return result
