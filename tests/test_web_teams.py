"""A team's page: its caseloads, span of control and supervision, and its part of each measure
(from the measures layer's member rows, `members.by_team`), rated by the one rating function."""

from __future__ import annotations

import pytest
import report_fixtures as rf
from markupsafe import escape
from web_fixtures import client_for, dashboard

from csc_scorecard.measures.members import by_team
from csc_scorecard.model.periods import Quarter

P = rf.PERIOD


@pytest.mark.parametrize(
    "measure", ["assessments_within_45_working_days", "cla_reviews_in_timescale", "referrals"]
)
def test_the_teams_parts_add_up_to_the_authoritys_figure(measure):
    app = dashboard()[0]
    rows = app.state.web.data.members(Quarter.parse(P), measure)
    parts = by_team(rows)
    figure = rf.measure_run().value(measure, P)
    assert sum(p["numerator"] for p in parts) == pytest.approx(figure["numerator"])
    if figure["denominator"] is not None and parts[0]["denominator"] is not None:
        assert sum(p["denominator"] for p in parts) == pytest.approx(figure["denominator"])
    for p in parts:  # each team's value by the measure's own rule over the same window
        if p["denominator"]:
            assert p["value"] == pytest.approx(100 * p["numerator"] / p["denominator"])
        elif figure["denominator"] is None:  # a count
            assert p["value"] == p["numerator"]


def test_a_rate_over_the_population_has_no_team_figure():
    app = dashboard()[0]
    rows = app.state.web.data.members(Quarter.parse(P), "referrals_rate_per_10000")
    assert rows.num_rows > 0 and by_team(rows) == []


def test_team_page_has_caseloads_and_the_teams_measures_rated_against_the_target():
    app, _, own, _ = dashboard()
    analyst = client_for(app, "analyst")
    page = analyst.get(f"/teams/{own}.json?period={P}").json()
    assert page["team"]["team_id"] == own
    for key in ("case_holders", "fte", "average_per_fte", "average_weighted"):
        assert key in page["team"]
    measures = {m["measure"]: m for m in page["measures"]}
    c01 = measures["assessments_within_45_working_days"]
    # the drill-down kept to the team holds exactly the rows the team's figure counts
    drill = analyst.get(
        f"/measures/assessments_within_45_working_days/children.json?period={P}&team={own}"
    ).json()
    assert (c01["numerator"], c01["denominator"]) == (drill["numerator"], drill["denominator"])
    # C01's target is 90% with 75% tolerance, higher is better (tests/report_fixtures framework)
    assert c01["target"] == "90% (75%)"
    rounded = round(c01["value"], 1)
    expected = "green" if rounded >= 90 else "amber" if rounded >= 75 else "red"
    assert c01["status"] == expected and c01["rag"] == expected
    assert c01["display"] == f"{rounded:.1f}%".replace(".0%", "%")
    html = analyst.get(f"/teams/{own}?period={P}").text
    assert "Role-weighted average caseload" in html and "Span of control" in html
    assert 'id="team-measures"' in html and str(escape(c01["title"])) in html
    fragment = analyst.get(f"/teams/{own}/measures?period={P}")
    assert fragment.status_code == 200 and 'id="team-measures"' in fragment.text


def test_team_measures_follow_the_team_rules_and_unknowns_are_404():
    app, _, own, other = dashboard()
    manager = client_for(app, "manager")
    assert manager.get(f"/teams/{own}/measures?period={P}").status_code == 200
    assert manager.get(f"/teams/{other}/measures?period={P}").status_code == 403
    refused = manager.get(f"/teams/{other}/measures.json?period={P}")
    assert refused.status_code == 403
    # the team's measures are aggregates: the refusal spoke of workers, which the page has none of
    assert refused.json()["detail"] == "Managers see the measures of their own team only."
    assert manager.get(f"/teams/{other}.json?period={P}").json()["detail"] == (
        "Managers see the workers of their own team only."
    )
    assert client_for(app, "viewer").get(f"/teams/{own}/measures").status_code == 403
    analyst = client_for(app, "analyst")
    assert analyst.get("/teams/NO-SUCH-TEAM/measures").status_code == 404
    assert analyst.get("/teams/NO-SUCH-TEAM").status_code == 404
    assert analyst.get(f"/teams/{own}?period=1999-Q1").status_code == 404
    assert analyst.get(f"/teams/{own}.json?period=not-a-quarter").status_code == 400


