"""Issue 12, items 13-14: a reload of manual values merges by (measure, period) and says what
it replaced; a manual value row is one fact, replaced whole (a blank clears, never keeps an old
commentary under a new value). manual_values has no breakdown column, so (measure, period) is
its whole key."""

from __future__ import annotations

from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.store import Store

FIRST = """measure,period,value,numerator,denominator,source,commentary
C01,2022-Q1,88%,88,100,Tracker,Two late assessments were escalated.
C02,2022-Q1,91%,91,100,Tracker,
P25,2021-Q4,25.7%,,,YJS,Old commentary on re-offending
"""
SECOND = """measure,period,value,numerator,denominator,source,commentary
C01,2022-Q1,93%,,,Tracker,
C09,2022-Q1,50%,1,2,Regional adoption agency,One of two children
"""


def _ingest(store, folder, text):
    folder.mkdir()
    (folder / "manual_values.csv").write_text(text)
    return CliRunner().invoke(
        app, ["ingest", str(folder / "manual_values.csv"), "--la", "371", "--store", str(store)]
    )


def _rows(store):
    with Store(store, read_only=True) as db:
        return {
            (m, p): (v, n, d, c)
            for m, p, v, n, d, c in db.con.execute(
                "SELECT measure, period, value, numerator, denominator, commentary "
                "FROM manual_values ORDER BY ALL"
            ).fetchall()
        }


def test_a_new_file_of_the_same_name_merges_and_replaces_rows_whole(tmp_path):
    store = tmp_path / "s.duckdb"
    first = _ingest(store, tmp_path / "a", FIRST)
    assert first.exit_code == 0, first.output
    assert (
        "merged by key: 0 stored values replaced, 3 added; other stored values kept" in first.output
    )
    second = _ingest(store, tmp_path / "b", SECOND)
    assert second.exit_code == 0, second.output
    assert (
        "merged by key: 1 stored values replaced (C01 2022-Q1), 1 added; other stored values kept"
        in second.output
    )
    assert _rows(store) == {
        # Replaced whole: the blank numerator, denominator and commentary are blank now.
        ("C01", "2022-Q1"): (93.0, None, None, None),
        ("C02", "2022-Q1"): (91.0, 91.0, 100.0, None),  # kept
        ("P25", "2021-Q4"): (25.7, None, None, "Old commentary on re-offending"),  # kept
        ("C09", "2022-Q1"): (50.0, 1.0, 2.0, "One of two children"),  # added
    }


def test_reloading_the_same_file_changes_nothing(tmp_path):
    store = tmp_path / "s.duckdb"
    _ingest(store, tmp_path / "a", FIRST)
    before = _rows(store)
    again = _ingest(store, tmp_path / "b", FIRST)
    assert "merged by key: 3 stored values replaced (C01 2022-Q1, C02 2022-Q1, P25 2021-Q4)" in (
        again.output
    )
    assert _rows(store) == before


HEADER = "measure,period,value,numerator,denominator,source,commentary\n"
TEAMS = "team_id,team_name,service_area,manager_worker_id,front_line\nT1,Alpha,Front door,,1\n"


def _loads(store):
    with Store(store, read_only=True) as db:
        return db.con.execute(
            "SELECT source_format, row_count FROM loads ORDER BY load_id"
        ).fetchall()


def test_a_manual_values_file_holding_no_value_adds_no_load(tmp_path):
    """A template folder keeps manual_values.csv between uses, its header alone: every ingest
    of the folder added a 'template:manual_values' load of 0 rows, changing nothing."""
    store, folder = tmp_path / "s.duckdb", tmp_path / "templates"
    folder.mkdir()
    (folder / "manual_values.csv").write_text(HEADER)
    (folder / "teams.csv").write_text(TEAMS)
    ingest = ["ingest", str(folder), "--la", "371", "--store", str(store)]
    for _ in range(2):
        r = CliRunner().invoke(app, ingest)
        assert r.exit_code == 0, r.output
        assert f"{folder / 'manual_values.csv'}: holds no manual value: nothing loaded" in r.output
    assert _loads(store) == [("template:teams:teams.csv", 1)]  # the reload replaced the first
    # a file with values is loaded, and merged, as before
    r = _ingest(store, tmp_path / "real", FIRST)
    assert r.exit_code == 0, r.output
    assert _loads(store)[-1] == ("template:manual_values:manual_values.csv", 3)
    assert len(_rows(store)) == 3
    # with --replace the empty file is loaded: it clears what the earlier file of its name gave
    (tmp_path / "real" / "manual_values.csv").write_text(HEADER)
    r = CliRunner().invoke(
        app,
        ["ingest", str(tmp_path / "real" / "manual_values.csv"), "--la", "371",
         "--store", str(store), "--replace"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert _loads(store)[-1] == ("template:manual_values:manual_values.csv", 0)
    assert _rows(store) == {}
