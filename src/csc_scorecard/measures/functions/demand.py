"""Contacts, referrals, assessments and children in need (CIN census; standards.md 5.1, 5.3)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import (
    Counted,
    children_open,
    count_rows,
    in_window,
    months_ago,
    open_at,
    open_children,
    open_during,
    setting,
    share,
    share_of_total,
)


def referral_rows(ctx: Context) -> ir.Table:
    """The referrals every referral measure counts: one per child and referral date.

    A child's two rows with the same referral date are one referral recorded twice (the load
    reports them as a duplicate_key issue): `referrals`, the rate per 10,000, the sources and
    the re-referral denominator all count it once, so the re-referral rate's denominator is the
    referral count printed beside it (issue 18). The row kept is the first by source and
    closure date, so a re-run keeps the same one.

    Duplicates are rare, so only their rows are ordered: the keys held more than once are
    found by a grouping, the other rows kept as they are, and the window picks the first of
    each repeated key among its own rows (a window over every referral sorted them all:
    several times the cost, England docs/benchmarks.md). Keys compare NULL as equal, as the
    window's partitions do.
    """
    r = ctx.table("referrals")
    keys = ["la_code", "child_id", "referral_date"]
    repeated = r.group_by(keys).agg(_n=r.count())
    repeated = repeated.filter(repeated._n > 1).select(
        _k_la="la_code", _k_child="child_id", _k_ref="referral_date"
    )
    same = [
        r.la_code.identical_to(repeated._k_la),
        r.child_id.identical_to(repeated._k_child),
        r.referral_date.identical_to(repeated._k_ref),
    ]
    once = r.anti_join(repeated, same)
    twice = r.semi_join(repeated, same)
    first = ibis.row_number().over(
        group_by=[twice.la_code, twice.child_id, twice.referral_date],
        order_by=[
            twice.referral_source.asc(nulls_first=False),
            twice.closure_date.asc(nulls_first=False),
        ],
    )
    twice = twice.mutate(_first=first)
    return ibis.union(once, twice.filter(twice._first == 0).drop("_first"))


def referrals(ctx: Context, m: Measure) -> Counted:
    """Referrals dated in the window, each counted (a child referred twice counts twice; the
    same child and date once, referral_rows)."""
    return count_rows(
        ctx, in_window(referral_rows(ctx), "referral_date", ctx.periods(m.period_type))
    )


def referral_sources(ctx: Context, m: Measure) -> Counted:
    r = in_window(referral_rows(ctx), "referral_date", ctx.periods(m.period_type))
    return share_of_total(ctx, r, r.referral_source.fill_null("not recorded"))


def rereferrals_within_12_months(ctx: Context, m: Measure) -> Counted:
    """Referrals in the window whose child had an earlier referral within the 12 months before.

    Earlier = a strictly earlier referral date (same-day duplicates are not re-referrals), on or
    after the referral date minus 12 calendar months (standards.md 5.1 [U]; stack.md gotcha 7).
    The denominator is `referrals` (referral_rows: a same-day duplicate counted once in both).

    Whether a referral is a re-referral does not depend on the window, so it is decided once per
    referral, before the windows: referral_rows has one row per child and date, so the child's
    latest earlier referral is the one before it in date order, and there is an earlier one
    within the months exactly when that one is within them. (Joining each referral in each
    window to all of its child's earlier referrals gave the same flags at several times the
    cost: England's referral statement, docs/benchmarks.md.)
    """
    months = setting(ctx, m, "look_back_months")
    r = referral_rows(ctx).select("la_code", "child_id", "referral_date")
    r = r.filter(r.referral_date.notnull())  # in no window; never an earlier referral
    before = r.referral_date.lag().over(
        ibis.window(group_by=[r.la_code, r.child_id], order_by=r.referral_date)
    )
    r = r.mutate(
        _re=r.child_id.notnull()
        & before.notnull()
        & (before >= months_ago(r.referral_date, months))
    )
    current = in_window(r, "referral_date", ctx.periods(m.period_type))
    return share(
        ctx, current, current._re, why=f"referred before within {months} months (earlier date)"
    )


def assessments_started(ctx: Context, m: Measure) -> Counted:
    a = ctx.table("assessments")
    return count_rows(ctx, in_window(a, "start_date", ctx.periods(m.period_type)))


def assessments_completed(ctx: Context, m: Measure) -> Counted:
    a = ctx.table("assessments")
    return count_rows(ctx, in_window(a, "authorised_date", ctx.periods(m.period_type)))


def assessments_within_working_days(ctx: Context, m: Measure) -> Counted:
    """Assessments authorised in the window, and how many took at most N working days from
    AssessmentActualStartDate to AssessmentAuthorisationDate (DfE C2; standards.md 5.1)."""
    limit = setting(ctx, m, "working_days")
    a = ctx.table("assessments")
    a = ctx.with_working_days(a, "start_date", "authorised_date", "working_days")
    done = in_window(a, "authorised_date", ctx.periods(m.period_type))
    return share(
        ctx,
        done,
        (done.working_days >= 0) & (done.working_days <= limit),
        why=f"authorised within {limit} working days of the start",
    )


def assessments_no_further_support(ctx: Context, m: Measure) -> Counted:
    """Completed assessments that found no need for further children's social care support.

    Annex A records the outcome directly (CSCSupportRequired); where it is blank we use the CIN
    census: the episode closed after assessment with no further action, RC8 (and RC9, closed
    and referred to early help, when the `include_rc9` setting is on; standards.md 5.1 [U]).
    """
    closing = ["RC8", "RC9"] if setting(ctx, m, "include_rc9") else ["RC8"]
    a = ctx.table("assessments")
    r = ctx.table("referrals").select(
        r_la="la_code", r_child="child_id", r_date="referral_date", closure_reason="closure_reason"
    )
    a = a.left_join(r, [a.la_code == r.r_la, a.child_id == r.r_child, a.referral_date == r.r_date])
    done = in_window(a, "authorised_date", ctx.periods(m.period_type))
    no_support = ibis.coalesce(~done.further_support_needed, done.closure_reason.isin(closing))
    return share(ctx, done, no_support, why="no further support needed")


def _cin_episodes(ctx: Context) -> ir.Table:
    """Episodes of need: referrals not closed as no further action at referral."""
    r = ctx.table("referrals")
    return r.filter(~r.referral_nfa.fill_null(False))


def children_in_need_during(ctx: Context, m: Measure) -> Counted:
    """Distinct children with an episode of need open at any time in the window (the ChAT /
    Annex A list 6 cohort the seed reports: includes CLA, CP, open assessments, closed episodes)."""
    return children_open(
        ctx,
        _cin_episodes(ctx),
        "referral_date",
        "closure_date",
        ctx.periods(m.period_type),
        at=None,
    )


def children_in_need_at_end(ctx: Context, m: Measure) -> Counted:
    """Children with an open episode of need at the period end (DfE CIN at 31 March, 5.3)."""
    return children_open(
        ctx, _cin_episodes(ctx), "referral_date", "closure_date", ctx.periods(m.period_type)
    )


def children_in_need_with_cin_plan(ctx: Context, m: Measure) -> Counted:
    """Of children in need during the window, those with a CIN plan open during it.

    The children in need and the children with a plan, each one row a period (`open_children`:
    no grouping of the pairs), the first joined to the second; a plan without a child is no
    child's. The same rows as the distinct cohort flagged by the distinct plans (England,
    docs/benchmarks.md). The members are `_flagged_cohort`'s."""
    p = ctx.periods(m.period_type)
    episodes, plans = _cin_episodes(ctx), ctx.table("cin_plans")
    why = "a CIN plan open during the window"
    if ctx.members:
        cin = open_during(episodes, "referral_date", "closure_date", p)
        plans = open_during(plans, "start_date", "end_date", p)
        plans = plans.filter(plans.child_id.notnull())
        return share(ctx, *_flagged_cohort(cin, [plans]), why=why)
    cin = open_children(episodes, "referral_date", "closure_date", p, at=None, unknown_child=True)
    with_plan = open_children(plans, "start_date", "end_date", p, at=None)
    return share(ctx, *_with_plan(cin, with_plan), why=why)


