"""The README's performance table, from the benchmark's JSON.

    python benchmarks/perf_table.py [benchmarks/results/build.json]

prints the Markdown table the README's *Performance* section holds; tests/test_scale.py checks
that the two agree, so the README shows what the last benchmark measured.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "build.json"
INDEX_KINDS = ("home", "interview list", "topics", "archive", "questions", "quotes", "predictions", "people")
HEADER = (
    "| N | build, cold | build, warm | reference | generator share, warm | peak MB, warm (cold) | reference MB "
    "| ms per interview, warm | build after one seed is edited (generator share) | edit → visible under serve "
    "| search KB before the first result, raw (gzip) "
    "| largest index page |"
)


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def row(result: dict) -> str:
    ours, ref = result["ours"], result.get("reference", {})
    index_pages = {kind: page for kind, page in result["largest_pages"].items() if kind in INDEX_KINDS}
    kind, largest = max(index_pages.items(), key=lambda item: item[1]["kb"])
    search = f"{ours['search_kb']:.0f} ({ours['search_kb_gzip']:.0f})" if "search_kb" in ours else "—"
    cells = [
        f"{result['n']:,}",
        seconds(ours["command_cold"]),
        seconds(ours["command"]),
        seconds(ref.get("command")) if ref else "not built",
        f"{ours['generator'] / ours['command']:.0%}",
        f"{ours['peak_mb']:.0f} ({ours['peak_mb_cold']:.0f})",
        f"{ref['peak_mb']:.0f}" if ref else "—",
        f"{ours['per_interview_ms']:.1f}",
        f"{seconds(ours['command_edit'])} ({ours['generator_edit'] / ours['command_edit']:.0%})",
        seconds(ours.get("edit_visible_s")),
        search,
        f"{kind} {largest['kb']:.0f} KB, {largest['dom']:,} elements",
    ]
    return "| " + " | ".join(cells) + " |"


def table(results: list[dict]) -> str:
    separator = "|" + " --- |" * HEADER.count(" | ") + " --- |"
    return "\n".join([HEADER, separator, *(row(result) for result in results)])


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else RESULTS
    print(table(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
