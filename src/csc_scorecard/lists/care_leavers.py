"""Care leavers without an in-date pathway plan review, or not in touch, on the date.

From the latest Annex A list 9 extract (`care_leaver_plans`) dated on or before the list date:
* pathway plan review out of date: the latest pathway plan (review) date is more than
  `review_months` (6) months before the list date, or none is recorded, for the eligibility
  categories that have a pathway plan (the `care_leavers_pathway_plan_reviewed` measure's settings:
  qualifying care leavers have none); a review recorded as not signed off by the team manager
  does not count, as in that measure;
* not in touch: IN_TOUCH in `not_in_touch_codes` (NO, REFU) or not recorded, or no contact
  recorded within `contact_weeks` (8, a local setting: no national frequency) of the date.
Each row says which of these apply (`reasons`). The list date is compared with the extract's
dates, so an old extract shows more young people as overdue: `as_at_date` says how old it is.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.errors import NotFound
from csc_scorecard.lists.base import WORKER_COLUMNS, ListSpec, Query, require, with_team
from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.functions.common import setting
from csc_scorecard.wording import long_date


def rows(q: Query) -> ir.Table:
    m = measure("care_leavers_pathway_plan_reviewed")
    t = q.ctx.table("care_leaver_plans")
    _require_extract(q, t)
    t = t.filter(t.as_at_date <= q.day)
    t = t.mutate(_latest=t.as_at_date.max().over(ibis.window(group_by=[t.la_code])))
    t = t.filter(t.as_at_date == t._latest)

    has_plan = t.eligibility_category.isnull() | t.eligibility_category.isin(
        setting(q.ctx, m, "eligibility_categories")
    )
    due = t.latest_pathway_plan_date + ibis.interval(months=setting(q.ctx, m, "review_months"))
    signed_off = t.pathway_plan_signed_off.fill_null(True)
    plan_late = has_plan & ((due < q.day).fill_null(True) | ~signed_off)
    codes = q.option(SPEC, "not_in_touch_codes")
    not_in_touch = t.in_touch.isnull() | t.in_touch.isin(codes)
    contact_due = t.latest_contact_date + ibis.interval(weeks=q.option(SPEC, "contact_weeks"))
    no_contact = (contact_due < q.day).fill_null(True)
    reasons = ibis.array(
        [
            ibis.ifelse(plan_late, "pathway plan review out of date", ibis.null("string")),
            ibis.ifelse(not_in_touch, "not in touch", ibis.null("string")),
            ibis.ifelse(no_contact, "no recent contact", ibis.null("string")),
        ]
    )
    t = t.mutate(
        plan_review_due=ibis.ifelse(has_plan, due, ibis.null("date")),
        _plan_late=plan_late,
        _urgency=plan_late.cast("int64") + not_in_touch.cast("int64") + no_contact.cast("int64"),
        reasons=reasons.filter(lambda r: r.notnull()).join("; "),
        worker_id=t.personal_adviser,
    )
    t = t.filter(t._urgency > 0)
    t = t.mutate(
        days_plan_overdue=ibis.ifelse(
            t._plan_late & t.plan_review_due.notnull(),
            ibis.greatest(q.day.delta(t.plan_review_due, unit="day"), 0),
            ibis.null("int64"),
        ),
    )
    # No plan date at all sorts before any dated plan.
    t = t.mutate(
        _plan_order=ibis.coalesce(t.days_plan_overdue, ibis.ifelse(t._plan_late, 10**6, -1))
    )
    return with_team(q, t)


def _require_extract(q: Query, t: ir.Table) -> None:
    """Refuse (`NotFound`, one line) a date no list 9 extract reaches: with none in the store,
    or none dated on or before the date, the list would be empty, which reads as "every care
    leaver in date and in touch"."""
    require(
        q,
        "care_leaver_plans",
        "no care leaver's pathway plan or contact is known, so the list would be empty",
        "an Ofsted Annex A list 9 extract",
    )
    first = q.ctx.backend.to_pyarrow(t.as_at_date.min()).as_py()
    if first > q.on:
        raise NotFound(
            f"the first Annex A list 9 extract in the store for LA {q.la_code} is dated "
            f"{long_date(first)}, after {long_date(q.on)}: the list would be empty; give a "
            "date on or after it"
        )


SPEC = ListSpec(
    name="care-leavers",
    title="Care leavers: pathway plan reviews out of date, or not in touch",
    description=(
        "Care leavers on the latest Annex A list 9 extract whose pathway plan review is out of "
        "date or who are not in touch."
    ),
    columns={
        "child_id": "LA child identifier",
        "eligibility_category": "relevant, former_relevant, qualifying or eligible",
        "as_at_date": "date of the list 9 extract the row comes from",
        "latest_pathway_plan_date": "latest pathway plan (review) date",
        "plan_review_due": "the next review was due by (blank: no pathway plan expected)",
        "days_plan_overdue": "calendar days past the due date (0: in date but not signed off; blank: in date, or no plan date)",
        "pathway_plan_signed_off": "the latest review was authorised by the team manager",
        "in_touch": "IN_TOUCH code (YES, NO, REFU, NREQ, ...)",
        "latest_contact_date": "latest contact recorded",
        "reasons": "why the young person is on the list",
        **WORKER_COLUMNS,
        "worker_id": "personal adviser",
    },
    sort="most reasons first, then longest overdue pathway plan review",
    order=(("_urgency", True), ("_plan_order", True)),
    rows=rows,
    options={"not_in_touch_codes": ["NO", "REFU"], "contact_weeks": 8},
)
