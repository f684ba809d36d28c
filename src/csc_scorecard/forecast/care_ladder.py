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
`staffing.py`; `forecast_outturn` puts everything together.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.forecast.ledger import (
    DAYS_A_YEAR,
    OPEN,
    Ledger,
    financial_year,
    load_ledger,
    year_bounds,
)
from csc_scorecard.forecast.scenarios import Scenario, StepDown
from csc_scorecard.forecast.scenarios import scenario as get_scenario
from csc_scorecard.forecast.staffing import (
    AgencyForecast,
    EstablishmentForecast,
    agency_forecast,
    establishment_forecast,
)
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store

WEEKS_A_YEAR = DAYS_A_YEAR / 7


# --------------------------------------------------------------------------- settings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineGroup(_Strict):
    id: str
    name: str
    short: str
    lines: list[str]
    narrative: Literal["numbers_and_costs", "fostering_split", "average_placements", "grant"] = (
        "numbers_and_costs"
    )


class FosteringSplit(_Strict):
    independent: str
    in_house: str


class LadderSettings(_Strict):
    groups: list[LineGroup]
    fostering_split: FosteringSplit | None = None
    grant_funded_lines: list[str] = []
    agency_line: str | None = None
    establishment_line: str | None = None
    top_packages: int = Field(10, ge=0)

    def group_of(self, line: str) -> LineGroup | None:
        return next((g for g in self.groups if line in g.lines), None)


@cache
def settings() -> LadderSettings:
    text = resources.files(__package__).joinpath("care_ladder.yaml").read_text()
    return LadderSettings.model_validate(yaml.safe_load(text))


# --------------------------------------------------------------------------- results


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineForecast(_Result):
    """One care-ladder line's forecast for the financial year (GBP; counts of placements)."""

    line: str
    name: str
    group: str
    budget: float | None
    budget_placements_start: float | None = None
    budget_placements_end: float | None = None
    budget_unit_cost: float | None = None
    spend_to_date: float
    committed: float
    expected_ends: float
    expected_starts: float
    step_downs: float
    price_uplift: float
    forecast: float = Field(description="gross forecast outturn")
    grant_income: float = Field(0.0, description="per-night grant earned on the line's nights")
    budgeted_grant: float = 0.0
    variance: float | None = Field(
        description="(forecast - grant) - (budget - budgeted grant); + is an overspend"
    )
    # Counts of children's placements and what is built on them: None only where a publication
    # left a count of 1 to 5 out (report/publication.py `publish_finance`).
    placements_year_start: int | None
    placements_now: int | None
    placements_year_end: float | None
    average_placements: float | None
    nights_to_date: int | None
    nights_remaining: float | None
    starts_in_history: int | None
    ends_in_history: int | None
    start_rate_per_month: float | None
    end_rate_per_month: float | None = Field(description="share of placements ending in a month")
    average_weekly_now: float | None
    new_weekly: float | None = Field(description="weekly cost used for new placements")
    year_end_target: float | None = None


class Package(_Result):
    """An open placement's current weekly cost (child-level: never in a published report)."""

    placement_id: str
    child_id: str
    line: str
    provider: str | None
    start_date: date
    weekly_cost: float


class GroupForecast(_Result):
    id: str
    name: str
    short: str
    narrative: str
    lines: list[str]
    budget: float | None
    forecast: float
    grant_income: float
    variance: float | None
    # Counts: None only where a publication left a count of 1 to 5 out (as LineForecast).
    placements_year_start: int | None
    placements_now: int | None
    placements_year_end: float | None
    average_placements: float | None
    budget_placements_start: float | None
    budget_placements_end: float | None
    budget_average_placements: float | None
    average_annual_cost: float | None = Field(description="mean current package, a year")
    budget_unit_cost: float | None = Field(description="budget / budgeted average placements")
    weekly_min: float | None
    weekly_max: float | None
    top_tenth_low: float | None = Field(
        None, description="weekly cost range of the dearest tenth of open packages"
    )
    top_tenth_high: float | None = None
    budget_weekly: float | None = Field(None, description="budgeted unit cost as a weekly cost")
    above_budget: int | None = Field(
        0, description="open packages above the budgeted weekly cost, outlier apart"
    )
    above_budget_low: float | None = None
    above_budget_high: float | None = None
    outlier_weekly: float | None = Field(
        None, description="a package over 1.25 times the next dearest"
    )
    starts_in_history: int | None
    starts_last_month: int | None
    top_packages: list[Package] = []


