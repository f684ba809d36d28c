"""``build_context``'s rating step: the framework rated on the printed values, the figures the
report prints (suppressed for publication), the definitions, the facts sentences read and the
appendix; then the data quality the report states."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from csc_scorecard.rating import Framework
from csc_scorecard.report import appendix as appendix_
from csc_scorecard.report import executive, framework_rating, provenance
from csc_scorecard.report import faults as faults_
from csc_scorecard.report.facts import Facts
from csc_scorecard.report.gather import Report
from csc_scorecard.report.model import (
    Counts,
    DataQuality,
    Definition,
    Figure,
    Performance,
)
from csc_scorecard.report.publication import suppress
from csc_scorecard.report.run_figures import (
    measure_notes,
    worker_level,
)
from csc_scorecard.report.trend_charts import charted_measures
from csc_scorecard.terms import words as council_words


@dataclass
class Rated:
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


def rate(report: Report, raw: dict[str, Figure]) -> Rated:
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
    charted = charted_measures(framework, lay)
    wanted = {
        fid: f
        for fid, f in raw.items()
        if f.period in key_periods or (f.measure in charted and f.dimension is None)
    }
    figures = {fid: suppress(f, rules) for fid, f in wanted.items()} if rules else wanted
    if rules:
        figures = {fid: f for fid, f in figures.items() if not worker_level(f, lay)}
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
    return Rated(
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


def data_quality(report: Report, rated: Rated) -> DataQuality:
    """Measures not reportable or not available, the load issues and the rule faults."""
    store, la_code, quarter, rules = report.store, report.la_code, report.quarter, report.rules
    figures, measures = rated.figures, report.measures
    issues, issue_total = provenance.quality_issues(store, la_code, with_rows=rules is None)
    return DataQuality(
        not_reportable=measure_notes(figures, measures, quarter, "not_reportable"),
        not_available=measure_notes(figures, measures, quarter, "not_available"),
        issues=issues,
        issue_total=issue_total,
        errors=report.errors,
        rule_faults=faults_.rule_faults(store, la_code, quarter, rules),
    )
