"""The catalogue over a Parquet lake: DuckDB (the baseline) and Spark local mode, same run.

    .venv/bin/python benchmarks/spark.py [--size 1] [--periods 2021-Q1:2022-Q1] [--master local[2]]
    .venv/bin/python benchmarks/spark.py --england 372,805,... [--years 2013-2022] [--seed 2022]

Steps, each in its own process: simulate and write the synthetic authority (seed 1), ingest it,
export the lake, then compute every counted measure for the periods on DuckDB over the lake and
on Spark over the lake, and check that both give the same values. Peak memory for Spark is the
Python process plus the JVM's own peak (VmHWM), since the JVM is a child process.

`--england LIST` measures a sample of the synthetic England instead (benchmarks/england.py's
build: `scorecard synth --england` for those authorities and years), every counted measure for
every listed authority and every quarter of the years, on both engines over the same lake.
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


def measure(lake: str, engine: str, periods: str, master: str, out: str, las: str = "371") -> str:
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

        spark = spark_session(master)
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
    args = parser.parse_args()
    las, label = "371", f"size {args.size:g}"
    print(f"{'step':<58} {'wall':>10} {'peak':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.england:
            las = args.england
            first, _, last = args.years.partition("-")
            args.periods = f"{first}-Q1:{last or first}-Q4"
            every = las == "all"
            built = step(
                "england:build",
                store=f"{tmp}/s.duckdb",
                years=args.years,
                seed=args.seed,
                la=None if every else las,
            )
            print(row("build the synthetic England" + ("" if every else " sample"), built))
            if every:
                las = step("spark:authorities", store=f"{tmp}/s.duckdb")["result"]
            label = f"{len(las.split(','))} authorities, {args.periods}"
        else:
            step("foundation:generate_and_write", size=args.size, out=f"{tmp}/x")
            step("foundation:ingest_all", folder=f"{tmp}/x", store=f"{tmp}/s.duckdb")
        print(
            row(
                "export the lake", step("spark:export", store=f"{tmp}/s.duckdb", lake=f"{tmp}/lake")
            )
        )
        for engine in ("duckdb", "spark"):
            figures = step(
                "spark:measure",
                lake=f"{tmp}/lake",
                engine=engine,
                periods=args.periods,
                master=args.master,
                out=f"{tmp}/{engine}.parquet",
                las=las,
            )
            print(row(f"catalogue over the lake on {engine}, {label}", figures))
        print(
            row("parity", step("spark:same", a=f"{tmp}/duckdb.parquet", b=f"{tmp}/spark.parquet"))
        )


if __name__ == "__main__":
    main()
