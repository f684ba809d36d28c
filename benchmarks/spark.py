"""The catalogue over a Parquet lake: DuckDB (the baseline) and Spark local mode, same run.

    .venv/bin/python benchmarks/spark.py [--size 1] [--periods 2021-Q1:2022-Q1] [--master local[2]]
    .venv/bin/python benchmarks/spark.py --england 372,805,... [--years 2013-2022] [--seed 2022]
    .venv/bin/python benchmarks/spark.py --england all --store ENGLAND.duckdb
        [--duckdb-values VALUES.parquet] [--driver-memory 4g] [--progress FILE]

Steps, each in its own process: simulate and write the synthetic authority (seed 1), ingest it,
export the lake, then compute every counted measure for the periods on DuckDB over the lake and
on Spark over the lake, and check that both give the same values. Peak memory for Spark is the
Python process plus the JVM's own peak (VmHWM), since the JVM is a child process.

`--england LIST` measures a sample of the synthetic England instead (benchmarks/england.py's
build: `scorecard synth --england` for those authorities and years), every counted measure for
every listed authority and every quarter of the years, on both engines over the same lake.
`--store` reuses a synthetic England built earlier (benchmarks/england.py `--keep`) instead of
building one; `--duckdb-values` takes DuckDB's values from a file (`benchmarks/england.py
--values`: the same measures computed over the store) instead of computing them over the lake
again, and the parity step compares Spark's with them. `--progress FILE` appends a line per
measure Spark finishes (its wall and CPU seconds, the Python process's), to follow a run of hours.
"""

from __future__ import annotations

import argparse
import tempfile

from _measure import row, step
from foundation import generate_and_write, ingest_all  # noqa: F401 (run in child processes)


def export(store: str, lake: str) -> str:
    from pathlib import Path

    from csc_scorecard.export import export_lake
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        manifest = export_lake(db, Path(lake))
    return f"{sum(e.rows for e in manifest.tables.values()):,} rows"


def measure(
    lake: str,
    engine: str,
    periods: str,
    master: str,
    out: str,
    las: str = "371",
    driver_memory: str = "2g",
    progress: str | None = None,
) -> str:
    import glob
    from pathlib import Path

    import pyarrow.parquet as pq

    from csc_scorecard.measures.catalogue import catalogue
    from csc_scorecard.measures.context import Context
    from csc_scorecard.measures.engine import compute
    from csc_scorecard.measures.lake import lake_backend
    from csc_scorecard.model.periods import parse_periods

    spark = None
    if engine == "spark":
        from csc_scorecard.measures.spark import spark_session

        spark = spark_session(master, driver_memory=driver_memory)
    if progress:
        _follow(progress)
    ids = [m.id for m in catalogue().values() if not m.manual]
    quarters = parse_periods(periods)
    codes = las.split(",")
    table = compute(Context(lake_backend(lake, engine, spark=spark), codes, quarters), ids)
    pq.write_table(table, out)
    jvm = ""
    if spark is not None:
        # The JVM is a child process: its peak resident memory is its own VmHWM.
        for status in glob.glob("/proc/[0-9]*/status"):
            try:
                text = Path(status).read_text()
            except OSError:
                continue
            if "Name:\tjava" in text:
                hwm = next(x for x in text.splitlines() if x.startswith("VmHWM"))
                jvm = f"; JVM peak {int(hwm.split()[1]) / 1024:,.0f} MB"
        spark.stop()
    return (
        f"{len(ids)} measures x {len(codes)} authorities x {len(quarters)} quarters = "
        f"{table.num_rows:,} values{jvm}"
    )


def _follow(path: str) -> None:
    """Append a line to `path` as each statement finishes (wall and this process's CPU)."""
    import time

    from csc_scorecard.measures import context

    execute = context.Context._execute

    def timed(self, key, build):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return execute(self, key, build)
        finally:
            with open(path, "a") as f:
                f.write(
                    f"{time.strftime('%H:%M:%S')} {time.perf_counter() - started:8.1f} s "
                    f"{time.process_time() - cpu:6.1f} s CPU {key}\n"
                )

    context.Context._execute = timed


def authorities(store: str) -> str:
    from csc_scorecard.store import Store

    with Store(store, read_only=True) as db:
        return ",".join(db.authorities())


def same(a: str, b: str) -> str:
    import pyarrow.parquet as pq

    key = ("la_code", "measure", "period", "dimension")

    def rows(path):
        return sorted(pq.read_table(path).to_pylist(), key=lambda r: tuple(str(r[k]) for k in key))

    x, y = rows(a), rows(b)
    differ = sum(
        1
        for p, q in zip(x, y, strict=True)
        for f in ("value", "numerator", "denominator")
        if (p[f] is None) != (q[f] is None)
        or (p[f] is not None and abs(p[f] - q[f]) > 1e-9 * max(1, abs(p[f])))
    )
    return f"{len(x):,} values compared, {differ} differ"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=float, default=1.0)
    parser.add_argument("--periods", default="2021-Q1:2022-Q1")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument(
        "--england", help="the synthetic England: LA codes, comma-separated, or all"
    )
    parser.add_argument("--years", default="2013-2022", help="with --england")
    parser.add_argument("--seed", type=int, default=2022, help="with --england")
    parser.add_argument("--store", help="with --england: a store built earlier (not copied)")
    parser.add_argument("--duckdb-values", help="DuckDB's values (Parquet), not recomputed")
    parser.add_argument("--driver-memory", default="2g", help="Spark's driver memory")
    parser.add_argument("--progress", help="append a line per finished statement here")
    args = parser.parse_args()
    las, label = "371", f"size {args.size:g}"
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or f"{tmp}/s.duckdb"
        if args.england:
            las = args.england
            first, _, last = args.years.partition("-")
            args.periods = f"{first}-Q1:{last or first}-Q4"
            every = las == "all"
            if not args.store:
                built = step(
                    "england:build",
                    store=store,
                    years=args.years,
                    seed=args.seed,
                    la=None if every else las,
                )
                print(row("build the synthetic England" + ("" if every else " sample"), built))
            if every:
                las = step("spark:authorities", store=store)["result"]
            label = f"{len(las.split(','))} authorities, {args.periods}"
        else:
            step("foundation:generate_and_write", size=args.size, out=f"{tmp}/x")
            step("foundation:ingest_all", folder=f"{tmp}/x", store=store)
        print(row("export the lake", step("spark:export", store=store, lake=f"{tmp}/lake")))
        values = {"duckdb": args.duckdb_values or f"{tmp}/duckdb.parquet"}
        values["spark"] = f"{tmp}/spark.parquet"
        for engine in ("spark",) if args.duckdb_values else ("duckdb", "spark"):
            figures = step(
                "spark:measure",
                lake=f"{tmp}/lake",
                engine=engine,
                periods=args.periods,
                master=args.master,
                out=values[engine],
                las=las,
                driver_memory=args.driver_memory,
                progress=args.progress,
            )
            print(row(f"catalogue over the lake on {engine}, {label}", figures))
        print(row("parity", step("spark:same", a=values["duckdb"], b=values["spark"])))


if __name__ == "__main__":
    main()
