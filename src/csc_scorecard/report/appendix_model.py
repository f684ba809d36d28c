"""The report context's appendix and performance: the framework's summary counts, each item's
row with its comparators, rating, direction and commentary, published comparators, revisions
of past figures, the materiality allowances, and the measures' definitions."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.rating.summary import Summary
from csc_scorecard.wording import Sentence

RagValue = Literal["green", "amber", "red"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
