"""Operational list pages: a manager's own team only, an analyst's any, exports and audit."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import report_fixtures as rf
from web_fixtures import client_for, dashboard

pytest.importorskip("csc_scorecard.lists", reason="the operational lists")

ON = "2022-06-30"


def test_list_page_matches_the_library_and_is_audited():
    from csc_scorecard import lists
    from csc_scorecard.store import Store

    app = dashboard()[0]
    analyst = client_for(app, "analyst")
    page = analyst.get(f"/lists/open-assessments.json?date={ON}").json()
    with Store(rf.store_path(), read_only=True) as db:
        expected = lists.build("open-assessments", db, rf.LA, date(2022, 6, 30))
    assert page["count"] == expected.count
    assert [r[expected.rows.column_names[0]] for r in page["rows"]] == expected.rows.column(
        0
    ).to_pylist()[:1000]
    row = app.state.web.state.audit_rows(action="view_list")[0]
    assert row["user_name"] == "analyst" and row["rows"] == expected.count
    exported = analyst.get(f"/lists/open-assessments?date={ON}&format=csv")
    assert len(list(csv.DictReader(io.StringIO(exported.text)))) == expected.count
    assert app.state.web.state.audit_rows(action="export_list_csv")[0]["rows"] == expected.count
    assert analyst.get("/lists/no-such-list").status_code == 404
    assert analyst.get("/lists/open-assessments?date=30/06/2022").status_code == 400


def test_manager_sees_their_own_team_only():
    app, _, own, other = dashboard()
    manager = client_for(app, "manager")
    mine = manager.get(f"/lists/open-assessments.json?date={ON}").json()
    assert mine["team"] == own
    assert manager.get(f"/lists/open-assessments?date={ON}&team={other}").status_code == 403
    assert client_for(app, "viewer").get("/lists").status_code == 403


def test_a_date_the_data_do_not_reach_is_a_400_naming_the_dates_covered():
    """Long after the data end a list reads as "nobody overdue" (or everyone): refused, as
    `scorecard lists` refuses it (lists.dates); a little past, the page says how old they are."""
    from datetime import timedelta

    from openpyxl import load_workbook

    from csc_scorecard.measures.data_dates import data_dates
    from csc_scorecard.store import Store
    from csc_scorecard.wording import long_date

    with Store(rf.store_path(), read_only=True) as db:
        first, last = data_dates(db, rf.LA)
    analyst = client_for(dashboard()[0], "analyst")
    covered = f"LA {rf.LA}'s data in the store run from {long_date(first)} to {long_date(last)}"
    late = analyst.get("/lists/overdue-visits.json?date=2040-01-01")
    assert late.status_code == 400
    assert late.json()["detail"].startswith(f"date 2040-01-01: {covered}, ")
    early = analyst.get("/lists/overdue-visits?date=1990-01-01")
    assert early.status_code == 400 and "a date before them would show nobody" in early.text
    on = last + timedelta(days=10)
    page = analyst.get(f"/lists/overdue-visits.json?date={on}").json()
    stale = (
        f"the data end on {long_date(last)}, 10 days before {long_date(on)}: anything recorded "
        "since is not in this list"
    )
    assert page["notes"][0] == stale
    # and the workbook handed to the team says so (it did not: the page alone carried the note)
    book = analyst.get(f"/lists/overdue-visits?date={on}&format=xlsx")
    assert load_workbook(io.BytesIO(book.content)).active["A2"].value == stale


def test_reviews_due_takes_a_days_window_as_the_command_does():
    """`scorecard lists reviews-due --days` existed; the page had no such field, so its lists and
    exports always looked 14 days ahead. The window is offered, validated, and carried by the
    heading, the exports (file name; the workbook's heading) and the audit entry."""
    from openpyxl import load_workbook

    from csc_scorecard import lists
    from csc_scorecard.store import Store

    app = dashboard()[0]
    analyst = client_for(app, "analyst")
    with Store(rf.store_path(), read_only=True) as db:
        wide = lists.build("reviews-due", db, rf.LA, date(2022, 6, 30), days_ahead=60)
        usual = lists.build("reviews-due", db, rf.LA, date(2022, 6, 30))
    assert wide.count > usual.count
    page = analyst.get(f"/lists/reviews-due.json?date={ON}&days=60").json()
    assert (page["days"], page["count"]) == (60, wide.count)
    assert page["heading"] == (
        f"Reviews overdue or due soon, authority {rf.LA}, 30 June 2022, due within 60 days: "
        f"{wide.count:,} rows"
    )
    assert analyst.get(f"/lists/reviews-due.json?date={ON}").json()["days"] == 14
    html = analyst.get(f"/lists/reviews-due?date={ON}").text
    assert 'name="days" type="number" min="0" value="14"' in html
    assert 'name="days"' not in analyst.get(f"/lists/overdue-visits?date={ON}").text
    exported = analyst.get(f"/lists/reviews-due?date={ON}&days=60&format=csv")
    assert 'filename="reviews-due_2022-06-30_60days.csv"' in exported.headers["content-disposition"]
    assert len(list(csv.DictReader(io.StringIO(exported.text)))) == wide.count
    audit = app.state.web.state.audit_rows(action="export_list_csv")[0]
    assert audit["target"] == f"reviews-due {ON} team=* worker=* days=60"
    book = analyst.get(f"/lists/reviews-due?date={ON}&days=60&format=xlsx")
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet["A1"].value.startswith(f"Reviews overdue or due soon, authority {rf.LA}, 30 June "
                                        "2022, due within 60 days: ")  # fmt: skip
    for bad, why in (
        ("-1", "days &#39;-1&#39;: a number of days, 0 to 366."),
        ("two", "days &#39;two&#39;: a number of days, 0 to 366."),
        ("²", "days &#39;²&#39;: a number of days, 0 to 366."),  # a digit int() cannot read
        (  # a 500 page when DuckDB could not add the days to a date
            "99999999999999999999",
            "days &#39;99999999999999999999&#39;: a number of days, 0 to 366.",
        ),
    ):
        refused = analyst.get(f"/lists/reviews-due?date={ON}&days={bad}")
        assert refused.status_code == 400 and why in refused.text
    other = analyst.get(f"/lists/overdue-visits.json?date={ON}&days=5")
    assert other.status_code == 400
    assert other.json()["detail"] == "days applies to reviews-due, not overdue-visits."


def test_a_manager_may_name_their_own_team():
    """Lists take a team id or name (`scorecard lists --team`); a manager who named their own
    team was refused as if it were another's (403, 'Managers see the lists of their own team
    only.', and an access_refused row in the audit log)."""
    from csc_scorecard.store import Store

    app, _, own, _ = dashboard()
    with Store(rf.store_path(), read_only=True) as db:
        (name,) = db.con.execute(
            "SELECT team_name FROM teams WHERE la_code = ? AND team_id = ?", [rf.LA, own]
        ).fetchone()
    manager = client_for(app, "manager")
    page = manager.get(f"/lists/open-assessments.json?date={ON}&team={name}")
    assert page.status_code == 200
    assert page.json()["team"] == own
