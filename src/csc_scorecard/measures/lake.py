"""The measures over a Parquet lake, on DuckDB or on Spark, with no DuckDB store involved.

Each table of the lake becomes a view of the same name holding exactly the canonical columns,
so the catalogue's Ibis expressions run unchanged (as they do over the store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.lake import (
    SYSTEM_TABLES,
    LakeError,
    Manifest,
    columns_of,
    read_manifest,
)
from csc_scorecard.model.schema import tables
from csc_scorecard.store import Store

Engine = Literal["duckdb", "spark"]


def lake_backend(folder: Path, engine: Engine = "duckdb", *, spark: Any = None) -> Any:
    """An Ibis backend whose tables are the lake's; the manifest is checked first."""
    folder = Path(folder)
    read_manifest(folder)
    names = [*tables(), *SYSTEM_TABLES]
    if engine == "duckdb":
        import ibis

        return ibis.duckdb.from_connection(Store.over_lake(folder).con)
    if engine == "spark":
        import ibis

        if spark is None:
            from csc_scorecard.measures.spark import spark_session

            spark = spark_session()
        for name in names:
            # recursiveFileLookup turns partition discovery off: the files carry la_code
            # themselves, as text (discovery would read "371" as a number).
            frame = (
                spark.read.option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.parquet")
                .parquet(str(folder / name))
            )
            frame.select(*columns_of(name)).createOrReplaceTempView(name)
        return ibis.pyspark.connect(spark)
    raise LakeError(f"unknown engine {engine!r}: duckdb or spark")


def lake_authorities(folder: Path) -> list[str]:
    manifest: Manifest = read_manifest(Path(folder))
    return manifest.authorities


# The columns of `scorecard measures` output a measure run needs (the rest are ignored).
_RUN_COLUMNS = (
    "la_code",
    "measure",
    "period",
    "dimension",
    "value",
    "numerator",
    "denominator",
    "window_start",
    "window_end",
    "status",
    "reason",
    "source",
    "title",
    "unit",
)


def run_from_results(path: Path, la_code: str, quarters: list) -> MeasureRun:
    """A measure run read from results computed elsewhere (`scorecard measures --format parquet`,
    e.g. on a cluster), for `la_code` over `quarters` and the previous and year-earlier quarter
    of each; refuses, naming them, when the file lacks the authority or any of those quarters."""
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as err:
        raise LakeError(f"{path}: not a results file ({str(err).splitlines()[0]})") from None
    missing_columns = [c for c in _RUN_COLUMNS if c not in table.column_names]
    if missing_columns:
        raise LakeError(
            f"{path}: not `scorecard measures` results (no {', '.join(missing_columns)} column)"
        )
    rows = [r for r in table.select(list(_RUN_COLUMNS)).to_pylist() if r["la_code"] == la_code]
    if not rows:
        raise LakeError(f"{path}: no results for authority {la_code}")
    needed = sorted({q for p in quarters for q in (p, p.previous(), p.same_quarter_last_year())})
    held = {r["period"] for r in rows}
    lacking = [str(q) for q in needed if str(q) not in held]
    if lacking:
        raise LakeError(
            f"{path}: no results for {la_code} in {', '.join(lacking)}; compute "
            f"--period {needed[0]}:{needed[-1]} for this report"
        )
    wanted = {str(q) for q in needed}
    return MeasureRun(
        la_code=la_code, periods=list(quarters), rows=[r for r in rows if r["period"] in wanted]
    )
