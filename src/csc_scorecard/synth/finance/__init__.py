"""The synthetic authority's finance, children's homes pipeline and manually supplied figures.

`simulate(config, tables)` reads the looked-after children (children, cla_episodes) and the
workforce (workers, worker_posts, teams, workforce_census_la) and returns:

- placement_costs: every costed placement as cost periods (weekly cost by care-ladder line,
  uplifted each April, renegotiated now and then, rising with a fostered child's age);
- budget_lines: each financial year's care-ladder, agency and staffing budgets, set from
  activity at 1 April the way the seed's medium-term financial strategy was (fewer placements and
  cheaper packages than the authority actually had, agency staff replaced by newly qualified
  social workers), so the seed's forecast overspend appears (paras 36-42);
- grants: the Home Office UASC rate per night and the DSG high needs contribution;
- agency_costs: agency FTE and spend by month and service area;
- homes_pipeline: quarterly snapshots of the planned children's homes (paras 43-44);
- manual_values: youth justice, Ofsted grades of the authority's homes and Family Star figures.

Calibration numbers are in `finance.yaml`; the logic here only says how they combine. With
`config.imperfections` > 0 a share of the placement cost and agency cost records get realistic
data-quality faults (`FAULTS` below, applied by `synth.workforce.imperfections`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.finance.calibration import (
    Calibration,
    HomeSpec,
    LineSpec,
    ManualSpec,
    calibration,
)
from csc_scorecard.synth.workforce.calibration import by_year
from csc_scorecard.synth.workforce.days import financial_year
from csc_scorecard.synth.workforce.imperfections import Faults, spoil
from csc_scorecard.synth.workforce.roles import MANAGER_ROLES
from csc_scorecard.synth.workforce.tables import arrow

# Mixed with config.seed (a SeedSequence) so these draws are independent of children and workforce.
SEED_OFFSET = 1_002
WEEKS_A_YEAR = 365.25 / 7

FOSTERING = {"U1", "U2", "U3", "U4", "U5", "U6"}
RESIDENTIAL = {"K1", "K2", "S1", "R1"}
SUPPORTED = {"H5", "P2", "K3"}
EXTERNAL = {"PR2", "PR3", "PR4", "PR5"}
# Faults given to SynthConfig.imperfections of the finance records (workforce/imperfections.py):
# a cost line typed without its weekly cost or provider, or charged to a line that does not
# exist; a month's agency spend missing; a row entered twice. Budgets, grants, the homes pipeline
# and the manually supplied figures are set once a year or quarter and checked, so stay clean.
FAULTS = {
    "placement_costs": Faults(
        missing_value=("weekly_cost", "provider"), unknown_code={"line": "care_ladder_line"}
    ),
    "agency_costs": Faults(missing_value=("cost",)),
}
# The canonical columns read from the children's and the workforce tables.
INPUT_COLUMNS = {
    "children": ["child_id", "date_of_birth", "uasc", "uasc_ceased_date"],
    "cla_episodes": ["child_id", "decom", "rne", "place", "place_provider", "dec"],
    "workers": ["worker_id", "agency"],
    "worker_posts": ["worker_id", "team_id", "role", "fte", "start_date", "end_date"],
    "teams": ["team_id", "service_area"],
    "workforce_census_la": ["collection_year", "vacancies_fte"],
}


def care_ladder_line(place: str | None, provider: str | None, uasc: bool) -> str | None:
    """The care-ladder budget line a placement is charged to (None: not costed per placement).

    From 903 PLACE and PLACE_PROVIDER (standards.md 1.3): fostering with the authority's own
    carers (PR1, including family and friends carers) is in-house, with anyone else independent;
    children's homes, secure units and residential schools run by others are out-of-authority
    residential; mother-and-baby units and family centres (R3) parent and child; semi-independent
    and supported accommodation (H5, P2, K3) the 16+ line. Unaccompanied asylum-seeking children
    have their own line, offset by the Home Office grant (para 41). Placements with parents,
    for adoption, in the authority's own homes, in hospital or custody and temporary moves are not
    costed per placement.
    """
    if place is None:
        return None
    if uasc and (place in FOSTERING or place in SUPPORTED or place in RESIDENTIAL):
        return "uasc"
    if place in FOSTERING:
        return "ifa_fostering" if provider in EXTERNAL else "inhouse_fostering"
    if place in RESIDENTIAL:
        return "ooa_residential" if provider in EXTERNAL else None
    if place == "R3":
        return "parent_and_child"
    if place in SUPPORTED:
        return "sixteen_plus"
    return None


# --------------------------------------------------------------------------- public entry


def simulate(config: SynthConfig, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Finance, sufficiency and manual-value tables for the authority in `tables`."""
    cal = calibration()
    streams = [
        np.random.default_rng(s)
        for s in np.random.SeedSequence([config.seed, SEED_OFFSET]).spawn(5)
    ]
    t0, end = config.start.toordinal(), config.end.toordinal()
    rows = {
        name: (tables[name].select(columns).to_pylist() if name in tables else [])
        for name, columns in INPUT_COLUMNS.items()
    }
    years = list(range(config.first_year, config.last_year + 1))

    placements = cost_placements(rows["children"], rows["cla_episodes"], t0, end, cal, streams[0])
    agency = _agency_posts(rows)
    out = {
        "placement_costs": _placement_table(placements),
        "budget_lines": _budgets(placements, agency, rows, years, t0, end, cal),
        "grants": _grants(placements, years, cal),
        "agency_costs": _agency_costs(agency, t0, end, cal),
        "homes_pipeline": _pipeline(config.end, cal, streams[1]),
    }
    opened = _opened(cal, config.end)
    out["manual_values"], grades = _manual_values(config, [d for d, _ in opened], cal, streams[2])
    out["own_homes"] = _own_homes(config, grades, [h for _, h in opened], cal, streams[4])
    return spoil(out, config.imperfections, FAULTS, streams[3], config.end)


