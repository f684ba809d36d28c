"""One-at-a-time draws at Python speed, the same numbers a PCG64 `numpy.random.Generator` gives.

A loop that asks the generator for one number at a time (`rng.random()`, `rng.integers(a, b)`)
spends most of its time in numpy's call overhead (a few microseconds a call, the casework's
visit gaps about 220,000 of them). `ScalarDraws` takes the generator's raw 64-bit outputs in
blocks and makes each number from them as numpy's C code does:

- `random()`: the top 53 bits of one output, times 2**-53 (`next_double`);
- `integers(low, high)` for a range below 2**32: Lemire's multiply-and-reject over 32-bit values,
  each 64-bit output giving two (its low half first; the high half is kept for the next call,
  the generator's `has_uint32`), as `random_bounded_uint64_fill` does for a single value.

On `close()` the generator is left exactly where the same calls would have left it (advanced by
the outputs used, with any kept half), so draws after the block are unchanged too.
`tests/test_synth_scalar_draws.py` checks both against numpy's own calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

BLOCK = 4096
TWO_TO_MINUS_53 = 1.0 / 9007199254740992.0


class ScalarDraws:
    """`random()` and `integers(low, high)` of a PCG64 generator, from its raw outputs."""

    def __init__(self, rng: np.random.Generator) -> None:
        bits = rng.bit_generator
        if not isinstance(bits, np.random.PCG64):
            raise TypeError("ScalarDraws follows PCG64's outputs only")
        self._bits = bits
        self._start = bits.state
        self._half: int | None = self._start["uinteger"] if self._start["has_uint32"] else None
        self._kept = self._start["uinteger"]  # numpy keeps the last high half, used or not
        self._block: list[int] = []
        self._next = 0
        self._used = 0  # raw outputs given out so far

    def _raw(self) -> int:
        if self._next == len(self._block):
            self._block = self._bits.random_raw(BLOCK).tolist()
            self._next = 0
        value = self._block[self._next]
        self._next += 1
        self._used += 1
        return value

    def random(self) -> float:
        return (self._raw() >> 11) * TWO_TO_MINUS_53

    def _uint32(self) -> int:
        if self._half is not None:
            value, self._half = self._half, None
            return value
        raw = self._raw()
        self._half = self._kept = raw >> 32
        return raw & 0xFFFFFFFF

    def integers(self, low: int, high: int) -> int:
        """A whole number in [low, high), as `rng.integers(low, high)` (int64, high - low
        below 2**32)."""
        span = high - 1 - low
        if span == 0:
            return low
        if not 0 < span < 0xFFFFFFFF:
            raise ValueError("ScalarDraws.integers: the range must be 2 to 2**32 - 1 wide")
        excl = span + 1
        m = self._uint32() * excl
        leftover = m & 0xFFFFFFFF
        if leftover < excl:
            threshold = (0xFFFFFFFF - span) % excl
            while leftover < threshold:
                m = self._uint32() * excl
                leftover = m & 0xFFFFFFFF
        return low + (m >> 32)

    def close(self) -> None:
        """Leave the generator where numpy's own calls would have left it."""
        state = dict(self._start)
        self._bits.state = state
        self._bits.advance(self._used)
        state = self._bits.state
        state["has_uint32"] = int(self._half is not None)
        state["uinteger"] = self._kept
        self._bits.state = state


@contextmanager
def scalar_draws(rng: np.random.Generator) -> Iterator[ScalarDraws]:
    """`ScalarDraws` over `rng` for the block; the generator is brought up to date after it."""
    draws = ScalarDraws(rng)
    try:
        yield draws
    finally:
        draws.close()
