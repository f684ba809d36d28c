"""Placement projection: a stock-and-flow model of children looked after, fitted on the 903.

The model (settings in `projection.yaml`):

* **States** are placement groups (903 PLACE, and PLACE_PROVIDER for fostering) within age
  bands. A child's *spell* is a run of episodes in one group with no gap (a legal-status change
  or a move between carers of the same group continues it; standards.md 1.3 RNE).
* **Flows**, fitted on the year before the projection starts: entries to care (a spell that does
  not follow another the same day) by age band and group, as a daily rate; moves between groups
  and exits from care, as daily hazards per day in care (events / days in care, the
  maximum-likelihood rate of an exponential stay) by age band and group. Sparse cells borrow
  from their group's rate over all ages (`prior_days`). Care ends on the 18th birthday, so those
  exits are not fitted; the simulation applies them exactly.
* **Projection**: every child looked after at the start date, with their date of birth and
  group, is simulated month by month: in each month each child leaves, moves or stays with
  probability 1 - exp(-hazard x days); new children enter by Poisson draws, with ages drawn from
  the year's entrants; children age as the calendar moves. Each simulation first draws its own
  rates from their Gamma posteriors, so the band reflects both chance and the uncertainty of
  rates fitted on one year. Same inputs and seed, same answer.

`fit` reads only what was known at the start date (episodes starting later are dropped, later
ends are treated as open), so `backtest` can fit at a past date and compare honestly.

The parts: the settings (`projection_settings.py`), the spells (`spells.py`), the fitted model
(`placement_model.py`) and the simulation (`simulation.py`); this module holds the results and
`project`, which runs them in turn.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.forecast.ledger import DAYS_A_YEAR
from csc_scorecard.forecast.placement_model import PlacementModel, fit_spells
from csc_scorecard.forecast.projection_settings import ProjectionSettings, projection_settings
from csc_scorecard.forecast.scenarios import Scenario
from csc_scorecard.forecast.scenarios import scenario as get_scenario
from csc_scorecard.forecast.simulation import projection_dates, simulate
from csc_scorecard.forecast.spells import Spells, read_spells
from csc_scorecard.store import Store


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GroupInfo(_Result):
    id: str
    name: str


class ProjectionPoint(_Result):
    date: date
    group: str = Field(description="a group id, or 'total'")
    # None only where a publication left the point out (a value from 1 to 5: publish_finance)
    mean: float | None
    low: float | None
    median: float | None
    high: float | None


class HistoryPoint(_Result):
    date: date
    group: str
    count: int


class FlowSummary(_Result):
    group: str
    children_now: int
    entries_a_year: float
    exits_a_year: float = Field(description="fitted exits from care (not at 18), a year")
    moves_in_a_year: float
    moves_out_a_year: float
    days_in_care: float


class Projection(_Result):
    """Children looked after by placement group: the recent past and the projection with its band."""

    la_code: str
    start: date
    months: int
    scenario: str
    simulations: int
    seed: int
    interval: float
    fit_from: date
    fit_to: date
    groups: list[GroupInfo]
    start_counts: dict[str, int]
    points: list[ProjectionPoint]
    history: list[HistoryPoint]
    flows: list[FlowSummary]
    notes: list[str] = []

    def at(self, when: date, group: str = "total") -> ProjectionPoint:
        return next(p for p in self.points if p.date == when and p.group == group)

    def final(self, group: str = "total") -> ProjectionPoint:
        last = max(p.date for p in self.points)
        return self.at(last, group)


def summarise(
    counts: np.ndarray, dates: list[date], ids: list[str], interval: float
) -> list[ProjectionPoint]:
    """Mean, median and central `interval` band of each group and the total at each date."""
    q = [(1 - interval) / 2, 0.5, 1 - (1 - interval) / 2]
    out = []
    totals = counts.sum(axis=2)
    for k, when in enumerate(dates):
        for gi, gid in [*enumerate(ids), (None, "total")]:
            x = totals[:, k] if gi is None else counts[:, k, gi]
            lo, med, hi = np.quantile(x, q)
            out.append(
                ProjectionPoint(
                    date=when,
                    group=gid,
                    mean=float(x.mean()),
                    low=float(lo),
                    median=float(med),
                    high=float(hi),
                )
            )
    return out


def project(
    store: Store,
    la_code: str,
    start: date,
    months: int = 24,
    *,
    scenario: Scenario | str = "base",
    simulations: int | None = None,
    seed: int = 0,
    history_months: int = 24,
    settings: ProjectionSettings | None = None,
) -> Projection:
    """Fit at `start` and project `months` ahead; with the counts of the `history_months` before."""
    cfg = settings or projection_settings()
    sc = get_scenario(scenario)
    spells = read_spells(store, la_code, start, cfg)
    model = fit_spells(spells, la_code, start, cfg)
    return projection_from_model(
        model,
        spells,
        months,
        scenario=sc,
        simulations=simulations,
        seed=seed,
        history_months=history_months,
    )


def projection_from_model(
    model: PlacementModel,
    spells: Spells,
    months: int,
    *,
    scenario: Scenario,
    simulations: int | None = None,
    seed: int = 0,
    history_months: int = 24,
) -> Projection:
    cfg = model.settings
    sims = simulations or cfg.simulations
    dates = projection_dates(model.at, months)
    counts = simulate(
        model,
        dates,
        simulations=sims,
        seed=seed,
        entries_factor=scenario.projection.entries_factor,
        exits_factor=scenario.projection.exits_factor,
    )
    ids = cfg.group_ids
    past = [
        d
        for d in projection_dates(model.at - relativedelta(months=history_months), history_months)
        if d <= model.at
    ]
    if model.at not in past:
        past.append(model.at)
    past = [d for d in past if d.toordinal() >= int(spells.start.min(initial=model.at.toordinal()))]
    hist = spells.counts_at(past, len(ids))
    start_counts = np.bincount(model.stock_group, minlength=len(ids))
    years = model.fit_days / DAYS_A_YEAR
    moves = model.events[:, :, : len(ids)].sum(0)
    return Projection(
        la_code=model.la_code,
        start=model.at,
        months=months,
        scenario=scenario.name,
        simulations=sims,
        seed=seed,
        interval=cfg.interval,
        fit_from=model.fit_from,
        fit_to=model.at,
        groups=[GroupInfo(id=i, name=n) for i, n in zip(ids, cfg.group_names, strict=True)],
        start_counts={i: int(c) for i, c in zip(ids, start_counts, strict=True)},
        points=summarise(counts, dates, ids, cfg.interval),
        history=[
            HistoryPoint(date=d, group=g, count=int(hist[k, gi]))
            for k, d in enumerate(past)
            for gi, g in enumerate(ids)
        ],
        flows=[
            FlowSummary(
                group=g,
                children_now=int(start_counts[gi]),
                entries_a_year=float(model.entries[:, gi].sum() / years),
                exits_a_year=float(model.events[:, gi, len(ids)].sum() / years),
                moves_in_a_year=float(moves[:, gi].sum() / years),
                moves_out_a_year=float(moves[gi, :].sum() / years),
                days_in_care=float(model.exposure[:, gi].sum()),
            )
            for gi, g in enumerate(ids)
        ],
        notes=model.notes,
    )
