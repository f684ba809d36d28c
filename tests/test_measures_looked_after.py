"""Hand-worked fixture for the children looked after measures (903 episodes, reviews, missing,
UASC) and care proceedings.

Quarter 2022-Q1 = 1 April to 30 June 2022. Six-month window: 1 January to 30 June 2022.
Twelve-month window: 1 July 2021 to 30 June 2022. 12 months before the end: 30 June 2021;
30 months: 30 December 2019; 24 months: 30 June 2020.

Episodes (DECOM RNE LS PLACE PROVIDER -> DEC REC):
C1  DOB 2010-01-01
    2019-03-01 S C1 U6 PR1 -> 2020-05-01 X1
    2020-05-01 L C2 U6 PR1 -> 2021-01-04 X1        L: legal status only
    2021-01-04 T C2 U4 PR1 -> open                 in-house fostering; T: same carer, now long term
C2  2021-08-02 S V2 U6 PR4 -> 2021-11-01 X1
    2021-11-01 L C1 U6 PR4 -> 2022-02-01 X1        L: legal status only
    2022-02-01 P C1 U4 PR5 -> open                 IFA; placements in 12 months: S, P = 2 (3 if L
                                                    were wrongly counted)
C3  2021-10-04 S V2 U6 PR1 -> 2022-01-10 X1
    2022-01-10 P V2 U6 PR1 -> 2022-04-04 X1
    2022-04-04 T V2 U4 PR1 -> open                 in-house; S, P, T = 3 placements
C4  DOB 2008-05-05; left and came back
    2020-01-06 S C2 U6 PR1 -> 2021-09-30 E4A       ceased before the six months
    2022-02-14 S C1 P1 PR0 -> open                 started again in the six months (not the
                                                    quarter); placed with parents; period of care
                                                    from 2022-02-14, so not 12+ months; placements:
                                                    the one held on 1 July 2021 + S = 2
C5  UASC; 2021-06-30 S V2 K2 PR4 -> open           external residential; 12+ months exactly (began
                                                    on 30 June 2021); 1 placement; missing type A only
C6  UASC ceased (DUC 2022-05-01); 2021-11-15 S V2 H5 PR4 -> open   supported accommodation
C7  short breaks: 2022-04-04 S V3 U6 PR1 -> 2022-04-06 E8; 2022-06-20 S V3 U6 PR1 -> open
    left out of every count (starts, ceases, at the end)
C8  short breaks: 2021-01-04 S V4 K2 PR1 -> open    left out
C9  2021-12-01 S C1 U6 PR4 -> 2022-06-30 E45       ended on the quarter's last day: not looked after
                                                    at the end; ceased in the quarter, by SGO
C10 2022-01-10 S V2 R1 PR5 -> 2022-06-30 X1
    2022-06-30 P V2 K2 PR1 -> open                 X1 on the last day: looked after once, not a
                                                    cease; in-house residential; S, P = 2 placements
C11 2020-03-02 S C1 U6 PR1 -> 2020-09-01 X1; 2020-09-01 L E1 U6 PR1 -> 2021-06-01 X1;
    2021-06-01 P E1 A6 PR1 -> 2022-05-20 E11       adopted in the quarter
C12 2021-05-01 S V2 U3 PR1 -> 2022-02-28 E41       child arrangements order, in the six months only
C13 UASC; 2022-04-11 S V2 U6 PR4 -> 2022-05-16 E4A started and ceased in the quarter
C14 2022-01-04 S V2 U6 PR1 -> 2022-02-01 E4A
    2022-03-01 S V2 U6 PR1 -> 2022-04-29 E47       started twice and ceased twice in the six months:
                                                    once each; last cease E47 (SGO)
C16 DOB 2012-06-01; 2018-09-03 S C2 U4 PR4 -> 2021-03-01 X1; 2021-03-01 P C2 U4 PR5 -> open
                                                    IFA; new carer since March 2021: not stable
C17 DOB 2017-02-01; 2019-05-01 S C1 U6 PR1 -> 2019-11-04 X1; 2019-11-04 L E1 U6 PR1 -> 2022-03-07 X1;
    2022-03-07 P E1 A6 PR1 -> open                 placed for adoption with a new carer; the
                                                    previous carer from 2019-05-01: stable (A3-A6
                                                    rule); placements: held + P = 2
C18 DOB 2006-06-30 (16 on the last day); 2017-04-03 S C2 U4 PR1 -> open   in-house; not under 16
C19 UASC (DUC 2022-07-15, after the end); 2022-05-03 S L1 U6 PR2 -> open  other fostering
C20 DOB 2009-09-09; 2021-01-04 S C2 U6 PR1 -> 2021-12-06 X1; 2021-12-06 P C2 U4 PR4 -> 2022-06-27 X1;
    2022-06-27 T C2 T1 -- -> open                  temporary move: "other"; held + P + T = 3
C21 2022-06-13 S V2 U6 PR4 -> open                 IFA; started in the quarter

Looked after at 30 June: C1 C2 C3 C4 C5 C6 C10 C16 C17 C18 C19 C20 C21 = 13
  (population 0-17 mid-2021 = 26,000 -> 5.0 per 10,000). At 31 March 2022 (2021-Q4): C1 C2 C3
  C4 C5 C6 C9 C10 C11 C14 (second period) C16 C17 C18 C20 = 14.
By placement: independent_fostering C2 C16 C21 = 3; in_house_fostering C1 C3 C18 = 3;
  other_fostering C19; external_residential C5; in_house_residential C10;
  supported_accommodation C6; placed_with_parents C4; placed_for_adoption C17; other C20.
12 months or longer: C1 C5 C16 C17 C18 C20 = 6. UASC at the end: C5, C19 = 2.
Starts, six months: C4 C10 C13 C14 C19 C21 = 6; quarter: C13 C19 C21 = 3.
Ceases, six months: C9 C11 C12 C13 C14 = 5; quarter: C9 C11 C13 C14 = 4.
  Last cease: C9 E45, C11 E11, C12 E41, C13 E4A, C14 E47 -> adopted 1/5 = 20%,
  SGO 2/5 = 40%, child arrangements 1/5 = 20%.
Ceases, 12 months (1 July 2021 - 30 June 2022, DfE's year when the quarter ends on 31 March):
  those five and C4 (2021-09-30 E4A, before the six months) = 6 -> adopted C11 1/6 = 16.67%,
  SGO C9 and C14 2/6 = 33.33%, child arrangements C12 1/6 = 16.67%. C7's short break (E8) is
  left out; X1 ends (C1, C2, C3, C10, C11, C17, C20) are changes within care, not ceases.
3+ placements in 12 months: C3, C20 of 13 = 15.38%.
Long-term stability: under 16 and in care since 30 Dec 2019 or earlier: C1, C16, C17 (C18 turns 16
  on the last day) -> stable C1 (same carer since 2019: L and T continue) and C17 (adoption rule)
  = 2/3. Under NI 63's "same placement" (T and U also break), C1's run starts 2021-01-04: 1/3.
Missing (M) starting in the quarter: C2 (twice), C20 (30 June) = 2; C5's A and C10's 31 March
  episode are not counted.

Reviews (12 months; first review due on the 20th working day). The authority's earliest review
is 2021-05-20 (C16): periods begun before it (C1 C16 C17 C18 C20) have unknown earlier reviews,
so their first stored review is not judged and the rest are 6-monthly.
  C1  2021-05-25 (not judged), 2021-11-15 (due 11-25), 2022-05-10 (due 05-15); next 2022-11-10 ok
  C2  first due 2021-08-31: 2021-08-26 ok; 2021-11-30 late (due 2021-11-26)             FAIL
  C3  due 2021-11-01: 2021-10-28 ok; 2022-01-20 (due 01-28) ok; next 2022-07-20         ok
  C4  due 2022-03-14: 2022-03-10 ok; 2022-06-08 (due 06-10) ok; the 2021-08-01 review belongs to
      the earlier period and is ignored (counted, it would make 2022-03-10 late)         ok
  C5  due 2021-07-28: 07-22, 2021-10-20 (due 10-22), 2022-04-12 (due 04-20)             ok
  C6  due 2021-12-13: none held                                                          FAIL
  C10 due 2022-02-07: held on the day; 2022-05-05 (due 05-07)                            ok
  C16 2021-05-20 (not judged), 2021-11-18 (due 11-20), 2022-05-17 (due 05-18)            ok
  C17 none held; history from 2021-05-20, so next due 2021-11-20                        FAIL
  C18 2021-08-10 (not judged), 2022-02-08 (due 02-10); next 2022-08-08                   ok
  C19 due 2022-05-31: held 2022-06-01                                                    FAIL
  C20 2021-06-28 (not judged), 2021-12-20 (due 12-28); next due 2022-06-20, none held   FAIL
  C21 first review due 2022-07-11, after the end: not in the measure
  -> 7 of 12 = 58.33%.

Care proceedings concluded in the quarter (issue -> conclusion, days):
  A1 K1, K2 (siblings) 2021-12-01 -> 2022-05-31  181  within
  A2 K3                2021-11-29 -> 2022-05-30  182  within (26 weeks exactly)
  A3 K4                2021-11-01 -> 2022-06-15  226
  A4 K5                2022-01-10 -> 2022-03-31       previous quarter
  A5 K6                2022-02-01 -> open
  A6 K7                2022-06-20 -> 2022-06-10       concluded before issue: an error, not within
  Per child 3/5 = 60%; per application (A1 A2 of A1 A2 A3 A6) 2/4 = 50%.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from measure_fixtures import LA, load, load_population, results, with_settings

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.functions.looked_after import CONTINUES, STARTED
from csc_scorecard.model.codes import codes

Q = "2022-Q1"

O = None  # open episode
EPISODES = [
    # child, decom, rne, ls, place, provider, dec, rec
    ("C1", d(2019, 3, 1), "S", "C1", "U6", "PR1", d(2020, 5, 1), "X1"),
    ("C1", d(2020, 5, 1), "L", "C2", "U6", "PR1", d(2021, 1, 4), "X1"),
    ("C1", d(2021, 1, 4), "T", "C2", "U4", "PR1", O, None),
    ("C2", d(2021, 8, 2), "S", "V2", "U6", "PR4", d(2021, 11, 1), "X1"),
    ("C2", d(2021, 11, 1), "L", "C1", "U6", "PR4", d(2022, 2, 1), "X1"),
    ("C2", d(2022, 2, 1), "P", "C1", "U4", "PR5", O, None),
    ("C3", d(2021, 10, 4), "S", "V2", "U6", "PR1", d(2022, 1, 10), "X1"),
    ("C3", d(2022, 1, 10), "P", "V2", "U6", "PR1", d(2022, 4, 4), "X1"),
    ("C3", d(2022, 4, 4), "T", "V2", "U4", "PR1", O, None),
    ("C4", d(2020, 1, 6), "S", "C2", "U6", "PR1", d(2021, 9, 30), "E4A"),
    ("C4", d(2022, 2, 14), "S", "C1", "P1", "PR0", O, None),
    ("C5", d(2021, 6, 30), "S", "V2", "K2", "PR4", O, None),
    ("C6", d(2021, 11, 15), "S", "V2", "H5", "PR4", O, None),
    ("C7", d(2022, 4, 4), "S", "V3", "U6", "PR1", d(2022, 4, 6), "E8"),
    ("C7", d(2022, 6, 20), "S", "V3", "U6", "PR1", O, None),
    ("C8", d(2021, 1, 4), "S", "V4", "K2", "PR1", O, None),
    ("C9", d(2021, 12, 1), "S", "C1", "U6", "PR4", d(2022, 6, 30), "E45"),
    ("C10", d(2022, 1, 10), "S", "V2", "R1", "PR5", d(2022, 6, 30), "X1"),
    ("C10", d(2022, 6, 30), "P", "V2", "K2", "PR1", O, None),
    ("C11", d(2020, 3, 2), "S", "C1", "U6", "PR1", d(2020, 9, 1), "X1"),
    ("C11", d(2020, 9, 1), "L", "E1", "U6", "PR1", d(2021, 6, 1), "X1"),
    ("C11", d(2021, 6, 1), "P", "E1", "A6", "PR1", d(2022, 5, 20), "E11"),
    ("C12", d(2021, 5, 1), "S", "V2", "U3", "PR1", d(2022, 2, 28), "E41"),
    ("C13", d(2022, 4, 11), "S", "V2", "U6", "PR4", d(2022, 5, 16), "E4A"),
    ("C14", d(2022, 1, 4), "S", "V2", "U6", "PR1", d(2022, 2, 1), "E4A"),
    ("C14", d(2022, 3, 1), "S", "V2", "U6", "PR1", d(2022, 4, 29), "E47"),
    ("C16", d(2018, 9, 3), "S", "C2", "U4", "PR4", d(2021, 3, 1), "X1"),
    ("C16", d(2021, 3, 1), "P", "C2", "U4", "PR5", O, None),
    ("C17", d(2019, 5, 1), "S", "C1", "U6", "PR1", d(2019, 11, 4), "X1"),
    ("C17", d(2019, 11, 4), "L", "E1", "U6", "PR1", d(2022, 3, 7), "X1"),
    ("C17", d(2022, 3, 7), "P", "E1", "A6", "PR1", O, None),
    ("C18", d(2017, 4, 3), "S", "C2", "U4", "PR1", O, None),
    ("C19", d(2022, 5, 3), "S", "L1", "U6", "PR2", O, None),
    ("C20", d(2021, 1, 4), "S", "C2", "U6", "PR1", d(2021, 12, 6), "X1"),
    ("C20", d(2021, 12, 6), "P", "C2", "U4", "PR4", d(2022, 6, 27), "X1"),
    ("C20", d(2022, 6, 27), "T", "C2", "T1", None, O, None),
    ("C21", d(2022, 6, 13), "S", "V2", "U6", "PR4", O, None),
]

CHILDREN = [
    # child, date of birth, uasc, date ceased to be UASC
    ("C1", d(2010, 1, 1), False, None),
    ("C2", d(2011, 3, 3), False, None),
    ("C3", d(2015, 7, 7), False, None),
    ("C4", d(2008, 5, 5), False, None),
    ("C5", d(2005, 8, 1), True, None),
    ("C6", d(2005, 1, 1), True, d(2022, 5, 1)),
    ("C10", d(2007, 2, 2), False, None),
    ("C13", d(2006, 4, 4), True, None),
    ("C16", d(2012, 6, 1), False, None),
    ("C17", d(2017, 2, 1), False, None),
    ("C18", d(2006, 6, 30), False, None),
    ("C19", d(2006, 9, 1), True, d(2022, 7, 15)),
    ("C20", d(2009, 9, 9), False, None),
    ("C21", d(2010, 10, 10), False, None),
]

REVIEWS = [
    ("C1", d(2021, 5, 25)),
    ("C1", d(2021, 11, 15)),
    ("C1", d(2022, 5, 10)),
    ("C2", d(2021, 8, 26)),
    ("C2", d(2021, 11, 30)),
    ("C3", d(2021, 10, 28)),
    ("C3", d(2022, 1, 20)),
    ("C4", d(2021, 8, 1)),
    ("C4", d(2022, 3, 10)),
    ("C4", d(2022, 6, 8)),
    ("C5", d(2021, 7, 22)),
    ("C5", d(2021, 10, 20)),
    ("C5", d(2022, 4, 12)),
    ("C10", d(2022, 2, 7)),
    ("C10", d(2022, 5, 5)),
    ("C16", d(2021, 5, 20)),
    ("C16", d(2021, 11, 18)),
    ("C16", d(2022, 5, 17)),
    ("C18", d(2021, 8, 10)),
    ("C18", d(2022, 2, 8)),
    ("C19", d(2022, 6, 1)),
    ("C20", d(2021, 6, 28)),
    ("C20", d(2021, 12, 20)),
]

MISSING = [
    ("C2", "M", d(2022, 4, 10)),
    ("C2", "M", d(2022, 5, 1)),
    ("C5", "A", d(2022, 5, 5)),
    ("C10", "M", d(2022, 3, 31)),
    ("C20", "M", d(2022, 6, 30)),
]

PROCEEDINGS = [
    # application, child, issued, concluded
    ("A1", "K1", d(2021, 12, 1), d(2022, 5, 31)),
    ("A1", "K2", d(2021, 12, 1), d(2022, 5, 31)),
    ("A2", "K3", d(2021, 11, 29), d(2022, 5, 30)),
    ("A3", "K4", d(2021, 11, 1), d(2022, 6, 15)),
    ("A4", "K5", d(2022, 1, 10), d(2022, 3, 31)),
    ("A5", "K6", d(2022, 2, 1), None),
    ("A6", "K7", d(2022, 6, 20), d(2022, 6, 10)),
]


def _columns(rows, names):
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


@pytest.fixture
def looked_after(store):
    load(
        store,
        {
            "cla_episodes": canonical(
                "cla_episodes",
                **_columns(
                    EPISODES,
                    ["child_id", "decom", "rne", "ls", "place", "place_provider", "dec", "rec"],
                ),
            ),
            "children": canonical(
                "children",
                **_columns(CHILDREN, ["child_id", "date_of_birth", "uasc", "uasc_ceased_date"]),
            ),
            "cla_reviews": canonical(
                "cla_reviews", **_columns(REVIEWS, ["child_id", "review_date"])
            ),
            "missing_episodes": canonical(
                "missing_episodes", **_columns(MISSING, ["child_id", "missing_type", "start_date"])
            ),
            "court_proceedings": canonical(
                "court_proceedings",
                **_columns(
                    PROCEEDINGS, ["proceedings_id", "child_id", "issue_date", "conclusion_date"]
                ),
            ),
        },
    )
    load_population(store, [(LA, 2020, 25_000.0), (LA, 2021, 26_000.0)])
    return store


def test_looked_after_at_the_end(looked_after):
    ids = [
        "cla_at_period_end",
        "cla_rate_per_10000",
        "cla_12_months_plus",
        "cla_uasc_at_period_end",
    ]
    r = results(looked_after, ids, "2021-Q4:2022-Q1")
    assert r[("cla_at_period_end", Q, None)][0] == 13
    assert r[("cla_at_period_end", "2021-Q4", None)][0] == 14
    assert r[("cla_rate_per_10000", Q, None)] == (5.0, 13, 26_000)
    assert r[("cla_12_months_plus", Q, None)][0] == 6
    assert r[("cla_uasc_at_period_end", Q, None)][0] == 2


def test_starts_and_ceases(looked_after):
    ids = ["cla_starts", "cla_starts_quarter", "cla_ceases", "cla_ceases_quarter"]
    r = results(looked_after, ids, Q)
    assert r[("cla_starts", Q, None)][0] == 6
    assert r[("cla_starts_quarter", Q, None)][0] == 3
    assert r[("cla_ceases", Q, None)][0] == 5
    assert r[("cla_ceases_quarter", Q, None)][0] == 4


def test_placement_groups(looked_after):
    r = results(looked_after, ["cla_by_placement"], Q)
    got = {dim: v[0] for (measure, period, dim), v in r.items()}
    assert got == {
        "independent_fostering": 3,
        "in_house_fostering": 3,
        "other_fostering": 1,
        "external_residential": 1,
        "in_house_residential": 1,
        "supported_accommodation": 1,
        "placed_with_parents": 1,
        "placed_for_adoption": 1,
        "other": 1,
    }
    assert sum(got.values()) == 13  # every child looked after at the end in exactly one group


def test_ceased_by_route(looked_after):
    r = results(
        looked_after, ["cla_ceased_adopted_pct", "cla_ceased_sgo_pct", "cla_ceased_cao_pct"], Q
    )
    assert r[("cla_ceased_adopted_pct", Q, None)] == (20.0, 1, 5)
    assert r[("cla_ceased_sgo_pct", Q, None)] == (40.0, 2, 5)
    assert r[("cla_ceased_cao_pct", Q, None)] == (20.0, 1, 5)
    year = [f"{m}_rolling_12_months" for m in ("cla_ceased_adopted_pct", "cla_ceased_sgo_pct")]
    r = results(looked_after, [*year, "cla_ceased_cao_pct_rolling_12_months"], Q)
    assert r[("cla_ceased_adopted_pct_rolling_12_months", Q, None)] == pytest.approx(
        (16.667, 1, 6), rel=1e-4
    )
    assert r[("cla_ceased_sgo_pct_rolling_12_months", Q, None)] == pytest.approx(
        (33.333, 2, 6), rel=1e-4
    )
    assert r[("cla_ceased_cao_pct_rolling_12_months", Q, None)] == pytest.approx(
        (16.667, 1, 6), rel=1e-4
    )


def test_stability(looked_after):
    r = results(looked_after, ["cla_three_plus_placements", "cla_long_term_stability"], Q)
    assert r[("cla_three_plus_placements", Q, None)] == pytest.approx((15.385, 2, 13), rel=1e-4)
    assert r[("cla_long_term_stability", Q, None)] == pytest.approx((66.667, 2, 3), rel=1e-4)


def test_reviews_in_timescale(looked_after):
    r = results(looked_after, ["cla_reviews_in_timescale"], Q)
    assert r[("cla_reviews_in_timescale", Q, None)] == pytest.approx((58.333, 7, 12), rel=1e-4)


def test_missing_children(looked_after):
    r = results(looked_after, ["cla_missing_children"], Q)
    assert r[("cla_missing_children", Q, None)][0] == 2


def test_care_proceedings(looked_after):
    r = results(looked_after, ["care_proceedings_within_26_weeks"], Q)
    assert r[("care_proceedings_within_26_weeks", Q, None)] == (60.0, 3, 5)


def test_settings_change_the_definition(looked_after):
    # Cafcass counts applications: A1 and A2 within, of A1, A2, A3 and A6.
    assert with_settings(
        looked_after, "care_proceedings_within_26_weeks", count_by="application"
    ) == (50.0, 2, 4)
    # Missing and away together: C5's away episode adds a third child.
    assert with_settings(looked_after, "cla_missing_children", missing_types=["M", "A"])[0] == 3
    # NI 63's "same placement": C1's T move in January 2021 starts a new run (18 months).
    assert with_settings(
        looked_after, "cla_long_term_stability", carer_change_rne=["P", "B", "T", "U"]
    )[1:] == (1, 3)
    # Counting L as a placement (wrong) would give C2 three placements.
    assert with_settings(
        looked_after, "cla_three_plus_placements", new_placement_rne=["S", "P", "B", "T", "U", "L"]
    )[1:] == (3, 13)


def test_short_breaks_and_the_last_day(looked_after):
    """Short breaks only when the setting says so; an X1 or a cease on the last day."""
    # Without the short-break exclusion C7 (V3, open) and C8 (V4) are looked after at the end.
    assert with_settings(looked_after, "cla_at_period_end", short_breaks=[])[0] == 15
    # C9 ceased on 30 June (counted as a cease, not looked after); C10's X1 that day is neither.
    r = results(looked_after, ["cla_ceases_quarter"], Q)
    assert r[("cla_ceases_quarter", Q, None)][0] == 4


def test_catalogue_codes_are_dfe_codes():
    """Every code a looked-after measure's settings name is in the DfE code list it belongs to."""
    lists = {
        "short_breaks": "legal_status",
        "reasons": "reason_ceased",
        "new_placement_rne": "rne",
        "carer_change_rne": "rne",
        "with_current_carer_placements": "placement",
        "adoption_placements": "placement",
        "missing_types": "missing_type",
    }
    entries = [m for m in catalogue().values() if (m.function or "").startswith("looked_after.")]
    assert len(entries) == 20  # 17, and the three ceased-by-reason 12-month variants
    for m in entries:
        for name, values in m.settings.items():
            if name in lists:
                assert set(values) <= set(codes(lists[name])), (m.id, name)
            if name == "placement_groups":
                for g in values:
                    assert set(g["place"]) <= set(codes("placement")), (m.id, g)
                    assert set(g.get("provider", [])) <= set(codes("placement_provider")), (m.id, g)
    assert STARTED in codes("rne") and CONTINUES in codes("reason_ceased")


