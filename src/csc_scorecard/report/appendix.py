"""The appendix: every framework item rated for the quarter, as the seed's Appendix 1 prints it
(Measure, Target (tolerance), Comparator, previous quarter, this quarter, RAG, direction,
commentary), plus the summary counts the executive summary quotes.

Values are rated by the rating layer's one function (``rating.rate_item``), which rates the
figure as published, rounded to the item's precision; the report prints the same rounded
figure, so a figure and its colour never disagree. Framework items whose measure is not in the catalogue (local
spreadsheets such as supervision or audits) take their value from ``manual_values`` rows named
by the item id or its measure id. The framework is rated from the figures in
``report.framework_rating``; the comparators a row shows are labelled in
``report.appendix_comparators``.
"""

from __future__ import annotations

from csc_scorecard.model.periods import window_phrase
from csc_scorecard.numbers import published
from csc_scorecard.rating import FrameworkResult, ItemResult, format_value
from csc_scorecard.rating.framework import (
    OWN_YEAR_EARLIER,
    Framework,
    IncrementalTarget,
    Item,
    RelativeTarget,
)
from csc_scorecard.rating.summary import describe
from csc_scorecard.rating.targets import target_base, target_words
from csc_scorecard.report import commentary as notes
from csc_scorecard.report.appendix_comparators import comparators_of
from csc_scorecard.report.facts import Facts, When
from csc_scorecard.report.framework_rating import figure_key
from csc_scorecard.report.model import (
    AppendixComparator,
    AppendixGroup,
    AppendixRow,
    Comparator,
    Counts,
    Figure,
)
from csc_scorecard.report.provenance_text import counts_line
from csc_scorecard.wording import join

