"""The one table of the report's section builders: the layout's ``builder`` name -> the function
writing the section (docs/architecture.md, "Adding a report section").

Every section of ``layout.yaml`` is built through this table: a section naming no builder is
built by ``measures`` (narrative, key figures, breakdowns and charts of the measures placed in
it, ``report/sections/measured.py``). Each builder takes one ``SectionInputs`` and returns the
``Section``, an ``OmittedSection`` with the reason, or None to leave the section out silently.
``layout.SectionLayout.builder`` accepts exactly these names (a test holds them equal).
"""

from __future__ import annotations

from collections.abc import Callable

from csc_scorecard.report import finance, regional, staffing
from csc_scorecard.report.model import OmittedSection, Section
from csc_scorecard.report.sections import measured
from csc_scorecard.report.sections.inputs import SectionInputs

Builder = Callable[[SectionInputs], Section | OmittedSection | None]

SECTION_BUILDERS: dict[str, Builder] = {
    "measures": measured.section,  # every section naming no builder
    "staffing": staffing.section,
    "finance": finance.summary,
    "placements_strategy": finance.strategy,
    "regional_comparison": regional.from_inputs,
}


def build_section(inputs: SectionInputs) -> Section | OmittedSection | None:
    """The section ``inputs.placed``, by its layout builder (``measures`` when it names none)."""
    return SECTION_BUILDERS[inputs.spec.builder or "measures"](inputs)
