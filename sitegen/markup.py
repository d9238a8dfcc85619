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
# linkers for English text take as part of it; the address is linked by the page itself.
BARE_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
TRAILING_PUNCTUATION = ".,;:!?'"
# An address in an attribute, every character that is HTML's or Markdown's syntax a reference.
ADDRESS_IN_ATTRIBUTE = {ord(char): f"&#{ord(char)};" for char in "&<>\"'[]()*_!#"}
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


def bare_urls(text: str):
    """(start, address) of each bare http(s) address in the text, without its closing punctuation."""
    for found in BARE_URL.finditer(text):
        url = trim_url(found.group())
        if len(url) > len("https://"):
            yield found.start(), url


def with_links(text: str, escape, link) -> Markup:
    """The text escaped for its language, each bare address written as that language links it."""
    text = SPACES.sub(" ", text)
    parts: list[str] = []
    position = 0
    for start, url in bare_urls(text):
        parts += [escape(text[position:start]), link(url)]
        position = start + len(url)
    parts.append(escape(text[position:]))
    return Markup("".join(parts))


def md_escape(text: str) -> Markup:
    """Text that Markdown renders as exactly these characters, with bare http(s) addresses linked:
    no emphasis, links of the text's own making, HTML or lists."""
    return with_links(text, escape_text, md_external_link)


def md_external_link(url: str) -> str:
    """external_link's HTML written for Markdown. An address holds characters that are Markdown's
    syntax ("[", "]", "(", ")", "*", "_"), which Markdown reads before it takes a tag or an
    autolink as it is: a "[](…" in the address would become a link inside the link. So the text is
    escaped as text, and those characters of the address are character references."""
    return anchor(url.translate(ADDRESS_IN_ATTRIBUTE), escape_text(url))


def md_label(text: str) -> Markup:
    """The text of a link, escaped as md_escape escapes it: an address in it stays text, since a
    link inside a link is not HTML."""
    return Markup(escape_text(SPACES.sub(" ", text)))


def html_label(text: str) -> Markup:
    """The text of a link as HTML, as md_label writes it for Markdown."""
    return Markup(html.escape(SPACES.sub(" ", text), quote=False))


def html_text(text: str) -> Markup:
    """The same text as HTML, linked as Markdown links md_escape's output (see links.py)."""
    return with_links(text, lambda part: html.escape(part, quote=False), external_link)


def external_link(url: str) -> str:
    """An address linked to itself, as HTML."""
    return anchor(html.escape(url), html.escape(url, quote=False))


def anchor(href: str, text: str) -> str:
    """A link out of the site, escaped already, written as sitegen.links writes the links Markdown makes."""
    return f'<a href="{href}" rel="noopener">{text}</a>'
