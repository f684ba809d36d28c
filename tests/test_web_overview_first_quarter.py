"""The overview of the first quarter the store's data cover compares with nothing: its 'last
quarter' (and, in the first year, its 'year earlier') is before the case returns begin, yet the
page and its JSON showed figures and a direction for it (the demo's Q1 2016/17 overview showed
Q4 2015/16 figures: C04 22.5%, red). Those quarters' figures and comparisons are left out and
the page says there is no earlier quarter in the data."""

from __future__ import annotations

from web_fixtures import client_for, dashboard


def test_the_first_quarter_shows_no_last_quarter():
    app = dashboard()[0]
    viewer = client_for(app, "viewer")
    first = str(app.state.web.data.quarters()[0])
    assert first == "2019-Q1"
    page = viewer.get(f"/index.json?period={first}").json()
    assert page["previous"]["id"] == "2018-Q4"
    assert page["no_earlier"] == "no earlier quarter in the data"
    assert page["previous_summary"] is None
    rows = [r for g in page["groups"] for r in g["rows"]]
    assert rows and {(r["previous"], r["direction"], r["direction_year"]) for r in rows} == {
        (None, None, None)
    }
    assert {(d["previous"], d["year_earlier"]) for d in page["demand"]} == {("", "")}
    html = viewer.get(f"/?period={first}").text
    assert "<p>Last quarter: no earlier quarter in the data.</p>" in html
    second = viewer.get("/index.json?period=2019-Q2").json()
    assert second["no_earlier"] is None and second["previous_summary"] is not None
    assert any(d["previous"] for d in second["demand"])
    assert {d["year_earlier"] for d in second["demand"]} == {""}  # 2018-Q2: before the data
