"""Back-testing the placement projection: fit at past dates, project, compare with what happened.

For each origin (a past quarter end with a full horizon of known outcomes after it) the model is
fitted on what the store knew at the origin (`spells.read_spells` drops later episodes and
re-opens later ends) and projected; the projection's mean is compared with the children
actually looked after at each later month end (counted from everything the store knows now).

Reported, by placement group and for the total, at each horizon:
* MAPE: mean absolute percentage error, |projected - actual| / actual (cells with no children
  are left out, as a percentage of nought is undefined);
* bias: mean signed percentage error (positive: the projection ran high);
* naive MAPE: the same for "no change" (the count at the origin carried forward), the benchmark
  a projection has to beat to be worth its complexity;
* coverage: the share of actual totals inside the projection's band (nominally `interval`).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.forecast.placement_model import fit_spells
from csc_scorecard.forecast.projection_settings import ProjectionSettings, projection_settings
from csc_scorecard.forecast.simulation import projection_dates, simulate
from csc_scorecard.forecast.spells import read_spells
from csc_scorecard.store import Store


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BacktestPoint(_Result):
    origin: date
    date: date
    horizon: int = Field(description="months after the origin")
    group: str
    actual: int
    projected: float
    low: float
    high: float
    naive: int = Field(description="the count at the origin")


class ErrorSummary(_Result):
    group: str
    horizon: int
    cases: int
    mape: float | None
    bias: float | None
    naive_mape: float | None
    coverage: float | None


class Backtest(_Result):
    la_code: str
    origins: list[date]
    months: int
    simulations: int
    interval: float
    points: list[BacktestPoint]
    summary: list[ErrorSummary]

    def error(self, group: str = "total", horizon: int | None = None) -> ErrorSummary:
        """The summary for a group at a horizon (default: the longest)."""
        h = self.months if horizon is None else horizon
        return next(s for s in self.summary if s.group == group and s.horizon == h)


def data_end(store: Store, la_code: str) -> date | None:
    """The extract date the 903 episodes imply: their last date, taken to the end of its month
    when it falls in the month's last week (an extract is taken at a month end, and the last
    recorded start or end usually falls a few days before it).

    The store does not record an extract date for 903 loads (an in-year extract's period is its
    collection year), so it is inferred.
    """
    row = store.con.execute(
        "SELECT max(greatest(decom, coalesce(dec, decom))) FROM cla_episodes WHERE la_code = ?",
        [la_code],
    ).fetchone()
    last = row[0]
    if last is None:
        return None
    month_end = last + relativedelta(day=31)
    return month_end if (month_end - last).days < 7 else last


def default_origins(
    first: date, last: date, months: int, fit_days: int, count: int = 4
) -> list[date]:
    """The last `count` quarter ends with a full fit window before them and `months` after.

    >>> default_origins(date(2016, 4, 1), date(2022, 6, 30), 12, 365, 3)
    [datetime.date(2020, 12, 31), datetime.date(2021, 3, 31), datetime.date(2021, 6, 30)]
    >>> default_origins(date(2016, 4, 1), date(2022, 6, 30), 6, 365, 2)
    [datetime.date(2021, 9, 30), datetime.date(2021, 12, 31)]
    """
    latest = last + timedelta(days=1) - relativedelta(months=months) - timedelta(days=1)
    out = []
    q = (
        date(latest.year, ((latest.month - 1) // 3) * 3 + 1, 1)
        + relativedelta(months=3)
        - timedelta(days=1)
    )
    while len(out) < count:
        if q <= latest and (q - first).days + 1 >= fit_days:
            out.append(q)
        elif q < first:
            break
        q = (q + timedelta(days=1) - relativedelta(months=3)) - timedelta(days=1)
    return sorted(out)


def backtest(
    store: Store,
    la_code: str,
    origins: list[date] | None = None,
    months: int = 12,
    *,
    simulations: int = 100,
    seed: int = 0,
    settings: ProjectionSettings | None = None,
) -> Backtest:
    cfg = settings or projection_settings()
    end = data_end(store, la_code)
    if end is None:
        raise ValueError(f"no 903 episodes for {la_code}")
    if origins is None:
        first = store.con.execute(
            "SELECT min(decom) FROM cla_episodes WHERE la_code = ?", [la_code]
        ).fetchone()[0]
        origins = default_origins(first, end, months, cfg.fit_days)
    if not origins:
        raise ValueError("no origin has both a year of history before it and the horizon after it")
    truth = read_spells(store, la_code, end, cfg)
    ids = cfg.group_ids
    q = [(1 - cfg.interval) / 2, 1 - (1 - cfg.interval) / 2]
    points: list[BacktestPoint] = []
    for i, origin in enumerate(origins):
        model = fit_spells(read_spells(store, la_code, origin, cfg), la_code, origin, cfg)
        dates = projection_dates(origin, months)
        counts = simulate(model, dates, simulations=simulations, seed=seed + i)
        actual = truth.counts_at(dates, len(ids))
        naive = truth.counts_at([origin], len(ids))[0]
        for k, when in enumerate(dates):
            for gi, gid in [*enumerate(ids), (None, "total")]:
                x = counts[:, k, :].sum(axis=1) if gi is None else counts[:, k, gi]
                lo, hi = np.quantile(x, q)
                points.append(
                    BacktestPoint(
                        origin=origin,
                        date=when,
                        horizon=k + 1,
                        group=gid,
                        actual=int(actual[k].sum() if gi is None else actual[k, gi]),
                        projected=float(x.mean()),
                        low=float(lo),
                        high=float(hi),
                        naive=int(naive.sum() if gi is None else naive[gi]),
                    )
                )
    return Backtest(
        la_code=la_code,
        origins=origins,
        months=months,
        simulations=simulations,
        interval=cfg.interval,
        points=points,
        summary=summarise_errors(points),
    )


def summarise_errors(points: list[BacktestPoint]) -> list[ErrorSummary]:
    """MAPE, bias, naive MAPE and band coverage per group and horizon.

    >>> p = [BacktestPoint(origin=date(2021, 3, 31), date=date(2021, 4, 30), horizon=1, group="total",
    ...                    actual=100, projected=110, low=95, high=120, naive=90),
    ...      BacktestPoint(origin=date(2021, 6, 30), date=date(2021, 7, 31), horizon=1, group="total",
    ...                    actual=100, projected=95, low=90, high=99, naive=100)]
    >>> s = summarise_errors(p)[0]; (s.mape, s.bias, s.naive_mape, s.coverage)
    (7.5, 2.5, 5.0, 0.5)
    """
    out = []
    keys = sorted(
        {(p.group, p.horizon) for p in points}, key=lambda k: (k[0] != "total", k[0], k[1])
    )
    for group, horizon in keys:
        cell = [p for p in points if p.group == group and p.horizon == horizon]
        scored = [p for p in cell if p.actual > 0]
        pe = [100 * (p.projected - p.actual) / p.actual for p in scored]
        naive = [100 * abs(p.naive - p.actual) / p.actual for p in scored]
        out.append(
            ErrorSummary(
                group=group,
                horizon=horizon,
                cases=len(cell),
                mape=round(float(np.mean(np.abs(pe))), 2) if pe else None,
                bias=round(float(np.mean(pe)), 2) if pe else None,
                naive_mape=round(float(np.mean(naive)), 2) if naive else None,
                coverage=round(float(np.mean([p.low <= p.actual <= p.high for p in cell])), 3)
                if cell
                else None,
            )
        )
    return out