# --------------------------------------------------------------------------- placements


@dataclass
class Placement:
    placement_id: str
    child_id: str
    line: str
    provider: str
    start: int
    end: int | None  # DEC of its last episode (first day no longer placed); None while open
    periods: list[tuple[int, int | None, float]] = field(default_factory=list)

    def weekly_on(self, day: int) -> float | None:
        for s, e, cost in self.periods:
            if s <= day and (e is None or e >= day):
                return cost
        return None


def cost_placements(
    children: list[dict],
    episodes: list[dict],
    t0: int,
    end: int,
    cal: Calibration,
    rng: np.random.Generator,
) -> list[Placement]:
    """Costed placements from 903 episodes, one cost period per weekly rate.

    A placement continues across episodes that change only the legal status or keep the same
    carers (RNE L, T, U; standards.md 1.3) and starts afresh with new carers (S, P, B).
    Charging runs from the first night (DECOM) to the night before DEC; periods before the
    extract's start are not charged here.
    """
    info = {c["child_id"]: c for c in children}
    by_child: dict[str, list[dict]] = defaultdict(list)
    for e in episodes:
        if e["decom"] is not None:
            by_child[e["child_id"]].append(e)
    placements: list[Placement] = []
    for child in sorted(by_child):
        current: Placement | None = None
        for ep in sorted(by_child[child], key=lambda e: e["decom"]):
            line = care_ladder_line(ep["place"], ep["place_provider"], _uasc(info.get(child), ep))
            start = ep["decom"].toordinal()
            stop = ep["dec"].toordinal() if ep["dec"] else None
            if (
                current is not None
                and current.line == line
                and current.end == start
                and ep["rne"] in ("L", "T", "U")
            ):
                current.end = stop
                continue
            current = None
            if line is None:
                continue
            current = Placement(
                f"PLC{len(placements) + 1:06d}",
                child,
                line,
                _provider(line, ep, cal, rng),
                start,
                stop,
            )
            placements.append(current)
    for p in placements:
        p.periods = _periods(p, info.get(p.child_id), t0, end, cal, rng)
    return [p for p in placements if p.periods]


