"""The measures over a Parquet lake, on DuckDB or on Spark, with no DuckDB store involved.

Each table of the lake becomes a view of the same name holding exactly the canonical columns,
so the catalogue's Ibis expressions run unchanged (as they do over the store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

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
