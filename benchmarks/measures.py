"""All measures for every quarter of six years: together (one query per measure) and naively
(one query per measure per period), for the default authority and one five times its size.

    .venv/bin/python benchmarks/measures.py [--sizes 1,5] [--naive-quarters 8]

The naive run is timed over its first N quarters and scaled to all of them (it is the slow way).
"""

from __future__ import annotations

import argparse
import tempfile
import time

from _measure import row, step
from foundation import generate_and_write, ingest_all  # noqa: F401 (run in child processes)

PERIODS = "2016-Q1:2022-Q1"


def all_together(store: str) -> str:
    import ibis

    from csc_scorecard.measures.catalogue import catalogue
    from csc_scorecard.measures.context import Context
    from csc_scorecard.measures.engine import compute
    from csc_scorecard.measures.periods import parse_periods
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        ids = [m.id for m in catalogue().values() if not m.manual]
        out = compute(
            Context(ibis.duckdb.from_connection(db.con), ["371"], parse_periods(PERIODS)), ids
        )
    return f"{len(ids)} measures x {len(parse_periods(PERIODS))} quarters = {out.num_rows:,} values"


def naive(store: str, quarters: int) -> str:
    import ibis

    from csc_scorecard.measures.catalogue import catalogue
    from csc_scorecard.measures.context import Context
    from csc_scorecard.measures.engine import compute
    from csc_scorecard.measures.periods import parse_periods
    from csc_scorecard.store import Store

    every = parse_periods(PERIODS)
    ids = [m.id for m in catalogue().values() if not m.manual]
    started = time.perf_counter()
    with Store(store, read_only=True) as db:
        backend = ibis.duckdb.from_connection(db.con)
        for q in every[:quarters]:
            for i in ids:
                compute(Context(backend, ["371"], [q]), [i])
    spent = time.perf_counter() - started
    return f"{len(ids) * quarters} queries in {spent:.1f}s; all {len(every)} quarters ~{spent * len(every) / quarters:.0f}s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,5")
    parser.add_argument("--naive-quarters", type=int, default=8)
    args = parser.parse_args()
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    for size in [float(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            step("foundation:generate_and_write", size=size, out=f"{tmp}/x")
            step("foundation:ingest_all", folder=f"{tmp}/x", store=f"{tmp}/s.duckdb")
            print(
                row(
                    f"all measures, all quarters together, size {size:g}",
                    step("measures:all_together", store=f"{tmp}/s.duckdb"),
                )
            )
            print(
                row(
                    f"naive: one query per measure per quarter, size {size:g}",
                    step("measures:naive", store=f"{tmp}/s.duckdb", quarters=args.naive_quarters),
                )
            )


if __name__ == "__main__":
    main()
