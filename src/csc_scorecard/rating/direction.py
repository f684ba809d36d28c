"""Direction of travel: is an item better or worse than in an earlier period?

Compared with the previous quarter and with the same quarter a year earlier (design.md,
"Periods, ratings, comparators"). "Better" follows the item's polarity, so a fall in
re-referrals is improving and a fall in assessments on time is worsening.
"""

from __future__ import annotations

import math

from csc_scorecard.rating.vocabulary import Band, Direction, Polarity

# A percentage built on fewer than 10 children moves by more than 10 points for each child,
# more than the whole target-to-tolerance gap of most items (the seed's "90% (75%)" is 15
# points, "3% (5%)" is 2). The seed makes the same point in words: "Only one child was adopted
# during Q1 ... reporting against this measure is not helpful". Override per framework
# (``small_number_threshold``) or per run (``scorecard rate --small-number-threshold``).
DEFAULT_SMALL_NUMBER_THRESHOLD = 10


def direction(
    current: float,
    previous: float,
    polarity: Polarity,
    *,
    band: Band | None = None,
    unchanged_within: float = 0.0,
) -> Direction | None:
    """Direction from ``previous`` to ``current``; ``None`` for information items.

    A change no bigger than ``unchanged_within`` (same unit as the values) is unchanged.
    ``within_band`` items need the target ``band`` and improve as they get closer to it.

    >>> direction(90, 85, Polarity.HIGHER_BETTER).value
    'improving'
    >>> direction(19.4, 16, Polarity.LOWER_BETTER).value  # re-referrals rose
    'worsening'
    >>> direction(96, 96, Polarity.HIGHER_BETTER).value
    'unchanged'
    >>> direction(19, 28, Polarity.WITHIN_BAND, band=Band(low=10, high=20)).value
    'improving'
    >>> direction(5, 4, Polarity.INFORMATION) is None
    True
    """
    if math.isnan(current) or math.isnan(previous):
        raise ValueError("cannot compare NaN")
    if unchanged_within < 0:
        raise ValueError("unchanged_within must not be negative")
    if polarity is Polarity.INFORMATION:
        return None
    if polarity is Polarity.WITHIN_BAND:
        if band is None:
            raise ValueError("within_band direction needs the target band")
        # Distance to the band: smaller is better, as for a lower_better item.
        current, previous = band.distance(current), band.distance(previous)
        polarity = Polarity.LOWER_BETTER
    change = current - previous
    if abs(change) <= unchanged_within:
        return Direction.UNCHANGED
    rose = change > 0
    return (
        Direction.IMPROVING
        if rose == (polarity is Polarity.HIGHER_BETTER)
        else (Direction.WORSENING)
    )


def is_small_number(
    *counts: float | None, threshold: float = DEFAULT_SMALL_NUMBER_THRESHOLD
) -> bool:
    """True when any known count (numerator, denominator) is below the threshold.

    >>> is_small_number(1, 12)  # one adoption out of twelve children leaving care
    True
    >>> is_small_number(53, 92), is_small_number(None, None)
    (False, False)
    """
    return any(count is not None and count < threshold for count in counts)
