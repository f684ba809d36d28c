"""The report's Financial summary and Future placements strategy (seed paragraphs 36-44) from
`report.sections.finance.section.finance_section`.

The forecast layer computes the care-ladder outturn, the placement projection and the homes
register under one scenario and writes the paragraphs with cites into its own object; the report
nests that object at ``/finance`` in its context and prefixes each cite's pointer, so the
sentences are checked against the context like every other. This module only arranges it: the
paragraphs split between the two sections (the outturn, 36-42; the projection and the homes,
43-44), the scenario named, the variance-by-line table, and the charts drawn as SVG.

Publication mode uses the section's own publication argument: the high-cost package lists
(child-level) are never built, and counts of children from 1 to 5 print as "c".
"""

from __future__ import annotations

from csc_scorecard import numbers
from csc_scorecard.forecast.inspections import OwnHomes
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report import charts, series_charts
from csc_scorecard.report.model import Chart, OmittedSection, Paragraph, Section, Table
from csc_scorecard.report.sections.finance.section import FinanceSection, finance_section
from csc_scorecard.report.sections.inputs import SectionInputs
from csc_scorecard.store import Store
from csc_scorecard.wording import Cited, long_date, prefixed, say

PREFIX = "/finance"  # where ReportContext holds the section
# Paragraphs of the finance section that belong to the Future placements strategy.
STRATEGY = ("projection", "homes", "homes_total", "inspections")

_STATUS_WORDS = {
    "proposed": "proposed",
    "approved": "approved",
    "purchased": "purchased",
    "works": "works under way",
    "registering": "registering with Ofsted",
    "open": "open",
    "withdrawn": "withdrawn",
}


def build(
    store: Store, la_code: str, quarter: Quarter, *, scenario: str, publication: bool
) -> FinanceSection | None:
    """The finance section under ``scenario``, or None when it would say nothing (no budget
    lines or costed placements, no projection and no homes register)."""
    section = finance_section(store, la_code, quarter, scenario=scenario, publication=publication)
    if (
        not section.outturn.lines
        and section.projection is None
        and section.pipeline is None
        and section.inspections is None
    ):
        return None
    return section


def _paragraph(p: Paragraph, kind: str = "narrative") -> Paragraph:
    return Paragraph(
        kind=kind,
        sentences=[prefixed(s, PREFIX) for s in p.sentences],
        bullets=[prefixed(s, PREFIX) for s in p.bullets],
    )


def _scenario(section: FinanceSection) -> Paragraph:
    """Which scenario the forecasts are under, in words (the name and its description)."""
    return Paragraph(
        kind="note",
        sentences=[
            say(
                "The forecasts in this section are under the {name} scenario. {description}",
                name=Cited(section.scenario, f"{PREFIX}/scenario", section.scenario),
                description=Cited(
                    section.scenario_description,
                    f"{PREFIX}/scenario_description",
                    section.scenario_description,
                ),
            )
        ],
    )


def summary(inputs: SectionInputs) -> Section | OmittedSection:
    """The registry's ``finance`` builder: the Financial summary, else why it is left out."""
    found = None
    if inputs.finance is not None:
        found = summary_section(inputs.finance, inputs.spec.title)
    return found or inputs.left_out(measures=True)


def strategy(inputs: SectionInputs) -> Section | OmittedSection:
    """The registry's ``placements_strategy`` builder: the Future placements strategy, else why
    it is left out."""
    found = None
    if inputs.finance is not None:
        found = strategy_section(inputs.finance, inputs.spec.title)
    return found or inputs.left_out(measures=True)


def summary_section(section: FinanceSection, title: str) -> Section | None:
    """Financial summary: the outturn paragraphs (36-42), the variance by line as a table and a
    chart. None when there are no budget lines or costed placements."""
    if not section.outturn.lines:
        return None
    paragraphs = [_paragraph(p) for p in section.paragraphs if p.id not in STRATEGY]
    return Section(
        id="finance",
        title=title,
        paragraphs=paragraphs,  # the first (seed 36) names the scenario
        tables=[_variance_table(section)],
        charts=[_variance_chart(section)] if section.charts.variance_by_line else [],
        notes=[n for n in section.notes if n not in _strategy_notes(section)],
    )


def strategy_section(section: FinanceSection, title: str) -> Section | None:
    """Future placements strategy: the placement projection with its band, and the homes
    register (43-44). None when there is neither."""
    paragraphs = [_paragraph(p) for p in section.paragraphs if p.id in STRATEGY]
    tables = [_homes_table(section)] if section.pipeline is not None else []
    if section.inspections is not None:
        tables.append(inspections_table(section.inspections))
    chart = _projection_chart(section)
    if not paragraphs and not tables and chart is None:
        return None
    if section.projection is not None:  # the projection, too, depends on the scenario
        paragraphs.append(_scenario(section))
    return Section(
        id="placements_strategy",
        title=title,
        paragraphs=paragraphs,
        tables=tables,
        charts=[chart] if chart is not None else [],
        notes=_strategy_notes(section),
    )


