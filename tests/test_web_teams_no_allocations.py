"""The teams pages over a store with no case allocations (a CIN census or SSDA903 return alone,
the synthetic England): they say who holds each case is not known, not "All case holders: 0
holding 0 cases" over an empty table (every team then reads as holding nothing)."""

from __future__ import annotations

import html
import re

import duckdb
import report_fixtures as rf
from web_fixtures import add_users, client_for, copy_store, make_app

SAID = (
    f"The store holds no case_allocations rows for LA {rf.LA}: who holds each case is not "
    "known, so no team's case holders or caseloads can be shown."
)
P = rf.PERIOD


def _app():
    """The fixture authority's store with its case allocations taken out."""
    store = copy_store()
    with duckdb.connect(str(store)) as con:
        con.execute("DELETE FROM case_allocations")
    app = make_app(store)
    add_users(app, None)
    return app


def _text(page) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def test_the_teams_pages_of_a_store_with_no_allocations_say_why_they_are_empty():
    client = client_for(_app(), "analyst")
    page = client.get(f"/teams?period={P}")
    assert page.status_code == 200
    said = _text(page)
    assert SAID in said and "All case holders" not in said
    team = client.get(f"/teams/T1?period={P}")
    assert team.status_code == 404
    assert SAID in _text(team)
