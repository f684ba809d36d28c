"""Hand-worked fixture for the child protection measures (S47 enquiries, conferences, CP plans).

Quarter 2022-Q1 = 1 April to 30 June 2022 (a Thursday). Its six-month window is 1 January to
30 June 2022 and its twelve-month window 1 July 2021 to 30 June 2022. Bank holidays in play:
27-28 Dec 2021, 3 Jan, 15 and 18 Apr (Easter), 2 May, 2-3 Jun 2022 (Jubilee). Working days are
those after the start up to and including the end (same day = 0). Population aged 0-17: 1,000
for mid-2021, the latest published, so used for every quarter here.

Section 47 enquiries (child, start, ICPC date):
  S1 K1 2022-01-10 2022-01-31  15 working days (Jan 11-14, 17-21, 24-28, 31): within
  S2 K2 2022-04-11 2022-05-05  exactly 15 across Easter and May Day (Apr 12-14 = 3, Apr 19-22 =
                               7, Apr 25-29 = 12, May 3-5 = 15): within (24 calendar days)
  S3 K3 2022-05-23 2022-06-16  16 across the Jubilee (May 24-27 = 4, May 30-Jun 1 = 7, Jun 6-10
                               = 12, Jun 13-16 = 16): not within, although only 24 calendar days
  S4 K4 2022-05-03 2022-05-01  conference dated before the enquiry: in the ICPC total only
  S5 K5 2022-06-20 -           open, no conference yet
  S6 K5 2022-04-04 -           conference not required; K5 has two enquiries in Q1
  S7 K6 2021-12-20 2022-01-07  11 (Dec 21-24 = 4, Dec 29-31 = 7, Jan 4-7 = 11): within; the
                               enquiry is before the six months, its conference inside them
  S8 K7 2022-06-28 2022-07-05  conference after the quarter end
  S9 K8 2021-11-01 2021-12-01  22: not within; before the six months to June
Episode-level conferences (referrals.icpc_date): K9 2022-03-15 (transfer in, no S47) and K2
2022-05-05, the same conference as S2 recorded twice.

  section47_enquiries (Jan-Jun): S1-S6, S8 = 7; section47_enquiries_quarter: S2-S6, S8 = 6.
  section47_children (Q1): K2, K3, K4, K5 (twice), K7 = 5.
  section47_rate_per_10000_annualised (the seed's method) = 7 / 1,000 x 10,000 = 70,
    annualised x 12 / 6 months = 140.
  section47_rate_per_10000 (12 months, Jul 2021-Jun 2022, DfE's full-year basis): S1-S9 = 9
    -> 9 / 1,000 x 10,000 = 90, not annualised (S9, 1 Nov 2021, and S7 are in; S8 too).
  ICPCs held Jan-Jun: S1, S2, S3, S4, S7 and K9 (K2's episode copy is S2) = 6 -> annualised
    rate 60 x 12 / 6 = 120; without episode-level conferences (setting off) 5.
  ICPCs held Jul 2021-Jun 2022: those 6 plus S9 (1 Dec 2021) = 7 -> icpc_rate_per_10000 70
    (S8's conference, 5 Jul 2022, is after the quarter); without episode-level conferences 6.
  icpcs_following_s47 (Q1 enquiries with a conference): S2, S3, S4, S8 = 4.
  icpc_within_15_working_days (conferences held Jan-Jun from S47s): S1, S2, S7 of S1, S2, S3, S4,
    S7 = 3/5 = 60%.
  icpc_within_15_working_days_rolling_12_months (held Jul 2021-Jun 2022, DfE's year when the
    quarter ends on 31 March): those five plus S9 (1 Dec 2021, 22 working days, not within) =
    3/6 = 50%; S8's conference (5 Jul 2022) is after the quarter.

CP plans (child, start, end, initial, latest, NumberOfPreviousCPP); children's sex in brackets:
  P1  K2  (M) 2022-05-05 open       PHY PHY 0
  P2  K3  (F) 2022-06-16 open       EMO EMO 0
  P3  K10 (M) 2020-06-30 open       NEG NEG 0   exactly 2 years old on 30 June 2022
  P4  K11 (F) 2020-07-01 open       NEG EMO 0   a day short of 2 years
  P5  K12 (M) 2020-07-01 2022-06-30 EMO EMO 0   ends on the quarter end: not open at it; lasted
                                                 729 days + the day it ended = 730
  P6  K13 (F) 2020-05-10 2022-05-10 NEG NEG 0   ended after exactly 2 years
  P7  K14 (U) 2022-04-20 open       NEG NEG 0   unborn child (expected 2022-08-01), sex U
  P8  K15 (M) 2019-01-01 2020-06-01 PHY PHY 0
  P9  K15     2022-06-02 open       SAB SAB 1   731 days after P8 ended
  P10 K16 (F) 2021-08-01 2021-12-01 NEG NEG 0
  P11 K16     2022-02-01 open       NEG EMO 0   62 days after P10; count wrongly 0; K16 starts
                                                 two plans in the twelve months
  P12 K17 (-) 2022-03-01 open       MUL MUL 2   earlier plans elsewhere; K17 has no children row
  P13 K18 (M) 2018-03-01 2020-01-16 NEG NEG 0
  P14 K18     2022-01-15 2022-03-31 EMO EMO 1   730 days after P13 ended

  cp_plans_at_period_end (30 June): P1, P2, P3, P4, P7, P9, P11, P12 = 8 children; rate 80.0.
  cp_plans_by_sex: M K2, K10, K15 = 3 (37.5%); F K3, K11, K16 = 3 (37.5%); U K14 (unborn) and
    K17 (no record) = 2 (25%).
  cp_plans_by_category (latest): EMO P2, P4, P11 = 37.5%; NEG P3, P7 = 25%; PHY, SAB, MUL 12.5%
    each. Initial category (setting): NEG P3, P4, P7, P11 = 50%; EMO, PHY, SAB, MUL 12.5% each.
  cp_plans_started (Q1): P1, P7, P9, P2 = 4; cp_plans_ended (Q1): P6, P5 = 2.
  cp_second_plan_ever (starts Jul 2021-Jun 2022: P1, P2, P7, P9, P10, P11, P12, P14 = 8): P9
    (count 1), P12 (count 2), P14 (count 1) = 3/8 = 37.5%. P10, K16's first plan, is not a
    second plan; P11's recorded count is 0 although P10 is in the store: the recorded count
    stands (as DfE counts it) and the load reports one previous_plans_contradicted issue (K16,
    value 0). P14's count 1 agrees with P13; P9's 1 with P8.
  cp_second_plan_within_2_years: P11 (62 days) and P14 (730 days) = 2/8 = 25%; P9 (731 days)
    and P12 (no dated earlier plan) are not.
  cp_plans_ended_2_years_plus (ends Jul 2021-Jun 2022: P5, P6, P10, P14), DfE's rule "more
    than 729 days including the day of cessation" (end - start + 1 > 729): P5 730 (a day
    short of its second anniversary, but counted), P6 731 = 2/4 = 50%; P10 123, P14 76.
  cp_plans_open_2_years_plus (30 June): P3 = 1 (P4 is a day short).

Visits (latest on or before 30 June; 10 working days before 30 June is 16 June):
  K2 1 and 16 Jun (10, in) · K3 15 Jun (11, out) · K10 25 Mar, 30 Jun (0, in) and 4 Jul
  (ignored) · K11 only 1 Jul, after the quarter end, so no visit (out) · K14 20 Jun (8, in) ·
  K15 6 Jun (18, out) · K16 29 Jun (1, in) · K17 22 Jun (6, in)
  cp_visits_in_timescale = K2, K10, K14, K16, K17 = 5/8 = 62.5%.

Reviews (first due 3 months after the start, then 6 months after the previous; cohort: plans
open at 30 June that started on or before 30 March 2022 = P3, P4, P11, P12):
  P3  30 Sep 2020 (due 30 Sep, on the day), 30 Mar 2021 (due 30 Mar), 28 Sep 2021 (due 30 Sep),
      25 Mar 2022 (due 28 Mar); next due 25 Sep 2022: in timescale
  P4  1 Oct 2020 (due 1 Oct), 5 Apr 2021 (due 1 Apr: late), 1 Oct 2021, 30 Mar 2022: not
  P11 29 Apr 2022 (due 1 May); next due 29 Oct: in timescale. K16's review of P10 (25 Oct
      2021) belongs to the other plan and is not matched.
  P12 no review by 30 June (one on 5 Jul is after the end); first was due 1 Jun: overdue, not
  cp_reviews_in_timescale = 2/4 = 50%.

Earlier quarters (several at once):
  2021-Q4 (Jan-Mar 2022; six months Oct 2021-Mar 2022): enquiries S9, S7, S1 = 3 in six months,
    S1 = 1 in the quarter; conferences S9 (22, out), S7, S1 = 2/3. On a plan at 31 March: P3,
    P4, P5, P6, P11, P12 = 6 (P14 ends on 31 March). Visits: K10 on 25 Mar (4) = 1/6. Reviews
    (started by 31 Dec 2021: P3, P4, P5, P6): P3 only (P5, P6 never reviewed) = 1/4.
  2021-Q3 (Oct-Dec 2021): enquiries S9, S7 = 2 in the quarter; on a plan at 31 December: P3,
    P4, P5, P6 = 4 (P10 ended 1 Dec); no plan started (0), P10 ended (1).
"""

