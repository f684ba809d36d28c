"""Every catalogue measure for 25 quarters (2016-Q1 to 2022-Q1) on one authority: computed in a
fresh process, computed again in the same process, read from the stored results, and the
bare-DuckDB baseline.

    .venv/bin/python benchmarks/measures.py [--sizes 1] [--store FILE --la 371]

With `--store`, an existing store is measured (copied first: the stored-results step writes);
otherwise the synthetic authority (seed 0 of `SynthConfig`, the given size, April 2016 to
30 June 2022) is generated and ingested. Steps run in fresh processes (`_measure.step`).

The baseline is the same counting done by bare DuckDB: every query the engine sends (each
measure's SQL and each data-quality field check, as compiled once) executed in one process
with nothing around it — no Ibis, no status, no completion of empty periods. It is the floor for
computing these counts in DuckDB; the ratio to it is what the engine adds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

from _measure import row, step
from foundation import generate_and_write, ingest_all  # noqa: F401 (run in child processes)

PERIODS = "2016-Q1:2022-Q1"


def _run(store: str, la: str):
    from csc_scorecard.measures.run import run_measures
    from csc_scorecard.model.periods import parse_periods
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        return run_measures(db, la, parse_periods(PERIODS))


def compute_cold_and_warm(store: str, la: str) -> str:
    """A fresh process: the first run builds and compiles every query, the second reuses them."""
    started, cpu = time.perf_counter(), time.process_time()
    first = _run(store, la)
    cold, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    second = _run(store, la)
    warm, warm_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(first.rows) == len(second.rows)
    return (
        f"{len(first.rows):,} values; first run {cold:.2f} s ({cold_cpu:.2f} s CPU), "
        f"second run {warm:.2f} s ({warm_cpu:.2f} s CPU); load {_load()}"
    )


def stored_read(store: str, la: str) -> str:
    """Refresh the stored results (as ingest does), then time reading them."""
    from csc_scorecard.measures.results import measure_run, refresh_results
    from csc_scorecard.model.periods import parse_periods
    from csc_scorecard.store import Store

    with Store(store) as db:
        started = time.perf_counter()
        refresh_results(db, [la])
        refresh = time.perf_counter() - started
        started = time.perf_counter()
        run = measure_run(db, la, parse_periods(PERIODS))
        read = time.perf_counter() - started
    return f"{len(run.rows):,} values; refresh {refresh:.2f} s, read {read:.2f} s"


def engine_queries() -> tuple[list[tuple], list[tuple]]:
    """The queries compiled in this process, as (sql, inputs, reads): those the engine sends
    (measures sharing their shape as one statement, `engine._counted_together`), and the same
    counts as one query a measure (what the engine sent before it grouped them)."""
    from csc_scorecard.measures import context

    entries = [(k[0], v) for k, v in context._SQL.items()]
    grouped = {i for key, _ in entries if key[0] == "measures" for i in key[1]}
    sent = [v for key, v in entries if not (key[0] == "measure" and key[1] in grouped)]
    one_by_one = [v for key, v in entries if key[0] != "measures"]
    return sent, one_by_one


def bare_duckdb(store: str, la: str) -> str:
    """Every query the engine runs, executed by bare DuckDB (compiled first, not timed): the
    statements it sends, run as the engine runs them (on `WORKERS` cursors at once, longest
    first: `Context.run_together`) and one after another, and the same counts one query a
    measure (one after another)."""
    import duckdb

    from csc_scorecard.measures import context
    from csc_scorecard.measures.run import needed_quarters
    from csc_scorecard.model.periods import parse_periods

    _run(store, la)  # compiles and caches the SQL of every query
    sent, one_by_one = engine_queries()
    probe = context.Context(None, [la], needed_quarters(parse_periods(PERIODS)))
    con = duckdb.connect(store, read_only=True)
    cursors = [con.cursor() for _ in range(context.WORKERS)]
    for cur in cursors:  # register once a cursor: the inputs are shared
        for _, inputs, _ in one_by_one + sent:
            for name in inputs:
                cur.register(name, probe.input_rows(name.removeprefix(context.INPUT_PREFIX)))
    out = []
    for label, queries, on in (
        (f"as sent, {len(cursors)} at a time", sent, cursors),
        ("as sent, one at a time", sent, cursors[:1]),
        ("one a measure, one at a time", one_by_one, cursors[:1]),
    ):
        started, cpu = time.perf_counter(), time.process_time()
        rows = _run_on(on, [sql for sql, _, _ in queries])
        spent, spent_cpu = time.perf_counter() - started, time.process_time() - cpu
        out.append(
            f"{label}: {len(queries)} queries, {rows:,} rows in {spent:.2f} s "
            f"({spent_cpu:.2f} s CPU)"
        )
    return "; ".join(out) + f"; load {_load()}"


def _run_on(cursors: list, statements: list[str]) -> int:
    """Run the statements on the cursors at once, each taking the next (longest first, as
    `Context.run_together` orders them, on `cursor_pool`); the rows counted."""
    from csc_scorecard.cursor_pool import run_on_cursors
    from csc_scorecard.measures.duckdb_backend import arrow_rows

    ordered = sorted(statements, key=len, reverse=True)
    counts = run_on_cursors(cursors, len(ordered), lambda c, i: arrow_rows(c, ordered[i]).num_rows)
    return sum(counts)


def _load() -> str:
    """The 1-minute load average: CPU seconds mean little without it on a shared machine."""
    return f"{os.getloadavg()[0]:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1")
    parser.add_argument("--store", help="measure this store (copied) instead of a synthetic one")
    parser.add_argument("--la", default="371")
    args = parser.parse_args()
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    sizes = [None] if args.store else [float(s) for s in args.sizes.split(",")]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = f"{tmp}/s.duckdb"
            if args.store:
                shutil.copy(args.store, store)
                label = args.store
            else:
                step("foundation:generate_and_write", size=size, out=f"{tmp}/x")
                step("foundation:ingest_all", folder=f"{tmp}/x", store=store)
                label = f"size {size:g}"
            for name, target in (
                ("compute (fresh process, then again)", "measures:compute_cold_and_warm"),
                ("bare DuckDB: the same queries", "measures:bare_duckdb"),
                ("stored results: refresh, then read", "measures:stored_read"),
            ):
                print(row(f"{name}, {label}", step(target, store=store, la=args.la)))


if __name__ == "__main__":
    main()
