"""The finance section's data model: figures, variance rows, chart points and the section itself.

`FinanceSection` is what `finance_section` (section.py) returns and what the report and the
`scorecard forecast` command serialise; the field layout is the JSON contract, so it is versioned
by `FINANCE_SECTION_SCHEMA`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.forecast.inspections import OwnHomes
from csc_scorecard.forecast.outturn_model import Outturn, Package
from csc_scorecard.forecast.pipeline import Pipeline
from csc_scorecard.forecast.projection import Projection
from csc_scorecard.wording import Paragraph

# The section's own schema version: `scorecard forecast --format json` publishes the section as a
# document of its own (docs/finance.md), so it carries its own version beside the report
# context's (report/schema_version.py), which governs the section where the context nests it.
FINANCE_SECTION_SCHEMA = "1.0.0"

# How a finance figure is printed (money, staff, nights); a measure's unit is model.units.Unit.
FinanceUnit = Literal[
    "gbp", "gbp_per_year", "gbp_per_week", "gbp_per_night", "count", "fte", "share", "nights"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FinanceFigure(_Model):
    id: str
    label: str
    value: float | None
    unit: FinanceUnit
    display: str
    scenario: str
    status: Literal["ok", "suppressed"] = "ok"
    line: str | None = None
    group: str | None = None


class VarianceRow(_Model):
    id: str
    kind: Literal["group", "line", "offset", "subtotal", "staffing", "total"]
    name: str
    group: str | None = None
    budget: float | None
    forecast: float | None
    variance: float | None
    budget_display: str
    forecast_display: str
    variance_display: str = Field(description="'+' overspend, '-' underspend")


class VariancePoint(_Model):
    id: str
    label: str
    kind: str
    variance: float


class ProjectionChartPoint(_Model):
    date: date
    group: str
    series: Literal["actual", "projected"]
    value: float
    low: float | None = None
    high: float | None = None


class Charts(_Model):
    variance_by_line: list[VariancePoint]
    projection: list[ProjectionChartPoint]


class FinanceSection(_Model):
    schema_version: str = FINANCE_SECTION_SCHEMA
    la_code: str
    period: str
    as_at: date
    as_at_text: str
    financial_year: str = Field(description="2022/23")
    year_start: date
    year_end: date
    month: int
    scenario: str
    scenario_description: str
    publication: bool
    figures: dict[str, FinanceFigure]
    paragraphs: list[Paragraph]
    variance_table: list[VarianceRow]
    charts: Charts
    outturn: Outturn
    projection: Projection | None
    pipeline: Pipeline | None
    inspections: OwnHomes | None = Field(
        None,
        description="Ofsted inspections of the authority's own homes (forecast/inspections.py)",
    )
    high_cost_packages: list[Package] | None
    notes: list[str] = []

    def paragraph(self, pid: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.id == pid), None)
