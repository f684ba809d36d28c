"""Red, amber, green: how a value compares with its target and tolerance.

The rule is the one the seed report states under its appendix ("Figure in brackets is the
tolerance figure"), and design.md "Periods, ratings, comparators":

* green  - at or better than the target;
* amber  - worse than the target but not beyond the tolerance (the tolerance itself is amber);
* red    - beyond the tolerance; with no tolerance, anything worse than the target is red;
* ``within_band`` items are green inside the target band [low, high], amber inside the
  (wider) tolerance band, red outside it;
* ``information`` items are never rated.

These functions compare exactly the numbers given. The value they are given is the published
one, rounded to the item's precision (``precision.published``), by ``assess.rate_item``, the
one function every output calls.
"""

from __future__ import annotations

import math

from csc_scorecard.model.units import Polarity
from csc_scorecard.rating.vocabulary import Band, Rag

Threshold = float | Band


def check_thresholds(
    target: Threshold | None, tolerance: Threshold | None, polarity: Polarity
) -> None:
    """Raise ``ValueError`` unless target and tolerance make sense for the polarity.

    >>> check_thresholds(90, 75, Polarity.HIGHER_BETTER)
    >>> check_thresholds(9, 5, Polarity.LOWER_BETTER)
    Traceback (most recent call last):
    ...
    ValueError: lower_better tolerance 5 must not be below the target 9
    """
    if polarity is Polarity.INFORMATION:
        if target is not None or tolerance is not None:
            raise ValueError("information items have no target or tolerance")
        return
    if polarity is Polarity.WITHIN_BAND:
        if not isinstance(target, Band):
            raise ValueError("within_band needs a target band {low, high}")
        if tolerance is not None and not (isinstance(tolerance, Band) and tolerance.covers(target)):
            raise ValueError(
                "within_band tolerance must be a band {low, high} containing the target"
            )
        return
    if target is None or isinstance(target, Band):
        raise ValueError(f"{polarity} needs a single number as target")
    if isinstance(tolerance, Band):
        # ValueError, not TypeError: pydantic turns ValueError into a validation message.
        raise ValueError(f"{polarity} needs a single number as tolerance")  # noqa: TRY004
    if tolerance is None:
        return
    if polarity is Polarity.HIGHER_BETTER and tolerance > target:
        raise ValueError(
            f"higher_better tolerance {tolerance:g} must not be above the target {target:g}"
        )
    if polarity is Polarity.LOWER_BETTER and tolerance < target:
        raise ValueError(
            f"lower_better tolerance {tolerance:g} must not be below the target {target:g}"
        )


def rate(
    value: float,
    target: Threshold | None,
    tolerance: Threshold | None,
    polarity: Polarity,
    *,
    strict: bool = False,
) -> Rag | None:
    """Rate one value; ``None`` for information items.

    ``strict``: the target is "more than" / "less than" ("< 85", "less than 22%"), so a value
    equal to it does not meet it (amber or red); the tolerance itself stays amber.

    >>> rate(22, 22, 28, Polarity.LOWER_BETTER, strict=True).value
    'amber'
    >>> rate(85, 85, None, Polarity.HIGHER_BETTER, strict=True).value
    'red'

    The seed's "90% (75%)" (assessments within 45 days):

    >>> [rate(v, 90, 75, Polarity.HIGHER_BETTER).value for v in (97, 90, 85, 75, 74.9)]
    ['green', 'green', 'amber', 'amber', 'red']

    Lower is better, "22% (28%)" (re-referrals); no tolerance means green or red:

    >>> [rate(v, 22, 28, Polarity.LOWER_BETTER).value for v in (19.4, 22, 28, 28.1)]
    ['green', 'green', 'amber', 'red']
    >>> rate(62.7, 90, None, Polarity.HIGHER_BETTER).value
    'red'
    >>> rate(15, Band(low=10, high=20), Band(low=5, high=25), Polarity.WITHIN_BAND).value
    'green'
    >>> rate(42, None, None, Polarity.INFORMATION) is None
    True
    """
    if math.isnan(value):
        raise ValueError("cannot rate NaN")
    check_thresholds(target, tolerance, polarity)
    if polarity is Polarity.INFORMATION:
        return None
    if polarity is Polarity.WITHIN_BAND:
        assert isinstance(target, Band) and not isinstance(tolerance, float)
        if target.contains(value):
            return Rag.GREEN
        if tolerance is not None and tolerance.contains(value):
            return Rag.AMBER
        return Rag.RED
    assert isinstance(target, float | int) and not isinstance(tolerance, Band)
    higher = polarity is Polarity.HIGHER_BETTER

    def at_least_as_good(limit: float) -> bool:
        return value >= limit if higher else value <= limit

    def meets(limit: float) -> bool:
        if strict:
            return value > limit if higher else value < limit
        return at_least_as_good(limit)

    if meets(target):
        return Rag.GREEN
    if tolerance is not None and at_least_as_good(tolerance):
        return Rag.AMBER
    return Rag.RED


def rate_range(
    low: float,
    high: float,
    target: Threshold | None,
    tolerance: Threshold | None,
    polarity: Polarity,
    *,
    strict: bool = False,
) -> Rag | None:
    """Rate a value known only to lie in [low, high], such as a printed "<1%".

    Returns the rating every value in the range shares, or ``None`` when values in the range
    would be rated differently (the caller reports the item as not available). For an open
    range such as "<1%" the closed range is checked, so a rating given is always right; at an
    exact boundary the answer may be ``None`` where a finer argument could rate it.

    >>> rate_range(0, 1, 3, 5, Polarity.LOWER_BETTER).value  # "<1%" against "3% (5%)"
    'green'
    >>> rate_range(0, 4, 3, 5, Polarity.LOWER_BETTER) is None  # "<4%" could be green or amber
    True
    >>> rate_range(0, 50, 90, 75, Polarity.HIGHER_BETTER).value  # "<50%" against "90% (75%)"
    'red'
    """
    if low > high:
        raise ValueError(f"range low {low:g} is above high {high:g}")
    check_thresholds(target, tolerance, polarity)
    if polarity is Polarity.INFORMATION:
        return None
    if polarity is Polarity.WITHIN_BAND:
        assert isinstance(target, Band) and not isinstance(tolerance, float)
        return _rate_band_range(Band(low=low, high=high), target, tolerance)
    # Ratings are monotone in the value, so the two ends bound every value between them.
    at_low, at_high = (rate(v, target, tolerance, polarity, strict=strict) for v in (low, high))
    return at_low if at_low == at_high else None


def _rate_band_range(values: Band, target: Band, tolerance: Band | None) -> Rag | None:
    def overlaps(band: Band) -> bool:
        return band.low <= values.high and values.low <= band.high

    if target.covers(values):
        return Rag.GREEN
    if not overlaps(target) and tolerance is not None and tolerance.covers(values):
        return Rag.AMBER
    if not overlaps(tolerance or target):
        return Rag.RED
    return None
