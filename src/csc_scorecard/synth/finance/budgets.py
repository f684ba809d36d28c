"""Budgets, grants and agency spend: each financial year's care-ladder, agency and staffing
budgets (set from activity at 1 April, as the seed's medium-term financial strategy was), the
Home Office UASC and DSG high needs grants, and agency FTE and spend by month and service area."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.finance.calibration import Calibration, LineSpec
from csc_scorecard.synth.finance.placements import WEEKS_A_YEAR, Placement
from csc_scorecard.synth.workforce.calibration import by_year
from csc_scorecard.synth.workforce.days import financial_year
from csc_scorecard.synth.workforce.roles import MANAGER_ROLES
from csc_scorecard.synth.workforce.tables import arrow


def open_on(placements: list[Placement], day: int) -> dict[str, list[float]]:
    """Weekly costs of the placements charged on `day`, by line."""
    out: dict[str, list[float]] = defaultdict(list)
    for p in placements:
        cost = p.weekly_on(day)
        if cost is not None:
            out[p.line].append(cost)
    return out


def budgets(
    placements: list[Placement],
    agency: list[dict],
    rows: dict[str, list[dict]],
    years: list[int],
    t0: int,
    end: int,
    cal: Calibration,
) -> pa.Table:
    """Each year's budget, set from activity at 1 April with the MTFS's assumptions (paras 36-42).

    budget = (placements at 1 April + placements at 31 March) / 2 x unit cost, for each line.
    """
    out = []
    for fy in years:
        day = date(fy, 4, 1).toordinal()
        if day < t0 or day > end:
            continue
        active = open_on(placements, day)
        ifa, inhouse = len(active["ifa_fostering"]), len(active["inhouse_fostering"])
        fostering = ifa + inhouse
        ifa_share = ifa / fostering if fostering else 0.0
        planned = {"ifa_fostering": max(0.0, ifa_share + cal.fostering.planned_ifa_shift)}
        planned["inhouse_fostering"] = 1.0 - planned["ifa_fostering"]
        for key, spec in cal.lines.items():
            costs = active.get(key, [])
            unit = (
                float(np.mean(costs)) * WEEKS_A_YEAR
                if costs
                else _typical_annual_cost(spec) * by_year(cal.price_index, fy)
            )
            unit = round(unit * spec.budget_unit_cost_ratio, -2)
            if key == "uasc":  # assumed to cost what the Home Office grant pays (para 41)
                unit = round(by_year(cal.uasc_rate_per_night, fy) * 365.25, -2)
            if key in planned:  # fostering: fewer placements, and a shift to in-house carers
                start = round(
                    fostering * cal.fostering.start_ratio * len(costs) / max(fostering, 1)
                )
                stop = round(
                    fostering * cal.fostering.start_ratio * cal.fostering.end_ratio * planned[key]
                )
            else:
                start = round(len(costs) * (spec.budget_start_ratio or 1.0))
                stop = round(start * (spec.budget_end_ratio or 1.0))
            out.append(_budget_row(fy, key, spec.name, start, stop, unit))
        if agency:
            fte = sum(p["fte"] for p in agency if _holds(p, day))
            start_fte = round(fte * cal.agency_budget_start_ratio, 1)
            stop_fte = round(start_fte * cal.agency_budget_end_ratio, 1)
            unit = by_year(cal.agency_cost_per_fte_month, fy) * 12.0
            out.append(_budget_row(fy, "agency_staff", "Agency staff", start_fte, stop_fte, unit))
        staffing = _establishment(rows, day, fy)
        if staffing is not None:
            unit = float(by_year(cal.staff_cost_per_fte, fy))
            out.append(
                _budget_row(fy, "staffing", "Staffing (establishment)", staffing, staffing, unit)
            )
    return arrow("budget_lines", out)


def _typical_annual_cost(spec: LineSpec) -> float:
    return sum(c.share * c.median for c in spec.weekly_cost) * WEEKS_A_YEAR


def _budget_row(fy: int, line: str, name: str, start: float, stop: float, unit: float) -> dict:
    return {
        "financial_year": fy,
        "line": line,
        "line_name": name,
        "budget": round((start + stop) / 2 * unit, -2),
        "budget_placements_start": float(start),
        "budget_placements_end": float(stop),
        "budget_unit_cost": float(unit),
    }


def _holds(post: dict, day: int) -> bool:
    return post["start_date"].toordinal() <= day and (
        post["end_date"] is None or post["end_date"].toordinal() >= day
    )


def _establishment(rows: dict[str, list[dict]], day: int, fy: int) -> float | None:
    """Funded FTE: employed staff in post at 1 April plus the vacancies the latest workforce
    census counted (standards.md 4: vacancies are posts not filled by employed staff)."""
    if not rows["worker_posts"]:
        return None
    agency = {w["worker_id"] for w in rows["workers"] if w["agency"]}
    employed = sum(
        p["fte"] for p in rows["worker_posts"] if p["worker_id"] not in agency and _holds(p, day)
    )
    censuses = sorted(
        (r["collection_year"], r["vacancies_fte"] or 0.0) for r in rows["workforce_census_la"]
    )
    before = [v for y, v in censuses if date(y, 9, 30).toordinal() < day]
    vacancies = before[-1] if before else (censuses[0][1] if censuses else 0.0)
    return round(employed + vacancies, 1)


def grants(placements: list[Placement], years: list[int], cal: Calibration) -> pa.Table:
    """The Home Office UASC grant (paid per child per night) and the DSG high needs block's
    contribution to out-of-authority residential placements (para 37)."""
    out = []
    for fy in years:
        out.append(
            {
                "financial_year": fy,
                "grant": "UASC Home Office grant",
                "line": "uasc",
                "amount": None,
                "rate_per_night": float(by_year(cal.uasc_rate_per_night, fy)),
            }
        )
        ooa = open_on(placements, date(fy, 4, 1).toordinal()).get("ooa_residential", [])
        amount = sum(ooa) * WEEKS_A_YEAR * by_year(cal.dsg_high_needs_share, fy)
        out.append(
            {
                "financial_year": fy,
                "grant": "DSG high needs contribution",
                "line": "ooa_residential",
                "amount": round(amount, -3),
                "rate_per_night": None,
            }
        )
    return arrow("grants", out)


def agency_posts(rows: dict[str, list[dict]]) -> list[dict]:
    agency = {w["worker_id"] for w in rows["workers"] if w["agency"]}
    areas = {t["team_id"]: t["service_area"] for t in rows["teams"]}
    return [
        {**p, "service_area": areas.get(p["team_id"], "Unknown")}
        for p in rows["worker_posts"]
        if p["worker_id"] in agency
    ]


def agency_costs(posts: list[dict], t0: int, end: int, cal: Calibration) -> pa.Table:
    """Agency FTE (worked days / days in the month) and spend by month and service area."""
    out = []
    month = date.fromordinal(t0).replace(day=1)
    while month.toordinal() <= end:
        nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        lo, hi = month.toordinal(), min(nxt.toordinal() - 1, end)
        days = nxt.toordinal() - month.toordinal()
        rate = by_year(cal.agency_cost_per_fte_month, financial_year(lo))
        fte: dict[str, float] = defaultdict(float)
        cost: dict[str, float] = defaultdict(float)
        for p in posts:
            s = p["start_date"].toordinal()
            e = p["end_date"].toordinal() if p["end_date"] else hi
            worked = min(e, hi) - max(s, lo) + 1
            if worked <= 0:
                continue
            share = p["fte"] * worked / days
            fte[p["service_area"]] += share
            factor = cal.manager_cost_factor if p["role"] in MANAGER_ROLES else 1.0
            cost[p["service_area"]] += share * rate * factor
        for area in sorted(fte):
            out.append(
                {
                    "month": month,
                    "service_area": area,
                    "agency_fte": round(fte[area], 2),
                    "cost": round(cost[area], 2),
                }
            )
        month = nxt
    return arrow("agency_costs", out)
