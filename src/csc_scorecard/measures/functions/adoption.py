"""Adoption: adoptions from care, ADM decisions and the adoption scorecard timeliness measures
A2, A3 and A10 (SSDA903 episodes and AD1, Annex A list 10; standards.md 5.5).

The scorecard cohort is the children adopted in the window: an episode (not a short break)
ending with an adoption REC. Their final period of care, placements and legal statuses come from
the shared 903 building blocks in `looked_after`.
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
    in_window,
    mean,
    months_ago,
    setting,
    share,
)
from csc_scorecard.measures.functions.looked_after import episodes, with_carer_spans

_CHILD = ["la_code", "period", "child_id"]


def _attach(t: ir.Table, per_child: ir.Table) -> ir.Table:
    """`t` with the other columns of `per_child` (one row per la_code, period, child_id) added."""
    added = [c for c in per_child.columns if c not in _CHILD]
    j = t.left_join(per_child, _CHILD)
    return j.select(*t.columns, *added)


def _periods(ctx: Context, m: Measure) -> ir.Table:
    """The measure's periods; with a `window_months` setting the window is that many months to
    the quarter's end (the scorecards' 3-year averages use 36)."""
    p = ctx.periods(m.period_type)
    if "window_months" not in m.settings:
        return p
    day_after = p.end + ibis.interval(days=1)
    return p.mutate(start=months_ago(day_after, setting(ctx, m, "window_months")))


def adopted(ctx: Context, m: Measure, periods: ir.Table) -> ir.Table:
    """Children adopted in each window: one row per child and period (their last adoption in
    it), with `adopted_date` (DEC), `period_of_care` and `period_start` of the final period."""
    e = episodes(ctx, m)
    e = e.filter(e.dec.notnull() & e.rec.isin(setting(ctx, m, "adopted_reasons")))
    t = in_window(e, "dec", periods)
    w = ibis.window(group_by=[t.la_code, t.period, t.child_id], order_by=[t.dec.desc()])
    t = t.mutate(_n=ibis.row_number().over(w))
    t = t.filter(t._n == 0)
    return t.select(*_CHILD, "start", "end", "period_of_care", "period_start", adopted_date=t.dec)


def _foster_carer_adoptions(ctx: Context) -> ir.Table:
    """Children the AD1 / Annex A records say were adopted by their foster carer(s)."""
    a = ctx.table("adoptions")
    return a.group_by(f_la=a.la_code, f_child=a.child_id).agg(
        by_foster_carer=a.foster_carer_adoption.fill_null(False).any()
    )


def moved_in(ctx: Context, m: Measure, periods: ir.Table) -> ir.Table:
    """Adopted children with `placed_date`: the DECOM of the first placed-for-adoption episode
    (PLACE in `adoption_placements`) of the final period of care, on or before the adoption.

    With the `foster_carer_adjustment` setting on (A10), a child adopted by their foster
    carer(s) (AD1 FOSTER_CARE) moved in when they started living with that carer: the start of
    the carer span holding the first adoptive placement (`with_carer_spans`). Children with no
    placed-for-adoption episode keep a NULL placed_date.
    """
    kids = adopted(ctx, m, periods)
    e = episodes(ctx, m)
    e = with_carer_spans(
        e, setting(ctx, m, "carer_change_rne"), setting(ctx, m, "with_current_carer_placements")
    )
    e = e.filter(e.place.isin(setting(ctx, m, "adoption_placements")))
    e = e.select(
        e_la=e.la_code,
        e_child=e.child_id,
        e_poc=e.period_of_care,
        e_decom=e.decom,
        e_span=e.span_start,
    )
    j = kids.join(
        e,
        [
            kids.la_code == e.e_la,
            kids.child_id == e.e_child,
            kids.period_of_care == e.e_poc,
            e.e_decom <= kids.adopted_date,
        ],
    )
    first = j.group_by(_CHILD).agg(placed=j.e_decom.min(), carer_from=j.e_span.min())
    t = _attach(kids, first)
    if setting(ctx, m, "foster_carer_adjustment"):
        fc = _foster_carer_adoptions(ctx)
        t = t.left_join(fc, [t.la_code == fc.f_la, t.child_id == fc.f_child])
        placed = ibis.ifelse(t.by_foster_carer.fill_null(False), t.carer_from, t.placed)
        t = t.mutate(placed_date=placed).drop("f_la", "f_child", "by_foster_carer")
    else:
        t = t.mutate(placed_date=t.placed)
    return t.drop("placed", "carer_from")


def adoptions(ctx: Context, m: Measure) -> Counted:
    """Children adopted in the window (episodes ending with REC E11/E12; DfE A4)."""
    return count_children(ctx, adopted(ctx, m, _periods(ctx, m)))


def adoption_decisions(ctx: Context, m: Measure) -> Counted:
    """Agency decision maker decisions that a child should be placed for adoption, dated in the
    window (903 PlacedAdoption DATE_PLACED / Annex A list 10; scorecard A15)."""
    return count_rows(ctx, in_window(ctx.table("adoptions"), "adm_decision_date", _periods(ctx, m)))


def adoption_within_months(ctx: Context, m: Measure) -> Counted:
    """Children adopted in the window who moved in with their adoptive family less than
    `months` after entering care, as a share of those adopted with a known move-in (A3)."""
    t = moved_in(ctx, m, _periods(ctx, m))
    t = t.filter(t.placed_date.notnull())
    months = setting(ctx, m, "months")
    within = t.placed_date < t.period_start + ibis.interval(months=months)
    return share(ctx, t, within, why=f"moved in within {months} months of entering care")


def adoption_days_care_to_placed(ctx: Context, m: Measure) -> Counted:
    """Average days from entering care (start of the final period of care) to moving in with
    the adoptive family, for children adopted in the window (A1/A10)."""
    t = moved_in(ctx, m, _periods(ctx, m))
    t = t.filter(t.placed_date.notnull())
    t = t.mutate(days=t.placed_date.delta(t.period_start, unit="day"))
    return mean(ctx, t, "days")


def adoption_days_authority_to_match(ctx: Context, m: Measure) -> Counted:
    """Average days from court authority to place to the match decision, for children adopted
    in the window (A2; standards.md 5.5).

    Authority = DECOM of the first episode of the final period of care with LS in
    `authority_legal_statuses` (E1 placement order, D1 freeing order), else the Annex A
    placement order date. Match = the latest AD1 DATE_MATCH on or before the adoption. A match
    before authority scores 0. Children with no authority (consent adoptions), no match date or
    no placed-for-adoption episode before the adoption are left out, as DfE does.
    """
    p = _periods(ctx, m)
    kids = moved_in(ctx, m, p)
    kids = kids.filter(kids.placed_date.notnull())

    e = episodes(ctx, m)
    e = e.filter(e.ls.isin(setting(ctx, m, "authority_legal_statuses")))
    e = e.select(e_la=e.la_code, e_child=e.child_id, e_poc=e.period_of_care, e_decom=e.decom)
    order = kids.join(
        e, [kids.la_code == e.e_la, kids.child_id == e.e_child, kids.period_of_care == e.e_poc]
    )
    order = order.group_by(_CHILD).agg(order_from_903=order.e_decom.min())

    a = ctx.table("adoptions")
    a = a.select(
        a_la=a.la_code, a_child=a.child_id, a_order=a.placement_order_date, a_match=a.matched_date
    )
    rec = kids.join(a, [kids.la_code == a.a_la, kids.child_id == a.a_child])
    before = rec.a_match <= rec.adopted_date
    rec = rec.group_by(_CHILD).agg(
        order_from_annex_a=rec.a_order.min(),
        matched=ibis.ifelse(before, rec.a_match, ibis.null("date")).max(),
    )

    t = _attach(_attach(kids, order), rec)
    t = t.mutate(authority=ibis.coalesce(t.order_from_903, t.order_from_annex_a))
    t = t.filter(t.authority.notnull() & t.matched.notnull())
    t = t.mutate(days=ibis.greatest(t.matched.delta(t.authority, unit="day"), 0))
    return mean(ctx, t, "days")
