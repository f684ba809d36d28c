"""Random draws used across the simulation, all from the one `numpy.random.Generator`.

Every function takes the generator explicitly and draws a fixed number of values for a given
input size, so the whole simulation is reproducible from `SynthConfig.seed`.
"""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth.calibration import LogNormal, Shares


def lognormal(rng: np.random.Generator, n: int, spec: LogNormal) -> np.ndarray:
    """`n` floats from the clipped lognormal `spec`."""
    values = spec.median * np.exp(spec.sigma * rng.standard_normal(n))
    return np.clip(values, spec.min, spec.max)


def lognormal_int(rng: np.random.Generator, n: int, spec: LogNormal) -> np.ndarray:
    """`n` whole numbers (days, working days) from the clipped lognormal `spec`."""
    return np.rint(lognormal(rng, n, spec)).astype(np.int64)


def days(rng: np.random.Generator, n: int, spec: LogNormal) -> np.ndarray:
    """Durations as `timedelta64[D]`."""
    return lognormal_int(rng, n, spec).astype("timedelta64[D]")


def choice(rng: np.random.Generator, n: int, shares: Shares) -> np.ndarray:
    """`n` keys of `shares` drawn with probability proportional to their weights (str array)."""
    keys = np.array(list(shares), dtype=object)
    weights = np.array(list(shares.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=weights / weights.sum())]


def choice_int(rng: np.random.Generator, n: int, shares: Shares) -> np.ndarray:
    """As `choice` for shares keyed by whole numbers written as strings ({"1": 55, "2": 30})."""
    return choice(rng, n, shares).astype(np.int64)


def choice_by_group(
    rng: np.random.Generator, groups: np.ndarray, table: dict[str, Shares]
) -> np.ndarray:
    """One draw per element from the shares of its group (`groups` holds keys of `table`)."""
    out = np.empty(len(groups), dtype=object)
    for key, shares in table.items():
        where = np.flatnonzero(groups == key)
        if where.size:
            out[where] = choice(rng, where.size, shares)
    return out


def bernoulli(rng: np.random.Generator, n: int, p: float | np.ndarray) -> np.ndarray:
    return rng.random(n) < p


def uniform_days(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A date uniformly in [low, high] (inclusive; high >= low), element-wise."""
    span = (high - low).astype(np.int64)
    return low + np.floor(rng.random(len(low)) * (span + 1)).astype("timedelta64[D]")


def band(values: np.ndarray, edges: list[int]) -> np.ndarray:
    """The band key (lower edge as str) each value falls into, for tables keyed "0", "5", "10"."""
    edges_arr = np.array(sorted(edges))
    index = np.searchsorted(edges_arr, values, side="right") - 1
    return np.array([str(e) for e in edges_arr], dtype=object)[
        np.clip(index, 0, len(edges_arr) - 1)
    ]


def band_keys(table: dict[str, object]) -> list[int]:
    return sorted(int(k) for k in table)
