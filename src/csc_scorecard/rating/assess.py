"""Rate a whole framework for one quarter: each item's status, RAG, direction and summaries.

This is where a framework item meets its reading. Every way an item can lack a rating ends
in a status with a reason, never an exception: no value, a value that is not a number in the
item's unit, a bound that straddles a threshold, a value marked not reportable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from csc_scorecard.model.periods import Period, parse_period
from csc_scorecard.model.units import Polarity, Unit
from csc_scorecard.numbers import number
from csc_scorecard.numbers import published as published_value
from csc_scorecard.rating.direction import direction, is_small_number, materiality
from csc_scorecard.rating.display import format_target, format_value
from csc_scorecard.rating.framework import (
    OWN_YEAR_EARLIER,
    DirectionRule,
    Framework,
    IncrementalTarget,
    Item,
    RelativeTarget,
)
from csc_scorecard.rating.rag import rate, rate_range
from csc_scorecard.rating.results import (
    ComparatorValue,
    Comparison,
    FrameworkResult,
    GroupResult,
    ItemResult,
    Rating,
)
from csc_scorecard.rating.summary import summarise
from csc_scorecard.rating.values import Reading, ValuesFileError, make_reading
from csc_scorecard.rating.vocabulary import Band, Direction, Rag, Status

Index = dict[tuple[str, str], Reading]


def rate_framework(
    framework: Framework,
    readings: Iterable[Reading],
    period: str | Period,
    *,
    small_number_threshold: float | None = None,
    published: Mapping[str, Mapping[str, float | str | None]] | None = None,
) -> FrameworkResult:
    """Rate every item of ``framework`` for ``period`` from ``readings``.

    A reading names its item either by the item id (``C01``) or by the item's catalogue
    measure id; a derived item's operands are readings named by their ids.
    ``small_number_threshold`` overrides the framework's own. ``published`` gives comparator
    values from published data by measure (or item) id, e.g. ``{"cla_rate_per_10000":
    {"england": 70.0, "statistical_neighbours": 82.1, "year_label": "2021/22"}}``, for
    comparators given no value (``year_label``: the year those figures are for, which then
    labels them in place of the framework's ``year``).
    """
    quarter = parse_period(str(period))
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
    _add_operands(framework, index)
    groups = []
    for group in framework.groups:
        items = [
            _rate_item(
                item,
                index,
                quarter,
                threshold,
                _published(item, published),
                framework.direction_of_travel,
            )
            for item in group.items
        ]
        groups.append(
            GroupResult(
                id=group.id,
                title=group.title,
                items=items,
                summary=summarise(i.status for i in items),
            )
        )
    keys = {
        k for item in framework.all_items() for k in (item.id, item.measure, *item.operands) if k
    }
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
        unmatched_measures=sorted(
            {measure for measure, _ in index if not measure.startswith("operand:")} - keys
        ),
    )


def _published(
    item: Item, published: Mapping[str, Mapping[str, float | str | None]] | None
) -> Mapping[str, float | str | None]:
    if not published:
        return {}
    return published.get(item.id) or published.get(item.measure or "") or {}


def _add_operands(framework: Framework, index: Index) -> None:
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


def _find(item: Item, index: Index, quarter: Period) -> Reading | None:
    if item.derived is not None:
        return _derive(item, index, str(quarter))
    found = [r for key in (item.id, item.measure) if key and (r := index.get((key, str(quarter))))]
    if len(found) == 2:
        rows = " and ".join(f"{r.measure} (row {r.row})" for r in found)
        raise ValuesFileError(f"{item.id} has two values for {quarter}: {rows}")
    return found[0] if found else None


def _derive(item: Item, index: Index, period: str) -> Reading | None:
    """A derived item's reading for the period, from its operands' readings (by their ids)."""
    assert item.derived is not None
    values = []
    for key in item.derived.of:
        operand = index.get((f"operand:{key}", period))
        why = _unusable(item, operand, period, unit_check=False)
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


def rate_item(
    item: Item,
    reading: Reading | None,
    period: str | Period,
    *,
    published: Mapping[str, float | str | None] | None = None,
    earlier: Mapping[str, Reading | None] | None = None,
) -> Rating:
    """THE rating of one framework item's value for one period; every output calls this.

    The value is rated as published: rounded half up to the item's precision
    (``precision.published``: the item's ``decimals``, else its unit's default), so 12.0069%
    against "8% (12%)" (lower is better) is rated as the printed 12.0%, amber, and 89.96%
    against "90% (75%)" as the printed 90%, green. ``reading`` is ``None`` when there is no
    value; a reading that gives no usable figure has a status and a reason, never an error.

    A target relative to a comparator takes the comparator's value from the framework, else
    from ``published`` (comparator id -> value: england, region, statistical_neighbours), else
    (``own_year_earlier``) from ``earlier["year_earlier"]``; an incremental target takes its
    base from ``earlier`` (``year_earlier`` or ``previous_period``). The target is rounded to
    the item's precision too, as it is printed.
    """
    period = str(period)
    earlier = earlier or {}
    comparators = _comparators(item, published or {}, earlier.get("year_earlier"))
    goal = _goal(item, comparators, earlier)
    status, rag, reason = _status(item, reading, period, goal)
    value = _value(item, reading)
    common = {
        "target": goal.target,
        "tolerance": goal.tolerance,
        "target_display": goal.display,
        "target_rule": goal.rule,
        "comparators": comparators,
    }
    if reading is None:
        return Rating(status=status, rag=rag, reason=reason, value=None, display="", **common)
    # A usable exact value is shown in its unit; a bound or unreadable text as written.
    readable = reading.problem is None and reading.qualifier is None
    return Rating(
        status=status,
        rag=rag,
        reason=reason,
        value=value,
        display=format_value(value, item.unit) if readable else reading.raw,
        warning=_fraction_warning(item, reading),
        **common,
    )


@dataclass(frozen=True)
class _Goal:
    """An item's target for one period, resolved to numbers (or why it cannot be)."""

    target: float | Band | None
    tolerance: float | Band | None
    display: str
    rule: str | None = None  # how a relative or incremental target was set
    problem: str | None = None


def _comparators(
    item: Item, published: Mapping[str, float | str | None], year_earlier: Reading | None
) -> list[ComparatorValue]:
    out = []
    for spec in item.comparators:
        value, year = spec.value, spec.year
        if value is None and spec.id == OWN_YEAR_EARLIER:
            if year_earlier is not None and _unusable(item, year_earlier, "") is None:
                value = _value(item, year_earlier)
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


def _goal(
    item: Item, comparators: list[ComparatorValue], earlier: Mapping[str, Reading | None]
) -> _Goal:
    target = item.target
    if isinstance(target, RelativeTarget):
        found = next(c for c in comparators if c.id == target.relative_to)
        named = f"{found.label} {found.year}"
        if found.value is None:
            why = f"no {found.label} value ({found.year}) to set the target from"
            rule = target_words(item, target, named)
            return _Goal(None, None, f"relative to {found.label}", rule=rule, problem=why)
        base = published_value(found.value, item.unit, item.decimals)
        rule = target_words(item, target, f"{named} ({format_value(base, item.unit)})")
        if target.within is not None:
            band = Band(low=base - target.within, high=base + target.within)
            wide = target.tolerance
            tolerance = (
                Band(low=band.low - wide, high=band.high + wide) if wide is not None else None
            )
            return _Goal(band, tolerance, format_target(band, tolerance, item.unit), rule)
        return _moving(item, base + target.by, target.tolerance, rule)
    if isinstance(target, IncrementalTarget):
        then = earlier.get(target.increase_on)
        name = target_base(target)
        if then is None or _unusable(item, then, "") is not None or then.value is None:
            why = f"no figure for {name} to add {number(target.by, 2)} to"
            rule = target_words(item, target, name)
            return _Goal(None, None, f"{_signed(target.by)} on {name}", rule=rule, problem=why)
        base = _value(item, then)
        assert base is not None
        rule = target_words(item, target, f"{name} ({format_value(base, item.unit)})")
        return _moving(item, base + target.by, target.tolerance, rule)
    return _Goal(
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


def _moving(item: Item, target: float, slack: float | None, rule: str) -> _Goal:
    """A target worked out for the period; the tolerance is ``slack`` worse than it."""
    target = published_value(target, item.unit, item.decimals)
    tolerance = None
    if slack is not None:
        worse = -slack if item.polarity is Polarity.HIGHER_BETTER else slack
        tolerance = published_value(target + worse, item.unit, item.decimals)
    display = _strict(item, format_target(target, tolerance, item.unit))
    return _Goal(target, tolerance, display, rule)


def _strict(item: Item, display: str) -> str:
    """ "> 85%" / "< 22%" for a strict target: equal does not meet it."""
    if not item.strict or not display:
        return display
    return ("> " if item.polarity is Polarity.HIGHER_BETTER else "< ") + display


def _signed(by: float) -> str:
    return f"{'+' if by >= 0 else '-'}{number(abs(by), 2)}"


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
    return published_value(reading.value, item.unit, item.decimals)


def _rate_item(
    item: Item,
    index: Index,
    quarter: Period,
    threshold: float,
    published_values: Mapping[str, float | str | None],
    rule: DirectionRule | None = None,
) -> ItemResult:
    reading = _find(item, index, quarter)
    previous, year_earlier = quarter.previous(), quarter.same_quarter_last_year()
    before, year_before = _find(item, index, previous), _find(item, index, year_earlier)
    rating = rate_item(
        item,
        reading,
        quarter,
        published=published_values,
        earlier={"previous_period": before, "year_earlier": year_before},
    )
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
    band = rating.target if isinstance(rating.target, Band) else None
    return ItemResult(
        id=item.id,
        title=item.title,
        measure=item.measure,
        unit=item.unit,
        polarity=item.polarity,
        target=rating.target,
        tolerance=rating.tolerance,
        target_display=rating.target_display,
        target_rule=rating.target_rule,
        strict=item.strict,
        comparators=rating.comparators,
        comparator=item.comparator,
        comparator_label=item.comparator_label,
        period=str(quarter),
        status=rating.status,
        rag=rating.rag,
        reason=rating.reason,
        value=rating.value,
        vs_previous=_compare(item, reading, before, previous, threshold, band, rule),
        vs_year_earlier=_compare(item, reading, year_before, year_earlier, threshold, band, rule),
        **from_reading,
    )


def _unusable(
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


def _status(
    item: Item, reading: Reading | None, quarter: str, goal: _Goal
) -> tuple[Status, Rag | None, str | None]:
    if unusable := _unusable(item, reading, quarter):
        return unusable[0], None, unusable[1]
    assert reading is not None
    if item.polarity is Polarity.INFORMATION:
        return Status.INFORMATION, None, None
    if goal.problem:
        return Status.NOT_AVAILABLE, None, goal.problem
    low, high = _range(item, reading)
    if low == high:
        rag = rate(low, goal.target, goal.tolerance, item.polarity, strict=item.strict)
    else:
        rag = rate_range(low, high, goal.target, goal.tolerance, item.polarity, strict=item.strict)
        if rag is None:
            target = goal.display
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
