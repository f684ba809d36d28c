"""The measures over a Parquet lake, on DuckDB or on Spark, with no DuckDB store involved.

Each table of the lake becomes a view of the same name holding exactly the canonical columns,
so the catalogue's Ibis expressions run unchanged (as they do over the store).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from csc_scorecard.model.lake import SYSTEM_TABLES, LakeError, Manifest, read_manifest
from csc_scorecard.model.schema import tables

Engine = Literal["duckdb", "spark"]

# The columns of the store's own tables, in the store's order (store.py SYSTEM_DDL).
_SYSTEM_COLUMNS = {
    "loads": [
        "load_id",
        "la_code",
        "source_format",
        "period_start",
        "period_end",
        "files",
        "loaded_at",
        "row_count",
        "issue_count",
    ],
    "dq_issues": [
        "load_id",
        "la_code",
        "rule",
        "severity",
        "table_name",
        "file",
        "sheet",
        "row",
        "child_id",
        "field",
        "value",
        "message",
        "column_name",
    ],
}


def columns_of(name: str) -> list[str]:
    """The columns a view of the lake table `name` exposes (no partition-only `year`)."""
    if name in _SYSTEM_COLUMNS:
        return _SYSTEM_COLUMNS[name]
    return tables()[name].column_names


def lake_backend(folder: Path, engine: Engine = "duckdb", *, spark: Any = None) -> Any:
    """An Ibis backend whose tables are the lake's; the manifest is checked first."""
    folder = Path(folder)
    read_manifest(folder)
    names = [*tables(), *SYSTEM_TABLES]
    if engine == "duckdb":
        import ibis

        backend = ibis.duckdb.connect()
        for name in names:
            glob = str(folder / name / "**" / "*.parquet").replace("'", "''")
            cols = ", ".join(f'"{c}"' for c in columns_of(name))
            backend.raw_sql(
                f'CREATE VIEW "{name}" AS SELECT {cols} FROM '
                f"read_parquet('{glob}', hive_partitioning = false, union_by_name = true)"
            )
        return backend
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
