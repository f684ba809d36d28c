"""The placement projection's fitted flows: entries by age band and group as daily rates,
moves and exits as daily hazards with Gamma posteriors shrunk to the group's rate, the stock
at the start date, and how much the rates drift from quarter to quarter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from csc_scorecard.forecast.ledger import DAYS_A_YEAR
from csc_scorecard.forecast.projection_settings import ProjectionSettings, projection_settings
from csc_scorecard.forecast.spells import Spells, read_spells
from csc_scorecard.store import Store


@dataclass
class PlacementModel:
    """Fitted flows and the starting stock."""

    settings: ProjectionSettings
    la_code: str
    at: date
    fit_from: date
    band_days: np.ndarray  # lower bounds of the bands, in days of age
    leave_days: int
    exposure: np.ndarray  # (B, G) days in care in the fit window
    events: np.ndarray  # (B, G, G+1) moves to each group, then exits (last)
    entries: np.ndarray  # (B, G) entries in the fit window
    entry_ages: list[np.ndarray]  # per band: ages (days) of the window's entrants
    stock_group: np.ndarray
    stock_dob: np.ndarray
    missing_dob: int = 0
    aged_out: int = 0
    entry_sigma: float = 0.0  # spread of a simulation's entry-rate factor (lognormal sigma)
    exit_sigma: float = 0.0  # the same for exit rates
    notes: list[str] = field(default_factory=list)

    @property
    def fit_days(self) -> int:
        return (self.at - self.fit_from).days + 1

    def shape_and_rate(self) -> tuple[np.ndarray, np.ndarray]:
        """Gamma posterior (shape (B,G,G+1), rate (B,G)) of each hazard, shrunk to the group rate."""
        prior = self.settings.prior_days
        pooled = self.events.sum(0) / np.maximum(self.exposure.sum(0), 1e-9)[:, None]  # (G, G+1)
        shape = self.events + prior * pooled[None, :, :]
        rate = self.exposure + prior
        return shape, rate

    def hazards(self) -> np.ndarray:
        """Posterior mean daily hazards (B, G, G+1)."""
        shape, rate = self.shape_and_rate()
        return shape / np.maximum(rate, 1e-9)[:, :, None]

    def entry_rates(self) -> np.ndarray:
        """Entries a day (B, G)."""
        return self.entries / self.fit_days


def fit(
    store: Store,
    la_code: str,
    at: date,
    *,
    fit_days: int | None = None,
    settings: ProjectionSettings | None = None,
) -> PlacementModel:
    """Fit the flows on the `fit_days` before `at`, from what the store knew at `at`."""
    cfg = settings or projection_settings()
    return fit_spells(read_spells(store, la_code, at, cfg), la_code, at, cfg, fit_days=fit_days)


def fit_spells(
    spells: Spells, la_code: str, at: date, cfg: ProjectionSettings, *, fit_days: int | None = None
) -> PlacementModel:
    days = fit_days or cfg.fit_days
    w0, w1 = (at - timedelta(days=days - 1)).toordinal(), at.toordinal()
    n_groups = len(cfg.group_ids)
    band_days = np.array([round(a * DAYS_A_YEAR) for a in cfg.age_bands], dtype=np.int64)
    leave_days = round(cfg.leaving_age * DAYS_A_YEAR)
    edges = np.r_[band_days, leave_days]
    n_bands = len(band_days)

    exposure = np.zeros((n_bands, n_groups))
    lo = np.maximum(spells.start, w0)
    hi = np.minimum(spells.end, w1 + 1)  # nights from start to the night before the end
    for b in range(n_bands):
        b_lo = np.maximum(lo, spells.dob + edges[b])
        b_hi = np.minimum(hi, spells.dob + edges[b + 1])
        nights = np.clip(b_hi - b_lo, 0, None)
        exposure[b] = np.bincount(spells.group, weights=nights, minlength=n_groups)

    def band_at(day: np.ndarray, dob: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(edges, day - dob, side="right") - 1, 0, n_bands - 1)

    events = np.zeros((n_bands, n_groups, n_groups + 1))
    ended = (spells.end_kind > 0) & (spells.end > w0) & (spells.end <= w1)
    age_at_end = spells.end - 1 - spells.dob
    aged_out = ended & (spells.end_kind == 1) & (age_at_end >= leave_days - 2)
    counted = ended & ~aged_out & (age_at_end < leave_days)
    b_end = band_at(spells.end - 1, spells.dob)
    dest = np.where(spells.end_kind == 2, spells.next_group, n_groups)
    np.add.at(events, (b_end[counted], spells.group[counted], dest[counted]), 1)

    entered = (
        spells.entry
        & (spells.start >= w0)
        & (spells.start <= w1)
        & (spells.start - spells.dob < leave_days)
    )
    b_entry = band_at(spells.start, spells.dob)
    entries = np.zeros((n_bands, n_groups))
    np.add.at(entries, (b_entry[entered], spells.group[entered]), 1)
    ages = spells.start - spells.dob
    entry_ages = [
        np.clip(ages[entered & (b_entry == b)], edges[b], edges[b + 1] - 1) for b in range(n_bands)
    ]

    now = spells.open_at(at) & (at.toordinal() - spells.dob < leave_days)
    entry_sigma, exit_sigma = rate_variability(spells, at, leave_days, cfg.variability_quarters)
    notes = []
    if spells.missing_dob:
        notes.append(
            f"{spells.missing_dob} children had no date of birth; the median age at entry was used"
        )
    return PlacementModel(
        settings=cfg,
        la_code=la_code,
        at=at,
        fit_from=at - timedelta(days=days - 1),
        band_days=band_days,
        leave_days=leave_days,
        exposure=exposure,
        events=events,
        entries=entries,
        entry_ages=entry_ages,
        stock_group=spells.group[now],
        stock_dob=spells.dob[now],
        missing_dob=spells.missing_dob,
        entry_sigma=entry_sigma,
        exit_sigma=exit_sigma,
        aged_out=int(aged_out.sum()),
        notes=notes,
    )


def overdispersion(counts: np.ndarray, exposure: np.ndarray | None = None) -> float:
    """Sigma of a lognormal factor on a rate, from the spread of per-period counts beyond what
    chance (Poisson) explains: extra variance = max(0, var - mean) / mean^2 of the counts (or,
    with `exposure`, of the rates, whose chance variance is rate / exposure).

    >>> overdispersion(np.array([10, 10, 10, 10])), round(overdispersion(np.array([5, 15, 5, 15])), 3)
    (0.0, 0.458)
    """
    if exposure is not None:
        keep = exposure > 0
        counts, exposure = counts[keep], exposure[keep]
    if len(counts) < 4:
        return 0.0
    if exposure is None:
        mean, var, chance = counts.mean(), counts.var(ddof=1), counts.mean()
    else:
        rates = counts / exposure
        mean, var, chance = rates.mean(), rates.var(ddof=1), float(np.mean(rates / exposure))
    if mean <= 0:
        return 0.0
    return float(np.sqrt(np.log1p(max(0.0, var - chance) / mean**2)))


def rate_variability(
    spells: Spells, at: date, leave_days: int, quarters: int
) -> tuple[float, float]:
    """How much entry and exit rates moved from quarter to quarter over the `quarters` before
    `at` (only quarters the data fully covers). A year's rates are one draw from a process that
    drifts; without this the band would cover chance alone and be too narrow (back-tests on the
    synthetic authority covered a 12-month outcome one time in four)."""
    if quarters == 0 or not len(spells.start):
        return 0.0, 0.0
    first = int(spells.start.min())
    end = at.toordinal()
    entries, exits, exposure = [], [], []
    ended = (spells.end_kind == 1) & (spells.end - 1 - spells.dob < leave_days - 2)
    for k in range(quarters):
        hi, lo = end - 91 * k, end - 91 * (k + 1) + 1
        if lo < first + 365:  # the first year of data holds few of the entries before it
            break
        entries.append(int((spells.entry & (spells.start >= lo) & (spells.start <= hi)).sum()))
        exits.append(int((ended & (spells.end > lo) & (spells.end <= hi)).sum()))
        nights = np.clip(np.minimum(spells.end, hi + 1) - np.maximum(spells.start, lo), 0, None)
        exposure.append(float(nights.sum()))
    return (
        overdispersion(np.array(entries, dtype=float)),
        overdispersion(np.array(exits, dtype=float), np.array(exposure)),
    )
