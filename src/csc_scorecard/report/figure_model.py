"""The report context's printed body: the quarter and the authority, every figure as printed,
the key-figures and breakdown tables, charts, tables and sections (report/model.py holds the
context that nests them)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.wording import Paragraph

FigureStatus = Literal["ok", "not_available", "not_reportable", "suppressed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PeriodInfo(_Model):
    """A financial-year quarter in every form the report prints it."""

    id: str = Field(description="2022-Q1")
    label: str = Field(description="Q1 2022/23")
    short: str = Field(description="Q1")
    long: str = Field(description="Quarter 1")
    financial_year: str = Field(description="2022/23")
    start: date
    end: date
    start_text: str = Field(description="1 April 2022")
    end_text: str = Field(description="30 June 2022")


class Authority(_Model):
    la_code: str = Field(description="3-digit DfE LA number")
    name: str
    region: str | None = None


class Figure(_Model):
    """One measure value for one period (and breakdown category)."""

    id: str = Field(description="measure:period or measure:dimension:period")
    measure: str
    title: str
    unit: str
    period: str
    dimension: str | None = None
    dimension_label: str | None = None
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: FigureStatus
    reason: str | None = None
    display: str = Field(description="value as printed ('' when none, 'c' when suppressed)")
    numerator_display: str = ""
    denominator_display: str = ""
    window_start: date | None = None
    window_end: date | None = None
    source: str = Field(description="case data, or where a manual value came from")


class FigureRow(_Model):
    """A row of a section's key-figures table: this quarter, the previous one, a year earlier."""

    measure: str
    title: str
    unit: str
    current: str | None = Field(description="figure id")
    previous: str | None
    year_earlier: str | None
    current_display: str
    previous_display: str
    year_earlier_display: str
    numerator_display: str = ""
    denominator_display: str = ""
    note: str | None = Field(None, description="why the current figure is missing or suppressed")


class BreakdownRow(_Model):
    """One category of a breakdown."""

    dimension: str
    label: str
    figure: str
    display: str
    numerator_display: str = ""
    previous_display: str = ""


class Breakdown(_Model):
    """A measure broken down by a dimension (referral source, category of abuse, placement)."""

    measure: str
    title: str
    unit: str
    dimension: str
    period: str
    denominator_display: str = ""
    rows: list[BreakdownRow]
    note: str | None = None


class ChartPoint(_Model):
    """One data point of a chart."""

    x: str = Field(description="category or period label")
    y: float | None
    series: str


class Chart(_Model):
    """A chart pre-rendered as SVG (no JavaScript), with its data and a text alternative."""

    id: str
    title: str
    kind: Literal["trend", "breakdown", "demand", "projection"]
    unit: str
    svg: str
    alt_text: str
    data: list[ChartPoint]
    measures: list[str]
    target: float | None = None
    tolerance: float | None = None
    comparator: float | None = None
    comparator_label: str | None = None
    moving_target: list[ChartPoint] = Field(
        [],
        description="a relative or incremental target set quarter by quarter: points of "
        "series 'target' and 'tolerance' (x as in data), drawn as stepped lines",
    )
    target_words: str | None = Field(
        None, description="that target in words, as the appendix prints it"
    )


class Table(_Model):
    """A plain table of text cells (e.g. the children's homes register), with named totals the
    narrative can cite."""

    id: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    totals: dict[str, float] = {}
    as_at_text: str = ""
    note: str | None = None


class Section(_Model):
    """A numbered section (level 2) or subsection: narrative, key figures, breakdowns, charts."""

    id: str
    title: str
    paragraphs: list[Paragraph] = []
    figures: list[FigureRow] = []
    breakdowns: list[Breakdown] = []
    tables: list[Table] = []
    charts: list[Chart] = []
    subsections: list[Section] = []
    notes: list[str] = Field([], description="omitted subsections and caveats, in words")


class OmittedSection(_Model):
    """A section left out because its data does not exist, with the reason in words."""

    id: str
    title: str
    reason: str
