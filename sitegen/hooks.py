"""MkDocs hook for `mkdocs serve`: regenerate the pages from seeds/ before every (re)build.

`python build_site.py build` generates the pages itself and builds without this hook;
here, a seed or template edit picked up by `watch:` shows on the next reload. Only files
whose bytes change are written, so the rebuild this triggers finds nothing to do.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError

from sitegen.build import CACHE_DIR, Project, cache_folder, generate, link_static_files, one_build_at_a_time
from sitegen.cache import fingerprint
from sitegen.errors import BuildFailed, Problems
from sitegen.generate import JINJA_CACHE
from sitegen.pages import bytecode_cache
from sitegen.render_cache import RenderCache
from sitegen.sitemap import SitemapParts

log = logging.getLogger("mkdocs.hooks.sitegen")


# Held for the whole `serve` session: the HTML of unchanged pages is not converted again, loaded
# seeds and generated pages are not read from the cache again, the search index is updated rather
# than made anew, and a generated file whose digest, size and time are those it was synced with is
# not read again.
render_cache: RenderCache | None = None
theme_seen: str | None = None
held_entries: dict = {}
synced_files: dict = {}
sitemap = SitemapParts()


def project_of(config) -> Project:
    root = Path(config.config_file_path).parent
    seeds = Path(os.environ.get("SITEGEN_SEEDS", root / "seeds"))
    return Project(root=root, seeds_dir=seeds, cache_dir=root / CACHE_DIR, memory=held_entries)


def theme_changed(project: Project) -> bool:
    """True when mkdocs.yml or the theme templates changed since the last rebuild of this session."""
    global theme_seen
    seen = fingerprint([*sorted((project.templates_dir / "theme").rglob("*.html")), project.config_file], project.root)
    changed = theme_seen is not None and seen != theme_seen
    theme_seen = seen
    return changed


def touch_pages(docs_dir: Path) -> None:
    """Make every page newer than its HTML, so the next dirty rebuild renders all of them."""
    for page in docs_dir.rglob("*.md"):
        page.touch()


def on_pre_build(config) -> None:
    global render_cache
    problems = Problems()
    project = project_of(config)
    if render_cache is None:
        render_cache = RenderCache(cache_folder(project.cache_dir, "html", config.use_directory_urls))
    render_cache.on_pre_build(config)
    try:
        with one_build_at_a_time(project.root, say=log.info):
            _, report, redirects = generate(project, config, problems, synced_files)
        config.plugins["redirects"].config["redirect_maps"] = redirects
        if theme_changed(project):
            touch_pages(Path(config.docs_dir))
    except BuildFailed as failed:
        raise PluginError("bad seeds:\n" + str(failed)) from None
    if report.written or report.removed:
        log.info("regenerated %d page(s), removed %d", len(report.written), len(report.removed))


def on_files(files, config):
    return render_cache.on_files(files, config)


def on_env(env, config, files):
    link_static_files(files, Path(config.docs_dir))
    env.bytecode_cache = bytecode_cache(project_of(config).cache_dir / JINJA_CACHE)
    return env


def on_page_markdown(markdown, page, config, files):
    return render_cache.on_page_markdown(markdown, page, config, files)


def on_page_content(html, page, config, files):
    return render_cache.on_page_content(html, page, config, files)


def on_pre_template(template, template_name, config):
    return sitemap.on_pre_template(template, template_name, config)


def on_template_context(context, template_name, config):
    return sitemap.on_template_context(context, template_name, config)


def on_post_template(output_content, template_name, config):
    return sitemap.on_post_template(output_content, template_name, config)


def on_post_build(config) -> None:
    render_cache.on_post_build(config)


def on_build_error(error) -> None:
    if render_cache is not None:
        render_cache.on_build_error(error)
