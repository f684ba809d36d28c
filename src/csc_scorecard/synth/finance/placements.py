"""Placement costs: every costed placement as cost periods (weekly cost by care-ladder line,
uplifted each April, renegotiated now and then, rising with a fostered child's age)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.finance.calibration import Calibration
from csc_scorecard.synth.workforce.calibration import by_year
from csc_scorecard.synth.workforce.days import financial_year
from csc_scorecard.synth.workforce.tables import arrow

WEEKS_A_YEAR = 365.25 / 7
FOSTERING = {"U1", "U2", "U3", "U4", "U5", "U6"}
RESIDENTIAL = {"K1", "K2", "S1", "R1"}
SUPPORTED = {"H5", "P2", "K3"}
EXTERNAL = {"PR2", "PR3", "PR4", "PR5"}


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


def placement_table(placements: list[Placement]) -> pa.Table:
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
