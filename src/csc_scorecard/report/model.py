"""The report context: ONE versioned, JSON-serialisable structure every renderer reads.

HTML, PDF, Word, Excel, the dashboard and the JSON export all render this and compute nothing
of their own, so they cannot disagree (design.md, "One report context"). ``docs/report-context.md``
is generated from these models (``python -m csc_scorecard.report.schema_doc docs``).

Conventions a renderer can rely on:

* every figure the report prints is a ``Figure`` in ``ReportContext.figures``, keyed by
  ``measure:period`` or ``measure:dimension:period``; tables and charts refer to figures by
  that id and also carry the display text, so a renderer never formats a number itself;
* generated text is made of ``Sentence`` objects; every number in a sentence is a ``Cite``
  giving its position in the text and a JSON pointer (RFC 6901) to the context field it came
  from, so a test can check the text against the figures;
* paragraphs are numbered once, in reading order, across the whole report (``Paragraph.number``);
* ``display`` strings are final: ``c`` for a suppressed figure in publication mode, blank when
  there is no value (``status`` and ``reason`` say why).

Bump ``SCHEMA_VERSION`` (semantic versioning) whenever a field is added (minor), or renamed or
removed (major); renderers check the major version. It is one version for the whole context,
the sections nested in it included (report/schema_version.py); the finance section also
carries its own, as `scorecard forecast` publishes it alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from csc_scorecard.rating.summary import Summary
from csc_scorecard.report.schema_version import SCHEMA_VERSION
from csc_scorecard.report.sections.finance.section import FinanceSection
from csc_scorecard.report.sections.staffing.model import StaffingSection

# Generated text is built below the report (csc_scorecard.wording) and is part of its schema.
from csc_scorecard.wording import Cite, Paragraph, Sentence  # noqa: F401 (Cite: re-exported)

# The committee paper's front matter (report/paper.py), printed before the body.
PAPER_FRONT = ("paper_exempt", "paper_recommendations", "paper_citizens")

FigureStatus = Literal["ok", "not_available", "not_reportable", "suppressed"]
RagValue = Literal["green", "amber", "red"]


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


class Counts(_Model):
    """Summary counts of a group of indicators, with both denominators (rating.summary)."""

    total: int
    green: int
    amber: int
    red: int
    information: int
    not_available: int
    not_reportable: int
    rated: int = Field(description="items with a RAG: the second denominator")
    with_data: int
    better_or_within_tolerance: int = Field(description="green + amber")
    below_target: int = Field(description="red")
    without_data: int = Field(description="not available + not reportable")

    @classmethod
    def of(cls, summary: Summary) -> Counts:
        return cls.model_validate(summary.model_dump())


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


class Comparator(_Model):
    """Published benchmarks for a measure (DfE LAIT / EES), or a framework's fixed comparator."""

    measure: str
    year: int | None = None
    year_label: str | None = Field(None, description="2021/22: the year ending 31 March")
    window: str = Field(
        "", description="the days the published figures count: 'year to 31 March 2022'"
    )
    england: float | None = None
    region: float | None = None
    statistical_neighbours: float | None = None
    england_display: str = ""
    region_display: str = ""
    statistical_neighbours_display: str = ""
    source: str | None = None
    edition: str | None = None
    basis: str | None = None
    sn_model: str | None = None
    outturn: float | None = Field(
        None, description="the authority's own published figure for the year (DfE's files)"
    )
    outturn_display: str = ""


class Revision(_Model):
    """A figure for a past quarter that differs from what an earlier report published for it
    (report/history.py)."""

    measure: str
    title: str = Field(description="the measure's title as the sentence prints it")
    period: str
    period_label: str = Field(description="e.g. Q4 2021/22")
    report_id: str = Field(description="the earlier report that published it")
    report_period_label: str = Field(description="the quarter that report was for")
    published_value: float | None
    published_display: str
    value: float | None
    display: str


class AppendixComparator(_Model):
    """One benchmark beside an appendix row, labelled with its year and basis."""

    id: str = Field(
        description="england, region, statistical_neighbours, own_year_earlier, a named "
        "authority, or 'comparator' (a framework's single fixed 'Comp' figure)"
    )
    label: str = Field(description="'England', 'Statistical neighbours', 'Barnsley'")
    year: str = Field(description="the year the figure is for, '2021/22' ('' when not given)")
    heading: str = Field(description="label and year as printed: 'England 2021/22'")
    basis: str = Field(description="what the figure is: 'DfE Children in need census'")
    window: str = Field(description="the days it counts, 'year to 31 March 2022' ('' unknown)")
    note: str = Field(
        description="basis and window as printed under the heading: 'DfE published figure, "
        "year to 31 March 2022'"
    )
    value: float | None = None
    display: str = Field(description="as printed ('' when not published)")
    source: Literal["framework", "published"]


