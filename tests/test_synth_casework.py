"""The synthetic casework records: visits, review due dates, worker and team on each event.

Due dates are checked on hand-worked rows; visits and allocations on the generated authority
(5% scale, 2021-22) for the shape the daily lists need: most visits in timescale, a few late.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pytest

from csc_scorecard.synth import casework
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.dates import Workdays


@pytest.fixture(scope="module")
def authority():
    return generate(SynthConfig(size=0.05, first_year=2021, last_year=2022))


@pytest.fixture(scope="module")
def db(authority):
    con = duckdb.connect()
    for name, t in authority.tables.items():
        con.register(name, t)
    return con


def test_cp_review_due_dates_follow_working_together():
    """Plan started 2 Nov 2020 (the ICPC): first review due 3 months later, 2 Feb 2021; held
    17 Jan 2021, so the next is due 6 months after that, 17 Jul 2021; a second plan for the
    same child starting 1 Mar 2022 restarts the 3-month clock: due 1 Jun 2022."""
    reviews = pa.table(
        {
            "child_id": ["A", "A", "A"],
            "plan_start_date": [date(2020, 11, 2), date(2020, 11, 2), date(2022, 3, 1)],
            "review_date": [date(2021, 1, 17), date(2021, 7, 12), date(2022, 5, 20)],
        }
    )
    assert casework.cp_review_due_dates(reviews) == [
        date(2021, 2, 2),
        date(2021, 7, 17),
        date(2022, 6, 1),
    ]


def test_cla_review_due_dates_follow_the_care_planning_regulations():
    """Came into care Mon 4 Jan 2021: 20 working days later is Mon 1 Feb 2021 (no bank holiday
    in between). First review held 29 Jan, so the second is due 3 months on, 29 Apr; held
    3 May (late), so the third is due 6 months after that, 3 Nov 2021. A legal-status change
    (RNE L) is not a new period and does not restart the clock."""
    episodes = pa.table(
        {
            "child_id": ["B", "B"],
            "decom": [date(2021, 1, 4), date(2021, 3, 1)],
            "rne": ["S", "L"],
        }
    )
    reviews = pa.table(
        {
            "child_id": ["B", "B", "B"],
            "review_date": [date(2021, 1, 29), date(2021, 5, 3), date(2021, 10, 30)],
        }
    )
    due = casework.cla_review_due_dates(reviews, episodes, Workdays(2019, 2023))
    assert due == [date(2021, 2, 1), date(2021, 4, 29), date(2021, 11, 3)]


def test_placements_join_episodes_that_only_change_legal_status():
    episodes = pa.table(
        {
            "child_id": ["C", "C", "C"],
            "decom": [date(2021, 1, 4), date(2021, 3, 1), date(2021, 6, 1)],
            "rne": ["S", "L", "P"],
            "dec": [date(2021, 3, 1), date(2021, 6, 1), None],
        }
    )
    assert casework.placements(episodes) == [
        ("C", date(2021, 1, 4), date(2021, 6, 1)),
        ("C", date(2021, 6, 1), None),
    ]


def test_most_cla_visits_are_in_timescale_and_a_few_are_late(db):
    """Reg. 28: within a week of the placement, then at most six weeks apart."""
    late, total = db.execute(
        """WITH v AS (SELECT visit_date - lag(visit_date) OVER w AS gap
                      FROM cla_visits WINDOW w AS (PARTITION BY child_id ORDER BY visit_date))
           SELECT count(*) FILTER (WHERE gap > 42), count(gap) FROM v"""
    ).fetchone()
    assert total > 500
    assert 0.005 < late / total < 0.08


def test_cin_visits_fall_inside_cin_plans(db):
    outside = db.execute(
        """SELECT count(*) FROM cin_visits v WHERE NOT EXISTS (
             SELECT 1 FROM cin_plans p WHERE p.child_id = v.child_id
             AND v.visit_date >= p.start_date
             AND (p.end_date IS NULL OR v.visit_date <= p.end_date))"""
    ).fetchone()[0]
    assert outside == 0
    assert db.execute("SELECT count(*) FROM cin_visits").fetchone()[0] > 500


def test_events_carry_the_worker_and_team_allocated_that_day(db):
    """Every assessment started after the allocation history begins names the worker whose
    allocation was open that day, and that allocation's team."""
    rows = db.execute(
        """SELECT a.worker_id, a.team_id, c.worker_id, c.team_id FROM assessments a
           JOIN case_allocations c ON c.child_id = a.child_id AND c.start_date <= a.start_date
             AND (c.end_date IS NULL OR a.start_date < c.end_date)
           WHERE a.start_date >= DATE '2021-06-01'"""
    ).fetchall()
    assert len(rows) > 100
    assert all(r[0] == r[2] and r[1] == r[3] for r in rows)
    teams = {r[0] for r in db.execute("SELECT team_id FROM teams").fetchall()}
    assert {r[1] for r in rows} <= teams