from __future__ import annotations

from datetime import date as d

import ibis
import pyarrow as pa
import pytest
from conftest import canonical
from measure_fixtures import LA, load, load_population, results

from csc_scorecard.measures.context import Context, Settings
from csc_scorecard.measures.engine import compute
from csc_scorecard.model.periods import parse_periods

Q = "2022-Q1"
SIX_MONTHS = 2.0  # the engine's annualising factor for 1 Jan - 30 Jun 2022 (12 / 6 months)

PLANS = [
    # child, start, end, initial, latest, previous
    ("K2", d(2022, 5, 5), None, "PHY", "PHY", 0),
    ("K3", d(2022, 6, 16), None, "EMO", "EMO", 0),
    ("K10", d(2020, 6, 30), None, "NEG", "NEG", 0),
    ("K11", d(2020, 7, 1), None, "NEG", "EMO", 0),
    ("K12", d(2020, 7, 1), d(2022, 6, 30), "EMO", "EMO", 0),
    ("K13", d(2020, 5, 10), d(2022, 5, 10), "NEG", "NEG", 0),
    ("K14", d(2022, 4, 20), None, "NEG", "NEG", 0),
    ("K15", d(2019, 1, 1), d(2020, 6, 1), "PHY", "PHY", 0),
    ("K15", d(2022, 6, 2), None, "SAB", "SAB", 1),
    ("K16", d(2021, 8, 1), d(2021, 12, 1), "NEG", "NEG", 0),
    ("K16", d(2022, 2, 1), None, "NEG", "EMO", 0),
    ("K17", d(2022, 3, 1), None, "MUL", "MUL", 2),
    ("K18", d(2018, 3, 1), d(2020, 1, 16), "NEG", "NEG", 0),
    ("K18", d(2022, 1, 15), d(2022, 3, 31), "EMO", "EMO", 1),
]

