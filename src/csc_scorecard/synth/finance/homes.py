"""The children's homes pipeline (quarterly snapshots of the planned homes, paras 43-44), the
authority's own homes and their Ofsted grades, and the manually supplied figures (youth justice,
homes in operation, Family Star)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.finance.calibration import Calibration, HomeSpec, ManualSpec
from csc_scorecard.synth.workforce.calibration import by_year
from csc_scorecard.synth.workforce.tables import arrow


def month_after(anchor: date, months: int) -> date:
    """The first of the month `months` after (negative: before) `anchor`'s month."""
    m = anchor.year * 12 + anchor.month - 1 + months
    return date(m // 12, m % 12 + 1, 1)


def _at(history: list[tuple[int, Any]], anchor: date, day: date) -> Any:
    value = None
    for months, v in sorted(history, key=lambda h: h[0]):
        if month_after(anchor, months) <= day:
            value = v
    return value


def pipeline(end: date, cal: Calibration, rng: np.random.Generator) -> pa.Table:
    """Quarterly snapshots of the register of planned children's homes (paras 43-44)."""
    first = min(month_after(end, h.status[0][0]) for h in cal.homes)
    snapshots = []
    q = date(first.year, ((first.month - 1) // 3) * 3 + 1, 1)
    while True:
        q_end = date.fromordinal(month_after(q, 3).toordinal() - 1)
        if q_end >= end:
            break
        if q_end >= first:
            snapshots.append(q_end)
        q = month_after(q, 3)
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
            opened = next((month_after(end, m) for m, s in h.status if s == "open"), None)
            out.append(
                {
                    "home_id": h.id,
                    "as_at_date": day,
                    "name": h.name,
                    "beds": h.beds,
                    "status": status,
                    "planned_opening": month_after(end, _at(h.planned_opening, end, day)),
                    "actual_opening": opened if status == "open" else None,
                    "capital_cost": capital[h.id] or None,
                    "works_cost": _at(h.works_cost, end, day) or None,
                    "manager_recruited": (
                        h.manager_recruited_at is not None
                        and month_after(end, h.manager_recruited_at) <= day
                    ),
                    "risks": _at(h.risks, end, day),
                }
            )
    return arrow("homes_pipeline", out)


def opened(cal: Calibration, end: date) -> list[tuple[date, HomeSpec]]:
    """The pipeline's homes that have opened by the extract date, with their opening dates."""
    return sorted(
        (
            (month_after(end, m), h)
            for h in cal.homes
            for m, s in h.status
            if s == "open" and month_after(end, m) <= end
        ),
        key=lambda o: (o[0], o[1].id),
    )


def _quarters(config: SynthConfig) -> list[tuple[str, int, date]]:
    """(period, financial year, quarter end) for each complete quarter in the extract."""
    out = []
    for fy in range(config.first_year, config.last_year + 1):
        for q in range(1, 5):
            month = 4 + 3 * (q - 1)
            year = fy + (month > 12)
            q_end = date.fromordinal(
                month_after(date(year, (month - 1) % 12 + 1, 1), 3).toordinal() - 1
            )
            if q_end <= config.end:
                out.append((f"{fy}-Q{q}", fy, q_end))
    return out


def manual_values(
    config: SynthConfig, new_homes: list[date], cal: Calibration, rng: np.random.Generator
) -> tuple[pa.Table, list[list[tuple[int, bool]]]]:
    """Quarterly figures the authority gets from outside the case system: youth justice
    (standards.md 5.7), Ofsted grades of its children's homes, and Family Star outcomes and
    intervention length from the family support service (seed appendix); with the homes'
    inspection histories the grades come from (for `own_homes`)."""
    m = cal.manual
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
    for period, fy, q_end in _quarters(config):
        taken = date.fromordinal(q_end.toordinal() + 21)
        fte.append(int(rng.poisson(by_year(m.first_time_entrants_rate, fy) / 4 * population / 1e5)))
        c = int(rng.poisson(m.reoffending_cohort * config.size))
        cohort.append(c)
        reoffended.append(int(rng.binomial(c, by_year(m.reoffending_share, fy))))
        out += _youth_justice(period, taken, population, fte, cohort, reoffended)
        out.append(_homes_graded(period, taken, *_grades_at(grades, q_end)))
        closures = int(rng.poisson(m.family_support_closures * config.size))
        improved = int(rng.binomial(closures, by_year(m.family_support_improved, fy)))
        mean_days = max(60.0, rng.normal(by_year(m.family_support_days, fy), 8.0))
        out += _family_support(period, taken, closures, improved, mean_days)
    return arrow("manual_values", out), grades


def _youth_justice(
    period: str,
    taken: date,
    population: int,
    fte: list[int],
    cohort: list[int],
    reoffended: list[int],
) -> list[dict]:
    """First-time entrants and reoffending, each over the four quarters to this one."""
    n = sum(fte[-4:])
    entrants = _manual(
        "first_time_entrants_rate",
        period,
        round(n / population * 1e5),
        n,
        population,
        "Youth Justice Service: first-time entrants (PNC), rolling 12 months per 100,000 aged 10-17",
        taken,
    )
    n, d = sum(reoffended[-4:]), sum(cohort[-4:])
    reoffending = _manual(
        "reoffending_rate",
        period,
        round(100 * n / d, 2) if d else None,
        n,
        d,
        "Youth Justice Board reoffending tracker: binary rate, four "
        "quarterly cohorts, 12 months' follow-up",
        taken,
    )
    return [entrants, reoffending]


def _homes_graded(period: str, taken: date, good: int, total: int) -> dict:
    """The share of the authority's homes graded good or outstanding."""
    # No count in the words: a handful of homes is a count of 1-5, which a publication
    # report refuses to print in commentary (report.publication.check_commentary). Nor which
    # grade below good: own_homes draws requires improvement or inadequate afterwards.
    note = (
        "every home not graded good or better is graded requires improvement to be good or "
        "inadequate"
        if total - good
        else None
    )
    return _manual(
        "residential_homes_good_or_better",
        period,
        round(100 * good / total, 1) if total else None,
        good,
        total,
        "Ofsted inspection reports of the authority's children's homes",
        taken,
        note,
    )


def _family_support(
    period: str, taken: date, closures: int, improved: int, mean_days: float
) -> list[dict]:
    """Family Star outcomes improved and the average length of the quarter's interventions."""
    outcomes = _manual(
        "family_support_outcomes_improved",
        period,
        round(100 * improved / closures, 1) if closures else None,
        improved,
        closures,
        "Family Star Plus: families whose outcomes improved on closure (family support service)",
        taken,
    )
    days = _manual(
        "family_support_intervention_days",
        period,
        round(mean_days),
        round(mean_days * closures),
        closures,
        "Family support service closures: average days from start of intervention to closure",
        taken,
    )
    return [outcomes, days]


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


def own_homes(
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
