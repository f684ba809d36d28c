"""SSDA903 rules on an episode's URN, postcodes and reason for placement change, and on which
records a child should have, each on a tiny hand-made input with the rows it must flag worked
out by hand (`quality/rules/ssda903/placement_info.py`, `records.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024) unless a case gives `year`. A case is
(tables, expected {(DfE table, row)}, options); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import RV, E, H, M, O, child, d, ep, mis, oc3

from csc_scorecard.model.batch import Issue
from csc_scorecard.quality.fixtures import flagged

POSTS = {"home_post": "LS1 1AA", "pl_post": "LS2 2BB"}


def at(cid, decom="2023-05-01", dec=None, **more):
    """An episode with both postcodes; `more` sets other columns (urn, reason_place_change,
    and `ep`'s keys)."""
    keys = {k: more.pop(k) for k in ("rne", "ls", "place", "rec", "provider") if k in more}
    return ep(cid, decom, dec, **keys) | POSTS | more


def change(cid, *, first_place="U1", reason=None, next_rne="P", next_place="U3"):
    """Episode ending X1 on 1 August 2023 in `first_place` with `reason`, then one starting that
    day with `next_rne` in `next_place`."""
    return [
        at(cid, "2023-05-01", "2023-08-01", place=first_place, rec="X1",
           reason_place_change=reason),
        at(cid, "2023-08-01", rne=next_rne, place=next_place),
    ]  # fmt: skip


CASES = {
    # A URN for a residential school (R5: none wanted), for P2 (independent living: none
    # wanted to 2023-24) and for foster care (U1, fine); XXXXXXX on R5 is left to rule 242.
    "222": (
        {
            E: [
                at("A", place="R5", urn="1234567"),
                at("B", place="P2", urn="1234567"),
                at("C", place="U1", urn="1234567"),
                at("D", place="R5", urn="XXXXXXX"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
        {},
    ),
    # A short break (V4) with a home postcode only (1); one with neither postcode (2); a care
    # order with both (3).
    "398": (
        {
            E: [
                ep("A", "2023-05-01", ls="V4") | {"home_post": "LS1 1AA"},
                ep("B", "2023-05-01", ls="V4"),
                at("C", ls="C2"),
            ]
        },
        {("Episodes", 1)},
        {},
    ),
    # 2025-26: XXXXXXX on a children's home (1); on foster care (2) it is fine.
    "242": (
        {E: [at("A", place="K2", urn="XXXXXXX"), at("B", place="U4", urn="XXXXXXX")]},
        {("Episodes", 1)},
        {"year": 2026},
    ),
    # A short break (V3) with a placement postcode (1) and one with neither a postcode nor a URN
    # (2); a care order with both (3).
    "214": (
        {
            E: [
                at("A", ls="V3"),
                ep("B", "2023-05-01", ls="V3"),
                at("C", ls="C2", urn="1234567"),
            ]
        },
        {("Episodes", 1)},
        {},
    ),
    # No placement postcode for A (1); none for B, who is UASC (2); none for C's short break
    # (3); D has both (4).
    "392b": (
        {
            H: [child("A"), child("B", uasc=True), child("C"), child("D")],
            E: [
                at("A", pl_post=None),
                at("B", pl_post=None),
                ep("C", "2023-05-01", ls="V3"),
                at("D"),
            ],
        },
        {("Episodes", 1)},
        {},
    ),
    # A's foster placement ends X1 for a placement change with no reason (row 1); B's has a
    # reason (3); C's ends in a temporary placement (5); D moves with a change of legal status
    # only (L: row 7).
    "225": (
        {
            E: [
                *change("A"),
                *change("B", reason="CARPL"),
                *change("C", first_place="T1"),
                *change("D", next_rne="L", next_place="U1"),
            ]
        },
        {("Episodes", 1)},
        {},
    ),
    # 2025-26: a reason for an open episode (1); for an ended one (2); for one whose DEC was
    # unreadable (3: counts as given).
    "233": (
        {
            E: [
                at("A", reason_place_change="CARPL"),
                at("B", dec="2025-09-01", rec="E11", reason_place_change="CARPL"),
                at("C", reason_place_change="CARPL"),
            ]
        },
        {("Episodes", 1)},
        {
            "year": 2026,
            "issues": [Issue("invalid_date", "bad", table=E, row=3, column="dec", value="x")],
        },
    ),
    # A has a Missing row, a review and an OC3 row but no episode: the Missing and Reviews rows
    # are flagged (OC3 is the cohort that may have none); B's rows go with an episode. The
    # return has no AD1, PlacedAdoption, PrevPerm or OC2 rows: the rule runs on the others.
    "1012": (
        {
            E: [ep("B", "2023-05-01")],
            M: [mis("A", "2023-06-01"), mis("B", "2023-06-01")],
            RV: [
                {"child_id": "A", "review_date": d("2023-06-01"), "review_code": "PN1"},
                {"child_id": "B", "review_date": d("2023-06-01"), "review_code": "PN1"},
            ],
            O: [oc3("A")],
        },
        {("Missing", 1), ("Reviews", 1)},
        {},
    ),
    # A was adopted (E11) in 2020 and is looked after again from May 2023 (row 2, flagged); B's
    # only adoption is this year's (row 3: fine).
    "199": (
        {
            E: [
                ep("A", "2019-05-01", "2020-06-01", rec="E11"),
                ep("A", "2023-05-01"),
                ep("B", "2023-05-01", "2023-09-01", rec="E12"),
            ]
        },
        {("Episodes", 2)},
        {},
    ),
    # A girl with MOTHER blank (Header 1); a girl who is a mother (2); a girl with MOTHER blank
    # whose only episode is a short break (3); a boy (4).
    "393": (
        {
            H: [
                child("A", sex="F"),
                child("B", sex="F", mother=True),
                child("C", sex="F"),
                child("D"),
            ],
            E: [
                ep("A", "2023-05-01"),
                ep("B", "2023-05-01"),
                ep("C", "2023-05-01", ls="V3"),
                ep("D", "2023-05-01"),
            ],
        },
        {("Header", 1)},
        {},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, options = CASES[code]
    assert flagged(tables, code, **options) == expected
