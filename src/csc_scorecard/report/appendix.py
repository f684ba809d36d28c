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
from typing import Literal

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.model.periods import Quarter, window_phrase
from csc_scorecard.rating import (
    Framework,
    FrameworkResult,
    ItemResult,
    Reading,
    format_value,
    make_reading,
    rate_framework,
)
from csc_scorecard.rating.framework import (
    OWN_YEAR_EARLIER,
    Group,
    IncrementalTarget,
    Item,
    RelativeTarget,
)
from csc_scorecard.rating.rated import item_source
from csc_scorecard.rating.summary import describe
from csc_scorecard.rating.targets import target_base, target_words
from csc_scorecard.report import commentary as notes
from csc_scorecard.report.facts import Facts, When, figure_id
from csc_scorecard.report.model import (
    AppendixComparator,
    AppendixGroup,
    AppendixRow,
    ChartPoint,
    Comparator,
    Counts,
    Figure,
)
from csc_scorecard.report.provenance_text import counts_line
from csc_scorecard.wording import join

MOVING = (RelativeTarget, IncrementalTarget)  # targets set afresh for each period

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
    headline = next((c for c in listed if c.value is not None), None)
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
        pointer,
        item,
        facts,
        current,
        previous,
        year,
        listed,
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
        if spec.decimals is not None and value is not None:
            return format_value(value, spec.unit)
        return f.display
    return raw or ""


# Published comparators an item without its own shows, in this order (the first with a value
# is the headline "Comparator" column): the statistical-neighbour average, England, the region.
_PUBLISHED = (
    ("statistical_neighbours", "Statistical neighbours"),
    ("england", "England"),
    ("region", "Region"),
)


def comparators_of(
    item: ItemResult, spec: Item, found: Comparator | None, year_earlier: Figure | None
) -> list[AppendixComparator]:
    """Every comparator an item shows, each labelled with its year, basis and window: the
    framework's fixed "Comp" figure, then its list of comparators (their values resolved by the
    rating layer; one not published shows blank), or, when the framework gives none, the
    published statistical-neighbour, England and regional figures (``found``)."""
    out = []
    if item.comparator is not None:
        out.append(
            _labelled(
                "comparator",
                item.comparator_label or "Comparator",
                "",
                "",
                "",
                item.comparator,
                format_value(item.comparator, item.unit),
                "framework",
            )
        )
    given = {c.id: c.value for c in spec.comparators}
    for c in item.comparators:
        window = ""
        if c.id == OWN_YEAR_EARLIER and year_earlier is not None:
            window = window_phrase(year_earlier.window_start, year_earlier.window_end)
        elif given.get(c.id) is None and c.value is not None and found is not None:
            # filled from the published data
            window = found.window
        out.append(
            _labelled(c.id, c.label, c.year, c.basis, window, c.value, c.display, "framework")
        )
    if out or found is None:
        return out
    return published_comparators(found)


def published_comparators(found: Comparator) -> list[AppendixComparator]:
    """A measure's published DfE comparators as the appendix prints them (statistical
    neighbours, England, the region; each with its year, basis and window): beside an item
    that gives none of its own, and on the dashboard's page for a measure."""
    out = []
    for key, label in _PUBLISHED:
        value = getattr(found, key)
        if value is not None:
            basis = "DfE published figure"
            if key == "statistical_neighbours":
                model = f", neighbours model {found.sn_model}" if found.sn_model else ""
                basis = f"average of the statistical neighbours' published figures (DfE{model})"
            out.append(
                _labelled(
                    key,
                    label,
                    found.year_label or "",
                    basis,
                    found.window,
                    value,
                    getattr(found, f"{key}_display"),
                    "published",
                )
            )
    return out


def _labelled(
    key: str,
    label: str,
    year: str,
    basis: str,
    window: str,
    value: float | None,
    shown: str,
    source: Literal["framework", "published"],
) -> AppendixComparator:
    """A comparator with its printed heading and note: the one place its label, year, basis and
    window are put into words."""
    return AppendixComparator(
        id=key,
        label=label,
        year=year,
        heading=f"{label} {year}".strip(),
        basis=basis,
        window=window,
        note=", ".join(t for t in (basis, window) if t),
        value=value,
        display=shown,
        source=source,
    )


def figure_window(figure: Figure | None, period_label: str) -> str:
    """The window of an appendix row's figure in words ('6 months to 30 June 2022'); a manual
    value counts what its supplier counted, so it says only the period it was supplied for."""
    if figure is None or figure.status == "not_available":
        return ""
    if figure.window_start is None or figure.window_end is None:
        return f"{period_label}, as supplied"
    return window_phrase(figure.window_start, figure.window_end)


def _slug(text: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split())
