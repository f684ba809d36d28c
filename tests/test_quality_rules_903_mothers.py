"""SSDA903 rules on young mothers, UASC status and missing periods, each on a tiny hand-made
input with the rows it must flag worked out by hand (`quality/rules/ssda903/mothers.py`,
`missing.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024) unless a case gives options (`year`).
A case is (tables, expected {(DfE table, row)}[, options]); rows are numbered from 1 in the
order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, M, O, child, d, ep, mis, oc3

from csc_scorecard.quality.fixtures import flagged


def girl(cid, mother=None, mc_dob=None, **more):
    return child(
        cid, dob=more.pop("dob", "2006-06-01"), sex="F", mother=mother, mc_dob=d(mc_dob), **more
    )


CASES = {
    # A, a girl looked after in the year, MOTHER blank (Header 1); B gave it; C, a boy, is
    # recorded as a mother (Header 3, and C's OC3 row).
    "165": (
        {
            H: [girl("A"), girl("B", mother=True), child("C", mother=True)],
            E: [ep("A", "2023-05-01"), ep("B", "2023-05-01"), ep("C", "2023-05-01")],
            O: [oc3("C")],
        },
        {("Header", 1), ("Header", 3), ("OC3", 1)},
    ),
    # Both girls left care in July 2023; A's MOTHER is blank (episode and Header row).
    "607": (
        {
            H: [girl("A"), girl("B", mother=False)],
            E: [
                ep("A", "2023-05-01", "2023-07-01", rec="E11"),
                ep("B", "2023-05-01", "2023-07-01", rec="E11"),
            ],
        },
        {("Episodes", 1), ("Header", 1)},
    ),
    # A child's date of birth given for a girl recorded as not a mother (1); as a mother (2).
    "612": (
        {
            H: [
                girl("A", mother=False, mc_dob="2022-01-01"),
                girl("B", mother=True, mc_dob="2022-01-01"),
            ]
        },
        {("Header", 1)},
    ),
    # A turns 11 on 1 June 2024, after 1 April 2023; B was 13.
    "620": (
        {H: [girl("A", mother=True, dob="2013-06-01"), girl("B", mother=True, dob="2010-06-01")]},
        {("Header", 1)},
    ),
    # A's child was born before A (1); B's after (2).
    "621": (
        {
            H: [
                girl("A", mother=True, dob="2008-01-01", mc_dob="2007-01-01"),
                girl("B", mother=True, dob="2008-01-01", mc_dob="2023-01-01"),
            ]
        },
        {("Header", 1)},
    ),
    # Both left care on 1 July 2023. A's child was born on 1 August, after it: the Header row
    # and the episode. B's was born on 1 June.
    "625": (
        {
            H: [
                girl("A", mother=True, mc_dob="2023-08-01"),
                girl("B", mother=True, mc_dob="2023-06-01"),
            ],
            E: [
                ep("A", "2023-04-01", "2023-07-01", rec="E11"),
                ep("B", "2023-04-01", "2023-07-01", rec="E11"),
            ],
        },
        {("Header", 1), ("Episodes", 1)},
    ),
    # A date UASC ceased for a child not UASC (1); for a UASC child (2).
    "303": (
        {
            H: [
                child("A", uasc=False, uasc_ceased_date=d("2023-06-01")),
                child("B", uasc=True, uasc_ceased_date=d("2023-06-01")),
            ]
        },
        {("Header", 1)},
    ),
    # 18 on 1 June 2023: UASC ceased after it (1), before it (2).
    "304": (
        {
            H: [
                child("A", dob="2005-06-01", uasc=True, uasc_ceased_date=d("2023-07-01")),
                child("B", dob="2005-06-01", uasc=True, uasc_ceased_date=d("2023-05-01")),
            ]
        },
        {("Header", 1)},
    ),
    # 2024-25: A, UASC, is 10 at 31 March 2025; B is 15.
    "231": (
        {H: [child("A", dob="2015-01-01", uasc=True), child("B", dob="2010-01-01", uasc=True)]},
        {("Header", 1)},
        {"year": 2025},
    ),
    # 2024-25: sex unknown (1).
    "232": ({H: [child("A", sex="U"), child("B", sex="F")]}, {("Header", 1)}, {"year": 2025}),
    # A's second missing period starts while the first is open (2); B's do not overlap.
    "574": (
        {
            M: [
                mis("A", "2023-05-01"),
                mis("A", "2023-05-10", "2023-05-12"),
                mis("B", "2023-05-01", "2023-05-03"),
                mis("B", "2023-05-05", "2023-05-06"),
            ]
        },
        {("Missing", 2)},
    ),
    # A's care ended on 1 June 2023: missing from 1 July (1) is after it; from 1 May (2) not.
    "578": (
        {
            E: [ep("A", "2023-04-01", "2023-06-01", rec="E11")],
            M: [mis("A", "2023-07-01", "2023-07-02"), mis("A", "2023-05-01", "2023-05-02")],
        },
        {("Missing", 1)},
    ),
    # Both 18 on 1 June 2023, missing until that day, when care ended: A's REC is E11 (flagged),
    # B's E8 (ceased while missing).
    "580": (
        {
            H: [child("A", dob="2005-06-01"), child("B", dob="2005-06-01")],
            E: [
                ep("A", "2023-04-01", "2023-06-01", rec="E11"),
                ep("B", "2023-04-01", "2023-06-01", rec="E8"),
            ],
            M: [mis("A", "2023-05-25", "2023-06-01"), mis("B", "2023-05-25", "2023-06-01")],
        },
        {("Episodes", 1)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, *options = CASES[code]
    assert flagged(tables, code, **(options[0] if options else {})) == expected