def test_three_plus_placements_counts_as_dfe_does(store):
    """Placements of 24 hours or more; adoption with the existing foster carers is no change.

    A second authority (998), 12 months to 30 June 2022 (1 July 2021 - 30 June 2022):
    P1 2021-08-02 S U4 PR1 -> 2021-12-01 X1; 2021-12-01 P U4 PR4 -> 2022-03-01 X1;
       2022-03-01 P A5 PR4 -> open   placed for adoption with the current foster carer (A5
       straight after fostering U4): not a change -> S, P = 2 (3 if it were one)
    P2 2021-09-06 S U4 PR1 -> 2021-09-06 E8 (home the same day); 2021-11-01 S U6 PR1 ->
       2022-01-10 X1; 2022-01-10 P U4 PR4 -> open   the first placement ended the day it began:
       under 24 hours -> S, P = 2 (3 if it counted)
    P3 2021-07-05 S U4 PR1 -> 2021-10-01 X1; 2021-10-01 P U6 PR2 -> 2022-02-01 X1;
       2022-02-01 P U4 PR4 -> open   3 placements of a day or more -> counted
    P4 2020-01-06 S U4 PR1 -> open   1 placement (held on the first day)
    -> 1 of 4 = 25%. Without both rules P1, P2, P3 = 3/4 = 75%; without the 24-hour rule
    P2, P3 = 50%; without the adoption rule P1, P3 = 50%.
    """
    rows = [
        ("P1", d(2021, 8, 2), "S", "U4", "PR1", d(2021, 12, 1), "X1"),
        ("P1", d(2021, 12, 1), "P", "U4", "PR4", d(2022, 3, 1), "X1"),
        ("P1", d(2022, 3, 1), "P", "A5", "PR4", O, None),
        ("P2", d(2021, 9, 6), "S", "U4", "PR1", d(2021, 9, 6), "E8"),
        ("P2", d(2021, 11, 1), "S", "U6", "PR1", d(2022, 1, 10), "X1"),
        ("P2", d(2022, 1, 10), "P", "U4", "PR4", O, None),
        ("P3", d(2021, 7, 5), "S", "U4", "PR1", d(2021, 10, 1), "X1"),
        ("P3", d(2021, 10, 1), "P", "U6", "PR2", d(2022, 2, 1), "X1"),
        ("P3", d(2022, 2, 1), "P", "U4", "PR4", O, None),
        ("P4", d(2020, 1, 6), "S", "U4", "PR1", O, None),
    ]
    child, decom, rne, place, provider, dec, rec = (list(c) for c in zip(*rows, strict=True))
    episodes = canonical(
        "cla_episodes",
        child_id=child,
        decom=decom,
        rne=rne,
        ls=["C2"] * len(rows),
        place=place,
        place_provider=provider,
        dec=dec,
        rec=rec,
    )
    load(store, {"cla_episodes": episodes}, la_code="998")
    measure = "cla_three_plus_placements"
    got = results(store, [measure], Q, la_code="998")[(measure, Q, None)]
    assert got == (25.0, 1, 4)

    def without(**overrides) -> tuple:
        return with_settings(store, measure, la_code="998", **overrides)

    assert without(same_carer_adoption_places=[]) == (50.0, 2, 4)
    assert without(min_placement_days=0) == (50.0, 2, 4)
    assert without(same_carer_adoption_places=[], min_placement_days=0) == (75.0, 3, 4)
