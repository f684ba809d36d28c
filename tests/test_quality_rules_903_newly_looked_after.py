"""SSDA903 rule 210 (`quality/rules/ssda903/newly_looked_after.py`) on a tiny hand-made input
with the rows it must flag worked out by hand. Collection year 2023-24: 31 March 2024, a week
before it 24 March 2024. A case is (tables, expected {(DfE table, row)}); rows are numbered
from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, child, ep

from csc_scorecard.quality.fixtures import flagged

UN4 = "UN4"

CASES = {
    # UN4: A looked after since 1 June 2023, open (flagged). B from 25 March 2024 and C from
    # 24 March 2024: newly looked after in the last week. D since 1 June 2023 with a new
    # placement on 28 March 2024 (looked after on 24 March: flagged). E left care on 1
    # September 2023 (not looked after at 31 March). F left on 10 March 2024 and came back
    # on 28 March 2024: newly looked after again. G has a UPN.
    "210": (
        {
            H: [
                child("A", upn=UN4),
                child("B", upn=UN4),
                child("C", upn=UN4),
                child("D", upn=UN4),
                child("E", upn=UN4),
                child("F", upn=UN4),
                child("G", upn="A123456789012"),
            ],
            E: [
                ep("A", "2023-06-01"),
                ep("B", "2024-03-25"),
                ep("C", "2024-03-24"),
                ep("D", "2023-06-01", "2024-03-28", rec="X1"),
                ep("D", "2024-03-28", rne="P"),
                ep("E", "2023-06-01", "2023-09-01", rec="E13"),
                ep("F", "2023-06-01", "2024-03-10", rec="E13"),
                ep("F", "2024-03-28"),
                ep("G", "2023-06-01"),
            ],
        },
        {("Header", 1), ("Header", 4)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
