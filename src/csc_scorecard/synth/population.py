"""Families and children who come to the attention of children's social care.

Families arrive at the front door over the whole simulated span (a Poisson stream shaped by
month); each has one to five children whose birth dates are spaced realistically, so younger
siblings may be born (and referred) years after the family first became known. Separate streams
bring unaccompanied asylum-seeking children, disabled children receiving short breaks, and
children who are only ever the subject of contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_scorecard.synth import draws
from csc_scorecard.synth.addresses import Addresses
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, add_years

KINDS = ("family", "uasc", "short_break", "contact")


@dataclass
class Registry:
    """Every family and child the simulation may use, with the state the journeys update."""

    # families
    fam_kind: np.ndarray
    fam_arrival: np.ndarray
    fam_first: np.ndarray
    fam_size: np.ndarray
    fam_home: np.ndarray
    # children
    kid_family: np.ndarray
    dob: np.ndarray
    sex: np.ndarray
    ethnicity: np.ndarray
    disabilities: np.ndarray
    uasc: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.dob)
        # Date until which a child has an open episode of need (NaT: none; far future: open).
        self.busy_until = np.full(n, np.datetime64("NaT"), dtype=DAY)
        # Children who left the family for good (adopted, special guardianship, moved away).
        self.removed = np.zeros(n, dtype=bool)
        self.cp_plans = np.zeros(n, dtype=np.int64)
        self.referred_unborn = np.zeros(n, dtype=bool)
        self.date_of_death = np.full(n, np.datetime64("NaT"), dtype=DAY)

    @property
    def n_children(self) -> int:
        return len(self.dob)

    def members(self, families: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in `families`, child index) for every child of each family."""
        sizes = self.fam_size[families]
        position = np.repeat(np.arange(len(families)), sizes)
        offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return position, self.fam_first[families][position] + offsets

    def eighteenth(self, kids: np.ndarray) -> np.ndarray:
        return add_years(self.dob[kids], 18)


def build(ctx: Context, addresses: Addresses) -> Registry:
    """Draw every family and child for the simulated span."""
    cal = ctx.cal
    parts = [
        _families(ctx),
        _uasc(ctx),
        _short_breaks(ctx),
        _contact_only(ctx),
    ]
    fam_kind = np.concatenate(
        [np.full(len(p["arrival"]), kind, dtype=object) for kind, p in zip(KINDS, parts)]
    )
    arrival = np.concatenate([p["arrival"] for p in parts])
    size = np.concatenate([p["size"] for p in parts])
    dob = np.concatenate([p["dob"] for p in parts])
    first = np.cumsum(size) - size
    kid_family = np.repeat(np.arange(len(size)), size)
    n = len(dob)
    rng = ctx.rng

    # Ethnicity is mostly shared by siblings; UASC have their own mix.
    fam_eth = draws.choice(rng, len(size), cal.population.ethnicity)
    is_uasc_fam = fam_kind == "uasc"
    fam_eth[is_uasc_fam] = draws.choice(rng, int(is_uasc_fam.sum()), cal.uasc.ethnicity)
    ethnicity = fam_eth[kid_family]
    own = rng.random(n) >= cal.population.sibling_same_ethnicity
    own &= ~is_uasc_fam[kid_family]
    ethnicity[own] = draws.choice(rng, int(own.sum()), cal.population.ethnicity)

    uasc = is_uasc_fam[kid_family]
    male = rng.random(n) < np.where(uasc, cal.uasc.male_share, cal.population.sex_male_share)
    sex = np.where(male, "M", "F").astype(object)

    disabled = rng.random(n) < cal.population.disabled_share
    disabled |= (fam_kind == "short_break")[kid_family]
    disabilities = np.full(n, "NONE", dtype=object)
    disabilities[disabled] = _disability_codes(ctx, int(disabled.sum()))

    home = addresses.in_area(rng, len(size))
    home[is_uasc_fam] = None
    return Registry(
        fam_kind=fam_kind,
        fam_arrival=arrival,
        fam_first=first,
        fam_size=size,
        fam_home=home,
        kid_family=kid_family,
        dob=dob,
        sex=sex,
        ethnicity=ethnicity,
        disabilities=disabilities,
        uasc=uasc,
    )


def _arrivals(ctx: Context, per_year: np.ndarray | float) -> np.ndarray:
    """Arrival dates of a Poisson stream with the front door's month-of-year shape.

    `per_year` is a rate for every financial year in `ctx.financial_years()` (or one rate)."""
    months = np.arange(ctx.sim_start.astype("datetime64[M]"), ctx.end.astype("datetime64[M]") + 1)
    month_of_year = months.astype(np.int64) % 12  # 0 = January
    fy = months.astype("datetime64[Y]").astype(np.int64) + 1970 - (month_of_year < 3)
    years = np.array(list(ctx.financial_years()))
    rates = np.broadcast_to(np.asarray(per_year, dtype=float), years.shape)
    rate = rates[np.clip(np.searchsorted(years, fy), 0, len(years) - 1)]
    season = np.array(ctx.cal.front_door.seasonality)[month_of_year]
    counts = ctx.rng.poisson(rate / 12 * season / np.mean(ctx.cal.front_door.seasonality))
    first_day = np.repeat(months.astype(DAY), counts)
    month_len = ((months + 1).astype(DAY) - months.astype(DAY)).astype(np.int64)
    offset = np.floor(ctx.rng.random(counts.sum()) * np.repeat(month_len, counts)).astype(
        "timedelta64[D]"
    )
    dates = first_day + offset
    return np.sort(dates[(dates >= ctx.sim_start) & (dates <= ctx.end)])


