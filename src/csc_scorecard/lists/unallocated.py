"""Children with an open episode on the date and no allocated worker on it.

Open episode: an episode of need (referral) begun on or before the date, not closed on or
before it and not a no-further-action referral; a child protection plan open on the date; or a
looked-after episode (short breaks excluded) open on the date. The child's status is the most
intensive of these (CP, then CLA, then CIN), the order the list is sorted by. Allocation follows
the workforce convention (`lists.base.allocations_at`).

A child with no worker has no team of their own: `team_id` is the team, on the date, of the
last worker who held the case (blank if that worker has no post on the date), so a team
manager sees the children who fell off their team's caseloads.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.lists.base import (
    WORKER_COLUMNS,
    ListSpec,
    Query,
    allocations_at,
    days_to,
    require,
    with_team,
)
from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.functions.looked_after import episodes

STATUS_RANK = {"CP": 1, "CLA": 2, "CIN": 3}


def open_episodes(q: Query) -> ir.Table:
    """la_code, child_id, status, status_rank, open_since: one row per child with an open
    episode on the date."""
    r = q.ctx.table("referrals")
    r = r.filter(
        (r.referral_date <= q.day)
        & (r.closure_date.isnull() | (r.closure_date > q.day))
        & ~r.referral_nfa.fill_null(False)
    )
    p = q.ctx.table("cp_plans")
    p = p.filter((p.start_date <= q.day) & (p.end_date.isnull() | (p.end_date > q.day)))
    e = episodes(q.ctx, measure("cla_reviews_held_in_timescale"))
    e = e.filter((e.decom <= q.day) & (e.dec.isnull() | (e.dec > q.day)))
    parts = [
        r.select("la_code", "child_id", status=ibis.literal("CIN"), since=r.referral_date),
        p.select("la_code", "child_id", status=ibis.literal("CP"), since=p.start_date),
        e.select("la_code", "child_id", status=ibis.literal("CLA"), since=e.period_start),
    ]
    t = ibis.union(*parts)
    t = t.mutate(status_rank=t.status.substitute(STATUS_RANK, else_=len(STATUS_RANK) + 1))
    g = t.group_by(["la_code", "child_id"]).agg(
        status_rank=t.status_rank.min(), open_since=t.since.min()
    )
    names = {rank: status for status, rank in STATUS_RANK.items()}
    return g.mutate(status=g.status_rank.substitute(names, else_=ibis.null("string")))


def rows(q: Query) -> ir.Table:
    require(q, "case_allocations", "who holds each case is not known, so every open case "
            "would be listed as unallocated")  # fmt: skip
    t = open_episodes(q)
    held = allocations_at(q).select(h_la="la_code", h_child="child_id")
    t = t.anti_join(held, [t.la_code == held.h_la, t.child_id == held.h_child])
    a = q.ctx.table("case_allocations")
    a = a.filter(a.end_date.notnull() & (a.end_date <= q.day))
    w = ibis.window(group_by=[a.la_code, a.child_id], order_by=[ibis.desc(a.end_date), a.worker_id])
    a = a.mutate(_n=ibis.row_number().over(w))
    a = a.filter(a._n == 0).select(
        a_la="la_code",
        a_child="child_id",
        last_worker_id="worker_id",
        last_allocation_end="end_date",
    )
    t = t.left_join(a, [t.la_code == a.a_la, t.child_id == a.a_child]).drop("a_la", "a_child")
    t = t.mutate(
        unallocated_since=ibis.greatest(
            t.open_since, ibis.coalesce(t.last_allocation_end, t.open_since)
        )
    )
    t = t.mutate(days_unallocated=days_to(q, t, "unallocated_since"))
    t = with_team(q, t.mutate(worker_id=t.last_worker_id))
    return t.mutate(worker_id=ibis.null("string"))


SPEC = ListSpec(
    name="unallocated",
    title="Children with no allocated worker",
    description="Children with an open CIN, CP or looked-after episode on the date and no allocated worker.",
    columns={
        "child_id": "LA child identifier",
        "status": "CP, CLA or CIN: the most intensive open episode",
        "open_since": "start of the earliest open episode",
        "last_worker_id": "the last worker who held the case (blank: never allocated)",
        "last_allocation_end": "when that allocation ended",
        "unallocated_since": "the later of the episode start and the last allocation's end",
        "days_unallocated": "calendar days from `unallocated_since` to the list date",
        **WORKER_COLUMNS,
        "team_id": "team of the last worker on the date (their main post)",
    },
    sort="child protection first, then looked after, then child in need; longest unallocated first",
    order=(("status_rank", False), ("days_unallocated", True)),
    rows=rows,
)
