"""Due dates shared by the operational measures and the daily lists: the Nth working day after
a date, and the review schedules of child protection plans and children looked after.

Working days follow `reference.calendar` (Monday-Friday, England & Wales bank holidays out); the
Nth working day after a date is the date whose working-day index is N more, so a start on a
weekend counts from the working day before it, as `calendar.add_working_days` does.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.context import Context


def with_working_days_after(
    ctx: Context, t: ir.Table, start: str, days: int | ir.IntegerValue, name: str
) -> ir.Table:
    """Add `name`: the date `days` working days after `start` (NULL when `start` is NULL or
    outside the calendar)."""
    cal = ctx.calendar()
    index = cal.select(_wa_d=cal.date, _wa_i=cal.working_day_index)
    nth = cal.group_by(_wa_n=cal.working_day_index).agg(_wa_due=cal.date.min())
    t = t.left_join(index, t[start] == index._wa_d)
    t = t.left_join(nth, t._wa_i + days == nth._wa_n)
    return t.mutate(**{name: t._wa_due}).drop("_wa_d", "_wa_i", "_wa_n", "_wa_due")


def cp_reviews_due(ctx: Context, plans: ir.Table, first_months: int, every_months: int) -> ir.Table:
    """Every review conference of the `plans` given (rows with la_code, child_id, start_date,
    end_date and any other columns), with the date it was due.

    Working Together (standards.md 5.2, S13): the first review is due `first_months` after the
    plan start (the initial conference), each later one `every_months` after the review before.
    A review belongs to a plan by CPPstartDate or, where that is blank, by falling within the
    plan. Adds review_date, review_number (1 = first) and due_date: the due date the source
    records (the SSD's cppr_cp_review_due) where it gives one, else the one worked out here. A
    plan with no review held has none of these rows.
    """
    r = ctx.table("cp_reviews")
    r = r.select(
        r_la="la_code",
        r_child="child_id",
        r_plan="plan_start_date",
        review_date="review_date",
        r_due=_recorded_due(r),
    )
    j = plans.join(
        r,
        [
            plans.la_code == r.r_la,
            plans.child_id == r.r_child,
            r.r_plan.isnull() | (r.r_plan == plans.start_date),
            r.review_date >= plans.start_date,
            plans.end_date.isnull() | (r.review_date <= plans.end_date),
        ],
    ).drop("r_la", "r_child", "r_plan")
    w = ibis.window(group_by=[j.la_code, j.child_id, j.start_date], order_by=[j.review_date])
    j = j.mutate(_previous=j.review_date.lag().over(w), review_number=ibis.row_number().over(w) + 1)
    due = ibis.coalesce(
        j.r_due,
        j._previous + ibis.interval(months=every_months),
        j.start_date + ibis.interval(months=first_months),
    )
    return j.mutate(due_date=due).drop("_previous", "r_due")


def _recorded_due(r: ir.Table) -> ir.DateValue:
    """The due date a review table records (SSD review due dates), NULL where it has none."""
    return r.due_date if "due_date" in r.columns else ibis.null("date")


def next_cp_review_due(
    ctx: Context, plans: ir.Table, on: ir.DateValue, first_months: int, every_months: int
) -> ir.Table:
    """`plans` (one row per plan) with last_review (the latest held on or before `on`) and
    next_review_due: `every_months` after it, or `first_months` after the start if none."""
    held = cp_reviews_due(
        ctx,
        plans.select("la_code", "child_id", "start_date", "end_date"),
        first_months,
        every_months,
    )
    held = held.filter(held.review_date <= on)
    last = held.group_by(l_la=held.la_code, l_child=held.child_id, l_start=held.start_date).agg(
        last_review=held.review_date.max()
    )
    j = plans.left_join(
        last,
        [
            plans.la_code == last.l_la,
            plans.child_id == last.l_child,
            plans.start_date == last.l_start,
        ],
    ).drop("l_la", "l_child", "l_start")
    due = ibis.coalesce(
        j.last_review + ibis.interval(months=every_months),
        j.start_date + ibis.interval(months=first_months),
    )
    return j.mutate(next_review_due=due)


def cla_periods_of_care(ctx: Context, m) -> ir.Table:
    """One row per period of care (903 episodes other than short breaks, joined by X1
    continuations; `looked_after.episodes`): la_code, child_id, period_of_care, period_start,
    period_end (NULL while the child is still looked after)."""
    from csc_scorecard.measures.functions.looked_after import episodes

    e = episodes(ctx, m)
    g = e.group_by(["la_code", "child_id", "period_of_care"])
    return g.agg(
        period_start=e.decom.min(),
        period_end=ibis.ifelse(e.dec.isnull().any(), ibis.null("date"), e.dec.max()),
    )


def _cla_schedule(ctx: Context, m) -> dict:
    from csc_scorecard.measures.functions.common import setting

    return {
        "first": setting(ctx, m, "first_review_working_days"),
        "second": ibis.interval(months=setting(ctx, m, "second_review_months")),
        "later": ibis.interval(months=setting(ctx, m, "later_review_months")),
    }


def _with_history(ctx: Context, t: ir.Table) -> ir.Table:
    """Add `horizon` (the authority's earliest recorded CLA review) and `known` (the period of
    care began on or after it, so every review of the period is in the store)."""
    r = ctx.table("cla_reviews")
    r = r.filter(r.review_date.notnull())
    history = r.group_by(h_la=r.la_code).agg(horizon=r.review_date.min())
    t = t.left_join(history, t.la_code == history.h_la).drop("h_la")
    return t.mutate(known=t.horizon.isnull() | (t.period_start >= t.horizon))


def _cla_due(t: ir.Table, s: dict, n_before: ir.IntegerValue, last: ir.DateValue) -> ir.DateValue:
    """The due date of the review after `n_before` reviews of the period (the last on `last`):
    the first by the `first_review_working_days`th working day of the period (`first_due`),
    the second `second_review_months` after the first, each later one `later_review_months`
    after the one before (Care Planning, Placement and Case Review (England) Regulations 2010,
    reg 33). For a period begun before the store's review history the first review held cannot
    be judged (NULL) and later ones are taken as `later_review_months` apart."""
    known = ibis.cases(
        (n_before == 0, t.first_due), (n_before == 1, last + s["second"]), else_=last + s["later"]
    )
    unknown = ibis.cases((n_before == 0, ibis.null("date")), else_=last + s["later"])
    return ibis.ifelse(t.known, known, unknown)


def cla_reviews_due(ctx: Context, m) -> ir.Table:
    """Every looked-after review held, placed in the child's period of care, with the date it
    was due: the source's (the SSD's clar_cla_review_due_date) where it records one, else
    `_cla_due` (NULL when it cannot be judged). Columns: la_code, child_id,
    period_start, review_date, review_number (1 = first of the period), due_date."""
    s = _cla_schedule(ctx, m)
    p = _with_history(ctx, cla_periods_of_care(ctx, m))
    p = with_working_days_after(ctx, p, "period_start", s["first"], "first_due")
    r = ctx.table("cla_reviews")
    r = r.filter(r.review_date.notnull()).select(
        r_la="la_code", r_child="child_id", review_date="review_date", r_due=_recorded_due(r)
    )
    j = p.join(
        r,
        [
            p.la_code == r.r_la,
            p.child_id == r.r_child,
            r.review_date >= p.period_start,
            p.period_end.isnull() | (r.review_date <= p.period_end),
        ],
    )
    w = ibis.window(group_by=[j.la_code, j.child_id, j.period_start], order_by=[j.review_date])
    j = j.mutate(_n=ibis.row_number().over(w), _previous=j.review_date.lag().over(w))
    j = j.mutate(
        review_number=j._n + 1, due_date=ibis.coalesce(j.r_due, _cla_due(j, s, j._n, j._previous))
    )
    return j.select(
        "la_code", "child_id", "period_start", "review_date", "review_number", "due_date"
    )


def next_cla_review_due(ctx: Context, m, on: ir.DateValue) -> ir.Table:
    """Children looked after on `on` (period of care open then) with the reviews of the period
    held by then: la_code, child_id, period_start, reviews_held, last_review, next_review_due.
    With none held in a period begun before the store's review history, the next is taken as
    due `later_review_months` after the history begins."""
    s = _cla_schedule(ctx, m)
    p = cla_periods_of_care(ctx, m)
    p = p.filter((p.period_start <= on) & (p.period_end.isnull() | (p.period_end > on)))
    p = _with_history(ctx, p)
    p = with_working_days_after(ctx, p, "period_start", s["first"], "first_due")
    r = ctx.table("cla_reviews")
    r = r.filter(r.review_date.notnull() & (r.review_date <= on))
    r = r.select(r_la="la_code", r_child="child_id", review_date="review_date")
    j = p.left_join(
        r, [p.la_code == r.r_la, p.child_id == r.r_child, r.review_date >= p.period_start]
    )
    per = j.group_by(["la_code", "child_id", "period_start", "first_due", "known", "horizon"]).agg(
        reviews_held=j.review_date.count(), last_review=j.review_date.max()
    )
    due = ibis.ifelse(
        per.known | (per.reviews_held > 0),
        _cla_due(per, s, per.reviews_held, per.last_review),
        per.horizon + s["later"],
    )
    return per.mutate(next_review_due=due).select(
        "la_code", "child_id", "period_start", "reviews_held", "last_review", "next_review_due"
    )


def seen_visits(ctx: Context, table: str) -> ir.Table:
    """la_code, child_id, visit_date of the visits in `table` at which the child was seen: a
    visit recorded as not seeing the child is not a statutory visit; where the source does not
    say (no `seen` column, or NULL), the visit counts."""
    v = ctx.table(table)
    if "seen" in v.columns:
        v = v.filter(v.seen.fill_null(True))
    return v.select("la_code", "child_id", "visit_date")


def placements_at(ctx: Context, m, ends: ir.Table) -> ir.Table:
    """Children looked after at each `end` of `ends` (a table with period and end; short breaks
    excluded), with `placement_start`: the latest episode of the current period of care, up to
    the end, that began the period or changed placement (903 RNE other than L, which changes
    the legal status only)."""
    from csc_scorecard.measures.functions.looked_after import episodes

    e = episodes(ctx, m)
    current = e.join(ends, [e.decom <= ends.end, e.dec.isnull() | (e.dec > ends.end)])
    current = current.select(
        "la_code", "child_id", "period", "end", c_period="period_of_care"
    ).distinct()
    moves = e.filter(e.starts_period | (e.rne != "L").fill_null(True)).select(
        m_la="la_code", m_child="child_id", m_period="period_of_care", m_decom="decom"
    )
    j = current.join(
        moves,
        [
            current.la_code == moves.m_la,
            current.child_id == moves.m_child,
            current.c_period == moves.m_period,
            moves.m_decom <= current.end,
        ],
    )
    return j.group_by(["la_code", "period", "child_id", "end"]).agg(placement_start=j.m_decom.max())


def cla_visits_due(ctx: Context, m, ends: ir.Table) -> ir.Table:
    """Children looked after at each end with last_visit (the latest seen visit from the
    placement start up to the end) and next_visit_due, by the Care Planning, Placement and Case
    Review (England) Regulations 2010, reg 28(2): within `first_visit_days` (7) of the placement
    start, then at intervals of not more than `first_year_weeks` (6) weeks in the placement's
    first year, then not more than `later_months` (3) months. The regulation keeps six weeks
    after the first year for placements not intended to last until 18, which the 903 data
    cannot tell apart: the interval after a visit is six weeks when it fell in the first year
    of the placement and three months after it."""
    from csc_scorecard.measures.functions.common import setting

    t = placements_at(ctx, m, ends)
    v = seen_visits(ctx, "cla_visits").select(
        v_la="la_code", v_child="child_id", v_date="visit_date"
    )
    j = t.left_join(
        v,
        [
            t.la_code == v.v_la,
            t.child_id == v.v_child,
            v.v_date >= t.placement_start,
            v.v_date <= t.end,
        ],
    )
    t = j.group_by(["la_code", "period", "child_id", "end", "placement_start"]).agg(
        last_visit=j.v_date.max()
    )
    first = ibis.interval(days=setting(ctx, m, "first_visit_days"))
    in_year = ibis.interval(weeks=setting(ctx, m, "first_year_weeks"))
    later = ibis.interval(months=setting(ctx, m, "later_months"))
    due = ibis.cases(
        (t.last_visit.isnull(), t.placement_start + first),
        (t.last_visit < t.placement_start + ibis.interval(years=1), t.last_visit + in_year),
        else_=t.last_visit + later,
    )
    return t.mutate(next_visit_due=due)
