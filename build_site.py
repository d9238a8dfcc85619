#!/usr/bin/env python3
"""Build the Sam Altman interview archive from seeds/.

    python build_site.py [build]     regenerate docs/ from seeds/ and build site/
    python build_site.py serve       the same, then serve with live reload
    python build_site.py check       validate every seed, write nothing
    python build_site.py predictions list sentences that look ahead, for data/predictions.yml

Exit status 0 only when everything was built (or, for check, every seed is valid).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from pathlib import Path

import jinja2
from mkdocs.exceptions import MkDocsException

from sitegen.build import (
    CACHE_DIR,
    Project,
    build_site,
    ledger_lines,
    load_project,
    long_lived_heap,
    one_build_at_a_time,
    removal_summary,
)
from sitegen.errors import BuildFailed, Problems
from sitegen.predictions import find_candidates
from sitegen.progress import show_progress

ROOT = Path(__file__).resolve().parent


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=("build", "serve", "check", "predictions"))
    parser.add_argument(
        "--seeds", type=Path, default=ROOT / "seeds", help="folder of exported articles (default: seeds/)"
    )
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="address for serve (default: 127.0.0.1:8000)")
    parser.add_argument("--offline", action="store_true", help="build: a copy for the file system into site-offline/")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.add_argument("--timings", type=Path, help="build: write the seconds of each stage to this JSON file")
    return parser.parse_args(argv)


def report(problems: Problems) -> None:
    for note in problems.notes:
        print(f"note: {note}", file=sys.stderr)
    for warning in problems.warnings:
        print(f"warning: {warning}", file=sys.stderr)


def check(project: Project, quiet: bool) -> int:
    problems = Problems()
    interviews, _ = load_project(project, problems)
    report(problems)
    if not quiet:
        for interview in interviews:
            print("\n".join(ledger_lines(interview)))
        print(f"{len(interviews)} seeds are valid")
    return 0


def predictions(project: Project) -> int:
    """Candidates for data/predictions.yml: `seeds/NAME.txt:LINE: #tN [horizon] sentence`."""
    problems = Problems()
    interviews, data = load_project(project, problems)
    report(problems)
    confirmed = {(p.seed, p.turn, p.quote) for p in data.predictions}
    count = 0
    for interview in sorted(interviews, key=lambda i: i.seed):
        for found in find_candidates(interview):
            done = any((Path(found.seed).name, found.turn) == key[:2] and key[2] in found.sentence for key in confirmed)
            mark = " (confirmed)" if done else ""
            print(f"{found.seed}:{found.line}: #{found.turn} [{found.horizon}]{mark} {found.sentence}")
            count += 1
    confirmed_count = len(data.predictions)
    print(f"{count} candidate(s) in {len(interviews)} interviews; {confirmed_count} confirmed in data/predictions.yml")
    return 0


def build(project: Project, quiet: bool, offline: bool = False, timings_file: Path | None = None) -> int:
    problems = Problems()
    timings: dict[str, float] = {}
    with one_build_at_a_time(project.root, say=lambda line: print(line, file=sys.stderr)), long_lived_heap():
        interviews, written = build_site(project, problems, offline=offline, timings=timings)
    if timings_file:
        timings_file.write_text(json.dumps(timings) + "\n", encoding="utf-8")
    report(problems)
    if not quiet:
        for interview in sorted(interviews, key=lambda i: i.seed):
            print(removal_summary(interview))
        print(
            f"built {len(interviews)} interviews into {'site-offline' if offline else 'site'}/: "
            f"{len(written.written)} page(s) written, {written.unchanged} unchanged, {len(written.removed)} removed"
        )
    return 0


def serve(project: Project, dev_addr: str, quiet: bool) -> int:
    from mkdocs.commands.serve import serve as mkdocs_serve

    # Terminated, the server stops as on Ctrl-C: MkDocs then removes its temporary copy of the site,
    # which a plain SIGTERM leaves in the temporary folder (a copy of every page, each time).
    signal.signal(signal.SIGTERM, interrupt)
    build(project, quiet)
    os.environ["SITEGEN_SEEDS"] = str(project.seeds_dir)
    watch = [str(project.seeds_dir), str(project.templates_dir), str(project.root / "data")]
    # A rebuild renders only the pages whose Markdown the hook rewrote (MkDocs' "dirty" build); the
    # hook makes it a full one when the theme or mkdocs.yml changed. MkDocs' warning about dirty
    # builds and navigation does not apply: the navigation lists only pages that are regenerated.
    logging.getLogger("mkdocs.commands.build").addFilter(lambda record: "'dirty' build" not in record.getMessage())
    mkdocs_serve(str(project.config_file), dev_addr=dev_addr, livereload=True, watch=watch, build_type="dirty")
    return 0


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def describe(error: Exception) -> str:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"templates/pages/{error.name}:{error.lineno}: {error.message}"
    return " ".join(str(error).split()) or type(error).__name__


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="%(levelname)-7s -  %(message)s")
    project = Project(root=ROOT, seeds_dir=args.seeds.resolve(), cache_dir=ROOT / CACHE_DIR)
    show_progress(sys.stderr.isatty() and not args.quiet)
    try:
        if args.command == "check":
            return check(project, args.quiet)
        if args.command == "predictions":
            return predictions(project)
        if args.command == "serve":
            return serve(project, args.dev_addr, args.quiet)
        return build(project, args.quiet, args.offline, args.timings)
    except BuildFailed as failed:
        for error in failed.errors:
            print(error, file=sys.stderr)
        print(f"stopped: {len(failed.errors)} problem(s); docs/ and site/ were not changed", file=sys.stderr)
        return 1
    except (MkDocsException, jinja2.TemplateError) as error:
        print(f"error: {describe(error)}", file=sys.stderr)
        print("stopped: the site did not build; docs/ and site/ were not changed", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; docs/ and site/ were not changed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
