"""Every measure gives identical values on DuckDB and on PySpark local mode (one JVM session)."""

from __future__ import annotations

import shutil

import ibis
import pytest

pytestmark = pytest.mark.spark

pyspark = pytest.importorskip("pyspark", reason="the optional spark extra is not installed")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

from csc_scorecard.ingest.run import ingest
from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import compute
from csc_scorecard.measures.spark import spark_backend
from csc_scorecard.model.periods import parse_periods
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import write_all

PERIODS = "2021-Q1:2022-Q1"


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parity")
    authority = generate(SynthConfig(size=0.1, first_year=2019, last_year=2022))
    write_all(authority, folder / "extracts")
    store = Store(folder / "store.duckdb")
    ingest(store, [folder / "extracts"], la_code=authority.la_code)
    yield store, authority.la_code
    store.close()


def test_every_measure_is_identical_on_duckdb_and_spark(spark, synthetic_store, tmp_path):
    store, la = synthetic_store
    ids = [m.id for m in catalogue().values() if not m.manual]
    quarters = parse_periods(PERIODS)
    duck = compute(Context(ibis.duckdb.from_connection(store.con), [la], quarters), ids)
    spk = compute(Context(spark_backend(store, spark, tmp_path), [la], quarters), ids)
    assert duck.num_rows > 0
    key = ["measure", "period", "dimension"]
    a = sorted(duck.to_pylist(), key=lambda r: tuple(str(r[k]) for k in key))
    b = sorted(spk.to_pylist(), key=lambda r: tuple(str(r[k]) for k in key))
    assert [[r[k] for k in key] for r in a] == [[r[k] for k in key] for r in b]
    # Sums of FTE (0.6 + 0.8 ...) may differ in the last bit with the order engines add them in.
    for x, y in zip(a, b, strict=True):
        for field in ("value", "numerator", "denominator"):
            if x[field] is None or y[field] is None:
                assert x[field] is y[field], (x["measure"], x["period"], field)
            else:
                assert x[field] == pytest.approx(y[field], rel=1e-9, abs=1e-12), (
                    x["measure"],
                    x["period"],
                    field,
                )
    # The synthetic authority is busy enough that the comparison is not of zeros.
    referrals = [r["value"] for r in a if r["measure"] == "referrals"]
    assert min(referrals) > 0
