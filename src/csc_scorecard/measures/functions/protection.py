"""Section 47 enquiries, initial conferences and child protection plans (CIN census Section47 and
ChildProtectionPlans; Annex A lists 5 and 7; standards.md 5.2)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import (
    Counted,
    count_children,
    count_rows,
    in_window,
    months_ago,
    open_at,
    setting,
    share,
    share_of_total,
)
from csc_scorecard.model.codes import codes

_CHILD = ("la_code", "period", "child_id")


# --- Section 47 enquiries and initial child protection conferences ---------------------------


def section47_enquiries(ctx: Context, m: Measure) -> Counted:
    """S47 enquiries with S47ActualStartDate in the window; a child with several counts for each
    (DfE C4)."""
    return count_rows(
        ctx, in_window(ctx.table("section47s"), "start_date", ctx.periods(m.period_type))
    )


def section47_children(ctx: Context, m: Measure) -> Counted:
    """Distinct children with an S47 enquiry starting in the window (DfE's Section47_child)."""
    return count_children(
        ctx, in_window(ctx.table("section47s"), "start_date", ctx.periods(m.period_type))
    )


def _icpcs(ctx: Context, m: Measure) -> ir.Table:
    """One row per initial conference: (la_code, child_id, icpc_date).

    Conferences come from the Section47 groups and, when the `include_episode_icpcs` setting is
    on, from DateOfInitialCPC recorded on the episode itself (transfer-in conferences with no S47
    in this authority; standards.md 2.1). The same child and date from both places is one
    conference, so duplicated recording is not double counted.
    """
    s = ctx.table("section47s")
    held = s.filter(s.icpc_date.notnull()).select("la_code", "child_id", "icpc_date")
    if setting(ctx, m, "include_episode_icpcs", True):
        r = ctx.table("referrals")
        held = held.union(
            r.filter(r.icpc_date.notnull()).select("la_code", "child_id", "icpc_date")
        )
    return held.distinct()


def icpcs_held(ctx: Context, m: Measure) -> Counted:
    """Initial child protection conferences held in the window (DfE C4 ICPC count)."""
    return count_rows(ctx, in_window(_icpcs(ctx, m), "icpc_date", ctx.periods(m.period_type)))


def icpcs_following_s47(ctx: Context, m: Measure) -> Counted:
    """S47 enquiries starting in the window that led to a conference (DateOfInitialCPC recorded,
    whenever it was held, so an enquiry late in the quarter counts once its conference is in)."""
    s = in_window(ctx.table("section47s"), "start_date", ctx.periods(m.period_type))
    return count_rows(ctx, s.filter(s.icpc_date.notnull()))


def icpc_within_working_days(ctx: Context, m: Measure) -> Counted:
    """Conferences held in the window (Section47 DateOfInitialCPC) and how many were held within
    N working days of S47ActualStartDate (DfE C4 bands 0-10 and 11-15; standards.md 5.2).

    Working days after the start up to and including the conference (same day = 0, the rule
    used for assessments). A conference dated before its enquiry started has no valid duration:
    DfE leaves it out of the bands but keeps it in the ICPC total, so it stays in the
    denominator and never counts as within timescale.
    """
    limit = setting(ctx, m, "working_days")
    s = ctx.table("section47s")
    s = ctx.with_working_days(
        s.filter(s.icpc_date.notnull()), "start_date", "icpc_date", "working_days"
    )
    held = in_window(s, "icpc_date", ctx.periods(m.period_type))
    return share(
        ctx,
        held,
        (held.icpc_date >= held.start_date) & (held.working_days <= limit),
        why=f"conference within {limit} working days of the S47 start",
    )


# --- Child protection plans -------------------------------------------------------------------


def _plans_at_end(ctx: Context, m: Measure) -> ir.Table:
    """One plan per child open at each period's end (started on or before it, not ended on or
    before it; open_at). Overlapping plans are a recording error; the most recently started
    one stands for the child so child-level figures add up to the count of children."""
    o = open_at(ctx.table("cp_plans"), "start_date", "end_date", ctx.periods(m.period_type))
    latest = o.group_by(list(_CHILD)).agg(_latest=o.start_date.max())
    o = o.join(latest, list(_CHILD))
    return o.filter(o.start_date == o._latest).drop("_latest")


def children_on_plan_at_end(ctx: Context, m: Measure) -> Counted:
    """Distinct children on a plan at the period end (DfE CPP at 31 March)."""
    return count_children(ctx, _plans_at_end(ctx, m))


def plans_at_end_by_sex(ctx: Context, m: Measure) -> Counted:
    """Children on a plan at the end by sex (M/F/U) as a share of all of them. Unborn children
    (CIN GenderCurrent 0), a blank or unlisted sex and a child with no characteristics row all
    count as U, so the shares always add up to 100%."""
    o = _plans_at_end(ctx, m)
    c = ctx.table("children").select(c_la="la_code", c_child="child_id", sex="sex")
    j = o.left_join(c, [o.la_code == c.c_la, o.child_id == c.c_child])
    listed = j.sex.isin(list(codes("sex"))).fill_null(False)
    return share_of_total(ctx, j, listed.ifelse(j.sex, ibis.literal("U")))


def plans_at_end_by_category(ctx: Context, m: Measure) -> Counted:
    """Plans open at the end by category of abuse, as a share of all of them. The `category`
    setting picks LatestCategoryOfAbuse (default, standards.md 5.2 suggestion for open plans)
    or InitialCategoryOfAbuse; a blank category appears as "not recorded"."""
    column = setting(ctx, m, "category", "latest")
    if column not in ("latest", "initial"):
        raise ValueError(f"{m.id}: setting category must be 'latest' or 'initial', not {column!r}")
    o = _plans_at_end(ctx, m)
    return share_of_total(ctx, o, o[f"{column}_category"].fill_null("not recorded"))


def plans_started(ctx: Context, m: Measure) -> Counted:
    return count_rows(
        ctx, in_window(ctx.table("cp_plans"), "start_date", ctx.periods(m.period_type))
    )


def plans_ended(ctx: Context, m: Measure) -> Counted:
    return count_rows(ctx, in_window(ctx.table("cp_plans"), "end_date", ctx.periods(m.period_type)))


def _with_earlier_plan(ctx: Context, m: Measure, condition) -> ir.Table:
    """Plans starting in the window, flagged `_earlier` when the same child has a plan in the
    store that started strictly before this one and meets `condition(new, prior)`."""
    plans = ctx.table("cp_plans")
    new = in_window(plans, "start_date", ctx.periods(m.period_type))
    prior = plans.select(p_la="la_code", p_child="child_id", p_start="start_date", p_end="end_date")
    hits = (
        new.join(
            prior,
            [
                new.la_code == prior.p_la,
                new.child_id == prior.p_child,
                prior.p_start < new.start_date,
                condition(new, prior),
            ],
        )
        .select("la_code", "period", "child_id", "start_date")
        .distinct()
    )
    return new.left_join(
        hits.mutate(_earlier=ibis.literal(True)), ["la_code", "period", "child_id", "start_date"]
    )


def second_plan_ever(ctx: Context, m: Measure) -> Counted:
    """Plans starting in the window where the child had been on a plan before, however long
    ago: the recorded NumberOfPreviousCPP > 0, as DfE counts it (covers plans elsewhere or
    before the store's history; standards.md 5.2, S10 100); where the count is blank, an
    earlier plan in the store. A recorded count the store contradicts (0 with an earlier plan
    stored) is used as recorded: the load reported it as a data-quality issue
    (ingest/consistency.py), for correction at source, rather than it being overridden here."""
    t = _with_earlier_plan(ctx, m, lambda new, prior: ibis.literal(True))
    before = ibis.coalesce(t.previous_plans > 0, t._earlier.fill_null(False))
    return share(ctx, t, before, why="on a plan before")


def second_plan_within(ctx: Context, m: Measure) -> Counted:
    """Plans starting in the window where an earlier plan of the child's ended no more than
    `within_days` days before the new start (local, standards.md 5.2: new start - previous end
    <= 730). An earlier plan not yet ended, or ended after the new start (overlap), counts.
    Only plans in the store can be dated, so NumberOfPreviousCPP alone never counts here."""
    days = setting(ctx, m, "within_days")

    def recent(new: ir.Table, prior: ir.Table) -> ir.BooleanValue:
        ended = ibis.coalesce(prior.p_end, new.start_date)
        return ended >= new.start_date - ibis.interval(days=days)

    t = _with_earlier_plan(ctx, m, recent)
    return share(ctx, t, t._earlier, why=f"a plan ended within {days} days before")


def plans_ended_lasting(ctx: Context, m: Measure) -> Counted:
    """Plans ending in the window that lasted more than `more_than_days` days counting the day
    of cessation, as a share of plans ended: DfE's "2 years or more" band of D7 is "more than
    729 calendar days including the day of cessation" (LAIT CPPlans2yrs; standards.md 7), so
    days = end - start + 1 > 729, i.e. the end is at least 729 days after the start."""
    limit = setting(ctx, m, "more_than_days")
    ended = in_window(ctx.table("cp_plans"), "end_date", ctx.periods(m.period_type))
    ended = ended.mutate(days=ended.end_date.delta(ended.start_date, unit="day") + 1)
    return share(
        ctx, ended, ended.days > limit, why=f"lasted more than {limit} days, the end day included"
    )


def _plans_open_lasting(ctx: Context, m: Measure) -> ir.Table:
    """Plans open at the end (one per child) that had lasted `years` years or more by then: the
    period end on or after the anniversary of the start."""
    years = setting(ctx, m, "years")
    o = _plans_at_end(ctx, m)
    return o.filter(o.start_date + ibis.interval(years=years) <= o.end)


def plans_open_lasting(ctx: Context, m: Measure) -> Counted:
    """Children on a plan at the end whose plan had lasted `years` years or more by then (the
    local open-plan variant of D7, standards.md 5.2)."""
    return count_children(ctx, _plans_open_lasting(ctx, m))


def plans_open_lasting_families(ctx: Context, m: Measure) -> Counted:
    """Distinct families of the children `plans_open_lasting` counts (the seed's "five children
    from four families"). The family is the child's family_id in `child_families`; a child with
    no family row is a family of their own, so siblings are joined only where the case system
    says so and no two families are ever merged. One member row per family, with its number of
    children."""
    t = _plans_open_lasting(ctx, m)
    fam = ctx.table("child_families").select(f_la="la_code", f_child="child_id", family="family_id")
    j = t.left_join(fam, [t.la_code == fam.f_la, t.child_id == fam.f_child])
    j = j.mutate(family_id=j.family.fill_null("child " + j.child_id))
    families = j.group_by(["la_code", "period", "family_id"]).agg(
        children=j.child_id.nunique(), start_date=j.start_date.min()
    )
    return count_rows(ctx, families, subject="family_id")


def visits_in_timescale(ctx: Context, m: Measure) -> Counted:
    """Children on a plan at the end whose latest statutory visit on or before the end was at
    most `working_days` working days before it (standards.md 5.2: no national definition; local
    standard, commonly every 10 working days). A child with no visit recorded is not in
    timescale. Visits after the period end are ignored, so a re-run gives the same figure."""
    limit = setting(ctx, m, "working_days")
    o = _plans_at_end(ctx, m).select(*_CHILD, "end")
    v = ctx.table("cp_visits").select(v_la="la_code", v_child="child_id", visit_date="visit_date")
    j = o.left_join(v, [o.la_code == v.v_la, o.child_id == v.v_child, v.visit_date <= o.end])
    last = j.group_by([*_CHILD, "end"]).agg(last_visit=j.visit_date.max())
    last = ctx.with_working_days(last, "last_visit", "end", "working_days")
    return share(
        ctx,
        last,
        last.working_days <= limit,
        why=f"last visit within {limit} working days of the end",
    )


def reviews_in_timescale(ctx: Context, m: Measure) -> Counted:
    """Children on a plan at the end that had lasted at least `first_review_months` (so a review
    has fallen due), whose plan has had every review on time up to the end.

    The rule (Working Together; standards.md 5.2, S13): the first review conference is due
    `first_review_months` after the plan start (the ICPC date), each later one
    `review_interval_months` after the one before. A plan is in timescale when every review held
    on or before the period end was on or before its due date, and the next review is not yet
    overdue (its due date is on or after the period end). Reviews are matched to the plan by
    CPPstartDate (or, where that is blank, by falling inside the plan).
    """
    first = setting(ctx, m, "first_review_months")
    every = setting(ctx, m, "review_interval_months")
    o = _plans_at_end(ctx, m)
    o = o.filter(o.start_date <= months_ago(o.end, first)).select(*_CHILD, "start_date", "end")
    r = ctx.table("cp_reviews").select(
        r_la="la_code", r_child="child_id", r_plan="plan_start_date", review_date="review_date"
    )
    j = o.left_join(
        r,
        [
            o.la_code == r.r_la,
            o.child_id == r.r_child,
            r.r_plan.isnull() | (r.r_plan == o.start_date),
            r.review_date >= o.start_date,
            r.review_date <= o.end,
        ],
    )
    keys = [*_CHILD, "start_date", "end"]
    previous = j.review_date.lag().over(
        ibis.window(group_by=[j[k] for k in keys], order_by=j.review_date)
    )
    j = j.mutate(_previous=previous)
    due = ibis.coalesce(
        j._previous + ibis.interval(months=every), j.start_date + ibis.interval(months=first)
    )
    j = j.mutate(_late=(j.review_date > due).fill_null(False).cast("int64"))
    plan = j.group_by(keys).agg(late=j._late.sum(), last_review=j.review_date.max())
    next_due = ibis.coalesce(
        plan.last_review + ibis.interval(months=every),
        plan.start_date + ibis.interval(months=first),
    )
    on_time = (plan.late == 0) & (next_due >= plan.end)
    return share(ctx, plan, on_time, why="every review on time and none overdue")
