"""RAG rating: the seed's rule, and the invariants any rating must keep (property tests)."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from csc_scorecard.rating import Band, Polarity, Rag, check_thresholds, rate, rate_range

HIGHER, LOWER, BAND, INFO = (
    Polarity.HIGHER_BETTER,
    Polarity.LOWER_BETTER,
    Polarity.WITHIN_BAND,
    Polarity.INFORMATION,
)
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
gaps = st.floats(min_value=0, max_value=1e4, allow_nan=False)


@pytest.mark.parametrize(
    ("value", "target", "tolerance", "polarity", "expected"),
    [
        (90, 90, 75, HIGHER, Rag.GREEN),  # at target is green (C01 in Q1)
        (85, 90, 75, HIGHER, Rag.AMBER),  # between target and tolerance (C01 in Q4)
        (80, 95, 80, HIGHER, Rag.AMBER),  # the tolerance itself is amber (C07 in Q4)
        (78, 95, 80, HIGHER, Rag.RED),  # beyond tolerance (C07 in Q1)
        (62.7, 90, None, HIGHER, Rag.RED),  # no tolerance: red (C11)
        (96, 95, None, HIGHER, Rag.GREEN),  # no tolerance: green (P21)
        (19.4, 22, 28, LOWER, Rag.GREEN),  # P01
        (9.1, 8, 12, LOWER, Rag.AMBER),  # P22
        (463, 426, 460, LOWER, Rag.RED),  # P14 in Q4: 463 days is beyond 460
        (121, 121, 200, LOWER, Rag.GREEN),  # P15 in Q4: at target
        (15, Band(low=10, high=20), Band(low=5, high=25), BAND, Rag.GREEN),
        (22, Band(low=10, high=20), Band(low=5, high=25), BAND, Rag.AMBER),
        (5, Band(low=10, high=20), Band(low=5, high=25), BAND, Rag.AMBER),
        (26, Band(low=10, high=20), Band(low=5, high=25), BAND, Rag.RED),
        (21, Band(low=10, high=20), None, BAND, Rag.RED),
    ],
)
def test_rate_follows_the_seed_rule(value, target, tolerance, polarity, expected):
    assert rate(value, target, tolerance, polarity) is expected


def test_information_items_are_never_rated():
    assert rate(12345, None, None, INFO) is None
    assert rate_range(0, 10, None, None, INFO) is None


@pytest.mark.parametrize(
    ("target", "tolerance", "polarity", "message"),
    [
        (90, 95, HIGHER, "must not be above the target"),
        (9, 5, LOWER, "must not be below the target"),
        (None, None, HIGHER, "needs a single number"),
        (Band(low=1, high=2), None, HIGHER, "needs a single number"),
        (10, None, BAND, "needs a target band"),
        (Band(low=10, high=20), Band(low=12, high=25), BAND, "containing the target"),
        (50, None, INFO, "no target or tolerance"),
    ],
)
def test_inconsistent_thresholds_are_refused(target, tolerance, polarity, message):
    with pytest.raises(ValueError, match=message):
        check_thresholds(target, tolerance, polarity)
    with pytest.raises(ValueError, match=message):
        rate(1, target, tolerance, polarity)


def test_nan_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        rate(float("nan"), 90, 75, HIGHER)


@st.composite
def thresholds(draw, polarity):
    target = draw(numbers)
    tolerance = draw(
        st.none() | gaps.map(lambda g: target - g if polarity is HIGHER else target + g)
    )
    return target, tolerance


@given(
    st.sampled_from([HIGHER, LOWER]).flatmap(
        lambda p: st.tuples(st.just(p), thresholds(p), numbers, numbers)
    )
)
def test_rating_is_monotone_in_the_value(case):
    polarity, (target, tolerance), a, b = case
    low, high = sorted((a, b))
    rank_low = rate(low, target, tolerance, polarity).rank
    rank_high = rate(high, target, tolerance, polarity).rank
    assert rank_low <= rank_high if polarity is HIGHER else rank_low >= rank_high


@given(thresholds(HIGHER), numbers)
def test_lower_better_is_higher_better_mirrored(limits, value):
    target, tolerance = limits
    mirrored = None if tolerance is None else -tolerance
    assert rate(value, target, tolerance, HIGHER) is rate(-value, -target, mirrored, LOWER)


@given(st.sampled_from([HIGHER, LOWER]).flatmap(lambda p: st.tuples(st.just(p), thresholds(p))))
def test_target_is_green_tolerance_is_amber_beyond_is_red(case):
    polarity, (target, tolerance) = case
    assert rate(target, target, tolerance, polarity) is Rag.GREEN
    beyond = (tolerance if tolerance is not None else target) + (-1 if polarity is HIGHER else 1)
    assert rate(beyond, target, tolerance, polarity) is Rag.RED
    if tolerance is not None and tolerance != target:
        assert rate(tolerance, target, tolerance, polarity) is Rag.AMBER


@given(st.sampled_from([HIGHER, LOWER]), numbers, numbers)
def test_no_tolerance_means_green_or_red(polarity, target, value):
    assert rate(value, target, None, polarity) in (Rag.GREEN, Rag.RED)


@st.composite
def bands(draw):
    low = draw(numbers)
    target = Band(low=low, high=low + draw(gaps))
    tolerance = draw(
        st.none()
        | st.tuples(gaps, gaps).map(lambda g: Band(low=target.low - g[0], high=target.high + g[1]))
    )
    return target, tolerance


@given(bands(), numbers, numbers)
def test_band_rating_gets_no_better_further_from_the_band(limits, a, b):
    target, tolerance = limits
    near, far = sorted((a, b), key=target.distance)
    assume(target.distance(near) < target.distance(far))  # distances that differ after rounding
    assume((near - target.low) * (far - target.low) >= 0)  # same side of the band
    assume((near - target.high) * (far - target.high) >= 0)
    assert rate(near, target, tolerance, BAND).rank >= rate(far, target, tolerance, BAND).rank
    assert (rate(a, target, tolerance, BAND) is Rag.GREEN) == target.contains(a)


@given(
    st.sampled_from([HIGHER, LOWER, BAND]).flatmap(
        lambda p: st.tuples(st.just(p), bands() if p is BAND else thresholds(p))
    ),
    numbers,
    numbers,
    st.lists(st.floats(0, 1), min_size=1, max_size=8),
)
def test_a_range_rating_holds_for_every_value_in_the_range(case, a, b, fractions):
    polarity, (target, tolerance) = case
    low, high = sorted((a, b))
    shared = rate_range(low, high, target, tolerance, polarity)
    ratings = {rate(low + f * (high - low), target, tolerance, polarity) for f in fractions}
    ratings |= {rate(low, target, tolerance, polarity), rate(high, target, tolerance, polarity)}
    if shared is not None:
        assert ratings == {shared}
    elif polarity is not BAND:
        # for a monotone rating only disagreeing ends make a range unratable
        assert rate(low, target, tolerance, polarity) != rate(high, target, tolerance, polarity)


def test_a_bound_is_rated_only_when_it_decides_the_rating():
    # P09 in Q4: "<1%" against "3% (5%)", lower is better: every value below 1% is green.
    assert rate_range(0, 1, 3, 5, LOWER) is Rag.GREEN
    # "<4%" could be green (2%) or amber (3.5%).
    assert rate_range(0, 4, 3, 5, LOWER) is None
    # ">95%" against "90% (75%)": green whatever it is.
    assert rate_range(95, 100, 90, 75, HIGHER) is Rag.GREEN
    assert rate_range(12, 18, Band(low=10, high=20), None, BAND) is Rag.GREEN
    assert rate_range(21, 30, Band(low=10, high=20), Band(low=5, high=25), BAND) is None
    assert rate_range(26, 30, Band(low=10, high=20), Band(low=5, high=25), BAND) is Rag.RED
    assert rate_range(21, 24, Band(low=10, high=20), Band(low=5, high=25), BAND) is Rag.AMBER