def _with_plan(cohort: ir.Table, plans: ir.Table) -> tuple[ir.Table, ir.BooleanValue]:
    """The rows of `cohort` and whether each has a row in `plans` with the same authority,
    period and child (both `open_children`'s rows: one a child and period)."""
    p = plans.select(_p_la="la_code", _p_period="period", _p_child="child_id")
    same = [cohort.la_code == p._p_la, cohort.period == p._p_period, cohort.child_id == p._p_child]
    joined = cohort.left_join(p, same)
    return joined, joined._p_child.notnull()


def _flagged_cohort(cohort: ir.Table, plans: list[ir.Table]) -> tuple[ir.Table, ir.BooleanValue]:
    """One row per (authority, period, child) of `cohort`, and whether the child has a row
    in `plans` for the same authority and period: the rows of both grouped once (the members;
    counted, `open_children` and `_with_plan` give the same numbers)."""
    keys = ["la_code", "period", "child_id"]
    rows = [cohort.select(*keys, _in=ibis.literal(1), _plan=ibis.literal(0))]
    rows += [t.select(*keys, _in=ibis.literal(0), _plan=ibis.literal(1)) for t in plans]
    both = ibis.union(*rows)
    grouped = both.group_by(keys).agg(_in=both._in.max(), _plan=both._plan.max())
    joined = grouped.filter(grouped._in == 1)
    return joined, joined._plan == 1


