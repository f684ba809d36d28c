"""Build the ONE report context for an authority and quarter (see ``model.py`` for its shape).

The pipeline, top to bottom:

1. measure every catalogue measure for the last eight quarters (plus the previous and
   year-earlier quarters the engine adds) - one ``measure_run`` call, which reads the results
   stored after ingest and computes only what is missing or out of date;
2. turn each value into a ``Figure`` printed by the unit's rule (``csc_scorecard.numbers``); framework
   items with no catalogue measure take manual values named by item id;
3. rate the framework on the printed values (``framework_rating.py``), for this quarter and the last;
4. in publication mode, suppress small figures (``publication.py``) - before anything is
   written about them, so no sentence, chart or table can leak a suppressed count;
5. write the sections from ``layout.yaml``: narrative (``narrative.py``), key-figure tables,
   breakdowns and charts; sections without data are left out with the reason;
6. the appendix rows with analysts' or draft commentary, trend charts, data quality and
   provenance; then number the paragraphs in reading order.

Each step is a module: ``gather.py`` (the options resolved, the figures), ``run_figures.py``
(the measure run as printed figures), ``rate.py`` (rating, the appendix, data quality),
``sections_built.py`` (the sections), ``trend_charts.py`` (Appendix 2), ``subject.py`` (the
quarters and the authority) and ``provenance.py``/``provenance_text.py`` (Appendix 4); this
module puts them together.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from csc_scorecard.forked import can_fork, foreign_threads
from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating import Framework
from csc_scorecard.report import acronyms as acronyms_
from csc_scorecard.report import paper as paper_
from csc_scorecard.report import provenance, provenance_text
from csc_scorecard.report.alongside import Alongside
from csc_scorecard.report.chart_style import drawing_aside, drawing_later
from csc_scorecard.report.commentary import Commentary
from csc_scorecard.report.gather import Report, ReportOptions, all_figures, gather
from csc_scorecard.report.model import (
    Chart,
    DataQuality,
    Provenance,
    ReportContext,
)
from csc_scorecard.report.paper import PaperFile
from csc_scorecard.report.publication import PublicationRules
from csc_scorecard.report.publication import settings as publication_settings
from csc_scorecard.report.rate import Rated, data_quality, rate
from csc_scorecard.report.run_figures import (
    TREND_QUARTERS,
    coverage_starts,
    measure_quarters,
    run_measures,
)
from csc_scorecard.report.sections_built import Built, build_sections, staffing_aside
from csc_scorecard.report.trend_charts import trend_charts
from csc_scorecard.store import Store
from csc_scorecard.terms import using


def _in_councils_words(build):  # type: ignore[no-untyped-def]
    """Build with the paper file's vocabulary in force (terms.py): every generated sentence,
    definition and title then uses the council's words."""

    @functools.wraps(build)
    def wrapper(store: Store, la_code: str, period: str | Quarter, **options: Any) -> ReportContext:
        paper = options.get("paper")
        if paper is not None and not isinstance(paper, PaperFile):
            paper = options["paper"] = paper_.read_paper(paper)
        with using(paper.terminology if paper is not None else None):
            return build(store, la_code, period, **options)

    return wrapper


