"""Each care-ladder line's forecast for the financial year: spend to date, committed cost,
expected ends and starts from the line's recent history (or a scenario's year-end target),
step-downs between lines, price uplift and per-night grant income (care_ladder.py's formula)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from csc_scorecard.forecast.ladder_settings import LadderSettings
from csc_scorecard.forecast.ladder_store import per_night_grant
from csc_scorecard.forecast.ledger import (
    DAYS_A_YEAR,
    OPEN,
    WEEKS_A_YEAR,
    Ledger,
    Placements,
    financial_year,
    year_bounds,
)
from csc_scorecard.forecast.line_path import expected_path, moves, rate_for_target
from csc_scorecard.forecast.outturn_model import LineForecast
from csc_scorecard.forecast.scenarios import Scenario


def forecast_lines(
    ledger: Ledger,
    budgets: dict[str, dict],
    grants: list[dict],
    lines: list[str],
    as_at: date,
    sc: Scenario,
    cfg: LadderSettings,
) -> list[LineForecast]:
    """Each line's forecast; step-downs link lines, so all lines are forecast together."""
    days_left = (year_bounds(financial_year(as_at))[1] - as_at).days
    placements = ledger.placements()
    state = {
        line: _line_state(ledger, placements, line, budgets.get(line, {}), as_at, sc, days_left)
        for line in lines
    }
    for step in sc.step_downs:
        if step.from_line not in state or step.to_line not in state:
            continue
        per_day = moves(step, state[step.from_line]["n0"], days_left)
        state[step.from_line]["moves_out"] += per_day
        state[step.to_line]["moves_in"] += per_day
    return [
        _line_forecast(ledger, line, state[line], budgets, grants, as_at, cfg) for line in lines
    ]


def _line_state(
    ledger: Ledger,
    placements: Placements,
    line: str,
    budget: dict,
    as_at: date,
    sc: Scenario,
    days_left: int,
) -> dict:
    """A line at the as-at date: its open placements, their costs, and the start rate and end
    hazard of its recent history (or those that reach the scenario's year-end target)."""
    hist_lo = as_at - timedelta(days=sc.history_days - 1)
    on = ledger.line == line
    now = on & (ledger.end == OPEN)
    n0 = int(now.sum())
    weekly_now = ledger.weekly[now]
    p_on = placements.line == line
    started = (
        p_on & (placements.start >= hist_lo.toordinal()) & (placements.start <= as_at.toordinal())
    )
    ended = p_on & (placements.end >= hist_lo.toordinal()) & (placements.end <= as_at.toordinal())
    exposure = float(ledger.nights(hist_lo, as_at)[on].sum())
    a = sc.line(line)
    hazard = (ended.sum() / exposure if exposure else 0.0) * a.ends_factor
    start_rate = started.sum() / sc.history_days * a.starts_factor
    target = a.year_end_placements
    if target == "budget":
        target = budget.get("budget_placements_end")
    if target is not None:
        start_rate, hazard = rate_for_target(n0, float(target), hazard, days_left)
    new_ids = set(placements.placement_id[started].tolist())
    # Looked up in the set: numpy's isin sorts the two object arrays together (tens of ms).
    ids = ledger.placement_id.tolist()
    new_now = now & np.fromiter((p in new_ids for p in ids), bool, len(ids))
    avg_now = float(weekly_now.mean()) if n0 else None
    if new_now.any():
        new_weekly = float(ledger.weekly[new_now].mean())
    elif avg_now is not None:
        new_weekly = avg_now
    elif budget.get("budget_unit_cost"):
        new_weekly = float(budget["budget_unit_cost"]) / WEEKS_A_YEAR
    else:
        new_weekly = None
    return {
        "on": on,
        "now": now,
        "n0": n0,
        "hazard": hazard,
        "start_rate": start_rate,
        "avg_now": avg_now,
        "new_weekly": new_weekly,
        "committed": float(weekly_now.sum()) / 7 * days_left,
        "starts": int(started.sum()),
        "ends": int(ended.sum()),
        "exposure": exposure,
        "target": None if target is None else float(target),
        "uplift": a.price_uplift,
        "moves_out": np.zeros(max(days_left, 0)),
        "moves_in": np.zeros(max(days_left, 0)),
    }


