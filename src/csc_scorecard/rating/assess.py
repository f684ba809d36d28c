"""Rate a whole framework for one quarter: each item's status, RAG, direction and summaries.

This is where a framework item meets its reading. Every way an item can lack a rating ends
in a status with a reason, never an exception: no value, a value that is not a number in the
item's unit, a bound that straddles a threshold, a value marked not reportable.
"""

from __future__ import annotations

from collections.abc import Iterable

from csc_scorecard.measures.periods import Quarter
from csc_scorecard.rating.direction import direction, is_small_number
from csc_scorecard.rating.display import format_target, format_value
from csc_scorecard.rating.framework import Framework, Item
from csc_scorecard.rating.precision import published
from csc_scorecard.rating.rag import rate, rate_range
from csc_scorecard.rating.results import (
    Comparison,
    FrameworkResult,
    GroupResult,
    ItemResult,
    Rating,
)
from csc_scorecard.rating.summary import summarise
from csc_scorecard.rating.values import Reading, ValuesFileError
from csc_scorecard.rating.vocabulary import Band, Polarity, Rag, Status, Unit

Index = dict[tuple[str, str], Reading]


def rate_framework(
    framework: Framework,
    readings: Iterable[Reading],
    period: str | Quarter,
    *,
    small_number_threshold: float | None = None,
) -> FrameworkResult:
    """Rate every item of ``framework`` for ``period`` from ``readings``.

    A reading names its item either by the item id (``C01``) or by the item's catalogue
    measure id. ``small_number_threshold`` overrides the framework's own.
    """
    quarter = Quarter.parse(str(period))
    threshold = framework.small_number_threshold
    if small_number_threshold is not None:
        if not small_number_threshold > 0:
            raise ValueError("small_number_threshold must be above 0")
        threshold = small_number_threshold
    index: Index = {}
    for reading in readings:
        key = (reading.measure, reading.period)
        if key in index:
            raise ValuesFileError(f"two values for {reading.measure} in {reading.period}")
        index[key] = reading
    groups = []
    for group in framework.groups:
        items = [_rate_item(item, index, quarter, threshold) for item in group.items]
        groups.append(
            GroupResult(
                id=group.id,
                title=group.title,
                items=items,
                summary=summarise(i.status for i in items),
            )
        )
    keys = {k for item in framework.all_items() for k in (item.id, item.measure) if k}
    return FrameworkResult(
        framework=framework.name,
        authority=framework.authority,
        la_code=framework.la_code,
        period=str(quarter),
        period_label=quarter.label,
        previous_period=str(quarter.previous()),
        year_earlier_period=str(quarter.same_quarter_last_year()),
        small_number_threshold=threshold,
        summary=summarise(i.status for g in groups for i in g.items),
        groups=groups,
        unmatched_measures=sorted({measure for measure, _ in index} - keys),
    )


def _find(item: Item, index: Index, quarter: Quarter) -> Reading | None:
    found = [r for key in (item.id, item.measure) if key and (r := index.get((key, str(quarter))))]
    if len(found) == 2:
        rows = " and ".join(f"{r.measure} (row {r.row})" for r in found)
        raise ValuesFileError(f"{item.id} has two values for {quarter}: {rows}")
    return found[0] if found else None


def rate_item(item: Item, reading: Reading | None, period: str | Quarter) -> Rating:
    """THE rating of one framework item's value for one period; every output calls this.

    The value is rated as published: rounded half up to the item's precision
    (``precision.published``: the item's ``decimals``, else its unit's default), so 12.0069%
    against "8% (12%)" (lower is better) is rated as the printed 12.0%, amber, and 89.96%
    against "90% (75%)" as the printed 90%, green. ``reading`` is ``None`` when there is no
    value; a reading that gives no usable figure has a status and a reason, never an error.
    """
    period = str(period)
    status, rag, reason = _status(item, reading, period)
    value = _value(item, reading)
    if reading is None:
        return Rating(status=status, rag=rag, reason=reason, value=None, display="")
    # A usable exact value is shown in its unit; a bound or unreadable text as written.
    readable = reading.problem is None and reading.qualifier is None
    return Rating(
        status=status,
        rag=rag,
        reason=reason,
        value=value,
        display=format_value(value, item.unit) if readable else reading.raw,
        warning=_fraction_warning(item, reading),
    )


def _fraction_warning(item: Item, reading: Reading) -> str | None:
    """A bare 0.9 for a percentage item is probably the fraction 90%: read as 0.9%, but said."""
    value = reading.value
    if item.unit is not Unit.PERCENT or reading.unit_hint is not None or value is None:
        return None
    if not (0 < value < 1 or (value == 1 and "." in reading.raw)):
        return None
    return (
        f"{item.id} {reading.period}: {reading.raw!r} is read as "
        f"{format_value(value, item.unit)}; if it is a fraction, write "
        f"{format_value(value * 100, item.unit)}"
    )