class Offset(_Result):
    grant: str
    line: str | None
    amount: float


class UascGrant(_Result):
    line: str
    grant: str
    rate_per_night: float
    nights: float
    income: float
    cost: float
    pressure: float


class FosteringSplitForecast(_Result):
    independent_share_year_start: float | None
    independent_share_now: float | None
    independent_share_year_end: float | None
    planned_independent_share_year_end: float | None
    placements_over_budget_start: float | None
    placements_over_budget_end: float | None


class Outturn(_Result):
    """Everything the finance section says, for one authority, quarter and scenario."""

    la_code: str
    period: str
    as_at: date
    financial_year: int
    month: int = Field(description="months of the financial year elapsed (Q1 = month 3)")
    scenario: str
    scenario_description: str
    history_from: date
    lines: list[LineForecast]
    groups: list[GroupForecast]
    offsets: list[Offset]
    grants: list[UascGrant]
    fostering: FosteringSplitForecast | None
    agency: AgencyForecast | None
    establishment: EstablishmentForecast | None
    care_ladder_budget: float
    care_ladder_forecast: float
    care_ladder_variance: float = Field(description="line variances less offsets")
    total_budget: float
    total_forecast: float
    total_variance: float


# --------------------------------------------------------------------------- line arithmetic


class LinePath(_Result):
    """Expected nights on a line from the day after the as-at date to 31 March."""

    existing_nights: float
    new_nights: float
    year_end: float


def expected_path(
    n0: float,
    start_rate: float,
    end_hazard: float,
    days: int,
    moves_out: np.ndarray | None = None,
    moves_in: np.ndarray | None = None,
) -> LinePath:
    """Step the expected count day by day: survivors of today's placements and new ones.

    `moves_out` / `moves_in` give placements stepping down off / onto the line on each day;
    moves out are taken from today's and new placements in proportion and never exceed those
    present, so the path (and every forecast built on it) stays non-negative.

    >>> p = expected_path(10, 0.0, 0.0, 30); (p.existing_nights, p.new_nights, p.year_end)
    (300.0, 0.0, 10.0)
    >>> round(expected_path(0, 1.0, 0.0, 3).new_nights, 1)  # one a day: 1 + 2 + 3 nights
    6.0
    """
    q = math.exp(-end_hazard)
    existing, new = float(n0), 0.0
    ex_nights = new_nights = 0.0
    for d in range(days):
        existing *= q
        new = new * q + start_rate + (0.0 if moves_in is None else float(moves_in[d]))
        if moves_out is not None and moves_out[d] > 0 and existing + new > 0:
            present = existing + new
            keep = 1 - min(float(moves_out[d]), present) / present
            existing, new = existing * keep, new * keep
        ex_nights += existing
        new_nights += new
    return LinePath(existing_nights=ex_nights, new_nights=new_nights, year_end=existing + new)


def rate_for_target(n0: float, target: float, end_hazard: float, days: int) -> tuple[float, float]:
    """(start rate, end hazard) that take the expected count from n0 to `target` in `days`.

    Keeps the line's end hazard and solves for the start rate; when the count would stay above
    the target even with no starts, the end hazard is raised instead (placements managed to an
    end). A target of nought is read as half a placement: an expected count falling at a
    constant hazard never reaches zero.

    >>> s, h = rate_for_target(10, 10, 0.01, 100); round(s, 4), h  # steady state: s = n0(1-q)
    (0.0995, 0.01)
    >>> s, h = rate_for_target(57, 40, 0.0, 274); s, round(57 * math.exp(-h * 274), 6)
    (0.0, 40.0)
    """
    if days <= 0:
        return 0.0, end_hazard
    gone_day, gone_all = -math.expm1(-end_hazard), -math.expm1(-end_hazard * days)  # 1-q, 1-q^days
    if gone_all > 0:
        start = (target - n0 * (1 - gone_all)) * gone_day / gone_all
    else:
        start = (target - n0) / days
    if start >= 0:
        return start, end_hazard
    goal = max(target, 0.5) if n0 > 0 else 0.0
    if n0 <= goal:
        return 0.0, end_hazard
    return 0.0, math.log(n0 / goal) / days