def _uasc(child: dict | None, ep: dict) -> bool:
    if not child or not child.get("uasc"):
        return False
    ceased = child.get("uasc_ceased_date")
    return ceased is None or ceased > ep["decom"]


def _provider(line: str, ep: dict, cal: Calibration, rng: np.random.Generator) -> str:
    if line == "inhouse_fostering":
        return (
            "In-house kinship carers"
            if ep["place"] in ("U1", "U2", "U3")
            else "In-house foster carers"
        )
    names = cal.providers[line]
    return names[int(rng.integers(len(names)))]


def _periods(
    p: Placement, child: dict | None, t0: int, end: int, cal: Calibration, rng: np.random.Generator
) -> list[tuple[int, int | None, float]]:
    """Weekly-cost periods: a new one at each April uplift, renegotiation and (fostering) age band."""
    spec = cal.lines[p.line]
    first = max(p.start, t0)
    last = p.end - 1 if p.end is not None else None  # the last night charged
    if last is not None and last < first:
        return []
    horizon = min(last, end) if last is not None else end
    if first > horizon:
        return []
    base = _draw_cost(spec.weekly_cost, rng)
    changes: dict[int, float] = {first: 1.0}
    for year in range(financial_year(first) + 1, financial_year(horizon) + 1):
        changes.setdefault(date(year, 4, 1).toordinal(), 1.0)
    reneg = spec.renegotiation
    n = int(rng.poisson(reneg.rate * (horizon - first + 1) / 365.25))
    for day in sorted(int(d) for d in rng.integers(first + 1, horizon + 1, size=n)):
        changes[day] = changes.get(day, 1.0) * float(
            reneg.median * math.exp(reneg.sigma * rng.standard_normal())
        )
    dob = (child or {}).get("date_of_birth")
    if dob is not None and p.line in ("inhouse_fostering", "ifa_fostering"):
        for age in cal.age_bands:
            day = _birthday(dob, age)
            if first < day <= horizon:
                changes.setdefault(day, 1.0)
    periods = []
    factor = 1.0
    days = sorted(changes)
    for i, day in enumerate(days):
        factor *= changes[day]
        cost = base * factor * by_year(cal.price_index, financial_year(day))
        if dob is not None and p.line in ("inhouse_fostering", "ifa_fostering"):
            cost *= _age_factor(cal.age_bands, dob, day)
        stop = (
            days[i + 1] - 1
            if i + 1 < len(days)
            else (last if last is not None and last <= end else None)
        )
        periods.append((day, stop, round(cost, 2)))
    return periods


def _draw_cost(components: list[Any], rng: np.random.Generator) -> float:
    shares = np.array([c.share for c in components], dtype=float)
    c = components[int(rng.choice(len(components), p=shares / shares.sum()))]
    return float(np.clip(c.median * math.exp(c.sigma * rng.standard_normal()), c.min, c.max))


def _age_factor(bands: dict[int, float], dob: date, day: int) -> float:
    age = (day - dob.toordinal()) / 365.25
    return by_year(bands, int(age))


def _birthday(dob: date, years: int) -> int:
    try:
        return dob.replace(year=dob.year + years).toordinal()
    except ValueError:  # 29 February
        return date(dob.year + years, 3, 1).toordinal()


# --------------------------------------------------------------------------- budgets and grants


def _open_on(placements: list[Placement], day: int) -> dict[str, list[float]]:
    """Weekly costs of the placements charged on `day`, by line."""
    out: dict[str, list[float]] = defaultdict(list)
    for p in placements:
        cost = p.weekly_on(day)
        if cost is not None:
            out[p.line].append(cost)
    return out


