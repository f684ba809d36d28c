"""The report context's data quality: the issues recorded at load, the measures not reportable
or not available and why, and the DfE validation rules' faults."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QualityIssue(_Model):
    """Data-quality issues recorded at load, grouped by table, column and rule."""

    table: str | None
    column: str | None
    rule: str
    severity: str
    count: int
    message: str
    rows: list[str] = Field([], description="file:row of the first few (left out when published)")


class MeasureNote(_Model):
    """A measure without a figure this quarter, and why."""

    measure: str
    title: str
    status: str
    reason: str


class RuleFaultCount(_Model):
    """Faults of one DfE validation rule on one field: counts only, no child or value."""

    dfe_return: str = Field(description="ssda903 or cin")
    rule: str = Field(description="the DfE rule code, e.g. 103, 8500, 392c")
    field: str | None = Field(description="the DfE field the fault is reported on")
    message: str = Field(description="the rule's DfE message (the rule's text, not a value)")
    open: int | None = Field(description="faults in the data (None: suppressed)")
    opened: int | None = Field(
        description="not in the earlier data (None: suppressed or not known)"
    )
    closed: int | None = Field(description="in the earlier data, no longer (None: as opened)")
    open_display: str
    opened_display: str = Field(description="'' when not known")
    closed_display: str


class RuleFaults(_Model):
    """DfE validation-rule faults in the latest data checked as at the quarter end, and those
    opened and closed since the data checked as at the previous quarter end (the snapshots kept
    at each load: quality/history.py)."""

    as_at: date | None = Field(description="the date the data checked describes")
    as_at_text: str
    known: bool = Field(description="a check of the earlier data was kept: opened/closed known")
    then_as_at: date | None = Field(description="the date the earlier data checked describes")
    then_as_at_text: str
    open: int | None
    opened: int | None
    closed: int | None
    open_display: str
    opened_display: str
    closed_display: str
    rules: list[RuleFaultCount] = []


class DataQuality(_Model):
    """What the data-quality checks did to the report."""

    not_reportable: list[MeasureNote]
    not_available: list[MeasureNote]
    issues: list[QualityIssue]
    issue_total: int
    errors: list[str] = Field([], description="measures that could not be computed")
    rule_faults: RuleFaults | None = Field(
        None,
        description="DfE validation-rule faults open, opened and closed (none: no return held)",
    )
    not_reportable_count: int = Field(0, description="derived: len(not_reportable)")
    not_available_count: int = Field(0, description="derived: len(not_available)")

    @model_validator(mode="after")
    def _counts(self) -> DataQuality:
        self.not_reportable_count = len(self.not_reportable)
        self.not_available_count = len(self.not_available)
        return self
