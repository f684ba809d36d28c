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
