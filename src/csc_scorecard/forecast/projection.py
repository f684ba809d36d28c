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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from itertools import pairwise

import numpy as np
import yaml
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.forecast.ledger import DAYS_A_YEAR, OPEN
from csc_scorecard.forecast.scenarios import Scenario
from csc_scorecard.forecast.scenarios import scenario as get_scenario
from csc_scorecard.store import Store

# --------------------------------------------------------------------------- settings


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GroupSpec(_Strict):
    id: str
    name: str
    places: list[str]
    providers: list[str] | None = None


class OtherGroup(_Strict):
    id: str
    name: str


class ProjectionSettings(_Strict):
    groups: list[GroupSpec]
    other: OtherGroup
    age_bands: list[float] = Field(min_length=1)
    leaving_age: float = 18
    short_breaks: list[str] = []
    fit_days: int = Field(365, ge=28)
    prior_days: float = Field(180, ge=0)
    simulations: int = Field(200, ge=1)
    interval: float = Field(0.8, gt=0, lt=1)
    variability_quarters: int = Field(12, ge=0, le=40)

    @property
    def group_ids(self) -> list[str]:
        return [g.id for g in self.groups] + [self.other.id]

    @property
    def group_names(self) -> list[str]:
        return [g.name for g in self.groups] + [self.other.name]

    def band_labels(self) -> list[str]:
        """
        >>> projection_settings().band_labels()
        ['under 1', '1-4', '5-9', '10-15', '16-17']
        """
        edges = [*self.age_bands, self.leaving_age]
        out = []
        for lo, hi in pairwise(edges):
            out.append(f"under {hi:g}" if lo == 0 else f"{lo:g}-{hi - 1:g}")
        return out


@cache
def projection_settings() -> ProjectionSettings:
    text = resources.files(__package__).joinpath("projection.yaml").read_text()
    return ProjectionSettings.model_validate(yaml.safe_load(text))


def group_index(cfg: ProjectionSettings, place: np.ndarray, provider: np.ndarray) -> np.ndarray:
    """Index into `cfg.group_ids` of each episode's placement group (the first group matching)."""
    out = np.full(len(place), len(cfg.groups), dtype=np.int64)
    undecided = np.ones(len(place), dtype=bool)
    for i, g in enumerate(cfg.groups):
        hit = undecided & np.isin(place, g.places)
        if g.providers is not None:
            hit &= np.isin(provider, g.providers)
        out[hit] = i
        undecided &= ~hit
    return out


# --------------------------------------------------------------------------- spells


@dataclass(frozen=True)
class Spells:
    """Runs of episodes in one placement group (dates as ordinals; `end` OPEN while open)."""

    child: np.ndarray  # int codes
    dob: np.ndarray
    group: np.ndarray
    start: np.ndarray
    end: np.ndarray
    entry: np.ndarray  # bool: begins a period of care (not a move from another group)
    end_kind: np.ndarray  # 0 open, 1 exit, 2 move
    next_group: np.ndarray  # group moved to (-1 unless a move)
    known_at: date
    missing_dob: int = 0

    def open_at(self, day: date) -> np.ndarray:
        """Looked after at the end of `day`: started on or before it, not ended on or before it."""
        d = day.toordinal()
        return (self.start <= d) & (self.end > d)

    def counts_at(self, days: list[date], n_groups: int) -> np.ndarray:
        """Children looked after at the end of each day, by group: shape (len(days), n_groups)."""
        return (
            np.stack([np.bincount(self.group[self.open_at(d)], minlength=n_groups) for d in days])
            if days
            else np.zeros((0, n_groups), dtype=np.int64)
        )


def read_spells(
    store: Store, la_code: str, known_at: date, cfg: ProjectionSettings | None = None
) -> Spells:
    """The authority's 903 episodes as known at `known_at`, joined into spells."""
    cfg = cfg or projection_settings()
    short = (
        f"AND (e.ls IS NULL OR e.ls NOT IN ({', '.join('?' * len(cfg.short_breaks))}))"
        if cfg.short_breaks
        else ""
    )
    cur = store.con.cursor()
    try:
        rows = cur.execute(
            f"""SELECT e.child_id, e.decom, CASE WHEN e.dec > ? THEN NULL ELSE e.dec END,
                       e.place, e.place_provider, c.date_of_birth
                FROM cla_episodes e
                LEFT JOIN children c ON c.la_code = e.la_code AND c.child_id = e.child_id
                WHERE e.la_code = ? AND e.decom IS NOT NULL AND e.decom <= ? {short}
                ORDER BY e.child_id, e.decom, e.dec NULLS LAST""",
            [known_at, la_code, known_at, *cfg.short_breaks],
        ).fetchall()
    finally:
        cur.close()
    return spells_from_episodes(rows, known_at, cfg)


