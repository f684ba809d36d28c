"""The one table of the report's section builders: the layout's ``builder`` name -> the function
writing the section (docs/architecture.md, "Adding a report section").

Every section of ``layout.yaml`` is built through this table: a section naming no builder is
built by ``measures`` (narrative, key figures, breakdowns and charts of the measures placed in
it, ``report/sections/measured.py``). Each builder takes one ``SectionInputs`` and returns the
``Section``, an ``OmittedSection`` with the reason, or None to leave the section out silently.
``layout.SectionLayout.builder`` accepts exactly these names (a test holds them equal).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report import finance, regional, staffing
from csc_scorecard.report.alongside import Alongside
from csc_scorecard.report.layout import Layout, Placed
from csc_scorecard.report.model import OmittedSection, Section
from csc_scorecard.report.sections import measured
from csc_scorecard.report.sections.finance.section import FinanceSection
from csc_scorecard.report.sections.inputs import SectionInputs
from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.store import Store

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


# The layout builders that read the finance section.
FINANCE_BUILDERS = frozenset({"finance", "placements_strategy"})


def staffing_started(
    placed: list[Placed],
    lay: Layout,
    store: Store,
    la_code: str,
    quarter: Quarter,
    *,
    publication: bool,
    run: MeasureRun,
) -> Alongside | None:
    """The staffing section started in its thread (`staffing.build_aside`) when the layout has a
    section built from it; None when it has none or no workforce table is loaded."""
    if "staffing" not in {p.section.builder for p in placed}:
        return None
    needs = next(sp.needs for sp in lay.sections if sp.builder == "staffing")
    return staffing.build_aside(
        store, la_code, quarter, publication=publication, run=run, needs=needs
    )


def nested_sections(
    placed: list[Placed],
    lay: Layout,
    store: Store,
    la_code: str,
    quarter: Quarter,
    *,
    publication: bool,
    run: MeasureRun,
    scenario: str,
    finance_aside: Any = None,
    staffing_aside: Alongside | None = None,
) -> tuple[StaffingSection | None, FinanceSection | None]:
    """The staffing and finance sections, computed by their own modules before any section is
    written (the executive summary reads the finance section too) when the layout has a section
    built from them: the staffing section in a thread (mostly DuckDB's work, outside the GIL)
    while the finance section's projection is computed here, or taken from ``finance_aside``
    (`gather.FinanceAside`: started in a forked process already); the staffing section's thread
    too, when started already (``staffing_aside``: `staffing_started`). The context nests them at
    ``/staffing`` and ``/finance``, their cites prefixed to resolve from its root
    (report/staffing.py, report/finance.py)."""
    built_by = {p.section.builder for p in placed}
    found_finance = None
    writing = staffing_aside or staffing_started(
        placed, lay, store, la_code, quarter, publication=publication, run=run
    )
    try:
        if built_by & FINANCE_BUILDERS:
            found_finance = (
                finance_aside.result()
                if finance_aside is not None
                else finance.build(
                    store, la_code, quarter, scenario=scenario, publication=publication
                )
            )
    except BaseException:
        if writing is not None:  # the thread ended before the finance error is raised
            with contextlib.suppress(BaseException):
                writing.result()
        raise
    return (writing.result() if writing is not None else None), found_finance
