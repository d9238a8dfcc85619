"""Kill rate of mutation testing per pipeline module, from mutmut's results.

    make mutation                                  # mutmut run, then this report
    python benchmarks/mutation_report.py           # the report of the last run
    python benchmarks/mutation_report.py --survivors sitegen.clean   # list what survived in a module

A mutant counts as killed when a test failed (or timed out) with it in place. Mutants listed in
benchmarks/mutation_equivalent.yml behave exactly like the original (the reason is given there)
and are left out of the rate. Exit status 1 when a module is below the target.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.yml"
RESULTS = ROOT / "benchmarks" / "results" / "mutation.json"
TARGET = 0.90
LINE = re.compile(r"^\s*(?P<name>sitegen\.(?P<module>\w+)\.\S+__mutmut_\d+):\s*(?P<status>.+?)\s*$")
KILLED = {"killed", "timeout"}


def mutmut_results() -> list[tuple[str, str, str]]:
    output = subprocess.run(
        [str(Path(sys.executable).with_name("mutmut")), "results", "--all", "true"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [(m["name"], m["module"], m["status"]) for m in map(LINE.match, output.splitlines()) if m]


def equivalent_mutants() -> dict[str, str]:
    if not EQUIVALENT.exists():
        return {}
    return yaml.safe_load(EQUIVALENT.read_text(encoding="utf-8")) or {}


def summarise(results: list[tuple[str, str, str]], equivalent: dict[str, str]) -> dict[str, dict]:
    per_module: dict[str, Counter] = defaultdict(Counter)
    for name, module, status in results:
        per_module[module]["equivalent" if name in equivalent else status] += 1
    table = {}
    for module, counts in sorted(per_module.items()):
        killed = sum(counts[s] for s in KILLED)
        counted = sum(counts.values()) - counts["equivalent"] - counts["not checked"]
        table[module] = {
            "mutants": sum(counts.values()),
            "killed": killed,
            "survived": counts["survived"],
            "no tests": counts["no tests"],
            "not checked": counts["not checked"],
            "equivalent": counts["equivalent"],
            "kill rate": round(killed / counted, 3) if counted else None,
        }
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--survivors", metavar="MODULE", help="list surviving mutants of this module (sitegen.NAME)")
    args = parser.parse_args()
    results = mutmut_results()
    equivalent = equivalent_mutants()
    if args.survivors:
        for name, _, status in results:
            if name.startswith(args.survivors + ".") and status in ("survived", "no tests") and name not in equivalent:
                print(f"{name}: {status}")
        return 0
    table = summarise(results, equivalent)
    print("| module | mutants | killed | survived | no tests | equivalent | kill rate |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for module, row in table.items():
        rate = "—" if row["kill rate"] is None else f"{100 * row['kill rate']:.1f} %"
        print(
            f"| {module} | {row['mutants']} | {row['killed']} | {row['survived']} | {row['no tests']} | "
            f"{row['equivalent']} | {rate} |"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    below = [module for module, row in table.items() if row["kill rate"] is not None and row["kill rate"] < TARGET]
    if below:
        print(f"below {TARGET:.0%}: {', '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
