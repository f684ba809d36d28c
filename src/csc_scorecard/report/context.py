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
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from csc_scorecard.errors import NotFound
from csc_scorecard.measures.availability import activity_date
from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.results import measure_run
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.codes import codes
from csc_scorecard.model.periods import Quarter
from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.numbers import count, display
from csc_scorecard.rating import Framework, load_framework
from csc_scorecard.rating.checks import check_framework
from csc_scorecard.rating.rated import framework_manual_rows
from csc_scorecard.report import acronyms as acronyms_
from csc_scorecard.report import appendix as appendix_
from csc_scorecard.report import (
    charts,
    executive,
    framework_rating,
    history,
    provenance,
    provenance_text,
    quality_section,
)
from csc_scorecard.report import commentary as commentary_
from csc_scorecard.report import faults as faults_
from csc_scorecard.report import paper as paper_
from csc_scorecard.report.commentary import Commentary, read_commentary
from csc_scorecard.report.facts import Facts, figure_id
from csc_scorecard.report.layout import Layout, layout, placement
from csc_scorecard.report.model import (
    Authority,
    Chart,
    Counts,
    DataQuality,
    Definition,
    Figure,
    MeasureNote,
    OmittedSection,
    Performance,
    PeriodInfo,
    Provenance,
    ReportContext,
    Revision,
    Section,
)
from csc_scorecard.report.paper import PaperFile
from csc_scorecard.report.publication import (
    PublicationRules,
    check_commentary,
    is_small,
    suppress,
    without_small_in_reason,
)
from csc_scorecard.report.publication import settings as publication_settings
from csc_scorecard.report.sections.finance.section import FinanceSection
from csc_scorecard.report.sections.inputs import SectionInputs
from csc_scorecard.report.sections.measured import covered
from csc_scorecard.report.sections.registry import build_section, nested_sections
from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.store import Store
from csc_scorecard.terms import using
from csc_scorecard.terms import words as council_words
from csc_scorecard.wording import long_date

TREND_QUARTERS = 8


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

    The steps, each a function below: gather the inputs (``_gather``), the figures
    (``_all_figures``), rate them and write the appendix (``_rate``), the data quality
    (``_data_quality``), the sections from the registry (``_sections``, through
    ``report/sections/registry.py``), then the context with its provenance (``_context``).
    """
    report = _gather(
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
    raw = _all_figures(report)
    rated = _rate(report, raw)
    quality = _data_quality(report, rated)
    built = _sections(report, rated, quality)
    return _context(report, rated, quality, built)


@dataclass(frozen=True)
class ReportOptions:
    """``build_context``'s keyword arguments (see its docstring), as given."""

    framework: Framework | str | Path | None = None
    commentary: dict[tuple[str, str], Commentary] | str | Path | None = None
    publication: PublicationRules | bool | None = None
    synthetic: bool | None = None
    generated_at: datetime | None = None
    settings: Settings = field(default_factory=Settings)
    trend_quarters: int = TREND_QUARTERS
    run: MeasureRun | None = None
    scenario: str = "base"
    paper: PaperFile | str | Path | None = None
    narrative: str | Path | None = None
    allow_commentary_numbers: bool = False


@dataclass
class _Report:
    """What every step reads: the options resolved (files read, the measure run made)."""

    store: Store
    la_code: str
    quarter: Quarter
    options: ReportOptions
    lay: Layout
    framework: Framework | None  # as supplied (None: every measure for information)
    framework_file: str | None
    commentary: dict[tuple[str, str], Commentary]
    commentary_file: str | None
    rules: PublicationRules | None
    measures: dict[str, Measure]
    trend: list[Quarter]
    run: MeasureRun
    errors: list[str]
    periods: dict[str, PeriodInfo]
    names: Authority
    manual_notes: dict[tuple[str, str], tuple[str, str | None]]


