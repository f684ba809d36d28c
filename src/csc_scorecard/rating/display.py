"""Rating values and targets written the way the seed report prints them: "90% (75%)", "426 (460)",
"124 per 100,000" (numbers to at most two places, ``csc_scorecard.numbers.number``)."""

from __future__ import annotations

from csc_scorecard.model.units import Unit
from csc_scorecard.numbers import number
from csc_scorecard.rating.vocabulary import Band

_SUFFIX = {
    Unit.PERCENT: "%",
    Unit.RATE_PER_10000: " per 10,000",
    Unit.RATE_PER_100000: " per 100,000",
}


def format_value(value: float | Band | None, unit: Unit) -> str:
    """A value or band in its unit; blank when there is none.

    >>> format_value(90, Unit.PERCENT), format_value(124, Unit.RATE_PER_100000)
    ('90%', '124 per 100,000')
    >>> format_value(Band(low=10, high=20), Unit.PERCENT), format_value(426, Unit.DAYS)
    ('10-20%', '426')
    """
    if value is None:
        return ""
    prefix = "£" if unit is Unit.GBP else ""
    suffix = _SUFFIX.get(unit, "")
    if isinstance(value, Band):
        return f"{prefix}{number(value.low, 2)}-{number(value.high, 2)}{suffix}"
    return f"{prefix}{number(value, 2)}{suffix}"


def format_target(target: float | Band | None, tolerance: float | Band | None, unit: Unit) -> str:
    """Target with the tolerance in brackets, as in the seed's "Target" column.

    >>> format_target(90, 75, Unit.PERCENT), format_target(426, 460, Unit.DAYS)
    ('90% (75%)', '426 (460)')
    >>> format_target(60, None, Unit.PERCENT)
    '60%'
    """
    text = format_value(target, unit)
    if tolerance is not None:
        text += f" ({format_value(tolerance, unit)})"
    return text
