"""Workforce measures: supervision, case audits, agency, turnover, vacancies, caseloads, spans.

The counting lives in `csc_scorecard.measures.workforce` (one definition for the measures and
the report's staffing section); these functions pick each measure's figure out of it. An entry's
`settings` use the layout of `measures/workforce/settings.yaml` (e.g. `{supervision:
{standard_days: 30}}`), are merged over those defaults and validated by the same strict model,
so a measure and the staffing section count the same way unless a setting says otherwise.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.exact_sums import exact_mean, exact_sum
from csc_scorecard.measures.functions.common import (
    Counted,
    aggregate_only,
    count_rows,
    in_window,
    over,
    ratio,
    share,
    top,
)
from csc_scorecard.measures.workforce.caseloads import case_holders
from csc_scorecard.measures.workforce.rates import RATES, census_counts
from csc_scorecard.measures.workforce.settings import WorkforceSettings, load_settings
from csc_scorecard.measures.workforce.snapshot import (
    attach,
    period_ends,
    posts_at,
    worker_snapshot,
)
from csc_scorecard.measures.workforce.spans import team_spans
from csc_scorecard.measures.workforce.supervision import supervision_status

# Entry settings that are not part of measures/workforce/settings.yaml.
MEASURE_KEYS = {"threshold", "grades"}


def settings_for(ctx: Context, m: Measure) -> WorkforceSettings:
    """The workforce settings for a measure: defaults, then the entry's, then run overrides."""
    merged: dict[str, Any] = {}
    for source in (m.settings, ctx.settings.overrides.get(m.id, {})):
        for key, value in source.items():
            if key in MEASURE_KEYS:
                continue
            merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
    return load_settings(**merged)


def _snapshot(ctx: Context, m: Measure) -> tuple[ir.Table, WorkforceSettings]:
    s = settings_for(ctx, m)
    return worker_snapshot(ctx.table, period_ends(ctx, m.period_type), s), s


def supervision_in_timescale(ctx: Context, m: Measure) -> Counted:
    """Front-line staff in post at the period end whose last supervision (or start, or return
    from long-term absence) is within the standard interval (measures/workforce/supervision.py)."""
    snap, s = _snapshot(ctx, m)
    status = supervision_status(ctx.table, snap, s)
    return share(
        ctx, status, status.in_timescale, subject="worker_id", why="supervised within the standard"
    )


def audits_graded_at_least(ctx: Context, m: Measure) -> Counted:
    """Case-file audits completed in the window with a grade recorded, and how many were
    graded one of the entry's `grades` (social care and family support audits together, as the
    seed's 58% = (53 + 16) of (92 + 26) audits)."""
    grades = ctx.setting(m.id, "grades", m.settings["grades"])
    a = ctx.table("case_audits")
    a = a.filter(a.grade.notnull())
    done = in_window(a, "audit_date", ctx.periods(m.period_type))
    return share(ctx, done, done.grade.isin(grades), why=f"graded {' or '.join(grades)}")


def _fte_in_post(ctx: Context, dates: ir.Table, qualified_only: bool) -> ir.Table:
    p = posts_at(ctx.table, dates)
    w = ctx.table("workers").select("la_code", "worker_id", "agency", "qualified")
    p = attach(p, w, ["la_code", "worker_id"])
    if qualified_only:
        p = p.filter(p.qualified.fill_null(False))
    return p.mutate(agency=p.agency.fill_null(False))


def agency_fte_rate(ctx: Context, m: Measure) -> Counted:
    """Agency FTE as a share of all FTE in post at the period end (standards.md 4: agency ÷
    (agency + employed)), for qualified social workers by default, as DfE counts."""
    s = settings_for(ctx, m)
    p = _fte_in_post(ctx, period_ends(ctx, m.period_type), s.rates.qualified_only)
    return share(ctx, p, p.agency, subject="worker_id", weight="fte", why="agency worker")


def staff_turnover_rate_local(ctx: Context, m: Measure) -> Counted:
    """Employed workers leaving the authority in the 12 months (their FTE when they left), as a
    share of the average employed FTE in post at the month ends of those 12 months.

    The seed's definition ("leavers in a rolling 12 month as % of full time equivalents"), a
    local one: DfE's census rate (census_turnover_rate) divides by the FTE in post on 30
    September instead (standards.md 4).
    Agency workers are not leavers. Moving post within the authority is not leaving.
    """
    s = settings_for(ctx, m)
    wk = ctx.table("workers")
    wk = wk.filter(~wk.agency.fill_null(False) & wk.leave_date.notnull())
    if s.rates.qualified_only:
        wk = wk.filter(wk.qualified.fill_null(False))
    left = in_window(wk, "leave_date", ctx.periods(m.period_type))
    posts = ctx.table("worker_posts").select(
        p_la="la_code", p_worker="worker_id", p_start="start_date", p_fte="fte"
    )
    j = left.left_join(
        posts,
        [
            left.la_code == posts.p_la,
            left.worker_id == posts.p_worker,
            posts.p_start <= left.leave_date,
        ],
    )
    j = j.mutate(
        _rank=ibis.row_number().over(
            group_by=["la_code", "period", "worker_id"], order_by=[ibis.desc(j.p_start)]
        )
    )
    j = j.filter(j._rank == 0)
    # A leaver with no post recorded counts as one FTE rather than vanishing from the count.
    leavers = j.mutate(fte=ibis.coalesce(j.p_fte, 1.0))

    p = _fte_in_post(ctx, ctx.month_ends(m.period_type), s.rates.qualified_only)
    p = p.filter(~p.agency)
    monthly = p.group_by(["la_code", "period", "at"]).agg(fte=exact_sum(p.fte))
    average = monthly.group_by(["la_code", "period"]).agg(denominator=exact_mean(monthly.fte))
    return over(
        ctx,
        leavers,
        average,
        weight="fte",
        subject="worker_id",
        note="average employed FTE in post at the month ends of the window",
    )