REVIEWS = [
    # child, plan start, review
    ("K10", d(2020, 6, 30), d(2020, 9, 30)),
    ("K10", d(2020, 6, 30), d(2021, 3, 30)),
    ("K10", d(2020, 6, 30), d(2021, 9, 28)),
    ("K10", d(2020, 6, 30), d(2022, 3, 25)),
    ("K11", d(2020, 7, 1), d(2020, 10, 1)),
    ("K11", d(2020, 7, 1), d(2021, 4, 5)),
    ("K11", d(2020, 7, 1), d(2021, 10, 1)),
    ("K11", d(2020, 7, 1), d(2022, 3, 30)),
    ("K16", d(2021, 8, 1), d(2021, 10, 25)),
    ("K16", d(2022, 2, 1), d(2022, 4, 29)),
    ("K17", d(2022, 3, 1), d(2022, 7, 5)),
]

VISITS = [
    ("K2", d(2022, 6, 1)),
    ("K2", d(2022, 6, 16)),
    ("K3", d(2022, 6, 15)),
    ("K10", d(2022, 3, 25)),
    ("K10", d(2022, 6, 30)),
    ("K10", d(2022, 7, 4)),
    ("K11", d(2022, 7, 1)),
    ("K14", d(2022, 6, 20)),
    ("K15", d(2022, 6, 6)),
    ("K16", d(2022, 6, 29)),
    ("K17", d(2022, 6, 22)),
]


