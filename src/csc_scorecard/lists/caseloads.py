"""Each case-holding worker's caseload on the date, with the children on it.

The figures are the workforce module's (`measures.workforce.snapshot.worker_snapshot` and
`measures.workforce.caseloads.caseload_value`), so a worker's cases here are the cases the `caseloads`
command and the report's staffing section count: children allocated on the date, a child once
per worker. Workers holding cases with no post on the date are listed too (team blank), since
their children belong to no team's caseload.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.lists.base import ListSpec, Query, on_date, open_allocations, require
from csc_scorecard.measures.workforce.caseloads import caseload_value
from csc_scorecard.measures.workforce.settings import default_settings
from csc_scorecard.measures.workforce.snapshot import worker_snapshot

# why a caseload cannot be told without case allocations (this list and `scorecard caseloads`)
CASE_HOLDERS_UNKNOWN = "who holds each case is not known, so every caseload would read 0"


def rows(q: Query) -> ir.Table:
    require(q, "case_allocations", CASE_HOLDERS_UNKNOWN)
    snap = worker_snapshot(q.ctx.table, on_date(q), default_settings())
    snap = snap.filter(snap.case_holder)
    snap = snap.mutate(
        cases_per_fte=caseload_value(snap, "fte"),
        weighted_caseload=ibis.ifelse(
            snap.counted, caseload_value(snap, "weighted"), ibis.null("float64")
        ),
    )
    a = open_allocations(q).select("la_code", "worker_id", "child_id").distinct()
    children = a.group_by(c_la=a.la_code, c_worker=a.worker_id).agg(
        children=a.child_id.collect(order_by=a.child_id).join(" ")
    )
    j = snap.left_join(
        children, [snap.la_code == children.c_la, snap.worker_id == children.c_worker]
    )
    return j.mutate(_per_fte=j.cases_per_fte.fill_null(-1.0))


SPEC = ListSpec(
    name="caseloads",
    title="Caseloads by worker",
    description="Every worker holding cases on the date: cases, FTE, role, team and the children allocated.",
    columns={
        "worker_id": "worker identifier",
        "team_id": "team of the worker's main post on the date (blank: no post)",
        "team_name": "team name",
        "service_area": "service area of the team",
        "role": "role of the main post",
        "fte": "full-time equivalent of all posts held on the date",
        "agency": "agency worker",
        "asye": "in the assessed and supported year in employment",
        "absent": "absent on the date",
        "cases": "children allocated on the date",
        "cases_per_fte": "cases / FTE (blank: no FTE recorded)",
        "weighted_caseload": "cases per weighted FTE (blank: left out of the weighted view)",
        "children": "the children allocated, space-separated",
    },
    sort="highest cases per FTE first, then most cases",
    order=(("_per_fte", True), ("cases", True)),
    rows=rows,
    key="worker_id",
)
