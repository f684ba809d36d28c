"""``build_context``'s sections step: the layout's sections, each from its builder in the registry
(``report/sections/registry.py``), between the executive summary and the data quality section;
arranged as a committee paper when asked, with revised figures said, and every paragraph
numbered once in reading order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from csc_scorecard.model.periods import Quarter
from csc_scorecard.report import executive, history, provenance, quality_section
from csc_scorecard.report import paper as paper_
from csc_scorecard.report.alongside import Alongside
from csc_scorecard.report.gather import Report
from csc_scorecard.report.layout import placement
from csc_scorecard.report.model import (
    DataQuality,
    Figure,
    OmittedSection,
    Revision,
    Section,
)
from csc_scorecard.report.paper import PaperFile
from csc_scorecard.report.publication import (
    PublicationRules,
    is_small,
)
from csc_scorecard.report.rate import Rated
from csc_scorecard.report.run_figures import coverage_starts
from csc_scorecard.report.sections.finance.section import FinanceSection
from csc_scorecard.report.sections.inputs import SectionInputs
from csc_scorecard.report.sections.registry import (
    build_section,
    nested_sections,
    staffing_started,
)
from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.store import Store


@dataclass
class Built:
    sections: list[Section]
    omitted: list[OmittedSection]
    revised: list[Revision]
    loads: list[Any]
    staffing: StaffingSection | None
    finance: FinanceSection | None
    paper: PaperFile | None
    coverage: dict[str, date]


def staffing_aside(report: Report) -> Alongside | None:
    """The staffing section started in its thread now (`registry.staffing_started`), so that its
    statements run beside the figures, rating and charts; `build_sections` takes it."""
    return staffing_started(
        placement(report.lay, report.measures),
        report.lay,
        report.store,
        report.la_code,
        report.quarter,
        publication=report.rules is not None,
        run=report.run,
    )


def build_sections(
    report: Report,
    rated: Rated,
    quality: DataQuality,
    coverage: dict[str, date] | None = None,
    staffing_aside: Alongside | None = None,
) -> Built:
    """The layout's sections, each from its builder in the registry, between the executive
    summary and the data quality section; arranged as a committee paper when asked, and every
    paragraph numbered. ``coverage`` is ``run_figures.coverage_starts`` of the report's
    measures, when the caller has it already; ``staffing_aside`` the staffing section's thread,
    when the caller started it already (`staffing_aside`)."""
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
        finance_aside=report.finance,
        staffing_aside=staffing_aside,
    )

    sections: list[Section] = []
    omitted: list[OmittedSection] = []
    if coverage is None:
        coverage = coverage_starts(store, la_code, measures.values())
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
    revised = revisions(store, la_code, quarter, rated.figures, rules)
    for section in sections:  # said in the data quality section, after what it says already
        if section.id == "data_quality":
            section.paragraphs.extend(history.paragraphs(revised))
    sections = paper_.arrange(sections, paper, slots, publication=rules is not None)
    number_paragraphs(sections)
    return Built(
        sections=sections,
        omitted=omitted,
        revised=revised,
        loads=loads,
        staffing=staffing,
        finance=finance,
        paper=paper,
        coverage=coverage,
    )


def revisions(
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


def number_paragraphs(sections: list[Section]) -> None:
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
