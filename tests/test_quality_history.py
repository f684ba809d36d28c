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
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.quality import history
from csc_scorecard.quality.fault_table import PLAIN_FAULT_SCHEMA
from csc_scorecard.store import Store
from tests.test_quality_cli import EPISODES, HEADER

runner = CliRunner()

EPISODES_2025 = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "C2,01/05/2023,S,C2,N1,U1,PR1,,,,DN1 1BE,DN1 3BU,SC123456\n"
    "C3,01/05/2023,S,C2,N1,U1,PR1,,,,DN1 1BE,DN1 3BU,SC123456\n"
    "C4,01/06/2024,S,C2,N1,U1,PR1,01/09/2024,,,DN1 1BE,DN1 3BU,SC123456\n"
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
    second = _return(tmp_path, 2025, HEADER + "C4,1,01/06/2015,WBRI,UN2,,\n", EPISODES_2025)
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
        # no snapshot as at 31/12/2023 or before: the change is not known, not guessed
        early = history.changes(db.con, "371", date(2024, 3, 31), date(2023, 12, 31))
        # a quarter before any data: the faults of the data held now, nothing said of change
        before = history.changes(db.con, "371", date(2023, 6, 30), date(2023, 3, 31))
    assert (moved.known, moved.current_as_at, moved.then_as_at) == (
        True,
        date(2025, 3, 31),
        date(2024, 3, 31),
    )
    assert _faults(moved.opened) == {("148", "C4")}
    assert _faults(moved.closed) == {("143", "C2"), ("357", "C2")}
    assert _faults(moved.current) == {("148", "C1"), ("148", "C4")}
    assert (early.known, early.current_as_at, early.opened) == (False, date(2024, 3, 31), None)
    assert _faults(early.current) == {("143", "C2"), ("148", "C1"), ("357", "C2")}
    assert (before.known, before.current_as_at) == (False, date(2025, 3, 31))
    assert _faults(before.current) == {("148", "C1"), ("148", "C4")}


def _quality(store: Path, period: str):
    return runner.invoke(
        app, ["quality", "--store", str(store), "--period", period, "--format", "csv"]
    )


def _csv_faults(stdout: str) -> set[tuple[str, str]]:
    return {(line.split(",")[0], line.split(",")[4]) for line in stdout.splitlines()[1:]}


def test_quality_for_a_past_quarter_reads_the_snapshot_kept_then(two_years):
    """2024-Q3 ends 31/12/2024, before the data the store holds (as at 31/03/2025): the faults
    are the snapshot kept for the data as at 31/03/2024, C2's RNE faults included, although the
    2024-25 return has since replaced C2's row (run on the loads of that date, the rules would
    see C1's row alone and find 148 only). 2024-Q4 ends 31/03/2025: the rules run on the data
    held. 2022-Q4 ends 31/03/2023: past, and no snapshot is that old: not known."""
    past = _quality(two_years, "2024-Q3")
    assert past.exit_code == 0, past.output
    assert _csv_faults(past.stdout) == {("143", "C2"), ("148", "C1"), ("357", "C2")}
    assert "as kept for the data as at 2024-03-31 (2024-Q3 is past" in past.stderr
    now = _quality(two_years, "2024-Q4")
    assert now.exit_code == 0, now.output
    assert _csv_faults(now.stdout) == {("148", "C1"), ("148", "C4")}
    assert "the rules run now on the data held" in now.stderr
    assert "since 2024-Q3: 1 opened, 2 closed" in now.stderr
    unknown = _quality(two_years, "2022-Q4")
    assert unknown.exit_code == 1 and unknown.stdout == ""
    assert unknown.stderr.startswith("LA 371, data as at 2023-03-31: faults not known.")
    assert "Traceback" not in unknown.output and len(unknown.stderr.splitlines()) == 1


