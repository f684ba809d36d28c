"""The staffing section's chart data: workers by caseload band at the two dates, cases per team
manager against the standard, and the twelve-month trend at each caseload level."""

from __future__ import annotations

from csc_scorecard.measures.workforce import caseloads as cl
from csc_scorecard.report.sections.staffing.model import ChartPoint, SectionChart, StaffingSection
from csc_scorecard.wording import long_date


def charts(section: StaffingSection) -> list[SectionChart]:
    labels = cl.band_labels(section.settings.caseloads.thresholds)
    data = []
    for pos in (section.caseloads_compare, section.caseloads):
        counts = _band_counts(pos, labels)
        data += [ChartPoint(x=band, y=counts[band], series=long_date(pos.date)) for band in labels]
    spans_data = [
        ChartPoint(x=t.team_name, y=t.cases_per_manager, series="Cases per team manager")
        for t in section.spans.teams
        if t.cases_per_manager is not None
    ]
    trend = []
    for p in section.trend:
        for a in p.figures.at_or_above:
            trend.append(
                ChartPoint(x=p.date.isoformat(), y=a.workers, series=f"{a.threshold} or more cases")
            )
    return [
        SectionChart(
            id="caseload_distribution", title="Workers by caseload", unit="count", data=data
        ),
        SectionChart(
            id="team_manager_spans",
            title="Cases per team manager",
            unit="ratio",
            data=spans_data,
            reference=section.spans.standard_cases,
            reference_label="Standard",
        ),
        SectionChart(
            id="caseload_trend",
            title="Workers at or above each caseload level",
            unit="count",
            data=trend,
        ),
    ]


def _band_counts(pos: cl.CaseloadPosition, labels: list[str]) -> dict[str, float | None]:
    """Workers per band from the at-or-above counts: band k = at_or_above(t_k) - at_or_above(t_k+1)."""
    t = pos.total
    above = [a.workers for a in t.at_or_above]
    counts: dict[str, float | None] = {}
    values = [t.case_holders - t.without_value, *above, 0]
    for i, label in enumerate(labels):
        hi, lo = values[i], values[i + 1]
        counts[label] = None if hi is None or lo is None else float(hi - lo)
    return counts