def _moves(step: StepDown, n_from: float, days_left: int) -> np.ndarray:
    """Placements moved off the line on each remaining day: an even spread over the step-down's
    months (or to 31 March), never more than the line holds today."""
    k = min(step.placements if step.placements is not None else step.share * n_from, n_from)
    span = days_left if step.within_months is None else round(step.within_months * DAYS_A_YEAR / 12)
    per_day = np.zeros(max(days_left, 0))
    if k > 0 and span > 0 and days_left > 0:
        per_day[: min(span, days_left)] = k / span
    return per_day


# --------------------------------------------------------------------------- the forecast


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
    budgets = _budgets(store, la_code, fy)
    ledger = load_ledger(store, la_code, as_at)
    grants = _grants(store, la_code, fy)
    cfg = settings()
    staff_lines = {cfg.agency_line, cfg.establishment_line} - {None}
    lines_present = sorted(
        ({b["line"] for b in budgets.values()} | set(ledger.line.tolist())) - staff_lines,
        key=lambda ln: _line_order(cfg, ln),
    )
    lines = forecast_lines(ledger, budgets, grants, lines_present, as_at, sc, cfg)
    groups = [_group(g, lines, ledger, as_at, sc, cfg) for g in _groups_for(cfg, lines)]
    offsets = [
        Offset(grant=g["grant"], line=g["line"], amount=float(g["amount"]))
        for g in grants
        if g["amount"] is not None and g["rate_per_night"] is None
    ]
    uasc = [
        UascGrant(
            line=ln.line,
            grant=_per_night_grant(grants, ln.line)["grant"],
            rate_per_night=float(_per_night_grant(grants, ln.line)["rate_per_night"]),
            nights=ln.nights_to_date + ln.nights_remaining,
            income=ln.grant_income,
            cost=ln.forecast,
            pressure=ln.forecast - ln.grant_income,
        )
        for ln in lines
        if _per_night_grant(grants, ln.line) is not None
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
        grants=uasc,
        fostering=_fostering(cfg, lines),
        agency=agency,
        establishment=establishment,
        care_ladder_budget=ladder_budget,
        care_ladder_forecast=ladder_forecast,
        care_ladder_variance=ladder_variance,
        total_budget=total_budget,
        total_forecast=total_forecast,
        total_variance=total_forecast - total_budget,
    )


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
    fy = financial_year(as_at)
    y0, y1 = year_bounds(fy)
    days_left = (y1 - as_at).days
    hist_lo = as_at - timedelta(days=sc.history_days - 1)
    placements = ledger.placements()
    open_now = ledger.end == OPEN
    state = {}
    for line in lines:
        on = ledger.line == line
        now = on & open_now
        n0 = int(now.sum())
        weekly_now = ledger.weekly[now]
        p_on = placements.line == line
        started = (
            p_on
            & (placements.start >= hist_lo.toordinal())
            & (placements.start <= as_at.toordinal())
        )
        ended = (
            p_on & (placements.end >= hist_lo.toordinal()) & (placements.end <= as_at.toordinal())
        )
        exposure = float(ledger.nights(hist_lo, as_at)[on].sum())
        a = sc.line(line)
        hazard = (ended.sum() / exposure if exposure else 0.0) * a.ends_factor
        start_rate = started.sum() / sc.history_days * a.starts_factor
        budget = budgets.get(line, {})
        target = a.year_end_placements
        if target == "budget":
            target = budget.get("budget_placements_end")
        if target is not None:
            start_rate, hazard = rate_for_target(n0, float(target), hazard, days_left)
        new_ids = set(placements.placement_id[started].tolist())
        new_now = (
            now & np.isin(ledger.placement_id, list(new_ids)) if new_ids else np.zeros_like(now)
        )
        avg_now = float(weekly_now.mean()) if n0 else None
        if new_now.any():
            new_weekly = float(ledger.weekly[new_now].mean())
        elif avg_now is not None:
            new_weekly = avg_now
        elif budget.get("budget_unit_cost"):
            new_weekly = float(budget["budget_unit_cost"]) / WEEKS_A_YEAR
        else:
            new_weekly = None
        state[line] = {
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
    for step in sc.step_downs:
        if step.from_line not in state or step.to_line not in state:
            continue
        per_day = _moves(step, state[step.from_line]["n0"], days_left)
        state[step.from_line]["moves_out"] += per_day
        state[step.to_line]["moves_in"] += per_day

    out = []
    for line in lines:
        s = state[line]
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
        grant = _per_night_grant(grants, line)
        income = float(grant["rate_per_night"]) * (nights_to_date + nights_left) if grant else 0.0
        budgeted_grant = (
            float(b["budget"] or 0.0) if (grant and b and line in cfg.grant_funded_lines) else 0.0
        )
        budget = None if b is None or b.get("budget") is None else float(b["budget"])
        variance = None if budget is None else (forecast - income) - (budget - budgeted_grant)
        group = cfg.group_of(line)
        days_in_year = (y1 - y0).days + 1
        out.append(
            LineForecast(
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
                placements_year_start=int((ledger.open_on(y0) & s["on"]).sum())
                if y0 <= as_at
                else s["n0"],
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
        )
    return out


def _opt(row: dict | None, key: str) -> float | None:
    return None if row is None or row.get(key) is None else float(row[key])


def _line_order(cfg: LadderSettings, line: str) -> tuple[int, int, str]:
    for gi, g in enumerate(cfg.groups):
        if line in g.lines:
            return gi, g.lines.index(line), line
    return len(cfg.groups), 0, line


def _groups_for(cfg: LadderSettings, lines: list[LineForecast]) -> list[LineGroup]:
    present = {ln.line for ln in lines}
    out = [g for g in cfg.groups if present & set(g.lines)]
    grouped = {x for g in cfg.groups for x in g.lines}
    for ln in lines:
        if ln.line not in grouped:
            out.append(LineGroup(id=ln.line, name=ln.name, short=ln.name, lines=[ln.line]))
    return out


def _group(
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


def _fostering(cfg: LadderSettings, lines: list[LineForecast]) -> FosteringSplitForecast | None:
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


# --------------------------------------------------------------------------- store reads


def _budgets(store: Store, la_code: str, fy: int) -> dict[str, dict]:
    cur = store.con.cursor()
    try:
        rows = cur.execute(
            """SELECT line, line_name, budget, budget_placements_start, budget_placements_end, budget_unit_cost
               FROM budget_lines WHERE la_code = ? AND financial_year = ? AND line IS NOT NULL ORDER BY line""",
            [la_code, fy],
        ).fetchall()
    finally:
        cur.close()
    keys = (
        "line",
        "line_name",
        "budget",
        "budget_placements_start",
        "budget_placements_end",
        "budget_unit_cost",
    )
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}


def _grants(store: Store, la_code: str, fy: int) -> list[dict]:
    cur = store.con.cursor()
    try:
        rows = cur.execute(
            """SELECT grant, line, amount, rate_per_night FROM grants
               WHERE la_code = ? AND financial_year = ? ORDER BY grant""",
            [la_code, fy],
        ).fetchall()
    finally:
        cur.close()
    return [dict(zip(("grant", "line", "amount", "rate_per_night"), r, strict=True)) for r in rows]


def _per_night_grant(grants: list[dict], line: str) -> dict | None:
    return next((g for g in grants if g["line"] == line and g["rate_per_night"] is not None), None)
