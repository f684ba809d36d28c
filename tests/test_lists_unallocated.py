"""`unallocated` on a hand-made authority (D = Thursday 30 June 2022).

  C1 episode of need from 1 May, allocated to W1: not listed.
  C2 episode from 1 Apr; W2 held it 1 Apr - 20 Jun: unallocated since 20 Jun, 10 days (CIN);
     last worker W2 (team Beta).
  C3 episode from 20 May and a CP plan from 1 Jun, never allocated: CP, open since 20 May,
     41 days.
  C4 looked after from 1 Jan; W1 held it until 30 Jun, the handover day (so not on D) with no
     one after: CLA, unallocated since 30 Jun, 0 days; last worker W1 (Alpha).
  C5 a no-further-action referral on 1 Jun with no closure: no open episode.
  C6 episode 1 Jan 2021 - 30 Jun 2022: closed on D, not open.
  C7 episode from 1 Jun; W1's allocation starts 1 Jul: unallocated since 1 Jun, 29 days (CIN).
  C8 episode from 1 Mar; W2 held an earlier episode until 1 Jun 2021: unallocated since the
     episode began (the later of the two), 1 Mar, 121 days (CIN); last worker W2.

Expected (CP, then CLA, then CIN; longest first): C3, C4, C8, C7, C2. Team Beta (the last
worker's team): C8, C2.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import allocations, build, column, load_all


@pytest.fixture
def store(store):
    load_all(
        store,
        {
            "referrals": canonical(
                "referrals",
                child_id=["C1", "C2", "C3", "C5", "C6", "C7", "C8"],
                referral_date=[
                    d(2022, 5, 1),
                    d(2022, 4, 1),
                    d(2022, 5, 20),
                    d(2022, 6, 1),
                    d(2021, 1, 1),
                    d(2022, 6, 1),
                    d(2022, 3, 1),
                ],
                referral_nfa=[False, False, False, True, False, False, False],
                closure_date=[None, None, None, None, d(2022, 6, 30), None, None],
            ),
            "cp_plans": canonical("cp_plans", child_id=["C3"], start_date=[d(2022, 6, 1)]),
            "cla_episodes": canonical(
                "cla_episodes", child_id=["C4"], decom=[d(2022, 1, 1)], rne=["S"], ls=["C2"]
            ),
            **allocations(
                [
                    ("C1", "W1", d(2022, 5, 1), None),
                    ("C2", "W2", d(2022, 4, 1), d(2022, 6, 20)),
                    ("C4", "W1", d(2022, 1, 1), d(2022, 6, 30)),
                    ("C7", "W1", d(2022, 7, 1), None),
                    ("C8", "W2", d(2021, 1, 1), d(2021, 6, 1)),
                ]
            ),
        },
    )
    return store


def test_unallocated_children(store):
    r = build(store, "unallocated")
    assert r.count == 5
    assert column(r, "child_id") == ["C3", "C4", "C8", "C7", "C2"]
    assert column(r, "status") == ["CP", "CLA", "CIN", "CIN", "CIN"]
    assert column(r, "days_unallocated") == [41, 0, 121, 29, 10]
    assert column(r, "last_worker_id") == [None, "W1", "W2", None, "W2"]
    assert column(r, "team_name") == [None, "Alpha", "Beta", None, "Beta"]
    assert column(r, "worker_id") == [None] * 5


def test_unallocated_by_last_team(store):
    assert column(build(store, "unallocated", team="Beta"), "child_id") == ["C8", "C2"]
