"""The placement projection's bounded draws made in one pass (`forecast.bounded_draws`) equal
numpy's own calls, value for value, leaving the generator in the same state."""

from __future__ import annotations

import numpy as np
import pytest

from csc_scorecard.forecast.bounded_draws import bounded
from csc_scorecard.forecast.simulation import _draws


def _state(rng: np.random.Generator) -> tuple:
    s = rng.bit_generator.state
    return s["state"]["state"], s["state"]["inc"], s["has_uint32"], s["uinteger"]


@pytest.mark.parametrize("seed", range(40))
def test_one_pass_equals_numpy_call_by_call(seed: int) -> None:
    plan = np.random.default_rng(seed + 1000)
    ours, numpy = np.random.default_rng(seed), np.random.default_rng(seed)
    for _ in range(6):
        # other draws between (they take 64-bit outputs and leave a kept 32-bit word alone)
        size = int(plan.integers(0, 4))
        assert (ours.random(size) == numpy.random(size)).all()
        assert (ours.poisson(3.0, size) == numpy.poisson(3.0, size)).all()
        calls = int(plan.integers(0, 8))
        spans = plan.integers(1, 3000, calls)
        spans[plan.random(calls) < 0.2] = 1  # a range of one value takes no word
        runs = plan.integers(0, 9, calls)
        expected = [numpy.integers(0, n, k) for n, k in zip(spans, runs, strict=True)]
        got = bounded(ours, np.repeat(spans, runs))
        assert got is not None
        assert got.dtype == np.int64
        assert got.tolist() == [v for e in expected for v in e.tolist()]
        assert _state(ours) == _state(numpy)


def test_a_draw_numpy_would_reject_is_left_to_numpy() -> None:
    # Ranges near 2**32 make numpy reject about half its words: no one-pass answer, the
    # generator untouched, and `_draws` then calls numpy, with the same values.
    spans, runs = np.array([3_000_000_001, 7, 2**32 - 1]), np.array([5, 3, 4])
    for seed in range(5):
        rng = np.random.default_rng(seed)
        before = _state(rng)
        assert bounded(rng, np.repeat(spans, runs)) is None
        assert _state(rng) == before
        numpy = np.random.default_rng(seed)
        expected = np.concatenate(
            [numpy.integers(0, n, k) for n, k in zip(spans, runs, strict=True)]
        )
        assert _draws(rng, spans, runs).tolist() == expected.tolist()
        assert _state(rng) == _state(numpy)


def test_draws_in_one_pass_equal_the_calls() -> None:
    for seed in range(20):
        plan = np.random.default_rng(seed)
        spans, runs = plan.integers(1, 40, 30), plan.integers(0, 5, 30)
        ours, numpy = np.random.default_rng(seed), np.random.default_rng(seed)
        expected = [numpy.integers(0, n, k) for n, k in zip(spans, runs, strict=True) if k]
        assert _draws(ours, spans, runs).tolist() == np.concatenate(expected).tolist()
        assert _state(ours) == _state(numpy)
