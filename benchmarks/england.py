"""England at scale: every counted catalogue measure for every authority of a synthetic England
and 40 quarters, beside a bare-DuckDB baseline, and the incremental refresh after one
authority's new quarter.

    .venv/bin/python benchmarks/england.py [--years 2013-2022] [--seed 2022] [--la 372,805]
        [--store FILE] [--profile]

Inputs: `scorecard synth --england` (synth/england.py) with the given seed and years (default
every authority the reference bundle has a population for throughout, 2013-2022: the 40
quarters 2013-Q1 to 2022-Q4, plus the year of history before); `--la` takes a subset, `--store`
reuses a store built earlier (copied: steps write). Each step runs in a fresh process
(`_measure.step`) and prints its wall time and peak memory (the child's maximum resident set).

Steps:
1. build: the synthetic England straight into a new store (reference data first);
2. compute, in one process: compiling every query (one authority and quarter), then every
   counted measure for every authority and 40 quarters in one engine run
   (`measures.run.counted_rows`: one query per measure for all authorities and quarters) under
   cProfile (top functions printed), then the same queries by bare DuckDB, nothing around them;
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


def compute(store: str, years: str) -> str:
    """In one fresh process: compile every query (one authority, one quarter: what a first
    command pays), then every measure x authority x quarter under cProfile (its top functions
    printed), then the same queries by bare DuckDB with nothing around them."""
    import cProfile
    import io
    import pstats

    import duckdb

    from csc_scorecard.measures import context
    from csc_scorecard.measures.context import Settings
    from csc_scorecard.measures.run import counted_rows
    from csc_scorecard.store import Store

    quarters, measures = _quarters(years), _counted()
    with Store(store, read_only=True) as db:
        las = db.authorities()
        started = time.perf_counter()
        counted_rows(db, las[:1], quarters[:1], measures, Settings())
        compiled = time.perf_counter() - started
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        rows = counted_rows(db, las, quarters, measures, Settings())
        profiler.disable()
        engine = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(10)
    print("\n".join(out.getvalue().splitlines()[:30]))
    from measures import engine_queries

    queries, _ = engine_queries()  # the statements the engine sends
    probe = context.Context(None, las, quarters)
    con = duckdb.connect(store, read_only=True)
    for _, inputs, _ in queries:
        for name in inputs:
            con.register(name, probe.input_rows(name.removeprefix(context.INPUT_PREFIX)))
    started, cpu = time.perf_counter(), time.process_time()
    bare_rows = sum(con.sql(sql).to_arrow_table().num_rows for sql, _, _ in queries)
    bare, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    ok = sum(r["status"] == "ok" for r in rows)
    return (
        f"{len(measures)} measures x {len(las)} authorities x {len(quarters)} quarters = "
        f"{len(rows):,} values ({ok:,} ok): compile {compiled:.1f} s, engine {engine:.1f} s "
        f"(cProfile on), bare DuckDB {bare:.1f} s, {bare_cpu:.1f} s CPU ({len(queries)} queries, "
        f"{bare_rows:,} rows); "
        f"{_cpu()}"
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
    args = parser.parse_args()
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
        print(row("compute: every measure, authority, quarter", step(
            "england:compute", store=store, years=args.years)))  # fmt: skip
        print(row(f"stored results: refresh {args.refresh}", step(
            "england:refresh_some", store=store, las=args.refresh)))  # fmt: skip
        print(row("incremental: one authority's new quarter, refresh", step(
            "england:incremental", store=store, years=args.years, seed=args.seed,
            la=args.changed)))  # fmt: skip
        print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} (1, 5 min)")


if __name__ == "__main__":
    main()
