"""Escaping for the two languages generated pages are written in: Markdown prose and HTML attributes."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

# Characters Python-Markdown treats as syntax anywhere in a line; each has a backslash escape.
INLINE_SYNTAX = re.compile(r"([\\`*_{}\[\]()#!])")
# Syntax that only matters where a line starts: list markers and ordered-list numbers.
LINE_START_SYNTAX = re.compile(r"^(\s*)([-+]|\d+(?=\.))")
# A bare address in the text, up to the first character RFC 3986 does not allow in a URI. Chinese
# text runs straight on after an address (论文地址：https://arxiv.org/abs/1，见下), which
# linkers for English text take as part of it; the address is handed to Markdown as an autolink.
BARE_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
TRAILING_PUNCTUATION = ".,;:!?'"
SPACES = re.compile(r"\s+")


def trim_url(url: str) -> str:
    """An address without the sentence punctuation or unmatched closing bracket that ends it."""
    while url and (
        url[-1] in TRAILING_PUNCTUATION
        or (url[-1] == ")" and url.count("(") < url.count(")"))
        or (url[-1] == "]" and url.count("[") < url.count("]"))
    ):
        url = url[:-1]
    return url


def escape_text(text: str) -> str:
    escaped = INLINE_SYNTAX.sub(r"\\\1", html.escape(text, quote=False))
    return LINE_START_SYNTAX.sub(lambda m: m[1] + "\\" + m[2] if m[2] in "-+" else m[1] + m[2] + "\\", escaped)


def md_escape(text: str) -> Markup:
    """Text that Markdown renders as exactly these characters, with bare http(s) addresses linked:
    no emphasis, links of the text's own making, HTML or lists."""
    text = SPACES.sub(" ", text)
    parts: list[str] = []
    position = 0
    for found in BARE_URL.finditer(text):
        url = trim_url(found.group())
        if len(url) <= len("https://"):
            continue
        parts.append(escape_text(text[position : found.start()]))
        parts.append(f"<{url}>")
        position = found.start() + len(url)
    parts.append(escape_text(text[position:]))
    return Markup("".join(parts))
