"""SSDA903 rules on single values (dates, codes, UPN, date and reason together), each on a tiny
hand-made input with the rows it must flag worked out by hand
(`quality/rules/ssda903/validity.py`; 117, adoption decisions against the latest episode, in
`records.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024). A case is (tables, expected
{(DfE table, row)}, issues); rows are numbered from 1 in the order given. An unreadable value is
loaded as NULL with an issue holding its raw text, as ingest does.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import RV, E, H, M, bad, child, d, ep, mis

from csc_scorecard.model.batch import Issue
from csc_scorecard.quality.fixtures import flagged

AD = "adoptions"


def placed(cid, ceased=None, reason=None):
    """A PlacedAdoption row: decision 1 May 2023, reversed on `ceased` for `reason`."""
    return {
        "child_id": cid,
        "adm_decision_date": d("2023-05-01"),
        "decision_reversed_date": d(ceased),
        "decision_reversed_reason": reason,
    }


def ad1(cid, *, number=2, sex="MF", ls="L11"):
    """An AD1 row: decision 1 May 2023, matched 1 August."""
    return {
        "child_id": cid, "adm_decision_date": d("2023-05-01"), "matched_date": d("2023-08-01"),
        "foster_carer_adoption": False, "number_adopters": number, "sex_adopters": sex,
        "ls_adopters": ls,
    }  # fmt: skip


def adoption_date(row, field):
    """The issue ingest records for an unreadable decision date given as DfE `field`."""
    return Issue("invalid_date", "bad", table=AD, row=row, column="adm_decision_date",
                 field=field, value="31/04/2023")  # fmt: skip


def review(cid, on, code):
    return {"child_id": cid, "review_date": d(on), "review_code": code}


CASES = {
    # Row 1's MIS_END was "31/13/2023" (NULL + issue); row 2's is blank, which is allowed.
    "1005": (
        {M: [mis("A", "2023-05-01"), mis("B", "2023-05-01")]},
        {("Missing", 1)},
        [bad(M, 1, "end_date", "31/13/2023")],
    ),
    # B's DATE_PLACED_CEASED was "2023-13-01"; A's is a date.
    "116": (
        {AD: [placed("A", "2023-09-01", "RD1"), placed("B", None, "RD1")]},
        {("PlacedAdoption", 2)},
        [bad(AD, 2, "decision_reversed_date", "2023-13-01")],
    ),
    # A's MC_DOB was "30/02/2023"; B has none.
    "171": (
        {H: [child("A", "2005-06-01", sex="F"), child("B", "2005-06-01", sex="F")]},
        {("Header", 1)},
        [bad(H, 1, "mc_dob", "30/02/2023")],
    ),
    # MOVED is no reason for a placement change; CARPL is; blank is allowed.
    "1009": (
        {
            E: [
                ep("A", "2023-05-01") | {"reason_place_change": "MOVED"},
                ep("B", "2023-05-01") | {"reason_place_change": "CARPL"},
                ep("C", "2023-05-01"),
            ]
        },
        {("Episodes", 1)},
    ),
    # RD5 is not RD1-RD4.
    "120": (
        {AD: [placed("A", "2023-09-01", "RD5"), placed("B", "2023-09-01", "RD4")]},
        {("PlacedAdoption", 1)},
    ),
    # N9 is a CIN census code, not a 903 category of need.
    "145": (
        {E: [ep("A", "2023-05-01") | {"cin": "N9"}, ep("B", "2023-05-01") | {"cin": "N8"}]},
        {("Episodes", 1)},
    ),
    "176": ({AD: [ad1("A", sex="M2"), ad1("B", sex="FF")]}, {("AD1", 1)}),
    "177": ({AD: [ad1("A", ls="L1"), ad1("B", ls="L12")]}, {("AD1", 1)}),
    # Three adopters (A) and "two" (C: NULL + issue) are not codes; B's 1 is.
    "175": (
        {AD: [ad1("A", number=3), ad1("B", number=1), ad1("C", number=None)]},
        {("AD1", 1), ("AD1", 3)},
        [Issue("invalid_number", "bad", table=AD, row=3, column="number_adopters", value="two")],
    ),
    # A: a reason without a date; B: a date without a reason; C both; D neither.
    "119": (
        {
            AD: [
                placed("A", None, "RD1"),
                placed("B", "2023-09-01", None),
                placed("C", "2023-09-01", "RD2"),
                placed("D"),
            ]
        },
        {("PlacedAdoption", 1), ("PlacedAdoption", 2)},
    ),
    # A review with no participation code (1), with PN8 (2), and PN1 (3: fine).
    "167": (
        {
            RV: [
                review("A", "2023-06-01", None),
                review("B", "2023-06-01", "PN8"),
                review("C", "2023-06-01", "PN1"),
            ]
        },
        {("Reviews", 1), ("Reviews", 2)},
    ),
    # I is not a UPN's first letter (1); 11 digits and no letter (2); UN6 is no unknown code
    # (3); a UPN with 12 digits (4), one with 11 digits and a letter (5) and UN5 (6) are fine.
    "168": (
        {
            H: [
                child("A", upn="I123456789012"),
                child("B", upn="A12345678901"),
                child("C", upn="UN6"),
                child("D", upn="A123456789012"),
                child("E", upn="B12345678901C"),
                child("F", upn="UN5"),
            ]
        },
        {("Header", 1), ("Header", 2), ("Header", 3)},
    ),
    # The store keeps AD1's DATE_INT and PlacedAdoption's DATE_PLACED in one column: an
    # unreadable one is told apart by the DfE field ingest read it from. A's AD1 DATE_INT and
    # B's DATE_PLACED were "31/04/2023".
    "112": (
        {AD: [ad1("A") | {"adm_decision_date": None}, placed("B") | {"adm_decision_date": None}]},
        {("AD1", 1)},
        [adoption_date(1, "DATE_INT"), adoption_date(2, "DATE_PLACED")],
    ),
    "115": (
        {AD: [ad1("A") | {"adm_decision_date": None}, placed("B") | {"adm_decision_date": None}]},
        {("PlacedAdoption", 2)},
        [adoption_date(1, "DATE_INT"), adoption_date(2, "DATE_PLACED")],
    ),
    # A's DATE_MATCH was "2023-08-32"; B's is a date.
    "113": (
        {AD: [ad1("A") | {"matched_date": None}, ad1("B")]},
        {("AD1", 1)},
        [bad(AD, 1, "matched_date", "2023-08-32")],
    ),
    # A's FOSTER_CARE was "2" (no yes/no value); B's is 0.
    "114": (
        {AD: [ad1("A") | {"foster_carer_adoption": None}, ad1("B")]},
        {("AD1", 1)},
        [
            Issue(
                "invalid_boolean", "bad", table=AD, row=1, column="foster_carer_adoption", value="2"
            )
        ],
    ),
    # Decisions of 1 May 2023. A's latest episode ended (E13) on 1 March 2023, before it:
    # the episode and the decision are flagged. B is still looked after. C's decision was
    # reversed on 1 May 2024, after 31 March 2024.
    "117": (
        {
            E: [
                ep("A", "2022-01-01", "2023-03-01", rec="E13"),
                ep("B", "2022-01-01"),
                ep("C", "2022-01-01"),
            ],
            AD: [placed("A"), placed("B"), placed("C", "2024-05-01", "RD1")],
        },
        {("Episodes", 1), ("PlacedAdoption", 1), ("Episodes", 3), ("PlacedAdoption", 3)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, *issues = CASES[code]
    assert flagged(tables, code, issues=issues[0] if issues else None) == expected
