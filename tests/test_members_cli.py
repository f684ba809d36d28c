"""`scorecard drill`: the child-level warning, the formats, CSV and XLSX safety, refusals.

Fixture: four referrals in 2022-Q1 (1 April to 30 June 2022) for authority 999, children D1-D4,
with referral sources typed as spreadsheet formulas ("=cmd|...", "+1+1", "@SUM(A1)") and one
plain police source ("6"). The drill-down of `referrals` is those four rows; of
`referral_sources` for "6", D4 in the numerator and all four in the denominator.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date as d

import openpyxl
import pytest
from conftest import canonical
from measure_fixtures import load
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.store import Store

runner = CliRunner()
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "6"]


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "store.duckdb"
    with Store(p) as s:
        load(
            s,
            {
                "referrals": canonical(
                    "referrals",
                    child_id=["D1", "D2", "D3", "D4"],
                    referral_date=[d(2022, 4, 4), d(2022, 5, 5), d(2022, 6, 6), d(2022, 6, 30)],
                    referral_source=HOSTILE,
                )
            },
        )
    return p


def drill(path, *args: str):
    return runner.invoke(app, ["drill", *args, "--period", "2022-Q1", "--store", str(path)])


def test_csv_is_child_level_warned_and_safe(path, tmp_path):
    out = tmp_path / "rows.csv"
    result = drill(path, "referrals", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "child-level data for internal use only" in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["subject_id"] for r in rows] == ["D1", "D2", "D3", "D4"]
    assert [r["referral_source"] for r in rows] == ["'" + HOSTILE[0], "'+1+1", "'@SUM(A1)", "6"]
    assert [r["referral_date"] for r in rows] == [
        "2022-04-04",
        "2022-05-05",
        "2022-06-06",
        "2022-06-30",
    ]


def test_xlsx_keeps_formulas_as_text(path, tmp_path):
    out = tmp_path / "rows.xlsx"
    result = drill(path, "referrals", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    sheet = book["rows"]
    header = [c.value for c in sheet[1]]
    source = header.index("referral_source") + 1
    cells = [sheet.cell(row=r, column=source) for r in range(2, 6)]
    assert [c.value for c in cells] == HOSTILE
    assert {c.data_type for c in cells} == {"s"}
    assert "child-level" in book["about"]["A1"].value
    assert book["about"]["A2"].value.startswith("referrals 2022-Q1: 4 rows; numerator 4")


def test_json_and_table_say_what_the_rows_add_up_to(path):
    result = drill(path, "referral_sources", "--dimension", "6", "--format", "json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["about"]["dimension"] == "6"
    assert [(r["subject_id"], r["in_numerator"]) for r in body["rows"]] == [
        ("D4", True),
        ("D1", False),
        ("D2", False),
        ("D3", False),
    ]
    result = drill(path, "referral_sources", "--dimension", "6")
    assert (
        "referral_sources 2022-Q1: 4 rows; numerator 1 (rows with in_numerator), denominator 4"
        in (result.stdout)
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["vacancy_rate"], "workforce census"),
        (["first_time_entrants_rate"], "manual measure"),
        (["no_such_measure"], "no measure 'no_such_measure'"),
        (["referrals", "--format", "xlsx"], "xlsx needs --out"),
        (["referrals", "--format", "pdf"], "format must be"),
    ],
)
def test_refusals_are_one_clear_message(path, args, message):
    result = drill(path, *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
