"""Children whose statutory visit is overdue on the date: on child protection plans, looked
after, and on child in need plans.

* Child protection: a visit at least every `cp_visit_working_days` (10) working days, the local
  standard the `cp_visits_in_timescale` measure uses (no national rule; standards.md 5.2). The
  clock runs from the latest visit on or after the plan start, else from the plan start.
* Looked after: the Care Planning, Placement and Case Review (England) Regulations 2010, reg 28
  (2), as the `cla_visits_in_timescale` measure applies it (`timescales.cla_visits_due`): within
  one week of the start of a placement, then at intervals of not more than six weeks in the
  placement's first year, then not more than three months. The regulation keeps six weeks after
  the first year for placements not intended to last until 18, which the 903 data cannot tell
  apart, so the interval after a visit is six weeks when the visit fell in the placement's
  first year and three months after it. A placement starts with the 903 episode that began the
  period of care or changed placement (RNE other than L, a change of legal status only).
* Child in need: no statutory interval; a local setting, `cin_visit_working_days` (20, about
  every four weeks), from the latest visit on or after the CIN plan start, else the start.

Only visits at which the child was seen count (`timescales.seen_visits`). A child is on the
list when the due date is before the list date. The looked-after and CIN
parts need rows in the `cla_visits` and `cin_visits` tables: without any for the authority
(an older store, or no visit source loaded) the part is left out and the list says so, rather
than calling every child overdue.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.errors import NotFound
from csc_scorecard.lists.base import (
    WORKER_COLUMNS,
    ListSpec,
    Query,
    days_to,
    has_rows,
    on_date,
    with_allocation,
)
from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.functions.timescales import (
    cla_visits_due,
    seen_visits,
    with_working_days_after,
)

_OUT = ["la_code", "child_id", "kind", "since", "last_visit", "due_date"]


def _latest_open(q: Query, table: str, start: str, end: str) -> ir.Table:
    """One row per child with a `table` row open on the date (the latest started), as `since`."""
    t = q.ctx.table(table)
    t = t.filter((t[start] <= q.day) & (t[end].isnull() | (t[end] > q.day)))
    return t.group_by(["la_code", "child_id"]).agg(since=t[start].max())


def _last_visit(q: Query, t: ir.Table, visits: str) -> ir.Table:
    """`t` (la_code, child_id, since) with last_visit: the latest visit on or after `since`
    and on or before the list date at which the child was seen (`timescales.seen_visits`)."""
    v = seen_visits(q.ctx, visits)
    v = v.select(v_la="la_code", v_child="child_id", v_date="visit_date")
    j = t.left_join(
        v,
        [t.la_code == v.v_la, t.child_id == v.v_child, v.v_date >= t.since, v.v_date <= q.day],
    )
    return j.group_by(list(t.columns)).agg(last_visit=j.v_date.max())


def _by_working_days(q: Query, kind: str, t: ir.Table, days: int) -> ir.Table:
    t = t.mutate(_from=ibis.coalesce(t.last_visit, t.since), kind=ibis.literal(kind))
    return with_working_days_after(q.ctx, t, "_from", days, "due_date").select(*_OUT)


def cp_overdue(q: Query) -> ir.Table:
    plans = _last_visit(q, _latest_open(q, "cp_plans", "start_date", "end_date"), "cp_visits")
    return _by_working_days(q, "CP", plans, q.option(SPEC, "cp_visit_working_days"))


def cin_overdue(q: Query) -> ir.Table:
    plans = _last_visit(q, _latest_open(q, "cin_plans", "start_date", "end_date"), "cin_visits")
    return _by_working_days(q, "CIN", plans, q.option(SPEC, "cin_visit_working_days"))


def cla_overdue(q: Query) -> ir.Table:
    ends = on_date(q).select("period", end="at")
    t = cla_visits_due(q.ctx, measure("cla_visits_in_timescale"), ends)
    return t.mutate(
        kind=ibis.literal("CLA"), since=t.placement_start, due_date=t.next_visit_due
    ).select(*_OUT)


def rows(q: Query) -> ir.Table:
    parts = []
    for kind, table, part in (
        ("child protection", "cp_visits", cp_overdue),
        ("looked-after", "cla_visits", cla_overdue),
        ("CIN", "cin_visits", cin_overdue),
    ):
        if has_rows(q, table):
            parts.append(part(q))
        else:
            q.notes.append(
                f"{kind} visits left out: no {table} rows in the store for this authority"
            )
    if not parts:  # every child on a plan or looked after would read as overdue
        raise NotFound(
            f"the store holds no visits for LA {q.la_code} (no cp_visits, cla_visits or "
            "cin_visits rows): every child on a plan or looked after would be listed as "
            "overdue; load them (the visits templates, docs/templates.md, or a Standard "
            "Safeguarding Dataset)"
        )
    t = ibis.union(*parts)
    t = t.filter(t.due_date < q.day)
    t = t.mutate(days_overdue=days_to(q, t, "due_date"))
    return with_allocation(q, t)


SPEC = ListSpec(
    name="overdue-visits",
    title="Overdue statutory visits",
    description=(
        "Children on child protection plans not visited within 10 working days, children looked "
        "after outside the reg 28 visit schedule, and children on CIN plans past the local "
        "visit interval."
    ),
    columns={
        "child_id": "LA child identifier",
        "kind": "CP (child protection plan), CLA (looked after) or CIN (child in need plan)",
        "since": "start of the plan, or of the current placement for CLA",
        "last_visit": "latest visit on or after `since` and on or before the list date (blank: none)",
        "due_date": "the last day the next visit was due",
        "days_overdue": "calendar days from the due date to the list date",
        **WORKER_COLUMNS,
    },
    sort="most overdue first (earliest due date)",
    order=(("days_overdue", True), ("kind", False)),
    rows=rows,
    options={
        "cp_visit_working_days": measure("cp_visits_in_timescale").settings["working_days"],
        "cin_visit_working_days": 20,
    },
)