def test_the_report_counts_faults_by_rule_and_suppresses_small_ones_for_publication(two_years):
    """Quarter 2024-Q4 (January to March 2025) against 2024-Q3: the change above, by rule and
    field: 148 (DEC) 2 open, 1 opened (C4); 143 and 357 (RNE) 1 closed each (C2)."""
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.report.faults import rule_faults
    from csc_scorecard.report.publication import PublicationRules

    with Store(two_years, read_only=True) as db:
        internal = rule_faults(db, "371", Quarter.parse("2024-Q4"), None)
        published = rule_faults(db, "371", Quarter.parse("2024-Q4"), PublicationRules())
    assert internal is not None and published is not None
    assert (internal.as_at_text, internal.then_as_at_text, internal.known) == (
        "31 March 2025",
        "31 March 2024",
        True,
    )
    assert (internal.open, internal.opened, internal.closed) == (2, 1, 2)
    counts = [(r.rule, r.field, r.open, r.opened, r.closed) for r in internal.rules]
    assert counts == [("148", "DEC", 2, 1, 0), ("143", "RNE", 0, 0, 1), ("357", "RNE", 0, 0, 1)]
    assert internal.rules[0].message.startswith("Date episode ceased and reason")  # DfE text
    # for publication a count of 1 to 5 is the symbol and its value is gone; 0 stays
    shown = [(r.open_display, r.opened_display, r.closed_display) for r in published.rules]
    assert shown == [("c", "c", "0"), ("0", "0", "c"), ("0", "0", "c")]
    assert (published.open, published.opened, published.closed) == (None, None, None)
    # counts only: no child, row or value anywhere in what the report holds
    dumped = published.model_dump_json() + internal.model_dump_json()
    assert not any(child in dumped for child in ("C1", "C2", "C4", "=1+1"))


def test_a_reload_of_data_as_at_the_same_date_replaces_its_snapshot(two_years, tmp_path):
    store = tmp_path / "copy.duckdb"
    shutil.copy(two_years, store)
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    (fixed / "header.csv").write_text(HEADER + "C4,1,01/06/2015,WBRI,UN2,,\n")
    (fixed / "episodes.csv").write_text(EPISODES_2025.replace("01/09/2024,,", "01/09/2024,E4A,"))
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


def test_the_data_quality_section_says_what_the_rules_found_with_every_number_cited():
    """The report fixture authority (tests/report_fixtures.py) is ingested without the command,
    so no faults were kept: the section gives the faults of the data held (the rules run when
    the report is built) and says that the change since the previous quarter is not known."""
    import report_fixtures as rf

    context = rf.report_context()
    faults = context.data_quality.rule_faults
    assert faults is not None and not faults.known
    assert faults.open == sum(r.open for r in faults.rules)
    section = next(s for s in context.sections if s.id == "data_quality")
    note = next(p for p in section.paragraphs if "DfE validation rules" in p.sentences[0].text)
    assert note.sentences[0].text == (
        f"The DfE validation rules found {faults.open_display} "
        f"fault{'' if faults.open == 1 else 's'} in the data as at {faults.as_at_text}."
    )
    assert note.sentences[1].text.startswith("Faults opened and closed since Q4 2021/22 are not")
    assert len(note.bullets) == len(faults.rules)
    document = context.model_dump(mode="json")
    for sentence in [*note.sentences, *note.bullets]:
        for cite in sentence.cites:
            assert rf.resolve(document, cite.ref) == cite.value, cite.ref


def test_a_check_that_found_no_fault_is_the_data_as_at_its_date(tmp_path):
    """A check with no fault kept no row of faults, only its basis row, and the lookup read the
    faults table alone: the data as at 31/03/2025, cleansed to no fault, were given the faults
    of the data as at 31/03/2024 (3), and nothing closed since."""
    row = {"rule": "148", "return": "ssda903", "table": "Episodes", "row": 2, "child": "C1",
           "field": "DEC", "value": "", "message": "m", "la_code": "371", "year": 2024,
           "load_id": 1, "severity": "error"}  # fmt: skip
    found = pa.Table.from_pylist([row, {**row, "rule": "143"}], schema=PLAIN_FAULT_SCHEMA)
    with Store(tmp_path / "s.duckdb") as db:
        history._keep(db.con, found, {"371": date(2024, 3, 31)}, {"371": "a"})
        history._keep(db.con, found.slice(0, 0), {"371": date(2025, 3, 31)}, {"371": "b"})
        moved = history.changes(db.con, "371", date(2025, 3, 31), date(2024, 12, 31))
    assert (moved.known, moved.current_as_at, moved.then_as_at) == (
        True,
        date(2025, 3, 31),
        date(2024, 3, 31),
    )
    assert (moved.current.num_rows, moved.opened.num_rows) == (0, 0)
    assert _faults(moved.closed) == {("148", "C1"), ("143", "C1")}
