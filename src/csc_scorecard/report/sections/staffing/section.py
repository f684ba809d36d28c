"""The staffing section for one authority and quarter (`staffing_section`), and the same
section as published (`publish`): the figures from the workforce measures below, then the
notes, charts and sentences written from them (see the package docstring)."""

from __future__ import annotations

from datetime import date
from typing import Any

from csc_scorecard.measures.context import Context, DuckDB
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.measures.workforce import caseloads as cl
from csc_scorecard.measures.workforce.audits import audits
from csc_scorecard.measures.workforce.settings import WorkforceSettings, default_settings
from csc_scorecard.measures.workforce.snapshot import month_ends, taken
from csc_scorecard.measures.workforce.spans import spans
from csc_scorecard.measures.workforce.supervision import supervision
from csc_scorecard.measures.workforce.supervision_returns import supervision_returns
from csc_scorecard.model.periods import Quarter
from csc_scorecard.report.sections.staffing.charts import charts
from csc_scorecard.report.sections.staffing.figures import census, kpis, notes
from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.report.sections.staffing.paragraphs import paragraphs
from csc_scorecard.report.sections.staffing.publication import leave_out
from csc_scorecard.store import Store
from csc_scorecard.wording import long_date


def staffing_section(
    store: Store,
    la_code: str,
    quarter: Quarter | str,
    *,
    publication: bool = False,
    compare: date | None = None,
    settings: WorkforceSettings | None = None,
    ref_prefix: str = "",
    backend: Any = None,
    measures: MeasureRun | None = None,
) -> StaffingSection:
    """The staffing section for one authority and quarter.

    `compare` is the earlier date the caseload position is compared with (default: the end of
    the previous quarter); `ref_prefix` is where the report puts the section, so the sentences'
    JSON pointers resolve from the report context's root. `measures`, a `MeasureRun` the
    report has already computed for the quarter, saves computing the workforce measures again.
    """
    q = Quarter.parse(quarter) if isinstance(quarter, str) else quarter
    s = settings or default_settings()
    at = q.end
    before = compare or q.previous().end
    # Ibis's backend only if a workforce query's SQL is not kept (`DuckDB`): saves loading it.
    be = backend or DuckDB(store.con)
    ctx = Context(be, [la_code], [q.previous(), q])

    year = month_ends(*q.window("rolling_12_months"))  # the 12 month ends to the quarter end
    # Where every worker stands on each date the section reports, taken once (one statement)
    # and given to each figure, instead of taken again by each of seven.
    snap = taken(ctx, [(d.isoformat(), d) for d in sorted({*year, at, before})], s)
    positions = cl.positions(ctx, {"now": at, "compare": before}, settings=s, snapshot=snap)
    section = StaffingSection(
        la_code=la_code,
        quarter=str(q),
        quarter_label=q.label,
        quarter_short=f"Q{q.quarter}",
        date=at,
        date_text=long_date(at),
        compare_date=before,
        compare_date_text=long_date(before),
        publication=False,
        ref_prefix=ref_prefix,
        settings=s,
        kpis=kpis(ctx, q, measures),
        caseloads=positions[("now", "cases")],
        caseloads_compare=positions[("compare", "cases")],
        caseloads_fte=positions[("now", "fte")],
        caseloads_weighted=positions[("now", "weighted")],
        trend=cl.trend(ctx, year, settings=s, snapshot=snap),
        spans=spans(ctx, at, s, snapshot=snap),
        supervision=supervision(ctx, at, s, workers=not publication, snapshot=snap),
        supervision_returns=supervision_returns(ctx, q.start, at, s, snapshot=snap),
        audits=audits(ctx, q.start, q.end),
        census=census(ctx, at),
        workers=None if publication else cl.workers(ctx, at, s, snapshot=snap),
    )
    section.notes = notes(section)
    if publication:
        return publish(section)
    section.charts = charts(section)
    section.paragraphs = paragraphs(section, ref_prefix)
    return section


def publish(section: StaffingSection) -> StaffingSection:
    """The section as published: a copy with worker-level content left out and small counts
    suppressed, its charts and sentences written again from what is left (the original is
    unchanged, so a report can build the section once and publish it too)."""
    out = section.model_copy(deep=True)
    out.publication = True
    leave_out(out)
    out.charts = charts(out)
    out.paragraphs = paragraphs(out, out.ref_prefix)
    return out
