"""The care-ladder forecast: outturn by budget line, variance against budget, and the drivers.

For each care-ladder line of the financial year (seed paras 36-41), at an as-at date:

    forecast = spend to date                      nights from 1 April to the as-at date
             + committed cost                     every open placement charged to 31 March
             + expected ends   (negative)         nights the open placements will not use
             + expected starts                    nights of placements expected to start
             + step-downs                         placements the scenario moves between lines
             + price uplift                       the scenario's rise on everything still to come

Starts and ends follow the line's own recent history (`history_days`, a year by default): new
placements arrive at the line's daily start rate s, and each placement ends with the line's
daily end hazard h (ends / placement-nights, the maximum-likelihood rate of an exponential stay).
The expected count is stepped day by day to 31 March, N(d) = N(d-1)·e^(-h) + s, so the
year-end number, the average placements and the nights used come from one path. A scenario
target for the year end ("reduce to 40 at 31 March", para 38) sets s (or, if ends alone would
overshoot it, h) so the path reaches the target. Open placements are priced at their current
weekly cost; new ones at the current cost of the line's placements that began in the history
window (the market's going rate, para 41's "expensive providers"), else at the line average,
else at the budget unit cost.

Grants: a per-night grant (the Home Office UASC rate, para 41) earns rate x nights on its line;
on lines listed as grant-funded the budget is the cost the grant was expected to meet, so the
pressure is forecast cost less forecast grant. A fixed-amount grant (the DSG high needs
contribution, para 37) is additional income shown as an offset against the care-ladder total.

Agency and establishment staffing (para 42, and para 36's staffing underspend) are in
`staffing.py`; `forecast_outturn` puts everything together. The parts: the settings
(`ladder_settings.py`, `care_ladder.yaml`), the results (`outturn_model.py`), a line's expected
path (`line_path.py`), the lines (`ladder_lines.py`), the groups and the fostering split
(`ladder_groups.py`) and the store reads (`ladder_store.py`).
"""

from __future__ import annotations

from datetime import timedelta

from csc_scorecard.forecast.ladder_groups import fostering, group, groups_for, line_order
from csc_scorecard.forecast.ladder_lines import forecast_lines
from csc_scorecard.forecast.ladder_settings import settings
from csc_scorecard.forecast.ladder_store import budgets as read_budgets
from csc_scorecard.forecast.ladder_store import grants as read_grants
from csc_scorecard.forecast.ladder_store import per_night_grant
from csc_scorecard.forecast.ledger import financial_year, load_ledger
from csc_scorecard.forecast.outturn_model import LineForecast, Offset, Outturn, UascGrant
from csc_scorecard.forecast.scenarios import Scenario
from csc_scorecard.forecast.scenarios import scenario as get_scenario
from csc_scorecard.forecast.staffing import agency_forecast, establishment_forecast
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store


def forecast_outturn(
    store: Store,
    la_code: str,
    quarter: Quarter | str,
    *,
    scenario: Scenario | str = "base",
    scenarios_file: str | None = None,
) -> Outturn:
    """The forecast outturn for the financial year of `quarter`, as known at the quarter's end."""
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    sc = get_scenario(scenario, scenarios_file)
    as_at = q.end
    fy = financial_year(as_at)
    budgets = read_budgets(store, la_code, fy)
    ledger = load_ledger(store, la_code, as_at)
    grants = read_grants(store, la_code, fy)
    cfg = settings()
    staff_lines = {cfg.agency_line, cfg.establishment_line} - {None}
    lines_present = sorted(
        ({b["line"] for b in budgets.values()} | set(ledger.line.tolist())) - staff_lines,
        key=lambda ln: line_order(cfg, ln),
    )
    lines = forecast_lines(ledger, budgets, grants, lines_present, as_at, sc, cfg)
    groups = [group(g, lines, ledger, as_at, sc, cfg) for g in groups_for(cfg, lines)]
    offsets = [
        Offset(grant=g["grant"], line=g["line"], amount=float(g["amount"]))
        for g in grants
        if g["amount"] is not None and g["rate_per_night"] is None
    ]
    agency = establishment = None
    if cfg.agency_line:
        agency = agency_forecast(store, la_code, as_at, budgets.get(cfg.agency_line), sc.agency)
    if cfg.establishment_line:
        establishment = establishment_forecast(
            store, la_code, as_at, budgets.get(cfg.establishment_line)
        )
    ladder_budget = sum(ln.budget or 0.0 for ln in lines) - sum(ln.budgeted_grant for ln in lines)
    ladder_forecast = sum(ln.forecast - ln.grant_income for ln in lines) - sum(
        o.amount for o in offsets
    )
    ladder_variance = sum(ln.variance or 0.0 for ln in lines) - sum(o.amount for o in offsets)
    staff = [s for s in (agency, establishment) if s is not None and s.forecast is not None]
    total_budget = ladder_budget + sum(s.budget or 0.0 for s in staff)
    total_forecast = ladder_forecast + sum(s.forecast for s in staff)
    return Outturn(
        la_code=la_code,
        period=str(q),
        as_at=as_at,
        financial_year=fy,
        month=(as_at.year - fy) * 12 + as_at.month - 3,
        scenario=sc.name,
        scenario_description=sc.description,
        history_from=as_at - timedelta(days=sc.history_days - 1),
        lines=lines,
        groups=groups,
        offsets=offsets,
        grants=_uasc_grants(lines, grants),
        fostering=fostering(cfg, lines),
        agency=agency,
        establishment=establishment,
        care_ladder_budget=ladder_budget,
        care_ladder_forecast=ladder_forecast,
        care_ladder_variance=ladder_variance,
        total_budget=total_budget,
        total_forecast=total_forecast,
        total_variance=total_forecast - total_budget,
    )


def _uasc_grants(lines: list[LineForecast], grants: list[dict]) -> list[UascGrant]:
    """The per-night grants (the Home Office UASC rate) against the cost of their lines."""
    return [
        UascGrant(
            line=ln.line,
            grant=per_night_grant(grants, ln.line)["grant"],
            rate_per_night=float(per_night_grant(grants, ln.line)["rate_per_night"]),
            nights=ln.nights_to_date + ln.nights_remaining,
            income=ln.grant_income,
            cost=ln.forecast,
            pressure=ln.forecast - ln.grant_income,
        )
        for ln in lines
        if per_night_grant(grants, ln.line) is not None
    ]