def _columns(rows: list[tuple], names: list[str]) -> dict[str, list]:
    return {n: list(v) for n, v in zip(names, zip(*rows, strict=True), strict=True)}


@pytest.fixture
def protection(store):
    load(
        store,
        {
            "children": canonical(
                "children",
                child_id=["K2", "K3", "K10", "K11", "K12", "K13", "K14", "K15", "K16", "K18"],
                sex=["M", "F", "M", "F", "M", "F", "U", "M", "F", "M"],
                date_of_birth=[d(2015, 1, 1)] * 6 + [None] + [d(2012, 3, 3)] * 3,
                expected_date_of_birth=[None] * 6 + [d(2022, 8, 1)] + [None] * 3,
            ),
            "section47s": canonical(
                "section47s",
                child_id=["K1", "K2", "K3", "K4", "K5", "K5", "K6", "K7", "K8"],
                start_date=[
                    d(2022, 1, 10),
                    d(2022, 4, 11),
                    d(2022, 5, 23),
                    d(2022, 5, 3),
                    d(2022, 6, 20),
                    d(2022, 4, 4),
                    d(2021, 12, 20),
                    d(2022, 6, 28),
                    d(2021, 11, 1),
                ],
                icpc_date=[
                    d(2022, 1, 31),
                    d(2022, 5, 5),
                    d(2022, 6, 16),
                    d(2022, 5, 1),
                    None,
                    None,
                    d(2022, 1, 7),
                    d(2022, 7, 5),
                    d(2021, 12, 1),
                ],
                icpc_not_required=[False, False, False, False, False, True, False, False, False],
            ),
            "referrals": canonical(
                "referrals",
                child_id=["K9", "K2"],
                referral_date=[d(2022, 2, 20), d(2022, 4, 8)],
                referral_source=["10", "6"],
                referral_nfa=[False, False],
                icpc_date=[d(2022, 3, 15), d(2022, 5, 5)],
            ),
            "cp_plans": canonical(
                "cp_plans",
                **_columns(
                    PLANS,
                    [
                        "child_id",
                        "start_date",
                        "end_date",
                        "initial_category",
                        "latest_category",
                        "previous_plans",
                    ],
                ),
            ),
            "cp_reviews": canonical(
                "cp_reviews", **_columns(REVIEWS, ["child_id", "plan_start_date", "review_date"])
            ),
            "cp_visits": canonical("cp_visits", **_columns(VISITS, ["child_id", "visit_date"])),
        },
    )
    load_population(store, [(LA, 2020, 950.0), (LA, 2021, 1_000.0)])
    return store


