"""Statutory visits to looked-after children in timescale (Care Planning, Placement and Case
Review (England) Regulations 2010, reg 28; the rule is `timescales.cla_visits_due`, which the
overdue-visits list uses too)."""

from __future__ import annotations

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import Counted, share
from csc_scorecard.measures.functions.timescales import cla_visits_due


def cla_visits_in_timescale(ctx: Context, m: Measure) -> Counted:
    """Children looked after at the period end (short breaks excluded) whose next statutory
    visit was not overdue at it: due on or after the end."""
    t = cla_visits_due(ctx, m, ctx.periods(m.period_type))
    return share(ctx, t, t.next_visit_due >= t.end, why="next visit not yet overdue")
