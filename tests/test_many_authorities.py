"""Many authorities in one store: `--la all`, `--la 371,372`, `--region`, one tidy table, and the
regional comparison (rank, quartile, group mean).

Fixture (synthetic): referrals in 2022-Q1 — Doncaster (371) 3, Rotherham (372) 2, City of
London (201) 1 — with the reference `la_codes` rows placing 371 and 372 in Yorkshire and The
Humber and 201 in Inner London. Worked by hand: the Yorkshire group's `referrals` are 3 and 2,
mean 2.5; `referrals` has polarity information, so it is not ranked.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pytest
from conftest import canonical
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.report.comparison import _ranks

runner = CliRunner()
YORKSHIRE = "Yorkshire and The Humber"


def referrals(la: str, n: int) -> LoadBatch:
    rows = canonical(
        "referrals",
        child_id=[f"{la}-C{i}" for i in range(n)],
        referral_date=[date(2022, 4, 4 + i) for i in range(n)],
        referral_source=["6"] * n,
    )
    return LoadBatch(
        "cin_census", la, date(2022, 4, 1), date(2023, 3, 31), ["cin.xml"], {"referrals": rows}
    )


@pytest.fixture
def three(tmp_path, store):
    codes = canonical(
        "la_codes",
        gss_code=["E08000017", "E08000018", "E09000001"],
        la_name=["Doncaster", "Rotherham", "City of London"],
        region_code=["E12000003", "E12000003", "E13000001"],
        region_name=[YORKSHIRE, YORKSHIRE, "Inner London"],
    ).append_column("la_code", pa.array(["371", "372", "201"], pa.string()))
    store.load(
        [
            referrals("371", 3),
            referrals("372", 2),
            referrals("201", 1),
            LoadBatch("reference:la_codes", None, None, None, ["la.csv"], {"la_codes": codes}),
        ]
    )
    path = store.path
    store.close()
    return path


def csv_of(*args: str) -> list[dict[str, str]]:
    """Run a command writing CSV to a file (stdout CSV goes to the process's own stdout)."""
    out = Path(tempfile.mkdtemp()) / "out.csv"
    result = runner.invoke(app, [*args, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(out.read_text())))


def measured(path, *la_args: str) -> dict[str, float]:
    rows = csv_of(
        "measures", "--period", "2022-Q1", "--store", str(path), "--measure", "referrals", *la_args
    )
    return {r["la_code"]: float(r["value"]) for r in rows if r["period"] == "2022-Q1"}


def test_every_authority_in_one_tidy_table(three) -> None:
    assert measured(three, "--la", "all") == {"201": 1, "371": 3, "372": 2}
    assert measured(three, "--la", "371,372") == {"371": 3, "372": 2}
    assert measured(three, "--region", YORKSHIRE) == {"371": 3, "372": 2}
    assert measured(three, "--region", "london") == {"201": 1}
    assert measured(three, "--la", "201,372", "--region", "E12000003") == {"372": 2}


def test_authorities_not_in_the_store_are_refused(three) -> None:
    result = runner.invoke(
        app, ["measures", "--period", "2022-Q1", "--store", str(three), "--la", "371,999"]
    )
    assert result.exit_code == 2
    assert "no data for 999" in result.output
    result = runner.invoke(app, ["measures", "--period", "2022-Q1", "--store", str(three)])
    assert result.exit_code == 2
    assert "3 authorities" in result.output
    result = runner.invoke(
        app, ["measures", "--period", "2022-Q1", "--store", str(three), "--region", "Wessex"]
    )
    assert result.exit_code == 2
    assert "no region 'Wessex'" in result.output


def test_regional_comparison(three, tmp_path) -> None:
    rows = csv_of(
        "compare",
        "--period",
        "2022-Q1",
        "--store",
        str(three),
        "--region",
        YORKSHIRE,
        "--measure",
        "referrals",
    )
    assert [(r["la_code"], r["la_name"], r["value"]) for r in rows] == [
        ("371", "Doncaster", "3"),
        ("372", "Rotherham", "2"),
    ]
    assert {r["group_mean"] for r in rows} == {"2.5"}
    assert {r["rank"] for r in rows} == {""}  # information: not ranked
    out = tmp_path / "compare.xlsx"
    result = runner.invoke(
        app,
        ["compare", "--period", "2022-Q1", "--store", str(three), "--format", "xlsx"]
        + ["--out", str(out), "--measure", "referrals"],
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    values = {
        r[header.index("la_code")]: r[header.index("value")]
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert values == {"201": 1, "371": 3, "372": 2}


def test_publication_comparison_suppresses_small_counts(three) -> None:
    rows = csv_of(
        "compare",
        "--period",
        "2022-Q1",
        "--store",
        str(three),
        "--la",
        "371,372",
        "--measure",
        "referrals",
        "--publication",
    )
    assert {(r["value"], r["status"]) for r in rows} == {("", "suppressed")}
    assert {r["group_mean"] for r in rows} == {""}


def test_ranks_follow_polarity_and_share_ties() -> None:
    group = [
        {"la_code": la, "value": v, "status": "ok"}
        for la, v in (("a", 10.0), ("b", 30.0), ("c", 20.0), ("d", 20.0))
    ] + [{"la_code": "e", "value": None, "status": "not_available"}]
    assert _ranks(group, "higher_better") == {"b": 1, "c": 2, "d": 2, "a": 4}
    assert _ranks(group, "lower_better") == {"a": 1, "c": 2, "d": 2, "b": 4}
    assert _ranks(group, "information") == {}
