"""The care ladder's groups of lines: each group's forecast with its packages' cost spread and
dearest packages, and the split of fostering between in-house and independent carers."""

from __future__ import annotations

import math
from datetime import date

import numpy as np

from csc_scorecard.forecast.ladder_settings import LadderSettings, LineGroup
from csc_scorecard.forecast.ledger import OPEN, WEEKS_A_YEAR, Ledger
from csc_scorecard.forecast.outturn_model import (
    FosteringSplitForecast,
    GroupForecast,
    LineForecast,
    Package,
)
from csc_scorecard.forecast.scenarios import Scenario


def line_order(cfg: LadderSettings, line: str) -> tuple[int, int, str]:
    for gi, g in enumerate(cfg.groups):
        if line in g.lines:
            return gi, g.lines.index(line), line
    return len(cfg.groups), 0, line


def groups_for(cfg: LadderSettings, lines: list[LineForecast]) -> list[LineGroup]:
    present = {ln.line for ln in lines}
    out = [g for g in cfg.groups if present & set(g.lines)]
    grouped = {x for g in cfg.groups for x in g.lines}
    for ln in lines:
        if ln.line not in grouped:
            out.append(LineGroup(id=ln.line, name=ln.name, short=ln.name, lines=[ln.line]))
    return out


def group(
    g: LineGroup,
    lines: list[LineForecast],
    ledger: Ledger,
    as_at: date,
    sc: Scenario,
    cfg: LadderSettings,
) -> GroupForecast:
    mine = [ln for ln in lines if ln.line in g.lines]
    on = np.isin(ledger.line, g.lines)
    now = on & (ledger.end == OPEN)
    weekly = ledger.weekly[now]
    budgets = [ln for ln in mine if ln.budget is not None]

    def total(attr: str) -> float | None:
        vals = [getattr(ln, attr) for ln in mine if getattr(ln, attr) is not None]
        return float(sum(vals)) if vals else None

    b_start, b_end = total("budget_placements_start"), total("budget_placements_end")
    b_avg = None if b_start is None or b_end is None else (b_start + b_end) / 2
    budget = float(sum(ln.budget for ln in budgets)) if budgets else None
    month_start = as_at.replace(day=1)
    placements = ledger.placements()
    in_group = np.isin(placements.line, g.lines)
    last_month = (
        in_group
        & (placements.start >= month_start.toordinal())
        & (placements.start <= as_at.toordinal())
    )
    order = np.argsort(-weekly, kind="stable")[: cfg.top_packages]
    idx = np.flatnonzero(now)[order]
    unit = (budget / b_avg) if budget is not None and b_avg else None
    spread = _package_spread(np.sort(weekly)[::-1], None if unit is None else unit / WEEKS_A_YEAR)
    return GroupForecast(
        id=g.id,
        name=g.name,
        short=g.short,
        narrative=g.narrative,
        lines=[ln.line for ln in mine],
        budget=budget,
        forecast=sum(ln.forecast for ln in mine),
        grant_income=sum(ln.grant_income for ln in mine),
        variance=(sum(ln.variance for ln in mine if ln.variance is not None) if budgets else None),
        placements_year_start=sum(ln.placements_year_start for ln in mine),
        placements_now=sum(ln.placements_now for ln in mine),
        placements_year_end=sum(ln.placements_year_end for ln in mine),
        average_placements=sum(ln.average_placements for ln in mine),
        budget_placements_start=b_start,
        budget_placements_end=b_end,
        budget_average_placements=b_avg,
        average_annual_cost=float(weekly.mean() * WEEKS_A_YEAR) if len(weekly) else None,
        budget_unit_cost=unit,
        **spread,
        weekly_min=float(weekly.min()) if len(weekly) else None,
        weekly_max=float(weekly.max()) if len(weekly) else None,
        starts_in_history=sum(ln.starts_in_history for ln in mine),
        starts_last_month=int(last_month.sum()),
        top_packages=[
            Package(
                placement_id=str(ledger.placement_id[i]),
                child_id=str(ledger.child_id[i]),
                line=str(ledger.line[i]),
                provider=ledger.provider[i],
                start_date=date.fromordinal(
                    int(placements.start[placements.placement_id == ledger.placement_id[i]][0])
                ),
                weekly_cost=float(ledger.weekly[i]),
            )
            for i in idx
        ],
    )


def _package_spread(desc: np.ndarray, budget_weekly: float | None) -> dict:
    """The dearest tenth of packages (at least two) and the packages above the budgeted weekly
    cost, with a single package far above the rest named apart (para 40: "20 packages ranging
    from £2,170 to £4,618 per week, plus one package costing £6,772").

    >>> s = _package_spread(np.array([6772.0, 4618, 3000, 2170, 900]), 2000.0)
    >>> s["outlier_weekly"], s["above_budget"], s["above_budget_low"], s["top_tenth_high"]
    (6772.0, 3, 2170.0, 6772.0)
    """
    out: dict = {"budget_weekly": budget_weekly}
    if len(desc) >= 2:
        top = desc[: max(2, math.ceil(0.1 * len(desc)))]
        out.update(top_tenth_low=float(top.min()), top_tenth_high=float(top.max()))
    if budget_weekly is None:
        return out
    above = desc[desc > budget_weekly]
    if len(above) >= 3 and above[0] > 1.25 * above[1]:
        out["outlier_weekly"], above = float(above[0]), above[1:]
    if len(above):
        out.update(
            above_budget=len(above),
            above_budget_low=float(above.min()),
            above_budget_high=float(above.max()),
        )
    return out


def fostering(cfg: LadderSettings, lines: list[LineForecast]) -> FosteringSplitForecast | None:
    if cfg.fostering_split is None:
        return None
    by = {ln.line: ln for ln in lines}
    ind, inh = by.get(cfg.fostering_split.independent), by.get(cfg.fostering_split.in_house)
    if ind is None or inh is None:
        return None

    def share(a: float | None, b: float | None) -> float | None:
        if a is None or b is None or a + b <= 0:
            return None
        return a / (a + b)

    def over(actual: float, x: float | None, y: float | None) -> float | None:
        return None if x is None or y is None else actual - (x + y)

    return FosteringSplitForecast(
        independent_share_year_start=share(ind.placements_year_start, inh.placements_year_start),
        independent_share_now=share(ind.placements_now, inh.placements_now),
        independent_share_year_end=share(ind.placements_year_end, inh.placements_year_end),
        planned_independent_share_year_end=share(
            ind.budget_placements_end, inh.budget_placements_end
        ),
        placements_over_budget_start=over(
            ind.placements_year_start + inh.placements_year_start,
            ind.budget_placements_start,
            inh.budget_placements_start,
        ),
        placements_over_budget_end=over(
            ind.placements_year_end + inh.placements_year_end,
            ind.budget_placements_end,
            inh.budget_placements_end,
        ),
    )