@dataclass
class _Rated:
    """The figures printed, rated under the framework, with the appendix they fill."""

    framework: Framework  # the supplied one, else the catalogue's
    supplied: bool
    threshold: int | None
    published: dict[str, Any]
    figures: dict[str, Figure]
    definitions: dict[str, Definition]
    facts: Facts
    appendix: list[Any]
    performance: Performance


@dataclass
class _Built:
    sections: list[Section]
    omitted: list[OmittedSection]
    revised: list[Revision]
    loads: list[Any]
    staffing: StaffingSection | None
    finance: FinanceSection | None
    paper: PaperFile | None
    coverage: dict[str, date]


def _gather(store: Store, la_code: str, period: str | Quarter, options: ReportOptions) -> _Report:
    """Read the framework and commentary files, check the store covers the quarter, and measure
    (or check the measure run given)."""
    quarter = period if isinstance(period, Quarter) else Quarter.parse(str(period))
    framework, framework_file = options.framework, None
    if framework is not None and not isinstance(framework, Framework):
        framework_file = str(framework)
        framework = load_framework(framework)
    commentary, commentary_file = options.commentary, None
    if commentary is not None and not isinstance(commentary, dict):
        commentary_file = str(commentary)
        commentary = read_commentary(commentary)
    publication = options.publication
    rules = PublicationRules() if publication is True else (publication or None)
    _check_coverage(store, la_code, quarter)

    trend = measure_quarters(quarter, options.trend_quarters)
    errors: list[str] = []
    run = options.run
    if run is None:
        run, errors = _run(store, la_code, trend, options.settings)
    elif run.la_code != la_code or str(run.periods[-1]) != str(quarter):
        raise ValueError(
            f"the measure run is for {run.la_code} to {run.periods[-1]}, not {la_code} {quarter}"
        )
    periods = {
        "current": _period(quarter),
        "previous": _period(quarter.previous()),
        "year_earlier": _period(quarter.same_quarter_last_year()),
    }
    if framework is not None:
        # Misspelt measure ids, wrong units, another authority's framework: refused or warned.
        check = check_framework(framework, la_code=la_code)
        check.raise_errors(framework_file or framework.name)
        errors = [*errors, *(f"framework: {w}" for w in check.warnings)]
    return _Report(
        store=store,
        la_code=la_code,
        quarter=quarter,
        options=options,
        lay=layout(),
        framework=framework,
        framework_file=framework_file,
        commentary=commentary or {},
        commentary_file=commentary_file,
        rules=rules,
        measures=catalogue(),
        trend=trend,
        run=run,
        errors=errors,
        periods=periods,
        names=_authority(store, la_code, framework),
        manual_notes={},
    )


def _all_figures(report: _Report) -> dict[str, Figure]:
    """Every figure of the run and the framework's manual values, with analysts' statuses; for
    publication, small counts of faulty rows redacted and typed commentary checked."""
    store, la_code, framework, rules = report.store, report.la_code, report.framework, report.rules
    commentary, measures = report.commentary, report.measures
    raw = _figures(report.run, measures, report.lay, _loaded_tables(store, la_code))
    raw.update(_framework_manual_figures(store, la_code, framework, measures, report.run.periods))
    if commentary:  # figures an analyst marked not reportable or under validation
        items = {i.id: [i.measure] for i in framework.all_items() if i.measure} if framework else {}
        raw = commentary_.apply_status(raw, commentary, items)
    if rules:  # a not-reportable reason's small counts of faulty rows are redacted
        raw = {fid: without_small_in_reason(f, rules) for fid, f in raw.items()}
    report.manual_notes = manual_notes = _manual_commentary(store, la_code)
    if rules:  # typed commentary printed for this quarter
        now = str(report.quarter)
        typed = {f"{c.key} {c.period}": c.text for c in commentary.values() if c.period == now}
        typed.update(
            {
                f"{m} {p} (manual values)": text
                for (m, p), (text, _) in manual_notes.items()
                if p == now
            }
        )
        check_commentary(typed, rules, allowed=report.options.allow_commentary_numbers)
    return raw


