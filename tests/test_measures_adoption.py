"""Hand-worked fixture for the adoption measures (adoptions, ADM decisions, scorecard A2, A3, A10).

Quarter 2022-Q1 = 1 April to 30 June 2022; the scorecard window (12 months) is 1 July 2021 to
30 June 2022; with window_months 36, 1 July 2019 to 30 June 2022.

Episodes (DECOM RNE LS PLACE -> DEC REC) and AD1 / Annex A list 10 rows:
A1  2020-03-02 S C1 U6 -> 2020-09-01 X1; 2020-09-01 L E1 U6 -> 2021-06-01 X1;
    2021-06-01 P E1 A6 -> 2022-05-20 E11           adopted in the quarter
    ADM 2020-11-01, placement order (Annex A) 2020-08-25, matched 2021-04-15, not foster carer
    entered care 2020-03-02, placed 2021-06-01: 456 days; 14 months on = 2021-05-02, so not
    within. A2: authority = the E1 episode, 2020-09-01 (903 wins over Annex A's 2020-08-25,
    which would give 233) -> match 2021-04-15 = 226 days.
A2  2020-01-06 S V2 U6 -> 2020-02-03 X1; 2020-02-03 P C1 U6 -> 2020-08-03 X1 (moves to carer X);
    2020-08-03 U E1 U5 -> 2021-01-11 X1 (same carer, now fostering for adoption);
    2021-01-11 P E1 A5 -> 2021-12-10 E12           adopted by carer X (FOSTER_CARE) in the window
    ADM 2020-06-01, matched 2020-07-20 (before the placement order)
    A10: moved in with carer X on 2020-02-03 (U continues the carer; A5 is with the current
    foster carer whatever RNE says): 28 days (unadjusted, placed 2021-01-11: 371). Within 14
    months either way. A2: match before authority (E1 from 2020-08-03) scores 0.
A4  2019-05-01 S C1 U6 -> 2019-11-04 X1; 2019-11-04 B E1 A6 -> 2021-03-15 E11
    ADM 2019-09-01, matched 2019-10-20        adopted before the 12 months; in the 36 months:
                                                187 days, within 14 months, A2 0 (matched first)
A5  2018-01-08 S V2 U6 -> 2018-07-02 E4A (an earlier period of care);
    2020-10-05 S C1 U6 -> 2021-04-06 X1; 2021-04-06 B C2 A6 -> 2022-06-30 E11
    ADM 2020-12-01, placement order 2021-02-01, matched 2021-03-15
    adopted on the quarter's last day; entered care = the final period, 2020-10-05: 183 days,
    within. A2: no E1/D1 episode, so Annex A's order date: 2021-02-01 -> 2021-03-15 = 42.
A6  2021-02-01 S C2 U6 -> 2022-01-31 E11; ADM 2021-05-01, no match
    adopted in the window but never recorded as placed for adoption: left out of A2, A3, A10
A8  2021-09-06 S V2 U6 -> 2022-01-10 X1; 2022-01-10 P V2 A4 -> 2022-04-25 E11
    ADM 2021-11-20, matched 2021-12-15        placed with consent (A4), no placement order:
                                                126 days, within; left out of A2
A9  ADM 2021-10-01 (reversed 2022-01-15) and ADM 2022-04-12;  A10 ADM 2022-06-30;  A11 ADM 2022-03-31

Adopted in the quarter: A1, A5, A8 = 3 (2021-Q3: A2 = 1). ADM decisions in the quarter: A9's
second and A10 = 2.
A3: of A1, A2, A5, A8 (A6 has no placement): A2, A5, A8 = 3/4 = 75%.
A10: (456 + 28 + 183 + 126) / 4 = 198.25 days; unadjusted (A2 371) 1136 / 4 = 284;
  36 months (adds A4 187): 980 / 5 = 196.
A2: (226 + 0 + 42) / 3 = 89.33 days; 36 months (adds A4 0): 268 / 4 = 67.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from measure_fixtures import load, results, with_settings

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.model.codes import codes

Q = "2022-Q1"

EPISODES = [
    # child, decom, rne, ls, place, dec, rec (all provided by the authority, PR1)
    ("A1", d(2020, 3, 2), "S", "C1", "U6", d(2020, 9, 1), "X1"),
    ("A1", d(2020, 9, 1), "L", "E1", "U6", d(2021, 6, 1), "X1"),
    ("A1", d(2021, 6, 1), "P", "E1", "A6", d(2022, 5, 20), "E11"),
    ("A2", d(2020, 1, 6), "S", "V2", "U6", d(2020, 2, 3), "X1"),
    ("A2", d(2020, 2, 3), "P", "C1", "U6", d(2020, 8, 3), "X1"),
    ("A2", d(2020, 8, 3), "U", "E1", "U5", d(2021, 1, 11), "X1"),
    ("A2", d(2021, 1, 11), "P", "E1", "A5", d(2021, 12, 10), "E12"),
    ("A4", d(2019, 5, 1), "S", "C1", "U6", d(2019, 11, 4), "X1"),
    ("A4", d(2019, 11, 4), "B", "E1", "A6", d(2021, 3, 15), "E11"),
    ("A5", d(2018, 1, 8), "S", "V2", "U6", d(2018, 7, 2), "E4A"),
    ("A5", d(2020, 10, 5), "S", "C1", "U6", d(2021, 4, 6), "X1"),
    ("A5", d(2021, 4, 6), "B", "C2", "A6", d(2022, 6, 30), "E11"),
    ("A6", d(2021, 2, 1), "S", "C2", "U6", d(2022, 1, 31), "E11"),
    ("A8", d(2021, 9, 6), "S", "V2", "U6", d(2022, 1, 10), "X1"),
    ("A8", d(2022, 1, 10), "P", "V2", "A4", d(2022, 4, 25), "E11"),
]

ADOPTIONS = [
    # child, ADM decision, placement order, matched, adopted by foster carer, decision reversed
    ("A1", d(2020, 11, 1), d(2020, 8, 25), d(2021, 4, 15), False, None),
    ("A2", d(2020, 6, 1), None, d(2020, 7, 20), True, None),
    ("A4", d(2019, 9, 1), None, d(2019, 10, 20), False, None),
    ("A5", d(2020, 12, 1), d(2021, 2, 1), d(2021, 3, 15), False, None),
    ("A6", d(2021, 5, 1), None, None, None, None),
    ("A8", d(2021, 11, 20), None, d(2021, 12, 15), False, None),
    ("A9", d(2021, 10, 1), None, None, None, d(2022, 1, 15)),
    ("A9", d(2022, 4, 12), None, None, None, None),
    ("A10", d(2022, 6, 30), None, None, None, None),
    ("A11", d(2022, 3, 31), None, None, None, None),
]


def _columns(rows, names):
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


@pytest.fixture
def adoption(store):
    episodes = _columns(EPISODES, ["child_id", "decom", "rne", "ls", "place", "dec", "rec"])
    episodes["place_provider"] = ["PR1"] * len(EPISODES)
    load(
        store,
        {
            "cla_episodes": canonical("cla_episodes", **episodes),
            "adoptions": canonical(
                "adoptions",
                **_columns(
                    ADOPTIONS,
                    [
                        "child_id",
                        "adm_decision_date",
                        "placement_order_date",
                        "matched_date",
                        "foster_carer_adoption",
                        "decision_reversed_date",
                    ],
                ),
            ),
        },
    )
    return store


def test_adoptions_and_decisions(adoption):
    r = results(adoption, ["adoptions", "adoption_decisions"], "2021-Q3:2022-Q1")
    assert r[("adoptions", Q, None)][0] == 3
    assert r[("adoptions", "2021-Q3", None)][0] == 1
    assert r[("adoptions", "2021-Q4", None)][0] == 1  # A6, 31 January 2022
    assert r[("adoption_decisions", Q, None)][0] == 2
    assert r[("adoption_decisions", "2021-Q4", None)][0] == 1  # A11, 31 March 2022


def test_a3_within_14_months(adoption):
    r = results(adoption, ["adoption_within_14_months"], Q)
    assert r[("adoption_within_14_months", Q, None)] == (75.0, 3, 4)


def test_a10_days_care_to_placed(adoption):
    r = results(adoption, ["adoption_days_care_to_placed"], Q)
    assert r[("adoption_days_care_to_placed", Q, None)] == (198.25, 793, 4)
    # Without the foster-carer adjustment A2 counts from its adoptive placement (A1's measure).
    assert with_settings(
        adoption, "adoption_days_care_to_placed", foster_carer_adjustment=False
    ) == (284.0, 1136, 4)
    # The scorecards' 3-year window adds A4 (adopted March 2021).
    assert with_settings(adoption, "adoption_days_care_to_placed", window_months=36) == (
        196.0,
        980,
        5,
    )


def test_a2_days_authority_to_match(adoption):
    r = results(adoption, ["adoption_days_authority_to_match"], Q)
    assert r[("adoption_days_authority_to_match", Q, None)] == pytest.approx(
        (89.333, 268, 3), rel=1e-4
    )
    assert with_settings(adoption, "adoption_days_authority_to_match", window_months=36) == (
        67.0,
        268,
        4,
    )


def test_catalogue_codes_are_dfe_codes():
    entries = [m for m in catalogue().values() if (m.function or "").startswith("adoption.")]
    assert len(entries) == 5
    lists = {
        "short_breaks": "legal_status",
        "adopted_reasons": "reason_ceased",
        "adoption_placements": "placement",
        "with_current_carer_placements": "placement",
        "carer_change_rne": "rne",
        "authority_legal_statuses": "legal_status",
    }
    for m in entries:
        for name, values in m.settings.items():
            if name in lists:
                assert set(values) <= set(codes(lists[name])), (m.id, name)