@_in_councils_words
def build_context(
    store: Store,
    la_code: str,
    period: str | Quarter,
    *,
    framework: Framework | str | Path | None = None,
    commentary: dict[tuple[str, str], Commentary] | str | Path | None = None,
    publication: PublicationRules | bool | None = None,
    synthetic: bool | None = None,
    generated_at: datetime | None = None,
    settings: Settings | None = None,
    trend_quarters: int = TREND_QUARTERS,
    run: MeasureRun | None = None,
    scenario: str = "base",
    paper: PaperFile | str | Path | None = None,
    narrative: str | Path | None = None,
    allow_commentary_numbers: bool = False,
) -> ReportContext:
    """The report context for ``la_code`` and the quarter ``period`` (e.g. ``"2022-Q1"``).

    ``framework`` is a Framework or a framework YAML path (targets, tolerances, comparators);
    without one every measure is reported for information. ``commentary`` is a commentary CSV
    (see ``commentary.py``) or its parsed form. ``publication`` (True or rules) suppresses small
    numbers; commentary stating a number in the suppressed range is then refused
    (`publication.CommentaryNumbers`) unless ``allow_commentary_numbers``. ``synthetic`` forces the synthetic-data banner on or off (default: detected from a
    marker file beside the loaded extracts). ``run`` reuses a measure run of this authority
    over ``measure_quarters(period)`` (building several variants of one report, e.g. internal
    and publication, measures once). ``scenario`` names the forecast scenario the finance and
    placements-strategy sections are computed under (forecast/scenarios.yaml). ``paper`` (a
    council's paper file) and ``narrative`` (this quarter's narrative markdown) make it a
    committee paper (report/paper.py).

    The steps, each a named function: gather the inputs (``gather.gather``), the figures
    (``gather.all_figures``), rate them and write the appendix (``rate.rate``), the data
    quality (``rate.data_quality``), the sections from the registry
    (``sections_built.build_sections``, through ``report/sections/registry.py``), then the
    context with its provenance (``_context`` below).
    """
    # The charts drawn by a process of its own, started now, while the context is written
    # (chart_style.Drawer); their SVG put in last.
    with drawing_aside(can_fork() and not _charts_drawn()) as drawn:
        context = _build(
            store,
            la_code,
            period,
            ReportOptions(
                framework=framework,
                commentary=commentary,
                publication=publication,
                synthetic=synthetic,
                generated_at=generated_at,
                settings=settings or Settings(),
                trend_quarters=trend_quarters,
                run=run,
                scenario=scenario,
                paper=paper,
                narrative=narrative,
                allow_commentary_numbers=allow_commentary_numbers,
            ),
        )
        for chart in _charts(context):
            chart.svg = drawn(chart.svg)
        return context


def _charts(context: ReportContext) -> Iterator[Chart]:
    """Every chart of the context: its sections' (and their subsections'), then the trends."""
    sections = list(context.sections)
    while sections:
        section = sections.pop(0)
        yield from section.charts
        sections[:0] = section.subsections
    yield from context.trends


def _build(
    store: Store, la_code: str, period: str | Quarter, options: ReportOptions
) -> ReportContext:
    """`build_context`'s steps, in order."""
    report = gather(store, la_code, period, options)
    # The staffing section's statements run in their thread beside the figures, rating and
    # charts (DuckDB works outside the GIL); the sections take it.
    staffing = staffing_aside(report)
    try:
        raw = all_figures(report)
        rated = rate(report, raw)
        quality = data_quality(report, rated)
        coverage = coverage_starts(report.store, report.la_code, report.measures.values())
    except BaseException:
        if staffing is not None:  # the thread ended before the error is raised
            with contextlib.suppress(BaseException):
                staffing.result()
        raise
    # Appendix 2's trend charts need only the rated figures: drawn beside the sections
    # (`_alongside`: by the drawing process, else in a thread).
    trends = _alongside(_trends, report, rated, coverage)
    try:
        built = build_sections(report, rated, quality, coverage, staffing)
    finally:
        charts = trends.result()
    return _context(report, rated, quality, built, charts)


def measure(
    store: Store, la_code: str, quarter: Quarter, settings: Settings | None = None
) -> MeasureRun:
    """The measure run a report for ``quarter`` needs (pass it to ``build_context(run=...)``)."""
    return run_measures(store, la_code, measure_quarters(quarter), settings or Settings())[0]


def _alongside(fn: Callable[..., Any], *args: Any) -> _Done | Alongside:
    """``fn(*args)`` beside this process's work; ``result()`` waits for it. Here and now when a
    `chart_style.Drawer` draws this process's charts (``fn`` then only writes their
    specifications); otherwise in a thread (vl-convert draws outside the GIL), with the same
    result."""
    if drawing_later():
        return _Done(fn(*args))
    return Alongside("scorecard trend charts", fn, *args)


