"""SSDA903 rules on how long a legal status may last and how care may end at 18, each on a tiny
hand-made input with the rows it must flag worked out by hand
(`quality/rules/ssda903/periods.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024). A case is (tables, expected
{(DfE table, row)}); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, child, ep

from csc_scorecard.quality.fixtures import flagged


def over(ls, days, *, a_end, b_end):
    """A under `ls` from 1 May 2023 to `a_end` (more than `days` days: flagged), B to `b_end`
    (exactly `days` days: fine)."""
    return (
        {
            E: [
                ep("A", "2023-05-01", a_end, ls=ls, rec="E11" if a_end else None),
                ep("B", "2023-05-01", b_end, ls=ls, rec="E11"),
            ]
        },
        {("Episodes", 1)},
    )


CASES = {
    # A's police protection (L1) runs 1-3 May then, continuing, 3-6 May: 5 days, both
    # episodes flagged. B's lasts 1-4 May, 3 days.
    "361": (
        {
            E: [
                ep("A", "2023-05-01", "2023-05-03", ls="L1", rec="X1"),
                ep("A", "2023-05-03", "2023-05-06", ls="L1", rne="L", rec="E11"),
                ep("B", "2023-05-01", "2023-05-04", ls="L1", rec="E11"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
    "362": over("L2", 21, a_end="2023-05-23", b_end="2023-05-22"),
    # A's child assessment order is open from 20 March 2024: 11 days to 31 March.
    "363": (
        {
            E: [
                ep("A", "2024-03-20", ls="L3"),
                ep("B", "2023-05-01", "2023-05-08", ls="L3", rec="E11"),
            ]
        },
        {("Episodes", 1)},
    ),
    "364": over("J2", 21, a_end="2023-05-23", b_end="2023-05-22"),
    "365": over("V3", 17, a_end="2023-05-19", b_end="2023-05-18"),
    # A has two short breaks (V3) of 40 days (80 in the year): both flagged. B has 40 and 30.
    "367": (
        {
            E: [
                ep("A", "2023-05-01", "2023-06-10", ls="V3", rec="E13"),
                ep("A", "2023-07-01", "2023-08-10", ls="V3", rec="E13"),
                ep("B", "2023-05-01", "2023-06-10", ls="V3", rec="E13"),
                ep("B", "2023-07-01", "2023-07-31", ls="V3", rec="E13"),
            ]
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
    # A and B turned 18 on 1 June 2023 and are still looked after at 31 March: A under a care
    # order (flagged), B under section 20 in a children's home (V2, K2). C turns 18 in June 2024.
    "359": (
        {
            H: [
                child("A", dob="2005-06-01"),
                child("B", dob="2005-06-01"),
                child("C", dob="2006-06-01"),
            ],
            E: [
                ep("A", "2023-05-01"),
                ep("B", "2023-05-01", ls="V2", place="K2"),
                ep("C", "2023-05-01"),
            ],
        },
        {("Episodes", 1)},
    ),
    # Still freed for adoption (D1, open: 1); B's D1 episode has ended.
    "451": (
        {
            E: [
                ep("A", "2023-05-01", ls="D1"),
                ep("B", "2023-05-01", "2023-06-01", ls="D1", rec="E11"),
            ]
        },
        {("Episodes", 1)},
    ),
    # Both 18 on 1 June 2023. A's special guardianship order (E45) after it: the episode and the
    # Header row. B's before it.
    "407": (
        {
            H: [child("A", dob="2005-06-01"), child("B", dob="2005-06-01")],
            E: [
                ep("A", "2023-05-01", "2023-07-01", rec="E45"),
                ep("B", "2023-04-01", "2023-05-01", rec="E45"),
            ],
        },
        {("Episodes", 1), ("Header", 1)},
    ),
    # Stayed with current carers at 18 (E17): A was 17 (flagged), B 18.
    "460": (
        {
            H: [child("A", dob="2006-06-01"), child("B", dob="2005-06-01")],
            E: [
                ep("A", "2023-05-01", "2023-07-01", rec="E17"),
                ep("B", "2023-05-01", "2023-07-01", rec="E17"),
            ],
        },
        {("Episodes", 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
