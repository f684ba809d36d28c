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
    plan. Adds review_date, review_number (1 = first) and due_date; a plan with no review
    held has none of these rows.
    """
    r = ctx.table("cp_reviews").select(
        r_la="la_code", r_child="child_id", r_plan="plan_start_date", review_date="review_date"
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
        j._previous + ibis.interval(months=every_months),
        j.start_date + ibis.interval(months=first_months),
    )
    return j.mutate(due_date=due).drop("_previous")


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
    was due (`_cla_due`; NULL when it cannot be judged). Columns: la_code, child_id,
    period_start, review_date, review_number (1 = first of the period), due_date."""
    s = _cla_schedule(ctx, m)
    p = _with_history(ctx, cla_periods_of_care(ctx, m))
    p = with_working_days_after(ctx, p, "period_start", s["first"], "first_due")
    r = ctx.table("cla_reviews")
    r = r.filter(r.review_date.notnull()).select(
        r_la="la_code", r_child="child_id", review_date="review_date"
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
    j = j.mutate(review_number=j._n + 1, due_date=_cla_due(j, s, j._n, j._previous))
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
