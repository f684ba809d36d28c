"""SSDA903 Header, PrevPerm-code and category-of-need rules (`quality/rules/ssda903/
header_checks.py`, `prevperm_codes.py`, `category_of_need.py`), each on a tiny hand-made input
with the rows it must flag worked out by hand. Collection year 2023-24 (1 April 2023 to 31 March
2024) unless a case says otherwise; rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, O, bad, child, ep, oc3
from test_quality_rules_903_prevperm import PP, perm

from csc_scorecard.quality.fixtures import flagged

CASES = {
    # A (UPN blank) has a C2 episode (flagged); B (UPN blank) has only a short break (V3); C
    # has a UPN.
    "442": (
        {
            H: [child("A"), child("B"), child("C", upn="A123456789012")],
            E: [ep("A", "2023-05-01"), ep("B", "2023-05-01", ls="V3"), ep("C", "2023-05-01")],
        },
        {("Header", 1)},
    ),
    # 2025-26: A and B share a UPN (both flagged); C and D both UN1 (allowed); E's is unique.
    "444": (
        {
            H: [
                child("A", upn="A123"),
                child("B", upn="A123"),
                child("C", upn="UN1"),
                child("D", upn="UN1"),
                child("E", upn="B456"),
            ]
        },
        {("Header", 1), ("Header", 2)},
        {"year": 2026},
    ),
    # A is a mother with MC_DOB blank (flagged); B's MC_DOB is unreadable (not blank); C not a
    # mother.
    "611": (
        {H: [child("A", mother=True), child("B", mother=True), child("C", mother=False)]},
        {("Header", 1)},
        {"issues": [bad(H, 2, "mc_dob", "31/02/2020")]},
    ),
    # A: a care leaver (OC3, no episodes) with MOTHER given (flagged). B: same with MOTHER
    # blank. C: MOTHER given but C has an episode.
    "628": (
        {
            H: [child("A", mother=False), child("B"), child("C", mother=True)],
            O: [oc3("A"), oc3("B")],
            E: [ep("C", "2023-05-01")],
        },
        {("Header", 1)},
    ),
    # A has neither episodes nor OC3 (flagged); B has an episode, C an OC3 row.
    "EPI": (
        {
            H: [child("A"), child("B"), child("C")],
            E: [ep("B", "2023-05-01")],
            O: [oc3("C")],
        },
        {("Header", 1)},
    ),
    # P5 is no PREV_PERM code (flagged); P2 is; blank is not checked here.
    "631": ({PP: [perm("A", "P5"), perm("B", "P2"), perm("C", None)]}, {("PrevPerm", 1)}),
    # LA_PERM 371 (Doncaster) and WAL are valid, 123 is no LA number (flagged), blank is not
    # checked.
    "633": (
        {
            PP: [
                perm("A", "P2", la_perm="371"),
                perm("B", "P2", la_perm="123"),
                perm("C", "P2", la_perm="WAL"),
                perm("D", "P2"),
            ]
        },
        {("PrevPerm", 2)},
    ),
    # A gives LA_PERM with PREV_PERM blank (flagged); B gives DATE_PERM with P2; C nothing.
    "635": (
        {
            PP: [
                perm("A", None, la_perm="371"),
                perm("B", "P2", date_perm="01/05/2021"),
                perm("C", None),
            ]
        },
        {("PrevPerm", 1)},
    ),
    # A's second episode (X1 on its DECOM) changes CIN N1 -> N2 (flagged, row 2). B's keeps
    # N1. C's second starts a new period (previous REC E13): its change is fine.
    "504": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-01", rec="X1") | {"cin": "N1"},
                ep("A", "2023-06-01", rne="P") | {"cin": "N2"},
                ep("B", "2023-05-01", "2023-06-01", rec="X1") | {"cin": "N1"},
                ep("B", "2023-06-01", rne="P") | {"cin": "N1"},
                ep("C", "2023-05-01", "2023-06-01", rec="E13") | {"cin": "N1"},
                ep("C", "2023-07-01") | {"cin": "N2"},
            ]
        },
        {("Episodes", 2)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, *options = CASES[code]
    assert flagged(tables, code, **(options[0] if options else {})) == expected


def test_duplicate_upn_is_not_checked_before_2025_26():
    """444 is new in 2025-26: the same shared UPN in 2023-24 is not flagged."""
    tables, _, _ = CASES["444"]
    assert flagged(tables, "444") == set()
