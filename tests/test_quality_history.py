"""Faults recorded at every ingest, one snapshot per date the data describes, and the faults
opened and closed between two quarters read from them (quality/history.py).

Two 903 returns of the same synthetic authority (371), loaded one after the other:
* 2023-24 (the files of test_quality_cli): C1's episode ended 15/01/2024 with no REC (rule 148,
  Episodes line 2); C2's RNE "=1+1" (rule 143, and 357: a first episode starting in the year must
  have RNE S, both Episodes line 3); C3 correct. Snapshot as at 31/03/2024: 3 faults.
* 2024-25: C2's episode sent again with RNE S (the same episode by child and DECOM, so the stored
  row is replaced: 143 and 357 are closed); C3 again, correct; a new child C4 whose episode ended
  01/09/2024 with no REC (rule 148, line 4). C1's 2023-24 episode is not in the 2024-25 return
  and stays in the store as the 2023-24 load wrote it, still faulty. Snapshot as at 31/03/2025:
  148 for C1 and C4, 2 faults.
So between the quarter ending 31/12/2024 (data as at 31/03/2024) and the quarter ending
31/03/2025: opened = {148 C4}, closed = {143 C2, 357 C2}.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.quality import history
from csc_scorecard.store import Store
from tests.test_quality_cli import EPISODES, HEADER

runner = CliRunner()

EPISODES_2025 = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "C2,01/05/2023,S,C2,N1,U1,PR1,,,,,,\n"
    "C3,01/05/2023,S,C2,N1,U1,PR1,,,,,,\n"
    "C4,01/06/2024,S,C2,N1,U1,PR1,01/09/2024,,,,,\n"
)


def _return(root: Path, year: int, header: str, episodes: str) -> Path:
    folder = root / f"903_{year}"
    folder.mkdir()
    (folder / "header.csv").write_text(header)
    (folder / "episodes.csv").write_text(episodes)
    return folder


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("two_years")
    store = tmp_path / "s.duckdb"
    first = _return(tmp_path, 2024, HEADER, EPISODES)
    second = _return(tmp_path, 2025, HEADER + "C4,1,01/06/2015,WBRI,UN1,,\n", EPISODES_2025)
    for folder, kept in ((first, 3), (second, 2)):
        done = runner.invoke(app, ["ingest", str(folder), "--la", "371", "--store", str(store)])
        assert done.exit_code == 0, done.output
        assert f"DfE validation rules: {kept} faults recorded" in done.stdout
    return store


def _faults(table) -> set[tuple[str, str]]:
    return set(
        zip(table.column("rule").to_pylist(), table.column("child").to_pylist(), strict=True)
    )


def test_every_ingest_keeps_a_snapshot_of_its_faults(two_years):
    with duckdb.connect(str(two_years), read_only=True) as con:
        kept = con.execute(
            'SELECT as_at, rule, child, "table", "row", field, load_id FROM dq_rule_faults '
            "ORDER BY ALL"
        ).fetchall()
    assert kept == [
        (date(2024, 3, 31), "143", "C2", "Episodes", 3, "RNE", 1),
        (date(2024, 3, 31), "148", "C1", "Episodes", 2, "DEC", 1),
        (date(2024, 3, 31), "357", "C2", "Episodes", 3, "RNE", 1),
        (date(2025, 3, 31), "148", "C1", "Episodes", 2, "DEC", 1),
        (date(2025, 3, 31), "148", "C4", "Episodes", 4, "DEC", 2),
    ]


def test_changes_between_quarters_come_from_the_recorded_snapshots(two_years):
    with Store(two_years, read_only=True) as db:
        moved = history.changes(db.con, "371", date(2025, 3, 31), date(2024, 12, 31))
        # no snapshot as at 31/12/2023: both sides reconstructed from the loads ended by each
        # date, none by then; C2's row now belongs to the 2024-25 load, so the reconstruction
        # of the data as at 31/03/2024 misses its two faults (the module docstring of history)
        early = history.changes(db.con, "371", date(2024, 3, 31), date(2023, 12, 31))
    assert moved.basis == "recorded"
    assert _faults(moved.opened) == {("148", "C4")}
    assert _faults(moved.closed) == {("143", "C2"), ("357", "C2")}
    assert _faults(moved.current) == {("148", "C1"), ("148", "C4")}
    assert early.basis == "reconstructed"
    assert _faults(early.opened) == {("148", "C1")}
    assert early.closed.num_rows == 0


def test_a_reload_of_data_as_at_the_same_date_replaces_its_snapshot(two_years, tmp_path):
    store = tmp_path / "copy.duckdb"
    shutil.copy(two_years, store)
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    (fixed / "header.csv").write_text(HEADER + "C4,1,01/06/2015,WBRI,UN1,,\n")
    (fixed / "episodes.csv").write_text(EPISODES_2025.replace("01/09/2024,,", "01/09/2024,E11,"))
    done = runner.invoke(
        app, ["ingest", str(fixed), "--la", "371", "--year", "2025", "--store", str(store)]
    )
    assert done.exit_code == 0, done.output
    with duckdb.connect(str(store), read_only=True) as con:
        kept = con.execute(
            "SELECT as_at, rule, child FROM dq_rule_faults WHERE as_at = DATE '2025-03-31'"
        ).fetchall()
    assert kept == [(date(2025, 3, 31), "148", "C1")]


def test_a_rule_failure_after_a_load_is_one_warning_line(monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(history, "record", broken)
    line = history.record_after_load(duckdb.connect(), ["371"])
    assert line.startswith("warning: DfE validation faults not recorded (RuntimeError: boom)")
