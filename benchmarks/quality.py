"""DfE rules: our vectorised SQL against the data-to-insight 903 validator, same files, one run.

    .venv/bin/python benchmarks/quality.py [--copies 20]

The input is the D2I fake 903 return (peer-fixtures/d2i-903-fake: 2,675 children, 5,050
episodes) tiled `copies` times with the child ids made unique (20 copies: 101,000 episodes, the
size the issue quotes). Both sides run only the rules both implement. Theirs: the package in its
venv (tests/oracle), once with those rules and once with none, so its reading and postcode work
can be told apart from its rules. Ours: reading the files with the ingest adapters (the
columnar 903 CSV reader, `ingest/columns.py`), loading them into an in-memory store, then the
rules; and `scorecard validate` itself as a command (a fresh process: start-up, imports,
reading, rules, writing the CSV of faults). Floors from the same run: *bare DuckDB* reading the
same files (`read_csv`, every column text) and running the identical rule SQL with nothing
around it. Throughput is episodes per second. `--profile` adds a cProfile of `validate_files`
(where our end-to-end time goes).
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
    read = time.perf_counter() - started
    with Store(":memory:") as store:
        store.load(batches)
        load = time.perf_counter() - started - read
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
    return {"read_s": read, "load_s": load, "prepare_s": prepare, "rules_s": ruled,
            "bare_s": sorted(bare)[1], "faults": runs[0].faults.num_rows, "errors": errors}  # fmt: skip


def bare_read(files: list[str]) -> dict:
    """The floor for reading: DuckDB's own CSV reader, every column as text, into tables."""
    import duckdb

    con = duckdb.connect()
    rows = 0
    for i, f in enumerate(files):
        con.execute(
            f"CREATE TABLE t{i} AS SELECT * FROM read_csv(?, all_varchar = true, header = true)",
            [f],
        ).fetchall()
        rows += con.execute(f"SELECT count(*) FROM t{i}").fetchall()[0][0]
    return {"rows": rows}


def validate_command(files: list[str], year: int, out: str) -> dict:
    """`scorecard validate` as a user runs it: a fresh interpreter, the CSV of faults written."""
    import resource
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "csc_scorecard.cli", "validate", *files, "--la", "371",
         "--year", str(year), "--format", "csv", "--out", out],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the command's
    with open(out, encoding="utf-8") as fh:
        return {"faults": sum(1 for _ in fh) - 1, "peak_mb": peak}


def profile(files: list[str], year: int) -> str:
    """cProfile of `validate_files` (reading, store, rules; no output written): the functions
    that take the most time, cumulative, ours and DuckDB's."""
    import cProfile
    import io
    import pstats

    from csc_scorecard.quality.validate import validate_files

    prof = cProfile.Profile()
    prof.runcall(validate_files, [Path(f) for f in files], la_code="371", year=year)
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("cumulative").print_stats(
        r"csc_scorecard|duckdb", 30
    )
    return text.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="add a cProfile of ours")
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
        floor = step("quality:bare_read", files=[str(f) for f in files])
        command = step(
            "quality:validate_command",
            files=[str(f) for f in files],
            year=2024,
            out=str(Path(tmp) / "faults.csv"),
        )
        theirs = report_903(files, "2024", rules=codes, timeout=7200)
        none = report_903(files, "2024", rules=["NO-RULE"], timeout=7200)
        profiled = (
            step("quality:profile", files=[str(f) for f in files], year=2024)
            if args.profile
            else None
        )
    their_rules = theirs["seconds"] - none["seconds"]
    ours_all = r["prepare_s"] + r["rules_s"]
    ours_end = r["read_s"] + r["load_s"] + ours_all
    lines = [
        ("D2I csc-validator-be-903: the rules (run minus no-rule run)", their_rules),
        ("D2I: end to end (read, postcodes, rules)", theirs["seconds"]),
        ("ours: the rules (one SQL query, median of 3)", r["rules_s"]),
        ("bare DuckDB: the same rule SQL on the same scoped tables", r["bare_s"]),
        ("ours: preparing the scoped tables + the rules", ours_all),
        ("ours: reading the files (ingest adapters)", r["read_s"]),
        ("bare DuckDB: read_csv of the same files, every column text", floor["seconds"]),
        ("ours: loading the batches into an in-memory store", r["load_s"]),
        ("ours: end to end in one process (read, store, rules)", ours_end),
        ("ours: `scorecard validate ... --format csv` (new process)", command["seconds"]),
    ]
    for label, seconds in lines:
        print(f"{label:<66}{seconds:>9.2f} s {episodes / seconds:>12,.0f} episodes/s")
    print(
        f"peak MB: theirs {theirs['peak_mb']}, ours {mine['peak_mb']:.0f} (the command "
        f"{command['result']['peak_mb']:.0f}); faults {r['faults']:,} (the command's CSV "
        f"{command['result']['faults']:,}); theirs ran {theirs.get('version', '?')}"
    )
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"ratio on the rules: {their_rules / r['rules_s']:.0f}x; with our preparation: "
        f"{their_rules / ours_all:.0f}x; end to end: {theirs['seconds'] / ours_end:.1f}x in one "
        f"process, {theirs['seconds'] / command['seconds']:.1f}x as commands"
    )
    if args.profile:
        print(profiled["result"])


if __name__ == "__main__":
    main()
