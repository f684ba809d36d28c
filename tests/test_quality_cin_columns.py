"""The CIN census's scoped tables leave out the columns no CIN rule reads (`scope_sql.unread`:
named in no CIN rule's query nor reported by one), so a run's tables built from them write
fewer columns; the faults are those of the scope holding every column."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.fault_table import PLAIN_FAULT_SCHEMA
from csc_scorecard.quality.rules import rules
from csc_scorecard.quality.runner import run_rules
from csc_scorecard.quality.scope_sql import unread
from csc_scorecard.store import Store
from csc_scorecard.synth import england


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("england") / "one.duckdb"
    with Store(path) as db:
        england.write_store(db, ["370"], england.Span(2022, 2022), seed=5)
    return path


def _columns(scope: scoping.Scope, name: str) -> list[str]:
    return scope.con.sql(f"SELECT * FROM {scope.schema('cin')}.{name} LIMIT 0").columns


def test_the_columns_no_cin_rule_reads_are_left_out(store: Path) -> None:
    con = duckdb.connect(str(store), read_only=True)
    try:
        assert unread("cin", ["la_code", "team_id", "referral_date", "worker_id"]) == (
            "team_id",
            "worker_id",
        )
        assert unread("ssda903", ["team_id", "uasc"]) == ()  # the 903's keep every column
        scope = scoping.build(con, multi_year=True)
        try:
            referrals, assessments = _columns(scope, "referrals"), _columns(scope, "assessments")
            child = _columns(scope, "child")
            assert "team_id" not in referrals and "worker_id" not in referrals
            assert {"closure_reason", "referral_nfa", "cy_end", "row", "_table"} <= set(referrals)
            assert not {"further_support_needed", "child_seen_date"} & set(assessments)
            assert "factors" in assessments
            assert not {"mother", "uasc"} & set(child)
            assert {"upn", "upn_check", "former_upn", "further_action"} <= set(child)
            with_903 = scope.con.sql(f"SELECT * FROM {scope.schema('ssda903')}.header LIMIT 0")
            assert "uasc" in with_903.columns
        finally:
            scope.close()
    finally:
        con.close()


def test_the_faults_are_those_of_every_column_kept(store: Path, monkeypatch) -> None:
    """Every CIN rule run over the scope without the columns and over one holding them all
    (`unread` giving none): the same faults, row for row."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        chosen = rules("cin")
        left_out = run_rules(con, only=chosen, multi_year=True)
        monkeypatch.setattr(scoping, "unread", lambda ret, columns: ())
        every = run_rules(con, only=chosen, multi_year=True)
        assert left_out.faults.num_rows > 100
        assert _plain(left_out.faults).equals(_plain(every.faults))
        assert [r.code for r in left_out.rules_run] == [r.code for r in every.rules_run]
    finally:
        con.close()


def _plain(faults: pa.Table) -> pa.Table:
    return faults.cast(PLAIN_FAULT_SCHEMA)
