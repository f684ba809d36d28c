"""The appendix: every framework item rated for the quarter, as the seed's Appendix 1 prints it
(Measure, Target (tolerance), Comparator, previous quarter, this quarter, RAG, direction,
commentary), plus the summary counts the executive summary quotes.

Values are rated by the rating layer's one function (``rating.rate_item``), which rates the
figure as published, rounded to the item's precision; the report prints the same rounded
figure, so a figure and its colour never disagree. Framework items whose measure is not in the catalogue (local
spreadsheets such as supervision or audits) take their value from ``manual_values`` rows named
by the item id or its measure id.
"""

from __future__ import annotations

from collections.abc import Iterable

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.periods import Quarter
from csc_scorecard.measures.rated import item_source
from csc_scorecard.rating import (
    Framework,
    FrameworkResult,
    ItemResult,
    Reading,
    format_value,
    make_reading,
    rate_framework,
)
from csc_scorecard.rating.framework import Group, Item
from csc_scorecard.rating.summary import describe
from csc_scorecard.report import commentary as notes
from csc_scorecard.report.facts import Facts, figure_id
from csc_scorecard.report.model import AppendixGroup, AppendixRow, Comparator, Counts, Figure
from csc_scorecard.wording import join

STATUS_LABELS = {
    "green": "Green",
    "amber": "Amber",
    "red": "Red",
    "information": "Information",
    "not_available": "Not available",
    "not_reportable": "Not reportable",
}


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


def figure_key(item: Item, figures: dict[str, Figure], period: str) -> str:
    """Whose figures an item shows (``measures.rated.item_source``, shared with
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
    values = {
        m: {
            "england": c.england,
            "region": c.region,
            "statistical_neighbours": c.statistical_neighbours,
        }
        for m, c in (published or {}).items()
    }
    return tuple(  # type: ignore[return-value]
        rate_framework(framework, found, str(q), small_number_threshold=threshold, published=values)
        for q in (quarter, quarter.previous())
    )


def build(
    result: FrameworkResult,
    framework: Framework,
    facts: Facts,
    comparators: dict[str, Comparator],
    commentary: dict[tuple[str, str], notes.Commentary],
    manual_commentary: dict[tuple[str, str], tuple[str, str | None]],
) -> list[AppendixGroup]:
    groups = []
    for g, group in enumerate(result.groups):
        rows = []
        for r, item in enumerate(group.items):
            rows.append(
                _row(
                    f"/appendix/{g}/rows/{r}",
                    item,
                    framework.item(item.id),
                    facts,
                    comparators,
                    commentary,
                    manual_commentary,
                )
            )
        groups.append(
            AppendixGroup(
                id=group.id,
                title=group.title,
                summary=Counts.of(group.summary),
                summary_lines=describe(group.summary),
                rows=rows,
            )
        )
    return groups


def _row(
    pointer: str,
    item: ItemResult,
    spec: Item,
    facts: Facts,
    comparators: dict[str, Comparator],
    commentary: dict[tuple[str, str], notes.Commentary],
    manual_commentary: dict[tuple[str, str], tuple[str, str | None]],
) -> AppendixRow:
    keys = {
        w: figure_key(spec, facts.figures, facts.periods[w].id)
        for w in ("current", "previous", "year_earlier")
    }
    current, previous, year = (
        facts.figure(keys[w], w) for w in ("current", "previous", "year_earlier")
    )
    key = keys["current"]
    comparator, label, source = _comparator(item, comparators)
    period = facts.periods["current"].id
    written = notes.find(commentary, period, item.id, item.measure)
    supplied = manual_commentary.get((key, period))
    direction = item.vs_previous.direction
    row = AppendixRow(
        item=item.id,
        title=item.title,
        measure=item.measure,
        unit=item.unit.value,
        target=item.target_display,
        target_text=format_value(item.target, item.unit),
        tolerance_text=format_value(item.tolerance, item.unit),
        comparator=comparator,
        comparator_label=label,
        comparator_source=source,
        previous=_shown(previous, spec, item.vs_previous.value, item.vs_previous.raw),
        current=_shown(current, spec, item.value, item.display),
        status=item.status.value,
        status_label=STATUS_LABELS[item.status.value],
        rag=item.rag.value if item.rag else None,
        direction=direction.value if direction else None,
        direction_year=item.vs_year_earlier.direction.value
        if item.vs_year_earlier.direction
        else None,
        direction_reason=item.vs_previous.reason,
        small_numbers=item.small_number_warning or item.vs_previous.small_number_warning,
        numerator=current.numerator_display if current else "",
        denominator=current.denominator_display if current else "",
        figure=current.id if current else None,
        reason=item.reason,
        commentary="",
        commentary_kind="none",
    )
    if written is not None:
        return row.model_copy(
            update={
                "commentary": written.text,
                "commentary_kind": "analyst",
                "commentary_author": written.author,
            }
        )
    if supplied is not None:
        return row.model_copy(
            update={
                "commentary": supplied[0],
                "commentary_kind": "analyst",
                "commentary_author": supplied[1],
            }
        )
    sentences = notes.draft(
        pointer, item, facts, current, previous, year, comparators.get(item.measure or ""), source
    )
    text = join(*sentences).text if sentences else ""
    return row.model_copy(
        update={
            "commentary": text,
            "commentary_kind": "draft" if text else "none",
            "commentary_sentences": sentences,
        }
    )


def _shown(f: Figure | None, spec: Item, value: float | None, raw: str | None) -> str:
    """The figure as printed; the framework's own rounding when it sets ``decimals``; the raw
    text of an unreadable value ('1 child')."""
    if f is not None and f.status == "suppressed":
        return f.display
    if f is not None and f.status == "ok":
        if spec.decimals is not None and value is not None:
            return format_value(value, spec.unit)
        return f.display
    return raw or ""


def _comparator(
    item: ItemResult, comparators: dict[str, Comparator]
) -> tuple[str, str | None, str | None]:
    """(display, label, source): the framework's fixed comparator, else the published
    statistical-neighbour average, else England."""
    if item.comparator is not None:
        return format_value(item.comparator, item.unit), item.comparator_label, "framework"
    # The framework's list of comparators: the first with a value, labelled with its year.
    for c in item.comparators:
        if c.value is not None:
            return c.display, f"{c.label} {c.year}", "framework"
    found = comparators.get(item.measure or "")
    if found is not None and found.statistical_neighbours is not None:
        return (
            found.statistical_neighbours_display,
            f"Statistical neighbours {found.year_label}",
            "published",
        )
    if found is not None and found.england is not None:
        return found.england_display, f"England {found.year_label}", "published"
    return "", None, None


def _slug(text: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split())
