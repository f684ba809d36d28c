"""The report's staffing section (seed paragraphs 28-33) from `workforce.staffing_section`.

The workforce layer writes the paragraphs (supervision and audits; caseloads now and at the
previous quarter end, per FTE and role-weighted; team-manager spans ranked against the standard;
agency, turnover and vacancies) and the chart data; the report nests the section at
``/staffing`` in its context, so every cite's pointer resolves from the context's root, and draws
the charts. The key-figures tables stay the report's own (the framework measures, from the
measure run), so the sentences and the tables share one source of figures each.

Publication mode uses the section's own publication argument: the worker-level content (the
per-worker caseload list, overdue supervisions, team breakdowns, the highest caseload and, when
the layout says so, each team's span) never reaches the context.
"""

from __future__ import annotations

from csc_scorecard.measures.context import DuckDB
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report import charts, staffing_tables
from csc_scorecard.report.alongside import Alongside
from csc_scorecard.report.model import Chart, OmittedSection, Paragraph, Section
from csc_scorecard.report.sections import measured
from csc_scorecard.report.sections.inputs import SectionInputs
from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.report.sections.staffing.paragraphs import paragraph_groups
from csc_scorecard.report.sections.staffing.section import staffing_section
from csc_scorecard.store import Store

PREFIX = "/staffing"  # where ReportContext holds the section


def has_data(store: Store, la_code: str, needs: list[str]) -> bool:
    """Whether any table the section is built from holds rows for the authority."""
    return any(store.holds(t, la_code) for t in needs)


def build_aside(
    store: Store,
    la_code: str,
    quarter: Quarter,
    *,
    publication: bool,
    run: MeasureRun | None,
    needs: list[str],
) -> Alongside | None:
    """The section nested at ``/staffing``, written in a thread of its own on a cursor of its
    own while this thread goes on (the report's finance section): its two dozen workforce
    statements run in DuckDB outside the GIL, on the other core. ``result()`` is the section;
    None when no workforce table is loaded."""
    if not has_data(store, la_code, needs):
        return None
    cursor = store.con.cursor()  # made here: the thread never touches the store's connection

    def written() -> StaffingSection:
        try:
            return staffing_section(
                store,
                la_code,
                quarter,
                publication=publication,
                ref_prefix=PREFIX,
                measures=run,
                backend=DuckDB(cursor),
            )
        finally:
            cursor.close()

    return Alongside("scorecard staffing", written)


def section(inputs: SectionInputs) -> Section | OmittedSection:
    """The registry's ``staffing`` builder: the layout's staffing subsections with the key-figures
    tables of their measures, and the paragraphs, charts and team tables of the staffing section
    (``inputs.staffing``; none of them when no workforce table is loaded)."""
    staffing = inputs.staffing
    if staffing is None:
        return measured.section(inputs, written={})
    return measured.section(
        inputs,
        written=paragraphs(staffing),
        charts_of=lambda sub: section_charts(staffing) if sub == "caseloads" else [],
        tables_of=lambda sub: staffing_tables.tables(staffing, sub),
    )


def paragraphs(section: StaffingSection) -> dict[str, list[Paragraph]]:
    """The section's paragraphs by the layout's staffing subsections (supervision, caseloads,
    workforce)."""
    return paragraph_groups(section, section.ref_prefix)


def section_charts(section: StaffingSection) -> list[Chart]:
    """The caseload distribution at the two dates and the spans against the standard, as SVG."""
    found = {c.id: c for c in section.charts}
    out: list[Chart] = []
    dist = found.get("caseload_distribution")
    if dist is not None and any(p.y for p in dist.data):
        out.append(
            charts.grouped_bars(
                "staffing-caseload-distribution",
                f"Case-holding workers by caseload, {section.compare_date_text} and {section.date_text}",
                "count",
                dist.data,
                measures=["workers_caseload_20_plus", "workers_caseload_25_plus"],
            )
        )
    spans = found.get("team_manager_spans")
    if spans is not None and spans.data:
        out.append(
            charts.breakdown(
                "staffing-team-manager-spans",
                f"Cases per team manager, {section.date_text}",
                "ratio",
                [(p.x, p.y) for p in spans.data],
                measure="team_manager_span_max",
                reference=spans.reference,
                reference_label=f"{spans.reference_label or 'Standard'}",
            )
        )
    return out
