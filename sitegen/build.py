"""Build: seeds → interviews → generated pages → MkDocs site, staged so a failure changes nothing."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from .clean import clean_body
from .datafiles import load_page_texts
from .editorial import Editorial, load_editorial
from .enrich import enrich
from .errors import InputError, Problems
from .generate import render_site
from .model import Interview
from .parse import parse_article
from .read import display_path, list_seeds, read_seed
from .topics import Topic, assign_topics, load_topics, topic_hits
from .write import WriteReport, sync_generated

log = logging.getLogger("sitegen")
FUTURE_GRACE = timedelta(days=2)


@dataclass(frozen=True)
class Project:
    root: Path
    seeds_dir: Path

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"


@dataclass(frozen=True)
class DataFiles:
    topics: tuple[Topic, ...]
    editorial: dict[str, Editorial]
    page_texts: dict[str, dict]


def load_data(data_dir: Path) -> DataFiles:
    topics = load_topics(data_dir / "topics.yml")
    editorial = load_editorial(data_dir / "editorial.yml", {t.slug for t in topics})
    return DataFiles(topics, editorial, load_page_texts(data_dir / "pages.yml"))


def load_interview(path: Path, data: DataFiles) -> Interview:
    name = display_path(path)
    article = parse_article(name, read_seed(path))
    notes = data.editorial.get(path.name, Editorial())
    interview = enrich(article, clean_body(article.body), slug=notes.slug)
    hits = topic_hits(interview, data.topics)
    return replace(
        interview,
        topics=assign_topics(hits, data.topics, notes.topics_add, notes.topics_remove),
        topic_hits=hits,
        host=notes.host,
        host_role=notes.host_role,
        event=notes.event,
        title_en=notes.title_en,
    )


def header_warnings(interview: Interview, now: datetime) -> list[InputError]:
    warnings = []
    if interview.header.published > now + FUTURE_GRACE:
        warnings.append(
            InputError(interview.seed, 3, f"发布时间 {interview.header.published:%Y-%m-%d} is in the future")
        )
    for key, value in (
        ("文章作者", interview.header.author),
        ("发布地", interview.header.location),
        ("封面图链接", interview.header.cover_image),
    ):
        if not value:
            warnings.append(InputError(interview.seed, 1, f"header line {key}: is missing"))
    return warnings


def check_unique(interviews: list[Interview], problems: Problems) -> None:
    """Two seeds may not share a URL or be the same WeChat article."""
    for attribute, what in (("slug", "URL interviews/{}/"), ("source_url", "原文链接 {}")):
        first_seen: dict[str, Interview] = {}
        for interview in interviews:
            key = getattr(interview, attribute) if attribute == "slug" else interview.header.source_url
            if key in first_seen:
                other = first_seen[key].seed
                problems.errors.append(InputError(interview.seed, 1, f"same {what.format(key)} as {other}"))
            else:
                first_seen[key] = interview


def load_interviews(seeds_dir: Path, data: DataFiles, problems: Problems) -> list[Interview]:
    """Every seed parsed and cleaned; all problems are collected before anything stops the run."""
    if not seeds_dir.is_dir():
        problems.errors.append(InputError(str(seeds_dir), 0, "seeds folder does not exist"))
        problems.raise_if_any()
    paths, notes = list_seeds(seeds_dir)
    problems.notes.extend(notes)
    interviews: list[Interview] = []
    now = datetime.now().astimezone()
    for path in paths:
        try:
            interview = load_interview(path, data)
        except InputError as error:
            problems.errors.append(error)
            continue
        problems.warnings.extend(header_warnings(interview, now))
        interviews.append(interview)
    if not paths:
        problems.errors.append(InputError(display_path(seeds_dir / "*.txt"), 0, "no seed files found"))
    check_unique(interviews, problems)
    problems.raise_if_any()
    return interviews


def removal_summary(interview: Interview) -> str:
    parts = [f"{rule} {count}" for rule, count in interview.removed]
    return f"{interview.seed}: removed " + (", ".join(parts) if parts else "nothing")


def load_project(project: Project, problems: Problems) -> tuple[list[Interview], DataFiles]:
    try:
        data = load_data(project.data_dir)
    except InputError as error:
        problems.errors.append(error)
        data = DataFiles((), {}, {})
    return load_interviews(project.seeds_dir, data, problems), data


def generate(project: Project, docs_dir: Path, problems: Problems) -> tuple[list[Interview], WriteReport]:
    interviews, data = load_project(project, problems)
    pages = render_site(interviews, data.topics, project.templates_dir, data.page_texts)
    return interviews, sync_generated(docs_dir, pages)


def mkdocs_build(project: Project, docs_dir: Path, site_dir: Path, **overrides) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    # The pages are generated already: the hook that regenerates them is for `mkdocs serve`.
    config = load_config(
        str(project.config_file), docs_dir=str(docs_dir), site_dir=str(site_dir), hooks=[], **overrides
    )
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def swap_directory(new: Path, target: Path) -> None:
    """Put new in target's place; the old target is removed only after the new one is in place."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def copy_hand_written(docs_dir: Path, staging_docs: Path) -> None:
    if docs_dir.exists():
        shutil.copytree(docs_dir, staging_docs, copy_function=shutil.copy2, symlinks=True)
    else:
        staging_docs.mkdir(parents=True)


def build_site(project: Project, problems: Problems, **mkdocs_overrides) -> tuple[list[Interview], WriteReport]:
    """Generate and build in a staging folder; only a fully successful build replaces docs/ and site/."""
    interviews, data = load_project(project, problems)
    pages = render_site(interviews, data.topics, project.templates_dir, data.page_texts)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=project.root))
    try:
        staging_docs, staging_site = staging / "docs", staging / "site"
        copy_hand_written(project.docs_dir, staging_docs)
        sync_generated(staging_docs, pages)
        mkdocs_build(project, staging_docs, staging_site, **mkdocs_overrides)
        report = sync_generated(project.docs_dir, pages)
        swap_directory(staging_site, project.site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return interviews, report