def _strategy_notes(section: FinanceSection) -> list[str]:
    """The notes about the projection (its own caveats, or why there is none)."""
    if section.projection is not None:
        return [n for n in section.notes if n in section.projection.notes]
    return [n for n in section.notes if "projection" in n]


def _variance_table(section: FinanceSection) -> Table:
    indent = {
        "line": "\u2003",
        "offset": "",
        "subtotal": "",
        "staffing": "",
        "group": "",
        "total": "",
    }
    return Table(
        id="variance_by_line",
        title=f"Care ladder and staffing: budget, forecast outturn and variance, {section.financial_year}",
        columns=["Line", "Budget", "Forecast outturn", "Variance"],
        rows=[
            [
                indent.get(r.kind, "") + r.name,
                r.budget_display,
                r.forecast_display,
                r.variance_display,
            ]
            for r in section.variance_table
        ],
        as_at_text=section.as_at_text,
        note="Variance: + overspend, - underspend; forecast under the "
        f"{section.scenario} scenario.",
    )


def _variance_chart(section: FinanceSection) -> Chart:
    points = sorted(section.charts.variance_by_line, key=lambda p: -p.variance)
    rows = {r.id: r.variance_display for r in section.variance_table}
    return charts.breakdown(
        "finance-variance-by-line",
        f"Forecast variance by line, {section.financial_year}",
        "gbp",
        [(p.label, p.variance) for p in points],
        measure="care_ladder_variance",
        printed=[rows.get(p.id, "") for p in points],
        width=260,
    )


def _projection_chart(section: FinanceSection) -> Chart | None:
    total = [p for p in section.charts.projection if p.group == "total"]
    if not total:
        return None
    actual = [(p.date.isoformat(), p.value) for p in total if p.series == "actual"]
    projected = [
        (p.date.isoformat(), p.value, p.low, p.high) for p in total if p.series == "projected"
    ]
    return series_charts.projection(
        "finance-placement-projection",
        f"Children in care: actual and projected ({section.scenario} scenario)",
        actual,
        projected,
        measures=["cla_at_period_end"],
    )


def _homes_table(section: FinanceSection) -> Table:
    pipe = section.pipeline
    assert pipe is not None
    active = [h for h in pipe.homes if (h.status or "") != "withdrawn"]
    return Table(
        id="homes_pipeline",
        title=f"Children's homes in development at {long_date(pipe.as_at)}",
        columns=[
            "Home",
            "Beds",
            "Status",
            "Planned opening",
            "Capital cost",
            "Works",
            "Registered manager",
            "Risks and notes",
        ],
        rows=[
            [
                h.name,
                "" if h.beds is None else f"{h.beds:,}",
                _STATUS_WORDS.get(h.status or "", h.status or ""),
                long_date(d) if (d := h.actual_opening or h.planned_opening) else "",
                numbers.pounds(h.capital_cost) if h.capital_cost else "",
                numbers.pounds(h.works_cost) if h.works_cost else "",
                ""
                if h.manager_recruited is None
                else ("in post" if h.manager_recruited else "to be recruited"),
                h.risks or "",
            ]
            for h in pipe.homes
        ],
        totals={
            "homes": len(active),
            "beds": sum(h.beds or 0 for h in active),
            "withdrawn": len(pipe.homes) - len(active),
        },
        as_at_text=long_date(pipe.as_at),
    )


def inspections_table(homes: OwnHomes) -> Table:
    """The authority's own homes: the latest inspection, the judgement at the latest full one,
    the next inspection due and whether it is overdue (forecast/inspections.py has the rule)."""
    return Table(
        id="own_homes_inspections",
        title=f"Ofsted inspections of the authority's children's homes at {homes.as_at_text}",
        columns=[
            "Home",
            "URN",
            "Registered places",
            "Last inspection",
            "Judgement at the latest full inspection",
            "Next inspection due",
            "Overdue",
        ],
        rows=[
            [
                h.name,
                h.urn or "",
                "" if h.registered_places is None else f"{h.registered_places:,}",
                f"{h.last_inspection_text} ({h.last_inspection_type})",
                f"{h.judgement_text} ({h.last_full_inspection_text})" if h.judgement else "",
                h.next_due_text
                + (" (second inspection in the year)" if h.next_due_kind == "second" else ""),
                "overdue" if h.overdue else "",
            ]
            for h in homes.homes
        ],
        totals={
            "homes": homes.home_count,
            "good_or_better": homes.good_or_better,
            "below_good": homes.below_good,
            "overdue": homes.overdue,
        },
        as_at_text=homes.as_at_text,
        note=(
            "Ofsted inspects every children's home at least once in each inspection year (1 April "
            "to 31 March), and a home judged requires improvement to be good or inadequate at its "
            "latest full inspection at least twice (Social care common inspection framework: "
            "children's homes, section 10.1). Next inspection due: the end of the inspection year "
            "by which the next inspection is required."
        ),
    )
