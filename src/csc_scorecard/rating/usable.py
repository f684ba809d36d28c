"""Whether a reading gives a figure to rate or compare, and the figure it gives.

Every way a reading can fail to give one (no value, marked not reportable or not available, not
a number, a number in another unit) is a status with a reason, never an exception. The figure
is the published one: rounded to the item's precision (``numbers.published``).
"""

from __future__ import annotations

from csc_scorecard.model.periods import Period
from csc_scorecard.numbers import published as published_value
from csc_scorecard.rating.framework import Item
from csc_scorecard.rating.values import Reading
from csc_scorecard.rating.vocabulary import Status


def unusable(
    item: Item, reading: Reading | None, quarter: str | Period, *, unit_check: bool = True
) -> tuple[Status, str] | None:
    """Why a reading gives no figure to rate or compare, or None when it does."""
    if reading is None:
        return Status.NOT_AVAILABLE, f"no value for {quarter}"
    if reading.status is Status.NOT_REPORTABLE:
        return Status.NOT_REPORTABLE, reading.commentary or "data quality not assured"
    if reading.status is Status.NOT_AVAILABLE:
        return Status.NOT_AVAILABLE, reading.commentary or "marked not available"
    if reading.problem:
        blank = reading.problem == "no value"
        return Status.NOT_AVAILABLE, f"no value for {quarter}" if blank else reading.problem
    if unit_check and reading.unit_hint is not None and reading.unit_hint is not item.unit:
        return (
            Status.NOT_AVAILABLE,
            f"{reading.raw!r} is in {reading.unit_hint} but {item.id} is measured in {item.unit}",
        )
    return None


def value_of(item: Item, reading: Reading | None) -> float | None:
    """The published value of a reading: rounded to the item's precision (the one rule)."""
    if reading is None or reading.value is None:
        return None
    return published_value(reading.value, item.unit, item.decimals)


def value_range(item: Item, reading: Reading) -> tuple[float, float]:
    """The values a usable reading allows: one exact value, or up to / from its bound."""
    if (value := value_of(item, reading)) is not None:
        return value, value
    assert reading.bound is not None
    low, high = item.unit.bounds
    return (low, reading.bound) if reading.qualifier == "<" else (reading.bound, high)
