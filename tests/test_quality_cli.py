"""`scorecard validate` and `scorecard quality` on hand-written returns (synthetic children).

The 903 files below hold three children in 2023-24 (1 April 2023 to 31 March 2024):
* C1: one episode, DEC 15/01/2024 but REC blank -> rule 148 (line 2 of episodes.csv: `row` is
  the line in the file, the header being line 1);
* C2: RNE "=1+1" -> rule 143 (not an RNE code), a value a spreadsheet would run as a formula,
  and rule 357 (a first episode starting in the year must have RNE S), both on line 3;
* C3: a correct open episode.
Every episode has its home and placement postcodes (rule 392b) and C2, a girl, her MOTHER
status (rule 393).
There is no Missing file, so the Missing rules cannot run: said once, not per row.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.quality.rules import rules

runner = CliRunner()

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/06/2010,WBRI,UN2,,\nC2,2,01/06/2012,WBRI,UN2,0,\nC3,1,01/06/2014,WBRI,UN2,,\n"
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    "C1,01/05/2023,S,C2,N1,U1,PR1,15/01/2024,,,DN1 1BE,DN1 3BU,SC123456\n"
    "C2,01/05/2023,=1+1,C2,N1,U1,PR1,,,,DN1 1BE,DN1 3BU,SC123456\n"
    "C3,01/05/2023,S,C2,N1,U1,PR1,,,,DN1 1BE,DN1 3BU,SC123456\n"
)


@pytest.fixture
def return_903(tmp_path: Path) -> Path:
    folder = tmp_path / "903_2024"
    folder.mkdir()
    (folder / "header.csv").write_text(HEADER)
    (folder / "episodes.csv").write_text(EPISODES)
    return folder


def test_csv_has_exactly_the_columns_and_one_row_per_fault(return_903, tmp_path, monkeypatch):
    store = tmp_path / "never.duckdb"
    monkeypatch.setenv("SCORECARD_STORE", str(store))
    done = runner.invoke(app, ["validate", str(return_903), "--la", "371", "--format", "csv"])
    assert done.exit_code == 0, done.output
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["rule", "return", "table", "row", "child", "field", "value", "message"]
    faults = {(r[0], r[2], r[3], r[4], r[6]) for r in rows[1:]}
    # the formula-looking value is neutralised with a leading apostrophe
    assert faults == {
        ("148", "Episodes", "2", "C1", ""),
        ("143", "Episodes", "3", "C2", "'=1+1"),
        ("357", "Episodes", "3", "C2", "'=1+1"),
    }
    assert not store.exists()  # validate never creates or writes a store


def test_rules_that_cannot_run_are_reported_once(return_903):
    done = runner.invoke(app, ["validate", str(return_903), "--la", "371", "--format", "json"])
    payload = json.loads(done.stdout)
    missing = [n for n in payload["not_run"] if "missing_episodes" in n["reason"]]
    assert len(missing) == 1
    assert {"1004", "564", "570"} <= set(missing[0]["rules"])


def test_an_unreadable_file_does_not_stop_the_others_but_fails_the_check(return_903, tmp_path):
    broken = tmp_path / "cin.xml"
    broken.write_text("<Message><Header>")  # not well-formed
    done = runner.invoke(
        app, ["validate", str(return_903), str(broken), "--la", "371", "--format", "csv"]
    )
    assert done.exit_code == 1, done.output  # checked in part is not "passed"
    assert "148,ssda903,Episodes,2,C1" in done.stdout
    assert done.stderr.count("cin.xml") == 1


def test_a_folder_with_a_file_not_checked_exits_non_zero(return_903, tmp_path):
    """A folder whose episodes file holds a NUL byte: the rules that need it do not run, so
    its "0 faults" must not pass (as `validate empty.csv` does not)."""
    episodes = return_903 / "episodes.csv"
    episodes.write_bytes(episodes.read_bytes() + b"\x00")
    done = runner.invoke(app, ["validate", str(return_903), "--la", "371", "--format", "csv"])
    assert done.exit_code == 1, done.output
    assert "not checked" in done.stderr


def test_list_rules_prints_every_code_once():
    done = runner.invoke(app, ["validate", "--list-rules"])
    printed = done.stdout.split()
    assert printed == [r.code for r in rules()]
    assert {"148", "388", "1004"} <= set(printed)


def test_xlsx_has_a_summary_and_a_sheet_of_faults(return_903, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "faults.xlsx"
    done = runner.invoke(
        app, ["validate", str(return_903), "--la", "371", "--format", "xlsx", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Summary"
    # no allocations in these files: one group of unallocated faults
    sheet = wb[wb.sheetnames[1]]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:8] == ["rule", "return", "table", "row", "child", "field", "value", "message"]
    c2 = sorted((row[0], row[6]) for row in cells[1:] if row[4] == "C2")
    assert c2 == [("143", "'=1+1"), ("357", "'=1+1")]


def test_quality_reports_the_store_faults_and_records_them(return_903, tmp_path):
    import duckdb

    store = tmp_path / "s.duckdb"
    done = runner.invoke(app, ["ingest", str(return_903), "--la", "371", "--store", str(store)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(
        app,
        ["quality", "--store", str(store), "--period", "2023-Q4", "--format", "csv", "--record"],
    )
    assert done.exit_code == 0, done.output
    assert "148,ssda903,Episodes,2,C1" in done.stdout
    # the ingest kept the faults as at 31/03/2024; none as at 31/12/2023: change not known
    assert "since 2023-Q3: opened and closed not known" in done.stderr
    with duckdb.connect(str(store), read_only=True) as con:
        kept = con.execute("SELECT rule, child FROM dq_rule_faults ORDER BY rule").fetchall()
    assert kept == [("143", "C2"), ("148", "C1"), ("357", "C2")]


def test_the_csv_of_faults_is_written_cell_by_cell_rule_column_wise():
    """`to_csv` (column-wise) writes what the per-cell rule gives: every row through
    `safe_row`, a blank cell empty; formula-like text quoted, plain numbers and blanks not."""
    import csv
    import io

    import pyarrow as pa

    from csc_scorecard.commands._faults import to_csv
    from csc_scorecard.csv_safety import safe_row
    from csc_scorecard.quality.fault_table import FAULT_COLUMNS

    values = ["=1+1", "-5", None, "@SUM(A1)", "\t=1", "plain, with a comma", '"quoted"', "+44 20"]
    faults = pa.table(
        {
            **{c: pa.array([f"{c}{i}" for i in range(len(values))]) for c in FAULT_COLUMNS},
            "row": pa.array(range(2, 2 + len(values)), pa.int32()),
            "value": pa.array(values),
        }
    )
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(FAULT_COLUMNS)
    for row in faults.select(FAULT_COLUMNS).to_pylist():
        writer.writerow(safe_row("" if v is None else v for v in row.values()))
    text = to_csv(faults.select(FAULT_COLUMNS))
    assert text == expected.getvalue()
    cells = [r[FAULT_COLUMNS.index("value")] for r in csv.reader(io.StringIO(text))][1:]
    assert cells == [
        "'=1+1",
        "-5",
        "",
        "'@SUM(A1)",
        "'\t=1",
        "plain, with a comma",
        '"quoted"',
        "'+44 20",
    ]


def test_previous_gives_last_years_return_to_the_rules_comparing_years(return_903, tmp_path):
    """Last year's return (2022-23) says C1 was SEX 2 (this year 1: rule 202 on C1's Header
    line 2) and that C3's open episode began 01/05/2022 (this year's first 01/05/2023: rule
    502 on episodes line 4). Without --previous neither rule runs, and each says so."""
    last = tmp_path / "903_2023"
    last.mkdir()
    (last / "header.csv").write_text(HEADER.replace("C1,1,", "C1,2,"))
    (last / "episodes.csv").write_text(
        EPISODES.splitlines()[0] + "\nC3,01/05/2022,S,C2,N1,U1,PR1,,,,,,\n"
    )
    args = ["validate", str(return_903), "--la", "371", "--format", "json"]
    done = runner.invoke(app, [*args, "--previous", str(last)])
    assert done.exit_code == 0, done.output
    payload = json.loads(done.stdout)
    faults = {(f["rule"], f["table"], f["row"], f["child"]) for f in payload["faults"]}
    assert {f for f in faults if f[0] in ("202", "502")} == {
        ("202", "Header", 2, "C1"),
        ("502", "Episodes", 4, "C3"),
    }
    without = json.loads(runner.invoke(app, args).stdout)
    assert not {f["rule"] for f in without["faults"]} & {"202", "502"}
    reasons = {r for n in without["not_run"] for r in n["rules"]}
    assert {"202", "502"} <= reasons


@pytest.mark.parametrize(
    ("la", "says"),
    [
        ("all", "one authority at a time"),
        ("371,372", "one authority at a time"),
        ("37x", "is not a 3-digit DfE LA number"),
        ("999", "neither in the store"),
    ],
)
def test_quality_works_on_one_authority_and_refuses_others(return_903, tmp_path, la, says):
    store = tmp_path / "s.duckdb"
    done = runner.invoke(app, ["ingest", str(return_903), "--la", "371", "--store", str(store)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["quality", "--store", str(store), "--period", "2023-Q4", "--la", la])
    assert done.exit_code == 2, done.output
    assert says in done.output
    assert "Traceback" not in done.output
    # the store's own authority still answers
    done = runner.invoke(
        app, ["quality", "--store", str(store), "--period", "2023-Q4", "--la", "371"]
    )
    assert done.exit_code == 0, done.output


# (rule, row, child) of the faults `return_903`'s files hold, checked however they are named
RETURN_903_FAULTS = {("148", "2", "C1"), ("143", "3", "C2"), ("357", "3", "C2")}


def test_a_missing_path_or_an_empty_folder_does_not_stop_the_others(return_903, tmp_path):
    """Each path is expanded on its own: before, one path that did not exist (or a folder of
    nothing) refused them all ('no rule ran'), the good return unchecked."""
    (tmp_path / "empty").mkdir()
    missing, empty = tmp_path / "nowhere", tmp_path / "empty"
    done = runner.invoke(
        app,
        ["validate", str(return_903), str(missing), str(empty), "--la", "371", "--format", "csv"],
    )
    assert done.exit_code == 1, done.output  # checked in part is not "passed"
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert {(r[0], r[3], r[4]) for r in rows[1:]} == RETURN_903_FAULTS
    assert done.stderr.splitlines()[:2] == [
        f"not checked: {missing}: no such file or folder",
        f"not checked: {empty}: the folder holds no extract files",
    ]


def test_a_folder_holding_a_pipe_is_checked_without_it(return_903):
    """A named pipe inside the return's folder is named in one line and left out; the readable
    files are still checked (before, the whole folder was skipped: 'no SSDA903 or CIN census
    rows found', no rule run). The table output gives the line unwrapped."""
    pipe = return_903 / "missing.csv"
    os.mkfifo(pipe)
    done = runner.invoke(app, ["validate", str(return_903), "--la", "371", "--format", "csv"])
    assert done.exit_code == 1, done.output  # checked in part is not "passed"
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert {(r[0], r[3], r[4]) for r in rows[1:]} == RETURN_903_FAULTS
    said = f"not checked: {pipe}: is a named pipe, not a regular file: refused"
    assert done.stderr.splitlines()[0] == said
    assert done.stderr.count("missing.csv") == 1
    table = runner.invoke(app, ["validate", str(return_903), "--la", "371"])
    assert table.exit_code == 1, table.output
    assert table.stdout.splitlines()[0] == said
    assert table.stdout.splitlines()[1].endswith(" rules run (ssda903); 3 faults")


def test_the_rules_not_run_are_each_said_on_one_line_in_the_table(return_903):
    """The table format prints each 'N rule(s) not run: ...' line unwrapped, as the csv format
    prints it on stderr (before: wrapped at 80 columns, a rule code list split over lines)."""
    csv_run = runner.invoke(app, ["validate", str(return_903), "--la", "371", "--format", "csv"])
    said = [line for line in csv_run.stderr.splitlines() if " rule(s) not run: " in line]
    assert said and any(len(line) > 80 for line in said)
    table = runner.invoke(app, ["validate", str(return_903), "--la", "371"])
    assert table.exit_code == 0, table.output
    shown = table.stdout.splitlines()
    assert [line for line in shown if " rule(s) not run: " in line] == said
    adoptions = next(line for line in shown if "no adoptions (adoptions) rows" in line)
    assert adoptions.endswith(", INT01, INT02, INT11, INT12, INT31)")
