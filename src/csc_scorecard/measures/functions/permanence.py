"""Care proceedings open at the end of a quarter, and the permanence plans behind them: children
matched with adopters, and children expected to leave care under a special guardianship order.

Proceedings come from the authority's legal tracker (`court_proceedings`, a template; the
26-week limit for s31 proceedings is section 32(1)(a) of the Children Act 1989 as amended by the
Children and Families Act 2014; standards.md 5.7). Concluded proceedings are counted by
`looked_after.care_proceedings_within_weeks`; these count the ones still open, as the seed's
appendix does ("258 children from 154 families subject to proceedings", item P12).

Matches come from the statutory adoption record where the store has one (`adoptions`: 903
DATE_MATCH, Annex A list 10, SSD perm_matched_date) and from the authority's permanence tracker
(`permanence_plans`, a template) for children it does not cover; placements for adoption from
the 903 episode open at the end (PLACE A3-A6). Special guardianship plans come only from the
tracker: no statutory return records an order that is expected but not yet made.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import (
    Counted,
    count_children,
    count_rows,
    open_at,
    setting,
    share,
)
from csc_scorecard.measures.functions.looked_after import looked_after_at_end

_CHILD = ["la_code", "period", "child_id"]


# --- care proceedings open at the end ------------------------------------------------------------


def open_proceedings(ctx: Context, m: Measure) -> ir.Table:
    """Children in care proceedings at each period's end: issued on or before it, and not
    concluded on or before it (a conclusion dated before the issue is an error and never leaves
    the proceedings open). One row per child and application."""
    t = ctx.table("court_proceedings")
    t = t.filter(t.issue_date.notnull())
    return open_at(t, "issue_date", "conclusion_date", ctx.periods(m.period_type))


def children_in_proceedings(ctx: Context, m: Measure) -> Counted:
    """Distinct children subject to care proceedings at the end of the period (a child named in
    two open applications counts once)."""
    return count_children(ctx, open_proceedings(ctx, m))


def families_in_proceedings(ctx: Context, m: Measure) -> Counted:
    """Distinct families with a child in care proceedings at the end of the period.

    The family is the tracker's family_id; a row without one counts its application as the family
    (an application normally names a sibling group, so this never splits siblings named together
    and never joins two families). One member row per family, with its number of children.
    """
    t = open_proceedings(ctx, m)
    t = t.mutate(family_id=t.family_id.fill_null("application " + t.proceedings_id))
    families = t.group_by(["la_code", "period", "family_id"]).agg(
        children=t.child_id.nunique(), issue_date=t.issue_date.min()
    )
    return count_rows(ctx, families, subject="family_id")


def proceedings_on_track(ctx: Context, m: Measure) -> Counted:
    """Of the children in care proceedings at the end of the period, the share whose proceedings
    can still conclude within `max_days` of issue (the 26-week limit).

    Open at the end means the conclusion, if any, is after the last day, so a child is on track
    when fewer than `max_days` days have passed since the issue (`days` < `max_days`): with
    exactly 182 days gone, the earliest conclusion is day 183. A child in two open applications
    is judged on the earlier one (the one that has run longer).
    """
    t = open_proceedings(ctx, m)
    first = ibis.window(group_by=[t[c] for c in _CHILD], order_by=[t.issue_date])
    t = t.mutate(_n=ibis.row_number().over(first))
    t = t.filter(t._n == 0).drop("_n")
    t = t.mutate(days=t.end.delta(t.issue_date, unit="day"))
    limit = setting(ctx, m, "max_days")
    return share(ctx, t, t.days < limit, why=f"fewer than {limit} days since issue")


# --- permanence ----------------------------------------------------------------------------------


def _in_care_at_end(ctx: Context, m: Measure, adoptive: list[str] | None = None) -> ir.Table:
    """One row per child looked after at each period's end (short breaks left out); with
    `adoptive` placements, `placed_for_adoption` when the episode open then has such a PLACE."""
    e = looked_after_at_end(ctx, m, ctx.periods(m.period_type))
    if adoptive is None:
        return e.select(*_CHILD, "end").distinct()
    placed = e.place.isin(adoptive).fill_null(False)
    return e.group_by([*_CHILD, "end"]).agg(placed_for_adoption=placed.any())


def _tracker(ctx: Context, m: Measure) -> ir.Table:
    """The permanence tracker's plans of the kinds in the `plans` setting."""
    p = ctx.table("permanence_plans")
    return p.filter(p.plan.isin(setting(ctx, m, "plans")))


def adoption_matched_or_placed(ctx: Context, m: Measure) -> Counted:
    """Children looked after at the end of the period who are placed for adoption (903 PLACE) or
    matched with adopters and not yet adopted.

    A match counts from its date to the adoption order, unless the decision was reversed (903
    DATE_PLACED_CEASED) or the tracker's plan ended first. The statutory adoption record
    (`adoptions`: 903, Annex A or SSD) wins: the tracker's adoption plans are read only for
    children that record does not cover at all, so one child never has two competing answers.
    """
    kids = _in_care_at_end(ctx, m, setting(ctx, m, "adoption_placements"))
    a = ctx.table("adoptions")
    record = a.select(
        r_la=a.la_code,
        r_child=a.child_id,
        matched_date=a.matched_date,
        r_stopped=a.decision_reversed_date,
        r_order=a.adoption_order_date,
    )
    covered = record.select("r_la", "r_child").distinct()
    plans = _tracker(ctx, m)
    plans = plans.anti_join(
        covered, [plans.la_code == covered.r_la, plans.child_id == covered.r_child]
    )
    tracked = plans.select(
        r_la=plans.la_code,
        r_child=plans.child_id,
        matched_date=plans.matched_date,
        r_stopped=plans.plan_end_date,
        r_order=plans.order_date,
    )
    matches = record.union(tracked)
    j = kids.left_join(matches, [kids.la_code == matches.r_la, kids.child_id == matches.r_child])
    matched = (
        (j.matched_date <= j.end)
        & (j.r_stopped.isnull() | (j.r_stopped > j.end))
        & (j.r_order.isnull() | (j.r_order > j.end))
    ).fill_null(False)
    j = j.filter(j.placed_for_adoption | matched)
    return count_children(ctx, j.select(*_CHILD, "placed_for_adoption", "matched_date"))


def order_expected(ctx: Context, m: Measure) -> Counted:
    """Children looked after at the end of the period whose permanence plan (tracker, `plans`,
    e.g. special guardianship) is held then and whose order has not been made by then: agreed
    on or before the end (a blank plan date counts as held), not ended, no order on or before
    the end."""
    kids = _in_care_at_end(ctx, m)
    p = _tracker(ctx, m)
    p = p.select(
        p_la=p.la_code,
        p_child=p.child_id,
        plan=p.plan,
        plan_date=p.plan_date,
        order_expected_date=p.order_expected_date,
        p_order=p.order_date,
        p_ended=p.plan_end_date,
    )
    j = kids.join(p, [kids.la_code == p.p_la, kids.child_id == p.p_child])
    held = (
        (j.plan_date.isnull() | (j.plan_date <= j.end))
        & (j.p_order.isnull() | (j.p_order > j.end))
        & (j.p_ended.isnull() | (j.p_ended > j.end))
    )
    j = j.filter(held)
    return count_children(ctx, j.select(*_CHILD, "plan", "plan_date", "order_expected_date"))
