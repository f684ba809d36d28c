"""The framework rated from the report's figures: the readings the rating layer takes (one per
item and quarter, from the unsuppressed figures), the framework rated for the quarter and the
one before, and the targets a relative or incremental target sets in each quarter of the trend
chart. With no framework file, every headline catalogue measure for information.
"""

from __future__ import annotations

from collections.abc import Iterable

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating import (
    Framework,
    FrameworkResult,
    Reading,
    make_reading,
    rate_framework,
)
from csc_scorecard.rating.framework import Group, IncrementalTarget, Item, RelativeTarget
from csc_scorecard.rating.rated import item_source
from csc_scorecard.report.facts import figure_id
from csc_scorecard.report.model import ChartPoint, Comparator, Figure

MOVING = (RelativeTarget, IncrementalTarget)  # targets set afresh for each period


def catalogue_framework(measures: Iterable[Measure], authority: str) -> Framework:
    """With no framework file: every headline measure, by catalogue group, for information.

    Items are numbered M01, M02, ... (an item id equal to its measure id would read as two
    values for one item in the rating layer)."""
    groups: dict[str, list[Item]] = {}
    headline = [m for m in measures if not m.dimension]
    for n, m in enumerate(headline, start=1):
        groups.setdefault(m.group, []).append(
            Item(id=f"M{n:02d}", title=m.title, measure=m.id, unit=m.unit, polarity="information")
        )
    return Framework(
        name="All catalogue measures (no performance framework supplied)",
        authority=authority,
        groups=[Group(id=_slug(g), title=g, items=items) for g, items in groups.items()],
    )


def _slug(text: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def figure_key(item: Item, figures: dict[str, Figure], period: str) -> str:
    """Whose figures an item shows (``rating.rated.item_source``, shared with
    ``scorecard measures``)."""

    def status_of(key: str) -> str | None:
        f = figures.get(figure_id(key, period))
        return f.status if f is not None else None

    return item_source(item, status_of)


def readings(
    framework: Framework, figures: dict[str, Figure], quarters: list[Quarter]
) -> list[Reading]:
    """One reading per framework item and quarter, from the (unsuppressed) figures; the rating
    layer rounds each to its published precision (rounding here too would round twice)."""
    out = []
    # A derived item's operands, except those an item already reads (its measure or id): the
    # rating layer finds those through the item (a second reading would be a second value).
    read = {k for item in framework.all_items() for k in (item.id, item.measure) if k}
    operands = sorted({k for item in framework.all_items() for k in item.operands} - read)
    named = [(item, None) for item in framework.all_items()] + [(None, k) for k in operands]
    for item, operand in named:
        for q in quarters:
            key = operand or figure_key(item, figures, str(q))  # type: ignore[arg-type]
            f = figures.get(figure_id(key, str(q)))
            if f is None:
                continue
            status = None if f.status == "ok" else f.status
            out.append(
                make_reading(
                    operand or item.id,  # type: ignore[union-attr]
                    q,
                    f.value,
                    numerator=f.numerator,
                    denominator=f.denominator,
                    status=status if status in ("not_available", "not_reportable") else None,
                    commentary=f.reason if status else None,
                )
            )
    return out


def rate(
    framework: Framework,
    figures: dict[str, Figure],
    quarter: Quarter,
    threshold: float | None = None,
    *,
    published: dict[str, Comparator] | None = None,
) -> tuple[FrameworkResult, FrameworkResult]:
    """The framework rated for the quarter and for the previous quarter; ``published``
    comparators fill framework comparators given no value (relative targets use them)."""
    quarters = [
        quarter,
        quarter.previous(),
        quarter.same_quarter_last_year(),
        quarter.previous().previous(),
        quarter.previous().same_quarter_last_year(),
    ]
    found = readings(framework, figures, sorted(set(quarters)))
    values = _published_values(published)
    return tuple(  # type: ignore[return-value]
        rate_framework(framework, found, str(q), small_number_threshold=threshold, published=values)
        for q in (quarter, quarter.previous())
    )


def _published_values(
    published: dict[str, Comparator] | None,
) -> dict[str, dict[str, float | str | None]]:
    """The published comparators as the rating layer takes them, with the year they are for."""
    return {
        m: {
            "england": c.england,
            "region": c.region,
            "statistical_neighbours": c.statistical_neighbours,
            "year_label": c.year_label,
        }
        for m, c in (published or {}).items()
    }


def moving_targets(
    framework: Framework,
    figures: dict[str, Figure],
    quarters: list[Quarter],
    published: dict[str, Comparator] | None = None,
) -> dict[str, list[ChartPoint]]:
    """For each item whose target is relative to a comparator or to an earlier figure, the
    target and tolerance the rating layer sets in each of ``quarters`` (the trend chart's),
    as chart points of series ``target`` and ``tolerance`` (a quarter with no target set is
    left out). Rated from ``figures`` as given: in a publication report, the suppressed ones,
    so no target is worked out from a suppressed count."""
    moving = [i.id for i in framework.all_items() if isinstance(i.target, MOVING)]
    if not moving:
        return {}
    wanted = {w for q in quarters for w in (q, q.previous(), q.same_quarter_last_year())}
    found = readings(framework, figures, sorted(wanted))
    values = _published_values(published)
    out: dict[str, list[ChartPoint]] = {key: [] for key in moving}
    for q in quarters:
        result = rate_framework(framework, found, str(q), published=values)
        for key in moving:
            item = result.item(key)
            for series, value in (("target", item.target), ("tolerance", item.tolerance)):
                if isinstance(value, float | int):
                    out[key].append(ChartPoint(x=q.label, y=value, series=series))
    return out
