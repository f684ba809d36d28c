"""Run the same measure definitions on Apache Spark (the optional `spark` extra).

For authorities that outgrow one machine (a region, all of England). The canonical tables are
exported from the store as a Parquet lake (`scorecard export`) and registered as Spark views under
the same names, so the Ibis expressions run unchanged. Local mode (`local[2]`) is the test stand-in for a cluster;
settings follow docs/stack.md section 8 (quiet UI, few shuffle partitions, loopback address).
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

from csc_scorecard.export import export_lake
from csc_scorecard.measures.lake import lake_backend
from csc_scorecard.store import Store


class EngineError(Exception):
    """The Spark engine cannot start: one line saying why (no JVM stack trace)."""


def spark_session(master: str | None = "local[2]", *, driver_memory: str = "2g") -> Any:
    """A Spark session for `master` (`local[N]`, `spark://host:port`, `yarn`, ...); with None,
    the session `spark-submit` or a Databricks job configured.

    Checks what can be checked before the JVM starts — the extra installed, Java present, a
    standalone master answering — so a failure is one clear line rather than a stack trace.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError(
            "the Spark engine needs the optional extra: pip install 'csc-scorecard[spark]'"
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        raise EngineError("Spark needs Java 17: none found on PATH or in JAVA_HOME")
    if master is None:
        pass
    elif master.startswith("local"):
        # One machine: keep the driver on loopback (no network needed, none exposed).
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    elif master.startswith("spark://"):
        _check_answers(master)
    builder = SparkSession.builder if master is None else SparkSession.builder.master(master)
    try:
        return (
            builder.appName("csc-scorecard")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", driver_memory)
            .getOrCreate()
        )
    except Exception as err:  # noqa: BLE001 - py4j and pyspark raise many types: all mean "did not start"
        first = next((line for line in str(err).splitlines() if line.strip()), type(err).__name__)
        raise EngineError(
            f"Spark did not start with master {master or '(default)'}: {first}"
        ) from None


def _check_answers(master: str, timeout: float = 5.0) -> None:
    """Every host:port of a standalone master URL (spark://a:7077,b:7077) accepts a connection."""
    for hostport in master.removeprefix("spark://").split(","):
        host, _, port = hostport.rpartition(":")
        try:
            with socket.create_connection((host or hostport, int(port or 7077)), timeout=timeout):
                pass
        except (OSError, ValueError) as err:
            raise EngineError(f"the Spark master {master} does not answer ({err})") from None


def spark_backend(store: Store, spark: Any | None = None, workdir: Path | None = None) -> Any:
    """An Ibis PySpark backend over the store's tables, exported first as a lake (docs/schema.md).

    On a cluster the lake is written once by `scorecard export` and read with
    `measures.lake.lake_backend(folder, "spark")`; this is the same path for a store at hand."""
    folder = Path(workdir or tempfile.mkdtemp(prefix="scorecard-spark-")) / "lake"
    export_lake(store, folder)
    return lake_backend(folder, "spark", spark=spark)