def _rate(report: _Report, raw: dict[str, Figure]) -> _Rated:
    """Rate the framework on the printed values; keep the figures the report prints (suppressed
    for publication); the definitions, the facts the sentences read and the appendix."""
    store, la_code, quarter, lay, rules = (
        report.store,
        report.la_code,
        report.quarter,
        report.lay,
        report.rules,
    )
    measures, periods = report.measures, report.periods
    supplied = report.framework is not None
    framework = report.framework or framework_rating.catalogue_framework(
        measures.values(), report.names.name
    )
    threshold = framework.small_number_threshold
    published = provenance.comparators(store, la_code, measures.values(), quarter)
    rated, rated_before = framework_rating.rate(framework, raw, quarter, published=published)

    key_periods = {p.id for p in periods.values()}
    charted = _charted_measures(framework, lay)
    wanted = {
        fid: f
        for fid, f in raw.items()
        if f.period in key_periods or (f.measure in charted and f.dimension is None)
    }
    figures = {fid: suppress(f, rules) for fid, f in wanted.items()} if rules else wanted
    if rules:
        figures = {fid: f for fid, f in figures.items() if not _worker_level(f, lay)}
    definitions = {
        m.id: Definition(
            measure=m.id,
            title=council_words(m.title),
            unit=m.unit,
            polarity=m.polarity,
            period_type=m.period_type,
            # the members' definition in the council's vocabulary; the guidance's title as published
            definition=council_words(" ".join((m.summary or "").split())),
            source=m.guidance or "",  # a publication's title, as published
            settings=m.settings,
        )
        for m in measures.values()
    }
    allowances, chance = executive.materiality(framework)
    facts = Facts(
        figures, periods, published, definitions, report.names.name, threshold, allowances, chance
    )

    appendix = appendix_.build(
        rated, framework, facts, published, report.commentary, report.manual_notes
    )
    facts.appendix = appendix
    performance = Performance(
        framework=framework.name if supplied else None,
        summary=Counts.of(rated.summary),
        previous_summary=Counts.of(rated_before.summary),
        small_number_threshold=threshold,
        similar_within=allowances,
        chance_confidence=chance[0] if chance else None,
        chance_confidence_display=chance[1] if chance else "",
    )
    return _Rated(
        framework=framework,
        supplied=supplied,
        threshold=threshold,
        published=published,
        figures=figures,
        definitions=definitions,
        facts=facts,
        appendix=appendix,
        performance=performance,
    )


def _data_quality(report: _Report, rated: _Rated) -> DataQuality:
    """Measures not reportable or not available, the load issues and the rule faults."""
    store, la_code, quarter, rules = report.store, report.la_code, report.quarter, report.rules
    figures, measures = rated.figures, report.measures
    issues, issue_total = provenance.quality_issues(store, la_code, with_rows=rules is None)
    return DataQuality(
        not_reportable=_notes(figures, measures, quarter, "not_reportable"),
        not_available=_notes(figures, measures, quarter, "not_available"),
        issues=issues,
        issue_total=issue_total,
        errors=report.errors,
        rule_faults=faults_.rule_faults(store, la_code, quarter, rules),
    )


