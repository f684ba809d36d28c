"""Weighted draws that take exactly one uniform number from the generator, so adding a
category to a calibration table does not shift every later draw."""

from __future__ import annotations

import numpy as np


def choice(rng: np.random.Generator, weights: dict[str, float]) -> str:
    """A key of `weights` drawn with probability proportional to its weight."""
    keys = list(weights)
    return keys[draw(rng, [weights[k] for k in keys])]


def draw(rng: np.random.Generator, weights: list[float]) -> int:
    """An index drawn with probability proportional to `weights` (one uniform draw)."""
    u = rng.random() * sum(weights)
    total = 0.0
    for i, w in enumerate(weights):
        total += w
        if u < total:
            return i
    return len(weights) - 1