def cin_open_duration(ctx: Context, m: Measure) -> Counted:
    """Episodes of need open at the period end whose length so far falls in a band, as a share
    of all open episodes (DfE episode-duration bands, standards.md 5.3; months as calendar months).

    Every band the catalogue counts over the same periods is summed in one grouping of the open
    episodes, and each band's measure takes its own sum from it: the measures computed together
    (engine) then group those rows once, not once a band (England, docs/benchmarks.md)."""
    p = ctx.periods(m.period_type)
    open_ = open_at(_cin_episodes(ctx), "referral_date", "closure_date", p)

    def in_band(low: int, high: int | None) -> ir.BooleanValue:
        started_by = open_.referral_date <= months_ago(open_.end, low)
        if high is None:
            return started_by
        return started_by & (open_.referral_date > months_ago(open_.end, high))

    band = (m.settings["from_months"], m.settings.get("to_months"))
    if ctx.members:
        low, high = band
        name = f"{low}+ months" if high is None else f"{low} to {high} months"
        return share(ctx, open_, in_band(low, high), why=f"open {name} at the end")
    bands = sorted(_duration_bands(m.period_type) | {band}, key=lambda b: (b[0], b[1] or 0))
    # The bands' dates once a period (the end less whole months, a date as the interval
    # arithmetic gives midnight), joined to the open episodes, not worked out once a row.
    months = sorted({mo for b in bands for mo in b if mo is not None})
    dates = p.select(
        _b_period=p.period, **{f"_b{mo}": months_ago(p.end, mo).cast("date") for mo in months}
    )
    o = open_.join(dates, open_.period == dates._b_period)

    def between(low: int, high: int | None) -> ir.BooleanValue:
        started_by = o.referral_date <= o[f"_b{low}"]
        return started_by if high is None else started_by & (o.referral_date > o[f"_b{high}"])

    sums = {
        f"_band{i}": between(*b).fill_null(False).cast("int64").sum() for i, b in enumerate(bands)
    }
    counted = o.group_by(["la_code", "period"]).agg(denominator=o.count(), **sums)
    return counted.select(
        "la_code",
        "period",
        numerator=counted[f"_band{bands.index(band)}"],
        denominator=counted.denominator,
    )


def _duration_bands(period_type: str) -> set[tuple[int, int | None]]:
    """The (from, to) months of every catalogue measure counted by `cin_open_duration` over
    `period_type`: the bands one grouping sums."""
    return {
        (c.settings["from_months"], c.settings.get("to_months"))
        for c in catalogue().values()
        if c.function == "demand.cin_open_duration" and c.period_type == period_type
    }


def single_assessments_within_working_days(ctx: Context, m: Measure) -> Counted:
    """Same as assessments_within_working_days with a local, shorter limit (e.g. 20 days)."""
    return assessments_within_working_days(ctx, m)


def cin_with_current_plan(ctx: Context, m: Measure) -> Counted:
    """Children in need at the period end whose assessment is complete, and how many of them
    have a current plan: a CIN plan, a child protection plan, or a looked-after episode open at
    the end. Children still being assessed are left out: no plan is due before the assessment
    ends (local KPI; the CIN census has no direct item, standards.md 5.3).

    An episode's assessment is complete at a period end when its first authorised assessment
    is on or before it: taken once per episode, before the episodes are paired with the periods
    (England: pairing first made the join several times the rows, docs/benchmarks.md)."""
    p = ctx.periods(m.period_type)
    a = ctx.table("assessments")
    a = a.filter(a.authorised_date.notnull())
    assessed = a.group_by(a_la=a.la_code, a_child=a.child_id, a_ref=a.referral_date).agg(
        a_done=a.authorised_date.min()
    )
    e = _cin_episodes(ctx)
    e = e.join(
        assessed,
        [
            e.la_code == assessed.a_la,
            e.child_id == assessed.a_child,
            e.referral_date == assessed.a_ref,
        ],
    )
    episodes = open_at(e, "referral_date", "closure_date", p)
    episodes = episodes.filter(episodes.a_done <= episodes.end)
    plans = [
        open_at(ctx.table("cin_plans"), "start_date", "end_date", p),
        open_at(ctx.table("cp_plans"), "start_date", "end_date", p),
        open_at(ctx.table("cla_episodes"), "decom", "dec", p),
    ]
    plans = [t.filter(t.child_id.notnull()) for t in plans]
    return share(
        ctx,
        *_flagged_cohort(episodes, plans),
        why="a CIN, CP or looked-after plan open at the end",
    )
