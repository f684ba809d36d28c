"""Child protection and looked-after reviews overdue on the date or due within the next
`days_ahead` days (14 by default; `--days`).

* Child protection review conferences (Working Together; standards.md 5.2): the first within 3
  months of the plan start (the initial conference), then every 6 months from the review
  before.
* Looked-after reviews (Care Planning, Placement and Case Review (England) Regulations 2010,
  reg 33): the first within 20 working days of the child becoming looked after, the second
  within 3 months of the first, then every 6 months; the clock restarts with each period of
  care. For a period of care begun before the store's earliest recorded review, with none held
  since, the next is taken as due 6 months after that earliest review.

The schedules are the ones the measures use (`measures.functions.timescales`, with the
settings of `cp_reviews_held_in_timescale` and `cla_reviews_held_in_timescale`), so a review
this list calls overdue is one those measures count as late.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from csc_scorecard.errors import BadInput
from csc_scorecard.lists.base import WORKER_COLUMNS, ListSpec, Query, with_allocation
from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.functions.common import setting
from csc_scorecard.measures.functions.timescales import next_cla_review_due, next_cp_review_due

_OUT = ["la_code", "child_id", "kind", "since", "last_review", "due_date"]

# Reviews fall due at least every six months, so a year ahead already lists every open plan and
# period of care; further is no list (and past DuckDB's range, a failure).
MAX_DAYS_AHEAD = 366


def days_ahead(value: object, label: str = "days_ahead", quote: Callable[[str], str] = str) -> int:
    """`value` (a number, or a number's text from a form) as days to look ahead; refused
    (`BadInput`, one line naming `label`) unless a whole number from 0 to `MAX_DAYS_AHEAD`:
    fewer than 0 would hide the overdue reviews too."""
    text = str(value)
    whole = (
        isinstance(value, int)
        and not isinstance(value, bool)
        or (text.isascii() and text.isdigit())
    )
    if not whole or not 0 <= int(text) <= MAX_DAYS_AHEAD:
        shown = quote(text) if isinstance(value, str) else text
        raise BadInput(f"{label} {shown}: a number of days, 0 to {MAX_DAYS_AHEAD}")
    return int(text)


def cp_due(q: Query) -> ir.Table:
    m = measure("cp_reviews_held_in_timescale")
    p = q.ctx.table("cp_plans")
    p = p.filter((p.start_date <= q.day) & (p.end_date.isnull() | (p.end_date > q.day)))
    p = p.select("la_code", "child_id", "start_date", "end_date")
    t = next_cp_review_due(
        q.ctx,
        p,
        q.day,
        setting(q.ctx, m, "first_review_months"),
        setting(q.ctx, m, "review_interval_months"),
    )
    return t.mutate(kind=ibis.literal("CP"), since=t.start_date, due_date=t.next_review_due).select(
        *_OUT
    )


def cla_due(q: Query) -> ir.Table:
    t = next_cla_review_due(q.ctx, measure("cla_reviews_held_in_timescale"), q.day)
    return t.mutate(
        kind=ibis.literal("CLA"), since=t.period_start, due_date=t.next_review_due
    ).select(*_OUT)


def rows(q: Query) -> ir.Table:
    t = ibis.union(cp_due(q), cla_due(q))
    ahead = days_ahead(q.option(SPEC, "days_ahead"))
    t = t.filter(t.due_date <= q.day + ibis.interval(days=ahead))
    t = t.mutate(days_to_due=t.due_date.delta(q.day, unit="day"))
    t = t.mutate(overdue=t.days_to_due < 0)
    return with_allocation(q, t)


SPEC = ListSpec(
    name="reviews-due",
    title="Reviews overdue or due soon",
    description=(
        "Child protection review conferences and looked-after reviews that are overdue on the "
        "date or fall due within the next days (14 unless --days says otherwise)."
    ),
    columns={
        "child_id": "LA child identifier",
        "kind": "CP (child protection plan) or CLA (looked after)",
        "since": "plan start (CP) or start of the period of care (CLA)",
        "last_review": "latest review of the plan or period of care on or before the date",
        "due_date": "date the next review is due by",
        "days_to_due": "calendar days from the list date to the due date (negative: overdue)",
        "overdue": "the due date has passed",
        **WORKER_COLUMNS,
    },
    sort="most overdue first (earliest due date)",
    order=(("days_to_due", False), ("kind", False)),
    rows=rows,
    options={"days_ahead": 14},
)