STATUS_LABELS = {
    "green": "Green",
    "amber": "Amber",
    "red": "Red",
    "information": "Information",
    "not_available": "Not available",
    "not_reportable": "Not reportable",
}


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
        counts = Counts.of(group.summary)
        groups.append(
            AppendixGroup(
                id=group.id,
                title=group.title,
                summary=counts,
                summary_text=counts_line(counts),
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
    if spec.derived is not None:
        current, previous, year = (
            f or _suppressed_operand(spec, facts, w)
            for f, w in ((current, "current"), (previous, "previous"), (year, "year_earlier"))
        )
    key = keys["current"]
    rated = item
    item = _without_suppressed(item, spec, {"previous": previous, "year_earlier": year})
    listed = comparators_of(item, spec, comparators.get(item.measure or ""), year)
    period = facts.periods["current"].id
    written = notes.find(commentary, period, item.id, item.measure)
    supplied = manual_commentary.get((key, period))
    row = _printed(item, spec, facts, current, previous, listed)
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
    return _drafted(row, pointer, rated, item, facts, (current, previous, year), listed)


def _printed(
    item: ItemResult,
    spec: Item,
    facts: Facts,
    current: Figure | None,
    previous: Figure | None,
    listed: list[AppendixComparator],
) -> AppendixRow:
    """The row as printed, before its commentary: the figures, target, comparators and RAG."""
    headline = next((c for c in listed if c.value is not None), None)
    direction = item.vs_previous.direction
    return AppendixRow(
        item=item.id,
        title=item.title,
        measure=item.measure,
        unit=item.unit.value,
        target=item.target_display,
        target_text=format_value(item.target, item.unit),
        tolerance_text=format_value(item.tolerance, item.unit),
        target_words=item.target_rule or "",
        comparator=headline.display if headline else "",
        comparator_label=headline.heading if headline else None,
        comparator_source=headline.source if headline else None,
        comparators=listed,
        window=figure_window(current, facts.periods["current"].label),
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


def _drafted(
    row: AppendixRow,
    pointer: str,
    rated: ItemResult,
    item: ItemResult,
    facts: Facts,
    figures: tuple[Figure | None, Figure | None, Figure | None],
    listed: list[AppendixComparator],
) -> AppendixRow:
    """The row with the commentary drafted from its figures (no analyst wrote one): ``rated``
    is the item as rated, ``item`` as printed (a target set from a suppressed figure hidden)."""
    current, previous, year = figures
    sentences = notes.draft(
        pointer,
        item,
        facts,
        current,
        previous,
        year,
        listed,
        printed={"current": row.current, "previous": row.previous},
    )
    if item.target is None and rated.target is not None:
        # The target was hidden (set from a suppressed figure): no sentence quotes it.
        hidden = (f"{pointer}/target_text", f"{pointer}/tolerance_text")
        sentences = [s for s in sentences if not any(c.ref in hidden for c in s.cites)]
    text = join(*sentences).text if sentences else ""
    return row.model_copy(
        update={
            "commentary": text,
            "commentary_kind": "draft" if text else "none",
            "commentary_sentences": sentences,
        }
    )


def _suppressed_operand(spec: Item, facts: Facts, when: When) -> Figure | None:
    """A derived item's operand suppressed for publication, if any: the item then prints the
    operand's symbol, since its value (a total less a known part, a share) would give the
    suppressed count away. Rated as ever, from the unsuppressed figures."""
    for key in spec.operands:
        found = facts.figure(key, when)
        if found is not None and found.status == "suppressed":
            return found
    return None


def _without_suppressed(
    item: ItemResult, spec: Item, earlier: dict[str, Figure | None]
) -> ItemResult:
    """The item as a publication prints it: a target or comparator worked out from the item's
    own earlier figure shows the suppression symbol when that figure is suppressed (the target
    "an additional 800 on a year earlier (3)" would give the suppressed 3 away). The rating
    itself is unchanged."""
    goal = spec.target
    base: str | None = None  # which earlier figure the target is set from
    if isinstance(goal, IncrementalTarget):
        base = "year_earlier" if goal.increase_on == "year_earlier" else "previous"
    elif isinstance(goal, RelativeTarget) and goal.relative_to == OWN_YEAR_EARLIER:
        base = "year_earlier"
    hidden = earlier["year_earlier"]
    update: dict[str, object] = {}
    if hidden is not None and hidden.status == "suppressed":
        update["comparators"] = [
            c.model_copy(update={"value": None, "display": hidden.display})
            if c.id == OWN_YEAR_EARLIER
            else c
            for c in item.comparators
        ]
    found = earlier[base] if base else None
    if found is not None and found.status == "suppressed":
        assert isinstance(goal, RelativeTarget | IncrementalTarget)
        if isinstance(goal, IncrementalTarget):
            name = f"{target_base(goal)} ({found.display})"
        else:
            named = next(c for c in spec.comparators if c.id == OWN_YEAR_EARLIER)
            name = f"{named.label} {named.year} ({found.display})"
        update |= {
            "target": None,
            "tolerance": None,
            "target_display": found.display,
            "target_rule": target_words(spec, goal, name),
        }
    return item.model_copy(update=update) if update else item


def _shown(f: Figure | None, spec: Item, value: float | None, raw: str | None) -> str:
    """The figure as printed; the framework's own rounding when it sets ``decimals``; the raw
    text of an unreadable value ('1 child')."""
    if f is not None and f.status == "suppressed":
        return f.display
    if f is not None and f.status == "ok":
        if value is not None and (text := own_rounding(spec, value)) is not None:
            return text
        return f.display
    return raw or ""


def own_rounding(spec: Item, value: float) -> str | None:
    """An item's figure as its row prints it where the framework sets its own rounding
    (``decimals``: "23.14%" where the figure's own display is "23.1%"), wherever it is printed
    (the row, its trend chart's description); None: the figure's own display."""
    if spec.decimals is None:
        return None
    return format_value(published(value, spec.unit, spec.decimals), spec.unit)


def figure_window(figure: Figure | None, period_label: str) -> str:
    """The window of an appendix row's figure in words ('6 months to 30 June 2022'); a manual
    value counts what its supplier counted, so it says only the period it was supplied for."""
    if figure is None or figure.status == "not_available":
        return ""
    if figure.window_start is None or figure.window_end is None:
        return f"{period_label}, as supplied"
    return window_phrase(figure.window_start, figure.window_end)
