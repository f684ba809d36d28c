"""The sections of measures: for each subsection of a layout section, its narrative
(``narrative.NARRATIVES`` and ``permanence.NARRATIVES`` by the layout's name, else
``narrative.generic``), the key-figures table of its measures, its breakdown tables and their
charts; and the section's eight-quarter demand chart. The registry's ``measures`` builder
(``report/sections/registry.py``) for every layout section without a builder of its own, and
the frame the staffing section fills with its own paragraphs, charts and tables.

A subsection with no figures this quarter is left out and named in the section's notes; a
section with no subsection left is an ``OmittedSection`` saying why. A published report leaves
out measures about single workers or children (``layout.yaml`` ``worker_level_*``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report import charts, narrative, series_charts
from csc_scorecard.report import permanence as permanence_
from csc_scorecard.report.facts import Facts, figure_id
from csc_scorecard.report.layout import Layout
from csc_scorecard.report.model import (
    Breakdown,
    BreakdownRow,
    Chart,
    Figure,
    FigureRow,
    OmittedSection,
    Paragraph,
    Section,
    Table,
)
from csc_scorecard.report.sections.inputs import SectionInputs
from csc_scorecard.wording import plural

# The layout's narrative names -> the functions writing them (narrative.py, and the care
# proceedings and permanence paragraph in permanence.py).
NARRATIVES = {**narrative.NARRATIVES, **permanence_.NARRATIVES}


def section(
    inputs: SectionInputs,
    *,
    written: dict[str, list[Paragraph]] | None = None,
    charts_of: Callable[[str], list[Chart]] | None = None,
    tables_of: Callable[[str], list[Table]] | None = None,
) -> Section | OmittedSection:
    """The section ``inputs.placed`` of the layout, subsection by subsection.

    ``written`` (subsection id -> paragraphs) replaces the narrative functions: a section whose
    sentences are written by its own computation (the staffing section); ``charts_of`` and
    ``tables_of`` add a subsection's own charts and tables after its breakdowns."""
    placed, facts, lay, rules = inputs.placed, inputs.facts, inputs.lay, inputs.rules
    spec = placed.section
    subsections: list[Section] = []
    notes: list[str] = []
    for sub in placed.subsections:
        # A published report leaves out measures about single workers or children.
        measures = [m for m in sub.measures if not (rules and worker_level_measure(m, lay))]
        breakdowns = [b for b in sub.breakdowns if not (rules and worker_level_measure(b, lay))]
        has_data = (
            any(facts.shown(m) for m in measures)
            or any(facts.categories(b) for b in breakdowns)
            or bool(written and written.get(sub.id))
        )
        if not has_data:
            if measures or breakdowns:
                reasons = [
                    f.reason
                    for m in (*measures, *breakdowns)
                    if (f := facts.figure(m)) is not None and f.reason
                ]
                why = reasons[0] if reasons else f"no figures for {facts.periods['current'].label}"
                notes.append(f"{sub.title}: {why}.")
            continue
        if written is not None:
            paragraphs: list[Paragraph | None] = list(written.get(sub.id, []))
        else:
            maker = NARRATIVES.get(sub.narrative or "")
            paragraphs = maker(facts) if maker else narrative.generic(facts, measures)
        tables = [_breakdown(b, facts) for b in breakdowns]
        tables = [t for t in tables if t is not None]
        sub_charts = [c for c in (_breakdown_chart(t, facts) for t in tables) if c is not None]
        if charts_of is not None:
            sub_charts += charts_of(sub.id)
        subsections.append(
            Section(
                id=sub.id,
                title=sub.title,
                paragraphs=[p for p in paragraphs if p is not None],
                figures=[_figure_row(m, facts) for m in measures],
                breakdowns=tables,
                tables=tables_of(sub.id) if tables_of is not None else [],
                charts=sub_charts,
            )
        )
    if not subsections:
        return inputs.left_out(
            measures=any(sub.measures or sub.breakdowns for sub in placed.subsections)
        )
    section_charts = []
    if spec.chart == "demand":
        demand = _demand_chart(spec.demand_measures, facts, inputs.trend, inputs.coverage)
        if demand is not None:
            section_charts.append(demand)
    return Section(
        id=spec.id, title=spec.title, subsections=subsections, charts=section_charts, notes=notes
    )


def worker_level_measure(measure: str, lay: Layout) -> bool:
    """Whether a measure describes single workers or children (left out when published)."""
    m = catalogue().get(measure)
    return measure in lay.worker_level_measures or bool(
        m and m.dimension in lay.worker_level_dimensions
    )


