"""Hand-worked fixture for children on a child protection plan for two years or more and the
families they come from (the seed: "five children from four families had been subject to a plan
for two years or longer").

Quarter 2022-Q1 ends 30 June 2022; 2021-Q4 ends 31 March 2022. A plan open at the end counts
when the end is on or after its second anniversary (setting years: 2). Families come from
`child_families`; a child with no row there is a family of their own.

CP plans (child, family, start -> end):
  L1  K1  F1          2020-06-30 -> open        30 June 2022 is the second anniversary: 730
                                                 days after the start, counted
  L2  K2  F1 (K1's sibling) 2020-03-01 -> open
  L3  K3  no family row 2019-11-01 -> open      its own family
  L4  K4  F2          2020-07-01 -> open        729 days after the start on 30 June (the
                                                 anniversary is 1 July): not yet
  L5  K5  F3          2020-01-01 -> 2022-06-30  ends on the quarter end: not open at it
  L6  K6  F1          2022-05-01 -> open        K1's sibling on a recent plan: not counted
  L7  K7  F4          2020-02-01 -> open

At 30 June 2022 (Q1): children K1, K2, K3, K7 = 4; families F1 (K1, K2), K3's own, F4 = 3.
At 31 March 2022 (Q4; anniversary on or before it = start on or before 31 March 2020): K2,
  K3, K5 (open then), K7 = 4 children; families F1, K3's own, F3, F4 = 4.
Without child_families every child is their own family: Q1 4 families.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from measure_fixtures import load, results

Q, Q4 = "2022-Q1", "2021-Q4"
IDS = ["cp_plans_open_2_years_plus", "cp_plans_open_2_years_plus_families"]

PLANS = [
    # child, start, end
    ("K1", d(2020, 6, 30), None),
    ("K2", d(2020, 3, 1), None),
    ("K3", d(2019, 11, 1), None),
    ("K4", d(2020, 7, 1), None),
    ("K5", d(2020, 1, 1), d(2022, 6, 30)),
    ("K6", d(2022, 5, 1), None),
    ("K7", d(2020, 2, 1), None),
]
FAMILIES = [("K1", "F1"), ("K2", "F1"), ("K4", "F2"), ("K5", "F3"), ("K6", "F1"), ("K7", "F4")]


def family_tables(with_families: bool = True) -> dict:
    child, start, end = (list(c) for c in zip(*PLANS, strict=True))
    tables = {
        "cp_plans": canonical(
            "cp_plans",
            child_id=child,
            start_date=start,
            end_date=end,
            initial_category=["NEG"] * len(child),
            latest_category=["NEG"] * len(child),
            previous_plans=[0] * len(child),
        )
    }
    if with_families:
        kids, fams = (list(c) for c in zip(*FAMILIES, strict=True))
        tables["child_families"] = canonical("child_families", child_id=kids, family_id=fams)
    return tables


@pytest.fixture
def families(store):
    load(store, family_tables())
    return store


def test_children_and_their_families_two_years_on(families):
    r = results(families, IDS, f"{Q4}:{Q}")
    assert r[("cp_plans_open_2_years_plus", Q, None)][0] == 4
    assert r[("cp_plans_open_2_years_plus_families", Q, None)][0] == 3
    assert r[("cp_plans_open_2_years_plus", Q4, None)][0] == 4
    assert r[("cp_plans_open_2_years_plus_families", Q4, None)][0] == 4


def test_without_family_identifiers_each_child_is_a_family(store):
    load(store, family_tables(with_families=False))
    r = results(store, IDS, Q)
    assert r[("cp_plans_open_2_years_plus", Q, None)][0] == 4
    assert r[("cp_plans_open_2_years_plus_families", Q, None)][0] == 4
