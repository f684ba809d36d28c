"""`scorecard drill` and `scorecard forecast` for a quarter the store's data do not reach, or
an authority the reference list knows but the store holds no case data for, are refused in
one line as `scorecard report` refuses them (report.subject.check_coverage): the drill-down
printed an empty list (read as "no child") and the forecast stated homes' judgements "at 30
June 2031", both with exit 0."""

from __future__ import annotations

import pytest
import report_fixtures as rf
from typer.testing import CliRunner

from csc_scorecard.cli import app

runner = CliRunner()
MEASURE = "assessments_within_45_working_days"


def run(*args: str):
    return runner.invoke(app, [*args, "--store", str(rf.store_path())], env={"COLUMNS": "200"})


@pytest.mark.parametrize(
    "command",
    [
        ["drill", MEASURE, "--format", "csv"],
        ["forecast"],
    ],
)
def test_a_quarter_past_the_data_is_refused(command):
    r = run(*command, "--period", "2031-Q1", "--la", rf.LA)
    assert r.exit_code != 0
    assert (
        r.output.strip()
        .splitlines()[-1]
        .startswith(
            f"Error: the store has no data for 2031-Q1 (Q1 2031/32) for LA {rf.LA}: its loaded "
            "data cover "
        )
    )


@pytest.mark.parametrize("command", [["drill", MEASURE, "--format", "csv"], ["forecast"]])
def test_an_authority_with_no_case_data_is_refused(command, tmp_path):
    """A store holding only a template of teams for the authority: no return to count from."""
    from conftest import canonical

    from csc_scorecard.model.batch import LoadBatch
    from csc_scorecard.store import Store

    path = tmp_path / "teams.duckdb"
    teams = canonical("teams", team_id=["T1"], team_name=["Alpha"], front_line=[True])
    with Store(path) as db:
        db.load([LoadBatch("template:teams:teams.csv", "999", None, None, ["teams.csv"],
                           tables={"teams": teams})])  # fmt: skip
    r = runner.invoke(app, [*command, "--period", rf.PERIOD, "--store", str(path)])
    assert r.exit_code != 0
    assert r.output.strip().splitlines()[-1] == (
        "Error: the store holds no case data for LA 999 (only reference data or "
        "templates): ingest the authority's statutory extracts first"
    )


def test_the_quarter_the_data_cover_is_answered():
    r = run("drill", MEASURE, "--format", "csv", "--period", rf.PERIOD, "--la", rf.LA)
    assert r.exit_code == 0, r.output
    assert len(r.stdout.splitlines()) > 1


def test_quality_for_a_quarter_after_the_data_held_is_refused():
    """It printed 'LA ..., data as at 2040-06-30: N faults, the rules run now on the data
    held': the faults of the data held, dated 18 years after it."""
    r = run("quality", "--period", "2040-Q1", "--la", rf.LA)
    assert r.exit_code == 1
    said = r.output.strip().splitlines()[-1]
    assert said.startswith(f"LA {rf.LA}: 2040-Q1 (Q1 2040/41) is after the data the store holds")
    assert "its faults would be those of that data, not of the data as at 2040-06-30" in said
    assert run("quality", "--period", rf.PERIOD, "--la", rf.LA).exit_code == 0  # to 30/06/22


def test_compare_over_one_authority_is_refused_not_ranked_first_against_itself():
    """The fixture store holds one authority: compare ranked it 1, quartile A, on every measure
    (the report leaves its regional comparison out for a one-authority store)."""
    r = run("compare", "--period", rf.PERIOD)
    assert r.exit_code == 2
    said = " ".join(line.strip("│ ") for line in r.output.splitlines())
    assert "compare ranks authorities against each other and needs two or more" in said
    assert f"only {rf.LA} (the store holds {rf.LA})" in said


def test_a_report_as_at_a_day_before_any_load_says_so(tmp_path):
    """The as-at copy held nothing: the report said 'the store holds no authority's data: run
    `scorecard ingest` first' (before: 'holds 0 authorities (none): pass --la') of a store
    that holds one."""
    r = run("report", "--period", rf.PERIOD, "--as-at", "1990-01-01", "--out", str(tmp_path))
    assert r.exit_code == 2
    said = " ".join(line.strip("│ ") for line in r.output.splitlines())
    assert "--as-at 1990-01-01: the store held no authority's data that day (its first" in said
    assert "run `scorecard ingest`" not in said


def test_quality_for_the_quarter_an_in_year_return_stops_in_is_answered():
    """The fixture's 2022-23 returns are in-year (period to 31 March 2023, data to 30 June
    2022, as the demo's): quality for 2022-Q1, the report's quarter, was refused ('faults not
    known. 2022-Q1 is past (the store holds data as at 2023-03-31)'), though the data held are
    the data as at its end (`measures.data_dates.data_dates`). A quarter the data run past is still
    refused: its faults were not kept."""
    r = run("quality", "--period", rf.PERIOD, "--la", rf.LA, "--format", "csv")
    assert r.exit_code == 0, r.output
    note = r.stderr.splitlines()[0]
    assert note.startswith(f"LA {rf.LA}, data as at 2022-06-30: ")
    assert ", the rules run now on the data held; since 2021-Q4: " in note
    assert len(r.stdout.splitlines()) > 1  # the header and the faults
    before = run("quality", "--period", "2021-Q4", "--la", rf.LA)
    assert before.exit_code == 1
    # the data held end on 30 June 2022 (it said 'holds data as at 2023-03-31', the returns'
    # period end)
    assert "faults not known. 2021-Q4 is past (the store holds data as at 2022-06-30)" in (
        before.output
    )


def test_drill_for_a_quarter_after_the_day_the_data_reach_is_refused():
    """An in-year return's period runs to 31 March but its data stop at the extraction (the
    fixture's, 30/06/2022): a quarter after that day printed only the header row (read as "no
    child"), exit 0."""
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.store import Store

    with Store(rf.store_path(), read_only=True) as db:
        first, reach = db.coverage(rf.LA)
    after = Quarter.containing(reach).next()
    r = run("drill", MEASURE, "--format", "csv", "--period", str(after), "--la", rf.LA)
    assert r.exit_code == 2
    said = " ".join(line.strip("│ ") for line in r.output.splitlines())
    assert (
        f"the store has no data for {after} ({after.label}) for LA {rf.LA}: its loaded data "
        f"cover {first:%d/%m/%Y} to {reach:%d/%m/%Y}"
    ) in said