def _sections(report: _Report, rated: _Rated, quality: DataQuality) -> _Built:
    """The layout's sections, each from its builder in the registry, between the executive
    summary and the data quality section; arranged as a committee paper when asked, and every
    paragraph numbered."""
    store, la_code, quarter, lay, rules = (
        report.store,
        report.la_code,
        report.quarter,
        report.lay,
        report.rules,
    )
    measures, facts, options = report.measures, rated.facts, report.options
    loads = provenance.loads(store, la_code, lay)

    placed_sections = placement(lay, measures)
    staffing, finance = nested_sections(
        placed_sections,
        lay,
        store,
        la_code,
        quarter,
        publication=rules is not None,
        run=report.run,
        scenario=options.scenario,
    )

    sections: list[Section] = []
    omitted: list[OmittedSection] = []
    coverage = _coverage(store, la_code, measures.values())
    for placed in placed_sections:
        inputs = SectionInputs(
            placed,
            facts,
            lay,
            store,
            la_code,
            quarter,
            report.trend,
            coverage,
            rules,
            staffing,
            finance,
        )
        built = build_section(inputs)
        if built is None:
            continue
        if isinstance(built, OmittedSection):
            omitted.append(built)
        else:
            sections.append(built)
    summary = executive.summary_section(
        facts,
        rated.performance,
        rated.appendix,
        loads,
        quality,
        omitted,
        la_code,
        finance if any(s.id == "finance" for s in sections) else None,
    )
    sections = [summary, *sections, quality_section.quality_section(facts, quality)]
    paper = options.paper
    if paper is not None and not isinstance(paper, paper_.PaperFile):
        paper = paper_.read_paper(paper)
    narrative = options.narrative
    slots = paper_.read_narrative(narrative, sections) if narrative is not None else None
    revised = _revisions(store, la_code, quarter, rated.figures, rules)
    for section in sections:  # said in the data quality section, after what it says already
        if section.id == "data_quality":
            section.paragraphs.extend(history.paragraphs(revised))
    sections = paper_.arrange(sections, paper, slots, publication=rules is not None)
    _number(sections)
    return _Built(
        sections=sections,
        omitted=omitted,
        revised=revised,
        loads=loads,
        staffing=staffing,
        finance=finance,
        paper=paper,
        coverage=coverage,
    )


