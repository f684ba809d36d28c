"""An item's figure compared with an earlier one: the change and its direction of travel."""

from __future__ import annotations

from csc_scorecard.model.periods import Period
from csc_scorecard.model.units import Polarity
from csc_scorecard.rating.direction import direction, is_small_number, materiality
from csc_scorecard.rating.framework import DirectionRule, Item
from csc_scorecard.rating.results import Comparison
from csc_scorecard.rating.usable import unusable, value_of, value_range
from csc_scorecard.rating.values import Reading
from csc_scorecard.rating.vocabulary import Band, Direction, Status


def compare(
    item: Item,
    current: Reading | None,
    earlier: Reading | None,
    quarter: Period,
    threshold: float,
    band: Band | None,
    rule: DirectionRule | None = None,
) -> Comparison:
    base = {
        "period": str(quarter),
        "raw": earlier.raw if earlier else None,
        "value": value_of(item, earlier),
    }
    if unusable(item, current, quarter) is not None:
        return Comparison(**base, reason="no current figure to compare")
    if no_figure := unusable(item, earlier, quarter):
        status, why = no_figure
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
    (now_low, now_high), (then_low, then_high) = (
        value_range(item, current),
        value_range(item, earlier),
    )
    if now_low == now_high and then_low == then_high:
        rule = rule or DirectionRule()
        similar = materiality(
            item.unit,
            now=(current.numerator, current.denominator),
            then=(earlier.numerator, earlier.denominator),
            similar_within=rule.allowance(item),
            chance=rule.chance,
        )
        moved = direction(
            now_low, then_low, item.polarity, band=band, unchanged_within=similar.within
        )
        # Rounded to drop binary noise (19.4 - 16 = 3.3999999999999986).
        change = round(now_low - then_low, 9)
        return Comparison(
            **base,
            change=change,
            small_number_warning=small,
            direction=moved,
            reason=None if moved else "information item",
            similar_within=round(similar.within, 9) if moved else None,
            similar_reason=similar.reason if moved is Direction.UNCHANGED and change else None,
            similar_basis=similar.basis if moved else None,
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
