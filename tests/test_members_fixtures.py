"""Member rows on the hand-worked measure fixtures: the children, workers and teams each figure
counted, worked out by hand in the fixtures' docstrings (tests/test_measures_*.py and
tests/workforce_fixture.py), in quarter 2022-Q1 (1 April to 30 June 2022).

Demand (test_measures_demand.py): referrals in Q1 are R2 C1, R4 C2, R5 C3 and R6 C4; only C1's
R2 is a re-referral. Assessments authorised in the six months: A1 C1 0 working days, A2 C2 44,
A5 C2 -1 (authorised before it started) and A3 C7 62: A1 and A2 are within 45. Referral
sources: police (6) R2 C1 and R5 C3 of the four. Children in need at 30 June: C1 C4 C5 C6 C7,
a rate per 10,000 whose denominator is the population, not rows.

Protection (test_measures_protection.py): conferences from S47s held Jan-Jun: S1 K1 15 working
days, S2 K2 15, S7 K6 11 within; S3 K3 16 and S4 K4 (before its enquiry) not. Plans at 30 June
by sex: U = K14 (unborn) and K17 (no children row) of 8 children.

Looked after (test_measures_looked_after.py): by placement at 30 June, independent fostering
C2 C16 C21; rows of other groups are in neither part. 3+ placements: C3 and C20 of 13.

Adoption (test_measures_adoption.py): days from care to placed (A10): A1 456, A2 28, A5 183,
A8 126, averaged over 4 (sum 793); A6 has no placement and is not a member.

Care leavers (test_measures_care_leavers.py), collection year 2023: in touch Y1 Y2 Y10 Y11 Y12
Y13 Y17 of those aged 19-21 without DIED/RHOM (adding Y3 NO, Y9 REFU, Y14 NREQ); staying put:
Y2 and Y11 of Y1 Y2 Y10 Y11; the cohort count: 14 recorded and Z1, Z5 still to come.

Workforce (workforce_fixture.py): at 30 June A4 (25 cases) and A6 (20) hold 20 or more; the
highest caseload is A4's 25; the widest span T2, 47 cases for 1 manager; agency FTE A4 1.0 of
10.5 FTE in post; turnover: the one leaver L1, 0.8 FTE, over an average 105.8 / 12 FTE. Children's team and worker: A6-01 is allocated to A6, who moved from T2 to
T3 on 16 May, so at 30 June T3; L1-OPEN is still allocated to L1, who left on 31 May (last post
T3); a child with no allocation has neither. A worker or team recorded on the event itself
(EV1's referral by A7, in T2; EV2's by A6 for team T9) comes first.
"""

from __future__ import annotations

from datetime import date as d

import pytest
from conftest import canonical
from measure_fixtures import LA
from test_measures_adoption import adoption  # noqa: F401  (fixtures)
from test_measures_care_leavers import care_leavers  # noqa: F401
from test_measures_demand import demand  # noqa: F401
from test_measures_looked_after import looked_after  # noqa: F401
from test_measures_protection import protection  # noqa: F401
from workforce_fixture import load_fixture

from csc_scorecard.measures.members import NoMembers, members, totals
from csc_scorecard.model.batch import LoadBatch

Q = "2022-Q1"


def rows(store, measure_id: str, **kw) -> list[dict]:
    return members(store, LA, measure_id, Q, **kw).to_pylist()


def meta(store, measure_id: str, **kw) -> dict[str, str]:
    t = members(store, LA, measure_id, Q, **kw)
    return {k.decode(): v.decode() for k, v in t.schema.metadata.items()}


# --- demand ---------------------------------------------------------------------------------


def test_referrals_are_the_counted_rows(demand):  # noqa: F811
    got = rows(demand, "referrals")
    assert [(r["subject_id"], r["referral_date"]) for r in got] == [
        ("C1", d(2022, 4, 20)),
        ("C2", d(2022, 4, 20)),
        ("C3", d(2022, 5, 1)),
        ("C4", d(2022, 6, 30)),
    ]
    assert all(r["in_numerator"] and not r["in_denominator"] for r in got)
    assert {r["subject_kind"] for r in got} == {"child"}
    assert {r["team"] for r in got} == {None}  # no allocations in this fixture


def test_rereferrals_flag_the_numerator(demand):  # noqa: F811
    got = rows(demand, "rereferrals_within_12_months")
    assert [(r["subject_id"], r["in_numerator"], r["in_denominator"]) for r in got] == [
        ("C1", True, True),
        ("C2", False, True),
        ("C3", False, True),
        ("C4", False, True),
    ]
    assert got[0]["reason"] == "referred before within 12 months (earlier date)"
    assert got[1]["reason"] == "not referred before within 12 months (earlier date)"


