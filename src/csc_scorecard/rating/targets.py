"""An item's target for one period, and the comparator values it may be set from.

A fixed target is the framework's own; a target relative to a comparator (England, the
region, statistical neighbours, the authority's own year earlier) or incremental on an earlier
figure is worked out for the period, rounded to the item's precision as it is printed, with
``target_words`` saying how it was set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from csc_scorecard.model.units import Polarity, Unit
from csc_scorecard.numbers import number
from csc_scorecard.numbers import published as published_value
from csc_scorecard.rating.display import format_target, format_value
from csc_scorecard.rating.framework import (
    OWN_YEAR_EARLIER,
    IncrementalTarget,
    Item,
    RelativeTarget,
)
from csc_scorecard.rating.results import ComparatorValue
from csc_scorecard.rating.usable import unusable, value_of
from csc_scorecard.rating.values import Reading
from csc_scorecard.rating.vocabulary import Band


@dataclass(frozen=True)
class Goal:
    """An item's target for one period, resolved to numbers (or why it cannot be)."""

    target: float | Band | None
    tolerance: float | Band | None
    display: str
    rule: str | None = None  # how a relative or incremental target was set
    problem: str | None = None


def resolve_comparators(
    item: Item, published: Mapping[str, float | str | None], year_earlier: Reading | None
) -> list[ComparatorValue]:
    out = []
    for spec in item.comparators:
        value, year = spec.value, spec.year
        if value is None and spec.id == OWN_YEAR_EARLIER:
            if year_earlier is not None and unusable(item, year_earlier, "") is None:
                value = value_of(item, year_earlier)
        elif value is None:
            found = published.get(spec.id)
            value = found if isinstance(found, float | int) else None
            # A figure filled from the published data is labelled with the year it is for
            # (a framework may write "latest published").
            if value is not None and isinstance(published.get("year_label"), str):
                year = str(published["year_label"])
        if value is not None:  # shown, and used by a relative target, as printed
            value = published_value(value, item.unit, item.decimals)
        out.append(
            ComparatorValue(
                id=spec.id,
                label=spec.label,
                year=year,
                basis=spec.basis,
                value=value,
                display=format_value(value, item.unit),
            )
        )
    return out


def resolve_goal(
    item: Item, comparators: list[ComparatorValue], earlier: Mapping[str, Reading | None]
) -> Goal:
    target = item.target
    if isinstance(target, RelativeTarget):
        found = next(c for c in comparators if c.id == target.relative_to)
        named = f"{found.label} {found.year}"
        if found.value is None:
            why = f"no {found.label} value ({found.year}) to set the target from"
            rule = target_words(item, target, named)
            return Goal(None, None, f"relative to {found.label}", rule=rule, problem=why)
        base = published_value(found.value, item.unit, item.decimals)
        rule = target_words(item, target, f"{named} ({format_value(base, item.unit)})")
        if target.within is not None:
            band = Band(low=base - target.within, high=base + target.within)
            wide = target.tolerance
            tolerance = (
                Band(low=band.low - wide, high=band.high + wide) if wide is not None else None
            )
            return Goal(band, tolerance, format_target(band, tolerance, item.unit), rule)
        return _moving(item, base + target.by, target.tolerance, rule)
    if isinstance(target, IncrementalTarget):
        then = earlier.get(target.increase_on)
        name = target_base(target)
        if then is None or unusable(item, then, "") is not None or then.value is None:
            why = f"no figure for {name} to add {number(target.by, 2)} to"
            rule = target_words(item, target, name)
            return Goal(None, None, f"{_signed(target.by)} on {name}", rule=rule, problem=why)
        base = value_of(item, then)
        assert base is not None
        rule = target_words(item, target, f"{name} ({format_value(base, item.unit)})")
        return _moving(item, base + target.by, target.tolerance, rule)
    return Goal(
        target, item.tolerance, _strict(item, format_target(target, item.tolerance, item.unit))
    )


def target_base(target: IncrementalTarget) -> str:
    """What an incremental target adds to, in words: "a year earlier", "the period before"."""
    return "a year earlier" if target.increase_on == "year_earlier" else "the period before"


def target_words(item: Item, target: RelativeTarget | IncrementalTarget, base: str) -> str:
    """A relative or incremental target in words, as the appendix and the charts print it
    beside the figures it resolves to: ``base`` names what it is set from (with its value).

    "at or above Statistical neighbours 2021/22 (21.2%)", "within 2 percentage points of
    England 2021/22 (32.3%)", "2 percentage points below England 2021/22 (21.5%)", "an
    additional 800 on a year earlier (5,000)", "100 fewer than the period before (900)".
    """
    if isinstance(target, IncrementalTarget):
        if target.by >= 0:
            return f"an additional {_amount(target.by, item.unit)} on {base}"
        fewer = "fewer" if item.unit is Unit.COUNT else "less"
        return f"{_amount(-target.by, item.unit)} {fewer} than {base}"
    if target.within is not None:
        return f"within {_amount(target.within, item.unit)} of {base}"
    if target.by:
        side = "above" if target.by > 0 else "below"
        return f"{_amount(abs(target.by), item.unit)} {side} {base}"
    higher = item.polarity is Polarity.HIGHER_BETTER
    if item.strict:
        return f"{'above' if higher else 'below'} {base}"
    return f"at or {'above' if higher else 'below'} {base}"


def _amount(size: float, unit: Unit) -> str:
    """A difference in the item's unit: "2 percentage points", "5 per 10,000", "10 days"."""
    if unit is Unit.PERCENT:
        return f"{number(size, 2)} percentage point{'s' if size != 1 else ''}"
    if unit in (Unit.DAYS, Unit.WEEKS):
        return f"{number(size, 2)} {unit.value if size != 1 else unit.value[:-1]}"
    return format_value(size, unit)


def _moving(item: Item, target: float, slack: float | None, rule: str) -> Goal:
    """A target worked out for the period; the tolerance is ``slack`` worse than it."""
    target = published_value(target, item.unit, item.decimals)
    tolerance = None
    if slack is not None:
        worse = -slack if item.polarity is Polarity.HIGHER_BETTER else slack
        tolerance = published_value(target + worse, item.unit, item.decimals)
    display = _strict(item, format_target(target, tolerance, item.unit))
    return Goal(target, tolerance, display, rule)


def _strict(item: Item, display: str) -> str:
    """ "> 85%" / "< 22%" for a strict target: equal does not meet it."""
    if not item.strict or not display:
        return display
    return ("> " if item.polarity is Polarity.HIGHER_BETTER else "< ") + display


def _signed(by: float) -> str:
    return f"{'+' if by >= 0 else '-'}{number(abs(by), 2)}"
