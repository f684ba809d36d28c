"""`ScalarDraws` gives numpy's own numbers, one at a time, and leaves the generator where
numpy's calls would have left it."""

from __future__ import annotations

import random

import numpy as np
import pytest

from csc_scorecard.synth.scalar_draws import ScalarDraws, scalar_draws

RANGES = [(1, 6), (1, 15), (1, 8), (1, 10), (3, 11), (21, 43), (5, 6), (0, 2**31), (-5, 5)]
RANGES += [(0, 3_000_000_000)]  # wide enough for Lemire's rejection to happen now and then


@pytest.mark.parametrize("seed", range(6))
def test_the_same_numbers_and_state_as_numpy(seed):
    plan_rng = random.Random(seed)
    plan = [(plan_rng.random() < 0.4, plan_rng.choice(RANGES)) for _ in range(20_000)]
    ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
    if seed % 2:  # a generator already holding half of a 64-bit output
        ours.integers(0, 7)
        theirs.integers(0, 7)
    want = [theirs.random() if r else int(theirs.integers(*span)) for r, span in plan]
    with scalar_draws(ours) as draws:
        got = [draws.random() if r else draws.integers(*span) for r, span in plan]
    assert got == want
    assert ours.bit_generator.state == theirs.bit_generator.state
    assert ours.integers(0, 5) == theirs.integers(0, 5)  # the kept half, if any
    assert (ours.random(9) == theirs.random(9)).all()


def test_only_pcg64_and_ranges_below_two_to_the_32():
    with pytest.raises(TypeError):
        ScalarDraws(np.random.Generator(np.random.MT19937(1)))
    draws = ScalarDraws(np.random.default_rng(1))
    assert draws.integers(4, 5) == 4
    with pytest.raises(ValueError):
        draws.integers(0, 2**33)
