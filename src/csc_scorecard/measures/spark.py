"""Run the same measure definitions on Apache Spark (the optional `spark` extra).

For authorities that outgrow one machine (a region, all of England). The canonical tables are
exported from the store as a Parquet lake (`scorecard export`) and registered as Spark views under
the same names, so the Ibis expressions run unchanged. Local mode (`local[2]`) is the test stand-in for a cluster;
settings follow docs/stack.md section 8 (quiet UI, few shuffle partitions, loopback address).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from csc_scorecard.export import export_lake
from csc_scorecard.measures.lake import lake_backend
from csc_scorecard.store import Store


def spark_session(master: str = "local[2]") -> Any:
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("csc-scorecard")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def spark_backend(store: Store, spark: Any | None = None, workdir: Path | None = None) -> Any:
    """An Ibis PySpark backend over the store's tables, exported first as a lake (docs/schema.md).

    On a cluster the lake is written once by `scorecard export` and read with
    `measures.lake.lake_backend(folder, "spark")`; this is the same path for a store at hand."""
    folder = Path(workdir or tempfile.mkdtemp(prefix="scorecard-spark-")) / "lake"
    export_lake(store, folder)
    return lake_backend(folder, "spark", spark=spark)