class AppendixRow(_Model):
    """One framework item as the appendix prints it."""

    item: str
    title: str
    measure: str | None
    unit: str
    target: str = Field(description="'90% (75%)': target with the tolerance in brackets")
    target_text: str = Field("", description="the target alone, '90%'")
    tolerance_text: str = Field("", description="the tolerance alone, '75%' ('' when none)")
    target_words: str = Field(
        "",
        description="a relative or incremental target in words, 'at or above Statistical "
        "neighbours 2021/22 (18.2%)', 'an additional 800 on a year earlier (5,000)'",
    )
    comparator: str = Field(description="the first comparator with a value, as printed")
    comparator_label: str | None
    comparator_source: Literal["framework", "published"] | None
    comparators: list[AppendixComparator] = Field(
        [], description="every comparator of the item, in the framework's order"
    )
    window: str = Field(
        "", description="the days this period's figure counts: '6 months to 30 June 2022'"
    )
    previous: str
    current: str
    status: str = Field(description="green, amber, red, information, not_available, not_reportable")
    status_label: str
    rag: RagValue | None
    direction: Literal["improving", "worsening", "unchanged"] | None
    direction_year: Literal["improving", "worsening", "unchanged"] | None
    direction_reason: str | None = None
    small_numbers: bool
    numerator: str = ""
    denominator: str = ""
    figure: str | None = None
    reason: str | None = None
    commentary: str
    commentary_kind: Literal["analyst", "draft", "none"]
    commentary_author: str | None = None
    commentary_sentences: list[Sentence] = Field(
        [], description="the draft commentary as cited sentences (empty for analysts' text)"
    )


class AppendixGroup(_Model):
    """One group of the framework (e.g. contract indicators): its counts and rows."""

    id: str
    title: str
    summary: Counts
    summary_text: str = Field(
        "",
        description="the counts line under the group's title: '2 green, 1 amber, 3 red, "
        "5 without data (11 indicators, 6 rated)'",
    )
    summary_lines: list[str]
    rows: list[AppendixRow]


class Allowance(_Model):
    """A change no bigger than this is "similar" (the materiality rule, rating.direction)."""

    value: float = Field(description="in the item's unit (percentage points for percentages)")
    value_display: str


class Performance(_Model):
    """Summary counts across the framework for this quarter and the previous one."""

    framework: str | None
    summary: Counts | None
    previous_summary: Counts | None
    small_number_threshold: float | None = None
    similar_within: dict[str, Allowance] = Field(
        {}, description="by item id: the change below which direction of travel is 'similar'"
    )
    chance_confidence: float | None = Field(
        None,
        description="percent: a percentage's change within what chance alone moves it at this "
        "confidence is 'similar' too (None: no chance test)",
    )
    chance_confidence_display: str = ""


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


class Definition(_Model):
    """A catalogue measure: what it counts and where the definition comes from."""

    measure: str
    title: str
    unit: str
    polarity: str
    period_type: str
    definition: str
    source: str
    settings: dict[str, Any] = {}


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


class ReportContext(_Model):
    """Everything a renderer needs to print the quarterly report."""

    schema_version: str = Field(SCHEMA_VERSION, description="semantic version of this structure")
    title: str = Field(description="report title, from layout.yaml")
    authority: Authority
    period: PeriodInfo = Field(description="the quarter reported")
    previous: PeriodInfo = Field(description="the quarter before (the appendix's first column)")
    year_earlier: PeriodInfo = Field(description="the same quarter a year earlier")
    trend_periods: list[str] = Field(
        description="the quarters the trend charts cover, oldest first"
    )
    synthetic: bool = Field(description="the store holds the synthetic authority (banner)")
    publication: Publication
    performance: Performance = Field(description="framework summary counts, this and last quarter")
    sections: list[Section] = Field(
        description="in reading order: executive summary, service sections, data quality"
    )
    omitted: list[OmittedSection] = Field(description="sections left out for want of data, and why")
    appendix: list[AppendixGroup] = Field(description="Appendix 1: the framework, group by group")
    appendix_notes: list[str] = Field(description="footnotes to the appendix")
    trends: list[Chart] = Field(description="one trend chart per framework item with data")
    data_quality: DataQuality
    comparators: dict[str, Comparator] = Field(description="published comparators by measure id")
    definitions: dict[str, Definition] = Field(description="every catalogue measure, by id")
    figures: dict[str, Figure] = Field(description="every printed figure, by figure id")
    acronyms: list[Acronym]
    revisions: list[Revision] = Field(
        [], description="past quarters' figures changed since an earlier report published them"
    )
    provenance: Provenance
    staffing: StaffingSection | None = Field(
        None,
        description="the staffing section's data (report.sections.staffing); the staffing paragraphs "
        "cite into it (/staffing/...). None when the store holds no workforce data",
    )
    paper: Cover | None = Field(
        None,
        description="the committee paper's cover details (report/paper.py), when a paper file "
        "was given; its front and back matter are sections",
    )
    finance: FinanceSection | None = Field(
        None,
        description="the finance and placements-strategy sections' data (report.sections.finance.section), "
        "under one scenario; their paragraphs cite into it (/finance/...). None when the store "
        "holds no budget lines, placement costs or homes register",
    )

    def part_of(self, section: Section) -> Literal["summary", "front", "body", "back"]:
        """Where a top-level section sits in the committee paper: the executive summary, the
        paper's front matter (exemption, recommendations, citizens), the body ("Background and
        current position"), or the back matter (objectives, implications, contacts)."""
        if section.id == "summary":
            return "summary"
        if section.id in PAPER_FRONT:
            return "front"
        return "back" if section.id.startswith("paper_") else "body"

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph in reading order (sections, then subsections)."""
        out: list[Paragraph] = []

        def walk(section: Section) -> None:
            out.extend(section.paragraphs)
            for sub in section.subsections:
                walk(sub)

        for section in self.sections:
            walk(section)
        return out

    def sentences(self) -> list[Sentence]:
        """Every generated sentence: paragraphs, bullets and draft commentary (not officers'
        typed words from the paper and narrative files, which cite nothing)."""
        found = [
            s
            for p in self.paragraphs()
            if p.kind not in ("typed", "placeholder")
            for s in (*p.sentences, *p.bullets)
        ]
        for group in self.appendix:
            for row in group.rows:
                found.extend(row.commentary_sentences)
        return found
