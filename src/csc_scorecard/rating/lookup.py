"""Finding an item's reading for a period: by its id or its measure, or derived from operands.

A reading names its item either by the item id (``C01``) or by the item's catalogue measure
id; a derived item's operands are readings named by their ids, indexed under
``("operand:<id>", period)``.
"""

from __future__ import annotations

from collections.abc import Iterable

from csc_scorecard.model.periods import Period
from csc_scorecard.rating.framework import Framework, Item
from csc_scorecard.rating.usable import unusable
from csc_scorecard.rating.values import Reading, ValuesFileError, make_reading
from csc_scorecard.rating.vocabulary import Status

Index = dict[tuple[str, str], Reading]


def index_readings(readings: Iterable[Reading]) -> Index:
    """The readings by ``(measure, period)``; two values for one measure and period are refused."""
    index: Index = {}
    for reading in readings:
        key = (reading.measure, reading.period)
        if key in index:
            raise ValuesFileError(f"two values for {reading.measure} in {reading.period}")
        index[key] = reading
    return index


def add_operands(framework: Framework, index: Index) -> None:
    """Index each derived item's operands under ``("operand:<id>", period)``: the reading named
    by the id itself, else the reading of the item with that id or that measure (so an operand
    that is also an item's measure is not read as a second value for that item)."""
    items = list(framework.all_items())
    for operand in {k for item in items for k in item.operands}:
        names = [operand]
        names += [i.id for i in items if i.measure == operand]
        names += [i.measure for i in items if i.id == operand and i.measure]
        for period in {p for _, p in index}:
            found = next((index[(n, period)] for n in names if (n, period) in index), None)
            if found is not None:
                index[(f"operand:{operand}", period)] = found


def find_reading(item: Item, index: Index, quarter: Period) -> Reading | None:
    if item.derived is not None:
        return derive(item, index, str(quarter))
    found = [r for key in (item.id, item.measure) if key and (r := index.get((key, str(quarter))))]
    if len(found) == 2:
        rows = " and ".join(f"{r.measure} (row {r.row})" for r in found)
        raise ValuesFileError(f"{item.id} has two values for {quarter}: {rows}")
    return found[0] if found else None


def derive(item: Item, index: Index, period: str) -> Reading | None:
    """A derived item's reading for the period, from its operands' readings (by their ids)."""
    assert item.derived is not None
    values = []
    for key in item.derived.of:
        operand = index.get((f"operand:{key}", period))
        why = unusable(item, operand, period, unit_check=False)
        if why is None and operand is not None and operand.value is None:
            why = (Status.NOT_AVAILABLE, f"{operand.raw!r} is a bound, not a number")
        if why is not None:
            status, reason = why
            return Reading(
                measure=item.id,
                period=period,
                raw="",
                status=status if status is Status.NOT_REPORTABLE else None,
                problem=f"derived from {key}: {reason}",
                commentary=f"derived from {key}: {reason}"
                if status is Status.NOT_REPORTABLE
                else None,
            )
        assert operand is not None and operand.value is not None
        values.append(operand.value)
    first, second = values[0], values[-1]
    match item.derived.operation:
        case "sum":
            value = sum(values)
        case "difference":
            value = first - second
        case _ if second == 0:
            return Reading(
                measure=item.id,
                period=period,
                raw="",
                problem=f"cannot divide by {item.derived.of[1]}, which is 0",
            )
        case "ratio":
            value = first / second
        case _:  # percentage
            value = 100 * first / second
    ratio = item.derived.operation in ("ratio", "percentage")
    return make_reading(
        item.id,
        period,
        value,
        numerator=first if ratio else None,
        denominator=second if ratio else None,
    )