def _families(ctx: Context) -> dict[str, np.ndarray]:
    cal, rng = ctx.cal, ctx.rng
    per_year = (
        cal.front_door.referrals_per_year * cal.families.new_families_per_referral * ctx.scale
    )
    arrival = _arrivals(ctx, per_year)
    f = len(arrival)
    size = draws.choice_int(rng, f, cal.families.size)
    weights = np.array(cal.families.eldest_age, dtype=float)
    eldest_age = rng.choice(18, size=f, p=weights / weights.sum()) + rng.random(f)
    unborn = rng.random(f) < cal.families.unborn_first_referral
    lo, hi = cal.families.unborn_days_before_birth

    position = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    gaps = draws.lognormal(rng, int(size.sum()), cal.families.sibling_gap_years) * 365.25
    gaps[position == 0] = 0
    # Cumulative gap from the eldest (position 0) to each child.
    cum = np.cumsum(gaps)
    cum -= np.repeat(cum[np.cumsum(size) - size], size)
    eldest_dob = arrival - np.rint(eldest_age * 365.25).astype("timedelta64[D]")
    # Pre-birth referrals: the youngest child is due 30-140 days after the referral.
    youngest_dob = arrival + rng.integers(lo, hi + 1, size=f).astype("timedelta64[D]")
    span = np.rint(cum[np.cumsum(size) - 1]).astype("timedelta64[D]")
    eldest_dob = np.where(unborn, youngest_dob - span, eldest_dob)
    dob = np.repeat(eldest_dob, size) + np.rint(cum).astype("timedelta64[D]")
    return {"arrival": arrival, "size": size, "dob": dob}


def _uasc(ctx: Context) -> dict[str, np.ndarray]:
    cal, rng = ctx.cal, ctx.rng
    rates = np.array([cal.uasc.arrivals(y) for y in ctx.financial_years()]) * ctx.scale
    arrival = _arrivals(ctx, rates)
    n = len(arrival)
    age = draws.choice_int(rng, n, cal.uasc.age_at_arrival) + rng.random(n) * 0.95
    dob = arrival - np.rint(age * 365.25).astype("timedelta64[D]")
    return {"arrival": arrival, "size": np.ones(n, dtype=np.int64), "dob": dob}


def _short_breaks(ctx: Context) -> dict[str, np.ndarray]:
    rng = ctx.rng
    arrival = _arrivals(ctx, ctx.cal.care.short_breaks_children_per_year * ctx.scale)
    n = len(arrival)
    age = rng.uniform(*ctx.cal.care.short_break_age, size=n)
    dob = arrival - np.rint(age * 365.25).astype("timedelta64[D]")
    return {"arrival": arrival, "size": np.ones(n, dtype=np.int64), "dob": dob}


def _contact_only(ctx: Context) -> dict[str, np.ndarray]:
    """Children whose contacts end at the front door (only the retained span is needed)."""
    cal, rng = ctx.cal, ctx.rng
    per_year = cal.front_door.referrals_per_year * cal.front_door.contact_only_children_per_referral
    arrival = _arrivals(ctx, per_year * ctx.scale)
    arrival = arrival[arrival >= ctx.keep_from]
    n = len(arrival)
    weights = np.array(cal.families.eldest_age, dtype=float)
    age = rng.choice(18, size=n, p=weights / weights.sum()) + rng.random(n)
    dob = arrival - np.rint(age * 365.25).astype("timedelta64[D]")
    return {"arrival": arrival, "size": np.ones(n, dtype=np.int64), "dob": dob}


def _disability_codes(ctx: Context, n: int) -> np.ndarray:
    """Space-separated CIN disability codes, one to three distinct codes per child (rule 8794)."""
    rng, pop = ctx.rng, ctx.cal.population
    counts = draws.choice_int(rng, n, pop.disability_count)
    codes = np.array(list(pop.disability), dtype=object)
    weights = np.array(list(pop.disability.values()), dtype=float)
    weights /= weights.sum()
    # Weighted sampling without replacement by Gumbel keys: sort -log(u)/w per child.
    keys = -np.log(rng.random((n, len(codes)))) / weights
    ranked = np.argsort(keys, axis=1)
    out = np.empty(n, dtype=object)
    for count in np.unique(counts):
        rows = np.flatnonzero(counts == count)
        chosen = codes[ranked[rows, :count]]
        out[rows] = [" ".join(sorted(r)) for r in chosen]
    return out