def _line_forecast(
    ledger: Ledger,
    line: str,
    s: dict,
    budgets: dict[str, dict],
    grants: list[dict],
    as_at: date,
    cfg: LadderSettings,
) -> LineForecast:
    """The line's forecast from its state: the expected paths without and with step-downs
    priced at the current and the new weekly cost, and the grant it earns."""
    y0, y1 = year_bounds(financial_year(as_at))
    days_left = (y1 - as_at).days
    plain = expected_path(s["n0"], s["start_rate"], s["hazard"], days_left)
    moved = expected_path(
        s["n0"], s["start_rate"], s["hazard"], days_left, s["moves_out"], s["moves_in"]
    )
    avg_w = s["avg_now"] or 0.0
    new_w = s["new_weekly"] or 0.0
    committed = s["committed"]
    ends = (plain.existing_nights - s["n0"] * days_left) * avg_w / 7
    starts = plain.new_nights * new_w / 7
    with_moves = moved.existing_nights * avg_w / 7 + moved.new_nights * new_w / 7
    steps = with_moves - (plain.existing_nights * avg_w / 7 + starts)
    to_come = committed + ends + starts + steps
    uplift = s["uplift"] * to_come
    to_date = float(ledger.spend(y0, as_at)[s["on"]].sum())
    forecast = max(0.0, to_date + to_come + uplift)
    nights_to_date = int(ledger.nights(y0, as_at)[s["on"]].sum())
    nights_left = moved.existing_nights + moved.new_nights
    b = budgets.get(line)
    grant = per_night_grant(grants, line)
    income = float(grant["rate_per_night"]) * (nights_to_date + nights_left) if grant else 0.0
    budgeted_grant = (
        float(b["budget"] or 0.0) if (grant and b and line in cfg.grant_funded_lines) else 0.0
    )
    budget = None if b is None or b.get("budget") is None else float(b["budget"])
    variance = None if budget is None else (forecast - income) - (budget - budgeted_grant)
    group = cfg.group_of(line)
    days_in_year = (y1 - y0).days + 1
    return LineForecast(
        line=line,
        name=(b or {}).get("line_name") or line.replace("_", " "),
        group=group.id if group else line,
        budget=budget,
        budget_placements_start=_opt(b, "budget_placements_start"),
        budget_placements_end=_opt(b, "budget_placements_end"),
        budget_unit_cost=_opt(b, "budget_unit_cost"),
        spend_to_date=to_date,
        committed=committed,
        expected_ends=ends,
        expected_starts=starts,
        step_downs=steps,
        price_uplift=uplift,
        forecast=forecast,
        grant_income=income,
        budgeted_grant=budgeted_grant,
        variance=variance,
        placements_year_start=int((ledger.open_on(y0) & s["on"]).sum()) if y0 <= as_at else s["n0"],
        placements_now=s["n0"],
        placements_year_end=moved.year_end,
        average_placements=(nights_to_date + nights_left) / days_in_year,
        nights_to_date=nights_to_date,
        nights_remaining=nights_left,
        starts_in_history=s["starts"],
        ends_in_history=s["ends"],
        start_rate_per_month=s["start_rate"] * DAYS_A_YEAR / 12,
        end_rate_per_month=1 - math.exp(-s["hazard"] * DAYS_A_YEAR / 12),
        average_weekly_now=s["avg_now"],
        new_weekly=s["new_weekly"],
        year_end_target=s["target"],
    )


def _opt(row: dict | None, key: str) -> float | None:
    return None if row is None or row.get(key) is None else float(row[key])
