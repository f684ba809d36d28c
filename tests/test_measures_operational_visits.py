"""Hand-worked fixture for visits to looked-after children: the `cla_visits_in_timescale`
measure and the looked-after and CIN parts of the `overdue-visits` list, which share one rule
(Care Planning Regulations 2010 reg 28: within 7 days of a placement starting, then within 6
weeks while the last visit fell in the placement's first year, then within 3 months).

Quarter 2022-Q1 ends, and the list date D is, Thursday 30 June 2022.
  V1 placed (RNE S) Mon 27 Jun, not yet visited: due 4 Jul: in timescale.
  V2 placed 1 Jun, never visited: due 8 Jun: 22 days overdue.
  V3 placed 10 Jan 2022, visits 14 Jan and 25 May (first year): due 6 Jul: in timescale.
  V4 placed 10 Jan 2022, visit 18 May: due 29 Jun: 1 day overdue.
  V5 placed 1 Mar 2020; visits 20 Feb 2021 and 5 Apr 2022, the last after the placement's first
     year: due 5 Jul (3 months): in timescale (with 6 weeks it would have been due 17 May).
  V6 placed 1 Mar 2020; a new episode on 20 Jun 2022 changes the legal status only (RNE L), so
     the placement still dates from 2020; visit 20 Apr 2022: due 20 Jul: in timescale. (Were
     RNE L a new placement, a visit would have been due by 27 Jun.)
  V7 in care from 1 Sep 2021, moved (X1, then RNE P) on 10 Jun 2022; the 5 Jun visit was in the
     old placement: due 17 Jun: 13 days overdue.
  V8 placed 1 May 2022, visits 5 May (seen) and 10 Jun (child not seen: not a statutory
     visit): due 16 Jun (5 May + 6 weeks): 14 days overdue.
  V9 a short break (LS V3) from 1 Jun, never visited: not looked after for these purposes.
  cla_visits_in_timescale = V1, V3, V5, V6 of V1-V8 = 4/8 = 50%.

Child in need plans (a visit every 20 working days, the list's local setting):
  N1 plan from 3 May, visit Wed 1 Jun: Jun 6-10 (5), 13-17 (10), 20-24 (15), 27-30 (19), Jul 1
     (20): due 1 Jul: not overdue.
  N2 plan from 1 Apr, visit Fri 20 May: May 23-27 (5), May 30-Jun 1 (8; 2-3 June holidays),
     Jun 6-10 (13), 13-17 (18), 20-21 (20): due 21 Jun: 9 days overdue.

overdue-visits on D: V2 22, V8 14, V7 13, N2 9, V4 1 (no child protection plans here).
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import build, column, columns, load_all
from measure_fixtures import results

Q = "2022-Q1"
OPEN = None
EPISODES = [
    # child, decom, rne, ls, dec, rec
    ("V1", d(2022, 6, 27), "S", "C2", OPEN, None),
    ("V2", d(2022, 6, 1), "S", "C2", OPEN, None),
    ("V3", d(2022, 1, 10), "S", "C2", OPEN, None),
    ("V4", d(2022, 1, 10), "S", "C2", OPEN, None),
    ("V5", d(2020, 3, 1), "S", "C2", OPEN, None),
    ("V6", d(2020, 3, 1), "S", "C2", d(2022, 6, 20), "X1"),
    ("V6", d(2022, 6, 20), "L", "C1", OPEN, None),
    ("V7", d(2021, 9, 1), "S", "C2", d(2022, 6, 10), "X1"),
    ("V7", d(2022, 6, 10), "P", "C2", OPEN, None),
    ("V8", d(2022, 5, 1), "S", "C2", OPEN, None),
    ("V9", d(2022, 6, 1), "S", "V3", OPEN, None),
]
CLA_VISITS = [
    # child, date, seen
    ("V3", d(2022, 1, 14), True),
    ("V3", d(2022, 5, 25), True),
    ("V4", d(2022, 5, 18), True),
    ("V5", d(2021, 2, 20), True),
    ("V5", d(2022, 4, 5), True),
    ("V6", d(2022, 4, 20), None),
    ("V7", d(2022, 6, 5), True),
    ("V8", d(2022, 5, 5), True),
    ("V8", d(2022, 6, 10), False),
]


@pytest.fixture
def store(store):
    load_all(
        store,
        {
            "cla_episodes": canonical(
                "cla_episodes",
                **columns(EPISODES, ["child_id", "decom", "rne", "ls", "dec", "rec"]),
            ),
            "cla_visits": canonical(
                "cla_visits", **columns(CLA_VISITS, ["child_id", "visit_date", "seen"])
            ),
            "cin_plans": canonical(
                "cin_plans", child_id=["N1", "N2"], start_date=[d(2022, 5, 3), d(2022, 4, 1)]
            ),
            "cin_visits": canonical(
                "cin_visits", child_id=["N1", "N2"], visit_date=[d(2022, 6, 1), d(2022, 5, 20)]
            ),
        },
    )
    return store


def test_cla_visits_in_timescale(store):
    assert results(store, ["cla_visits_in_timescale"], Q)[("cla_visits_in_timescale", Q, None)] == (
        50.0,
        4,
        8,
    )


def test_overdue_visits_for_looked_after_children_and_cin_plans(store):
    r = build(store, "overdue-visits")
    assert column(r, "child_id") == ["V2", "V8", "V7", "N2", "V4"]
    assert column(r, "kind") == ["CLA", "CLA", "CLA", "CIN", "CLA"]
    assert column(r, "days_overdue") == [22, 14, 13, 9, 1]
    assert column(r, "since")[:3] == [d(2022, 6, 1), d(2022, 5, 1), d(2022, 6, 10)]
    assert column(r, "last_visit")[:3] == [None, d(2022, 5, 5), None]
    # the fixture loads no child protection plans or visits: that part is left out, and said
    assert r.notes == (
        "child protection visits left out: no cp_visits rows in the store for this authority",
    )
