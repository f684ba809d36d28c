"""England at scale: every counted catalogue measure for every authority of a synthetic England
and 40 quarters, beside a bare-DuckDB baseline, and the incremental refresh after one
authority's new quarter.

    .venv/bin/python benchmarks/england.py [--years 2013-2022] [--seed 2022] [--la 372,805]
        [--store FILE] [--keep FILE] [--steps compute,bare,refresh,incremental] [--values FILE]

Inputs: `scorecard synth --england` (synth/england.py) with the given seed and years (default
every authority the reference bundle has a population for throughout, 2013-2022: the 40
quarters 2013-Q1 to 2022-Q4, plus the year of history before); `--la` takes a subset, `--store`
reuses a store built earlier (copied: steps write). Each step runs in a fresh process
(`_measure.step`) and prints its wall time and peak memory (the child's maximum resident set).

Steps:
1. build: the synthetic England straight into a new store (reference data first);
2. compute, in one process: compiling every query (one authority and quarter), then every
   counted measure for every authority and 40 quarters in one engine run (`engine.compute`:
   the measures alone; reportability runs the DfE rules, measured by benchmarks/quality.py),
   with the slowest statements (wall and CPU, summed over the groups of authorities the engine
   runs them in); `--values` keeps the values to compare two runs;
   bare: the same statements by bare DuckDB for every authority at once, nothing around them;
3. stored results: `refresh_results` (what an ingest runs: the last seven years each
   authority's loads cover, and the year before) for a few authorities (`--refresh`); it
   computes authority by authority, so England's time is about 150 times one authority's;
4. incremental: one of them loads a new quarter (April-June after the span, through
   `Store.load` as an ingest does), then `refresh_results` for all of them: which authorities
   were recomputed, and how long it took.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time

from _measure import row, step


def _cpu() -> str:
    """This process's CPU time so far (user + system, every thread): on a shared machine the
    wall time is many times it."""
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    return f"CPU {used.ru_utime + used.ru_stime:.0f} s"


def _span(years: str):
    from csc_scorecard.synth import england

    first, _, last = years.partition("-")
    return england.Span(int(first), int(last or first))


def _codes(la: str | None):
    return [c.strip() for c in la.split(",")] if la else None


def build(store: str, years: str, seed: int, la: str | None) -> str:
    from csc_scorecard.reference.load import import_reference
    from csc_scorecard.store import Store
    from csc_scorecard.synth import england

    with Store(store) as db:
        import_reference(db)
        written = england.write_store(db, _codes(la), _span(years), seed)
    size = os.path.getsize(store) / 2**20
    return (
        f"{len(written)} authorities, {sum(written.values()):,} rows, {size:,.0f} MB file; {_cpu()}"
    )


def _quarters(years: str):
    from csc_scorecard.model.periods import Quarter

    span = _span(years)
    return [Quarter(y, q) for y in range(span.first_year, span.last_year + 1) for q in range(1, 5)]


def _counted():
    from csc_scorecard.measures.catalogue import catalogue

    return [m.id for m in catalogue().values() if not m.manual]


def compute(store: str, years: str, values: str | None = None, top: int = 12) -> str:
    """In one fresh process: compile every query (one authority, one quarter: what a first
    command pays), then every counted measure x authority x quarter in one engine run
    (`engine.compute`: the measures alone, not reportability, which runs the DfE rules and is
    `quality`'s; the statements in groups of `engine.AUTHORITIES_TOGETHER` authorities, run
    `context.WORKERS` at a time), with each statement's wall time (the slowest printed; the
    process's CPU is not theirs alone when two run at once); `values` keeps the results
    (Parquet) to compare two runs value by value."""
    import ibis
    import pyarrow.parquet as pq

    from csc_scorecard.measures import context, engine
    from csc_scorecard.measures.context import Context, Settings
    from csc_scorecard.store import Store

    quarters, measures = _quarters(years), _counted()
    spent: dict[str, float] = {}
    run_on = context.Context._run_on

    def timed(self, cursor, sql, inputs):  # each statement's wall time, summed over the groups
        started = time.perf_counter()
        try:
            return run_on(self, cursor, sql, inputs)
        finally:
            label = labels.get(sql, "?")
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - started

    with Store(store, read_only=True) as db:
        las, backend = db.authorities(), ibis.duckdb.from_connection(db.con)
        started, cpu = time.perf_counter(), time.process_time()
        engine.compute(Context(backend, las[:1], quarters[:1], Settings()), measures)
        compiled, compiled_cpu = time.perf_counter() - started, time.process_time() - cpu
        labels = {sql: _label(key[0]) for key, (sql, _, _) in list(context._SQL.items())}
        context.Context._run_on = timed
        try:
            started, cpu = time.perf_counter(), time.process_time()
            table = engine.compute(Context(backend, las, quarters, Settings()), measures)
            run, run_cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            context.Context._run_on = run_on
    if values:
        pq.write_table(table, values)
    slowest = [
        f"\n    {wall:7.1f} s  {label}"
        for label, wall in sorted(spent.items(), key=lambda kv: -kv[1])[:top]
    ]
    return (
        f"{len(measures)} measures x {len(las)} authorities x {len(quarters)} quarters = "
        f"{table.num_rows:,} values: first command (compiles) {compiled:.1f} s, "
        f"{compiled_cpu:.1f} s CPU; engine {run:.1f} s, {run_cpu:.1f} s CPU ({len(spent)} "
        f"statements, {context.WORKERS} at a time, "
        f"groups of {engine.AUTHORITIES_TOGETHER}); load {os.getloadavg()[0]:.1f}; the "
        f"slowest (wall, summed over the groups; two run at once, so no CPU each):{''.join(slowest)}"
    )


def _label(key) -> str:
    kind, what = key[0], key[1]
    return f"{kind} {what if isinstance(what, str) else '+'.join(what)}"[:100]


def bare(store: str, years: str) -> str:
    """The statements the engine sends, compiled first (not timed), run by bare DuckDB for
    every authority at once with nothing around them: no Ibis, no completion."""
    import duckdb

    from csc_scorecard.measures import context, engine
    from csc_scorecard.measures.context import Context, Settings
    from csc_scorecard.store import Store

    quarters = _quarters(years)
    with Store(store, read_only=True) as db:
        import ibis

        las = db.authorities()
        one = Context(ibis.duckdb.from_connection(db.con), las[:1], quarters[:1], Settings())
        engine.compute(one, _counted())
    from measures import engine_queries

    queries, _ = engine_queries()  # the statements the engine sends
    probe = context.Context(None, las, quarters)
    con = duckdb.connect(store, read_only=True)
    for _, inputs, _ in queries:
        for name in inputs:
            con.register(name, probe.input_rows(name.removeprefix(context.INPUT_PREFIX)))
    started, cpu = time.perf_counter(), time.process_time()
    rows = sum(con.sql(sql).to_arrow_table().num_rows for sql, _, _ in queries)
    spent, spent_cpu = time.perf_counter() - started, time.process_time() - cpu
    return (
        f"{len(queries)} statements, {len(las)} authorities at once, {rows:,} rows: "
        f"{spent:.1f} s, {spent_cpu:.1f} s CPU; load {os.getloadavg()[0]:.1f}"
    )


def refresh_some(store: str, las: str) -> str:
    """`refresh_results` (what every ingest runs) for the named authorities."""
    from csc_scorecard.measures.results import refresh_results
    from csc_scorecard.store import Store

    with Store(store) as db:
        started = time.perf_counter()
        computed = refresh_results(db, _codes(las))
        spent = time.perf_counter() - started
        stored = db.con.execute("SELECT count(*) FROM measure_results").fetchall()[0][0]
    n = len(_codes(las) or [])
    return (
        f"{n} authorities: {computed:,} (authority, measure) pairs computed, {stored:,} rows "
        f"stored, {spent:.1f} s ({spent / max(n, 1):.1f} s an authority); {_cpu()}"
    )


def incremental(store: str, years: str, seed: int, la: str) -> str:
    """Load the quarter after the span for `la` (rows dated in it, from the same generator run
    a quarter longer), then refresh the authorities with stored results: only `la` should be
    recomputed."""
    from datetime import date

    import pyarrow as pa
    import pyarrow.compute as pc

    from csc_scorecard.measures.results import refresh_results
    from csc_scorecard.model.batch import LoadBatch
    from csc_scorecard.model.schema import table
    from csc_scorecard.store import Store
    from csc_scorecard.synth import england
    from csc_scorecard.synth.published import authorities

    span = _span(years)
    first, last = date(span.last_year + 1, 4, 1), date(span.last_year + 1, 6, 30)
    longer = england.Span(span.first_year, span.last_year + 1)
    tables = england.simulate(authorities(longer.first_year, longer.last_year)[la], longer, seed)
    new = {}
    for name, rows in tables.items():
        dated = [k for k in table(name).key if rows.schema.field(k).type == "date32[day]"]
        if dated:
            day = rows.column(dated[0])
            new[name] = rows.filter(pc.and_(pc.greater_equal(day, first), pc.less_equal(day, last)))
    ids = pa.concat_arrays([t.column("child_id").combine_chunks() for t in new.values()])
    new["children"] = tables["children"].filter(
        pc.is_in(tables["children"].column("child_id"), ids)
    )
    batch = LoadBatch("synthetic_england_quarter", la, first, last, ["benchmark"], new)
    with Store(store) as db:
        started = time.perf_counter()
        db.load([batch])
        loaded = time.perf_counter() - started
        before = dict(
            db.con.execute(
                "SELECT la_code, max(computed_at) FROM measure_results GROUP BY ALL"
            ).fetchall()
        )
        started = time.perf_counter()
        computed = refresh_results(db, sorted(before))
        spent = time.perf_counter() - started
        after = dict(
            db.con.execute(
                "SELECT la_code, max(computed_at) FROM measure_results GROUP BY ALL"
            ).fetchall()
        )
    changed = sorted(c for c in after if after[c] != before.get(c))
    return (
        f"loaded {batch.row_count:,} rows for {la} in {loaded:.1f} s; refresh recomputed "
        f"{computed} (authority, measure) pairs in {spent:.1f} s; authorities recomputed: "
        f"{', '.join(changed) or 'none'}; {_cpu()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", default="2013-2022")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--la", help="a subset of authorities (default: all of England)")
    parser.add_argument("--store", help="reuse a synthetic England store (copied)")
    parser.add_argument("--changed", default="372", help="the authority loading a new quarter")
    parser.add_argument(
        "--refresh", default="372,805,909", help="authorities whose results are stored first"
    )
    parser.add_argument("--keep", help="copy the built store here")
    parser.add_argument(
        "--steps", default="compute,bare,refresh,incremental", help="which steps (after build)"
    )
    parser.add_argument("--values", help="keep the computed values here (Parquet)")
    args = parser.parse_args()
    steps = set(args.steps.split(","))
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} (1, 5 min)")
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        store = f"{tmp}/england.duckdb"
        if args.store:
            shutil.copy(args.store, store)
        else:
            built = step("england:build", store=store, years=args.years, seed=args.seed, la=args.la)
            print(row("build: synthetic England into a store", built))
            if args.keep:
                shutil.copy(store, args.keep)
        if "compute" in steps:
            print(row("compute: every measure, authority, quarter", step(
                "england:compute", store=store, years=args.years, values=args.values)))  # fmt: skip
        if "bare" in steps:
            print(row("bare DuckDB: the same statements", step(
                "england:bare", store=store, years=args.years)))  # fmt: skip
        if "refresh" in steps:
            print(row(f"stored results: refresh {args.refresh}", step(
                "england:refresh_some", store=store, las=args.refresh)))  # fmt: skip
        if "incremental" in steps:
            print(row("incremental: one authority's new quarter, refresh", step(
                "england:incremental", store=store, years=args.years, seed=args.seed,
                la=args.changed)))  # fmt: skip
        print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} (1, 5 min)")


if __name__ == "__main__":
    main()
