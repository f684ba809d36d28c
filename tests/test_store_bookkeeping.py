"""The Store methods that read the store's own tables (loads, dq_issues): exact rows back from
three small loads — a 903 return for 2021-22, a CIN census for 2022-23 (both LA 371) and a
reference load with no authority — so no caller needs SQL against the store's layout."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from csc_scorecard.model.batch import Issue, LoadBatch
from csc_scorecard.store import Store


def _episodes() -> pa.Table:
    return pa.table(
        {"child_id": ["C1"], "decom": [date(2021, 5, 1)], "rne": ["S"], "source_row": [1]}
    )


@pytest.fixture
def loaded(store: Store) -> Store:
    issue = Issue(
        "unknown_code",
        "PLACE: 'Q9' unknown",
        table="cla_episodes",
        file="/private/folder/episodes.csv",
        row=1,
        child_id="C1",
        field="PLACE",
        value="Q9",
    )
    store.load(
        [
            LoadBatch(
                "ssda903",
                "371",
                date(2021, 4, 1),
                date(2022, 3, 31),
                files=["episodes.csv"],
                tables={"cla_episodes": _episodes()},
                issues=[issue],
            ),
            LoadBatch("reference:calendar", None, None, None, files=["bank_holidays.yaml"]),
            LoadBatch("cin_census", "371", date(2022, 4, 1), date(2023, 3, 31), files=["cin.xml"]),
        ]
    )
    return store


def test_loads_of_an_authority_include_the_reference_loads_oldest_first(loaded):
    assert [(r.load_id, r.source_format, r.la_code) for r in loaded.loads(["371"])] == [
        (1, "ssda903", "371"),
        (2, "reference:calendar", None),
        (3, "cin_census", "371"),
    ]
    assert [r.load_id for r in loaded.loads(["999"])] == [2]  # the reference load only
    first = loaded.loads()[0]
    assert (first.files, first.row_count, first.issue_count) == ("episodes.csv", 1, 1)
    assert [r.load_id for r in loaded.latest_loads(2)] == [3, 2]


def test_load_ids_by_format_and_period_end(loaded):
    assert loaded.load_ids("371") == [1, 3]
    assert loaded.load_ids("371", formats=["cin_census"]) == [3]
    assert loaded.load_ids("371", ending_by=date(2022, 3, 31)) == [1]
    assert loaded.load_ids("371", ending_by=date(2022, 3, 30)) == []


def test_spans_of_the_loads(loaded):
    assert loaded.period_span("371") == (date(2021, 4, 1), date(2023, 3, 31))
    assert loaded.period_span("371", formats=["ssda903"]) == (date(2021, 4, 1), date(2022, 3, 31))
    assert loaded.period_span("999") == (None, None)
    assert loaded.case_span("371") == (date(2021, 4, 1), date(2023, 3, 31))
    assert loaded.case_load_count("371") == 2


def test_issues_are_counted_grouped_and_found_by_their_row(loaded):
    assert loaded.issue_counts() == {("371", "cla_episodes"): 1}
    assert loaded.issue_groups("371") == [
        # the file name without the folder it was loaded from
        (
            "cla_episodes",
            None,
            "unknown_code",
            "error",
            1,
            "PLACE: 'Q9' unknown",
            ["episodes.csv:1"],
        )
    ]
    path = "/private/folder/episodes.csv"
    assert loaded.issue_note(1, path, 1, ["PLACE"]) == ("Q9", "PLACE: 'Q9' unknown")
    assert loaded.issue_note(1, path, 2, ["PLACE"]) is None
    rows = loaded.issue_rows("371", [1], 2022).to_pylist()
    assert [(r["rule"], r["year"], r["file"], r["child"]) for r in rows] == [
        ("unknown_code", 2022, "episodes.csv", "C1")
    ]


def test_holds_and_the_load_history_mark(loaded):
    assert loaded.holds("cla_episodes", "371")
    assert not loaded.holds("cla_episodes", "999")
    assert not loaded.holds("cin_plans")
    before = loaded.load_history_mark()
    assert before.startswith("3-3-")
    loaded.load([LoadBatch("cin_census", "371", date(2023, 4, 1), date(2024, 3, 31), files=[])])
    assert loaded.load_history_mark().startswith("4-4-")
    assert loaded.writable() and loaded.has_table("loads") and not loaded.has_table("nothing")
