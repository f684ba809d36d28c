"""DfE rules: our vectorised SQL against the data-to-insight 903 validator, same files, one run.

    .venv/bin/python benchmarks/quality.py [--copies 20] [--profile]
    .venv/bin/python benchmarks/quality.py --ours-only         # ours alone, while iterating
    .venv/bin/python benchmarks/quality.py --england STORE   # every rule over a synthetic England
                                                              # (`scorecard quality`'s scope)
    .venv/bin/python benchmarks/quality.py --england STORE --per-group 16 [--out faults.csv]
                                                              # the same, 16 authorities at a time
    .venv/bin/python benchmarks/quality.py --england STORE --max-rows 4000000
                                                              # groups of at most 4 million rows

The input is the D2I fake 903 return (peer-fixtures/d2i-903-fake: 2,675 children, 5,050
episodes) tiled `copies` times with the child ids made unique (20 copies: 101,000 episodes, the
size the issue quotes). Both sides run only the rules both implement. Theirs: the package in its
venv (tests/oracle), once with those rules and once with none, so its reading and postcode work
can be told apart from its rules. Ours: reading the files with the ingest adapters (the
columnar 903 CSV reader, `ingest/columns.py`), loading them into an in-memory store, then the
rules; and `scorecard validate` itself as a command (a fresh process: start-up, imports,
reading, rules, writing the CSV of faults). Floors from the same run: *bare DuckDB* reading the
same files (`read_csv`, every column text) and running the identical rule SQL with nothing
around it. Throughput is episodes per second; every step is timed in wall seconds and in CPU
seconds (user + system, every thread; the validator's from its process's usage), the second
much less sensitive to the other processes on a shared machine. Ours runs the rules fused (row
filters of one table share one scan, `quality.runner.rule_queries`) and, once, one query per
rule (`fuse=False`), to show what fusing saves. `--profile` adds a cProfile of `validate_files`
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
    from csc_scorecard.quality.runner import (
        _BOUND,
        _tables_of_run,
        _wrapped,
        run_rules,
        scope_needs,
    )
    from csc_scorecard.quality.validate import read_files
    from csc_scorecard.store import Store

    chosen = rules("ssda903")
    started, cpu = time.perf_counter(), time.process_time()
    batches, errors = read_files([Path(f) for f in files], la_code="371", year=year)
    read, read_cpu = time.perf_counter() - started, time.process_time() - cpu
    with Store(":memory:") as store:
        store.load(batches)
        load, load_cpu = time.perf_counter() - started - read, time.process_time() - cpu - read_cpu
        runs, cpus = [], []
        for _ in range(3):
            # each run finds which rule queries give `value`/`field` afresh, as a new process
            # (the command) does: this process's answers are dropped (`runner.output_columns`),
            # those kept on disk read as a new process reads them (`runner._kept_shapes`)
            _BOUND.clear()
            before = time.process_time()
            runs.append(run_rules(store.con, only=chosen))
            cpus.append(time.process_time() - before)
        unfused = time.process_time()
        run_rules(store.con, only=chosen, fuse=False)
        unfused = time.process_time() - unfused
        # bare DuckDB: the same rule SQL (each rule run, one statement per rule) over the same
        # scoped tables, the run's tables built (`runner._tables_of_run`), nothing around it
        # (no scope built, no binding checks, no rule metadata added, no sort): the floor
        ran = runs[0].rules_run
        scope = scoping.build(store.con, needs=scope_needs(chosen), rules=chosen)
        try:
            scope.use("ssda903")
            with _tables_of_run(scope, "ssda903", ran):
                queries = [_wrapped(scope.con, r, i) for i, r in enumerate(ran)]
                bare, bare_cpu = [], []
                for _ in range(3):
                    t, c = time.perf_counter(), time.process_time()
                    for q in queries:
                        scope.con.sql(q).to_arrow_table()
                    bare.append(time.perf_counter() - t)
                    bare_cpu.append(time.process_time() - c)
        finally:
            scope.close()
    # the median of three runs (the machine is shared): preparing the scoped tables, then rules
    prepare = sorted(r.seconds["prepare"] for r in runs)[1]
    ruled = sorted(r.seconds["rules"] for r in runs)[1]
    return {"read_s": read, "load_s": load, "prepare_s": prepare, "rules_s": ruled,
            "rules_run": len(ran), "statements": runs[0].statements,
            "prepare_cpu": sorted(r.seconds["prepare_cpu"] for r in runs)[1],
            "bare_s": sorted(bare)[1], "faults": runs[0].faults.num_rows, "errors": errors,
            "read_cpu": read_cpu, "load_cpu": load_cpu, "rules_cpu": sorted(cpus)[1],
            "unfused_cpu": unfused, "bare_cpu": sorted(bare_cpu)[1]}  # fmt: skip


def england(
    store: str, per_group: int = 0, out: str | None = None, max_rows: int | None = None
) -> dict:
    """Every rule over a synthetic England store (`scorecard synth --england`), as `scorecard
    quality` runs them: its loads hold many years of both returns, and the scope
    (`quality.scope`, `multi_year`) puts each row in the collection year of the last return
    that would carry it; the scoped tables are views over the store's (read in place). One run
    (the machine is shared). `per_group` 0: one run over every authority (`run_rules`), every
    fault held; otherwise a group of that many authorities at a time (`quality.batches`), each
    group's faults written to `out` as CSV (the rows `scorecard quality --format csv` writes)
    and counted by rule, then dropped; `max_rows`: groups of at most that many rows
    (`quality.batches.sized`) instead."""
    import collections

    import duckdb

    from csc_scorecard.commands._faults import to_csv
    from csc_scorecard.quality.batches import MAX_ROWS, in_groups
    from csc_scorecard.quality.runner import run_rules

    con = duckdb.connect(store, read_only=True)
    t, c = time.perf_counter(), time.process_time()
    by_rule: collections.Counter = collections.Counter()
    groups = 0
    if per_group or max_rows:
        faults, rules_run, not_run, first = 0, set(), {}, True
        with open(out or os.devnull, "w", encoding="utf-8") as fh:
            for part in in_groups(
                con, multi_year=True, per_group=per_group or None, max_rows=max_rows or MAX_ROWS
            ):
                groups += 1
                text = to_csv(part.faults)
                fh.write(text if first else text.split("\n", 1)[1])
                first = False
                faults += part.faults.num_rows
                by_rule.update(part.faults.column("rule").to_pylist())
                rules_run.update((r.ret, r.code) for r in part.rules_run)
                not_run.update((str(n), None) for n in part.not_run)
        rules_run, not_run, prepare = len(rules_run), list(not_run), float("nan")
    else:
        result = run_rules(con, multi_year=True)
        faults, rules_run = result.faults.num_rows, len(result.rules_run)
        not_run, prepare = [str(n) for n in result.not_run], result.seconds["prepare"]
        by_rule.update(result.faults.column("rule").to_pylist())
    wall, cpu_s = time.perf_counter() - t, time.process_time() - c
    count = lambda sql: con.execute(sql).fetchall()[0][0]
    return {
        "rules_s": wall, "rules_cpu": cpu_s, "prepare_s": prepare, "per_group": per_group,
        "max_rows": max_rows, "parts": groups,
        "rules_run": rules_run, "not_run": not_run, "faults": faults,
        "top": by_rule.most_common(4),
        "authorities": count("SELECT count(DISTINCT la_code) FROM loads "
                             "WHERE source_format = 'synthetic_england'"),
        "episodes": count("SELECT count(*) FROM cla_episodes"),
        "referrals": count("SELECT count(*) FROM referrals"),
    }  # fmt: skip


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
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command's
    with open(out, encoding="utf-8") as fh:
        return {"faults": sum(1 for _ in fh) - 1, "peak_mb": usage.ru_maxrss / 1024,
                "cpu_s": usage.ru_utime + usage.ru_stime}  # fmt: skip


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
    parser.add_argument(
        "--england",
        metavar="STORE",
        help="only time every rule over this synthetic England store (`england`)",
    )
    parser.add_argument(
        "--per-group",
        type=int,
        default=0,
        metavar="N",
        help="with --england: N authorities at a time, faults streamed out (0: one run)",
    )
    parser.add_argument(
        "--max-rows",
        type=int,
        metavar="N",
        help="with --england: groups of authorities holding at most N rows, faults streamed out",
    )
    parser.add_argument("--out", help="with --per-group or --max-rows: write the faults' CSV here")
    parser.add_argument(
        "--ours-only",
        action="store_true",
        help="time ours alone (no D2I validator, no command, no bare read): for iterating",
    )
    args = parser.parse_args()
    if args.england:
        print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from _measure import step

        done = step(
            "quality:england",
            store=str(Path(args.england).resolve()),
            per_group=args.per_group,
            out=args.out,
            max_rows=args.max_rows,
        )
        e = done["result"]
        size = (
            f"groups of at most {e['max_rows']:,} rows"
            if e["max_rows"]
            else f"{e['per_group']} authorities a group"
        )
        how = (
            f"{size} ({e['parts']} parts), faults written as CSV to {args.out or os.devnull}"
            if e["parts"]
            else f"one run, every fault held; the scoped tables {e['prepare_s']:.1f} s wall of it"
        )
        print(
            f"synthetic England, {e['authorities']} authorities ({e['episodes']:,} episodes, "
            f"{e['referrals']:,} referrals): {e['rules_run']} rules, {e['faults']:,} faults in "
            f"{e['rules_s']:.1f} s wall, {e['rules_cpu']:.1f} s CPU ({how}); peak "
            f"{done['peak_mb']:.0f} MB; most faults: {e['top']}"
        )
        for line in e["not_run"]:
            print(f"  {line}")
        print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return
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
        if args.ours_only:
            _print_ours(r, episodes)
            return
        floor = step("quality:bare_read", files=[str(f) for f in files])
        command = step(
            "quality:validate_command",
            files=[str(f) for f in files],
            year=2024,
            out=str(Path(tmp) / "faults.csv"),
        )
        theirs, theirs_cpu = _cpu(report_903, files, "2024", rules=codes, timeout=7200)
        none, none_cpu = _cpu(report_903, files, "2024", rules=["NO-RULE"], timeout=7200)
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
        ("ours: the rules (fused row filters + one query, median of 3)", r["rules_s"]),
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
        f"rules run on the input (ours): {r['rules_run']} of {len(codes)}; SQL statements a run "
        f"sent: {r['statements']}"
    )
    print(
        f"ratio on the rules: {their_rules / r['rules_s']:.0f}x; with our preparation: "
        f"{their_rules / ours_all:.0f}x; end to end: {theirs['seconds'] / ours_end:.1f}x in one "
        f"process, {theirs['seconds'] / command['seconds']:.1f}x as commands"
    )
    # CPU seconds (user + system, every thread): what each side asked of the shared machine,
    # much less sensitive to the other processes than wall time
    cpu = [
        ("D2I: the rules (run minus no-rule run)", theirs_cpu - none_cpu),
        ("D2I: end to end", theirs_cpu),
        ("ours: the rules (fused, median of 3)", r["rules_cpu"]),
        ("  of which the scope (building the scoped tables)", r["prepare_cpu"]),
        ("ours: the rules, one query per rule (fuse=False)", r["unfused_cpu"]),
        ("bare DuckDB: the same rule SQL, one query per rule", r["bare_cpu"]),
        ("ours: reading the files", r["read_cpu"]),
        ("ours: loading the store", r["load_cpu"]),
        ("ours: end to end in one process", r["read_cpu"] + r["load_cpu"] + r["rules_cpu"]),
        ("ours: `scorecard validate` (new process)", command["result"]["cpu_s"]),
    ]
    print("CPU seconds:")
    for label, seconds in cpu:
        print(f"{label:<66}{seconds:>9.2f} s {episodes / seconds:>12,.0f} episodes/s")
    ours_end_cpu = r["read_cpu"] + r["load_cpu"] + r["rules_cpu"]
    print(
        f"CPU ratio on the rules: {(theirs_cpu - none_cpu) / r['rules_cpu']:.0f}x; end to end: "
        f"{theirs_cpu / ours_end_cpu:.1f}x in one process, "
        f"{theirs_cpu / command['result']['cpu_s']:.1f}x as commands"
    )
    if args.profile:
        print(profiled["result"])


def _print_ours(r: dict, episodes: int) -> None:
    """`--ours-only`: our steps (medians of three runs), wall and CPU, with nothing beside."""
    for label, seconds, cpu in [
        ("ours: the rules (fused row filters + one query, median of 3)", r["rules_s"], None),
        ("ours: preparing the scoped tables + the rules", r["prepare_s"] + r["rules_s"],
         r["rules_cpu"]),
        ("  of which the scope (building the scoped tables)", r["prepare_s"], r["prepare_cpu"]),
        ("bare DuckDB: the same rule SQL on the same scoped tables", r["bare_s"], r["bare_cpu"]),
        ("ours: the rules, one query per rule (fuse=False)", None, r["unfused_cpu"]),
    ]:  # fmt: skip
        wall = f"{seconds:>8.2f} s wall" if seconds is not None else " " * 15
        used = f"{cpu:>8.2f} s CPU" if cpu is not None else ""
        print(f"{label:<66}{wall}{used}")
    print(
        f"{episodes / (r['prepare_s'] + r['rules_s']):,.0f} episodes/s with the scope; "
        f"{r['faults']:,} faults; {r['rules_run']} rules; {r['statements']} statements; "
        f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


def _cpu(run, *args, **kwargs) -> tuple[dict, float]:
    """`run`'s result and the CPU seconds of the processes it waited for (the D2I validator)."""
    import resource

    def used() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    before = used()
    result = run(*args, **kwargs)
    return result, used() - before


if __name__ == "__main__":
    main()
