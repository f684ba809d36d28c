"""Hand-worked fixture for the demand measures (referrals, assessments, children in need).

Quarter 2022-Q1 = 1 April to 30 June 2022; its six-month window is 1 January to 30 June 2022.

Referrals (child, date, source, NFA, closed, reason):
  R1 C1 2021-05-10  6   no  2021-08-01 RC7
  R2 C1 2022-04-20  6   no  open              in Q1; C1's R1 is within 12 months -> re-referral
  R3 C2 2021-04-19  2A  no  2021-05-01 RC8
  R4 C2 2022-04-20  2A  no  2022-05-30 RC8    in Q1; R3 is one day more than 12 months before
                                               (12 months before = 2021-04-20) -> not a re-referral
  R5 C3 2022-05-01  6   yes 2022-05-01 RC8    in Q1; NFA, so not an episode of need
  R6 C4 2022-06-30  3A  no  open              in Q1, on the last day
  R7 C5 2020-01-15  8   no  open              open 2 years or more at 30 June 2022
  R8 C6 2021-10-01  6   no  open              open 6-12 months (began after 2021-06-30, by 2021-12-30)
  R9 C7 2021-03-01  1A  no  open              open 12-24 months

Referrals in Q1: R2, R4, R5, R6 = 4; police (6) 2 = 50%, schools (2A) 1 = 25%, GP (3A) 1 = 25%.
Re-referrals: R2 only = 1/4 = 25%.
Re-referrals over the 12 months to 30 June 2022 (1 July 2021 - 30 June 2022; DfE's year when the
  quarter ends on 31 March): referrals R8 (C6, 1 Oct 2021), R2, R4, R5, R6 = 5 (R1 10 May 2021
  and R3 19 April 2021 are before the window, but still count as earlier referrals); re-referral
  R2 only (R4's R3 is a day too early, as above) = 1/5 = 20%.
Children in need at 30 June (episodes open, NFA excluded): C1, C4, C5, C6, C7 = 5.
  Population 0-17 for mid-2021 is 10,000 (mid-2022 not yet published, so the latest is used):
  CIN rate = 5 / 10,000 x 10,000 = 5.0.
Children in need during the six months: C1, C2 (R4), C4, C5, C6, C7 = 6 (R1, R3 closed before).
  CIN plans: C1 from 2022-05-01 (open), C5 2020-02-01 to 2021-12-31 (before the window),
  C6 2022-01-01 to 2022-02-01 (in the window) -> with a plan: C1, C6 = 2/6 = 33.3%.
Open episodes at 30 June by length: R2 and R6 under 6 months, R8 6-12, R9 12-24, R7 2+:
  each band 1/5 = 20%.

Assessments (child, start, authorised, support needed):
  A1 C1 2022-04-21 2022-04-21 yes   0 working days
  A2 C2 2022-04-20 2022-06-24 blank 44 working days (April 7, May 21 without 2 May, June 16
                                    without the Jubilee holidays 2-3 June); R4 closed RC8 -> no support
  A3 C7 2022-01-04 2022-03-31 yes   62 working days (Jan 19, Feb 20, Mar 23); authorised in Q4
  A4 C6 2022-05-03 open
  A5 C2 2022-06-01 2022-05-31 no    authorised before it started: -1, never "within"
Started in Q1: A1, A2, A4, A5 = 4; in six months also A3 = 5. Authorised in Q1: A1, A2, A5 = 3.
Within 45 working days, six months: A1, A2 of A1, A2, A3, A5 = 2/4 = 50%; in Q1: 2/3 = 66.7%.
Within 20 working days in Q1: A1 only = 1/3. No further support in Q1: A2 (RC8), A5 = 2/3.

Current plan at 30 June (children in need at the end with a completed assessment in the open
episode): C1 (A1 authorised) and C7 (A3 authorised); C4, C5 have no assessment and C6's is open.
C1 has a CIN plan open; C7's child protection plan ended on 30 June, so it is not current:
1/2 = 50%.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from measure_fixtures import load, load_population, results

Q = "2022-Q1"


@pytest.fixture
def demand(store):
    load(
        store,
        {
            "referrals": canonical(
                "referrals",
                child_id=["C1", "C1", "C2", "C2", "C3", "C4", "C5", "C6", "C7"],
                referral_date=[
                    d(2021, 5, 10),
                    d(2022, 4, 20),
                    d(2021, 4, 19),
                    d(2022, 4, 20),
                    d(2022, 5, 1),
                    d(2022, 6, 30),
                    d(2020, 1, 15),
                    d(2021, 10, 1),
                    d(2021, 3, 1),
                ],
                referral_source=["6", "6", "2A", "2A", "6", "3A", "8", "6", "1A"],
                referral_nfa=[False, False, False, False, True, False, False, False, False],
                closure_date=[
                    d(2021, 8, 1),
                    None,
                    d(2021, 5, 1),
                    d(2022, 5, 30),
                    d(2022, 5, 1),
                    None,
                    None,
                    None,
                    None,
                ],
                closure_reason=["RC7", None, "RC8", "RC8", "RC8", None, None, None, None],
            ),
            "cin_plans": canonical(
                "cin_plans",
                child_id=["C1", "C5", "C6"],
                start_date=[d(2022, 5, 1), d(2020, 2, 1), d(2022, 1, 1)],
                end_date=[None, d(2021, 12, 31), d(2022, 2, 1)],
            ),
            "cp_plans": canonical(
                "cp_plans", child_id=["C7"], start_date=[d(2021, 6, 1)], end_date=[d(2022, 6, 30)]
            ),
            "assessments": canonical(
                "assessments",
                child_id=["C1", "C2", "C7", "C6", "C2"],
                referral_date=[
                    d(2022, 4, 20),
                    d(2022, 4, 20),
                    d(2021, 3, 1),
                    d(2021, 10, 1),
                    d(2022, 4, 20),
                ],
                start_date=[
                    d(2022, 4, 21),
                    d(2022, 4, 20),
                    d(2022, 1, 4),
                    d(2022, 5, 3),
                    d(2022, 6, 1),
                ],
                authorised_date=[
                    d(2022, 4, 21),
                    d(2022, 6, 24),
                    d(2022, 3, 31),
                    None,
                    d(2022, 5, 31),
                ],
                further_support_needed=[True, None, True, None, False],
            ),
        },
    )
    load_population(store, [("999", 2020, 9_000.0), ("999", 2021, 10_000.0)])
    return store


def test_referrals_and_sources(demand):
    ids = ["referrals", "referral_sources", "rereferrals_within_12_months"]
    r = results(demand, [*ids, "rereferrals_within_12_months_rolling_12_months"], Q)
    assert r[("referrals", Q, None)] == (4, 4, None)
    assert r[("referral_sources", Q, "6")] == (50.0, 2, 4)
    assert r[("referral_sources", Q, "2A")] == (25.0, 1, 4)
    assert r[("referral_sources", Q, "3A")] == (25.0, 1, 4)
    assert r[("rereferrals_within_12_months", Q, None)] == (25.0, 1, 4)
    assert r[("rereferrals_within_12_months_rolling_12_months", Q, None)] == (20.0, 1, 5)


def test_assessments(demand):
    ids = [
        "assessments_started",
        "assessments_started_6_months",
        "assessments_completed",
        "assessments_within_45_working_days",
        "assessments_within_45_working_days_quarter",
        "single_assessments_within_20_working_days",
        "assessments_no_further_support",
    ]
    r = results(demand, ids, Q)
    assert r[("assessments_started", Q, None)][0] == 4
    assert r[("assessments_started_6_months", Q, None)][0] == 5
    assert r[("assessments_completed", Q, None)][0] == 3
    assert r[("assessments_within_45_working_days", Q, None)] == (50.0, 2, 4)
    assert r[("assessments_within_45_working_days_quarter", Q, None)] == pytest.approx(
        (66.667, 2, 3), rel=1e-4
    )
    assert r[("single_assessments_within_20_working_days", Q, None)][1:] == (1, 3)
    assert r[("assessments_no_further_support", Q, None)][1:] == (2, 3)


def test_children_in_need(demand):
    ids = [
        "children_in_need",
        "cin_rate_per_10000",
        "children_in_need_6_months",
        "children_in_need_with_cin_plan",
        "cin_open_6_to_12_months",
        "cin_open_12_to_24_months",
        "cin_open_2_years_plus",
        "cin_with_current_plan",
    ]
    r = results(demand, ids, Q)
    assert r[("children_in_need", Q, None)][0] == 5
    assert r[("cin_rate_per_10000", Q, None)] == (5.0, 5, 10_000)
    assert r[("children_in_need_6_months", Q, None)][0] == 6
    assert r[("children_in_need_with_cin_plan", Q, None)][1:] == (2, 6)
    for band in ("cin_open_6_to_12_months", "cin_open_12_to_24_months", "cin_open_2_years_plus"):
        assert r[(band, Q, None)] == (20.0, 1, 5), band
    assert r[("cin_with_current_plan", Q, None)] == (50.0, 1, 2)


def test_periods_are_computed_together_and_empty_ones_filled(demand):
    r = results(demand, ["referrals", "rereferrals_within_12_months"], "2021-Q1:2022-Q1")
    # 2021-Q1 (Apr-Jun 2021): R1 (10 May) and R3 (19 Apr); neither child was referred before.
    assert r[("referrals", "2021-Q1", None)][0] == 2
    assert r[("rereferrals_within_12_months", "2021-Q1", None)][1:] == (0, 2)
    # 2021-Q2 and 2021-Q4 had no referrals: a count of 0, and a percentage with no data.
    assert r[("referrals", "2021-Q2", None)][0] == 0
    assert r[("rereferrals_within_12_months", "2021-Q2", None)] == (None, None, None)


def test_a_same_day_duplicate_is_one_referral_in_every_referral_measure(store):
    """Issue 18: `referrals` and the re-referral denominator count a child's referrals on one
    date the same way, once.

    Q1 2022/23 (1 April - 30 June 2022); population 0-17 for mid-2021: 10,000.
      D1 C1 2021-09-01  6   (the twelve months before C1's referrals below)
      D2 C1 2022-05-09  6   \\ one referral recorded twice (the load reports duplicate_key):
      D3 C1 2022-05-09  2A  /  counted once, the row kept the first by source ("2A" < "6")
      D4 C2 2022-06-01  6
    referrals (Q1) = C1 9 May, C2 1 Jun = 2 (not 3); sources 2A 1/2, 6 1/2.
    rereferrals_within_12_months: C1 9 May (D1 within 12 months) = 1 of 2 = 50%; the
      denominator equals the referral count.
    referrals_rate_per_10000 (12 months, Jul 2021 - Jun 2022): D1, C1 9 May, D4 = 3 -> 3 /
      10,000 x 10,000 = 3.0.
    """
    load(
        store,
        {
            "referrals": canonical(
                "referrals",
                child_id=["C1", "C1", "C1", "C2"],
                referral_date=[d(2021, 9, 1), d(2022, 5, 9), d(2022, 5, 9), d(2022, 6, 1)],
                referral_source=["6", "6", "2A", "6"],
            )
        },
    )
    load_population(store, [("999", 2021, 10_000.0)])
    ids = ["referrals", "referral_sources", "rereferrals_within_12_months"]
    r = results(store, [*ids, "referrals_rate_per_10000"], Q)
    assert r[("referrals", Q, None)] == (2, 2, None)
    assert r[("referral_sources", Q, "2A")] == (50.0, 1, 2)
    assert r[("referral_sources", Q, "6")] == (50.0, 1, 2)
    assert r[("rereferrals_within_12_months", Q, None)] == (50.0, 1, 2)
    assert r[("referrals_rate_per_10000", Q, None)] == pytest.approx((3.0, 3, 10_000))


def test_assessment_timeliness_over_dfes_year(store):
    """assessments_within_45_working_days_rolling_12_months: the assessments authorised in the
    12 months to the end of the quarter (DfE's year when the quarter ends on 31 March), beside
    the six-month and quarter figures the seed prints.

    Q1 2022/23: quarter 1 April - 30 June 2022; six months from 1 January 2022; 12 months from
    1 July 2021. Working days after the start up to and including the authorisation.
      B1 C1 start 2021-09-01 authorised 2021-09-01    0 working days: within; 12 months only
      B2 C2 start 2021-06-01 authorised 2021-10-29  107 (June 2-30 = 21, July 22, August 21
                                                     without the 30 August bank holiday,
                                                     September 22, October 1-29 = 21): not
                                                     within; 12 months only
      B3 C3 start 2022-02-01 authorised 2022-02-01    0: within; six months and 12 months
      B4 C4 start 2021-05-04 authorised 2021-06-30  authorised the day before the 12 months
    12 months: B1, B3 within of B1, B2, B3 = 2/3 = 66.7%. Six months: B3 = 1/1 = 100%.
    Quarter: none authorised, no figure.
    """
    load(
        store,
        {
            "assessments": canonical(
                "assessments",
                child_id=["C1", "C2", "C3", "C4"],
                start_date=[d(2021, 9, 1), d(2021, 6, 1), d(2022, 2, 1), d(2021, 5, 4)],
                authorised_date=[d(2021, 9, 1), d(2021, 10, 29), d(2022, 2, 1), d(2021, 6, 30)],
            )
        },
    )
    ids = [
        "assessments_within_45_working_days_rolling_12_months",
        "assessments_within_45_working_days",
        "assessments_within_45_working_days_quarter",
    ]
    r = results(store, ids, Q)
    assert r[(ids[0], Q, None)] == pytest.approx((66.667, 2, 3), rel=1e-4)
    assert r[(ids[1], Q, None)] == (100.0, 1, 1)
    assert r[(ids[2], Q, None)] == (None, None, None)


def test_referral_rows_keep_the_first_row_of_each_child_and_date(store):
    """referral_rows keeps one row per authority, child and referral date: the first by source
    (an empty source last), then closure date; an empty child or date is one key, as in the
    window's partitions (only the repeated keys are ordered, the rest kept as they are).
      C1 2022-05-09: sources 6, (none), 2A           -> 2A
      C1 2022-05-10: 6 once                          -> 6
      (no child) 2022-05-09: 6, 1A                   -> 1A
      C2 (no date): 3A closed 2022-06-01, 3A closed 2022-05-01, 3A open -> closed 2022-05-01
    """
    import ibis

    from csc_scorecard.measures.context import Context
    from csc_scorecard.measures.functions.demand import referral_rows
    from csc_scorecard.model.periods import parse_periods

    load(
        store,
        {
            "referrals": canonical(
                "referrals",
                child_id=["C1", "C1", "C1", "C1", None, None, "C2", "C2", "C2"],
                referral_date=[d(2022, 5, 9)] * 3
                + [d(2022, 5, 10)]
                + [d(2022, 5, 9)] * 2
                + [None] * 3,
                referral_source=["6", None, "2A", "6", "6", "1A", "3A", "3A", "3A"],
                closure_date=[None] * 6 + [d(2022, 6, 1), d(2022, 5, 1), None],
            )
        },
    )
    ctx = Context(ibis.duckdb.from_connection(store.con), ["999"], parse_periods(Q))
    rows = ctx.backend.to_pyarrow(referral_rows(ctx)).to_pylist()
    kept = sorted(
        (str(r["child_id"]), str(r["referral_date"]), r["referral_source"], str(r["closure_date"]))
        for r in rows
    )
    assert kept == [
        ("C1", "2022-05-09", "2A", "None"),
        ("C1", "2022-05-10", "6", "None"),
        ("C2", "None", "3A", "2022-05-01"),
        ("None", "2022-05-09", "1A", "None"),
    ]
