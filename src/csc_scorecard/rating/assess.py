"""Rate a whole framework for one quarter: each item's status, RAG, direction and summaries.

This is where a framework item meets its reading. Every way an item can lack a rating ends
in a status with a reason, never an exception: no value, a value that is not a number in the
item's unit, a bound that straddles a threshold, a value marked not reportable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from csc_scorecard.model.periods import Period, parse_period
from csc_scorecard.model.units import Polarity, Unit
from csc_scorecard.rating.compare import compare
from csc_scorecard.rating.direction import is_small_number
from csc_scorecard.rating.display import format_value
from csc_scorecard.rating.framework import DirectionRule, Framework, Item
from csc_scorecard.rating.lookup import Index, add_operands, find_reading, index_readings
from csc_scorecard.rating.rag import rate, rate_range
from csc_scorecard.rating.results import FrameworkResult, GroupResult, ItemResult, Rating
from csc_scorecard.rating.summary import summarise
from csc_scorecard.rating.targets import Goal, resolve_comparators, resolve_goal
from csc_scorecard.rating.usable import unusable, value_of, value_range
from csc_scorecard.rating.values import Reading
from csc_scorecard.rating.vocabulary import Band, Rag, Status


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
    index = index_readings(readings)
    add_operands(framework, index)
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
    (``numbers.published``: the item's ``decimals``, else its unit's default), so 12.0069%
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
    comparators = resolve_comparators(item, published or {}, earlier.get("year_earlier"))
    goal = resolve_goal(item, comparators, earlier)
    status, rag, reason = _status(item, reading, period, goal)
    value = value_of(item, reading)
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


def _rate_item(
    item: Item,
    index: Index,
    quarter: Period,
    threshold: float,
    published_values: Mapping[str, float | str | None],
    rule: DirectionRule | None = None,
) -> ItemResult:
    reading = find_reading(item, index, quarter)
    previous, year_earlier = quarter.previous(), quarter.same_quarter_last_year()
    before, year_before = (
        find_reading(item, index, previous),
        find_reading(item, index, year_earlier),
    )
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
        vs_previous=compare(item, reading, before, previous, threshold, band, rule),
        vs_year_earlier=compare(item, reading, year_before, year_earlier, threshold, band, rule),
        **from_reading,
    )


def _status(
    item: Item, reading: Reading | None, quarter: str, goal: Goal
) -> tuple[Status, Rag | None, str | None]:
    if no_figure := unusable(item, reading, quarter):
        return no_figure[0], None, no_figure[1]
    assert reading is not None
    if item.polarity is Polarity.INFORMATION:
        return Status.INFORMATION, None, None
    if goal.problem:
        return Status.NOT_AVAILABLE, None, goal.problem
    low, high = value_range(item, reading)
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
