"""Spark parity on a sample of the synthetic England (issue 17 item 3): three authorities of
different sizes and regions, every counted measure over four quarters, identical on DuckDB and
on PySpark local mode — several authorities in one query, as a cluster run of England has."""

from __future__ import annotations

import shutil

import ibis
import pytest

pytestmark = pytest.mark.spark

pyspark = pytest.importorskip("pyspark", reason="the optional spark extra is not installed")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import compute
from csc_scorecard.measures.spark import spark_backend
from csc_scorecard.model.periods import parse_periods
from csc_scorecard.reference.load import import_reference
from csc_scorecard.store import Store
from csc_scorecard.synth import england

LAS = ["805", "372", "909"]  # Hartlepool, Rotherham, Cumbria
PERIODS = "2021-Q1:2021-Q4"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("england_spark") / "store.duckdb") as db:
        import_reference(db)
        england.write_store(db, LAS, england.Span(2020, 2021), seed=11)
        yield db


def test_a_sample_of_england_is_identical_on_duckdb_and_spark(spark, store, tmp_path):
    ids = [m.id for m in catalogue().values() if not m.manual]
    quarters = parse_periods(PERIODS)
    duck = compute(Context(ibis.duckdb.from_connection(store.con), LAS, quarters), ids)
    spk = compute(Context(spark_backend(store, spark, tmp_path), LAS, quarters), ids)
    key = ["la_code", "measure", "period", "dimension"]
    a = sorted(duck.to_pylist(), key=lambda r: tuple(str(r[k]) for k in key))
    b = sorted(spk.to_pylist(), key=lambda r: tuple(str(r[k]) for k in key))
    assert [[r[k] for k in key] for r in a] == [[r[k] for k in key] for r in b]
    for x, y in zip(a, b, strict=True):
        for field in ("value", "numerator", "denominator"):
            if x[field] is None or y[field] is None:
                assert x[field] is y[field], (x["la_code"], x["measure"], x["period"], field)
            else:
                assert x[field] == pytest.approx(y[field], rel=1e-9, abs=1e-12)
    referrals = {r["la_code"]: r["value"] for r in a if r["measure"] == "referrals"}
    assert set(referrals) == set(LAS) and min(referrals.values()) > 0