def test_section47_enquiries_and_conferences(protection):
    ids = [
        "section47_enquiries",
        "section47_enquiries_quarter",
        "section47_children",
        "section47_rate_per_10000",
        "section47_rate_per_10000_annualised",
        "icpc_rate_per_10000",
        "icpc_rate_per_10000_annualised",
        "icpcs_following_s47",
        "icpc_within_15_working_days",
        "icpc_within_15_working_days_rolling_12_months",
    ]
    r = results(protection, ids, Q)
    assert r[("section47_enquiries", Q, None)] == (7, 7, None)
    assert r[("section47_enquiries_quarter", Q, None)][0] == 6
    assert r[("section47_children", Q, None)][0] == 5
    annualised = r[("section47_rate_per_10000_annualised", Q, None)]
    assert annualised == pytest.approx((70 * SIX_MONTHS, 7, 1_000))
    assert annualised[0] == pytest.approx(140.0)
    # The figure DfE's rate is compared with: a 12-month count, never annualised.
    assert r[("section47_rate_per_10000", Q, None)] == pytest.approx((90.0, 9, 1_000))
    assert r[("icpc_rate_per_10000_annualised", Q, None)] == pytest.approx(
        (60 * SIX_MONTHS, 6, 1_000)
    )
    assert r[("icpc_rate_per_10000", Q, None)] == pytest.approx((70.0, 7, 1_000))
    assert r[("icpcs_following_s47", Q, None)][0] == 4
    assert r[("icpc_within_15_working_days", Q, None)] == (60.0, 3, 5)
    assert r[("icpc_within_15_working_days_rolling_12_months", Q, None)] == (50.0, 3, 6)


def test_plans_at_the_quarter_end(protection):
    ids = [
        "cp_plans_at_period_end",
        "cp_rate_per_10000",
        "cp_plans_by_sex",
        "cp_plans_by_category",
        "cp_plans_open_2_years_plus",
    ]
    r = results(protection, ids, Q)
    assert r[("cp_plans_at_period_end", Q, None)][0] == 8  # P5 ends on 30 June: not counted
    assert r[("cp_rate_per_10000", Q, None)] == (80.0, 8, 1_000)
    assert {k[2]: v for k, v in r.items() if k[0] == "cp_plans_by_sex"} == {
        "M": (37.5, 3, 8),
        "F": (37.5, 3, 8),
        "U": (25.0, 2, 8),
    }
    assert {k[2]: v for k, v in r.items() if k[0] == "cp_plans_by_category"} == {
        "EMO": (37.5, 3, 8),
        "NEG": (25.0, 2, 8),
        "PHY": (12.5, 1, 8),
        "SAB": (12.5, 1, 8),
        "MUL": (12.5, 1, 8),
    }
    assert r[("cp_plans_open_2_years_plus", Q, None)][0] == 1  # P3, exactly two years


def test_plans_started_ended_and_repeated(protection):
    ids = [
        "cp_plans_started",
        "cp_plans_ended",
        "cp_second_plan_ever",
        "cp_second_plan_within_2_years",
        "cp_plans_ended_2_years_plus",
    ]
    r = results(protection, ids, Q)
    assert r[("cp_plans_started", Q, None)][0] == 4
    assert r[("cp_plans_ended", Q, None)][0] == 2  # P5 ending on the quarter end is an end in it
    assert r[("cp_second_plan_ever", Q, None)] == (37.5, 3, 8)  # P11's recorded 0 stands
    issues = protection.con.execute(
        """SELECT rule, child_id, field, value, severity, table_name, message FROM dq_issues
           WHERE rule = 'previous_plans_contradicted'"""
    ).fetchall()
    assert issues == [
        (
            "previous_plans_contradicted",
            "K16",
            "NumberOfPreviousCPP",
            "0",
            "warning",
            "cp_plans",
            (
                "NumberOfPreviousCPP is 0 but the store holds 1 earlier plan for this child; "
                "the measures use the recorded count: correct it at source"
            ),
        )
    ]
    assert r[("cp_second_plan_within_2_years", Q, None)] == (25.0, 2, 8)  # 730 days in, 731 out
    assert r[("cp_plans_ended_2_years_plus", Q, None)] == (50.0, 2, 4)  # P5 (730 days), P6