def _context(report: _Report, rated: _Rated, quality: DataQuality, built: _Built) -> ReportContext:
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
    # A moving target in the words the appendix prints (safe for publication).
    words = {r.item: r.target_words for g in rated.appendix for r in g.rows}
    trends = _trend_charts(framework, rated.facts, figures, trend, published, built.coverage, words)
    context = ReportContext(
        title=lay.title.format(
            period_long=periods["current"].long, financial_year=periods["current"].financial_year
        ),
        authority=report.names,
        period=periods["current"],
        previous=periods["previous"],
        year_earlier=periods["year_earlier"],
        trend_periods=[str(q) for q in trend],
        synthetic=provenance.is_synthetic(loads)
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


def _revisions(
    store: Store,
    la_code: str,
    quarter: Quarter,
    figures: dict[str, Figure],
    rules: PublicationRules | None,
) -> list[Revision]:
    """Past quarters' figures revised since an earlier report published them (history.py); for
    publication, none that would print a small count the earlier report showed unsuppressed."""
    periods = {f.period for f in figures.values()}
    labels = {p: Quarter.parse(p).label for p in periods}
    found = history.revisions(store, la_code, str(quarter), figures, labels)
    if rules is None:
        return found
    units = {f.measure: f.unit for f in figures.values()}
    return [
        r
        for r in found
        if units.get(r.measure) != "count"
        or not (is_small(r.published_value, rules) or is_small(r.value, rules))
    ]


def _check_coverage(store: Store, la_code: str, quarter: Quarter) -> None:
    """Refuse a quarter no loaded data covers, or an authority with no case data loaded (only
    reference data or templates): the report would present nothing as real."""
    with store.con.cursor() as cur:
        case_loads = cur.execute(
            """SELECT count(*) FROM loads WHERE la_code = ?
               AND source_format NOT LIKE 'reference%' AND source_format NOT LIKE 'template:%'""",
            [la_code],
        ).fetchall()[0][0]
    if not case_loads:
        raise NotFound(
            f"the store holds no case data for LA {la_code} (only reference data or templates): "
            "ingest the authority's statutory extracts first"
        )
    span = store.coverage(la_code)
    if span is None:
        raise NotFound(
            f"no data loaded for LA {la_code} carries a date, so the store covers no quarter: "
            "ingest the authority's statutory extracts first"
        )
    if quarter.start > span[1] or quarter.end < span[0]:
        raise NotFound(
            f"the store has no data for {quarter} ({quarter.label}) for LA {la_code}: its "
            f"loaded data cover {span[0]:%d/%m/%Y} to {span[1]:%d/%m/%Y}"
        )


# -- measures and figures ---------------------------------------------------------------------


def measure_quarters(quarter: Quarter, n: int = TREND_QUARTERS) -> list[Quarter]:
    """The quarters a report measures: the ``n`` quarters to ``quarter`` (the trend charts);
    ``measure_run`` adds the previous and year-earlier quarters of each."""
    out = [quarter]
    while len(out) < n:
        out.insert(0, out[0].previous())
    return out


def measure(
    store: Store, la_code: str, quarter: Quarter, settings: Settings | None = None
) -> MeasureRun:
    """The measure run a report for ``quarter`` needs (pass it to ``build_context(run=...)``)."""
    return _run(store, la_code, measure_quarters(quarter), settings or Settings())[0]


def _run(
    store: Store, la_code: str, quarters: list[Quarter], settings: Settings
) -> tuple[MeasureRun, list[str]]:
    """All measures in one run; if that fails, measure by measure, so one broken measure is
    reported (and shown as not available) instead of stopping the report."""
    try:
        return measure_run(store, la_code, quarters, settings=settings), []
    except Exception as error:  # noqa: BLE001 - isolate the failing measure below
        print(
            f"warning: measuring all at once failed ({error}); measuring one by one",
            file=sys.stderr,
        )
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for m in catalogue().values():
        try:
            rows.extend(
                measure_run(store, la_code, quarters, measures=[m.id], settings=settings).rows
            )
        except Exception as error:  # noqa: BLE001
            errors.append(f"{m.id}: {type(error).__name__}: {error}".splitlines()[0][:300])
            print(f"warning: measure {m.id} failed: {error}", file=sys.stderr)
    return MeasureRun(la_code=la_code, periods=quarters, rows=rows), errors


def _figures(
    run: MeasureRun, measures: dict[str, Measure], lay: Layout, loaded: set[str]
) -> dict[str, Figure]:
    out = {}
    for r in run.rows:
        m = measures.get(r["measure"])
        if m is None:
            continue
        missing = _missing_tables(m, loaded)
        if missing and r.get("status") == "ok":
            # The engine counts 0 where a table has no rows; with nothing loaded that 0 would
            # mean "not loaded", so the figure is not available and says so.
            r = {
                **r,
                "status": "not_available",
                "reason": f"no {' or '.join(missing)} data is loaded for this authority",
            }
        fig = _figure(r, m.title, m.unit, m.dimension, lay)
        out[fig.id] = fig
    return out


def _loaded_tables(store: Store, la_code: str) -> set[str]:
    """Authority tables holding at least one row for the authority."""
    from csc_scorecard.model.schema import tables

    found = set()
    for t in tables().values():
        if (
            t.la_scoped
            and store.con.execute(
                f'SELECT 1 FROM "{t.name}" WHERE la_code = ? LIMIT 1', [la_code]
            ).fetchone()
        ):
            found.add(t.name)
    return found


def _missing_tables(m: Measure, loaded: set[str]) -> list[str]:
    names = sorted({spec.partition(".")[0] for spec in m.fields})
    return [n.replace("_", " ") for n in names if table_spec(n).la_scoped and n not in loaded]


def _figure(
    r: dict[str, Any], title: str, unit: str, dimension_name: str | None, lay: Layout
) -> Figure:
    dim = r.get("dimension")
    status = r.get("status") or ("ok" if r.get("value") is not None else "not_available")
    value = _stable(r.get("value")) if status == "ok" else None
    return Figure(
        id=figure_id(r["measure"], r["period"], dim),
        measure=r["measure"],
        title=title,
        unit=unit,
        period=r["period"],
        dimension=dim,
        dimension_label=dimension_label(dimension_name, dim, lay) if dim is not None else None,
        value=value,
        numerator=_stable(r.get("numerator")),
        denominator=_stable(r.get("denominator")),
        status=status,
        reason=r.get("reason"),
        display=display(value, unit),
        # A figure that failed its quality check or has no value shows no counts either.
        numerator_display=count(_stable(r.get("numerator"))) if status == "ok" else "",
        denominator_display=count(_stable(r.get("denominator"))) if status == "ok" else "",
        window_start=r.get("window_start"),
        window_end=r.get("window_end"),
        source=r.get("source") or "case data",
    )


def _stable(x: float | None) -> float | None:
    """Twelve significant digits. A parallel engine sums doubles in any order, so the same data
    can give 24.150000000000002 one run and 24.150000000000006 the next; the context keeps
    what is meaningful so that the same data always gives the same context.

    >>> _stable(24.150000000000006), _stable(None)
    (24.15, None)
    """
    return None if x is None else float(f"{x:.12g}")


def dimension_label(dimension: str | None, code: str, lay: Layout | None = None) -> str:
    """A breakdown category as printed: the layout's label, else the DfE code list's label
    (``model/codes/<dimension>.yaml``), else the code made readable.

    >>> dimension_label("referral_source", "6"), dimension_label("referral_source", "not recorded")
    ('Police', 'Not recorded')
    >>> dimension_label("referral_source", "Q9")
    'Q9 (not a DfE code)'
    """
    lay = lay or layout()
    if dimension in lay.dimension_labels and code in lay.dimension_labels[dimension]:
        return lay.dimension_labels[dimension][code]
    if code == "not recorded":
        return "Not recorded"
    try:
        known = codes(dimension) if dimension else {}
    except KeyError:
        known = {}
    if known:
        return known.get(code, f"{code} (not a DfE code)")
    return code.replace("_", " ").capitalize()


def _framework_manual_figures(
    store: Store,
    la_code: str,
    framework: Framework | None,
    measures: dict[str, Measure],
    quarters: list[Quarter],
) -> dict[str, Figure]:
    """Figures from manual values named by a framework item id (or by an item's measure id
    that is not in the catalogue): local spreadsheets filling what the case data cannot count.
    The appendix uses them where the catalogue measure has no value (``appendix.figure_key``)."""
    if framework is None:
        return {}
    needed = {
        str(q)
        for quarter in quarters
        for q in (quarter, quarter.previous(), quarter.same_quarter_last_year())
    }
    out = {}
    for row in framework_manual_rows(store, la_code, framework, measures, needed):
        fig = _figure(row, row["title"], row["unit"], None, layout())
        out[fig.id] = fig
    return out


def _manual_commentary(store: Store, la_code: str) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Commentary supplied with manual values: (measure, period) -> (text, source)."""
    return {
        (v.measure, v.period): (" ".join(v.commentary.split()), v.source)
        for v in store.manual_values(la_code)
        if v.commentary and v.commentary.strip()
    }


def _worker_level(f: Figure, lay: Layout) -> bool:
    if f.measure in lay.worker_level_measures:
        return True
    m = catalogue().get(f.measure)
    return bool(m and m.dimension in lay.worker_level_dimensions)


def _notes(
    figures: dict[str, Figure], measures: dict[str, Measure], quarter: Quarter, status: str
) -> list[MeasureNote]:
    """Measures (headline or any category) with this status this quarter, once each."""
    seen: dict[str, MeasureNote] = {}
    for f in figures.values():
        if f.period == str(quarter) and f.status == status and f.measure not in seen:
            title = measures[f.measure].title if f.measure in measures else f.title
            seen[f.measure] = MeasureNote(
                measure=f.measure,
                title=title,
                status=status,
                reason=f.reason or status.replace("_", " "),
            )
    return sorted(
        seen.values(),
        key=lambda n: list(measures).index(n.measure) if n.measure in measures else len(measures),
    )


def _coverage(store: Store, la_code: str, measures: Iterable[Measure]) -> dict[str, date]:
    """Per measure, the first date its data covers: the latest of the earliest activity dates
    of the tables it counts from. Earlier quarters would show a count of 0 that means 'not
    loaded', so trend charts start there."""
    first: dict[str, date | None] = {}
    out: dict[str, date] = {}
    for m in measures:
        starts = []
        for spec in m.fields:
            name = spec.partition(".")[0]
            if name not in first:
                column = activity_date(name)
                found = None
                if column and table_spec(name).la_scoped:
                    found = store.con.execute(
                        f'SELECT min("{column}") FROM "{name}" WHERE la_code = ?', [la_code]
                    ).fetchone()[0]
                first[name] = found
            if first[name] is not None:
                starts.append(first[name])
        if starts:
            out[m.id] = max(starts)
    return out


def _charted_measures(framework: Framework, lay: Layout) -> set[str]:
    wanted = {i.measure for i in framework.all_items() if i.measure} | {
        i.id for i in framework.all_items()
    }
    for s in lay.sections:
        wanted.update(s.demand_measures)
    return wanted


def _trend_charts(
    framework: Framework,
    facts: Facts,
    figures: dict[str, Figure],
    trend: list[Quarter],
    published: dict[str, Any],
    coverage: dict[str, date],
    words: dict[str, str],
) -> list[Chart]:
    known = catalogue()
    out = []
    # A relative or incremental target is set afresh each quarter: drawn as it was set.
    moving = framework_rating.moving_targets(framework, figures, trend, published)
    for item in framework.all_items():
        points = []
        for q in trend:
            key = framework_rating.figure_key(item, figures, str(q))
            f = figures.get(figure_id(key, str(q)))
            ok = f is not None and f.status == "ok" and covered(known.get(key), q, coverage)
            points.append((q.label, f.value if ok else None))
        key = item.measure or item.id
        if sum(v is not None for _, v in points) < 2:
            continue
        comparator, label = item.comparator, item.comparator_label
        found = published.get(item.measure or "")
        if comparator is None and found is not None and found.statistical_neighbours is not None:
            comparator, label = (
                found.statistical_neighbours,
                f"Statistical neighbours {found.year_label}",
            )
        out.append(
            charts.trend(
                f"trend-{item.id}",
                f"{item.id} {item.title}",  # whole: the chart wraps it
                item.unit.value,
                points,
                measure=key,
                target=item.target if isinstance(item.target, float | int) else None,
                tolerance=item.tolerance if isinstance(item.tolerance, float | int) else None,
                comparator=comparator,
                comparator_label=label,
                moving_target=moving.get(item.id, []),
                target_words=words.get(item.id) or None,
            )
        )
    return out


# -- the rest -------------------------------------------------------------------------------------


def _period(q: Quarter) -> PeriodInfo:
    return PeriodInfo(
        id=str(q),
        label=q.label,
        short=f"Q{q.quarter}",
        long=f"Quarter {q.quarter}",
        financial_year=f"{q.year}/{(q.year + 1) % 100:02d}",
        start=q.start,
        end=q.end,
        start_text=long_date(q.start),
        end_text=long_date(q.end),
    )


def _authority(store: Store, la_code: str, framework: Framework | None) -> Authority:
    """The name from the LA reference table, else the framework's (when it is for this LA)."""
    row = None
    try:
        row = store.con.execute(
            "SELECT la_name, region_name FROM la_codes WHERE la_code = ? ORDER BY last_year DESC NULLS LAST LIMIT 1",
            [la_code],
        ).fetchone()
    except Exception:  # noqa: BLE001 - an older store without reference tables
        row = None
    region = row[1] if row else None
    if framework is not None and framework.la_code in (None, la_code):
        return Authority(la_code=la_code, name=framework.authority, region=region)
    if row and row[0]:
        return Authority(la_code=la_code, name=row[0], region=region)
    return Authority(la_code=la_code, name=f"Local authority {la_code}", region=region)


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


def _number(sections: list[Section]) -> None:
    """Number every paragraph once, in reading order, across the report."""
    n = 0

    def walk(section: Section) -> None:
        nonlocal n
        for p in section.paragraphs:
            n += 1
            p.number = n
        for sub in section.subsections:
            walk(sub)

    for s in sections:
        walk(s)


def _version() -> str:
    try:
        return metadata.version("csc-scorecard")
    except metadata.PackageNotFoundError:
        return "unknown"
