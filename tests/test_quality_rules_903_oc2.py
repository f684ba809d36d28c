"""SSDA903 OC2 and Reviews rules, each on a tiny hand-made input with the rows it must flag
worked out by hand (`quality/rules/ssda903/oc2.py`, `reviews.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024). "Looked after continuously" below: a
single episode open since 1 January 2021 (`cla`); not: one starting 1 June 2023 (`new`). A case
is (tables, expected {(DfE table, row)}); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import RV, E, H, O, child, d, ep, oc3

from csc_scorecard.quality.fixtures import flagged

OC2, AD = "cla_health", "adoptions"


def cla(cid):
    return ep(cid, "2021-01-01")


def new(cid):
    return ep(cid, "2023-06-01")


def oc2(cid, **values):
    return {"child_id": cid, "collection_year": 2024, **values}


def pair_oc2(dob_a, dob_b, a, b, *, eps=(cla, cla)):
    """Children A (flagged: OC2 row 1) and B born on the dates given, with episodes `eps` and
    OC2 values `a` and `b`."""
    return (
        {
            H: [child("A", dob=dob_a), child("B", dob=dob_b)],
            E: [eps[0]("A"), eps[1]("B")],
            OC2: [oc2("A", **a), oc2("B", **b)],
        },
        {("OC2", 1)},
    )


def review(cid, on, code):
    return {"child_id": cid, "review_date": d(on), "review_code": code}


CASES = {
    # 11 years old, SDQ1 (too young or old for an SDQ) without a score: A looked after all year
    # (flagged), B only from June.
    "157": pair_oc2(
        "2012-06-01", "2012-06-01", {"sdq_reason": "SDQ1"}, {"sdq_reason": "SDQ1"}, eps=(cla, new)
    ),
    # A was 17 on 1 June 2022, before the year: a score is not expected; B turns 17 in 2024.
    "189": pair_oc2("2005-06-01", "2007-06-01", {"sdq_score": 10}, {"sdq_score": 10}),
    # Both turn 4 on 1 June 2023; A has neither score nor reason, B a reason.
    "197B": pair_oc2("2019-06-01", "2019-06-01", {}, {"sdq_reason": "SDQ1"}),
    # Both 11: A's CONVICTED is blank, B's given.
    "543": pair_oc2("2012-06-01", "2012-06-01", {}, {"convicted": False}),
    # Both 3 at 31 March (looked after since 1 January 2021): A's HEALTH_CHECK blank.
    "545": pair_oc2("2020-06-01", "2020-06-01", {}, {"health_check": True}),
    # HEALTH_CHECK given at 11 (A, flagged) and at 3 (B).
    "546": pair_oc2("2012-06-01", "2020-06-01", {"health_check": True}, {"health_check": True}),
    # A has OC3 data and an OC2 conviction item: both rows; B's OC2 items are blank.
    "215": (
        {O: [oc3("A"), oc3("B")], OC2: [oc2("A", convicted=False), oc2("B", sdq_score=10)]},
        {("OC3", 1), ("OC2", 1)},
    ),
    # A, looked after all year, has OC3 data (flagged); B came into care in June and was
    # adopted (AD1). The rule needs both tables, as DfE's does.
    "187": (
        {
            E: [cla("A"), new("B")],
            O: [oc3("A"), oc3("B")],
            AD: [
                {
                    "child_id": "B",
                    "adm_decision_date": d("2023-07-01"),
                    "matched_date": d("2023-08-01"),
                }
            ],
        },
        {("OC3", 1)},
    ),
    # Reviewed on 1 July 2023 recorded as under 4 (PN0): A was 5, B 2.
    "440": (
        {
            H: [child("A", dob="2018-06-01"), child("B", dob="2021-06-01")],
            RV: [review("A", "2023-07-01", "PN0"), review("B", "2023-07-01", "PN0")],
        },
        {("Reviews", 1)},
    ),
    # Recorded as taking part at 4 or over (PN1): A was 2, B 5.
    "441": (
        {
            H: [child("A", dob="2021-06-01"), child("B", dob="2018-06-01")],
            RV: [review("A", "2023-07-01", "PN1"), review("B", "2023-07-01", "PN1")],
        },
        {("Reviews", 1)},
    ),
    # A has only short breaks (V3) and a review: the episode, Header row and review. B also has
    # a care order episode, so its review is expected.
    "399": (
        {
            H: [child("A"), child("B")],
            E: [
                ep("A", "2023-05-01", "2023-05-03", ls="V3", rec="E13"),
                ep("B", "2023-05-01", "2023-05-03", ls="V3", rec="E13"),
                ep("B", "2023-06-01", ls="C2"),
            ],
            RV: [review("A", "2023-07-01", "PN1"), review("B", "2023-07-01", "PN1")],
        },
        {("Episodes", 1), ("Header", 1), ("Reviews", 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
