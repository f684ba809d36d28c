"""`scorecard measures` and `scorecard compare` for periods wholly outside the authorities'
loaded data: both keep their tidy rows, every one not_available ('outside the loaded data'),
and say it once in one note line naming what the data cover (before, measures said it only row
by row and compare not at all). A request reaching any authority's data has no note: what lies
outside is a not_available row. (`scorecard report` refuses such a quarter: a report would
present nothing as real.)"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from test_many_authorities import referrals
from typer.testing import CliRunner

from csc_scorecard.cli import app

runner = CliRunner()


@pytest.fixture
def two(store):
    store.load([referrals("371", 3), referrals("372", 2)])  # data of 2022-23
    path = store.path
    store.close()
    return path


@pytest.mark.parametrize(
    ("args", "asked"),
    [
        (["measures", "--period", "2031-Q1", "--la", "371"], "2031-Q1 (Q1 2031/32)"),
        (
            ["measures", "--period", "2031-Q1,2031-Q2", "--la", "all"],
            "2031-Q1 (Q1 2031/32), 2031-Q2 (Q2 2031/32)",
        ),
        (["compare", "--period", "2031-Q1"], "2031-Q1 (Q1 2031/32)"),
        (["compare", "--period", "2010-Q1"], "2010-Q1 (Q1 2010/11)"),
    ],
)
def test_periods_wholly_outside_the_data_say_so_in_one_note(two, args, asked):
    out = Path(tempfile.mkdtemp()) / "out.csv"
    r = runner.invoke(app, [*args, "--store", str(two), "--out", str(out), "--format", "csv"])
    assert r.exit_code == 0, r.output
    held = "LA 371's 01/04/2022 to 31/03/2023"
    if "371" not in args:  # --la all, and compare's default: both authorities
        held += "; LA 372's 01/04/2022 to 31/03/2023"
    note = f"note: the store has no data for {asked}: the loaded data cover {held}; every measure"
    assert r.stderr.splitlines() == [f"{note} is not_available"]
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows and {x["status"] for x in rows} == {"not_available"}


def test_a_period_reaching_the_data_is_answered_with_the_rest_not_available(two):
    out = Path(tempfile.mkdtemp()) / "m.csv"
    r = runner.invoke(
        app,
        ["measures", "--period", "2022-Q1,2031-Q1", "--la", "371", "--measure", "referrals"]
        + ["--store", str(two), "--format", "csv", "--out", str(out)],
    )
    assert r.exit_code == 0, r.output
    rows = {x["period"]: x for x in csv.DictReader(io.StringIO(out.read_text()))}
    assert rows["2022-Q1"]["value"] == "3" and rows["2022-Q1"]["status"] == "ok"
    assert rows["2031-Q1"]["status"] == "not_available"
    assert rows["2031-Q1"]["reason"].startswith("outside the loaded data")
    assert r.stderr == ""
    compared = runner.invoke(
        app, ["compare", "--period", "2022-Q1", "--store", str(two), "--out", str(out)]
    )
    assert compared.exit_code == 0, compared.output
    assert compared.stderr == ""


def test_a_lake_read_with_data_says_so_too(two):
    """`measures --data LAKE` (a `scorecard export` lake read in place) gives the same note as
    the store it was exported from: the lake carries the loads the coverage comes from."""
    lake = Path(tempfile.mkdtemp()) / "lake"
    exported = runner.invoke(app, ["export", "--store", str(two), "--out", str(lake)])
    assert exported.exit_code == 0, exported.output
    out = Path(tempfile.mkdtemp()) / "m.csv"
    r = runner.invoke(
        app,
        ["measures", "--period", "2031-Q1", "--la", "372", "--data", str(lake)]
        + ["--format", "csv", "--out", str(out)],
    )
    assert r.exit_code == 0, r.output
    note = "note: the store has no data for 2031-Q1 (Q1 2031/32): the loaded data cover LA 372's"
    assert r.stderr.splitlines() == [
        f"{note} 01/04/2022 to 31/03/2023; every measure is not_available"
    ]
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert rows and {x["status"] for x in rows} == {"not_available"}