def spells_from_episodes(rows: list[tuple], known_at: date, cfg: ProjectionSettings) -> Spells:
    """Spells from (child, decom, dec|None, place, provider, dob|None) rows sorted by child, decom."""
    n = len(rows)
    if n == 0:
        z = np.array([], dtype=np.int64)
        return Spells(z, z, z, z, z, np.array([], bool), z, z, known_at)
    child_ids, decom, dec, place, provider, dob = (list(c) for c in zip(*rows, strict=True))
    _, child = np.unique(np.array(child_ids, dtype=object), return_inverse=True)
    start = np.array([d.toordinal() for d in decom], dtype=np.int64)
    end = np.array([OPEN if d is None else d.toordinal() for d in dec], dtype=np.int64)
    group = group_index(cfg, np.array(place, dtype=object), np.array(provider, dtype=object))
    born = np.array([-1 if d is None else d.toordinal() for d in dob], dtype=np.int64)
    missing = born < 0
    n_missing = len(np.unique(child[missing]))
    if missing.any():
        # Without a date of birth the child cannot be aged: take the median age at entry of the
        # others (a data-quality fault the 903 validator reports; counted in `missing_dob`).
        known_age = (start - born)[~missing]
        typical = int(np.median(known_age)) if len(known_age) else int(8 * DAYS_A_YEAR)
        heads = np.flatnonzero(np.r_[True, child[1:] != child[:-1]])
        first_start = np.repeat(np.minimum.reduceat(start, heads), np.diff(np.r_[heads, n]))
        born = np.where(missing, first_start - typical, born)

    same_next = np.r_[child[1:] == child[:-1], False]
    # Overlapping episodes (a data-quality fault): the earlier one ends when the next begins.
    nxt_start = np.r_[start[1:], OPEN]
    end = np.where(same_next & (end > nxt_start), nxt_start, end)
    contiguous_next = same_next & (nxt_start == end)
    contiguous_prev = np.r_[False, contiguous_next[:-1]]
    same_group_prev = np.r_[False, group[1:] == group[:-1]]
    begins = ~(contiguous_prev & same_group_prev)
    first = np.flatnonzero(begins)
    last = np.r_[first[1:] - 1, n - 1]
    nxt_group = np.r_[group[1:], -1]
    moves = contiguous_next[last]
    end_kind = np.where(end[last] == OPEN, 0, np.where(moves, 2, 1))
    return Spells(
        child=child[first],
        dob=born[first],
        group=group[first],
        start=start[first],
        end=end[last],
        entry=~contiguous_prev[first],
        end_kind=end_kind,
        next_group=np.where(end_kind == 2, nxt_group[last], -1),
        known_at=known_at,
        missing_dob=n_missing,
    )


# --------------------------------------------------------------------------- fitting


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


# --------------------------------------------------------------------------- simulation


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

    group = np.tile(model.stock_group.astype(np.int16), (simulations, 1))
    dob = np.tile(model.stock_dob.astype(np.int64), (simulations, 1))
    sim_index = np.arange(simulations)[:, None]
    out = np.zeros((simulations, len(dates), n_groups), dtype=np.int32)
    prev = model.at.toordinal()
    for k, when in enumerate(dates):
        day = when.toordinal()
        step = day - prev
        active = group >= 0
        band = np.clip(np.searchsorted(edges, prev - dob, side="right") - 1, 0, n_bands - 1)
        row = ((sim_index * n_bands + band) * n_groups + np.maximum(group, 0))[active]
        h = total[row]
        leaves = rng.random(len(row)) < 1 - np.exp(-h * step)
        pick = rng.random(int(leaves.sum())) * h[leaves]
        dest = (cum[row[leaves]] < pick[:, None]).sum(axis=1)
        moved = np.where(dest >= n_groups, -1, dest).astype(np.int16)
        g_active = group[active]
        g_active[leaves] = moved
        group[active] = g_active
        group[(day - dob) >= model.leave_days] = -1
        group, dob = _enter(rng, group, dob, lam * step, model, day, step)
        keep = (group >= 0).any(axis=0)
        group, dob = group[:, keep], dob[:, keep]
        flat_idx = (sim_index * n_groups + group.astype(np.int64))[group >= 0]
        out[:, k, :] = np.bincount(flat_idx, minlength=simulations * n_groups).reshape(
            simulations, n_groups
        )
        prev = day
    return out


def _drift(rng: np.random.Generator, sigma: float, n: int) -> np.ndarray:
    """Lognormal factors with mean one (ones when sigma is nought)."""
    if sigma <= 0:
        return np.ones(n)
    return np.exp(rng.normal(-(sigma**2) / 2, sigma, n))


def _enter(
    rng: np.random.Generator,
    group: np.ndarray,
    dob: np.ndarray,
    expected: np.ndarray,
    model: PlacementModel,
    day: int,
    step: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Add this step's entrants (Poisson by band and group) as new columns."""
    counts = rng.poisson(expected)  # (S, B, G)
    per_sim = counts.reshape(len(counts), -1).sum(axis=1)
    width = int(per_sim.max()) if len(per_sim) else 0
    if width == 0:
        return group, dob
    n_bands, n_groups = counts.shape[1:]
    new_group = np.full((len(counts), width), -1, dtype=np.int16)
    new_dob = np.zeros((len(counts), width), dtype=np.int64)
    cells = np.arange(n_bands * n_groups)
    for s in np.flatnonzero(per_sim):
        which = np.repeat(cells, counts[s].ravel())
        bands, groups = which // n_groups, which % n_groups
        ages = np.empty(len(which), dtype=np.int64)
        for b in np.unique(bands):
            pool = model.entry_ages[b]
            pick = bands == b
            ages[pick] = (
                pool[rng.integers(0, len(pool), int(pick.sum()))]
                if len(pool)
                else rng.integers(
                    model.band_days[b],
                    np.r_[model.band_days, model.leave_days][b + 1],
                    int(pick.sum()),
                )
            )
        # Entered at a random point in the step: their age today is the entry age plus the days since.
        since = rng.integers(0, max(step, 1), len(which))
        new_group[s, : len(which)] = groups
        new_dob[s, : len(which)] = day - since - ages
    return np.concatenate([group, new_group], axis=1), np.concatenate([dob, new_dob], axis=1)


# --------------------------------------------------------------------------- results


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
