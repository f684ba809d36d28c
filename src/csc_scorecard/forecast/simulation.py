"""The placement projection's simulation: every child looked after at the start date stepped
month by month (leaves, moves or stays), new children entering by Poisson draws, each
simulation with its own rates drawn from their posteriors."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from dateutil.relativedelta import relativedelta

from csc_scorecard.forecast.bounded_draws import bounded
from csc_scorecard.forecast.placement_model import PlacementModel


def projection_dates(at: date, months: int) -> list[date]:
    """The dates the projection reports: month ends after a month-end start, else the same day.

    >>> projection_dates(date(2022, 6, 30), 3)
    [datetime.date(2022, 7, 31), datetime.date(2022, 8, 31), datetime.date(2022, 9, 30)]
    >>> projection_dates(date(2022, 3, 27), 2)
    [datetime.date(2022, 4, 27), datetime.date(2022, 5, 27)]
    """
    if (at + timedelta(days=1)).day == 1:
        return [
            at + timedelta(days=1) + relativedelta(months=k) - timedelta(days=1)
            for k in range(1, months + 1)
        ]
    return [at + relativedelta(months=k) for k in range(1, months + 1)]


def simulate(
    model: PlacementModel,
    dates: list[date],
    *,
    simulations: int,
    seed: int = 0,
    entries_factor: float = 1.0,
    exits_factor: float = 1.0,
) -> np.ndarray:
    """Counts looked after at each date by group in each simulation: shape (S, len(dates), G)."""
    rng = np.random.default_rng(seed)
    n_bands, n_groups = model.exposure.shape
    shape, rate = model.shape_and_rate()
    draws = np.where(
        shape > 0, rng.gamma(np.maximum(shape, 1e-12), 1.0, size=(simulations, *shape.shape)), 0.0
    )
    hazards = draws / np.maximum(rate, 1e-9)[None, :, :, None]
    lam = np.where(
        model.entries > 0,
        rng.gamma(np.maximum(model.entries, 1e-12), 1.0, size=(simulations, *model.entries.shape)),
        0.0,
    )
    lam = lam / model.fit_days * entries_factor  # (S, B, G) entries a day
    # Each simulation's rates drift together by a lognormal factor (mean one) fitted on how much
    # they moved from quarter to quarter (`rate_variability`).
    lam *= _drift(rng, model.entry_sigma, simulations)[:, None, None]
    hazards[..., n_groups] *= (
        exits_factor * _drift(rng, model.exit_sigma, simulations)[:, None, None]
    )
    flat = hazards.reshape(simulations * n_bands * n_groups, n_groups + 1)
    cum = np.cumsum(flat, axis=1)
    total = cum[:, -1]
    edges = np.r_[model.band_days, model.leave_days]

    # The children looked after, every simulation's in one row of arrays, each simulation's in
    # the order the draws take them (its stock, then each month's entrants as they came): only
    # children still looked after are held, so each month's work is on them alone.
    sim = np.repeat(np.arange(simulations), len(model.stock_group))
    group = np.tile(model.stock_group.astype(np.int64), simulations)
    dob = np.tile(model.stock_dob.astype(np.int64), simulations)
    out = np.zeros((simulations, len(dates), n_groups), dtype=np.int32)
    prev = model.at.toordinal()
    for k, when in enumerate(dates):
        day = when.toordinal()
        step = day - prev
        band = np.searchsorted(edges, prev - dob, side="right") - 1
        np.clip(band, 0, n_bands - 1, out=band)
        row = (sim * n_bands + band) * n_groups + group
        # Each rate's chance of leaving in the step worked out once, not once a child.
        leaves = rng.random(len(row)) < (1 - np.exp(-total * step))[row]
        gone = row[leaves]
        pick = rng.random(len(gone)) * total[gone]
        dest = (cum[gone] < pick[:, None]).sum(axis=1)
        group[leaves] = np.where(dest >= n_groups, -1, dest)
        stay = (group >= 0) & ((day - dob) < model.leave_days)
        sim, group, dob = _enter(
            rng, sim[stay], group[stay], dob[stay], lam * step, model, day, step
        )
        out[:, k, :] = np.bincount(
            sim * n_groups + group, minlength=simulations * n_groups
        ).reshape(simulations, n_groups)
        prev = day
    return out


def _drift(rng: np.random.Generator, sigma: float, n: int) -> np.ndarray:
    """Lognormal factors with mean one (ones when sigma is nought)."""
    if sigma <= 0:
        return np.ones(n)
    return np.exp(rng.normal(-(sigma**2) / 2, sigma, n))


def _enter(
    rng: np.random.Generator,
    sim: np.ndarray,
    group: np.ndarray,
    dob: np.ndarray,
    expected: np.ndarray,
    model: PlacementModel,
    day: int,
    step: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add this step's entrants (Poisson by band and group), each simulation's after its own."""
    counts = rng.poisson(expected)  # (S, B, G)
    per_sim = counts.reshape(len(counts), -1).sum(axis=1)
    if not per_sim.any():
        return sim, group, dob
    n_sims, n_bands, n_groups = counts.shape
    # Each simulation's entrants in band then group order, with an age drawn for each from its
    # band (from the window's entrants, else uniformly over the band) and a day in the step:
    # the draws `_draws` makes, in its order.
    which = np.repeat(np.tile(np.arange(n_bands * n_groups), n_sims), counts.ravel())
    bands = which // n_groups
    edges = np.r_[model.band_days, model.leave_days]
    pools = [len(pool) for pool in model.entry_ages]
    spans = np.array([n or edges[b + 1] - edges[b] for b, n in enumerate(pools)] + [max(step, 1)])
    runs = np.c_[counts.sum(axis=2), per_sim].ravel()  # (S, B + 1): each band's ages, the days
    offsets = _draws(rng, np.tile(spans, n_sims), runs)
    is_day = np.repeat(np.tile(np.arange(n_bands + 1) == n_bands, n_sims), runs)
    picked, since = offsets[~is_day], offsets[is_day]
    ages = np.empty(len(which), dtype=np.int64)
    for b, n in enumerate(pools):
        here = bands == b
        # Entered at a random point in the step: their age today is the entry age plus the days since.
        ages[here] = model.entry_ages[b][picked[here]] if n else model.band_days[b] + picked[here]
    # The entrants put after their simulation's children (a stable sort of two runs, each in
    # simulation order, merges them).
    order = np.argsort(np.r_[sim, np.repeat(np.arange(n_sims), per_sim)], kind="stable")
    held = np.bincount(sim, minlength=n_sims) + per_sim
    return (
        np.repeat(np.arange(n_sims), held),
        np.r_[group, which % n_groups][order],
        np.r_[dob, day - since - ages][order],
    )


def _draws(rng: np.random.Generator, spans: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """``runs[i]`` offsets below ``spans[i]`` for each i in turn, as ``rng.integers(0,
    spans[i], runs[i])`` draws them: in one pass (`bounded_draws.bounded`), or call by call
    where numpy would reject a draw (a chance under one in a million a draw)."""
    at_once = bounded(rng, np.repeat(spans, runs))
    if at_once is not None:
        return at_once
    return np.concatenate(
        [rng.integers(0, n, k) for n, k in zip(spans.tolist(), runs.tolist(), strict=True) if k]
        or [np.empty(0, dtype=np.int64)]
    )
