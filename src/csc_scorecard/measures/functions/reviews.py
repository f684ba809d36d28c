"""Reviews held in timescale, counted as reviews (not children): child protection review
conferences and looked-after reviews, each judged against its own due date
(`timescales.cp_reviews_due`, `timescales.cla_reviews_due`). The same schedules drive the
`reviews-due` list, so a review this counts as late is one the list showed as overdue."""

from __future__ import annotations

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import Counted, in_window, setting, share
from csc_scorecard.measures.functions.timescales import cla_reviews_due, cp_reviews_due


def cp_reviews_held_in_timescale(ctx: Context, m: Measure) -> Counted:
    """Review conferences held in the window (matched to their plan) and how many were held on
    or before their due date: `first_review_months` after the plan start for the first, then
    `review_interval_months` after the review before."""
    plans = ctx.table("cp_plans").select("la_code", "child_id", "start_date", "end_date")
    held = cp_reviews_due(
        ctx,
        plans,
        setting(ctx, m, "first_review_months"),
        setting(ctx, m, "review_interval_months"),
    )
    held = in_window(held, "review_date", ctx.periods(m.period_type))
    return share(ctx, held, held.review_date <= held.due_date, why="held on or before its due date")


def cla_reviews_held_in_timescale(ctx: Context, m: Measure) -> Counted:
    """Looked-after reviews held in the window and how many were held on or before their due
    date (first by the 20th working day of the period of care, second 3 months after the first,
    then 6-monthly). A review whose due date cannot be known (the first one held in a period of
    care begun before the store's review history) is left out of both counts."""
    held = cla_reviews_due(ctx, m)
    held = held.filter(held.due_date.notnull())
    held = in_window(held, "review_date", ctx.periods(m.period_type))
    return share(ctx, held, held.review_date <= held.due_date, why="held on or before its due date")