def test_assessments_show_working_days(demand):  # noqa: F811
    got = rows(demand, "assessments_within_45_working_days")
    assert sorted((r["subject_id"], r["working_days"], r["in_numerator"]) for r in got) == [
        ("C1", 0, True),
        ("C2", -1, False),
        ("C2", 44, True),
        ("C7", 62, False),
    ]
    a2 = next(r for r in got if r["working_days"] == 44)
    assert (a2["start_date"], a2["authorised_date"]) == (d(2022, 4, 20), d(2022, 6, 24))
    assert totals(members(demand, LA, "assessments_within_45_working_days", Q)) == (2.0, 4.0)


def test_one_breakdown_value_keeps_the_shared_denominator(demand):  # noqa: F811
    got = rows(demand, "referral_sources", dimension="6")
    assert [(r["subject_id"], r["in_numerator"], r["in_denominator"]) for r in got] == [
        ("C1", True, True),
        ("C3", True, True),
        ("C2", False, True),
        ("C4", False, True),
    ]
    assert got[2]["reason"] == "referral_source 2A: in the denominator only"
    assert totals(members(demand, LA, "referral_sources", Q, dimension="6")) == (2.0, 4.0)


def test_a_rate_has_the_population_as_denominator(demand):  # noqa: F811
    t = members(demand, LA, "cin_rate_per_10000", Q)
    assert sorted(t["subject_id"].to_pylist()) == ["C1", "C4", "C5", "C6", "C7"]
    assert totals(t) == (5.0, None)
    m = meta(demand, "cin_rate_per_10000")
    assert m["denominator_from"] == "population"
    assert m["denominator_is"] == "the 0-17 population (not member rows)"
    assert m["denominator"] == "10000.0"  # mid-2021, the latest published
    assert (m["window_start"], m["window_end"]) == ("2022-06-30", "2022-06-30")


# --- protection -----------------------------------------------------------------------------


def test_conference_timeliness(protection):  # noqa: F811
    got = rows(protection, "icpc_within_15_working_days")
    assert sorted((r["subject_id"], r["working_days"], r["in_numerator"]) for r in got) == [
        ("K1", 15, True),
        ("K2", 15, True),
        ("K3", 16, False),
        ("K4", -1, False),  # conference dated before the enquiry: in the total only
        ("K6", 11, True),
    ]


def test_plans_by_sex_one_value(protection):  # noqa: F811
    t = members(protection, LA, "cp_plans_by_sex", Q, dimension="U")
    assert sorted(t.filter(t["in_numerator"])["subject_id"].to_pylist()) == ["K14", "K17"]
    assert totals(t) == (2.0, 8.0)


# --- looked after ---------------------------------------------------------------------------


def test_a_count_by_breakdown_keeps_only_that_value(looked_after):  # noqa: F811
    t = members(looked_after, LA, "cla_by_placement", Q, dimension="independent_fostering")
    assert t["subject_id"].to_pylist() == ["C16", "C2", "C21"]
    assert set(t["dimension"].to_pylist()) == {"independent_fostering"}
    assert totals(t) == (3.0, None)


def test_three_placements(looked_after):  # noqa: F811
    t = members(looked_after, LA, "cla_three_plus_placements", Q)
    got = {r["subject_id"]: r["placements"] for r in t.to_pylist() if r["in_numerator"]}
    assert got == {"C3": 3, "C20": 3}
    assert totals(t) == (2.0, 13.0)


# --- adoption -------------------------------------------------------------------------------


def test_an_average_sums_the_days(adoption):  # noqa: F811
    t = members(adoption, LA, "adoption_days_care_to_placed", Q)
    assert {r["subject_id"]: r["days"] for r in t.to_pylist()} == {
        "A1": 456,
        "A2": 28,
        "A5": 183,
        "A8": 126,
    }
    assert totals(t) == (793.0, 4.0)
    m = meta(adoption, "adoption_days_care_to_placed")
    assert m["numerator_is"] == "sum of days over rows with in_numerator"
    assert m["denominator_is"] == "rows with in_denominator"


# --- care leavers ---------------------------------------------------------------------------


def test_care_leavers_in_touch(care_leavers):  # noqa: F811
    got = {
        r["subject_id"]: (r["in_numerator"], r["in_touch"])
        for r in rows(care_leavers, "care_leavers_in_touch")
    }
    assert got == {
        **{y: (True, "YES") for y in ("Y1", "Y2", "Y10", "Y11", "Y12", "Y13", "Y17")},
        "Y3": (False, "NO"),
        "Y9": (False, "REFU"),
        "Y14": (False, "NREQ"),
    }


