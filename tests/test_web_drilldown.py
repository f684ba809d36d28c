"""The drill-down page: the rows behind a figure add up to it, filters by team and worker,
CSV and Excel exports, a manager's own team only, and every view and export audited."""

from __future__ import annotations

import csv
import io
import re

import pytest
import report_fixtures as rf
from web_fixtures import client_for, dashboard

pytest.importorskip("csc_scorecard.measures.members", reason="the measures layer's member rows")

P = rf.PERIOD
MEASURES = ["assessments_within_45_working_days", "cla_reviews_in_timescale", "referrals"]


@pytest.mark.parametrize("measure", MEASURES)
def test_rows_add_up_to_the_figure(measure):
    app = dashboard()[0]
    analyst = client_for(app, "analyst")
    page = analyst.get(f"/measures/{measure}/children.json?period={P}").json()
    figure = rf.measure_run().value(measure, P)
    assert page["numerator"] == pytest.approx(figure["numerator"])
    if page["denominator"] is not None:
        assert page["denominator"] == pytest.approx(figure["denominator"])
    assert page["rows"] == len(page["members"]) or len(page["members"]) == 1000
    html = analyst.get(f"/measures/{measure}/children?period={P}")
    assert html.status_code == 200 and "internal use only" in html.text


def test_team_filter_keeps_that_teams_rows_and_audits():
    app = dashboard()[0]
    analyst = client_for(app, "analyst")
    measure = "assessments_within_45_working_days"
    everything = analyst.get(f"/measures/{measure}/children.json?period={P}").json()
    team = everything["teams"][0]
    one = analyst.get(f"/measures/{measure}/children.json?period={P}&team={team}").json()
    assert 0 < one["rows"] < everything["rows"]
    assert {r["team"] for r in one["members"]} == {team}
    row = app.state.web.state.audit_rows(action="view_children")[0]
    assert row["user_name"] == "analyst" and row["rows"] == one["rows"]
    assert row["target"] == f"{measure} {P} team={team} worker=*"
    worker = one["members"][0]["worker"]
    mine = analyst.get(
        f"/measures/{measure}/children.json?period={P}&team={team}&worker={worker}"
    ).json()
    assert mine["rows"] >= 1 and {r["worker"] for r in mine["members"]} == {worker}


def test_manager_sees_only_their_own_team():
    app, _, own, other = dashboard()
    manager = client_for(app, "manager")
    measure = "assessments_within_45_working_days"
    mine = manager.get(f"/measures/{measure}/children.json?period={P}").json()
    assert mine["team"] == own
    assert all(r["team"] == own for r in mine["members"])
    refused = manager.get(f"/measures/{measure}/children?period={P}&team={other}")
    assert refused.status_code == 403
    viewer = client_for(app, "viewer")
    assert viewer.get(f"/measures/{measure}/children?period={P}").status_code == 403
    assert viewer.get(f"/measures/{measure}/children.json?period={P}").status_code == 403


def test_csv_and_xlsx_exports_hold_every_row_and_are_audited():
    from openpyxl import load_workbook

    app = dashboard()[0]
    analyst = client_for(app, "analyst")
    measure = "cla_reviews_in_timescale"
    page = analyst.get(f"/measures/{measure}/children.json?period={P}").json()
    exported = analyst.get(f"/measures/{measure}/children?period={P}&format=csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == page["rows"]
    assert app.state.web.state.audit_rows(action="export_children_csv")[0]["rows"] == len(rows)
    workbook = analyst.get(f"/measures/{measure}/children?period={P}&format=xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content))["rows"]
    assert sheet.max_row - 1 == page["rows"]
    assert app.state.web.state.audit_rows(action="export_children_xlsx")[0]["rows"] == page["rows"]
    assert analyst.get(f"/measures/{measure}/children?period={P}&format=pdf").status_code == 400


def test_a_manual_measure_offers_no_drill_down_link():
    """A manual measure's values are supplied, not counted: its page offers no link to the
    rows behind it (before, 'See the children and workers behind this figure' led to a 404,
    'No drill-down for this measure'); a counted measure's page keeps the link."""
    manager = client_for(dashboard()[0], "manager")
    link = "See the children and workers behind this figure"
    manual = manager.get(f"/measures/reoffending_rate?period={P}")
    assert manual.status_code == 200
    assert link not in manual.text and "/measures/reoffending_rate/children" not in manual.text
    assert manager.get(f"/measures/reoffending_rate/children?period={P}").status_code == 404
    counted = manager.get(f"/measures/referrals?period={P}")
    assert counted.status_code == 200
    assert link in counted.text


def test_exports_are_named_by_measure_team_worker_and_quarter():
    """Each export was '<measure>_<quarter>.csv' (a list's '<list>_<date>.csv') whichever team
    or worker it held, so a manager sending three teams' workbooks had three files of one name.
    The team and worker are in the name now, in safe characters (a team's name's spaces too)."""
    app, _, own, _ = dashboard()
    analyst = client_for(app, "analyst")
    measure = "assessments_within_45_working_days"
    one = analyst.get(f"/measures/{measure}/children.json?period={P}&team={own}").json()
    worker = one["members"][0]["worker"]
    named = analyst.get(f"/measures/{measure}/children?period={P}&team={own}&format=xlsx")
    disposition = f'attachment; filename="{measure}_{own}_{P}.xlsx"'
    assert named.headers["content-disposition"] == disposition
    theirs = analyst.get(
        f"/measures/{measure}/children?period={P}&team={own}&worker={worker}&format=csv"
    )
    disposition = f'attachment; filename="{measure}_{own}_{worker}_{P}.csv"'
    assert theirs.headers["content-disposition"] == disposition
    everyone = analyst.get(f"/measures/{measure}/children?period={P}&format=csv")
    assert everyone.headers["content-disposition"] == f'attachment; filename="{measure}_{P}.csv"'
    manager = client_for(app, "manager")  # held to their own team, named by it
    listed = manager.get("/lists/overdue-visits?date=2022-06-30&format=csv")
    assert listed.headers["content-disposition"] == (
        f'attachment; filename="overdue-visits_{own}_2022-06-30.csv"'
    )
    from csc_scorecard.model.periods import Quarter

    teams = app.state.web.data.teams(Quarter.parse(P))["teams"]
    name = next(t["name"] for t in teams if t["team_id"] == own)
    by_name = analyst.get(f"/lists/overdue-visits?date=2022-06-30&team={name}&format=xlsx")
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", name)
    assert " " in name and by_name.headers["content-disposition"] == (
        f'attachment; filename="overdue-visits_{safe}_2022-06-30.xlsx"'
    )


def test_an_empty_drill_down_says_what_the_measure_page_says():
    """No adoptions in the fixture's quarter: the measure page notes 'no records in the period
    to count'; its drill-down showed 0 rows and said nothing. It says the same now."""
    app = dashboard()[0]
    analyst = client_for(app, "analyst")
    measure = "adoption_within_14_months"
    assert rf.measure_run().value(measure, P)["reason"] == "no records in the period to count"
    page = analyst.get(f"/measures/{measure}/children.json?period={P}").json()
    assert (page["rows"], page["note"]) == (0, "no records in the period to count")
    html = analyst.get(f"/measures/{measure}/children?period={P}").text
    assert "<p>Note: no records in the period to count</p>" in html
    assert (
        "<dd>no records in the period to count</dd>"
        in analyst.get(f"/measures/{measure}?period={P}").text
    )
    full = analyst.get(f"/measures/cla_reviews_in_timescale/children.json?period={P}").json()
    assert full["rows"] > 0 and full["note"] is None
