"""SSDA903 rules on what a child's age allows (UPN UN1, custody, foyers) and on home and
placement postcodes, each on a tiny hand-made input with the rows it must flag worked out by
hand (`quality/rules/ssda903/ages.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024) unless a case gives options (`year`).
A case is (tables, expected {(DfE table, row)}[, options]); rows are numbered from 1.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, O, child, ep, oc3

from csc_scorecard.quality.fixtures import flagged

CASES = {
    # UN1 (not of school age): A was 4 on 1 June 2022, before 31 August 2022 (flagged); B turns
    # 4 in 2023.
    "209": (
        {H: [child("A", dob="2018-06-01", upn="UN1"), child("B", dob="2019-06-01", upn="UN1")]},
        {("Header", 1)},
    ),
    # 2025-26: moved into custody (CUSTOD) on 1 June 2025; A was 9 (the episode and Header
    # row), B 11.
    "234": (
        {
            H: [child("A", dob="2016-01-01"), child("B", dob="2014-01-01")],
            E: [
                ep("A", "2025-06-01") | {"reason_place_change": "CUSTOD"},
                ep("B", "2025-06-01") | {"reason_place_change": "CUSTOD"},
            ],
        },
        {("Episodes", 1), ("Header", 1)},
        {"year": 2026},
    ),
    # In a foyer (T1): A turns 18 on 1 June 2024, so is under 18 on 1 April 2023; B is 19.
    "347": (
        {
            H: [child("A", dob="2006-06-01"), child("B", dob="2005-01-01")],
            O: [oc3("A", accom="T1"), oc3("B", accom="T1")],
        },
        {("OC3", 1)},
    ),
    # Placed at the home postcode in foster care (1); with parents (2) it is expected.
    "392d": (
        {
            E: [
                ep("A", "2023-05-01", place="U1") | {"home_post": "AB1 2CD", "pl_post": "AB1 2CD"},
                ep("B", "2023-05-01", place="P1", provider="PR0")
                | {"home_post": "AB1 2CD", "pl_post": "AB1 2CD"},
            ]
        },
        {("Episodes", 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, *options = CASES[code]
    assert flagged(tables, code, **(options[0] if options else {})) == expected