@dataclass(frozen=True)
class _Done:
    value: Any

    def result(self) -> Any:
        return self.value


def _charts_drawn() -> bool:
    """Whether this process may have started the chart renderer's threads (`forked.foreign_threads`)."""
    return foreign_threads()


def _trends(report: Report, rated: Rated, coverage: dict[str, date]) -> list[Chart]:
    """Appendix 2's trend charts, a moving target in the words the appendix prints (safe for
    publication)."""
    words = {r.item: r.target_words for g in rated.appendix for r in g.rows}
    return trend_charts(
        rated.framework, rated.facts, rated.figures, report.trend, rated.published, coverage, words
    )


def _context(
    report: Report, rated: Rated, quality: DataQuality, built: Built, trends: list[Chart]
) -> ReportContext:
    """The context: the trend charts, the appendix notes, the provenance and the acronyms used."""
    store, la_code, quarter, lay, rules = (
        report.store,
        report.la_code,
        report.quarter,
        report.lay,
        report.rules,
    )
    options, periods, trend, figures = report.options, report.periods, report.trend, rated.figures
    framework, supplied, published = rated.framework, rated.supplied, rated.published
    settings, loads = options.settings, built.loads
    context = ReportContext(
        title=lay.title.format(
            period_long=periods["current"].long, financial_year=periods["current"].financial_year
        ),
        authority=report.names,
        period=periods["current"],
        previous=periods["previous"],
        year_earlier=periods["year_earlier"],
        trend_periods=[str(q) for q in trend],
        synthetic=provenance.is_synthetic(loads, store.path)
        if options.synthetic is None
        else options.synthetic,
        publication=publication_settings(
            rules, sum(f.status == "suppressed" for f in figures.values())
        ),
        performance=rated.performance,
        sections=built.sections,
        omitted=built.omitted,
        appendix=rated.appendix,
        appendix_notes=_appendix_notes(framework, supplied),
        trends=trends,
        data_quality=quality,
        comparators=published,
        definitions=rated.definitions,
        figures=figures,
        acronyms=[],  # filled below from what the paper says
        revisions=built.revised,
        staffing=built.staffing,
        finance=built.finance,
        paper=paper_.cover(built.paper) if built.paper is not None else None,
        provenance=Provenance(
            generated_at=(options.generated_at or datetime.now(UTC)).replace(microsecond=0),
            software_version=_version(),
            store=store.path.name,
            framework_file=framework.name if supplied else None,  # its name, not its file
            commentary_file=Path(report.commentary_file).name if report.commentary_file else None,
            settings={
                "population_basis": settings.population_basis,
                "not_reportable_threshold": settings.not_reportable_threshold,
                "small_number_threshold": rated.threshold,
                "trend_quarters": options.trend_quarters,
            },
            loads=loads,
            population=provenance.population(
                store,
                la_code,
                sorted({quarter, *trend, quarter.previous(), quarter.same_quarter_last_year()}),
                settings,
            ),
            comparators=provenance.comparator_sources(published),
        ),
    )
    return context.model_copy(
        update={
            "acronyms": acronyms_.used(context, lay.acronyms),
            "provenance": provenance_text.written(
                context.provenance,
                schema_version=context.schema_version,
                publication=context.publication,
                definitions=context.definitions,
                comparators=context.comparators,
            ),
        }
    )


def _appendix_notes(framework: Framework, supplied: bool) -> list[str]:
    notes = list(framework.notes) if supplied else []
    notes.append(
        "Where the framework gives no comparator, the comparator is the most recent published "
        "statistical-neighbour average (DfE), or the England figure when there is none; the year is shown with it."
    )
    notes.append(
        "Commentary marked Draft is generated from the figures (target, trend, comparator, small "
        "numbers, data quality) and has not been reviewed by an analyst."
    )
    notes.append(
        "Direction of travel compares this quarter with the previous quarter, taking account of "
        "whether higher or lower is better."
    )
    return notes


def _version() -> str:
    try:
        return metadata.version("csc-scorecard")
    except metadata.PackageNotFoundError:
        return "unknown"
