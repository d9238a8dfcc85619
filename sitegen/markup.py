"""Escaping for the two languages generated pages are written in: Markdown prose and HTML attributes."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

# Characters Python-Markdown treats as syntax anywhere in a line; each has a backslash escape.
INLINE_SYNTAX = re.compile(r"([\\`*_{}\[\]()#!])")
# Syntax that only matters where a line starts: list markers and ordered-list numbers.
LINE_START_SYNTAX = re.compile(r"^(\s*)([-+]|\d+(?=\.))")


def md_escape(text: str) -> Markup:
    """Text that Markdown renders as exactly these characters: no emphasis, links, HTML or lists."""
    escaped = INLINE_SYNTAX.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
    escaped = LINE_START_SYNTAX.sub(lambda m: m[1] + "\\" + m[2] if m[2] in "-+" else m[1] + m[2] + "\\", escaped)
    return Markup(escaped)
