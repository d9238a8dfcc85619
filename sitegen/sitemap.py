"""MkDocs plugin: the list of pages in files of at most URLS_PER_FILE pages each.

A sitemap file may list 50,000 URLs; an archive of about 30,000 interviews has more pages than
that. sitemap.xml is an index (see templates/theme/sitemap.xml): it names every part. The first
part keeps its address, sitemap-pages.xml; the others are sitemap-pages-2.xml and on.
"""

from __future__ import annotations

import math
import os

from mkdocs.plugins import BasePlugin
from mkdocs.utils import write_file

PAGES_TEMPLATE = "sitemap-pages.xml"
INDEX_TEMPLATE = "sitemap.xml"
URLS_PER_FILE = 50_000  # the sitemap protocol's limit


def part_names(page_count: int, per_file: int) -> list[str]:
    """The file of each part, for this many pages: every page could have a URL, so no part can
    list more than ``per_file`` of them."""
    count = max(1, math.ceil(page_count / per_file))
    return [PAGES_TEMPLATE] + [f"sitemap-pages-{number}.xml" for number in range(2, count + 1)]


class SitemapParts(BasePlugin):
    def __init__(self) -> None:
        self.template = self.context = None

    def on_pre_template(self, template, template_name: str, config):
        if template_name == PAGES_TEMPLATE:
            self.template = template
        return template

    def on_template_context(self, context, template_name: str, config):
        if template_name == INDEX_TEMPLATE:
            context["sitemap_parts"] = part_names(len(context["pages"]), URLS_PER_FILE)
        elif template_name == PAGES_TEMPLATE:
            self.context = dict(context)
            context["pages"] = context["pages"][:URLS_PER_FILE]
        return context

    def on_post_template(self, output: str, template_name: str, config) -> str:
        """MkDocs writes the first part; the others are written here, from the same context."""
        if template_name != PAGES_TEMPLATE or self.context is None:
            return output
        pages, size = self.context["pages"], URLS_PER_FILE
        for number, name in enumerate(part_names(len(pages), size)[1:], start=1):
            part = self.template.render({**self.context, "pages": pages[number * size : (number + 1) * size]})
            write_file(part.encode("utf-8"), os.path.join(config.site_dir, name))
        self.template = self.context = None
        return output
