"""`open-assessments` on a hand-made authority (list date D = Thursday 30 June 2022).

Assessments (child: episode start, assessment start, authorised):
  C1 3 May 2022, 3 May, open. 58 days; working days after 3 May to 30 June: May 4-6 (3),
     9-13 (8), 16-20 (13), 23-27 (18), May 30-Jun 1 (21; 2-3 June are holidays), Jun 6-10 (26),
     13-17 (31), 20-24 (36), 27-30 (40) = 40: within 45.
  C2 1 Mar, 1 Mar, open. 121 days; Mar 2-31 = 22, April = 19 (Good Friday, Easter Monday out;
     41), May = 21 (May Day out; 62), June = 20 (Jubilee out; 82) = 82: beyond 45.
  C3 29 Jun, 30 Jun (the list date), open: 0 days, 0 working days.
  C4 1 May, 1 May, authorised 30 Jun (on the date): not open.
  C5 1 Jun, 1 Jun, authorised 1 Jul (after the date): open, 29 days; Jun 6-10 (5), 13-17 (10),
     20-24 (15), 27-30 (19) = 19.
  C6 1 Nov 2021, 10 Jun 2022: the episode had been open more than six months when the
     assessment began (six months before 10 June is 10 December): a re-assessment, left out.
  C7 10 Dec 2021, 10 Jun 2022: exactly six months, not more: kept. 20 days; 14 working days.
  C8 1 Jul, 1 Jul: starts after the date, not open.
Worker and team: the assessment's own where recorded (the SSD's assessment worker and team),
else the allocation on D and the team holding the case, else the worker's post team.
  C1 the assessment records W2 of team Beta: that wins over the allocation to W1.
  C2 W2 until 30 June (handover on D, so not W2's) then W1 from 30 June: W1, post team Alpha.
  C5 allocated to W2 (post team Beta) with the case held by team Alpha: W2, Alpha.
  C7 the assessment records W1 and no team: W1's post team, Alpha.
  C3 no worker anywhere.

Expected (longest open first): C2 82 W1 Alpha, C1 40 W2 Beta, C5 19 W2 Alpha, C7 14 W1 Alpha,
C3 0. Team Alpha: C2, C5, C7. Worker W2: C1, C5.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import allocations, build, column, columns, load_all

ASSESSMENTS = [
    # child, episode start, start, authorised, worker and team recorded on the assessment
    ("C1", d(2022, 5, 3), d(2022, 5, 3), None, "W2", "T2"),
    ("C2", d(2022, 3, 1), d(2022, 3, 1), None, None, None),
    ("C3", d(2022, 6, 29), d(2022, 6, 30), None, None, None),
    ("C4", d(2022, 5, 1), d(2022, 5, 1), d(2022, 6, 30), None, None),
    ("C5", d(2022, 6, 1), d(2022, 6, 1), d(2022, 7, 1), None, None),
    ("C6", d(2021, 11, 1), d(2022, 6, 10), None, None, None),
    ("C7", d(2021, 12, 10), d(2022, 6, 10), None, "W1", None),
    ("C8", d(2022, 7, 1), d(2022, 7, 1), None, None, None),
]


@pytest.fixture
def store(store):
    load_all(
        store,
        {
            "assessments": canonical(
                "assessments",
                **columns(
                    ASSESSMENTS,
                    [
                        "child_id",
                        "referral_date",
                        "start_date",
                        "authorised_date",
                        "worker_id",
                        "team_id",
                    ],
                ),
            ),
            **allocations(
                [
                    ("C1", "W1", d(2022, 5, 3), None, None),
                    ("C2", "W2", d(2022, 3, 1), d(2022, 6, 30), None),
                    ("C2", "W1", d(2022, 6, 30), None, None),
                    ("C5", "W2", d(2022, 6, 1), None, "T1"),
                ]
            ),
        },
    )
    return store


def test_open_assessments_longest_first(store):
    r = build(store, "open-assessments")
    assert r.count == 5
    assert column(r, "child_id") == ["C2", "C1", "C5", "C7", "C3"]
    assert column(r, "working_days_open") == [82, 40, 19, 14, 0]
    assert column(r, "days_open") == [121, 58, 29, 20, 0]
    assert column(r, "beyond_timescale") == [True, False, False, False, False]
    assert column(r, "worker_id") == ["W1", "W2", "W2", "W1", None]
    assert column(r, "team_name") == ["Alpha", "Beta", "Alpha", "Alpha", None]
    assert r.notice == "child-level, not for publication"
    assert r.heading() == "Open single assessments, authority 999, 30 June 2022: 5 rows"


def test_open_assessments_by_team_and_worker(store):
    assert column(build(store, "open-assessments", team="Alpha"), "child_id") == ["C2", "C5", "C7"]
    assert column(build(store, "open-assessments", team="T1"), "child_id") == ["C2", "C5", "C7"]
    assert column(build(store, "open-assessments", worker="W2"), "child_id") == ["C1", "C5"]


def test_reassessment_window_is_a_setting(store):
    """With 8 months, C6 (episode from 1 Nov 2021, over 7 months before 10 June) is kept:
    20 days, 14 working days, ranked beside C7 by child id."""
    r = build(store, "open-assessments", reassessment_months=8)
    assert column(r, "child_id") == ["C2", "C1", "C5", "C6", "C7", "C3"]
