"""SSDA903 AD1 and PlacedAdoption rules, each on a tiny hand-made input with the rows it must
flag worked out by hand (`quality/rules/ssda903/adoption.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024). A case is (tables, expected
{(DfE table, row)}); rows are numbered from 1 in the order given. An adoption row with the
match or adopters is an AD1 row, one with only the decision a PlacedAdoption row.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, child, d, ep

from csc_scorecard.quality.fixtures import flagged

AD = "adoptions"


def ad1(cid, decided="2023-01-01", matched="2023-02-01", **over):
    row = {
        "child_id": cid,
        "adm_decision_date": d(decided),
        "matched_date": d(matched),
        "foster_carer_adoption": False,
        "number_adopters": 2,
        "sex_adopters": "MF",
        "ls_adopters": "L0",
    }
    return row | over


def placed(cid, decided):
    return {"child_id": cid, "adm_decision_date": d(decided)}


def both(a_episode, b_episode, a_adoption, b_adoption, adoption_table="AD1"):
    """A's episode and adoption row (row 1 of each) are flagged, B's are not."""
    return (
        {E: [a_episode, b_episode], AD: [a_adoption, b_adoption]},
        {("Episodes", 1), (adoption_table, 1)},
    )


def reversed_(cid, decided, ceased, reason="RD1"):
    """A PlacedAdoption decision that was reversed on `ceased`."""
    return {
        "child_id": cid,
        "adm_decision_date": d(decided),
        "decision_reversed_date": d(ceased),
        "decision_reversed_reason": reason,
    }


CASES = {
    # A's AD1 row lacks LS_ADOPTR (1); B's is complete.
    "151": ({AD: [ad1("A", ls_adopters=None), ad1("B")]}, {("AD1", 1)}),
    # A was born on 1 June 2023, after the decision of 1 May; B in 2020.
    "184": (
        {
            H: [child("A", dob="2023-06-01"), child("B", dob="2020-01-01")],
            AD: [placed("A", "2023-05-01"), placed("B", "2023-05-01")],
        },
        {("PlacedAdoption", 1)},
    ),
    # A's decision (1 March) came after the match (1 February); B's before.
    "333": ({AD: [ad1("A", decided="2023-03-01"), ad1("B")]}, {("AD1", 1)}),
    # Placed for adoption (A4) on 15 January 2023 and adopted (E11). A was matched after the
    # placement began (1 February): flagged; B before (10 January).
    "331": both(
        ep("A", "2023-01-15", "2023-06-01", place="A4", rec="E11"),
        ep("B", "2023-01-15", "2023-06-01", place="A4", rec="E11"),
        ad1("A", decided="2022-12-01", matched="2023-02-01"),
        ad1("B", decided="2022-12-01", matched="2023-01-10"),
    ),
    # A's latest period of care began on 1 March 2023, after the decision of 1 January; B's
    # began in 2022.
    "334": both(ep("A", "2023-03-01"), ep("B", "2022-01-01"), ad1("A"), ad1("B")),
    # Both adopted (E11) from a placement with their foster carers (A3): A's FOSTER_CARE says
    # not adopted by the foster carers (flagged), B's says they were.
    "335": both(
        ep("A", "2023-01-15", "2023-06-01", place="A3", rec="E11"),
        ep("B", "2023-01-15", "2023-06-01", place="A3", rec="E11"),
        ad1("A", foster_carer_adoption=False),
        ad1("B", foster_carer_adoption=True),
    ),
    # Placed for adoption (A4) from foster care (A: fine) and from a children's home (B: 4).
    "336": (
        {
            E: [
                ep("A", "2023-04-01", "2023-06-01", place="U1", rec="X1"),
                ep("A", "2023-06-01", rne="P", place="A4"),
                ep("B", "2023-04-01", "2023-06-01", place="K2", rec="X1"),
                ep("B", "2023-06-01", rne="P", place="A4"),
            ]
        },
        {("Episodes", 4)},
    ),
    # Placed for adoption (A4) from 1 May 2023: A's decision is dated 1 June (flagged), B's
    # 1 April.
    "521": both(
        ep("A", "2023-05-01", place="A4"),
        ep("B", "2023-05-01", place="A4"),
        ad1("A", decided="2023-06-01", matched="2023-06-02"),
        ad1("B", decided="2023-04-01", matched="2023-04-02"),
    ),
    # Both placed for adoption (A4); only B has a decision that it should be.
    "551": (
        {
            E: [ep("A", "2023-05-01", place="A4"), ep("B", "2023-05-01", place="A4")],
            AD: [placed("B", "2023-04-01")],
        },
        {("Episodes", 1)},
    ),
    # Placed for adoption from 1 May 2023; A's (latest) decision is 1 June, B's 1 April.
    "552": both(
        ep("A", "2023-05-01", place="A4"),
        ep("B", "2023-05-01", place="A4"),
        placed("A", "2023-06-01"),
        placed("B", "2023-04-01"),
        "PlacedAdoption",
    ),
    # Placement order (LS E1) from 1 May 2023; A's decision is 1 June, B's 1 April.
    "554": both(
        ep("A", "2023-05-01", ls="E1"),
        ep("B", "2023-05-01", ls="E1"),
        placed("A", "2023-06-01"),
        placed("B", "2023-04-01"),
        "PlacedAdoption",
    ),
    # Looked after from 1 May 2023; A's decision (1 April) came before, B's (1 June) after.
    "1003": both(
        ep("A", "2023-05-01"),
        ep("B", "2023-05-01"),
        placed("A", "2023-04-01"),
        placed("B", "2023-06-01"),
        "PlacedAdoption",
    ),
    # Both adopted (E11) on 1 June 2023; A was matched that day (flagged), B on 1 May.
    "582": (
        {
            E: [
                ep("A", "2023-04-01", "2023-06-01", place="A4", rec="E11"),
                ep("B", "2023-04-01", "2023-06-01", place="A4", rec="E11"),
            ],
            AD: [ad1("A", matched="2023-06-01"), ad1("B", matched="2023-05-01")],
        },
        {("Episodes", 1)},
    ),
    # Both adopted in the year; A's AD1 row lacks the adopters' sex: the episode and the row.
    "601": both(
        ep("A", "2023-04-01", "2023-06-01", place="A4", rec="E11"),
        ep("B", "2023-04-01", "2023-06-01", place="A4", rec="E11"),
        ad1("A", sex_adopters=None),
        ad1("B"),
    ),
    # Both left a placement for adoption (A4) returning home (E4A), not adopted. A's decision
    # was never reversed (flagged, with the decision); B's was, with a date and reason.
    "557": both(
        ep("A", "2023-05-01", "2023-07-01", place="A4", rec="E4A"),
        ep("B", "2023-05-01", "2023-07-01", place="A4", rec="E4A"),
        placed("A", "2023-04-01"),
        placed("B", "2023-04-01")
        | {"decision_reversed_date": d("2023-06-01"), "decision_reversed_reason": "RD1"},
        "PlacedAdoption",
    ),
    # A's decision (1 May 2023) was reversed on 1 April, before it was made (flagged); B's
    # was reversed after.
    "522": (
        {
            AD: [
                reversed_("A", "2023-05-01", "2023-04-01"),
                reversed_("B", "2023-04-01", "2023-05-01"),
            ]
        },
        {("PlacedAdoption", 1)},
    ),
    # A's reversed decision has no date of the decision itself (flagged); B's has.
    "563": (
        {AD: [reversed_("A", None, "2023-05-01"), reversed_("B", "2023-04-01", "2023-05-01")]},
        {("PlacedAdoption", 1)},
    ),
    # A started care on 1 May 2023 and its decision was reversed on 15 April, before that: the
    # decision and the episode. B's care began in 2022; reversed in June 2023.
    "118": (
        {
            E: [ep("A", "2023-05-01"), ep("B", "2022-05-01")],
            AD: [
                reversed_("A", "2023-04-01", "2023-04-15"),
                reversed_("B", "2022-06-01", "2023-06-01"),
            ],
        },
        {("PlacedAdoption", 1), ("Episodes", 1)},
    ),
    # A's AD1 decision (1 January 2023) and PlacedAdoption decision (1 December 2022) differ:
    # both rows. B has only an AD1 row, C only a PlacedAdoption row.
    "523": (
        {AD: [ad1("A"), placed("A", "2022-12-01"), ad1("B"), placed("C", "2022-12-01")]},
        {("AD1", 1), ("PlacedAdoption", 2)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
