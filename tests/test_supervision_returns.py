"""Supervision recorded by team in the quarter, and the teams yet to add their data (seed para 28).

Hand-worked on the small workforce (tests/workforce_fixture.py; the population is worked out in
test_workforce_measures.py's docstring). Quarter 2022-Q1 = 1 April to 30 June 2022 (D).

Staff counted at D (the supervision measure's rule: front-line practitioners in post, not on
long-term absence), in their team at D:
  T1 ACPS North 1: A1, A2, A3        T2 ACPS South 1: A4, A7        T3 Children in Care 1: A6, N1
  (A5 is on long-term sick leave, M1/M2 are managers, F1 is not front line, L1 left.)

Sessions recorded from 1 April to 30 June, in the fixture as it is:
  A1 15 Jun yes; A2 31 May yes; A3 25 Mar - before the quarter - no;
  A4 1 Apr (the first day) yes; A7 30 Jun (the last day) yes;
  A6 20 May yes (the 5 July session is after the quarter); N1 none.
  T1 2 of 3 = 66.7%, data added; T2 2 of 2 = 100%, added; T3 1 of 2 = 50%, added.
  All: 5 of 7 = 71.4%; 3 teams, all with data.

With A6's 20 May session not entered (`missing_t3`): T3's staff A6 and N1 have no session in the
quarter, so T3 has yet to add its data (0 of 2); all: 4 of 7 = 57.1%; 1 team of 3 yet to add.

Published, the team table is left out (team figures count workers) and the totals 4 and 7... 4
is a count of 1 to 5, so the total and its share print as "c"; the number of teams (not people)
still prints.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from measure_fixtures import load
from own_homes_fixture import table as own_homes_table
from test_workforce_section import check_cites
from workforce_fixture import LA, load_fixture, tables

from csc_scorecard.measures.context import Context
from csc_scorecard.measures.workforce.supervision_returns import supervision_returns
from csc_scorecard.report.context import build_context
from csc_scorecard.report.sections.staffing.section import publish, staffing_section
from csc_scorecard.store import Store

Q1 = (date(2022, 4, 1), date(2022, 6, 30))


def _rows(r) -> list[tuple]:
    return [(t.name, t.staff, t.supervised, t.added) for t in r.teams]


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    with Store(tmp_path_factory.mktemp("sr") / "s.duckdb") as s:
        load_fixture(s)
        yield s


@pytest.fixture(scope="module")
def missing_t3(tmp_path_factory):
    """The fixture with A6's 20 May session not entered: T3 has no session in the quarter."""
    t = tables()
    sv = t["supervisions"].to_pylist()
    keep = [r for r in sv if (r["worker_id"], r["supervision_date"]) != ("A6", date(2022, 5, 20))]
    assert len(keep) == len(sv) - 1
    import pyarrow as pa

    t["supervisions"] = pa.Table.from_pylist(keep, schema=t["supervisions"].schema)
    t["own_homes"] = own_homes_table()  # for the report's homes table (test_home_inspections.py)
    with Store(tmp_path_factory.mktemp("sr3") / "s.duckdb") as s:
        load(s, t, la_code=LA)
        yield s


def _returns(store):
    import ibis

    ctx = Context(ibis.duckdb.from_connection(store.con), [LA], [])
    return supervision_returns(ctx, *Q1)


def test_every_team_added_data(full):
    r = _returns(full)
    assert _rows(r) == [
        ("ACPS North 1", 3, 2, True),
        ("ACPS South 1", 2, 2, True),
        ("Children in Care 1", 2, 1, True),
    ]
    assert [round(t.percent, 1) for t in r.teams] == [66.7, 100.0, 50.0]
    assert (r.total.staff, r.total.supervised, r.team_count, r.teams_without_data) == (7, 5, 3, 0)


def test_a_team_with_no_sessions_has_yet_to_add_data(missing_t3):
    r = _returns(missing_t3)
    assert _rows(r)[2] == ("Children in Care 1", 2, 0, False)
    assert r.teams[2].percent == 0
    assert (r.total.staff, r.total.supervised) == (7, 4)
    assert round(r.total.percent, 1) == 57.1
    assert (r.team_count, r.teams_with_data, r.teams_without_data) == (3, 2, 1)


def test_the_sentence_and_its_cites(missing_t3):
    section = staffing_section(missing_t3, LA, "2022-Q1", ref_prefix="/staffing")
    assert section.paragraphs[1].text == (
        "In Q1, 4 of 7 front-line staff (57.1%) had at least one supervision recorded. 1 team has "
        "yet to add supervision data for the quarter, so this figure is expected to increase."
    )
    assert check_cites(section, "/staffing") > 40
    published = publish(section)
    assert published.supervision_returns.teams == []
    assert published.supervision_returns.total.supervised is None  # 4: a count of 1 to 5
    assert published.paragraphs[1].text == (
        "In Q1, c of c front-line staff (c) had at least one supervision recorded. 1 team has "
        "yet to add supervision data for the quarter, so this figure is expected to increase."
    )
    assert '"Children in Care 1"' not in published.supervision_returns.model_dump_json()


@pytest.fixture(scope="module")
def report(missing_t3):
    return build_context(missing_t3, LA, "2022-Q1", generated_at=None)


def test_the_report_shows_the_sentence_and_the_team_table(report):
    staffing = next(s for s in report.sections if s.id == "staffing")
    sup = next(s for s in staffing.subsections if s.id == "supervision")
    texts = [p.text for p in sup.paragraphs]
    assert texts[1] == (
        "In Q1, 4 of 7 front-line staff (57.1%) had at least one supervision recorded. 1 team has "
        "yet to add supervision data for the quarter, so this figure is expected to increase."
    )
    assert all(
        c.ref.startswith("/staffing/")
        for p in sup.paragraphs[1:2]
        for s in p.sentences
        for c in s.cites
    )
    (table,) = sup.tables
    assert table.id == "supervision_by_team"
    assert table.title == "Supervision recorded by team, Q1 2022/23"
    assert table.rows == [
        ["ACPS", "ACPS North 1", "3", "2", "66.7%", "added"],
        ["ACPS", "ACPS South 1", "2", "2", "100%", "added"],
        ["Children in Care", "Children in Care 1", "2", "0", "0%", "yet to add"],
    ]
    assert table.totals == {"teams": 3, "teams_with_data": 2, "teams_without_data": 1}
    data = json.loads(report.model_dump_json())
    assert data["staffing"]["supervision_returns"]["teams_without_data"] == 1


def test_the_report_shows_the_homes_inspections(report):
    """The homes of tests/own_homes_fixture.py, worked in test_home_inspections.py, in the
    Future placements strategy section: the sentence and the table, cited from /finance."""
    strategy = next(s for s in report.sections if s.id == "placements_strategy")
    (p,) = [p for p in strategy.paragraphs if "Ofsted" in p.text]
    assert p.text == (
        "At 30 June 2022, 2 of the authority's 5 children's homes had been judged good or "
        "outstanding at their latest full Ofsted inspection, and 3 were judged requires "
        "improvement to be good or inadequate. 1 home is overdue an inspection. 4 homes are next "
        "due an inspection, by 31 March 2023."
    )
    assert all(c.ref.startswith("/finance/inspections/") for s in p.sentences for c in s.cites)
    (table,) = [t for t in strategy.tables if t.id == "own_homes_inspections"]
    assert [r[0] for r in table.rows] == [
        "Birch House",
        "Ash House",
        "Cedar House",
        "Damson House",
        "Fir House",
    ]
    assert table.rows[0][-2:] == ["31 March 2022", "overdue"]
