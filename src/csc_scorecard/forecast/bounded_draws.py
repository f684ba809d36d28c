"""Many of numpy's bounded integer draws made in one pass, bit for bit as numpy makes them.

`Generator.integers(low, high, k)` on the default bit generator (PCG64), for a range
``r = high - low`` from 2 to 2**32 - 1, takes one 32-bit word a value from the generator's
32-bit stream (each 64-bit output split low half first, the high half kept for the next word,
across calls) and returns ``low + (word * r >> 32)``, Lemire's method; it rejects a word and
takes another when ``word * r mod 2**32 < 2**32 mod r`` (a chance under r / 2**32), and a range
of one value takes no word. So a run of such calls is a run of single draws, one word each, and
the words can be taken at once (`BitGenerator.random_raw`) and scaled together. The placement
projection makes about 28,000 such calls, a few values each, a projection
(`simulation._enter`): one pass a month instead.

`tests/test_forecast_bounded_draws.py` holds the two ways equal (values and generator state)
over many seeds, ranges and call sizes, the rejected case included.
"""

from __future__ import annotations

import numpy as np

_WORD = np.uint64(0xFFFFFFFF)
_HALF = np.uint64(32)


def bounded(rng: np.random.Generator, ranges: np.ndarray) -> np.ndarray | None:
    """Offsets ``0 <= v < r`` for each ``r`` of ``ranges`` (each at least one), equal to
    ``rng.integers(0, r)`` called for each in turn, and ``rng`` left as those calls leave it.
    None, with ``rng`` untouched, where numpy would reject a word (or for a generator or range
    this does not cover): the caller then makes the calls."""
    bits = rng.bit_generator
    if not isinstance(bits, np.random.PCG64) or (len(ranges) and ranges.max() >= 2**32):
        return None
    state = bits.state
    drawn = ranges > 1
    need = int(drawn.sum())
    buffered = int(state["has_uint32"]) if need else 0
    raw = bits.random_raw(max(need - buffered + 1, 0) // 2).astype(np.uint64)
    words = np.empty(buffered + 2 * len(raw), dtype=np.uint64)
    if buffered:
        words[0] = state["uinteger"]
    words[buffered::2] = raw & _WORD
    words[buffered + 1 :: 2] = raw >> _HALF
    span = ranges[drawn].astype(np.uint64)
    scaled = words[:need] * span
    if ((scaled & _WORD) < np.uint64(2**32) % span).any():
        bits.state = state
        return None
    after = bits.state
    if need:
        # A word left over is kept for the next 32-bit draw; else the last one taken stays
        # in the state, spent, as numpy leaves it.
        after["has_uint32"] = len(words) - need
        after["uinteger"] = int(words[need] if len(words) > need else words[need - 1])
        bits.state = after
    out = np.zeros(len(ranges), dtype=np.int64)
    out[drawn] = (scaled >> _HALF).astype(np.int64)
    return out
