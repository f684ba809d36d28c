"""Hand-worked fixture for referrals decided within 1 and 3 working days (catalogue
80_operational.yaml; the decision date is a local definition, docs/frameworks.md "Decisions at
the front door").

The decision is the earliest of the referral's assessment start, section 47 enquiry start and
closure (a no-further-action referral with no closure date: the referral date). Working days
after the referral up to and including the decision; the same day is 0. Bank holidays in play:
15 and 18 Apr (Easter), 2 May, 2-3 Jun 2022.

Quarter 2022-Q1 = 1 April to 30 June 2022. Referrals (child, date -> decision):
  F1  Mon 4 Apr, assessment of that episode 4 Apr: 0.
  F2  Thu 14 Apr, assessment Tue 19 Apr (Easter between): 1.
  F3  Fri 29 Apr, section 47 enquiry Wed 4 May (Tue 3 = 1, Wed 4 = 2) and an assessment
      Thu 5 May: the enquiry is earlier, 2.
  F4  Wed 1 Jun, no further action, closed 1 Jun: 0.
  F5  Tue 7 Jun, no further action, no closure recorded: decided on the day, 0.
  F6  Wed 1 Jun, assessment Thu 9 Jun (2-3 Jun bank holidays; Mon 6 = 1 ... Thu 9 = 4): 4.
  F7  Mon 13 Jun, open, no step yet: no decision (in the denominator, not in time).
  F8  Mon 20 Jun, an assessment Tue 21 Jun that records no episode (Annex A): it follows the
      referral and the episode is open, so it is this referral's: 1.
  F9  Wed 15 Jun (closed Mon 20 Jun, no assessment): Thu 16 = 1, Fri 17 = 2, Mon 20 = 3.
      F9's earlier referral of Tue 1 Mar (Q4) had its assessment Wed 2 Mar: 1 (Q4).
  F10 Mon 4 Apr, closed Fri 29 Apr with no step: Apr 5-8 = 4, 11-14 = 8, 19-22 = 12, 25-29 =
      17. F10's next referral Tue 10 May has its assessment (recorded for the 10 May episode)
      Wed 11 May: 1 for 10 May; the assessment is not the 4 Apr referral's.
  F11 Mon 9 May, open, no step; F11's next referral Mon 16 May is followed by an assessment
      recording no episode on Tue 17 May: it comes after the next referral, so it is the 16 May
      referral's (1), and 9 May has no decision.
  F12 Thu 30 Jun, section 47 enquiry Fri 1 Jul: 1 (the referral is in the quarter; its
      decision may fall after it).
  F13 Thu 31 Mar, open, no step: Q4, no decision.

Q1: 14 referrals (F1-F9, F10 twice, F11 twice, F12).
  Within 1 working day: F1, F2, F4, F5, F8, F10 (10 May), F11 (16 May), F12 = 8/14 = 57.1%.
  Within 3: also F3 (2) and F9 (3) = 10/14 = 71.4%.
  Not within 3: F6 (4), F7 (none), F10 (4 Apr, 17), F11 (9 May, none) = 4/14 = 28.6%.
Q4: F9 (1 Mar, 1) and F13 (none): within 1 working day 1/2.

Counting only assessments (decided_by: [assessment]): F1, F2, F3 (Thu 5 May = 3), F8,
F10 (10 May), F11 (16 May) within 3 = 6/14; F4, F5, F9 and F12 then have no decision.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from lists_fixtures import columns
from measure_fixtures import LA, load, results, with_settings

from csc_scorecard.measures.members import members

Q, Q4 = "2022-Q1", "2021-Q4"
OPEN = None

REFERRALS = [
    # child, referral, nfa, closure
    ("F1", d(2022, 4, 4), False, OPEN),
    ("F2", d(2022, 4, 14), False, OPEN),
    ("F3", d(2022, 4, 29), False, OPEN),
    ("F4", d(2022, 6, 1), True, d(2022, 6, 1)),
    ("F5", d(2022, 6, 7), True, OPEN),
    ("F6", d(2022, 6, 1), False, OPEN),
    ("F7", d(2022, 6, 13), False, OPEN),
    ("F8", d(2022, 6, 20), False, OPEN),
    ("F9", d(2022, 3, 1), False, d(2022, 3, 20)),
    ("F9", d(2022, 6, 15), False, d(2022, 6, 20)),
    ("F10", d(2022, 4, 4), False, d(2022, 4, 29)),
    ("F10", d(2022, 5, 10), False, OPEN),
    ("F11", d(2022, 5, 9), False, OPEN),
    ("F11", d(2022, 5, 16), False, OPEN),
    ("F12", d(2022, 6, 30), False, OPEN),
    ("F13", d(2022, 3, 31), False, OPEN),
]
ASSESSMENTS = [
    # child, episode (referral date; None = not recorded, as in Annex A), start
    ("F1", d(2022, 4, 4), d(2022, 4, 4)),
    ("F2", d(2022, 4, 14), d(2022, 4, 19)),
    ("F3", d(2022, 4, 29), d(2022, 5, 5)),
    ("F6", d(2022, 6, 1), d(2022, 6, 9)),
    ("F8", None, d(2022, 6, 21)),
    ("F9", d(2022, 3, 1), d(2022, 3, 2)),
    ("F10", d(2022, 5, 10), d(2022, 5, 11)),
    ("F11", None, d(2022, 5, 17)),
]
SECTION47S = [
    ("F3", d(2022, 4, 29), d(2022, 5, 4)),
    ("F12", d(2022, 6, 30), d(2022, 7, 1)),
]
WITHIN_1 = "referrals_decided_within_1_working_day"
WITHIN_3 = "referrals_decided_within_3_working_days"
BEYOND_3 = "referrals_not_decided_within_3_working_days"


@pytest.fixture
def front_door(store):
    load(
        store,
        {
            "referrals": canonical(
                "referrals",
                **columns(REFERRALS, ["child_id", "referral_date", "referral_nfa", "closure_date"]),
            ),
            "assessments": canonical(
                "assessments", **columns(ASSESSMENTS, ["child_id", "referral_date", "start_date"])
            ),
            "section47s": canonical(
                "section47s", **columns(SECTION47S, ["child_id", "referral_date", "start_date"])
            ),
        },
    )
    return store


def test_referrals_decided_within_working_days(front_door):
    r = results(front_door, [WITHIN_1, WITHIN_3, BEYOND_3], f"{Q4},{Q}")
    assert r[(WITHIN_1, Q, None)][1:] == (8, 14)
    assert r[(WITHIN_1, Q, None)][0] == pytest.approx(100 * 8 / 14)
    assert r[(WITHIN_3, Q, None)][1:] == (10, 14)
    assert r[(BEYOND_3, Q, None)][1:] == (4, 14)
    assert r[(WITHIN_1, Q4, None)][1:] == (1, 2)


def test_the_steps_that_decide_are_a_setting(front_door):
    assert with_settings(front_door, WITHIN_3, decided_by=["assessment"])[1:] == (6, 14)
    with pytest.raises(ValueError, match="unknown steps"):
        with_settings(front_door, WITHIN_3, decided_by=["assessment", "strategy"])


def test_the_drill_down_names_the_step_that_decided(front_door):
    rows = members(front_door, LA, WITHIN_3, Q).to_pylist()
    by_referral = {(x["subject_id"], x["referral_date"]): x for x in rows}
    assert len(rows) == 14
    f3 = by_referral[("F3", d(2022, 4, 29))]
    assert (f3["decided_by"], f3["decision_date"], f3["working_days"]) == (
        "section 47 enquiry",
        d(2022, 5, 4),
        2,
    )
    assert by_referral[("F5", d(2022, 6, 7))]["decided_by"] == "no further action"
    assert by_referral[("F9", d(2022, 6, 15))]["decided_by"] == "closure"
    assert by_referral[("F11", d(2022, 5, 9))]["decision_date"] is None
    assert [k for k, x in sorted(by_referral.items()) if x["in_numerator"]] == [
        ("F1", d(2022, 4, 4)),
        ("F10", d(2022, 5, 10)),
        ("F11", d(2022, 5, 16)),
        ("F12", d(2022, 6, 30)),
        ("F2", d(2022, 4, 14)),
        ("F3", d(2022, 4, 29)),
        ("F4", d(2022, 6, 1)),
        ("F5", d(2022, 6, 7)),
        ("F8", d(2022, 6, 20)),
        ("F9", d(2022, 6, 15)),
    ]
