"""Staffing lines of the forecast: agency social workers and the employed establishment.

Agency (seed para 42): spend to date is the months of `agency_costs` in the financial year up
to the as-at date; the rest of the year is the latest month's FTE, moving linearly to the
scenario's year-end level (flat by default), at the latest month's cost per FTE. The budget
sets a glide path from its FTE at 1 April to its FTE at 31 March (`budget_placements_start` /
`_end` hold FTE on this line); "the target for this stage of the year" is that path at the
as-at date.

Establishment (para 36, "offset by staffing underspends"): the budget funds an establishment of
FTE at a cost per FTE a year. Employed staff (`workers.agency` not true) cost their post FTE for
each day in post; posts held at the as-at date are assumed to continue to 31 March and vacant
posts to stay vacant, which is why vacancies show as an underspend while agency staff covering
them show as an overspend on the agency line.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.forecast.ledger import financial_year, year_bounds
from csc_scorecard.forecast.scenarios import AgencyAssumption
from csc_scorecard.store import Store


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AreaFte(_Result):
    service_area: str
    fte: float


class AgencyForecast(_Result):
    line: str
    budget: float | None
    budget_fte_start: float | None
    budget_fte_end: float | None
    spend_to_date: float
    forecast: float | None = Field(description="None when no agency spend is recorded for the year")
    variance: float | None
    latest_month: date | None
    fte_latest: float | None
    target_fte_now: float | None = Field(description="the budget's glide path at the as-at date")
    fte_over_target: float | None
    cost_per_fte_month: float | None
    year_end_fte: float | None
    by_area: list[AreaFte] = []


class EstablishmentForecast(_Result):
    line: str
    budget: float | None
    establishment_fte: float | None
    cost_per_fte: float | None
    fte_in_post: float | None
    vacancies_fte: float | None
    spend_to_date: float
    forecast: float | None
    variance: float | None


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def agency_forecast(
    store: Store, la_code: str, as_at: date, budget: dict | None, assume: AgencyAssumption
) -> AgencyForecast | None:
    """The agency line's forecast, or None if there is neither a budget nor any spend."""
    fy = financial_year(as_at)
    y0, y1 = year_bounds(fy)
    cur = store.con.cursor()
    try:
        months = cur.execute(
            """SELECT month, sum(coalesce(agency_fte, 0)), sum(coalesce(cost, 0)) FROM agency_costs
               WHERE la_code = ? AND month >= ? AND month <= ? GROUP BY month ORDER BY month""",
            [la_code, y0, as_at],
        ).fetchall()
        latest = months[-1][0] if months else None
        areas = (
            cur.execute(
                """SELECT service_area, sum(agency_fte) FROM agency_costs WHERE la_code = ? AND month = ?
               GROUP BY service_area ORDER BY 2 DESC, 1""",
                [la_code, latest],
            ).fetchall()
            if latest
            else []
        )
    finally:
        cur.close()
    if budget is None and not months:
        return None
    b = budget or {}
    b_start, b_end = b.get("budget_placements_start"), b.get("budget_placements_end")
    elapsed = ((as_at - y0).days + 1) / ((y1 - y0).days + 1)
    target_now = None if b_start is None or b_end is None else b_start + (b_end - b_start) * elapsed
    to_date = float(sum(m[2] for m in months))
    if not months:
        return AgencyForecast(
            line=b.get("line") or "agency_staff",
            budget=b.get("budget"),
            budget_fte_start=b_start,
            budget_fte_end=b_end,
            spend_to_date=0.0,
            forecast=None,
            variance=None,
            latest_month=None,
            fte_latest=None,
            target_fte_now=target_now,
            fte_over_target=None,
            cost_per_fte_month=None,
            year_end_fte=None,
        )
    fte_now, cost_now = float(months[-1][1]), float(months[-1][2])
    rate = cost_now / fte_now if fte_now else 0.0
    goal = assume.year_end_fte
    if goal == "budget":
        goal = b_end
    goal = fte_now if goal is None else float(goal)
    remaining = _month_index(y1) - _month_index(latest)
    future = (
        sum(fte_now + (goal - fte_now) * m / remaining for m in range(1, remaining + 1))
        if remaining
        else 0.0
    )
    forecast = to_date + future * rate * (1 + assume.rate_uplift)
    budget_value = b.get("budget")
    return AgencyForecast(
        line=b.get("line") or "agency_staff",
        budget=budget_value,
        budget_fte_start=b_start,
        budget_fte_end=b_end,
        spend_to_date=to_date,
        forecast=forecast,
        variance=None if budget_value is None else forecast - budget_value,
        latest_month=latest,
        fte_latest=fte_now,
        target_fte_now=target_now,
        fte_over_target=None if target_now is None else fte_now - target_now,
        cost_per_fte_month=rate,
        year_end_fte=goal,
        by_area=[AreaFte(service_area=a or "Unknown", fte=float(f or 0)) for a, f in areas],
    )


def establishment_forecast(
    store: Store, la_code: str, as_at: date, budget: dict | None
) -> EstablishmentForecast | None:
    """The employed-staff line's forecast, or None without a budget for it."""
    if budget is None:
        return None
    fy = financial_year(as_at)
    y0, y1 = year_bounds(fy)
    days_in_year = (y1 - y0).days + 1
    unit = budget.get("budget_unit_cost")
    cur = store.con.cursor()
    try:
        # Days in post from 1 April to the as-at date, and the FTE still in post after it. A post
        # ending after the as-at date is treated as continuing (not known then).
        row = cur.execute(
            """SELECT count(*),
                      sum(p.fte * greatest(0, date_diff('day', greatest(p.start_date, ?),
                          least(coalesce(p.end_date, ?), ?)) + 1)),
                      sum(CASE WHEN p.start_date <= ? AND (p.end_date IS NULL OR p.end_date > ?)
                               THEN p.fte ELSE 0 END)
               FROM worker_posts p LEFT JOIN workers w ON w.la_code = p.la_code AND w.worker_id = p.worker_id
               WHERE p.la_code = ? AND coalesce(w.agency, false) = false AND p.fte IS NOT NULL
                 AND p.start_date IS NOT NULL AND p.start_date <= ?""",
            [y0, as_at, as_at, as_at, as_at, la_code, as_at],
        ).fetchone()
    finally:
        cur.close()
    posts, fte_days, in_post = row
    establishment = budget.get("budget_placements_start")
    value = budget.get("budget")
    if not posts or unit is None:
        return EstablishmentForecast(
            line=budget.get("line") or "staffing",
            budget=value,
            establishment_fte=establishment,
            cost_per_fte=unit,
            fte_in_post=None,
            vacancies_fte=None,
            spend_to_date=0.0,
            forecast=None,
            variance=None,
        )
    per_day = float(unit) / days_in_year
    to_date = float(fte_days or 0) * per_day
    forecast = to_date + float(in_post or 0) * (y1 - as_at).days * per_day
    return EstablishmentForecast(
        line=budget.get("line") or "staffing",
        budget=value,
        establishment_fte=establishment,
        cost_per_fte=unit,
        fte_in_post=float(in_post or 0),
        vacancies_fte=None if establishment is None else float(establishment) - float(in_post or 0),
        spend_to_date=to_date,
        forecast=forecast,
        variance=None if value is None else forecast - value,
    )
