"""Allocation of children to workers: children with an allocated social worker, and how often a
child's worker changes (case_allocations; worker qualification from `workers`).

An allocation is held from its start up to, not including, its end (the handover date), the
convention of the workforce figures (`measures.workforce.snapshot`, docs/workforce.md).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import (
    Counted,
    mean,
    months_ago,
    open_at,
    setting,
    share,
)
from csc_scorecard.measures.functions.looked_after import looked_after_at_end

_CHILD = ["la_code", "period", "child_id", "end"]


def _cohort(ctx: Context, m: Measure) -> ir.Table:
    """la_code, period, child_id, end: the children the `cohort` setting names at the period
    end: `cp` on a child protection plan, `cla` looked after (short breaks excluded), `cin` with
    an open episode of need (not a no-further-action referral; DfE's children in need, which
    includes children on plans and looked after)."""
    cohort = setting(ctx, m, "cohort")
    p = ctx.periods(m.period_type)
    if cohort == "cp":
        t = open_at(ctx.table("cp_plans"), "start_date", "end_date", p)
    elif cohort == "cla":
        t = looked_after_at_end(ctx, m, p)
    elif cohort == "cin":
        r = ctx.table("referrals")
        t = open_at(r.filter(~r.referral_nfa.fill_null(False)), "referral_date", "closure_date", p)
    else:
        raise ValueError(f"{m.id}: setting cohort must be cp, cla or cin, not {cohort!r}")
    return t.select(*_CHILD).distinct()


def children_allocated(ctx: Context, m: Measure) -> Counted:
    """Children in the cohort at the period end with a worker allocated on that day; with
    `qualified_only`, the worker must be a registered social worker (`workers.qualified`; a
    worker with no record or qualification not recorded does not count)."""
    t = _cohort(ctx, m)
    a = ctx.table("case_allocations")
    if setting(ctx, m, "qualified_only"):
        w = ctx.table("workers")
        w = w.filter(w.qualified.fill_null(False)).select(w_la="la_code", w_id="worker_id")
        a = a.join(w, [a.la_code == w.w_la, a.worker_id == w.w_id])
    a = a.select(a_la="la_code", a_child="child_id", a_start="start_date", a_end="end_date")
    held = t.join(
        a,
        [
            t.la_code == a.a_la,
            t.child_id == a.a_child,
            a.a_start <= t.end,
            a.a_end.isnull() | (a.a_end > t.end),
        ],
    )
    held = held.select(*_CHILD).distinct().mutate(_allocated=ibis.literal(True))
    t = t.left_join(held, _CHILD)
    return share(ctx, t, t._allocated, why="a registered social worker allocated on the day")


def worker_changes_per_child(ctx: Context, m: Measure) -> Counted:
    """Children allocated to a worker at the period end (denominator) and the worker changes
    they had in the `months` months to it (numerator): allocations starting in that window
    (after its first day, up to the end) that were not the child's first allocation ever."""
    months = setting(ctx, m, "months")
    p = ctx.periods(m.period_type)
    a = ctx.table("case_allocations")
    children = open_at(a, "start_date", "end_date", p).select(*_CHILD).distinct()
    first = a.group_by(f_la=a.la_code, f_child=a.child_id).agg(first_start=a.start_date.min())
    a = a.join(first, [a.la_code == first.f_la, a.child_id == first.f_child])
    changes = a.filter(a.start_date > a.first_start).select(
        c_la="la_code", c_child="child_id", c_start="start_date", c_worker="worker_id"
    )
    j = children.left_join(
        changes,
        [
            children.la_code == changes.c_la,
            children.child_id == changes.c_child,
            changes.c_start > months_ago(children.end, months),
            changes.c_start <= children.end,
        ],
    )
    per_child = j.group_by(_CHILD).agg(worker_changes=j.c_start.count())
    return mean(ctx, per_child, "worker_changes")