def test_staying_put_and_the_cohort(care_leavers):  # noqa: F811
    got = {r["subject_id"]: r["in_numerator"] for r in rows(care_leavers, "staying_put_19_20")}
    assert got == {"Y1": False, "Y2": True, "Y10": False, "Y11": True}
    cohort = sorted(r["subject_id"] for r in rows(care_leavers, "care_leavers_cohort"))
    assert cohort == sorted(
        ["Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Y9", "Y10", "Y11", "Y12", "Y13", "Y14", "Y17"]
        + ["Z1", "Z5"]
    )


# --- workforce and people -------------------------------------------------------------------


@pytest.fixture
def workforce(store):
    load_fixture(store)
    return store


def test_workers_at_or_above_a_caseload(workforce):
    got = rows(workforce, "workers_caseload_20_plus")
    assert [(r["subject_kind"], r["subject_id"], r["cases"], r["team"]) for r in got] == [
        ("worker", "A4", 25, "T2"),
        ("worker", "A6", 20, "T3"),
    ]


def test_the_highest_caseload_and_widest_span(workforce):
    t = members(workforce, LA, "caseload_max", Q)
    assert t.num_rows == 9  # every front-line case holder
    assert t.filter(t["in_numerator"])["subject_id"].to_pylist() == ["A4"]
    assert totals(t) == (25.0, None)
    t = members(workforce, LA, "team_manager_span_max", Q)
    top = t.filter(t["in_numerator"]).to_pylist()
    assert [(r["subject_kind"], r["subject_id"], r["cases"], r["managers"]) for r in top] == [
        ("team", "T2", 47, 1)
    ]
    assert totals(t) == (47.0, 1.0)


def test_an_fte_rate_sums_fte(workforce):
    t = members(workforce, LA, "agency_fte_rate", Q)
    assert t.filter(t["in_numerator"])["subject_id"].to_pylist() == ["A4"]
    assert totals(t) == pytest.approx((1.0, 10.5))


def test_turnover_members_are_the_leavers(workforce):
    """L1 left on 31 May 2022 from a 0.8 FTE post; the denominator, the average employed FTE
    at the 12 month ends (105.8 / 12), has no member rows."""
    t = members(workforce, LA, "staff_turnover_rate_local", Q)
    assert [(r["subject_id"], r["fte"], r["leave_date"]) for r in t.to_pylist()] == [
        ("L1", 0.8, d(2022, 5, 31))
    ]
    assert totals(t) == (pytest.approx(0.8), None)
    m = meta(workforce, "staff_turnover_rate_local")
    assert m["denominator_from"] == "note"
    assert float(m["denominator"]) == pytest.approx(105.8 / 12)


def test_team_and_worker_of_a_child_and_the_filters(workforce):
    referrals = canonical(
        "referrals",
        child_id=["A6-01", "L1-OPEN", "NOBODY", "EV1", "EV2"],
        referral_date=[
            d(2022, 4, 10),
            d(2022, 4, 11),
            d(2022, 4, 12),
            d(2022, 5, 1),
            d(2022, 5, 2),
        ],
        worker_id=[None, None, None, "A7", "A6"],
        team_id=[None, None, None, None, "T9"],
    )
    # A load of another source, so the workforce fixture's load stays.
    workforce.load(
        [LoadBatch("fixture-cin", LA, None, None, ["f"], tables={"referrals": referrals})]
    )
    got = {r["subject_id"]: (r["team"], r["worker"]) for r in rows(workforce, "referrals")}
    assert got == {
        "A6-01": ("T3", "A6"),
        "L1-OPEN": ("T3", "L1"),
        "NOBODY": (None, None),
        "EV1": ("T2", "A7"),  # the worker recorded on the referral, in post in T2
        "EV2": ("T9", "A6"),  # the team recorded on the referral wins over A6's post
    }
    assert [r["subject_id"] for r in rows(workforce, "referrals", worker="A6")] == ["A6-01", "EV2"]
    assert [r["subject_id"] for r in rows(workforce, "referrals", team="T3")] == [
        "A6-01",
        "L1-OPEN",
    ]
    assert rows(workforce, "referrals", team="T1") == []


def test_refusals(workforce):
    with pytest.raises(NoMembers, match="vacancy rate"):
        members(workforce, LA, "vacancy_rate", Q)
    with pytest.raises(KeyError, match="no measure"):
        members(workforce, LA, "no_such_measure", Q)
    with pytest.raises(ValueError, match="not a financial-year quarter"):
        members(workforce, LA, "referrals", "2022-Q5")
    with pytest.raises(ValueError, match="no breakdown"):
        members(workforce, LA, "referrals", Q, dimension="6")
