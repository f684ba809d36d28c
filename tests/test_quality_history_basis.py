"""Reportability reads the kept fault snapshot while it is current (quality.history.basis,
current_faults; measures.availability.rule_faults).

Hand-worked (the episodes of test_quality_reportability): three children start care in January
2024 (quarter 2023-Q4) and leave in February; A and B have a DEC but no REC, so rule 148 flags 2
of the quarter's 3 episodes and `cla_ceases_quarter` is not reportable, "148 x 2". `record`
keeps those 2 faults with the basis they were made from (the rules' version and the authority's
loads). While that basis is the present one, a measure run reads the snapshot and runs no rule;
a new load (D, also without REC: 3 of 4, 75%) or a new rules version makes it stale, and the
rules run again with the same reasons a run without any snapshot gives. A snapshot of no faults
(only C, who has a REC) is current too: "none" is not mistaken for "never checked".
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import ibis
import pytest

from csc_scorecard.measures.availability import not_reportable
from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.context import Context, Settings
from csc_scorecard.model.periods import Quarter
from csc_scorecard.quality import history
from csc_scorecard.quality.fixtures import batch
from csc_scorecard.store import Store
from csc_scorecard.store.snapshots import BASIS_TABLE
from tests.test_quality_reportability import ep

M = measure("cla_ceases_quarter")
NOT_REPORTABLE = {
    (
        "371",
        "2023-Q4",
    ): "DfE rule faults on 67% of cla episodes in the period (2 of 3 rows): 148 x 2"
}


def reasons(store: Store) -> dict:
    ctx = Context(
        ibis.duckdb.from_connection(store.con), ["371"], [Quarter.parse("2023-Q4")], Settings()
    )
    return not_reportable(ctx, M)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every run of the rules for reportability (history.current_faults runs them)."""
    seen: list = []
    real = history.run_rules
    monkeypatch.setattr(history, "run_rules", lambda *a, **k: seen.append(k) or real(*a, **k))
    return seen


def three() -> list:
    return [ep("A", None), ep("B", None), ep("C", "E4A")]


def test_a_current_snapshot_is_read_and_no_rule_runs(runs):
    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": three()})])
        assert history.record(store.con, ["371"]) == 2
        runs.clear()
        assert reasons(store) == NOT_REPORTABLE
        assert runs == []


def test_a_new_load_makes_the_snapshot_stale_and_the_rules_run(runs):
    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": three()})])
        history.record(store.con, ["371"])
        store.load([batch({"cla_episodes": [ep("D", None)]}, year=2025)])
        runs.clear()
        got = reasons(store)
        assert len(runs) == 1 and runs[0]["la_codes"] == ["371"]
        assert got == {
            ("371", "2023-Q4"): "DfE rule faults on 75% of cla episodes in the period "
            "(3 of 4 rows): 148 x 3"
        }
        # the fresh faults were kept (the store is writable): the next run reads them
        runs.clear()
        assert reasons(store) == got and runs == []
        with Store(":memory:") as fresh:  # the same loads, no snapshot ever kept
            fresh.load([batch({"cla_episodes": three()})])
            fresh.load([batch({"cla_episodes": [ep("D", None)]}, year=2025)])
            assert reasons(fresh) == got


def test_new_rules_make_the_snapshot_stale(runs, monkeypatch):
    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": three()})])
        history.record(store.con, ["371"])
        monkeypatch.setattr(history, "code_version", lambda: "rules changed")
        runs.clear()
        assert reasons(store) == NOT_REPORTABLE
        assert len(runs) == 1


def test_a_snapshot_without_faults_is_current(runs):
    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": [ep("C", "E4A")]})])
        assert history.record(store.con, ["371"]) == 0
        [(la, faults)] = store.con.execute(f"SELECT la_code, faults FROM {BASIS_TABLE}").fetchall()
        assert (la, faults) == ("371", 0)
        runs.clear()
        assert reasons(store) == {}
        assert runs == []


def test_no_rule_runs_for_an_authority_without_a_return(runs):
    """The same episodes loaded from an SSD extract (no load of either return): no rule has a
    row to read, so none runs and nothing is flagged."""
    with Store(":memory:") as store:
        store.load([replace(batch({"cla_episodes": three()}), source_format="ssd")])
        assert history.current_faults(store.con, ["371"]).num_rows == 0
        assert runs == []


def test_a_read_only_store_runs_the_rules_and_keeps_nothing(runs, tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.load([batch({"cla_episodes": three()})])
    with Store(path, read_only=True) as store:
        assert reasons(store) == NOT_REPORTABLE and len(runs) == 1
        assert reasons(store) == NOT_REPORTABLE and len(runs) == 2
        assert not store.has_table(BASIS_TABLE)


def test_the_basis_names_the_loads_and_the_rules():
    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": three()})])
        first = history.basis(store.con, ["371", "999"])
        assert list(first) == ["371"]  # no loads: no basis
        store.load([batch({"cla_episodes": [ep("D", None)]}, year=2025)])
        assert history.basis(store.con, ["371"])["371"] != first["371"]
        assert history.basis(store.con, ["371"], multi_year=True) == history.basis(
            store.con, ["371"]
        )  # no synthetic-England load: the same basis either way


def test_as_at_copies_check_their_faults_afresh(tmp_path):
    """A copy of the store as at a date leaves the bases out (its loads differ)."""
    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": three()})])
        history.record(store.con, ["371"])
        with Store(tmp_path / "copy.duckdb") as copy:
            store.copy_as_at(copy, datetime.now())
            assert not copy.has_table(BASIS_TABLE)
            assert reasons(copy) == NOT_REPORTABLE


def test_an_older_store_without_bases_runs_the_rules(runs):
    with Store(":memory:") as store:
        store.load([batch({"cla_episodes": three()})])
        history.record(store.con, ["371"])
        store.con.execute(f"DROP TABLE {BASIS_TABLE}")
        runs.clear()
        assert reasons(store) == NOT_REPORTABLE
        assert len(runs) == 1
        # the kept faults were replaced by the fresh check, with its basis
        assert store.con.execute(f"SELECT count(*) FROM {BASIS_TABLE}").fetchone()[0] == 1
