"""SSDA903 placement-type rules (youngest age, temporary placements), each on a tiny hand-made
input with the rows it must flag worked out by hand (`quality/rules/ssda903/placements.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024). A case is (tables, expected
{(DfE table, row)}); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, child, ep

from csc_scorecard.quality.fixtures import flagged


def too_young(place, age):
    """A starts `place` on 1 January 2024 a year short of `age` (flagged, and open: DfE's
    condition does not need a DEC); B starts it on the day of turning `age` (fine)."""
    return (
        {
            H: [child("A", dob=f"{2024 - age + 1}-01-01"), child("B", dob=f"{2024 - age}-01-01")],
            E: [ep("A", "2024-01-01", place=place), ep("B", "2024-01-01", place=place)],
        },
        {("Episodes", 1)},
    )


def too_long(place, days):
    """A's temporary placement from 1 May 2023 lasts `days` + 1 days (flagged), B's `days`."""
    ends = {
        7: ("2023-05-09", "2023-05-08"),
        21: ("2023-05-23", "2023-05-22"),
        42: ("2023-06-13", "2023-06-12"),
    }[days]
    return (
        {
            E: [
                ep("A", "2023-05-01", ends[0], rne="P", place=place, rec="X1", provider=None),
                ep("B", "2023-05-01", ends[1], rne="P", place=place, rec="X1", provider=None),
            ]
        },
        {("Episodes", 1)},
    )


def after_temporary(c, rne, place):
    return [
        ep(c, "2023-05-01", "2023-06-01", place="U1", rec="X1"),
        ep(c, "2023-06-01", "2023-06-05", rne="P", place="T1", rec="X1", provider=None),
        ep(c, "2023-06-05", rne=rne, place=place),
    ]


CASES = {
    # 2023-24: independent living (P2) from 16.
    "370": too_young("P2", 16),
    # 2023-24: semi-independent living (H5) from 16.
    "371": too_young("H5", 16),
    "372": too_young("R5", 10),
    "373": too_young("S1", 4),
    "374": too_young("P3", 14),
    "375": too_long("T1", 42),
    "376": too_long("T3", 21),
    "379": too_long("T4", 7),
    # Placed with parents under a single period of accommodation (1); under a care order (2).
    "378": (
        {E: [ep("A", "2023-05-01", place="P1", ls="V2"), ep("B", "2023-05-01", place="P1")]},
        {("Episodes", 1)},
    ),
    # A short break (V3) in long-term foster care (1); in other foster care (2).
    "384": (
        {
            E: [
                ep("A", "2023-05-01", ls="V3", place="U1"),
                ep("B", "2023-05-01", ls="V3", place="U3"),
            ]
        },
        {("Episodes", 1)},
    ),
    # Each child: U1, then a temporary placement (T1), then the episode after it. A returns to
    # U1 with RNE P: fine. B goes on to U4 (6) and C returns with RNE T (9): flagged.
    "383": (
        {
            E: [
                row
                for c, rne, place in (("A", "P", "U1"), ("B", "P", "U4"), ("C", "T", "U1"))
                for row in after_temporary(c, rne, place)
            ]
        },
        {("Episodes", 6), ("Episodes", 9)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
