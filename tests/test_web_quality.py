"""The data-quality page: faults by rule, table and team, the fix list with each fault's owner
(the quality layer's `with_owners`) and the measures each fault makes not reportable; a
manager sees their own team's fix list only; every view is audited."""

from __future__ import annotations

import duckdb
import report_fixtures as rf
from web_fixtures import client_for, dashboard

from csc_scorecard.model.periods import Quarter
from csc_scorecard.quality.fixlists import with_owners
from csc_scorecard.quality.history import changes

P = rf.PERIOD


def test_fix_list_holds_every_dfe_fault_with_its_owner():
    app, store, _, _ = dashboard()
    analyst = client_for(app, "analyst")
    page = analyst.get(f"/quality.json?period={P}").json()
    with duckdb.connect(str(store), read_only=True) as con:
        quarter = Quarter.parse(P)
        current = changes(con, rf.LA, quarter.end, quarter.previous().end).current
        faults = with_owners(con, current)
    expected = sorted(
        (f["rule"], f["child"], f["field"], f["team"], f["worker"]) for f in faults.to_pylist()
    )
    everything = analyst.get(f"/quality.json?period={P}&rule=").json()
    assert everything["fix_list_total"] == page["total"]
    dfe = [r for r in page["fix_list"] if r["kind"] == "DfE rule"]
    if page["fix_list_total"] <= 500:
        got = sorted((r["rule"], r["child"], r["field"], r["team"], r["worker"]) for r in dfe)
        assert got == expected
    assert sum(g["count"] for g in page["by_rule"]) == page["total"]
    assert sum(t["count"] for t in page["by_table"]) == page["total"]
    children_faults = sum(1 for r in page["fix_list"] if r["child"])
    if page["fix_list_total"] <= 500:
        assert sum(g["faults"] for g in page["by_team"]) == children_faults


def test_the_rule_that_makes_a_measure_not_reportable_says_so():
    """The fixture's imperfections leave 8 of 21 child protection plans in the quarter with a
    category code that is not a DfE code ('XX'): 38% passes the not-reportable threshold, so
    cp_plans_by_category is not reportable, and the rule behind it is listed against it."""
    app = dashboard()[0]
    page = client_for(app, "analyst").get(f"/quality.json?period={P}").json()
    assert "cp_plans_by_category" in {n["measure"] for n in page["not_reportable"]}
    rule = next(
        g for g in page["by_rule"] if g["rule"] == "unknown_code" and g["table"] == "cp_plans"
    )
    assert rule["not_reportable"] == ["cp_plans_by_category"]
    assert rule["kind"] == "load check" and rule["field"] == "LatestCategoryOfAbuse"
    chosen = (
        client_for(app, "analyst")
        .get(f"/quality.json?period={P}&rule=unknown_code&table=cp_plans")
        .json()
    )
    assert chosen["fix_list_total"] == rule["count"]
    for r in chosen["fix_list"]:
        assert r["value"] and r["message"] and r["child"]
        assert r["not_reportable"] == ["cp_plans_by_category"]


def test_manager_sees_their_own_teams_fix_list_only_and_views_are_audited():
    app, _, own, other = dashboard()
    manager = client_for(app, "manager")
    page = manager.get(f"/quality.json?period={P}").json()
    assert page["team"] == own and page["fix_list_total"] > 0
    assert {r["team"] for r in page["fix_list"]} == {own}
    assert all(g["example"] is None for g in page["by_rule"])  # no quoted values for managers
    assert len(page["by_team"]) > 1  # the counts by team are aggregates
    assert manager.get(f"/quality?period={P}&team={other}").status_code == 403
    assert client_for(app, "viewer").get("/quality.json").status_code == 403
    row = app.state.web.state.audit_rows(action="view_fix_list", user="manager")[0]
    assert row["target"] == f"{P} rule=* table=* team={own}"
    assert row["rows"] == len(page["fix_list"])
    analyst = client_for(app, "analyst")
    html = analyst.get(f"/quality?period={P}&team={other}")
    assert html.status_code == 200 and "Faults by team" in html.text and "Raw value" in html.text
    assert analyst.get("/quality?period=1999-Q1").status_code == 404


def test_the_faults_of_an_in_year_return_are_dated_where_its_data_stop():
    """The fixture's 2022-23 returns run to 31 March 2023 but their data to 30 June 2022: the
    page dated the Q1 2022/23 faults 'as at 2023-03-31', after the quarter and the data. It
    gives the quarter's end, as the report's data-quality section does."""
    page = client_for(dashboard()[0], "analyst").get(f"/quality.json?period={P}").json()
    assert page["faults_as_at"] == "2022-06-30"


def test_a_past_quarter_with_no_faults_kept_says_whose_faults_it_shows():
    """No DfE-rule faults were kept for the data as at 31 March 2022, so the rules' faults shown
    for Q4 2021/22 are those of the data as at 30 June 2022; the page said '... faults in the
    data as it stood at the end of Q4 2021/22' above them (`scorecard quality --period 2021-Q4`
    says the faults of that date are not known)."""
    import re

    page = client_for(dashboard()[0], "analyst").get("/quality?period=2021-Q4")
    assert page.status_code == 200
    first = re.search(r"<h1>.*?</h1>.*?</form>\s*<p>(.*?)</p>", page.text, re.DOTALL).group(1)
    total = re.match(r"(\d[\d,]*) faults", first).group(1)
    assert first == (
        f"{total} faults: no DfE-rule faults were kept for the data as at 2022-03-31 (they are "
        "kept at each load), so the rules' faults shown are those of the data as at 2022-06-30, "
        "the latest kept; with them, the issues recorded when the extracts for Q4 2021/22 were "
        "loaded. Each child's record is given to the worker allocated to the child and their "
        "team, who can correct it in the case system; the next extract loaded clears it."
    )
