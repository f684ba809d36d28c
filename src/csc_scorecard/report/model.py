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

The context's parts are defined by topic (``figure_model``: figures, tables, charts and
sections; ``appendix_model``: the appendix, performance, comparators and definitions;
``quality_model``: data quality; ``provenance_model``: provenance, publication and the paper's
cover) and imported from here with the context itself.

Bump ``SCHEMA_VERSION`` (semantic versioning) whenever a field is added (minor), or renamed or
removed (major); renderers check the major version. It is one version for the whole context,
the sections nested in it included (report/schema_version.py); the finance section also
carries its own, as `scorecard forecast` publishes it alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.report.appendix_model import (
    Allowance,
    AppendixComparator,
    AppendixGroup,
    AppendixRow,
    Comparator,
    Counts,
    Definition,
    Performance,
    RagValue,
    Revision,
)
from csc_scorecard.report.figure_model import (
    Authority,
    Breakdown,
    BreakdownRow,
    Chart,
    ChartPoint,
    Figure,
    FigureRow,
    FigureStatus,
    OmittedSection,
    PeriodInfo,
    Section,
    Table,
)
from csc_scorecard.report.provenance_model import (
    Acronym,
    ComparatorSource,
    Cover,
    LoadRecord,
    Officer,
    PopulationRecord,
    Provenance,
    ProvenanceTable,
    Publication,
)
from csc_scorecard.report.quality_model import (
    DataQuality,
    MeasureNote,
    QualityIssue,
    RuleFaultCount,
    RuleFaults,
)
from csc_scorecard.report.schema_version import SCHEMA_VERSION
from csc_scorecard.report.sections.finance.section import FinanceSection
from csc_scorecard.report.sections.staffing.model import StaffingSection

# Generated text is built below the report (csc_scorecard.wording) and is part of its schema.
from csc_scorecard.wording import Cite, Paragraph, Sentence, listing

# The committee paper's front matter (report/paper.py), printed before the body.
PAPER_FRONT = ("paper_exempt", "paper_recommendations", "paper_citizens")

# The report context's schema, the parts included, is this module's documented API
# (docs/report-context.md): the parts are defined by topic in figure_model, appendix_model,
# quality_model and provenance_model, and every renderer imports them from here.
__all__ = [
    "PAPER_FRONT",
    "SCHEMA_VERSION",
    "Acronym",
    "Allowance",
    "AppendixComparator",
    "AppendixGroup",
    "AppendixRow",
    "Authority",
    "Breakdown",
    "BreakdownRow",
    "Chart",
    "ChartPoint",
    "Cite",
    "Comparator",
    "ComparatorSource",
    "Counts",
    "Cover",
    "DataQuality",
    "Definition",
    "Figure",
    "FigureRow",
    "FigureStatus",
    "LoadRecord",
    "MeasureNote",
    "Officer",
    "OmittedSection",
    "Paragraph",
    "Performance",
    "PeriodInfo",
    "PopulationRecord",
    "Provenance",
    "ProvenanceTable",
    "Publication",
    "QualityIssue",
    "RagValue",
    "ReportContext",
    "Revision",
    "RuleFaultCount",
    "RuleFaults",
    "Section",
    "Sentence",
    "Table",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


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

    def uncharted_note(self) -> str:
        """Appendix 2's word on the framework items it has no trend chart for (fewer than two
        quarters with a figure to chart: trend_charts), so a member looking for one knows why:
        'C07 has fewer than two quarters with a figure, so it has no chart.'; '' when every
        item is charted."""
        charted = {c.id for c in self.trends}
        left = [
            (r.item, {}) for g in self.appendix for r in g.rows if f"trend-{r.item}" not in charted
        ]
        if not left:
            return ""
        items, _ = listing(left)
        one = len(left) == 1
        return (
            items
            + (" has" if one else " have")
            + " fewer than two quarters with a figure, so "
            + ("it has" if one else "they have")
            + " no chart."
        )

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
