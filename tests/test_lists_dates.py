"""A daily list or a caseload position on a date the store's data do not reach is refused in
one line naming the dates they cover (`lists.dates`): long after they end (a visit recorded
since is not in the store: everyone reads as overdue) or before they begin (nobody at all).
A date a little past their end (the store is loaded monthly or quarterly, the list run daily)
is answered with a note saying how old the data are.

The store: an in-year CIN census for 2022-23 (period 1 April 2022 to 31 March 2023) whose
latest record is an assessment started 30 June 2022, so the data end on 30 June 2022, not on
the return's period end; allocations and staff loaded as a template without a period.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import allocations, load_all
from measure_fixtures import LA
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.lists.dates import GRACE_DAYS
from csc_scorecard.measures.data_dates import data_dates
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.store import Store

runner = CliRunner()
COVERED = f"LA {LA}'s data in the store run from 1 April 2022 to 30 June 2022"


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("dates") / "store.duckdb"
    with Store(p) as s:
        load_all(s, allocations([("C1", "W1", d(2022, 5, 3), None)]))
        assessments = canonical(
            "assessments",
            child_id=["C1"],
            referral_date=[d(2022, 5, 3)],
            start_date=[d(2022, 6, 30)],
        )
        s.load(
            [
                LoadBatch(
                    "cin_census", LA, d(2022, 4, 1), d(2023, 3, 31), ["cin.xml"],
                    tables={"assessments": assessments},
                )
            ]
        )  # fmt: skip
    return p


def run(path, *args: str):
    return runner.invoke(app, [*args, "--store", str(path)], env={"COLUMNS": "200"})


def test_the_data_end_on_the_latest_record_not_the_return_period_end(path):
    with Store(path, read_only=True) as db:
        assert data_dates(db, LA) == (d(2022, 4, 1), d(2022, 6, 30))


def test_list_on_the_last_day_has_no_note(path):
    r = run(path, "lists", "open-assessments", "--date", "2022-06-30")
    assert r.exit_code == 0, r.output
    assert "1 row" in r.output and "the data end" not in r.output


def test_list_a_little_past_the_end_says_how_old_the_data_are(path):
    r = run(path, "lists", "open-assessments", "--date", "2022-08-15")
    assert r.exit_code == 0, r.output
    assert (
        "note: the data end on 30 June 2022, 46 days before 15 August 2022: anything recorded "
        "since is not in this list"
    ) in r.output


STALE = (
    "the data end on 30 June 2022, 46 days before 15 August 2022: anything recorded since is "
    "not in this list"
)


def test_the_files_of_a_list_a_little_past_the_end_carry_the_note_too(path, tmp_path):
    """The note was printed, not written: the workbook and JSON of a list dated 46 days past
    the data said nothing of it (the demo's overdue-visits for T013 on 15 August 2022: 114
    children 'overdue' against 4 on 30 June, visits since 30 June not loaded)."""
    import json

    import openpyxl

    book = tmp_path / "list.xlsx"
    r = run(path, "lists", "open-assessments", "--date", "2022-08-15", "--format", "xlsx",
            "--out", str(book))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert openpyxl.load_workbook(book).active["A2"].value == STALE
    r = run(path, "lists", "open-assessments", "--date", "2022-08-15", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["notes"] == [STALE]
    assert r.output.count(STALE) == 2  # the JSON's, and once on stderr


@pytest.mark.parametrize("name", ["overdue-visits", "open-assessments", "caseloads"])
def test_list_long_after_the_end_is_refused(path, name):
    r = run(path, "lists", name, "--date", "2023-06-30")
    assert r.exit_code != 0
    assert r.output.strip().splitlines()[-1] == (
        f"Error: --date 2023-06-30: {COVERED}, 365 days before it; a list on it would miss "
        "everything since (load newer data, or give a date up to 30 October 2022)"
    )
    assert "Traceback" not in r.output
    assert GRACE_DAYS == 122  # 30 June + 122 days = 30 October


def test_list_before_the_data_begin_is_refused(path):
    r = run(path, "lists", "unallocated", "--date", "2021-06-30")
    assert r.exit_code != 0
    assert r.output.strip().splitlines()[-1] == (
        f"Error: --date 2021-06-30: {COVERED}; a date before them would show nobody"
    )


def test_caseloads_checks_both_dates(path):
    r = run(path, "caseloads", "--date", "2022-06-30", "--compare", "2021-12-31", "--la", LA)
    assert r.exit_code != 0
    assert r.output.strip().splitlines()[-1] == (
        f"Error: --compare 2021-12-31: {COVERED}; a date before them would show nobody"
    )
    r = run(path, "caseloads", "--date", "2024-01-01", "--la", LA)
    assert r.exit_code != 0 and "--date 2024-01-01: " in r.output
    assert "a caseload position on it would miss everything since" in r.output
    r = run(path, "caseloads", "--date", "2022-07-01", "--la", LA)
    assert r.exit_code == 0, r.output
    assert f"note: LA {LA}: the data end on 30 June 2022, 1 day before 1 July 2022" in r.output


def test_caseloads_for_all_authorities_checks_each_and_answers(path):
    """The dates are checked on the store's connection between the positions' queries: a
    check leaving its result unread broke the next query ('call complete() or abort()')."""
    r = run(path, "caseloads", "--date", "2022-06-30", "--compare", "2022-05-31", "--la", "all")
    assert r.exit_code == 0, r.output
    assert "Caseloads on 30 June 2022" in r.output and "Traceback" not in r.output