def test_visits_and_reviews_in_timescale(protection):
    r = results(protection, ["cp_visits_in_timescale", "cp_reviews_in_timescale"], Q)
    assert r[("cp_visits_in_timescale", Q, None)] == (62.5, 5, 8)
    assert r[("cp_reviews_in_timescale", Q, None)] == (50.0, 2, 4)


def test_settings_change_the_definition(protection):
    """Run-time overrides: initial category instead of latest, no episode-level conferences,
    a 2-working-day visit standard, and a one-year look-back for repeat plans."""
    overrides = {
        "cp_plans_by_category": {"category": "initial"},
        "icpc_rate_per_10000": {"include_episode_icpcs": False},
        "icpc_rate_per_10000_annualised": {"include_episode_icpcs": False},
        "cp_visits_in_timescale": {"working_days": 2},
        "cp_second_plan_within_2_years": {"within_days": 365},
    }
    ctx = Context(
        ibis.duckdb.from_connection(protection.con),
        [LA],
        parse_periods(Q),
        Settings(overrides=overrides),
    )
    out = compute(ctx, list(overrides))
    r = {
        (row["measure"], row["dimension"]): (row["value"], row["numerator"], row["denominator"])
        for row in out.to_pylist()
    }
    assert r[("cp_plans_by_category", "NEG")] == (50.0, 4, 8)
    assert r[("cp_plans_by_category", "EMO")] == (12.5, 1, 8)
    assert r[("icpc_rate_per_10000_annualised", None)] == pytest.approx((50 * SIX_MONTHS, 5, 1_000))
    assert r[("icpc_rate_per_10000", None)] == pytest.approx((60.0, 6, 1_000))
    assert r[("cp_visits_in_timescale", None)] == (25.0, 2, 8)  # K10 (0) and K16 (1)
    assert r[("cp_second_plan_within_2_years", None)] == (12.5, 1, 8)  # P11 only


def test_several_quarters_at_once(protection):
    ids = [
        "section47_enquiries",
        "section47_enquiries_quarter",
        "icpc_within_15_working_days",
        "cp_plans_at_period_end",
        "cp_rate_per_10000",
        "cp_plans_started",
        "cp_plans_ended",
        "cp_visits_in_timescale",
        "cp_reviews_in_timescale",
    ]
    r = results(protection, ids, "2021-Q3:2022-Q1")
    assert r[("section47_enquiries", "2021-Q4", None)][0] == 3
    assert r[("section47_enquiries_quarter", "2021-Q4", None)][0] == 1
    assert r[("section47_enquiries_quarter", "2021-Q3", None)][0] == 2
    assert r[("section47_enquiries_quarter", Q, None)][0] == 6
    assert r[("icpc_within_15_working_days", "2021-Q4", None)][1:] == (2, 3)
    assert r[("icpc_within_15_working_days", Q, None)][1:] == (3, 5)
    assert [r[("cp_plans_at_period_end", p, None)][0] for p in ("2021-Q3", "2021-Q4", Q)] == [
        4,
        6,
        8,
    ]
    assert r[("cp_rate_per_10000", "2021-Q4", None)] == (60.0, 6, 1_000)
    assert r[("cp_plans_started", "2021-Q3", None)][0] == 0  # no plan started: filled with 0
    assert r[("cp_plans_ended", "2021-Q3", None)][0] == 1
    assert r[("cp_visits_in_timescale", "2021-Q4", None)][1:] == (1, 6)
    assert r[("cp_reviews_in_timescale", "2021-Q4", None)] == (25.0, 1, 4)
    assert r[("cp_reviews_in_timescale", Q, None)] == (50.0, 2, 4)


