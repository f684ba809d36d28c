"""DfE rules: our vectorised SQL against the data-to-insight 903 validator, same files, one run.

    .venv/bin/python benchmarks/quality.py [--copies 20]

The input is the D2I fake 903 return (peer-fixtures/d2i-903-fake: 2,675 children, 5,050
episodes) tiled `copies` times with the child ids made unique (20 copies: 101,000 episodes, the
size the issue quotes). Both sides run only the rules both implement. Theirs: the package in its
venv (tests/oracle), once with those rules and once with none, so its reading and postcode work
can be told apart from its rules. Ours: reading the files with the ingest adapters into an
in-memory store, then the rules. Throughput is episodes per second of rule time and end to end.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKE = ROOT.parent / "shared" / "data" / "peer-fixtures" / "d2i-903-fake"
TABLES = ["header", "episodes", "reviews", "uasc", "oc2", "oc3", "ad1", "placed_for_adoption",
          "previous_permanence", "missing"]  # fmt: skip


def tile(out: Path, copies: int) -> tuple[list[Path], int]:
    """The fake return `copies` times over, child ids suffixed; returns files and episodes."""
    files, episodes = [], 0
    for name in TABLES:
        with (FAKE / f"{name}.csv").open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        path = out / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(rows[0])
            for k in range(copies):
                for r in rows[1:]:
                    w.writerow([f"{r[0]}{k:02d}", *r[1:]])
        if name == "episodes":
            episodes = (len(rows) - 1) * copies
        files.append(path)
    return files, episodes


def ours(files: list[str], year: int) -> dict:
    from csc_scorecard.quality.rules import rules
    from csc_scorecard.quality.runner import run_rules
    from csc_scorecard.quality.validate import read_files
    from csc_scorecard.store import Store

    started = time.perf_counter()
    batches, errors = read_files([Path(f) for f in files], la_code="371", year=year)
    with Store(":memory:") as store:
        store.load(batches)
        read = time.perf_counter() - started
        started = time.perf_counter()
        result = run_rules(store.con, only=rules("ssda903"))
        ruled = time.perf_counter() - started
    return {"read_s": read, "rules_s": ruled, "faults": result.faults.num_rows, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _measure import step
    from oracle import report_903

    from csc_scorecard.quality.rules import rules

    codes = [r.code for r in rules("ssda903")]
    with tempfile.TemporaryDirectory() as tmp:
        files, episodes = tile(Path(tmp), args.copies)
        print(
            f"input: d2i-903-fake x {args.copies} = {episodes:,} episodes; {len(codes)} rules both implement"
        )
        mine = step("quality:ours", files=[str(f) for f in files], year=2024)
        r = mine["result"]
        theirs = report_903(files, "2024", rules=codes, timeout=7200)
        none = report_903(files, "2024", rules=["NO-RULE"], timeout=7200)
    their_rules = theirs["seconds"] - none["seconds"]
    print(f"{'':<34}{'rules only':>14}{'end to end':>14}{'peak MB':>10}")
    print(
        f"{'D2I csc-validator-be-903 0.1.17':<34}{their_rules:>13.1f}s{theirs['seconds']:>13.1f}s{theirs['peak_mb']:>10}"
    )
    print(
        f"{'ours (DuckDB SQL)':<34}{r['rules_s']:>13.2f}s{r['read_s'] + r['rules_s']:>13.1f}s{mine['peak_mb']:>10.0f}"
    )
    print(
        f"throughput, episodes/s: theirs {episodes / their_rules:,.0f} (rules) {episodes / theirs['seconds']:,.0f} (end to end); "
        f"ours {episodes / r['rules_s']:,.0f} (rules) {episodes / (r['read_s'] + r['rules_s']):,.0f} (end to end)"
    )
    print(
        f"ratio: {their_rules / r['rules_s']:.0f}x on rule time, "
        f"{theirs['seconds'] / (r['read_s'] + r['rules_s']):.1f}x end to end; faults ours {r['faults']:,}"
    )


if __name__ == "__main__":
    main()