def test_team_page_shows_the_supervision_recorded_in_the_quarter():
    """The team's supervision recorded in the quarter is the report's figure for the team
    (measures/workforce/supervision_returns.py; hand-worked in test_supervision_returns.py)."""
    app, _, own, _ = dashboard()
    analyst = client_for(app, "analyst")
    team = analyst.get(f"/teams/{own}.json?period={P}").json()["team"]
    (expected,) = [
        t for t in rf.report_context().staffing.supervision_returns.teams if t.team_id == own
    ]
    assert (
        team["supervision_recorded"],
        team["supervision_staff"],
        team["supervision_data_added"],
    ) == (expected.supervised, expected.staff, expected.added)
    assert team["supervision_recorded_percent"] == pytest.approx(expected.percent)
    listing = analyst.get(f"/teams?period={P}").text
    missing = rf.report_context().staffing.supervision_returns.teams_without_data
    assert missing == 1  # the synthetic authority: one team's sheet is not in (seed para 28)
    assert f"1 team has yet to add supervision data for {Quarter.parse(P).label}." in listing
    assert listing.count('<td class="num">yet to add</td>') == 1
    html = analyst.get(f"/teams/{own}?period={P}").text
    assert (
        f"Supervision recorded in {Quarter.parse(P).label}</dt><dd>"
        f"{expected.percent:.0f}%: {expected.supervised} of {expected.staff} staff with a "
        "supervision recorded</dd>"
    ) in html


def test_the_average_caseload_is_labelled_per_fte_once_not_also_per_worker():
    """The caseload average is DfE's, cases ÷ FTE of the case holders (workforce.caseloads): the
    pages showed it twice, once as "per worker" (the demo's ACPS North 1: 6 case holders, 4.9
    FTE, 132 cases, "Average caseload per worker 26.9", where 132 ÷ 6 is 22.0)."""
    import re

    app, _, own, _ = dashboard()
    analyst = client_for(app, "analyst")
    team = analyst.get(f"/teams/{own}.json?period={P}").json()["team"]
    assert "average_cases" not in team
    assert team["average_per_fte"] == pytest.approx(team["cases"] / team["fte"])
    page = analyst.get(f"/teams/{own}?period={P}").text
    assert re.findall(r"<dt>([^<]*average[^<]*)</dt>", page, flags=re.IGNORECASE) == [
        "Average caseload per FTE",
        "Role-weighted average caseload",
    ]
    index = analyst.get(f"/teams?period={P}").text
    assert [
        h for h in re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', index) if "verage" in h
    ] == [
        "Average per FTE",
        "Role-weighted average",
    ]


def test_a_team_holding_no_cases_says_so_and_an_unknown_team_is_named_unknown():
    """The fixture's MASH (T002) has posts but holds no case: its page said "There is no team
    'T002' with case holders on 30/06/2022." (the demo's MASH 1 manager met it on their own
    team), as for a team the store never names."""
    app = dashboard()[0]
    analyst = client_for(app, "analyst")
    mash = analyst.get(f"/teams/T002.json?period={P}")
    assert mash.status_code == 404
    assert mash.json()["detail"] == (
        "No worker of team 'T002' held a case on 30 June 2022: it has no caseloads or case "
        "holders to show for Q1 2022/23."
    )
    unknown = analyst.get(f"/teams/T999.json?period={P}")
    assert unknown.status_code == 404
    assert unknown.json()["detail"].startswith("team 'T999': the store holds no such team for LA ")
