"""The staffing section's shape: the workforce measures it reports, the section and its parts
(a measure for the quarter and the one before, the census figures, chart data), as the report
context nests it at ``/staffing``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.measures.workforce import caseloads as cl
from csc_scorecard.measures.workforce.audits import Audits
from csc_scorecard.measures.workforce.settings import WorkforceSettings
from csc_scorecard.measures.workforce.spans import Spans
from csc_scorecard.measures.workforce.supervision import Supervision
from csc_scorecard.measures.workforce.supervision_returns import SupervisionReturns
from csc_scorecard.report.schema_version import SCHEMA_VERSION
from csc_scorecard.wording import Paragraph

MEASURES = (
    "supervision_in_timescale",
    "case_audits_good_or_better",
    "case_audits_requires_improvement_or_better",
    "agency_fte_rate",
    "staff_turnover_rate",
    "staff_turnover_rate_local",
    "vacancy_rate",
    "caseload_average",
    "children_per_case_holder_fte",
    "workers_caseload_20_plus",
    "workers_caseload_25_plus",
    "caseload_max",
    "team_manager_span_max",
)

KpiStatus = Literal["ok", "not_available", "not_reportable", "suppressed", "withheld"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Kpi(_Model):
    """A workforce measure for the quarter (and the quarter before), as the appendix shows it."""

    measure: str
    title: str
    unit: str
    polarity: str
    value: float | None
    numerator: float | None
    denominator: float | None
    display: str = Field(description="as printed: '' when none, 'c' when suppressed")
    previous_value: float | None
    previous_display: str
    status: KpiStatus
    reason: str | None = None


class CensusFigures(_Model):
    """The authority's latest workforce census (30 September) as DfE would publish it."""

    year: int
    date: date
    date_text: str
    counts: dict[str, float | None]
    rates: dict[str, float | None]


class ChartPoint(_Model):
    """One data point of a chart (the report's `ChartPoint` shape)."""

    x: str = Field(description="category or date")
    y: float | None
    series: str


class SectionChart(_Model):
    """Chart data (the renderer draws it): categories on x, one or more series."""

    id: str
    title: str
    unit: str
    data: list[ChartPoint]
    reference: float | None = Field(
        None, description="a standard drawn as a line, e.g. 100 cases per manager"
    )
    reference_label: str | None = None


class StaffingSection(_Model):
    # The section is published only inside the report context (at /staffing), so the context's
    # one schema version is its version too.
    schema_version: str = SCHEMA_VERSION
    la_code: str
    quarter: str
    quarter_label: str
    quarter_short: str
    date: date
    date_text: str
    compare_date: date
    compare_date_text: str
    publication: bool
    ref_prefix: str = Field(
        "", description="where the report puts the section: the cites' JSON pointers start with it"
    )
    settings: WorkforceSettings
    kpis: dict[str, Kpi]
    caseloads: cl.CaseloadPosition
    caseloads_compare: cl.CaseloadPosition
    caseloads_fte: cl.CaseloadPosition
    caseloads_weighted: cl.CaseloadPosition
    trend: list[cl.TrendPoint]
    spans: Spans
    supervision: Supervision
    supervision_returns: SupervisionReturns | None = Field(
        None, description="supervision recorded in the quarter by team (supervision_returns.py)"
    )
    audits: Audits
    census: CensusFigures | None
    workers: list[cl.WorkerCaseload] | None = Field(
        description="case holders (left out when published)"
    )
    notes: list[str] = []
    charts: list[SectionChart] = []
    paragraphs: list[Paragraph] = []
