"""Hand-worked fixture for the operational measures (measures/catalogue/80_operational.yaml).

Quarter 2022-Q1 = 1 April to 30 June 2022 (a Thursday); 2021-Q4 = January to March 2022. Bank
holidays in play: 27-28 Dec 2021, 3 Jan, 15 and 18 Apr (Easter), 2 May, 2-3 Jun 2022.

Child protection review conferences, held in timescale (first due 3 months after the plan
start, then 6 months after the review before):
  K1 plan from 10 Jan 2022: review 8 Apr (due 10 Apr): on time.
  K2 plan from 5 Jan 2022: review 6 Apr (due 5 Apr): late.
  K3 plan from 1 Jun 2021: reviews 1 Sep 2021 (due 1 Sep), 1 Mar 2022 (due 1 Mar), 15 May
     (due 1 Sep): all on time.
  K4 plan 1 Oct 2021 - 30 Apr 2022: review 4 Jan 2022 (due 1 Jan: late); one on 10 May is
     after the plan ended and belongs to no plan.
  K5 plan from 1 Nov 2021: review 20 Apr 2022 with no plan start recorded, matched by date;
     it is the first, due 1 Feb: late.
  K6 plan from 15 Dec 2021: reviews 10 Mar (due 15 Mar) and 30 Jun (due 10 Sep): on time.
  K7 plan 25 Jan - 31 May 2022: review 21 Apr; worked out it was due 25 Apr, but the source records
     it as due 19 Apr (the SSD's review due date), and the recorded date wins: late.
  cp_reviews_held_in_timescale Q1: K1 on, K2 late, K3 15 May on, K5 late, K6 30 Jun on, K7 late
    = 3/6 = 50%. Q4: K4 late, K3 1 Mar on, K6 on = 2/3.

Looked-after reviews, held in timescale (first by the 20th working day of the period of care,
second 3 months after the first, then 6-monthly). The store's earliest review (the history
horizon) is J3's on 1 Dec 2021.
  J1 in care from Tue 1 Mar 2022: first due 29 Mar (Mar 2-4 = 3, 7-11 = 8, 14-18 = 13,
     21-25 = 18, 28-29 = 20), held 29 Mar: on time (Q4); second due 29 Jun, held 30 Jun: late.
  J2 in care from Mon 4 Apr: first due 5 May by the rule (Apr 5-8 = 4, 11-14 = 8, 19-22 = 12,
     25-29 = 17, May 3-5 = 20), held 6 May; the source records it as due 6 May (the SSD's due
     date), which wins: on time.
  J3 in care from 1 Jun 2019, before the history: its first review in the store (1 Dec 2021)
     cannot be judged; the next, 25 May 2022, is taken as due 6 months on, 1 Jun: on time.
  J4 in care from Mon 6 Dec 2021 (episode ended 1 Feb with X1, new placement RNE P: one period
     of care): first due 6 Jan (Dec 7-10 = 4, 13-17 = 9, 20-24 = 14, 29-31 = 17, Jan 4-6 = 20),
     held 5 Jan: on time (Q4); second due 5 Apr, held 5 Apr: on time.
  J5 a short break (LS V3) from 1 Apr with a review on 20 Apr: not counted.
  cla_reviews_held_in_timescale Q1: J1 late, J2 on, J3 on, J4 on = 3/4 = 75%. Q4: J4 5 Jan
    and J1 29 Mar, both on time = 2/2 = 100%.

Allocated social workers at 30 June 2022 (W1, W2 qualified; F1 a family support worker, not
qualified; W9 has no worker record). An allocation ending on 30 June is handed over that day.
  CP cohort (plans open at 30 Jun): K1 W1 yes; K2 F1 only: no; K3 W2 until 30 Jun: no; K5 W9
    (qualification unknown): no; K6 W1 from 30 Jun: yes = 2/5 = 40%. K4 ended 30 Apr.
  CLA cohort (J5 is a short break): J1 W1 yes, J2 W2 yes, J3 F1 (W2 until 1 May): no, J4 W1
    yes = 3/4 = 75%.
  CIN cohort (open episodes of need at 30 Jun): K1 yes, K2 no (F1), R3 W2 yes = 2/3; R1 is a
    no-further-action referral and R2 closed on 30 June. Counting any worker (qualified_only
    off): 3/3.

Worker changes in the 12 months to 30 June 2022 (allocations starting after 30 Jun 2021 up to
30 Jun 2022 that were not the child's first allocation):
  K1, K2, K5, J1 one allocation each: 0. K6 W2 then W1 from 30 Jun: 1. J2 W2, W1 from 1 May,
  W2 from 1 Jun: 2. J3 W2 then F1 from 1 May: 1. J4 W2 then W1 from 1 Feb: 1. R3 W1 then W2
  from 30 Jun 2021, exactly 12 months before: not in the window, 0. K3 is not allocated at the
  end. worker_changes_per_child = 5 changes / 9 children = 0.556.

Contacts becoming referrals (the earliest referral of the child on or after the contact and
within 30 days; working days after the contact up to the referral, same day 0):
  X1 Fri 1 Apr -> 1 Apr: 0.  X2 Thu 14 Apr -> Tue 19 Apr: 1 (Easter).  X3 Fri 27 May -> Mon 6
  Jun: 4 (Jubilee).  X4 Wed 1 Jun -> Mon 6 Jun: 1.  X5 Mon 20 Jun -> Thu 23 Jun: 3.  X9 Wed 29
  Jun -> 30 Jun and 5 Jul: the earliest, 1.  Not counted: X6 (no referral), X7 (referral 45
  days later), X8 (contact 31 Mar, in Q4), X10 (referral only before the contact).
  Within 1 working day: X1, X2, X4, X9 = 4/6; within 3: also X5 = 5/6.

Early help episodes open at the quarter end (start on or before, no closure on or before):
  E1 from 1 Jan 2022 open, and a second from 1 May (one child); E2 1 Mar - 30 Jun 2022; E3 from
  1 Jul; E4 1 May 2021 - 15 Jul 2022; E5 from 30 Jun 2022; E6 1 Jan 2021 - 10 Apr 2022.
  30 June: E1, E4, E5 = 3. 31 March: E1, E2, E4, E6 = 4.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import columns
from measure_fixtures import load, results, with_settings

Q, Q4 = "2022-Q1", "2021-Q4"
OPEN = None


PLANS = [
    ("K1", d(2022, 1, 10), OPEN),
    ("K2", d(2022, 1, 5), OPEN),
    ("K3", d(2021, 6, 1), OPEN),
    ("K4", d(2021, 10, 1), d(2022, 4, 30)),
    ("K5", d(2021, 11, 1), OPEN),
    ("K6", d(2021, 12, 15), OPEN),
    ("K7", d(2022, 1, 25), d(2022, 5, 31)),
]
CP_REVIEWS = [
    # child, plan start, review, due date recorded by the source
    ("K1", d(2022, 1, 10), d(2022, 4, 8), None),
    ("K2", d(2022, 1, 5), d(2022, 4, 6), None),
    ("K3", d(2021, 6, 1), d(2021, 9, 1), None),
    ("K3", d(2021, 6, 1), d(2022, 3, 1), None),
    ("K3", d(2021, 6, 1), d(2022, 5, 15), None),
    ("K4", d(2021, 10, 1), d(2022, 1, 4), None),
    ("K4", d(2021, 10, 1), d(2022, 5, 10), None),
    ("K5", None, d(2022, 4, 20), None),
    ("K6", d(2021, 12, 15), d(2022, 3, 10), None),
    ("K6", d(2021, 12, 15), d(2022, 6, 30), None),
    ("K7", d(2022, 1, 25), d(2022, 4, 21), d(2022, 4, 19)),
]
EPISODES = [
    # child, decom, rne, ls, dec, rec
    ("J1", d(2022, 3, 1), "S", "C2", OPEN, None),
    ("J2", d(2022, 4, 4), "S", "C2", OPEN, None),
    ("J3", d(2019, 6, 1), "S", "C2", OPEN, None),
    ("J4", d(2021, 12, 6), "S", "V2", d(2022, 2, 1), "X1"),
    ("J4", d(2022, 2, 1), "P", "V2", OPEN, None),
    ("J5", d(2022, 4, 1), "S", "V3", OPEN, None),
]
CLA_REVIEWS = [
    # child, review, due date recorded by the source
    ("J1", d(2022, 3, 29), None),
    ("J1", d(2022, 6, 30), None),
    ("J2", d(2022, 5, 6), d(2022, 5, 6)),
    ("J3", d(2021, 12, 1), None),
    ("J3", d(2022, 5, 25), None),
    ("J4", d(2022, 1, 5), None),
    ("J4", d(2022, 4, 5), None),
    ("J5", d(2022, 4, 20), None),
]
ALLOCATIONS = [
    ("K1", "W1", d(2022, 1, 10), OPEN),
    ("K2", "F1", d(2022, 1, 5), OPEN),
    ("K3", "W2", d(2021, 6, 1), d(2022, 6, 30)),
    ("K5", "W9", d(2021, 11, 1), OPEN),
    ("K6", "W2", d(2021, 12, 15), d(2022, 6, 30)),
    ("K6", "W1", d(2022, 6, 30), OPEN),
    ("J1", "W1", d(2022, 3, 1), OPEN),
    ("J2", "W2", d(2022, 4, 4), d(2022, 5, 1)),
    ("J2", "W1", d(2022, 5, 1), d(2022, 6, 1)),
    ("J2", "W2", d(2022, 6, 1), OPEN),
    ("J3", "W2", d(2019, 6, 1), d(2022, 5, 1)),
    ("J3", "F1", d(2022, 5, 1), OPEN),
    ("J4", "W2", d(2021, 12, 6), d(2022, 2, 1)),
    ("J4", "W1", d(2022, 2, 1), OPEN),
    ("R3", "W1", d(2020, 1, 1), d(2021, 6, 30)),
    ("R3", "W2", d(2021, 6, 30), OPEN),
]
REFERRALS = [
    # child, referral, nfa, closure
    ("K1", d(2022, 1, 3), False, OPEN),
    ("K2", d(2022, 1, 3), False, OPEN),
    ("R1", d(2022, 6, 1), True, OPEN),
    ("R2", d(2022, 1, 3), False, d(2022, 6, 30)),
    ("R3", d(2020, 1, 1), False, OPEN),
    # the contacts' referrals, each closed the day it was made
    ("X1", d(2022, 4, 1), False, d(2022, 4, 1)),
    ("X2", d(2022, 4, 19), False, d(2022, 4, 19)),
    ("X3", d(2022, 6, 6), False, d(2022, 6, 6)),
    ("X4", d(2022, 6, 6), False, d(2022, 6, 6)),
    ("X5", d(2022, 6, 23), False, d(2022, 6, 23)),
    ("X7", d(2022, 5, 20), False, d(2022, 5, 20)),
    ("X8", d(2022, 4, 1), False, d(2022, 4, 1)),
    ("X9", d(2022, 6, 30), False, d(2022, 6, 30)),
    ("X9", d(2022, 7, 5), False, d(2022, 7, 5)),
    ("X10", d(2022, 6, 1), False, d(2022, 6, 1)),
]
CONTACTS = [
    ("X1", d(2022, 4, 1)),
    ("X2", d(2022, 4, 14)),
    ("X3", d(2022, 5, 27)),
    ("X4", d(2022, 6, 1)),
    ("X5", d(2022, 6, 20)),
    ("X6", d(2022, 6, 10)),
    ("X7", d(2022, 4, 5)),
    ("X8", d(2022, 3, 31)),
    ("X9", d(2022, 6, 29)),
    ("X10", d(2022, 6, 15)),
]
EARLY_HELP = [
    ("E1", d(2022, 1, 1), OPEN),
    ("E1", d(2022, 5, 1), OPEN),
    ("E2", d(2022, 3, 1), d(2022, 6, 30)),
    ("E3", d(2022, 7, 1), OPEN),
    ("E4", d(2021, 5, 1), d(2022, 7, 15)),
    ("E5", d(2022, 6, 30), OPEN),
    ("E6", d(2021, 1, 1), d(2022, 4, 10)),
]


@pytest.fixture
def operational(store):
    load(
        store,
        {
            "cp_plans": canonical(
                "cp_plans", **columns(PLANS, ["child_id", "start_date", "end_date"])
            ),
            "cp_reviews": canonical(
                "cp_reviews",
                **columns(CP_REVIEWS, ["child_id", "plan_start_date", "review_date", "due_date"]),
            ),
            "cla_episodes": canonical(
                "cla_episodes",
                **columns(EPISODES, ["child_id", "decom", "rne", "ls", "dec", "rec"]),
            ),
            "cla_reviews": canonical(
                "cla_reviews", **columns(CLA_REVIEWS, ["child_id", "review_date", "due_date"])
            ),
            "case_allocations": canonical(
                "case_allocations",
                **columns(ALLOCATIONS, ["child_id", "worker_id", "start_date", "end_date"]),
            ),
            "workers": canonical(
                "workers", worker_id=["W1", "W2", "F1"], qualified=[True, True, False]
            ),
            "referrals": canonical(
                "referrals",
                **columns(REFERRALS, ["child_id", "referral_date", "referral_nfa", "closure_date"]),
            ),
            "contacts": canonical(
                "contacts",
                **columns(CONTACTS, ["child_id", "contact_date"]),
                contact_source=["10"] * 10,
            ),
            "early_help_episodes": canonical(
                "early_help_episodes",
                **columns(EARLY_HELP, ["child_id", "assessment_start_date", "closure_date"]),
            ),
        },
    )
    return store


def test_reviews_held_in_timescale(operational):
    ids = ["cp_reviews_held_in_timescale", "cla_reviews_held_in_timescale"]
    r = results(operational, ids, f"{Q4},{Q}")
    assert r[("cp_reviews_held_in_timescale", Q, None)] == (50.0, 3, 6)
    assert r[("cp_reviews_held_in_timescale", Q4, None)][1:] == (2, 3)
    assert r[("cla_reviews_held_in_timescale", Q, None)] == (75.0, 3, 4)
    assert r[("cla_reviews_held_in_timescale", Q4, None)] == (100.0, 2, 2)


def test_children_with_an_allocated_social_worker(operational):
    ids = [
        "cp_children_allocated_social_worker",
        "cla_children_allocated_social_worker",
        "cin_children_allocated_social_worker",
    ]
    r = results(operational, ids, Q)
    assert r[("cp_children_allocated_social_worker", Q, None)] == (40.0, 2, 5)
    assert r[("cla_children_allocated_social_worker", Q, None)] == (75.0, 3, 4)
    assert r[("cin_children_allocated_social_worker", Q, None)][1:] == (2, 3)
    assert with_settings(
        operational, "cin_children_allocated_social_worker", qualified_only=False
    ) == (100.0, 3, 3)


def test_worker_changes_per_child(operational):
    value, changes, children = results(operational, ["worker_changes_per_child"], Q)[
        ("worker_changes_per_child", Q, None)
    ]
    assert (changes, children) == (5, 9)
    assert value == pytest.approx(5 / 9)


def test_contacts_to_referral(operational):
    ids = [
        "contacts_to_referral_within_1_working_day",
        "contacts_to_referral_within_3_working_days",
    ]
    r = results(operational, ids, Q)
    assert r[("contacts_to_referral_within_1_working_day", Q, None)][1:] == (4, 6)
    assert r[("contacts_to_referral_within_3_working_days", Q, None)][1:] == (5, 6)


def test_early_help_open_at_period_end(operational):
    r = results(operational, ["early_help_open_at_period_end"], f"{Q4},{Q}")
    assert r[("early_help_open_at_period_end", Q, None)][0] == 3
    assert r[("early_help_open_at_period_end", Q4, None)][0] == 4