def test_plans_lasting_two_years_on_dfe_day_count(store):
    """DfE D7 "2 years or more": more than 729 days including the day of cessation
    (end - start + 1 > 729; LAIT CPPlans2yrs, standards.md 7). Plans ending Jul 2021-Jun 2022:
      Z1 2020-07-01 to 2022-06-30  729 days apart + 1 = 730 > 729: counts
      Z2 2020-07-01 to 2022-06-29  728 + 1 = 729, not more than 729: does not
      Z3 2020-05-10 to 2022-05-10  730 + 1 = 731: counts
      Z4 2022-04-01 to 2022-04-01  a one-day plan: 1
    -> 2 of 4 = 50%.
    """
    load(
        store,
        {
            "cp_plans": canonical(
                "cp_plans",
                child_id=["Z1", "Z2", "Z3", "Z4"],
                start_date=[d(2020, 7, 1), d(2020, 7, 1), d(2020, 5, 10), d(2022, 4, 1)],
                end_date=[d(2022, 6, 30), d(2022, 6, 29), d(2022, 5, 10), d(2022, 4, 1)],
            )
        },
    )
    r = results(store, ["cp_plans_ended_2_years_plus"], Q)
    assert r[("cp_plans_ended_2_years_plus", Q, None)] == (50.0, 2, 4)


def test_a_blank_previous_plan_count_falls_back_on_the_store(store):
    """NumberOfPreviousCPP blank: an earlier plan in the store decides; a blank is not a
    contradiction, so no previous_plans_contradicted issue. Plans starting Jul 2021-Jun 2022:
      B2 X1 2022-05-01 count blank, X1's B1 (2020-01-01 to 2020-06-01) stored: a second plan
      B3 X2 2022-05-02 count blank, nothing earlier: not
      B4 X3 2022-05-03 count 0, nothing earlier: not
    -> 1 of 3 = 33.3%.
    """
    load(
        store,
        {
            "cp_plans": canonical(
                "cp_plans",
                child_id=["X1", "X1", "X2", "X3"],
                start_date=[d(2020, 1, 1), d(2022, 5, 1), d(2022, 5, 2), d(2022, 5, 3)],
                end_date=[d(2020, 6, 1), None, None, None],
                previous_plans=[0, None, None, 0],
            )
        },
    )
    r = results(store, ["cp_second_plan_ever"], Q)
    assert r[("cp_second_plan_ever", Q, None)] == pytest.approx((100 / 3, 1, 3))
    count = "SELECT count(*) FROM dq_issues WHERE rule = 'previous_plans_contradicted'"
    assert store.con.execute(count).fetchone() == (0,)


def test_a_count_contradicted_by_an_earlier_load_is_an_issue_of_the_new_load(store):
    """Last year's return holds Y1's plan of 2019; this year's records Y1's new plan with
    NumberOfPreviousCPP 0: one issue, on this year's load and its file, and the count stands."""
    from csc_scorecard.model.batch import LoadBatch

    load(
        store,
        {
            "cp_plans": canonical(
                "cp_plans",
                child_id=["Y1"],
                start_date=[d(2019, 4, 1)],
                end_date=[d(2019, 12, 1)],
                previous_plans=[0],
            )
        },
    )
    new = canonical("cp_plans", child_id=["Y1"], start_date=[d(2022, 4, 4)], previous_plans=[0])
    new = new.append_column("source_row", pa.array([7], pa.int32()))
    batch = LoadBatch("fixture-2023", LA, None, None, ["cin_2023.xml"], {"cp_plans": new})
    (second,) = store.load([batch])
    issues = store.con.execute(
        """SELECT load_id, file, "row", child_id, value FROM dq_issues
           WHERE rule = 'previous_plans_contradicted'"""
    ).fetchall()
    assert issues == [(second, "cin_2023.xml", 7, "Y1", "0")]
    r = results(store, ["cp_second_plan_ever"], Q)
    assert r[("cp_second_plan_ever", Q, None)] == (0.0, 0, 1)
