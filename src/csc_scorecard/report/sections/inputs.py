"""What every section builder is given: one typed `SectionInputs` (docs/architecture.md,
"Adding a report section").

`report.context.build_context` gathers these once per report - the figures (`Facts`), the
layout, the store and the quarter, the publication rules, and the staffing and finance
sections computed by their own layers - and hands each section of the layout its own copy,
with `placed` set to that section (`report.layout.placement`). A builder returns the
`Section`, an `OmittedSection` saying why it is left out, or None to leave it out silently
(the regional comparison of a one-authority store).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from csc_scorecard.model.periods import Quarter
from csc_scorecard.report.facts import Facts
from csc_scorecard.report.layout import Layout, Placed, SectionLayout
from csc_scorecard.report.model import OmittedSection
from csc_scorecard.report.publication import PublicationRules
from csc_scorecard.store import Store

if TYPE_CHECKING:
    from csc_scorecard.report.sections.finance.section import FinanceSection
    from csc_scorecard.report.sections.staffing.model import StaffingSection


@dataclass(frozen=True)
class SectionInputs:
    """One section's inputs: the report-wide figures and settings, and the section placed."""

    placed: Placed  # the layout section with the catalogue measures it shows
    facts: Facts  # every figure printed, by id, with the periods and definitions
    lay: Layout
    store: Store
    la_code: str
    quarter: Quarter
    trend: list[Quarter]  # the quarters of the trend charts, oldest first
    coverage: dict[str, date]  # measure id -> the first date its data covers
    rules: PublicationRules | None  # set when the report is published
    staffing: StaffingSection | None = None  # report/staffing.py, nested at /staffing
    finance: FinanceSection | None = None  # report/finance.py, nested at /finance

    @property
    def spec(self) -> SectionLayout:
        return self.placed.section

    def left_out(self, *, measures: bool) -> OmittedSection:
        """The section left out, saying why (``measures``: whether the catalogue has any)."""
        return OmittedSection(
            id=self.spec.id,
            title=self.spec.title,
            reason=why_empty(
                self.spec.needs, self.store, self.la_code, self.quarter, measures=measures
            ),
        )


def why_empty(
    needs: list[str], store: Store, la_code: str, quarter: Quarter, *, measures: bool
) -> str:
    """Why a section is left out, in words: no measures yet, and which tables are empty."""
    empty = [name.replace("_", " ") for name in needs if not store.holds(name, la_code)]
    parts = []
    if not measures:
        parts.append("no measures for it are in the measure catalogue yet")
    if empty:
        listed = ", ".join(empty[:-1]) + (" or " if len(empty) > 1 else "") + empty[-1]
        parts.append(f"the store holds no {listed} for this authority")
    return " and ".join(parts) or f"there are no figures for {quarter.label}"
