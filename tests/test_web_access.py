"""Every dashboard route for every role, HTML and JSON alike (the access rules of
docs/dashboard.md), anonymous requests, unknown things as 404 pages, security headers."""

from __future__ import annotations

import pytest
import report_fixtures as rf
from markupsafe import escape
from web_fixtures import ROLES, client_for, dashboard

P = rf.PERIOD
MEASURE_C = "assessments_within_45_working_days"

# path -> the lowest role that may open it ("own" = a manager's own team only).
ROUTES = {
    "/": "viewer",
    f"/?period={P}": "viewer",
    "/measures/assessments_within_45_working_days": "viewer",
    f"/measures/referrals?period={P}": "viewer",
    "/teams": "manager",
    "/teams/{own}": "manager",
    "/teams/{other}": "analyst",
    f"/teams/{{own}}/measures?period={P}": "manager",
    "/teams/{other}/measures": "analyst",
    f"/quality?period={P}": "manager",
    "/quality": "manager",
    "/loads": "analyst",
    f"/reports/{P}": "viewer",
    "/audit": "admin",
    "/admin/users": "admin",
}

try:  # the drill-down needs the measures layer's member rows
    import csc_scorecard.measures.members

    ROUTES[f"/measures/assessments_within_45_working_days/children?period={P}"] = "manager"
except ImportError:
    pass
try:  # the operational lists
    import csc_scorecard.lists  # noqa: F401

    ROUTES["/lists"] = "manager"
    ROUTES["/lists/open-assessments"] = "manager"
except ImportError:
    pass


def _path(template: str) -> str:
    _, _, own, other = dashboard()
    return template.replace("{own}", own).replace("{other}", other)


def _json(path: str) -> str:
    base, _, query = path.partition("?")
    base = "/index" if base == "/" else base
    return f"{base}.json" + (f"?{query}" if query else "")


@pytest.fixture(scope="module")
def clients():
    app = dashboard()[0]
    return {role: client_for(app, role) for role in (None, *ROLES)}


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_route_by_role(clients, route, role):
    path = _path(route)
    allowed = ROLES.index(role) >= ROLES.index(ROUTES[route])
    expected = 200 if allowed else 403
    html = clients[role].get(path, follow_redirects=False)
    assert html.status_code == expected, (path, role, html.text[:300])
    as_json = clients[role].get(_json(path), follow_redirects=False)
    assert as_json.status_code == expected, (path, role)
    assert as_json.headers["content-type"].startswith("application/json")
    if not allowed:
        assert "needs the" in html.text or "own team" in html.text
        assert "Traceback" not in html.text


@pytest.mark.parametrize("route", list(ROUTES))
def test_anonymous_html_goes_to_login_and_json_gets_401(clients, route):
    path = _path(route)
    html = clients[None].get(path, follow_redirects=False)
    assert html.status_code == 303
    assert html.headers["location"].startswith("/login?next=")
    assert clients[None].get(_json(path), follow_redirects=False).status_code == 401


def test_login_page_and_static_assets_need_no_session(clients):
    assert clients[None].get("/login").status_code == 200
    js = clients[None].get("/static/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text[:2000]
    assert clients[None].get("/static/app.css").status_code == 200


def test_json_is_the_same_data_as_the_page(clients):
    page = clients["analyst"].get(f"/measures/assessments_within_45_working_days?period={P}")
    data = (
        clients["analyst"]
        .get(f"/measures/assessments_within_45_working_days.json?period={P}")
        .json()
    )
    figure = data["figure"]
    assert figure["measure"] == "assessments_within_45_working_days"
    assert figure["period"] == P
    assert figure["display"] and figure["display"] in page.text
    assert len(data["trend"]) == 8
    assert data["rating"]["target"] in page.text
    assert str(escape(data["measure"]["definition"])) in page.text
    # the figure is the report's: the measure run's value for the quarter
    run = rf.measure_run().value("assessments_within_45_working_days", P)
    assert figure["value"] == pytest.approx(run["value"])
    assert figure["numerator"] == run["numerator"]


def test_overview_lists_every_framework_group_with_counts(clients):
    data = clients["viewer"].get("/index.json").json()
    assert data["period"]["id"] == P
    assert data["groups"], "the fixture framework has groups"
    total = sum(g["summary"]["total"] for g in data["groups"])
    assert total == data["summary"]["total"]
    assert {d["measure"] for d in data["demand"]} >= {"referrals", "cla_at_period_end"}
    assert data["synthetic"] is True
    page = clients["viewer"].get("/")
    assert "SYNTHETIC DATA" in page.text
    for g in data["groups"]:
        assert g["title"] in page.text.replace("&#39;", "'")


def test_viewer_sees_published_figures_only(clients):
    viewer = clients["viewer"].get("/index.json").json()
    analyst = clients["analyst"].get("/index.json").json()
    assert viewer["publication"] is True and analyst["publication"] is False
    # a count of 1-5 an analyst sees is shown to a viewer as "c"
    small = [
        (v, a)
        for gv, ga in zip(viewer["groups"], analyst["groups"], strict=True)
        for v, a in zip(gv["rows"], ga["rows"], strict=True)
        if a["numerator"] and a["numerator"].isdigit() and 1 <= int(a["numerator"]) <= 5
    ]
    assert small, "the fixture has small numerators"
    for v, _ in small:
        assert v["numerator"] in ("c", "")
    # commentary (which may quote small numbers) is for staff: a viewer's page leaves it out
    rating = clients["viewer"].get(f"/measures/{MEASURE_C}.json?period={P}").json()["rating"]
    assert rating and not any(k.startswith("commentary") for k in rating)
    assert "commentary" not in clients["viewer"].get(f"/measures/{MEASURE_C}.json").json()


@pytest.mark.parametrize(
    "path",
    [
        "/measures/no_such_measure",
        "/measures/referrals?period=2031-Q2",
        "/?period=1999-Q1",
        "/teams/no-such-team",
        "/teams/no-such-team/measures",
        "/teams?period=2031-Q1",
        "/quality?period=1999-Q1",
        "/measures/no_such_measure/children",
        "/measures/referrals/children?period=2031-Q2",
        "/loads/progress/no-such-upload",
        "/reports/2031-Q1",
        "/no/such/page",
    ],
)
def test_unknown_things_are_404_pages(clients, path):
    response = clients["admin"].get(path)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert "Traceback" not in response.text
    assert clients["admin"].get(_json(path)).status_code == 404


def test_security_headers(clients):
    for role in (None, "admin"):
        response = clients[role].get("/login" if role is None else "/")
        csp = response.headers["content-security-policy"]
        script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "unsafe-inline" not in script and "unsafe-eval" not in script
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
    # no inline script anywhere: every <script> has a src
    page = clients["admin"].get("/").text
    assert page.count("<script") == page.count('<script src="/static/')