def _latest_census(ctx: Context, m: Measure, t: ir.Table) -> ir.Table:
    """Rows of `t` (per la_code and collection_year) from each period's latest workforce census:
    30 September of the census year on or before the period end (standards.md 4)."""
    periods = ctx.periods(m.period_type)
    j = t.join(periods, ibis.date(t.collection_year, 9, 30) <= periods.end)
    j = j.mutate(
        _rank=ibis.row_number().over(
            group_by=["la_code", "period"], order_by=[ibis.desc(j.collection_year)]
        )
    )
    return j.filter(j._rank == 0).drop("_rank")


def vacancy_rate(ctx: Context, m: Measure) -> Counted:
    """Vacancies ÷ (vacancies + employed FTE in post) from the latest workforce census (30
    September) on or before the period end (standards.md 4)."""
    la = ctx.table("workforce_census_la")
    latest = _latest_census(ctx, m, la).select(
        "la_code", "period", "collection_year", "vacancies_fte"
    )
    counts = census_counts(ctx.table).select("la_code", "collection_year", "inpost_fte")
    out = attach(latest, counts, ["la_code", "collection_year"])
    out = out.select(
        "la_code",
        "period",
        numerator=out.vacancies_fte,
        denominator=out.vacancies_fte + out.inpost_fte,
    )
    return aggregate_only(
        ctx, out, "the vacancy rate comes from the workforce census return's own totals"
    )


def _census_ratio(ctx: Context, m: Measure, rate: str) -> Counted:
    """A census rate that is one count over another (measures/workforce/rates.py RATES: turnover, average
    caseload), from the latest census on or before the period end, as DfE publishes it."""
    numerator, denominator = RATES[rate].counts
    counts = census_counts(ctx.table)
    latest = _latest_census(ctx, m, counts)
    out = latest.select(
        "la_code", "period", numerator=latest[numerator], denominator=latest[denominator]
    )
    return aggregate_only(
        ctx, out, f"the figure comes from the workforce census return's totals ({rate})"
    )


def census_turnover_rate(ctx: Context, m: Measure) -> Counted:
    """DfE's turnover rate: FTE of employed social workers whose role ended in the year to 30
    September ÷ employed FTE in post at 30 September (turnover_rate_fte; standards.md 4, 7),
    from the authority's latest census on or before the period end."""
    return _census_ratio(ctx, m, "turnover_rate_fte")


def census_caseload(ctx: Context, m: Measure) -> Counted:
    """DfE's average caseload: cases held at 30 September ÷ FTE of the workers (employed and
    agency) holding them (caseload_fte; a census "case" includes carers allocated for
    fostering or adoption assessment), from the latest census on or before the period end."""
    return _census_ratio(ctx, m, "caseload_fte")


def children_per_case_holder_fte(ctx: Context, m: Measure) -> Counted:
    """Children allocated at the period end ÷ FTE of the workers holding them: registered
    social workers, employed and agency, in every team. DfE's census caseload counted from
    the case allocations, except that only children are allocated here (the census also counts
    carers allocated for fostering or adoption assessment)."""
    snap, s = _snapshot(ctx, m)
    holders = snap.filter(snap.in_post & snap.case_holder & (snap.fte.fill_null(0) > 0))
    if s.rates.qualified_only:
        holders = holders.filter(holders.qualified)
    return ratio(ctx, holders, "cases", "fte", subject="worker_id")


def workers_at_or_above(ctx: Context, m: Measure) -> Counted:
    """Case holders (workforce caseload settings) holding at least `threshold` cases at the
    period end, the seed's "65 workers had a caseload of 20 or higher"."""
    threshold = ctx.setting(m.id, "threshold", m.settings["threshold"])
    snap, s = _snapshot(ctx, m)
    holders = case_holders(snap, "cases", s)
    return count_rows(ctx, holders.filter(holders.cases >= threshold), subject="worker_id")


def caseload_max(ctx: Context, m: Measure) -> Counted:
    """The highest caseload of any case holder at the period end."""
    snap, s = _snapshot(ctx, m)
    holders = case_holders(snap, "cases", s)
    order = [ibis.desc(holders.cases), holders.worker_id]
    return top(ctx, holders, order, "cases", subject="worker_id", why="the highest caseload")


def team_manager_span_max(ctx: Context, m: Measure) -> Counted:
    """The front-line team with the most cases per team manager at the period end: its cases
    (numerator) and managers (denominator)."""
    snap, s = _snapshot(ctx, m)
    t = team_spans(ctx.table, snap, s)
    t = t.filter(t.cases_per_manager.notnull())
    order = [ibis.desc(t.cases_per_manager), ibis.desc(t.cases), t.team_id]
    return top(
        ctx, t, order, "cases", "managers", subject="team_id", why="the most cases per manager"
    )
