"""The staffing section's figures beyond the workforce measures' own: each measure for the
quarter and the one before as the appendix shows it, the latest workforce census, and the notes
on what the figures leave out."""

from __future__ import annotations

from datetime import date

from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import compute
from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.measures.workforce import caseloads as cl
from csc_scorecard.measures.workforce.rates import RATES, own_census
from csc_scorecard.model.periods import Quarter
from csc_scorecard.numbers import display, number
from csc_scorecard.report.sections.staffing.model import (
    MEASURES,
    CensusFigures,
    Kpi,
    StaffingSection,
)
from csc_scorecard.wording import long_date


def kpis(ctx: Context, q: Quarter, run: MeasureRun | None = None) -> dict[str, Kpi]:
    if run is not None and all(run.value(mid, p) for mid in MEASURES for p in (q, q.previous())):
        rows = {
            (mid, str(p)): run.value(mid, p) or {} for mid in MEASURES for p in (q, q.previous())
        }
    else:
        rows = {(r["measure"], r["period"]): r for r in compute(ctx, list(MEASURES)).to_pylist()}
    out = {}
    for mid in MEASURES:
        m = measure(mid)
        now, prev = rows.get((mid, str(q)), {}), rows.get((mid, str(q.previous())), {})
        # Twelve significant digits, as the report's figures: parallel sums vary in the last bit.
        value = cl.stable(now.get("value"))
        status = now.get("status") or ("ok" if value is not None else "not_available")
        before = cl.stable(prev.get("value")) if prev.get("status", "ok") == "ok" else None
        out[mid] = Kpi(
            measure=mid,
            title=m.title,
            unit=m.unit,
            polarity=m.polarity,
            value=value,
            numerator=cl.stable(now.get("numerator")),
            denominator=cl.stable(now.get("denominator")),
            # a figure whose data failed the quality checks is not printed (as in the appendix)
            display=display(value, m.unit) if status == "ok" else "",
            previous_value=before,
            previous_display=display(before, m.unit),
            status=status,
            reason=now.get("reason")
            or (None if value is not None else "no records to count in the period"),
        )
    return out


def census(ctx: Context, at: date) -> CensusFigures | None:
    counts = {year: c for (la, year), c in own_census(ctx).items() if la == ctx.la_codes[0]}
    held = [y for y in counts if date(y, 9, 30) <= at]
    if not held:
        return None
    year = max(held)
    c = counts[year]
    return CensusFigures(
        year=year,
        date=date(year, 9, 30),
        date_text=long_date(date(year, 9, 30)),
        counts={
            k: getattr(c, k)
            for k in (
                "inpost_fte",
                "leavers_fte",
                "agency_fte",
                "vacancy_fte",
                "cases",
                "case_holders_fte",
            )
        },
        rates={k: c.rate(k) for k in RATES if k.endswith("_fte")},
    )


def notes(section: StaffingSection) -> list[str]:
    notes = []
    n = section.caseloads.cases_without_post
    if n:
        children = "1 child was" if n == 1 else f"{number(n)} children were"
        notes.append(
            f"{children} allocated on {section.date_text} to workers with no post recorded on "
            "that date; they are not in any team's figures."
        )
    none = [t.team_name for t in section.spans.teams if t.manager_source == "none"]
    if none:
        notes.append(f"No team manager recorded for: {', '.join(none)}.")
    named = [t.team_name for t in section.spans.teams if t.manager_source == "teams"]
    if named:
        notes.append(
            "Manager taken from the teams list (no manager post recorded on the date) for: "
            + ", ".join(named)
            + "."
        )
    return notes