def _value(item: Item, reading: Reading | None) -> float | None:
    """The published value of a reading: rounded to the item's precision (the one rule)."""
    if reading is None or reading.value is None:
        return None
    return published(reading.value, item.unit, item.decimals)


def _rate_item(item: Item, index: Index, quarter: Quarter, threshold: float) -> ItemResult:
    reading = _find(item, index, quarter)
    rating = rate_item(item, reading, quarter)
    from_reading: dict[str, object] = {"raw": "", "display": ""}
    if reading is not None:
        from_reading = {
            "raw": reading.raw,
            "display": rating.display,
            "qualifier": reading.qualifier,
            "bound": reading.bound,
            "numerator": reading.numerator,
            "denominator": reading.denominator,
            "commentary": reading.commentary,
            "warning": rating.warning,
            "small_number_warning": is_small_number(
                reading.numerator, reading.denominator, threshold=threshold
            ),
        }
    previous, year_earlier = quarter.previous(), quarter.same_quarter_last_year()
    return ItemResult(
        id=item.id,
        title=item.title,
        measure=item.measure,
        unit=item.unit,
        polarity=item.polarity,
        target=item.target,
        tolerance=item.tolerance,
        target_display=format_target(item.target, item.tolerance, item.unit),
        comparator=item.comparator,
        comparator_label=item.comparator_label,
        period=str(quarter),
        status=rating.status,
        rag=rating.rag,
        reason=rating.reason,
        value=rating.value,
        vs_previous=_compare(item, reading, _find(item, index, previous), previous, threshold),
        vs_year_earlier=_compare(
            item, reading, _find(item, index, year_earlier), year_earlier, threshold
        ),
        **from_reading,
    )


def _unusable(
    item: Item, reading: Reading | None, quarter: str | Quarter
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
    if reading.unit_hint is not None and reading.unit_hint is not item.unit:
        return (
            Status.NOT_AVAILABLE,
            f"{reading.raw!r} is in {reading.unit_hint} but {item.id} is measured in {item.unit}",
        )
    return None


def _status(
    item: Item, reading: Reading | None, quarter: str
) -> tuple[Status, Rag | None, str | None]:
    if unusable := _unusable(item, reading, quarter):
        return unusable[0], None, unusable[1]
    assert reading is not None
    if item.polarity is Polarity.INFORMATION:
        return Status.INFORMATION, None, None
    low, high = _range(item, reading)
    if low == high:
        rag = rate(low, item.target, item.tolerance, item.polarity)
    else:
        rag = rate_range(low, high, item.target, item.tolerance, item.polarity)
        if rag is None:
            target = format_target(item.target, item.tolerance, item.unit)
            why = f"{reading.raw!r} is a bound; values it allows rate differently against {target}"
            return Status.NOT_AVAILABLE, None, why
    assert rag is not None
    return Status.of(rag), rag, None


def _range(item: Item, reading: Reading) -> tuple[float, float]:
    """The values a usable reading allows: one exact value, or up to / from its bound."""
    if (value := _value(item, reading)) is not None:
        return value, value
    assert reading.bound is not None
    low, high = item.unit.bounds
    return (low, reading.bound) if reading.qualifier == "<" else (reading.bound, high)


def _compare(
    item: Item, current: Reading | None, earlier: Reading | None, quarter: Quarter, threshold: float
) -> Comparison:
    base = {
        "period": str(quarter),
        "raw": earlier.raw if earlier else None,
        "value": _value(item, earlier),
    }
    if _unusable(item, current, quarter) is not None:
        return Comparison(**base, reason="no current figure to compare")
    if unusable := _unusable(item, earlier, quarter):
        status, why = unusable
        if status is Status.NOT_REPORTABLE:
            why = f"{quarter} figure not reportable"
        elif str(quarter) not in why:
            why = f"{quarter}: {why}"
        return Comparison(**base, reason=why)
    assert current is not None and earlier is not None
    small = is_small_number(
        current.numerator,
        current.denominator,
        earlier.numerator,
        earlier.denominator,
        threshold=threshold,
    )
    (now_low, now_high), (then_low, then_high) = _range(item, current), _range(item, earlier)
    band = item.target if isinstance(item.target, Band) else None
    if now_low == now_high and then_low == then_high:
        moved = direction(now_low, then_low, item.polarity, band=band)
        # Rounded to drop binary noise (19.4 - 16 = 3.3999999999999986).
        return Comparison(
            **base,
            change=round(now_low - then_low, 9),
            small_number_warning=small,
            direction=moved,
            reason=None if moved else "information item",
        )
    # A bound ("<1%") moves only when the two ranges do not overlap.
    if item.polarity is not Polarity.WITHIN_BAND and (now_low > then_high or now_high < then_low):
        ends = (now_low, then_high) if now_low > then_high else (now_high, then_low)
        return Comparison(
            **base, small_number_warning=small, direction=direction(*ends, item.polarity, band=band)
        )
    return Comparison(
        **base,
        small_number_warning=small,
        reason=f"{current.raw!r} and {earlier.raw!r} cannot be ordered",
    )
