"""`scorecard lists` end to end on a tiny store: the notice and row count, each format, CSV
cells that would run as spreadsheet formulas neutralised (the workbook keeps them as text), and
clean refusals.

One open assessment on D (30 June 2022): child "=HYPERLINK(1)" (an identifier a hostile or
careless source could carry) started 1 June, allocated to W1 of team Alpha: 29 days, 19
working days (Jun 6-10, 13-17, 20-24, 27-30; 2-3 June are holidays).
"""

from __future__ import annotations

import json
from datetime import date as d

import openpyxl
import pytest
from conftest import canonical
from lists_fixtures import allocations, load_all
from measure_fixtures import LA
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.store import Store

runner = CliRunner()
CHILD = "=HYPERLINK(1)"


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("lists") / "store.duckdb"
    with Store(p) as s:
        load_all(
            s,
            {
                "assessments": canonical(
                    "assessments",
                    child_id=[CHILD],
                    referral_date=[d(2022, 6, 1)],
                    start_date=[d(2022, 6, 1)],
                ),
                **allocations([(CHILD, "W1", d(2022, 6, 1), None)]),
            },
        )
    return p


def run(path, *args: str):
    return runner.invoke(
        app,
        ["lists", *args, "--date", "2022-06-30", "--store", str(path), "--la", LA],
        env={"COLUMNS": "200"},
    )


def test_table_says_child_level_and_count(path):
    r = run(path, "open-assessments")
    assert r.exit_code == 0, r.output
    assert r.output.startswith(
        "child-level, not for publication: Open single assessments, authority 999, "
        "30 June 2022: 1 row"
    )
    assert "19" in r.output and "Alpha" in r.output


def test_csv_neutralises_formula_cells(path):
    r = run(path, "open-assessments", "--format", "csv")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].startswith("child_id,start_date,referral_date,days_open,working_days_open")
    assert lines[1].startswith("'=HYPERLINK(1),2022-06-01,2022-06-01,29,19,False,W1,T1,Alpha")


def test_json_and_xlsx(path, tmp_path):
    r = run(path, "open-assessments", "--format", "json")
    body = json.loads(r.stdout)
    assert body["count"] == 1 and body["notice"] == "child-level, not for publication"
    assert body["rows"][0]["child_id"] == CHILD  # JSON is data, not a spreadsheet: kept as is
    out = tmp_path / "open.xlsx"
    r = run(path, "open-assessments", "--format", "xlsx", "--out", str(out))
    assert r.exit_code == 0, r.output
    sheet = openpyxl.load_workbook(out).active
    assert "child-level, not for publication" in sheet["A1"].value
    # the data end with the assessment's start, 1 June: the workbook says so, as the command does
    assert sheet["A2"].value == (
        "the data end on 1 June 2022, 29 days before 30 June 2022: anything recorded since is "
        "not in this list"
    )
    assert sheet["A5"].value == CHILD and sheet["A5"].data_type == "s"  # text, never a formula
    assert sheet["E5"].value == 19


def test_refusals(path):
    r = run(path, "no-such-list")
    assert r.exit_code != 0 and "no list 'no-such-list'" in r.output
    r = run(path, "caseloads", "--days", "3")
    assert r.exit_code != 0 and "--days applies to reviews-due" in r.output
    r = run(path, "reviews-due", "--days", "-5")  # would hide the overdue reviews too
    assert r.exit_code != 0 and "'--days': Input should be greater than or equal to 0" in r.output
    r = run(path, "reviews-due", "--days", "100000000000000000000")  # a DuckDB traceback before
    assert r.exit_code == 2
    assert r.output.strip().splitlines()[-1] == (
        "Error: --days 100000000000000000000: a number of days, 0 to 366"
    )
    r = run(path, "caseloads", "--format", "xlsx")
    assert r.exit_code != 0 and "needs --out" in r.output
    assert "Traceback" not in r.output


def test_docs_carry_the_generated_reference():
    """docs/lists.md ends with `lists.reference()`: the columns a list documents in code are
    the ones the guide lists (regenerate the tail of docs/lists.md after changing a list)."""
    from pathlib import Path

    from csc_scorecard import lists

    doc = (Path(__file__).resolve().parents[1] / "docs" / "lists.md").read_text()
    assert doc.endswith(lists.reference())