def _budgets(
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
        active = _open_on(placements, day)
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


def _grants(placements: list[Placement], years: list[int], cal: Calibration) -> pa.Table:
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
        ooa = _open_on(placements, date(fy, 4, 1).toordinal()).get("ooa_residential", [])
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


# --------------------------------------------------------------------------- agency spend


def _agency_posts(rows: dict[str, list[dict]]) -> list[dict]:
    agency = {w["worker_id"] for w in rows["workers"] if w["agency"]}
    areas = {t["team_id"]: t["service_area"] for t in rows["teams"]}
    return [
        {**p, "service_area": areas.get(p["team_id"], "Unknown")}
        for p in rows["worker_posts"]
        if p["worker_id"] in agency
    ]


def _agency_costs(posts: list[dict], t0: int, end: int, cal: Calibration) -> pa.Table:
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


# --------------------------------------------------------------------------- homes pipeline


def _month(anchor: date, months: int) -> date:
    """The first of the month `months` after (negative: before) `anchor`'s month."""
    m = anchor.year * 12 + anchor.month - 1 + months
    return date(m // 12, m % 12 + 1, 1)


def _at(history: list[tuple[int, Any]], anchor: date, day: date) -> Any:
    value = None
    for months, v in sorted(history, key=lambda h: h[0]):
        if _month(anchor, months) <= day:
            value = v
    return value


def _pipeline(end: date, cal: Calibration, rng: np.random.Generator) -> pa.Table:
    """Quarterly snapshots of the register of planned children's homes (paras 43-44)."""
    first = min(_month(end, h.status[0][0]) for h in cal.homes)
    snapshots = []
    q = date(first.year, ((first.month - 1) // 3) * 3 + 1, 1)
    while True:
        q_end = date.fromordinal(_month(q, 3).toordinal() - 1)
        if q_end >= end:
            break
        if q_end >= first:
            snapshots.append(q_end)
        q = _month(q, 3)
    snapshots.append(end)
    capital = {
        h.id: round(h.capital_cost * (1 + 0.05 * rng.standard_normal()), -3) for h in cal.homes
    }
    out = []
    for day in snapshots:
        for h in cal.homes:
            status = _at(h.status, end, day)
            if status is None:
                continue
            opened = next((_month(end, m) for m, s in h.status if s == "open"), None)
            out.append(
                {
                    "home_id": h.id,
                    "as_at_date": day,
                    "name": h.name,
                    "beds": h.beds,
                    "status": status,
                    "planned_opening": _month(end, _at(h.planned_opening, end, day)),
                    "actual_opening": opened if status == "open" else None,
                    "capital_cost": capital[h.id] or None,
                    "works_cost": _at(h.works_cost, end, day) or None,
                    "manager_recruited": (
                        h.manager_recruited_at is not None
                        and _month(end, h.manager_recruited_at) <= day
                    ),
                    "risks": _at(h.risks, end, day),
                }
            )
    return arrow("homes_pipeline", out)


def _opened(cal: Calibration, end: date) -> list[tuple[date, HomeSpec]]:
    """The pipeline's homes that have opened by the extract date, with their opening dates."""
    return sorted(
        (
            (_month(end, m), h)
            for h in cal.homes
            for m, s in h.status
            if s == "open" and _month(end, m) <= end
        ),
        key=lambda o: (o[0], o[1].id),
    )


# --------------------------------------------------------------------------- manual values


def _quarters(config: SynthConfig) -> list[tuple[str, int, date]]:
    """(period, financial year, quarter end) for each complete quarter in the extract."""
    out = []
    for fy in range(config.first_year, config.last_year + 1):
        for q in range(1, 5):
            month = 4 + 3 * (q - 1)
            year = fy + (month > 12)
            q_end = date.fromordinal(_month(date(year, (month - 1) % 12 + 1, 1), 3).toordinal() - 1)
            if q_end <= config.end:
                out.append((f"{fy}-Q{q}", fy, q_end))
    return out


def _manual_values(
    config: SynthConfig, new_homes: list[date], cal: Calibration, rng: np.random.Generator
) -> tuple[pa.Table, list[list[tuple[int, bool]]]]:
    """Quarterly figures the authority gets from outside the case system: youth justice
    (standards.md 5.7), Ofsted grades of its children's homes, and Family Star outcomes and
    intervention length from the family support service (seed appendix); with the homes'
    inspection histories the grades come from (for `own_homes`)."""
    m = cal.manual
    quarters = _quarters(config)
    population = round(m.population_10_17 * config.size)
    lead = 3  # quarters before the first, so rolling twelve-month figures are complete
    fy0 = config.first_year
    fte = [
        int(rng.poisson(by_year(m.first_time_entrants_rate, fy0) / 4 * population / 1e5))
        for _ in range(lead)
    ]
    cohort = [int(rng.poisson(m.reoffending_cohort * config.size)) for _ in range(lead)]
    reoffended = [int(rng.binomial(c, by_year(m.reoffending_share, fy0))) for c in cohort]
    grades = _home_grades(config, new_homes, m, rng)
    out = []
    for period, fy, q_end in quarters:
        taken = date.fromordinal(q_end.toordinal() + 21)
        fte.append(int(rng.poisson(by_year(m.first_time_entrants_rate, fy) / 4 * population / 1e5)))
        n = sum(fte[-4:])
        out.append(
            _manual(
                "first_time_entrants_rate",
                period,
                round(n / population * 1e5),
                n,
                population,
                "Youth Justice Service: first-time entrants (PNC), "
                "rolling 12 months per 100,000 aged 10-17",
                taken,
            )
        )
        c = int(rng.poisson(m.reoffending_cohort * config.size))
        cohort.append(c)
        reoffended.append(int(rng.binomial(c, by_year(m.reoffending_share, fy))))
        n, d = sum(reoffended[-4:]), sum(cohort[-4:])
        out.append(
            _manual(
                "reoffending_rate",
                period,
                round(100 * n / d, 2) if d else None,
                n,
                d,
                "Youth Justice Board reoffending tracker: binary rate, four "
                "quarterly cohorts, 12 months' follow-up",
                taken,
            )
        )
        good, total = _grades_at(grades, q_end)
        note = (
            f"{total - good} of the authority's homes graded requires improvement"
            if total - good
            else None
        )
        out.append(
            _manual(
                "residential_homes_good_or_better",
                period,
                round(100 * good / total, 1) if total else None,
                good,
                total,
                "Ofsted inspection reports of the authority's children's homes",
                taken,
                note,
            )
        )
        closures = int(rng.poisson(m.family_support_closures * config.size))
        improved = int(rng.binomial(closures, by_year(m.family_support_improved, fy)))
        out.append(
            _manual(
                "family_support_outcomes_improved",
                period,
                round(100 * improved / closures, 1) if closures else None,
                improved,
                closures,
                "Family Star Plus: families whose outcomes improved on "
                "closure (family support service)",
                taken,
            )
        )
        mean_days = max(60.0, rng.normal(by_year(m.family_support_days, fy), 8.0))
        out.append(
            _manual(
                "family_support_intervention_days",
                period,
                round(mean_days),
                round(mean_days * closures),
                closures,
                "Family support service closures: average days from start of "
                "intervention to closure",
                taken,
            )
        )
    return arrow("manual_values", out), grades


def _manual(
    measure: str,
    period: str,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    source: str,
    taken: date,
    commentary: str | None = None,
) -> dict:
    return {
        "measure": measure,
        "period": period,
        "value": None if value is None else float(value),
        "value_text": None,
        "numerator": None if numerator is None else float(numerator),
        "denominator": None if denominator is None else float(denominator),
        "source": source,
        "as_at_date": taken,
        "commentary": commentary,
    }


def _home_grades(
    config: SynthConfig, new_homes: list[date], m: ManualSpec, rng: np.random.Generator
):
    """Ofsted grades of the authority's own homes over time: each inspected about yearly, the
    grade sometimes changing; homes from the pipeline join at their first inspection."""
    start = config.start.toordinal()
    homes: list[list[tuple[int, bool]]] = []  # per home: (inspection day, good or better)
    openings = [start - 365] * m.homes_in_operation + [d.toordinal() for d in new_homes]
    for opened in openings:
        day = opened + 180 + int(rng.integers(0, 120))
        good = bool(rng.random() < m.home_good_share)
        history = []
        while day <= config.end.toordinal():
            if history and rng.random() < m.home_grade_change:
                good = bool(rng.random() < m.home_good_share)
            history.append((day, good))
            day += 300 + int(rng.integers(0, 160))
        homes.append(history)
    return homes


def _grades_at(homes: list[list[tuple[int, bool]]], q_end: date) -> tuple[int, int]:
    """(homes good or better, homes inspected) at the latest inspection on or before `q_end`."""
    grades = [next((g for d, g in reversed(h) if d <= q_end.toordinal()), None) for h in homes]
    known = [g for g in grades if g is not None]
    return sum(known), len(known)


def _own_homes(
    config: SynthConfig,
    grades: list[list[tuple[int, bool]]],
    opened: list[HomeSpec],
    cal: Calibration,
    rng: np.random.Generator,
) -> pa.Table:
    """Ofsted inspections of the authority's own homes (template `own_homes`): the yearly full
    inspections whose grades make `residential_homes_good_or_better` (so the two agree), good or
    better told apart as outstanding or good and below good as requires improvement or
    inadequate, and for a home judged below good an interim inspection some months later when it
    falls before the next full one and the extract date (SCCIF: such homes are inspected twice a
    year). The homes in operation at the start take the calibration's names and places; the
    pipeline's homes that have opened keep their pipeline id, name and beds."""
    m = cal.manual
    names = [(f"OH{i + 1:02d}", n, p) for i, (n, p) in enumerate(m.own_homes)]
    names = names[: m.homes_in_operation] + [(h.id, h.name, h.beds) for h in opened]
    end = config.end.toordinal()
    out = []
    for (home_id, name, places), history in zip(names, grades, strict=True):
        urn = f"SC{int(rng.integers(400000, 999999)):06d}"
        for k, (day, good) in enumerate(history):
            if good:
                judgement = "outstanding" if rng.random() < m.home_outstanding_share else "good"
            else:
                judgement = (
                    "inadequate"
                    if rng.random() < m.home_inadequate_share
                    else ("requires_improvement")
                )
            out.append(_inspection(home_id, name, urn, places, day, "full", judgement))
            if good:
                continue
            interim = day + 120 + int(rng.integers(0, 90))
            following = history[k + 1][0] if k + 1 < len(history) else end + 1
            if interim < following and interim <= end:
                outcome = ("improved_effectiveness", "sustained_effectiveness")[
                    int(rng.random() < 0.3)
                ]
                out.append(_inspection(home_id, name, urn, places, interim, "interim", outcome))
    return arrow("own_homes", out)


def _inspection(
    home_id: str, name: str, urn: str, places: int, day: int, kind: str, judgement: str
) -> dict:
    return {
        "home_id": home_id,
        "home_name": name,
        "ofsted_urn": urn,
        "registered_places": places,
        "inspection_date": date.fromordinal(day),
        "inspection_type": kind,
        "judgement": judgement,
    }


# --------------------------------------------------------------------------- tables


def _placement_table(placements: list[Placement]) -> pa.Table:
    rows = [
        {
            "placement_id": p.placement_id,
            "child_id": p.child_id,
            "line": p.line,
            "provider": p.provider,
            "start_date": date.fromordinal(s),
            "end_date": None if e is None else date.fromordinal(e),
            "weekly_cost": cost,
        }
        for p in placements
        for s, e, cost in p.periods
    ]
    return arrow("placement_costs", rows)
