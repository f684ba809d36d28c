"""The scoped views a run's statements share are copied into tables of the run only where that
pays (quality.runner._tables_of_run, `_in_place`): a view holding every row of its store table
and more than ROWS_PER_READER rows a reader is read in place; one narrowed to some of the
store's rows (another authority's load beside it) is copied. The faults are the same either
way."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from csc_scorecard.quality import runner
from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.rules import rules
from csc_scorecard.quality.validate import read_files
from csc_scorecard.store import Store

PEERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "peer-fixtures"
LEFT_OUT = ("placed_for_adoption_errors.csv", "DoLo.csv", "sw_episodes.csv")


def _batches(la_code: str) -> list:
    folder = PEERS / "d2i-903-fake"
    paths = [p for p in sorted(folder.glob("*.csv")) if p.name not in LEFT_OUT]
    batches, errors = read_files(paths, la_code=la_code, year=2024)
    assert batches and not errors
    return batches


def test_a_view_of_every_stored_row_is_read_in_place_past_its_rows_a_reader(monkeypatch):
    with Store(":memory:") as store:
        store.load(_batches("371"))
        scope = scoping.build(store.con)
        try:
            scope.use("ssda903")
            reviews = scope.con.execute(f"SELECT count(*) FROM {scope.schema('ssda903')}.reviews")
            rows = reviews.fetchall()[0][0]
            assert rows > 100
            monkeypatch.setattr(runner, "ROWS_PER_READER", rows // 3)
            assert runner._in_place(scope, "ssda903", "reviews", 2)  # 2 readers: rows / 2 each
            assert not runner._in_place(scope, "ssda903", "reviews", 4)  # under rows / 3 each
            assert not runner._in_place(scope, "ssda903", "header_c", 2)  # not a store table's
        finally:
            scope.close()


def test_a_view_of_some_stored_rows_is_copied(monkeypatch):
    monkeypatch.setattr(runner, "ROWS_PER_READER", 1)
    with Store(":memory:") as store:
        store.load(_batches("371"))
        store.load(_batches("372"))  # the same rows again, another authority's
        scope = scoping.build(store.con, la_codes=["371"])
        try:
            scope.use("ssda903")
            assert not runner._in_place(scope, "ssda903", "reviews", 2)
        finally:
            scope.close()
        whole = scoping.build(store.con)
        try:
            whole.use("ssda903")
            assert runner._in_place(whole, "ssda903", "reviews", 2)
        finally:
            whole.close()


def test_the_faults_are_the_same_read_in_place_or_copied(monkeypatch):
    chosen = rules("ssda903")
    with Store(":memory:") as store:
        store.load(_batches("371"))
        monkeypatch.setattr(runner, "ROWS_PER_READER", 1)  # every shared view read in place
        in_place = runner.run_rules(store.con, only=chosen)
        monkeypatch.setattr(runner, "ROWS_PER_READER", 10**9)  # every one copied
        copied = runner.run_rules(store.con, only=chosen)
    assert in_place.faults.num_rows > 1000
    assert in_place.faults.equals(copied.faults)
    assert in_place.statements < copied.statements  # fewer tables built
    assert pa.types.is_dictionary(in_place.faults.schema.field("rule").type)
