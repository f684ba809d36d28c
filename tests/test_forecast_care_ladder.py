"""The care-ladder forecast on a fixture worked by hand, and its invariants.

The fixture: authority 999, quarter 2022-Q1 (as at 30 June 2022), financial year 2022/23.
Nights to date are 1 April to 30 June (91); nights to come are 1 July to 31 March (274). The
history window for start and end rates is the 365 days 1 July 2021 to 30 June 2022.

Line ooa_residential (budget £400,000):
  P1 spans the year start: placed 1 March 2021, still open. £7,000 a week (£1,000 a night) to
     14 May 2022, then a cost change mid-placement to £7,700 (£1,100 a night) from 15 May.
     To date: 44 nights x £1,000 + 47 nights x £1,100 = £44,000 + £51,700 = £95,700.
  P2 ends mid-quarter: placed 1 June 2021 at £5,600 a week (£800 a night), last night 20 May 2022.
     To date: 50 nights x £800 = £40,000.
  Spend to date £135,700. Committed: P1 open, 274 nights x £1,100 = £301,400.
  History: no placement started in the window (s = 0); one ended (P2). Nights in the window:
     P1 365 + P2 324 (1 July 2021 to 20 May 2022) = 689, so the end hazard h = 1/689 a night.
  Expected nights of P1 to 31 March: sum over d = 1..274 of e^(-d/689) = 225.9117.
  Expected ends: (225.9117 - 274) x £1,100 = -£52,897.12.
  Forecast £135,700 + £301,400 - £52,897.12 = £384,202.88; variance -£15,797.12.
  Placements: 2 at 1 April (P1, P2), 1 now, 225.9117 / ... -> e^(-274/689) = 0.6719 at 31 March.

Line uasc (budget £41,600 for one placement; grant-funded; Home Office grant £114 a night):
  U1 placed 11 April 2022, open, £1,400 a week (£200 a night). To date 81 nights: £16,200.
  Committed: 274 x £200 = £54,800. No ends in the window (h = 0); one start (s = 1/365 a day),
  priced at the weekly cost of the window's new placements (£1,400).
  Expected new nights: sum over d = 1..274 of d/365 = 274 x 275 / 2 / 365 = 103.2192.
  Expected starts: 103.2192 x £200 = £20,643.84. Forecast: £91,643.84.
  Grant: £114 x (81 + 274 + 103.2192) nights = £52,236.99. The budget is the cost the grant
  was to meet, so the variance is cost less grant: £39,406.85.

Line sixteen_plus: a budget of £100,000 and no placements: forecast £0, variance -£100,000.

Offset: DSG high needs contribution £20,000 on ooa_residential.
Care ladder variance: -15,797.12 + 39,406.85 - 100,000 - 20,000 = -£96,390.27.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_scorecard.forecast.care_ladder import forecast_outturn
from csc_scorecard.forecast.ladder_lines import forecast_lines
from csc_scorecard.forecast.ladder_settings import settings as ladder_settings
from csc_scorecard.forecast.ledger import ledger_from_rows
from csc_scorecard.forecast.line_path import expected_path, rate_for_target
from csc_scorecard.forecast.scenarios import Scenario
from csc_scorecard.model.batch import LoadBatch
from tests.conftest import PLACEMENT_COLUMNS, canonical, canonical_rows

LA = "999"
D = date


def _fixture_tables():
    placements = [
        ("P1", "C1", "ooa_residential", "Oak Homes", D(2021, 3, 1), D(2022, 5, 14), 7000.0),
        ("P1", "C1", "ooa_residential", "Oak Homes", D(2022, 5, 15), None, 7700.0),
        ("P2", "C2", "ooa_residential", "Elm Care", D(2021, 6, 1), D(2022, 5, 20), 5600.0),
        ("U1", "C3", "uasc", "Safe Harbour", D(2022, 4, 11), None, 1400.0),
    ]
    return {
        "placement_costs": canonical_rows("placement_costs", PLACEMENT_COLUMNS, placements),
        "budget_lines": canonical(
            "budget_lines",
            financial_year=[2022] * 3,
            line=["ooa_residential", "uasc", "sixteen_plus"],
            line_name=["Out of authority residential", "UASC", "16+"],
            budget=[400_000.0, 41_600.0, 100_000.0],
            budget_placements_start=[1.0, 1.0, 1.0],
            budget_placements_end=[1.0, 1.0, 1.0],
            budget_unit_cost=[400_000.0, 41_600.0, 100_000.0],
        ),
        "grants": canonical(
            "grants",
            financial_year=[2022, 2022],
            grant=["UASC Home Office grant", "DSG high needs contribution"],
            line=["uasc", "ooa_residential"],
            amount=[None, 20_000.0],
            rate_per_night=[114.0, None],
        ),
    }


@pytest.fixture
def fixture_store(store):
    store.load([LoadBatch("fixture", LA, None, None, ["fixture"], tables=_fixture_tables())])
    return store


def test_hand_worked_lines(fixture_store):
    out = forecast_outturn(fixture_store, LA, "2022-Q1")
    lines = {ln.line: ln for ln in out.lines}
    ooa, uasc, sixteen = lines["ooa_residential"], lines["uasc"], lines["sixteen_plus"]

    assert ooa.spend_to_date == pytest.approx(135_700.0)
    assert ooa.committed == pytest.approx(301_400.0)
    assert (ooa.starts_in_history, ooa.ends_in_history) == (0, 1)
    assert ooa.end_rate_per_month == pytest.approx(1 - math.exp(-365.25 / 12 / 689))
    kept = sum(math.exp(-d / 689) for d in range(1, 275))
    assert kept == pytest.approx(225.9117, abs=1e-4)
    assert ooa.expected_ends == pytest.approx((kept - 274) * 1100)
    assert ooa.expected_starts == 0.0
    assert ooa.forecast == pytest.approx(384_202.88, abs=0.01)
    assert ooa.variance == pytest.approx(-15_797.12, abs=0.01)
    assert (ooa.placements_year_start, ooa.placements_now) == (2, 1)
    assert ooa.placements_year_end == pytest.approx(math.exp(-274 / 689))
    assert ooa.average_weekly_now == 7700.0

    assert uasc.spend_to_date == pytest.approx(16_200.0)
    assert uasc.committed == pytest.approx(54_800.0)
    assert uasc.expected_starts == pytest.approx(274 * 275 / 2 / 365 * 200)
    assert uasc.forecast == pytest.approx(91_643.84, abs=0.01)
    assert uasc.grant_income == pytest.approx(52_236.99, abs=0.01)
    assert uasc.budgeted_grant == 41_600.0
    assert uasc.variance == pytest.approx(39_406.85, abs=0.01)
    assert uasc.placements_year_end == pytest.approx(1 + 274 / 365)

    assert (sixteen.forecast, sixteen.variance, sixteen.placements_now) == (0.0, -100_000.0, 0)


def test_hand_worked_totals_groups_and_drivers(fixture_store):
    out = forecast_outturn(fixture_store, LA, "2022-Q1")
    assert (out.financial_year, out.month, out.as_at, out.scenario) == (
        2022,
        3,
        D(2022, 6, 30),
        "base",
    )
    assert [o.amount for o in out.offsets] == [20_000.0]
    assert out.care_ladder_variance == pytest.approx(-96_390.27, abs=0.01)
    assert out.total_variance == pytest.approx(out.care_ladder_variance)  # no staffing lines loaded
    assert out.agency is None and out.establishment is None
    ooa = next(g for g in out.groups if g.id == "ooa")
    assert ooa.average_annual_cost == pytest.approx(7700 * 365.25 / 7)
    assert ooa.budget_unit_cost == pytest.approx(400_000.0)  # budget / budgeted average placements
    assert [p.placement_id for p in ooa.top_packages] == ["P1"]
    assert ooa.top_packages[0].start_date == D(2021, 3, 1)
    grant = out.grants[0]
    assert (grant.rate_per_night, grant.pressure) == (114.0, pytest.approx(39_406.85, abs=0.01))
    uasc = next(g for g in out.groups if g.id == "uasc")
    assert (uasc.starts_in_history, uasc.starts_last_month) == (1, 0)


def test_forecast_uses_only_what_was_known_at_the_quarter_end(fixture_store):
    # At 31 March 2022 (2021-Q4), P2's end in May was not yet known and U1 had not started.
    out = forecast_outturn(fixture_store, LA, "2021-Q4")
    assert out.financial_year == 2021
    lines = {ln.line: ln for ln in out.lines}
    assert lines["ooa_residential"].placements_now == 2
    assert lines["ooa_residential"].ends_in_history == 0
    assert "uasc" not in lines  # no 2021/22 budget for it and no placement yet
    assert lines["ooa_residential"].budget is None and lines["ooa_residential"].variance is None


def test_scenario_target_reaches_the_year_end_number(fixture_store):
    sc = Scenario(
        name="fixture",
        description="UASC to five by March",
        lines={"uasc": {"year_end_placements": 5}},
    )
    out = forecast_outturn(fixture_store, LA, "2022-Q1", scenario=sc)
    uasc = next(ln for ln in out.lines if ln.line == "uasc")
    assert uasc.placements_year_end == pytest.approx(5.0)
    assert uasc.year_end_target == 5.0
    assert out.scenario == "fixture"


def test_price_uplift_applies_to_the_cost_still_to_come(fixture_store):
    base = {ln.line: ln for ln in forecast_outturn(fixture_store, LA, "2022-Q1").lines}
    sc = Scenario(name="uplift", description="ten per cent", price_uplift=0.1)
    up = {ln.line: ln for ln in forecast_outturn(fixture_store, LA, "2022-Q1", scenario=sc).lines}
    for line in ("ooa_residential", "uasc"):
        to_come = base[line].forecast - base[line].spend_to_date
        assert up[line].price_uplift == pytest.approx(0.1 * to_come)
        assert up[line].forecast == pytest.approx(base[line].forecast + 0.1 * to_come)


def test_step_down_moves_cost_between_lines(fixture_store):
    sc = Scenario(
        name="step",
        description="move the OOA placement to UASC at once",
        step_downs=[
            {"from_line": "ooa_residential", "to_line": "uasc", "placements": 1, "within_months": 1}
        ],
    )
    base = {ln.line: ln for ln in forecast_outturn(fixture_store, LA, "2022-Q1").lines}
    moved = {
        ln.line: ln for ln in forecast_outturn(fixture_store, LA, "2022-Q1", scenario=sc).lines
    }
    assert moved["ooa_residential"].step_downs < 0 < moved["uasc"].step_downs
    assert (
        moved["ooa_residential"].placements_year_end < base["ooa_residential"].placements_year_end
    )
    assert moved["uasc"].placements_year_end > base["uasc"].placements_year_end
    # One placement moves evenly over the first 30 days (a month), a thirtieth a day, and then
    # follows the UASC line's end rate (none): sum of min(d, 30)/30 over 274 days = 15.5 + 244
    # = 259.5 nights, at the UASC line's new-placement price of £200 a night.
    assert moved["uasc"].step_downs == pytest.approx(259.5 * 200)
    # On the OOA line the moved placement's nights are those it would have had at £1,100.
    assert -moved["ooa_residential"].step_downs < 259.5 * 1100


def test_rate_for_target_and_path_agree():
    for n0, target, h in [(57, 40, 0.002), (10, 25, 0.001), (0, 3, 0.0), (12, 0, 0.003)]:
        s, hz = rate_for_target(n0, target, h, 274)
        assert expected_path(n0, s, hz, 274).year_end == pytest.approx(
            max(target, 0.5 if n0 else 0), rel=1e-9
        )


# --------------------------------------------------------------------------- properties

AS_AT = D(2022, 6, 30)
LINES = ["ooa_residential", "ifa_fostering", "sixteen_plus"]


@st.composite
def ledgers(draw):
    rows = []
    for i in range(draw(st.integers(0, 10))):
        start = AS_AT - timedelta(days=draw(st.integers(0, 900)))
        end = None if draw(st.booleans()) else start + timedelta(days=draw(st.integers(0, 600)))
        end = None if end is not None and end > AS_AT else end
        rows.append(
            (
                f"P{i}",
                f"C{i}",
                draw(st.sampled_from(LINES)),
                "x",
                start,
                end,
                draw(st.floats(0, 20_000, allow_nan=False)),
            )
        )
    return rows


scenarios = st.builds(
    lambda up, sf, ef, target, share: Scenario(
        name="prop",
        description="property",
        price_uplift=up,
        starts_factor=sf,
        ends_factor=ef,
        lines={"ifa_fostering": {"year_end_placements": target}},
        step_downs=[{"from_line": "ooa_residential", "to_line": "sixteen_plus", "share": share}],
    ),
    st.floats(-0.5, 1.0),
    st.floats(0, 3),
    st.floats(0, 3),
    st.floats(0, 50),
    st.floats(0.01, 1.0),
)


def _run(rows, sc, scale=1.0):
    rows = [(*r[:6], r[6] * scale) for r in rows]
    budgets = {
        ln: {
            "line": ln,
            "line_name": ln,
            "budget": 1e5 * scale,
            "budget_placements_start": 1.0,
            "budget_placements_end": 2.0,
            "budget_unit_cost": 5e4 * scale,
        }
        for ln in LINES
    }
    return forecast_lines(
        ledger_from_rows(rows, AS_AT), budgets, [], LINES, AS_AT, sc, ladder_settings()
    )


@settings(max_examples=60, deadline=None)
@given(ledgers(), scenarios)
def test_a_forecast_is_never_negative(rows, sc):
    for ln in _run(rows, sc):
        assert ln.forecast >= 0
        assert ln.spend_to_date >= 0 and ln.committed >= 0 and ln.expected_starts >= 0
        assert ln.placements_year_end >= -1e-9 and ln.nights_remaining >= -1e-9


@settings(max_examples=60, deadline=None)
@given(ledgers(), scenarios, st.floats(0.1, 10))
def test_costs_scale_with_unit_cost(rows, sc, k):
    base, scaled = _run(rows, sc), _run(rows, sc, k)
    for a, b in zip(base, scaled, strict=True):
        for field in (
            "spend_to_date",
            "committed",
            "expected_ends",
            "expected_starts",
            "step_downs",
            "forecast",
            "variance",
        ):
            assert getattr(b, field) == pytest.approx(getattr(a, field) * k, rel=1e-9, abs=1e-6)
        assert b.placements_year_end == pytest.approx(a.placements_year_end)
