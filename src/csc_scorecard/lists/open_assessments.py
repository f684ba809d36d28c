"""Open single assessments on a date and how long each has been open (seed report para 16: "a
daily report is produced highlighting open single assessments, i.e. excluding reassessments of
cases that have been open for longer than six months, and the number of days these have been
open").

Open on the date: started on or before it and not authorised (completed) on or before it. The
seed's exclusion is read as: an assessment started on an episode of need that had by then been
open more than `reassessment_months` (six) months is a re-assessment of a long-open case, and
is left out; the episode is the assessment's own (`assessments.referral_date`), so an
assessment with no episode recorded is kept. Working days open follow the measures' rule
(`reference.calendar`: days after the start up to and including the date, weekends and bank
holidays out), and `beyond_timescale` compares them with the 45 working days of Working
Together (the `assessments_within_45_working_days` measure's setting). The worker and team are
those recorded on the assessment (the SSD's assessment worker and team) where the source gives
them, else the child's allocated worker on the date and the team holding the case.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.lists.base import (
    WORKER_COLUMNS,
    ListSpec,
    Query,
    days_to,
    event_worker,
    with_allocation,
    working_days_to,
)
from csc_scorecard.measures.catalogue import measure


def rows(q: Query) -> ir.Table:
    a = q.ctx.table("assessments")
    a = a.filter(
        (a.start_date <= q.day) & (a.authorised_date.isnull() | (a.authorised_date > q.day))
    )
    months = q.option(SPEC, "reassessment_months")
    long_open = a.referral_date < a.start_date - ibis.interval(months=months)
    a = a.filter(~long_open.fill_null(False))
    a = a.select("la_code", "child_id", "start_date", "referral_date", **event_worker(a))
    a = a.mutate(days_open=days_to(q, a, "start_date"))
    a = working_days_to(q, a, "start_date", "working_days_open")
    limit = q.option(SPEC, "timescale_working_days")
    a = a.mutate(beyond_timescale=a.working_days_open > limit)
    return with_allocation(q, a)


SPEC = ListSpec(
    name="open-assessments",
    title="Open single assessments",
    description=(
        "Children and family assessments open on the date, with days and working days open; "
        "re-assessments of episodes open more than six months are left out (seed para 16)."
    ),
    columns={
        "child_id": "LA child identifier",
        "start_date": "assessment start (AssessmentActualStartDate)",
        "referral_date": "start of the episode of need the assessment belongs to",
        "days_open": "calendar days from the start to the list date",
        "working_days_open": "working days after the start up to and including the list date",
        "beyond_timescale": "more than 45 working days open (Working Together)",
        **WORKER_COLUMNS,
    },
    sort="longest open first (working days open, then days open)",
    order=(("working_days_open", True), ("days_open", True)),
    rows=rows,
    options={
        "reassessment_months": 6,
        "timescale_working_days": measure("assessments_within_45_working_days").settings[
            "working_days"
        ],
    },
)