def covered(measure: Measure | None, quarter: Quarter, coverage: dict[str, date]) -> bool:
    """Whether the loaded data cover ``quarter`` for ``measure`` (trend charts start there)."""
    if measure is None or measure.id not in coverage:
        return True
    start, end = quarter.window(measure.period_type)
    first = coverage[measure.id]
    if measure.period_type == "as_at_period_end":
        return end >= first
    return start >= Quarter.containing(first).start


def _figure_row(measure: str, facts: Facts) -> FigureRow:
    now, before, year = (facts.figure(measure, w) for w in ("current", "previous", "year_earlier"))
    d = facts.definitions[measure]
    note = None
    if now is not None and now.status not in ("ok", "suppressed"):  # the cover explains 'c'
        note = now.reason
    return FigureRow(
        measure=measure,
        title=d.title,
        unit=d.unit,
        current=now.id if now else None,
        previous=before.id if before else None,
        year_earlier=year.id if year else None,
        current_display=now.display if now else "",
        previous_display=before.display if before else "",
        year_earlier_display=year.display if year else "",
        numerator_display=now.numerator_display if now and d.unit != "count" else "",
        denominator_display=now.denominator_display if now and d.unit != "count" else "",
        note=note,
    )


def _breakdown(measure: str, facts: Facts) -> Breakdown | None:
    d = facts.definitions[measure]
    period = facts.periods["current"].id
    rows = [
        f
        for f in facts.figures.values()
        if f.measure == measure and f.period == period and f.dimension is not None
    ]
    if not rows:
        return None
    previous = {
        f.dimension: f
        for f in facts.figures.values()
        if f.measure == measure and f.period == facts.periods["previous"].id
    }

    def empty(f: Figure | None) -> bool:
        return f is None or (f.status == "ok" and not f.value)

    # Categories with none this quarter or last (every declared code is returned) are left out;
    # their count is given in the note.
    kept = [f for f in rows if not (empty(f) and empty(previous.get(f.dimension)))]
    dropped = len(rows) - len(kept)
    rows = kept or rows
    rows.sort(
        key=lambda f: (
            f.status not in ("ok", "suppressed"),
            -(f.numerator if f.numerator is not None else (f.value or 0)),
            f.dimension,
        )
    )
    notes = sorted({f.reason for f in rows if f.status not in ("ok", "suppressed") and f.reason})
    if dropped and kept:
        notes.append(
            f"{dropped} {plural(dropped, 'category', 'categories')} with none in either quarter "
            f"{plural(dropped, 'is', 'are')} not shown"
        )
    denominator = next((f.denominator_display for f in rows if f.denominator_display), "")
    return Breakdown(
        measure=measure,
        title=d.title,
        unit=d.unit,
        dimension=catalogue()[measure].dimension or "",
        period=period,
        denominator_display=denominator if d.unit != "count" else "",
        rows=[
            BreakdownRow(
                dimension=f.dimension or "",
                label=f.dimension_label or f.dimension or "",
                figure=f.id,
                display=f.display,
                numerator_display=f.numerator_display if d.unit != "count" else "",
                previous_display=previous[f.dimension].display if f.dimension in previous else "",
            )
            for f in rows
        ],
        note="; ".join(notes) or None,
    )


def _breakdown_chart(table: Breakdown, facts: Facts) -> Chart | None:
    points = [(row.label, facts.figures[row.figure].value) for row in table.rows]
    points = [(label, value) for label, value in points if value is not None]
    if not points:
        return None
    return charts.breakdown(
        f"chart-{table.measure}",
        f"{table.title}, {facts.periods['current'].label}",
        table.unit,
        points,
        measure=table.measure,
    )


def _demand_chart(
    measures: dict[str, str], facts: Facts, trend: list[Quarter], coverage: dict[str, date]
) -> Chart | None:
    known = catalogue()
    series: dict[str, list[tuple[str, float | None]]] = {}
    used = []
    for m, label in measures.items():
        if m not in known:
            continue
        points = [
            (
                q.label,
                f.value
                if (f := facts.figures.get(figure_id(m, str(q)))) is not None
                and covered(known[m], q, coverage)
                else None,
            )
            for q in trend
        ]
        if sum(v is not None for _, v in points) >= 2:
            series[label] = points
            used.append(m)
    if not series:
        return None
    return series_charts.demand(
        "chart-demand", f"Demand over the last {len(trend)} quarters", series, measures=used
    )
