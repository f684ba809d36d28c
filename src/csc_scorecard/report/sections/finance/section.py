"""The finance and sufficiency section: figures, sentences, tables and chart data in one object.

`finance_section(store, la_code, quarter)` runs the care-ladder forecast (`care_ladder`), the
placement projection (`projection`) and the homes register (`pipeline`) for a quarter and a
scenario, and returns a `FinanceSection`: JSON-serialisable, with

* `figures`: every number the section prints, by id, each with its unit, display text and the
  scenario it was computed under;
* `paragraphs`: generated sentences mirroring the seed report's paragraphs 36-44 (and one on the
  projection), every number cited by a JSON pointer into this object (`wording.say`);
* `variance_table`: budget, forecast and variance by line, group, offset and staffing line;
* `charts`: data for the variance by line and for the projection with its band;
* `outturn`, `projection`, `pipeline`: the full results behind them;
* `high_cost_packages`: open packages by weekly cost (child-level, so None when publishing).

Publication mode (design.md, "Privacy and security") leaves out child-level package lists,
prints counts of children from 1 to 5 as "c" (the report's default suppression rule) and, as
its last step, removes such counts from the results behind the sentences
(`report.publication.publish_finance`), so every publication format holds the same.
`tidy(section)` flattens it for Power BI.

This module assembles the section; the parts live beside it: `section_model` (the pydantic
models), `figures` (the figures register), `outturn_paragraphs` and `group_paragraphs` (the
sentences) and `section_tables` (variance table, chart data and `tidy`).
"""

from __future__ import annotations

from csc_scorecard.forecast.care_ladder import forecast_outturn
from csc_scorecard.forecast.inspections import inspections_paragraph, own_homes
from csc_scorecard.forecast.ledger import year_bounds
from csc_scorecard.forecast.outturn_model import GroupForecast, Outturn, Package
from csc_scorecard.forecast.pipeline import Pipeline, homes_pipeline
from csc_scorecard.forecast.projection import Projection, project
from csc_scorecard.forecast.scenarios import Scenario
from csc_scorecard.forecast.scenarios import scenario as get_scenario
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report.sections.finance.figures import Figures
from csc_scorecard.report.sections.finance.group_paragraphs import group_paragraph
from csc_scorecard.report.sections.finance.outturn_paragraphs import (
    ladder_paragraph,
    projection_paragraph,
    staffing_paragraph,
    summary_paragraph,
)
from csc_scorecard.report.sections.finance.pipeline_paragraphs import pipeline_paragraphs
from csc_scorecard.report.sections.finance.section_model import (
    Charts,
    FinanceFigure,
    FinanceSection,
    FinanceUnit,
    ProjectionChartPoint,
    VariancePoint,
    VarianceRow,
)
from csc_scorecard.report.sections.finance.section_tables import (
    TIDY_SCHEMA,
    projection_chart,
    tidy,
    variance_chart,
    variance_table,
)
from csc_scorecard.store import Store
from csc_scorecard.wording import Paragraph, long_date

# The names other modules import from here (the section was one module before it was split).
__all__ = [
    "TIDY_SCHEMA",
    "Charts",
    "FinanceFigure",
    "FinanceSection",
    "FinanceUnit",
    "GroupForecast",
    "Outturn",
    "Package",
    "Paragraph",
    "Pipeline",
    "Projection",
    "ProjectionChartPoint",
    "VariancePoint",
    "VarianceRow",
    "finance_section",
    "homes_pipeline",
    "pipeline_paragraphs",
    "tidy",
]


def finance_section(
    store: Store,
    la_code: str,
    quarter: Quarter | str,
    *,
    scenario: Scenario | str = "base",
    publication: bool = False,
    months: int = 24,
    simulations: int | None = None,
    seed: int = 0,
    scenarios_file: str | None = None,
) -> FinanceSection:
    """The finance and sufficiency section for one authority, quarter and scenario."""
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    sc = get_scenario(scenario, scenarios_file)
    out = forecast_outturn(store, la_code, q, scenario=sc)
    notes: list[str] = []
    proj = None
    if store.holds("cla_episodes", la_code):
        proj = project(
            store, la_code, q.end, months, scenario=sc, simulations=simulations, seed=seed
        )
        notes += proj.notes
    else:
        notes.append("no SSDA903 episodes are loaded, so there is no placement projection")
    pipe = homes_pipeline(store, la_code, q.end)
    homes = own_homes(store, la_code, q.end)
    if not out.lines:
        notes.append(f"no care-ladder budget lines or costed placements for {q.label[3:]}")
    packages = None
    if publication:
        out = out.model_copy(
            update={"groups": [g.model_copy(update={"top_packages": []}) for g in out.groups]}
        )
    else:
        packages = sorted(
            (p for g in out.groups for p in g.top_packages), key=lambda p: -p.weekly_cost
        )

    figs = Figures(sc.name, publication)
    paragraphs = [
        p
        for p in (
            summary_paragraph(out, figs),
            ladder_paragraph(out, figs),
            *[group_paragraph(out, i, g, figs) for i, g in enumerate(out.groups)],
            staffing_paragraph(out, figs),
            projection_paragraph(proj, figs),
            *pipeline_paragraphs(pipe),
            inspections_paragraph(homes),
        )
        if p is not None
    ]
    section = FinanceSection(
        la_code=la_code,
        period=str(q),
        as_at=out.as_at,
        as_at_text=long_date(out.as_at),
        financial_year=f"{out.financial_year}/{(out.financial_year + 1) % 100:02d}",
        year_start=year_bounds(out.financial_year)[0],
        year_end=year_bounds(out.financial_year)[1],
        month=out.month,
        scenario=sc.name,
        scenario_description=sc.description,
        publication=publication,
        figures=figs.items,
        paragraphs=paragraphs,
        variance_table=variance_table(out),
        charts=Charts(variance_by_line=variance_chart(out), projection=projection_chart(proj)),
        outturn=out,
        projection=proj,
        pipeline=pipe,
        inspections=homes,
        high_cost_packages=packages,
        notes=notes,
    )
    if not publication:
        return section
    # Imported here: the report imports this module (it nests the section).
    from csc_scorecard.report.publication import PublicationRules, publish_finance

    return publish_finance(section, PublicationRules())
