"""`overdue-visits`, child protection part, on a hand-made authority (D = Thursday 30 June 2022;
a visit is due 10 working days after the latest visit on or after the plan start, else after
the plan start; a child is listed when that due date is before D).

  P1 C1 plan from 3 May; visited Fri 10 Jun: Jun 13-17 (5), 20-24 (10): due 24 Jun, 6 days over.
  P2 C2 plan from Mon 20 Jun, no visit: Jun 21-24 (4), 27-30 (8), Jul 1 (9), Jul 4 (10): due
     4 July, not overdue.
  P3 C3 plan from 10 Jan; visited Thu 16 Jun: Jun 17 (1), 20-24 (6), 27-30 (10): due on D
     itself, not overdue.
  P4 C4 plan from 10 Jan; visited Wed 15 Jun: Jun 16-17 (2), 20-24 (7), 27-29 (10): due 29 Jun,
     1 day over.
  P5 C5 plan 1 Apr - 30 Jun: ends on D, not open: not listed.
  P6 C6 plan from Fri 20 May; a visit on 1 May was before the plan (ignored): May 23-27 (5),
     May 30-Jun 1 (8), Jun 6 (9), Jun 7 (10): due 7 Jun, 23 days over.
  P7 C7 plan from 20 May; only visit 1 July, after D (ignored): due 7 Jun, 23 days over.
C4 is allocated to W2 (team Beta), C1 and C6 to W1 (Alpha).

Expected (most overdue first; C6 and C7 tie, child id decides): C6, C7, C1, C4.
No looked-after or CIN visits are loaded: those parts are left out and the list says so.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import allocations, build, column, columns, load_all

PLANS = [
    ("C1", d(2022, 5, 3), None),
    ("C2", d(2022, 6, 20), None),
    ("C3", d(2022, 1, 10), None),
    ("C4", d(2022, 1, 10), None),
    ("C5", d(2022, 4, 1), d(2022, 6, 30)),
    ("C6", d(2022, 5, 20), None),
    ("C7", d(2022, 5, 20), None),
]
VISITS = [
    ("C1", d(2022, 6, 10)),
    ("C3", d(2022, 6, 16)),
    ("C4", d(2022, 6, 15)),
    ("C6", d(2022, 5, 1)),
    ("C7", d(2022, 7, 1)),
]


@pytest.fixture
def store(store):
    load_all(
        store,
        {
            "cp_plans": canonical(
                "cp_plans", **columns(PLANS, ["child_id", "start_date", "end_date"])
            ),
            "cp_visits": canonical("cp_visits", **columns(VISITS, ["child_id", "visit_date"])),
            **allocations(
                [
                    ("C1", "W1", d(2022, 5, 3), None),
                    ("C4", "W2", d(2022, 1, 10), None),
                    ("C6", "W1", d(2022, 5, 20), None),
                ]
            ),
        },
    )
    return store


def test_cp_visits_overdue(store):
    r = build(store, "overdue-visits")
    assert r.count == 4
    assert column(r, "child_id") == ["C6", "C7", "C1", "C4"]
    assert column(r, "kind") == ["CP"] * 4
    assert column(r, "due_date") == [d(2022, 6, 7), d(2022, 6, 7), d(2022, 6, 24), d(2022, 6, 29)]
    assert column(r, "days_overdue") == [23, 23, 6, 1]
    assert column(r, "last_visit") == [None, None, d(2022, 6, 10), d(2022, 6, 15)]
    assert column(r, "team_name") == ["Alpha", None, "Alpha", "Beta"]
    assert any("looked-after visits left out" in n for n in r.notes)
    assert any("CIN visits left out" in n for n in r.notes)


def test_cp_visit_interval_is_a_setting(store):
    """Every 15 working days: C6 and C7 due 14 June (16 days over); C1, C3, C4 not yet due."""
    r = build(store, "overdue-visits", cp_visit_working_days=15)
    assert column(r, "child_id") == ["C6", "C7"]
    assert column(r, "days_overdue") == [16, 16]
    assert column(build(store, "overdue-visits", team="Beta"), "child_id") == ["C4"]
