"""Hand-worked fixture for care proceedings open at the quarter's end (children, families, on
track to conclude within 26 weeks).

Quarter 2022-Q1 ends 30 June 2022; 2021-Q4 ends 31 March 2022. Days are counted from the issue
to the last day of the quarter.

Care proceedings (application, child, family, issued -> concluded):
  A1  K1, K2 (siblings)  F1     2022-01-01 -> open
  A2  K3                 F2     2021-12-30 -> open
  A3  K4 (K3's sister)   F2     2022-03-01 -> open        a second application, the same family
  A4  K5, K6 (siblings)  blank  2022-04-10 -> open        no family id: the application is the family
  A5  K7                 F3     2021-06-01 -> 2022-06-30  concluded on the last day of Q1
  A6  K8                 F4     2022-02-01 -> 2022-01-15  concluded before issue: an error, never open
  A7  K9                 F5     2022-07-01 -> open        issued after the end of Q1
  A8  K3 (again)         F2     2022-05-01 -> open        K3 in two open applications
  A9  K10                F6     2021-10-01 -> 2022-04-20
  A10 K11                F7     2022-02-01 -> 2022-05-05

At 30 June 2022 (2022-Q1), open: A1 (K1 K2), A2 (K3), A3 (K4), A4 (K5 K6), A8 (K3).
  Children: K1 K2 K3 K4 K5 K6 = 6 (K3 once).
  Families: F1, F2 (K3 and K4 on two applications), application A4 = 3.
  Days since issue: K1 K2 2022-01-01 -> 180 (Jan 30 + Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30);
  K3 judged on A2, 2021-12-30 -> 182 (exactly 26 weeks: can no longer conclude within);
  K4 2022-03-01 -> 121; K5 K6 2022-04-10 -> 81.
  On track (fewer than 182 days): K1 K2 K4 K5 K6 = 5 of 6 = 83.333%.
At 31 March 2022 (2021-Q4), open: A1 (K1 K2), A2 (K3), A3 (K4), A5 (K7), A9 (K10), A10 (K11).
  Children: K1 K2 K3 K4 K7 K10 K11 = 7. Families: F1 F2 F3 F6 F7 = 5.
  Days: K1 K2 89; K3 91; K4 30; K7 2021-06-01 -> 303; K10 2021-10-01 -> 181; K11 58.
  On track: all but K7 = 6 of 7 = 85.714%.

Permanence (903 episodes: child, DECOM RNE LS PLACE -> DEC REC; adoption record; tracker plan).
Matched with adopters or placed for adoption, looked after at the end:
  P1  2020-01-01 S C2 U4 -> 2022-02-01 X1; 2022-02-01 P E1 A4 -> open   placed for adoption;
      record matched 2022-01-20                                   Q1 yes   Q4 yes
  P2  2021-01-01 S C2 U4 -> open; record matched 2022-05-10       Q1 yes   Q4 no (later)
  P3  2021-01-01 S C2 U4 -> open; record matched 2022-01-10, decision reversed 2022-04-15
                                                                  Q1 no    Q4 yes
  P4  2020-06-01 S C2 U4 -> 2022-05-20 E11 (adopted); record matched 2021-12-01
                                                                  Q1 no    Q4 yes
  P5  2021-03-01 S C2 U4 -> open; no record; tracker adoption matched 2022-06-01
                                                                  Q1 yes   Q4 no
  P6  2021-03-01 S C2 U4 -> open; record with no match; tracker matched 2022-04-01: the record
      covers the child, so the tracker is not read               Q1 no    Q4 no
  P7  no episodes; tracker adoption matched 2022-02-01 (not in care)        never
  P9  2021-03-01 S C2 U4 -> open; tracker matched 2022-01-15, plan ended 2022-05-01
                                                                  Q1 no    Q4 yes
  Q1: P1 P2 P5 = 3. Q4: P1 P3 P4 P9 = 4.
Special guardianship order expected (tracker plan special_guardianship), looked after at the end:
  S1  2021-06-01 S C2 U4 -> open; plan 2022-02-01, expected 2022-08-01   Q1 yes   Q4 yes
  S2  2021-06-01 S C2 U4 -> open; plan 2022-05-01                         Q1 yes   Q4 no
  S3  2021-01-01 S C2 U4 -> 2022-06-10 E45; plan 2021-11-01, order 2022-06-10
                                                                          Q1 no    Q4 yes
  S4  2021-01-01 S C2 U4 -> open; plan 2021-12-01, order 2022-06-30 (the last day: made)
                                                                          Q1 no    Q4 yes
  S5  no episodes; plan 2022-01-01                                        never (not in care)
  S6  2021-06-01 S C2 U4 -> open; child arrangements plan                 never (not SGO)
  S7  2021-06-01 S C2 U4 -> open; plan with no plan date                  Q1 yes   Q4 yes
  Q1: S1 S2 S7 = 3. Q4: S1 S3 S4 S7 = 4.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from measure_fixtures import LA, load, results, with_settings

Q, Q4 = "2022-Q1", "2021-Q4"

PROCEEDINGS = [
    # application, child, family, issued, concluded
    ("A1", "K1", "F1", d(2022, 1, 1), None),
    ("A1", "K2", "F1", d(2022, 1, 1), None),
    ("A2", "K3", "F2", d(2021, 12, 30), None),
    ("A3", "K4", "F2", d(2022, 3, 1), None),
    ("A4", "K5", None, d(2022, 4, 10), None),
    ("A4", "K6", None, d(2022, 4, 10), None),
    ("A5", "K7", "F3", d(2021, 6, 1), d(2022, 6, 30)),
    ("A6", "K8", "F4", d(2022, 2, 1), d(2022, 1, 15)),
    ("A7", "K9", "F5", d(2022, 7, 1), None),
    ("A8", "K3", "F2", d(2022, 5, 1), None),
    ("A9", "K10", "F6", d(2021, 10, 1), d(2022, 4, 20)),
    ("A10", "K11", "F7", d(2022, 2, 1), d(2022, 5, 5)),
]
O = None
EPISODES = [
    # child, decom, rne, ls, place, dec, rec
    ("P1", d(2020, 1, 1), "S", "C2", "U4", d(2022, 2, 1), "X1"),
    ("P1", d(2022, 2, 1), "P", "E1", "A4", O, O),
    ("P2", d(2021, 1, 1), "S", "C2", "U4", O, O),
    ("P3", d(2021, 1, 1), "S", "C2", "U4", O, O),
    ("P4", d(2020, 6, 1), "S", "C2", "U4", d(2022, 5, 20), "E11"),
    ("P5", d(2021, 3, 1), "S", "C2", "U4", O, O),
    ("P6", d(2021, 3, 1), "S", "C2", "U4", O, O),
    ("P9", d(2021, 3, 1), "S", "C2", "U4", O, O),
    ("S1", d(2021, 6, 1), "S", "C2", "U4", O, O),
    ("S2", d(2021, 6, 1), "S", "C2", "U4", O, O),
    ("S3", d(2021, 1, 1), "S", "C2", "U4", d(2022, 6, 10), "E45"),
    ("S4", d(2021, 1, 1), "S", "C2", "U4", O, O),
    ("S6", d(2021, 6, 1), "S", "C2", "U4", O, O),
    ("S7", d(2021, 6, 1), "S", "C2", "U4", O, O),
]
ADOPTIONS = [
    # child, ADM decision, matched, decision reversed
    ("P1", d(2021, 9, 1), d(2022, 1, 20), O),
    ("P2", d(2021, 9, 1), d(2022, 5, 10), O),
    ("P3", d(2021, 9, 1), d(2022, 1, 10), d(2022, 4, 15)),
    ("P4", d(2021, 6, 1), d(2021, 12, 1), O),
    ("P6", d(2021, 12, 1), O, O),
]
PLANS = [
    # child, plan, plan date, matched, order expected, order, plan ended
    ("P5", "adoption", d(2021, 10, 1), d(2022, 6, 1), O, O, O),
    ("P6", "adoption", d(2021, 12, 1), d(2022, 4, 1), O, O, O),
    ("P7", "adoption", d(2021, 10, 1), d(2022, 2, 1), O, O, O),
    ("P9", "adoption", d(2021, 10, 1), d(2022, 1, 15), O, O, d(2022, 5, 1)),
    ("S1", "special_guardianship", d(2022, 2, 1), O, d(2022, 8, 1), O, O),
    ("S2", "special_guardianship", d(2022, 5, 1), O, O, O, O),
    ("S3", "special_guardianship", d(2021, 11, 1), O, O, d(2022, 6, 10), O),
    ("S4", "special_guardianship", d(2021, 12, 1), O, O, d(2022, 6, 30), O),
    ("S5", "special_guardianship", d(2022, 1, 1), O, O, O, O),
    ("S6", "child_arrangements", d(2022, 1, 1), O, O, O, O),
    ("S7", "special_guardianship", O, O, O, O, O),
]
PERMANENCE = ["adoption_matched_or_placed", "sgo_expected"]
IDS = ["care_proceedings_children", "care_proceedings_families", "care_proceedings_on_track_pct"]


def _columns(rows, names):
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


@pytest.fixture
def proceedings(store):
    load(
        store,
        {
            "court_proceedings": canonical(
                "court_proceedings",
                **_columns(
                    PROCEEDINGS,
                    ["proceedings_id", "child_id", "family_id", "issue_date", "conclusion_date"],
                ),
            )
        },
    )
    return store


def test_children_and_families_in_proceedings(proceedings):
    r = results(proceedings, IDS, f"{Q4}:{Q}")
    assert r[("care_proceedings_children", Q, None)][0] == 6
    assert r[("care_proceedings_families", Q, None)][0] == 3
    assert r[("care_proceedings_children", Q4, None)][0] == 7
    assert r[("care_proceedings_families", Q4, None)][0] == 5


def test_on_track_to_conclude_within_26_weeks(proceedings):
    r = results(proceedings, IDS, f"{Q4}:{Q}")
    assert r[("care_proceedings_on_track_pct", Q, None)] == pytest.approx((83.333, 5, 6), rel=1e-4)
    assert r[("care_proceedings_on_track_pct", Q4, None)] == pytest.approx((85.714, 6, 7), rel=1e-4)


def test_the_limit_is_a_setting(proceedings):
    # A 30-week (210-day) limit puts K3 (182 days) back on track: 6 of 6.
    assert with_settings(proceedings, "care_proceedings_on_track_pct", max_days=210) == (
        100.0,
        6,
        6,
    )


def permanence_tables() -> dict:
    return {
        "cla_episodes": canonical(
            "cla_episodes",
            **_columns(EPISODES, ["child_id", "decom", "rne", "ls", "place", "dec", "rec"]),
        ),
        "adoptions": canonical(
            "adoptions",
            **_columns(
                ADOPTIONS,
                ["child_id", "adm_decision_date", "matched_date", "decision_reversed_date"],
            ),
        ),
        "permanence_plans": canonical(
            "permanence_plans",
            **_columns(
                PLANS,
                [
                    "child_id",
                    "plan",
                    "plan_date",
                    "matched_date",
                    "order_expected_date",
                    "order_date",
                    "plan_end_date",
                ],
            ),
        ),
    }


@pytest.fixture
def permanence(store):
    load(store, permanence_tables())
    return store


def test_matched_with_adopters_or_placed_for_adoption(permanence):
    r = results(permanence, PERMANENCE, f"{Q4}:{Q}")
    assert r[("adoption_matched_or_placed", Q, None)][0] == 3
    assert r[("adoption_matched_or_placed", Q4, None)][0] == 4


def test_special_guardianship_orders_expected(permanence):
    r = results(permanence, PERMANENCE, f"{Q4}:{Q}")
    assert r[("sgo_expected", Q, None)][0] == 3
    assert r[("sgo_expected", Q4, None)][0] == 4


def test_the_plans_counted_are_a_setting(permanence):
    # Counting child arrangements plans too adds S6 (in care, plan held): 4.
    assert (
        with_settings(
            permanence, "sgo_expected", plans=["special_guardianship", "child_arrangements"]
        )[0]
        == 4
    )


def test_the_drill_down_lists_families(proceedings):
    from csc_scorecard.measures.members import members

    families = members(proceedings, LA, "care_proceedings_families", Q).to_pylist()
    got = {(r["subject_kind"], r["subject_id"], r["children"]) for r in families}
    assert got == {("family", "F1", 2), ("family", "F2", 2), ("family", "application A4", 2)}


def test_the_drill_down_lists_the_plans(permanence):
    from csc_scorecard.measures.members import members

    expected = members(permanence, LA, "sgo_expected", Q).to_pylist()
    assert sorted((r["subject_id"], r["plan"]) for r in expected) == [
        ("S1", "special_guardianship"),
        ("S2", "special_guardianship"),
        ("S7", "special_guardianship"),
    ]
    matched = members(permanence, LA, "adoption_matched_or_placed", Q).to_pylist()
    assert sorted((r["subject_id"], r["placed_for_adoption"]) for r in matched) == [
        ("P1", True),
        ("P2", False),
        ("P5", False),
    ]
