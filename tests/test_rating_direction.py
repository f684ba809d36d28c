"""Direction of travel and the small-number warning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csc_scorecard.rating import (
    DEFAULT_SMALL_NUMBER_THRESHOLD,
    Band,
    Direction,
    Polarity,
    direction,
    is_small_number,
    rate,
)

HIGHER, LOWER, BAND = Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER, Polarity.WITHIN_BAND
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
OPPOSITE = {
    Direction.IMPROVING: Direction.WORSENING,
    Direction.WORSENING: Direction.IMPROVING,
    Direction.UNCHANGED: Direction.UNCHANGED,
}


@pytest.mark.parametrize(
    ("current", "previous", "polarity", "expected"),
    [
        (90, 85, HIGHER, Direction.IMPROVING),  # C01, Q4 85% -> Q1 90%
        (97, 99, HIGHER, Direction.WORSENING),  # C02
        (19.4, 16, LOWER, Direction.WORSENING),  # P01 re-referrals rose
        (9.1, 10, LOWER, Direction.IMPROVING),  # P22 agency staff fell
        (93, 93, HIGHER, Direction.UNCHANGED),  # P18
        (18, 24, BAND, Direction.IMPROVING),  # moved into the band
        (8, 12, BAND, Direction.WORSENING),  # moved out of the band
        (12, 18, BAND, Direction.UNCHANGED),  # inside the band both times
    ],
)
def test_direction_examples(current, previous, polarity, expected):
    assert direction(current, previous, polarity, band=Band(low=10, high=20)) is expected


def test_information_items_have_no_direction():
    assert direction(5, 4, Polarity.INFORMATION) is None


def test_within_band_needs_the_band_and_nan_is_refused():
    with pytest.raises(ValueError, match="band"):
        direction(1, 2, BAND)
    with pytest.raises(ValueError, match="NaN"):
        direction(float("nan"), 2, HIGHER)
    with pytest.raises(ValueError, match="negative"):
        direction(1, 2, HIGHER, unchanged_within=-1)


def test_changes_within_the_allowance_are_unchanged():
    assert direction(90.4, 90, HIGHER, unchanged_within=0.5) is Direction.UNCHANGED
    assert direction(90.6, 90, HIGHER, unchanged_within=0.5) is Direction.IMPROVING


@given(st.sampled_from([HIGHER, LOWER, BAND]), numbers, numbers)
def test_swapping_the_periods_reverses_the_direction(polarity, a, b):
    band = Band(low=-10, high=10)
    assert direction(b, a, polarity, band=band) is OPPOSITE[direction(a, b, polarity, band=band)]


@given(numbers, numbers)
def test_polarity_decides_what_better_means(a, b):
    assert direction(a, b, LOWER) is OPPOSITE[direction(a, b, HIGHER)]


@given(st.sampled_from([HIGHER, LOWER]), numbers, numbers, numbers, st.floats(0, 1e4))
def test_direction_agrees_with_a_change_of_rating(polarity, current, previous, target, gap):
    tolerance = target - gap if polarity is HIGHER else target + gap
    now, then = (rate(v, target, tolerance, polarity).rank for v in (current, previous))
    moved = direction(current, previous, polarity)
    if now > then:
        assert moved is Direction.IMPROVING
    if now < then:
        assert moved is Direction.WORSENING


def test_small_number_warning():
    assert DEFAULT_SMALL_NUMBER_THRESHOLD == 10
    assert is_small_number(9, 200)  # small numerator
    assert is_small_number(53, 9)  # small denominator
    assert not is_small_number(10, 10)  # the threshold itself is not small
    assert not is_small_number(None, None)  # nothing known, nothing to warn about
    assert is_small_number(12, 40, threshold=20)
