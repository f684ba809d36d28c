"""SSDA903 OC2 rules on convictions and health promotion (`quality/rules/ssda903/
health_checks.py`), each on a tiny hand-made input with the rows it must flag worked out by
hand. Collection year 2023-24 (31 March 2024 its end); rows are numbered from 1 in the order
given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import H, child
from test_quality_rules_903_oc2 import OC2, oc2

from csc_scorecard.quality.fixtures import flagged

DONE = {"immunisations": True, "teeth_check": True, "health_assessment": True,
        "substance_misuse": False}  # fmt: skip

CASES = {
    # A turns 10 on 1 April 2024, after 31 March: under 10, conviction given (flagged). B turned
    # 10 on 31 March 2024 (not under 10). C is under 10 with CONVICTED blank.
    "542": (
        {
            H: [child("A", "2014-04-01"), child("B", "2014-03-31"), child("C", "2015-01-01")],
            OC2: [oc2("A", convicted=False), oc2("B", convicted=True), oc2("C")],
        },
        {("OC2", 1)},
    ),
    # A convicted, teeth check blank (flagged); B convicted with all four given (substance
    # misuse 0 is given); C not convicted with all blank.
    "544": (
        {
            OC2: [
                oc2("A", convicted=True, **(DONE | {"teeth_check": None})),
                oc2("B", convicted=True, **DONE),
                oc2("C", convicted=False),
            ]
        },
        {("OC2", 1)},
    ),
    # A's health check 1 with all four blank (flagged); B's with all four given; C's 0.
    "547": (
        {
            OC2: [
                oc2("A", health_check=True),
                oc2("B", health_check=True, **DONE),
                oc2("C", health_check=False),
            ]
        },
        {("OC2", 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
