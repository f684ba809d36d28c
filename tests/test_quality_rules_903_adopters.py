"""SSDA903 AD1 rules on the adopters (`quality/rules/ssda903/adopters.py`), each on a tiny
hand-made input with the rows it must flag worked out by hand.

Collection year 2023-24 (1 April 2023 to 31 March 2024). A case is (tables, expected
{(DfE table, row)}); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, ep
from test_quality_rules_903_adoption import AD, ad1

from csc_scorecard.quality.fixtures import flagged


def status(ls, *sexes):
    """One AD1 row per SEX_ADOPTR in `sexes` (None: blank), all with LS_ADOPTR `ls`."""
    return {AD: [ad1(c, ls_adopters=ls, sex_adopters=s) for c, s in zip("ABCD", sexes)]}


CASES = {
    # Two adopters: A says one man (M1, flagged), B a couple (MF), C one adopter F1 (fine).
    "511": (
        {
            AD: [
                ad1("A", number_adopters=2, sex_adopters="M1"),
                ad1("B", number_adopters=2, sex_adopters="MF"),
                ad1("C", number_adopters=1, sex_adopters="F1"),
            ]
        },
        {("AD1", 1)},
    ),
    # L0 single adopter: MF (1) and blank (3) are flagged, F1 (2) is fine.
    "514": (status("L0", "MF", "F1", None), {("AD1", 1), ("AD1", 3)}),
    # L3 needs MF: FF (2) flagged.
    "517": (status("L3", "MF", "FF"), {("AD1", 2)}),
    # L4 needs MM or FF: MF (1) and M1 (3) flagged.
    "518": (status("L4", "MF", "FF", "M1", "MM"), {("AD1", 1), ("AD1", 3)}),
    # L2 civil partners need a couple: F1 (2) flagged.
    "519": (status("L2", "MM", "F1", "MF"), {("AD1", 2)}),
    # L11 different-sex married couple: MM (1) flagged.
    "520": (status("L11", "MM", "MF"), {("AD1", 1)}),
    # L12 needs MM or FF: MF (2) flagged, FF (1) fine.
    "524": (status("L12", "FF", "MF"), {("AD1", 2)}),
    # A adopted (E11) on 1 June 2023: fine. B's E12 was in 2022 (before the year): flagged.
    # C's episode ended in the year with another REC (E4A): flagged.
    "602": (
        {
            E: [
                ep("A", "2022-01-01", "2023-06-01", rec="E11"),
                ep("B", "2021-01-01", "2022-06-01", rec="E12"),
                ep("C", "2022-01-01", "2023-06-01", rec="E4A"),
            ],
            AD: [ad1("A"), ad1("B"), ad1("C")],
        },
        {("AD1", 2), ("AD1", 3)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
