"""Shared fixtures: temporary stores, the public data folder, small canonical tables."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyarrow as pa
import pytest

from csc_scorecard.model.schema import table
from csc_scorecard.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SCORECARD_SHARED", REPO.parent / "shared"))
PUBLIC_DATA = Path(os.environ.get("SCORECARD_PUBLIC_DATA", SHARED / "data" / "public"))
PEER_FIXTURES = SHARED / "data" / "peer-fixtures"

# Tests reading other projects' files or the public DfE/ONS folder say so and skip, with the
# reason, in a repository cloned on its own (the product itself needs neither: it ships its
# reference data).
needs_peer_fixtures = pytest.mark.skipif(
    not PEER_FIXTURES.is_dir(),
    reason=f"needs the peer fixtures in {PEER_FIXTURES} (other projects' files), absent here",
)


def peer_fixture(path: Path) -> Path:
    """`path` under the peer fixtures, or skip the calling test or fixture saying it is absent."""
    if not path.exists():
        pytest.skip(f"needs the peer fixture {path}, absent here")
    return path


needs_public_data = pytest.mark.skipif(
    not PUBLIC_DATA.is_dir(),
    reason=f"needs the public DfE/ONS files in {PUBLIC_DATA}, absent here",
)


# The default run (`make test`: `pytest -n auto --dist loadfile`) gives each worker one module at
# a time. pytest-xdist's own order (most tests first) leaves the modules with one long test -- the
# two Spark parity modules, about 190 s each on a quiet machine -- to the very end, where one
# worker runs them while the other has nothing left. Longest first instead (the classic rule for
# sharing jobs between machines): the modules below start at once, the many short ones fill in
# around them, and the run ends on short modules. The seconds are the last quiet CI run's (the
# sum of each module's entries in its 25 slowest durations); only their order matters, and a
# module not listed keeps its collected place after them. No test is added, removed or changed.
SLOWEST_MODULES = {
    "test_spark_parity.py": 201,
    "test_synth_england_spark.py": 188,
    "test_security_publication.py": 101,
    "test_standalone.py": 66,
    "test_report_cli.py": 59,
    "test_report_words.py": 46,
    "test_report_history.py": 42,
    "test_quality_fused.py": 35,
    "test_oracle_peer_fixtures.py": 32,
    "test_report_paper.py": 29,
    "test_lake.py": 29,
    "test_report_pdf.py": 28,
    "test_report_measures_once.py": 21,
    "test_end_to_end.py": 21,
    "test_web_upload.py": 20,
    "test_web_security.py": 19,
    "test_web_measure_windows.py": 18,
    "test_report_xlsx.py": 14,
    "test_quality_oracle.py": 13,
}


def pytest_configure(config: pytest.Config) -> None:
    # xdist re-sorts modules by their number of tests unless told not to (`--no-loadscope-reorder`);
    # the order below is the one wanted. The option exists only with pytest-xdist installed.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slowest modules first (`SLOWEST_MODULES`), the rest in their collected order."""
    items.sort(key=lambda item: -SLOWEST_MODULES.get(item.path.name, 0))


# The Spark parity tests' JVM runs for a few minutes and each query once: the JIT's optimising
# compiler (C2) costs more CPU than it ever saves there, so their JVM compiles with C1 only and
# one garbage-collector thread (about half the JVM's CPU: docs/benchmarks.md, the test run).
# Neither changes what a query computes (Java's arithmetic is the same in every tier).
SPARK_TEST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.fixture(scope="module")
def spark():
    """A local Spark session for one test module (`measures.spark.spark_session`, the product's
    settings), ended with its JVM and py4j's threads when the module is done: the modules after
    it in this worker fork (`forked.can_fork` needs this process to run one thread only)."""
    from pyspark import SparkContext

    from csc_scorecard.measures.spark import spark_session

    before = os.environ.get("JDK_JAVA_OPTIONS")
    os.environ["JDK_JAVA_OPTIONS"] = f"{before or ''} {SPARK_TEST_JVM}".strip()
    try:
        session = spark_session()
    finally:  # only the JVM started here is affected
        if before is None:
            del os.environ["JDK_JAVA_OPTIONS"]
        else:
            os.environ["JDK_JAVA_OPTIONS"] = before
    yield session
    session.stop()
    gateway = SparkContext._gateway
    if gateway is not None:  # stopping the session leaves the JVM and py4j's finaliser thread
        gateway.shutdown()
        gateway.proc.stdin.close()  # PySpark's JVM exits when its stdin closes
        gateway.proc.wait(timeout=60)
        SparkContext._gateway = None
        SparkContext._jvm = None
    for thread in threading.enumerate():  # py4j's finaliser ends soon after the gateway
        if type(thread).__module__.startswith("py4j"):
            thread.join(timeout=30)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "store.duckdb") as s:
        yield s


def canonical(name: str, /, **columns: list) -> pa.Table:
    """A canonical table (data columns only) from column lists; absent columns are NULL."""
    t = table(name)
    schema = t.arrow_schema()
    n = len(next(iter(columns.values())))
    unknown = set(columns) - set(t.data_column_names)
    assert not unknown, f"not columns of {name}: {unknown}"
    return pa.table(
        {
            c.name: pa.array(columns.get(c.name, [None] * n), type=schema.field(c.name).type)
            for c in t.data_columns
        }
    )


# placement_costs rows as the forecast tests write them (placement, child, line, provider, ...)
PLACEMENT_COLUMNS = (
    "placement_id",
    "child_id",
    "line",
    "provider",
    "start_date",
    "end_date",
    "weekly_cost",
)


def canonical_rows(name: str, columns: tuple[str, ...], rows: list[tuple]) -> pa.Table:
    """A canonical table from `rows`, each a tuple of the named `columns` in order."""
    values = list(zip(*rows, strict=True))
    return canonical(name, **{c: list(v) for c, v in zip(columns, values, strict=True)})


@pytest.fixture
def compiles(monkeypatch) -> list[int]:
    """Counts the SQL compilations from here on."""
    from ibis.backends.duckdb import Backend

    calls: list[int] = []
    real = Backend.compile

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Backend, "compile", counting)
    return calls
