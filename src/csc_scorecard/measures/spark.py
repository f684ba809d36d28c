"""Run the same measure definitions on Apache Spark (the optional `spark` extra).

For authorities that outgrow one machine (a region, all of England). The canonical tables are
exported from the store to Parquet and registered as Spark views under the same names, so the
Ibis expressions run unchanged. Local mode (`local[2]`) is the test stand-in for a cluster;
settings follow docs/stack.md section 8 (quiet UI, few shuffle partitions, loopback address).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from csc_scorecard.model.schema import tables
from csc_scorecard.store import Store

SYSTEM_TABLES = ("dq_issues", "loads")


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
    """An Ibis PySpark backend whose tables mirror the store's (exported via Parquet)."""
    import ibis

    spark = spark or spark_session()
    folder = Path(workdir or tempfile.mkdtemp(prefix="scorecard-spark-"))
    folder.mkdir(parents=True, exist_ok=True)
    for name in [*tables(), *SYSTEM_TABLES]:
        path = folder / f"{name}.parquet"
        store.con.execute(f"COPY \"{name}\" TO '{path}' (FORMAT parquet)")
        spark.read.parquet(str(path)).createOrReplaceTempView(name)
    return ibis.pyspark.connect(spark)
