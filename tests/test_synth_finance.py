"""The synthetic finance: placement costs, budgets, grants, agency spend, homes pipeline, manual
values.

Placements come from a hand-made looked-after population shaped like the seed's at 1 April 2022
(paras 38-41: about 57 out-of-authority residential, 31 16+, 165 IFA and 220 in-house foster
placements, some UASC); the workforce is a small hand-made staff list whose agency spend can be
worked out by hand.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pytest

from csc_scorecard.model.codes import codes
from csc_scorecard.model.periods import Quarter
from csc_scorecard.model.schema import table
from csc_scorecard.synth import finance
from csc_scorecard.synth.authority import SynthConfig

CONFIG = SynthConfig(first_year=2019, last_year=2022)
APRIL, JUNE = date(2022, 4, 1), date(2022, 6, 30)
# line: (PLACE, PLACE_PROVIDER, placements open at any time, mean years in placement, UASC)
MIX = {
    "ooa_residential": ("K2", "PR4", 57, 1.6, False),
    "sixteen_plus": ("H5", "PR4", 31, 1.0, False),
    "ifa_fostering": ("U4", "PR4", 165, 2.5, False),
    "inhouse_fostering": ("U6", "PR1", 223, 2.5, False),
    "parent_and_child": ("R3", "PR4", 6, 0.4, False),
    "uasc": ("H5", "PR4", 35, 1.2, True),
    None: ("P1", "PR0", 20, 0.8, False),  # placed with parents: not costed
}


def rows_table(name: str, rows: list[dict]) -> pa.Table:
    spec = table(name)
    schema = spec.arrow_schema()
    return pa.table(
        {
            c: pa.array([r.get(c) for r in rows], type=schema.field(c).type)
            for c in spec.data_column_names
        }
    )


def looked_after(seed: int = 11) -> dict[str, pa.Table]:
    """Placements arriving steadily since 2015 so that each line holds its MIX count; a third of
    them change legal status part-way (a new episode, RNE L, same placement)."""
    rng = np.random.default_rng(seed)
    first, last = date(2015, 4, 1).toordinal(), JUNE.toordinal()
    children, episodes = [], []
    for place, provider, stock, years, uasc in MIX.values():
        t = float(first)
        while True:
            t += rng.exponential(365.25 * years / stock)
            start = int(t)
            if start > last:
                break
            child = f"{place}{provider}{len(children):05d}"
            age = (
                int(rng.integers(16 * 365, 17 * 365))
                if place == "H5"
                else int(rng.integers(0, 15 * 365))
            )
            children.append(
                {"child_id": child, "date_of_birth": date.fromordinal(start - age), "uasc": uasc}
            )
            stop = start + 1 + int(rng.exponential(365.25 * years))
            cuts = [start, stop]
            if rng.random() < 0.33:
                cuts.insert(1, (start + stop) // 2)
            for i, (a, b) in enumerate(itertools.pairwise(cuts)):
                if a > last:
                    break
                ended = b <= last
                episodes.append(
                    {
                        "child_id": child,
                        "decom": date.fromordinal(a),
                        "rne": "S" if i == 0 else "L",
                        "ls": "C1" if i == 0 else "C2",
                        "cin": "N1",
                        "place": place,
                        "place_provider": provider,
                        "dec": date.fromordinal(b) if ended else None,
                        "rec": ("X1" if i + 2 < len(cuts) else "E8") if ended else None,
                    }
                )
    return {
        "children": rows_table("children", children),
        "cla_episodes": rows_table("cla_episodes", episodes),
    }


def staff() -> dict[str, pa.Table]:
    """150 employed staff and 38 agency workers in post through 2022 (para 42: 38 agency FTE in
    June), one more agency worker from 16 April 2022, and 40 vacancies at the 2021 census."""
    teams = [
        {"team_id": "T1", "team_name": "ACPS South 1", "service_area": "ACPS"},
        {"team_id": "T2", "team_name": "Assessment 1", "service_area": "Assessment"},
    ]
    workers, posts = [], []
    for i in range(189):
        agency = i >= 150
        workers.append(
            {
                "worker_id": f"W{i:03d}",
                "agency": agency,
                "qualified": True,
                "start_date": date(2020, 1, 1),
            }
        )
        posts.append(
            {
                "worker_id": f"W{i:03d}",
                "team_id": "T1" if i % 2 else "T2",
                "role": "team_manager" if i == 150 else "social_worker",
                "fte": 1.0,
                "start_date": date(2022, 4, 16) if i == 188 else date(2020, 1, 1),
            }
        )
    return {
        "teams": rows_table("teams", teams),
        "workers": rows_table("workers", workers),
        "worker_posts": rows_table("worker_posts", posts),
        "workforce_census_la": rows_table(
            "workforce_census_la",
            [{"collection_year": 2021, "vacancies_fte": 40.0, "agency_fte": 38.0}],
        ),
    }


@pytest.fixture(scope="module")
def inputs() -> dict[str, pa.Table]:
    return {**looked_after(), **staff()}


@pytest.fixture(scope="module")
def out(inputs) -> dict[str, pa.Table]:
    return finance.simulate(CONFIG, inputs)


def charged_on(out, day: date) -> dict[str, list[float]]:
    lines = defaultdict(list)
    for r in out["placement_costs"].to_pylist():
        if r["start_date"] <= day and (r["end_date"] is None or r["end_date"] >= day):
            lines[r["line"]].append(r["weekly_cost"])
    return lines


def budget(out, year: int) -> dict[str, dict]:
    return {r["line"]: r for r in out["budget_lines"].to_pylist() if r["financial_year"] == year}


# --------------------------------------------------------------------------- placements


@pytest.mark.parametrize(
    ("place", "provider", "uasc", "line"),
    [
        ("U4", "PR1", False, "inhouse_fostering"),
        ("U1", "PR1", False, "inhouse_fostering"),  # family and friends carers are the LA's own
        ("U6", "PR4", False, "ifa_fostering"),
        ("K2", "PR4", False, "ooa_residential"),
        ("K2", "PR1", False, None),  # the authority's own home: not per placement
        ("R3", "PR5", False, "parent_and_child"),
        ("H5", "PR4", False, "sixteen_plus"),
        ("U4", "PR4", True, "uasc"),
        ("P1", "PR0", False, None),
        ("A6", "PR1", False, None),
        ("T4", None, False, None),
    ],
)
def test_care_ladder_line(place, provider, uasc, line):
    assert finance.care_ladder_line(place, provider, uasc) == line


def test_simulation_is_deterministic_for_a_seed(inputs, out):
    again = finance.simulate(CONFIG, inputs)
    for name, t in out.items():
        assert again[name].equals(t), name
    other = finance.simulate(CONFIG.model_copy(update={"seed": 5}), inputs)
    assert not other["placement_costs"].equals(out["placement_costs"])


def test_tables_are_canonical_with_unique_keys(out):
    for name, t in out.items():
        spec = table(name)
        assert t.column_names == spec.data_column_names, name
        keys = t.select(list(spec.key)).to_pylist()
        assert len({tuple(k.values()) for k in keys}) == len(keys) > 0, name


def test_cost_periods_lie_inside_cla_episodes_and_chain_without_gaps(inputs, out):
    spells = defaultdict(list)  # each child's looked-after spells, contiguous episodes joined
    for e in sorted(inputs["cla_episodes"].to_pylist(), key=lambda e: e["decom"]):
        s = spells[e["child_id"]]
        if s and s[-1][1] == e["decom"]:
            s[-1][1] = e["dec"]
        else:
            s.append([e["decom"], e["dec"]])
    periods = defaultdict(list)
    for r in out["placement_costs"].to_pylist():
        assert r["weekly_cost"] > 0
        periods[r["placement_id"]].append(r)
    for rows in periods.values():
        rows.sort(key=lambda r: r["start_date"])
        first, last = rows[0], rows[-1]
        assert len({r["child_id"] for r in rows}) == 1 and len({r["line"] for r in rows}) == 1
        for a, b in itertools.pairwise(rows):
            assert (
                a["end_date"] is not None and a["end_date"] + timedelta(days=1) == b["start_date"]
            )
        covering = [
            s
            for s in spells[first["child_id"]]
            if s[0] <= first["start_date"]
            and (s[1] is None or (last["end_date"] is not None and last["end_date"] < s[1]))
        ]
        assert covering, first  # charged from the first night to the night before DEC
        if last["end_date"] is None:
            assert covering[0][1] is None


def test_a_change_of_legal_status_keeps_the_placement_and_uncosted_ones_have_no_rows(inputs, out):
    rows = out["placement_costs"].to_pylist()
    per_child = defaultdict(set)
    for r in rows:
        per_child[r["child_id"]].add(r["placement_id"])
    assert max(len(p) for p in per_child.values()) == 1  # RNE L: same carers, same package
    assert not any(r["child_id"].startswith("P1") for r in rows)
    assert min(r["start_date"] for r in rows) == CONFIG.start  # nothing charged before the extract


# --------------------------------------------------------------------------- the seed's shape


def test_out_of_authority_residential_is_over_budget_in_numbers_and_cost(out):
    april, june = charged_on(out, APRIL), charged_on(out, JUNE)
    ooa = budget(out, 2022)["ooa_residential"]
    actual = len(april["ooa_residential"])
    assert 40 <= actual <= 75
    assert 1.15 <= actual / ooa["budget_placements_start"] <= 1.45  # seed: 57 against 43
    assert ooa["budget_placements_end"] < ooa["budget_placements_start"]  # seed: 43 -> 29
    average = np.mean(june["ooa_residential"]) * 365.25 / 7
    assert 250_000 <= average <= 330_000  # seed: £289k a year
    assert ooa["budget_unit_cost"] < average  # seed: £254k budgeted
    assert 4_000 <= min(june["ooa_residential"]) and max(june["ooa_residential"]) <= 13_100
    assert max(june["ooa_residential"]) >= 9_000  # the most expensive: £10.5k-£13.1k a week


def test_fostering_16_plus_and_uasc_costs(out):
    june = charged_on(out, JUNE)
    assert 750 <= np.median(june["ifa_fostering"]) <= 950  # seed: about £850 a week
    assert 330 <= np.median(june["inhouse_fostering"]) <= 480  # about £400 a week
    sixteen = np.array(june["sixteen_plus"])
    assert sixteen.min() >= 650 and sixteen.max() <= 7_500
    assert ((sixteen >= 2_170) & (sixteen <= 4_900)).mean() >= 0.4  # seed: £2,170-£4,618
    lines = budget(out, 2022)
    rate = {g["grant"]: g for g in out["grants"].to_pylist() if g["financial_year"] == 2022}
    night = rate["UASC Home Office grant"]["rate_per_night"]
    assert np.mean(june["uasc"]) > night * 7  # seed para 41: UASC cost more than the grant
    assert lines["uasc"]["budget_unit_cost"] == pytest.approx(night * 365.25, abs=100)


def test_fostering_budget_shifts_placements_from_ifa_to_in_house(out):
    april = charged_on(out, APRIL)
    lines = budget(out, 2022)
    ifa, own = lines["ifa_fostering"], lines["inhouse_fostering"]
    actual = len(april["ifa_fostering"]) + len(april["inhouse_fostering"])
    budgeted = ifa["budget_placements_start"] + own["budget_placements_start"]
    assert 0.9 * actual <= budgeted < actual  # seed: 26 placements over budget
    share_now = ifa["budget_placements_start"] / budgeted
    share_planned = ifa["budget_placements_end"] / (
        ifa["budget_placements_end"] + own["budget_placements_end"]
    )
    assert share_planned == pytest.approx(share_now - 0.05, abs=0.01)  # 42.5% -> 37.5%


def test_agency_spend_by_month_is_worked_days_times_the_rate(out):
    rate = finance.calibration().agency_cost_per_fte_month[2022]
    manager = finance.calibration().manager_cost_factor
    april = {r["service_area"]: r for r in out["agency_costs"].to_pylist() if r["month"] == APRIL}
    # W150-W188: odd numbers in ACPS (T1), even in Assessment (T2); W150 is a team manager in
    # Assessment, W188 (Assessment) started on 16 April: 15 of 30 days.
    assert april["ACPS"]["agency_fte"] == 19
    assert april["Assessment"]["agency_fte"] == pytest.approx(19 + 15 / 30, abs=0.005)
    assert april["ACPS"]["cost"] == pytest.approx(19 * rate)
    assert april["Assessment"]["cost"] == pytest.approx((18 + manager + 0.5) * rate, abs=0.01)
    months = {r["month"] for r in out["agency_costs"].to_pylist()}
    assert min(months) == date(2020, 1, 1) and max(months) == date(2022, 6, 1)  # months worked


def test_agency_and_staffing_budgets(out):
    cal = finance.calibration()
    lines = budget(out, 2022)
    agency = lines["agency_staff"]
    assert agency["budget_placements_start"] == pytest.approx(38 * cal.agency_budget_start_ratio)
    assert agency["budget_placements_end"] < agency["budget_placements_start"]
    spend = sum(r["cost"] for r in out["agency_costs"].to_pylist() if r["month"] >= APRIL)
    assert spend > agency["budget"] / 4  # para 42: agency spend above budget
    staffing = lines["staffing"]
    assert staffing["budget_placements_start"] == 150 + 40  # employed FTE + census vacancies
    assert staffing["budget"] == pytest.approx(190 * cal.staff_cost_per_fte[2022], rel=1e-3)


def test_forecast_overspend_is_a_few_million(out):
    """A run-rate forecast (quarter one's charges plus the placements open at 30 June for the
    rest of the year, less the grants) against the budget, as paras 36-41 forecast."""
    year_end = date(2023, 3, 31)
    spend = defaultdict(float)
    for r in out["placement_costs"].to_pylist():
        if r["end_date"] is not None and r["end_date"] < APRIL:
            continue
        stop = r["end_date"] or year_end
        nights = (stop - max(r["start_date"], APRIL)).days + 1
        spend[r["line"]] += r["weekly_cost"] / 7 * nights
    lines = budget(out, 2022)
    grants = {g["grant"]: g for g in out["grants"].to_pylist() if g["financial_year"] == 2022}
    care_ladder = sum(spend.values()) - sum(lines[k]["budget"] for k in spend)
    care_ladder -= grants["DSG high needs contribution"]["amount"]
    june_agency = sum(
        r["cost"] for r in out["agency_costs"].to_pylist() if r["month"] == date(2022, 6, 1)
    )
    agency = june_agency * 12 - lines["agency_staff"]["budget"]
    # seed: £4.04m on the care ladder, forecasting fewer placements by March; a run rate is higher
    assert 1e6 <= care_ladder <= 9e6
    assert 0.5e6 <= agency <= 4e6  # seed: £2.81m on agency staff
    assert grants["DSG high needs contribution"]["amount"] > 0


# --------------------------------------------------------------------------- pipeline and manual


def test_homes_pipeline_snapshots_show_slippage_and_a_withdrawal(out):
    rows = out["homes_pipeline"].to_pylist()
    dates = sorted({r["as_at_date"] for r in rows})
    assert dates[-1] == CONFIG.end
    assert all(d.month in (3, 6, 9, 12) for d in dates)
    assert {r["status"] for r in rows} <= set(codes("home_status"))
    latest = [r for r in rows if r["as_at_date"] == CONFIG.end]
    planned = [r for r in latest if r["status"] not in ("open", "withdrawn")]
    assert 3 <= len(planned) + 1 <= 5  # 3-5 planned homes, one of them withdrawn
    assert [r["status"] for r in latest].count("withdrawn") == 1
    assert all(r["planned_opening"] > CONFIG.end for r in planned)
    assert not any(r["manager_recruited"] for r in planned)  # para 44: managers still to recruit
    opened = [r for r in latest if r["status"] == "open"]
    assert opened and all(r["actual_opening"] <= CONFIG.end for r in opened)
    history = defaultdict(list)
    for r in sorted(rows, key=lambda r: r["as_at_date"]):
        history[r["home_id"]].append(r["planned_opening"])
    slipped = [h for h, plans in history.items() if plans[-1] > plans[0]]
    assert len(slipped) >= 2
    assert sum(r["beds"] for r in planned) >= 10  # para 44: 11-12 new in-borough places


def test_manual_values_each_quarter(out):
    rows = out["manual_values"].to_pylist()
    measures = {
        "first_time_entrants_rate",
        "reoffending_rate",
        "residential_homes_good_or_better",
        "family_support_outcomes_improved",
        "family_support_intervention_days",
    }
    periods = sorted({r["period"] for r in rows})
    assert periods[0] == "2019-Q1" and periods[-1] == "2022-Q1" and len(periods) == 13
    for period in periods:
        assert {r["measure"] for r in rows if r["period"] == period} == measures
    by = {(r["measure"], r["period"]): r for r in rows}
    fte = by[("first_time_entrants_rate", "2022-Q1")]
    assert fte["value"] == round(fte["numerator"] / fte["denominator"] * 1e5)
    assert 60 <= fte["value"] <= 250  # seed: 138 per 100,000 aged 10-17
    assert 5 <= by[("reoffending_rate", "2022-Q1")]["value"] <= 40
    homes = by[("residential_homes_good_or_better", "2022-Q1")]
    assert homes["denominator"] >= 5 and homes["value"] == round(
        100 * homes["numerator"] / homes["denominator"], 1
    )
    assert 40 <= by[("family_support_outcomes_improved", "2022-Q1")]["value"] <= 85
    assert 100 <= by[("family_support_intervention_days", "2022-Q1")]["value"] <= 200
    assert all(r["source"] and r["as_at_date"] > date(2019, 6, 30) for r in rows)


def test_own_homes_inspections_agree_with_the_homes_grade_figure(out):
    """The own_homes template holds the same yearly full inspections whose grades make the
    manual residential_homes_good_or_better figure: at each quarter end, the homes judged good or
    outstanding at their latest full inspection and the homes inspected are its numerator and
    denominator. Homes below good have an interim inspection before their next full one."""
    rows = out["own_homes"].to_pylist()
    assert {r["inspection_type"] for r in rows} == {"full", "interim"}
    assert {r["judgement"] for r in rows if r["inspection_type"] == "full"} <= set(
        codes("home_judgement")
    )
    assert all(r["ofsted_urn"].startswith("SC") and len(r["ofsted_urn"]) == 8 for r in rows)
    figures = {
        r["period"]: r
        for r in out["manual_values"].to_pylist()
        if r["measure"] == "residential_homes_good_or_better"
    }
    for period, r in figures.items():
        end = Quarter.parse(period).end
        latest: dict[str, str] = {}
        for row in sorted(rows, key=lambda x: x["inspection_date"]):
            if row["inspection_type"] == "full" and row["inspection_date"] <= end:
                latest[row["home_id"]] = row["judgement"]
        good = sum(j in ("good", "outstanding") for j in latest.values())
        assert (good, len(latest)) == (r["numerator"], r["denominator"]), period
    below = [r for r in rows if r["inspection_type"] == "interim"]
    assert below, "a home below good has an interim inspection"
