"""Direction of travel: is an item better or worse than in an earlier period?

Compared with the previous quarter and with the same quarter a year earlier (design.md,
"Periods, ratings, comparators"). "Better" follows the item's polarity, so a fall in
re-referrals is improving and a fall in assessments on time is worsening.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

from csc_scorecard.model.units import Polarity, Unit
from csc_scorecard.numbers import number
from csc_scorecard.rating.vocabulary import Band, Direction

# A percentage built on fewer than 10 children moves by more than 10 points for each child,
# more than the whole target-to-tolerance gap of most items (the seed's "90% (75%)" is 15
# points, "3% (5%)" is 2). The seed makes the same point in words: "Only one child was adopted
# during Q1 ... reporting against this measure is not helpful". Override per framework
# (``small_number_threshold``) or per run (``scorecard rate --small-number-threshold``).
DEFAULT_SMALL_NUMBER_THRESHOLD = 10

# The materiality rule (docs/rating.md, "Direction of travel"): a change no bigger than this, in
# the item's unit, is "similar" - 86.9% -> 86.7% is not a deterioration. Units not named here
# count any change of the printed figure. Override per framework (``direction_of_travel``) or
# per item (``similar_within``).
DEFAULT_SIMILAR_WITHIN: dict[Unit, float] = {Unit.PERCENT: 1.0}
# ... and a change of a percentage within what chance alone moves it, at this confidence, given
# the two periods' denominators (a two-proportion test), is "similar" too. None: no chance test.
DEFAULT_CHANCE_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Materiality:
    """How big a change must be to be called better or worse: the allowance and why."""

    within: float  # a change no bigger than this (item's unit) is similar
    reason: str  # "less than 1 percentage point", "within what chance moves ... (95%)"
    basis: Literal["fixed", "chance"] = "fixed"  # which part of the rule set the allowance


def materiality(
    unit: Unit,
    *,
    now: tuple[float | None, float | None] = (None, None),
    then: tuple[float | None, float | None] = (None, None),
    similar_within: Mapping[Unit, float] | float | None = None,
    chance: float | None = DEFAULT_CHANCE_CONFIDENCE,
) -> Materiality:
    """THE materiality rule: the largest change between two periods still called "similar".

    ``now`` and ``then`` are (numerator, denominator) of the two periods. The allowance is the
    larger of the unit's fixed allowance (``similar_within``: a number for this item, or by unit;
    default 1 percentage point for percentages) and, for a percentage with both denominators
    known, the change chance alone produces at ``chance`` confidence: ``z * sqrt(p(1-p)(1/d1 +
    1/d2))`` with ``p`` the two periods' pooled proportion (a two-proportion test).

    >>> materiality(Unit.PERCENT).within, materiality(Unit.PERCENT).reason
    (1.0, 'a change of less than 1 percentage point')
    >>> m = materiality(Unit.PERCENT, now=(8, 42), then=(9, 47))  # re-referrals 19.0% -> 19.1%
    >>> round(m.within, 1), m.reason
    (16.4, 'within what chance alone moves a percentage of 42 and 47 (95% confidence)')
    >>> materiality(Unit.DAYS).within
    0.0
    """
    if isinstance(similar_within, int | float):
        fixed = float(similar_within)
    else:
        fixed = (DEFAULT_SIMILAR_WITHIN if similar_within is None else similar_within).get(
            unit, 0.0
        )
    if fixed < 0:
        raise ValueError("similar_within must not be negative")
    found = Materiality(fixed, _fixed_words(fixed, unit))
    (n1, d1), (n2, d2) = now, then
    if unit is not Unit.PERCENT or chance is None or None in (n1, d1, n2, d2):
        return found
    assert n1 is not None and d1 is not None and n2 is not None and d2 is not None
    if d1 <= 0 or d2 <= 0 or not 0 < chance < 1:
        return found
    p = (n1 + n2) / (d1 + d2)
    z = NormalDist().inv_cdf(0.5 + chance / 2)
    by_chance = 100 * z * math.sqrt(max(p * (1 - p), 0.0) * (1 / d1 + 1 / d2))
    if by_chance <= fixed:
        return found
    return Materiality(
        by_chance,
        f"within what chance alone moves a percentage of {number(d1, 2)} and "
        f"{number(d2, 2)} ({number(100 * chance, 2)}% confidence)",
        "chance",
    )


def _fixed_words(allowance: float, unit: Unit) -> str:
    if allowance == 0:
        return "no change"
    what = {
        Unit.PERCENT: ("percentage point", "percentage points"),
        Unit.DAYS: ("day", "days"),
        Unit.WEEKS: ("week", "weeks"),
    }.get(unit)
    words = (what[0] if allowance == 1 else what[1]) if what else "in the figure"
    return f"a change of less than {number(allowance, 2)} {words}"


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
