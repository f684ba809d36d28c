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
import os
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
    from csc_scorecard.quality import scope as scoping
    from csc_scorecard.quality.rules import rules
    from csc_scorecard.quality.runner import _wrapped, run_rules
    from csc_scorecard.quality.validate import read_files
    from csc_scorecard.store import Store

    chosen = rules("ssda903")
    started = time.perf_counter()
    batches, errors = read_files([Path(f) for f in files], la_code="371", year=year)
    with Store(":memory:") as store:
        store.load(batches)
        read = time.perf_counter() - started
        runs = [run_rules(store.con, only=chosen) for _ in range(3)]
        # bare DuckDB: the same rule SQL over the same scoped tables, nothing around it (no
        # binding checks, no rule metadata added, no sort): the floor for our rule time
        scope = scoping.build(store.con, needs={(r.ret, t) for r in chosen for t in r.needs})
        try:
            scope.use("ssda903")
            union = "\nUNION ALL\n".join(_wrapped(scope.con, r, i) for i, r in enumerate(chosen))
            bare = []
            for _ in range(3):
                t = time.perf_counter()
                scope.con.sql(union).to_arrow_table()
                bare.append(time.perf_counter() - t)
        finally:
            scope.close()
    # the median of three runs (the machine is shared): preparing the scoped tables, then rules
    prepare = sorted(r.seconds["prepare"] for r in runs)[1]
    ruled = sorted(r.seconds["rules"] for r in runs)[1]
    return {"read_s": read, "prepare_s": prepare, "rules_s": ruled, "bare_s": sorted(bare)[1],
            "faults": runs[0].faults.num_rows, "errors": errors}  # fmt: skip


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
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
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
    ours_all = r["prepare_s"] + r["rules_s"]
    ours_end = r["read_s"] + ours_all
    lines = [
        ("D2I csc-validator-be-903 0.1.17: the rules (run minus no-rule run)", their_rules),
        ("D2I: end to end (read, postcodes, rules)", theirs["seconds"]),
        ("ours: the rules (one SQL query, median of 3)", r["rules_s"]),
        ("bare DuckDB: the same rule SQL on the same scoped tables", r["bare_s"]),
        ("ours: preparing the scoped tables + the rules", ours_all),
        ("ours: end to end (ingest adapters, store, rules)", ours_end),
    ]
    for label, seconds in lines:
        print(f"{label:<66}{seconds:>9.2f} s {episodes / seconds:>12,.0f} episodes/s")
    print(
        f"peak MB: theirs {theirs['peak_mb']}, ours {mine['peak_mb']:.0f}; faults {r['faults']:,}"
    )
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"ratio on the rules: {their_rules / r['rules_s']:.0f}x; with our preparation: "
        f"{their_rules / ours_all:.0f}x; end to end: {theirs['seconds'] / ours_end:.1f}x"
    )


if __name__ == "__main__":
    main()
