"""The report context's provenance and front matter: the files loaded, the populations and
comparator sources used, the publication rules, the acronyms, and the committee paper's cover."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoadRecord(_Model):
    """One load into the store (a statutory return, a template, reference data)."""

    load_id: int
    source_format: str
    name: str = Field(description="the source as the report names it, e.g. 'CIN census'")
    files: list[str]
    period_start: date | None
    period_end: date | None
    loaded_at: datetime
    rows: int
    issues: int


class PopulationRecord(_Model):
    """An ONS mid-year estimate used for rates, and the quarters it was paired with."""

    mid_year: int
    age_band: str
    basis: str
    population: float
    source: str | None
    periods: list[str]


class ComparatorSource(_Model):
    """The published series and edition a comparator came from."""

    measure: str
    year: int
    source: str | None
    edition: str | None
    basis: str | None
    sn_model: str | None


class ProvenanceTable(_Model):
    """One table of the provenance appendix, as every renderer prints it."""

    id: str = Field(description="loads, population, comparators or settings")
    title: str
    description: str = Field(description="the table's description for screen readers")
    columns: list[str]
    numeric: list[bool] = Field(description="per column: right-aligned figures")
    rows: list[list[str]]


class Provenance(_Model):
    """Where the figures came from and the settings they were computed with."""

    generated_at: datetime
    software_version: str
    store: str = Field(description="store file name")
    framework_file: str | None = Field(None, description="the framework's name")
    commentary_file: str | None = None
    settings: dict[str, Any] = {}
    loads: list[LoadRecord]
    population: list[PopulationRecord]
    comparators: list[ComparatorSource]
    statement: str = Field(
        "",
        description="the provenance appendix's opening sentence: what produced the report from what",
    )
    tables: list[ProvenanceTable] = Field(
        [], description="the provenance appendix's tables (report/provenance_text.py)"
    )


class Publication(_Model):
    """Whether the report is prepared for publication, and the suppression applied."""

    enabled: bool
    min_count: int
    max_count: int
    symbol: str
    suppressed: int = Field(0, description="figures suppressed")
    note: str | None = None


class Acronym(_Model):
    """An acronym and its meaning (layout.yaml)."""

    term: str
    meaning: str


class Officer(_Model):
    """A named officer: the report's author or a contact."""

    name: str
    title: str
    email: str | None = None
    phone: str | None = None


class Cover(_Model):
    """The committee paper's cover details, printed before the executive summary."""

    committee: str
    addressed_to: str
    meeting_date: date
    meeting_date_text: str
    title: str | None
    cabinet_members: list[str]
    wards: str
    key_decision: str
    exempt: bool
    exemption: str = Field(description="'Not exempt.', or the paragraph of the Act")
    author: Officer
    contact_officers: list[Officer]
