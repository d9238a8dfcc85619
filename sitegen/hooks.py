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

from sitegen.build import Project, generate, one_build_at_a_time
from sitegen.errors import BuildFailed, Problems

log = logging.getLogger("mkdocs.hooks.sitegen")


def project_of(config) -> Project:
    root = Path(config.config_file_path).parent
    return Project(root=root, seeds_dir=Path(os.environ.get("SITEGEN_SEEDS", root / "seeds")))


def on_pre_build(config) -> None:
    problems = Problems()
    project = project_of(config)
    try:
        with one_build_at_a_time(project.root, say=log.info):
            _, report, redirects = generate(project, config, problems)
        config.plugins["redirects"].config["redirect_maps"] = redirects
    except BuildFailed as failed:
        raise PluginError("bad seeds:\n" + str(failed)) from None
    if report.written or report.removed:
        log.info("regenerated %d page(s), removed %d", len(report.written), len(report.removed))
