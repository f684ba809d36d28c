"""Children looked after: SSDA903 episodes, reviews and missing episodes (standards.md 1.5, 5.4),
and care proceedings from the authority's legal tracker (standards.md 5.7).

Two building blocks carry the 903 logic shared by these measures and by the adoption and care
leaver ones:
- `episodes`: the 903 episodes without short breaks (LS V3/V4, excluded from almost every DfE
  CLA statistic, standards.md 1.3), each marked with its *period of care* — a run of episodes
  joined by X1 continuations, begun by an RNE = S episode;
- `with_carer_spans`: runs of episodes inside a period of care with the same carer(s), for the
  "same placement" and "moved in with that carer" rules (long-term stability, adoption A10).

Code groupings (placement groups, REC routes, RNE sets) are settings in the catalogue entries;
the only codes named here are the two with a single fixed meaning in the 903 structure itself.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import (
    Counted,
    count_children,
    in_window,
    months_ago,
    open_at,
    setting,
    share,
)

# RNE S: the episode starts a period of care; REC X1: the episode ends and another starts the
# same day, so the child does not leave care (standards.md 1.3 RNE and REC).
STARTED = "S"
CONTINUES = "X1"

_CHILD = ["la_code", "period", "child_id"]


# --- building blocks ---------------------------------------------------------------------------


def episodes(ctx: Context, m: Measure) -> ir.Table:
    """903 episodes other than short breaks, with `starts_period`, `period_of_care` (a number per
    child) and `period_start` (DECOM of the episode that began the period of care).

    A period of care begins with an RNE = S episode, the child's first episode held, or an
    episode after one that ended with REC other than X1 (so a period is still found when the
    store's history begins part-way through it, or an RNE was mis-recorded after a gap).
    Episodes with no DECOM cannot be placed in time and are left out (a data-quality issue).
    """
    short_breaks = setting(ctx, m, "short_breaks")
    e = ctx.table("cla_episodes")
    e = e.filter(e.decom.notnull() & (e.ls.isnull() | ~e.ls.isin(short_breaks)))
    by_child = ibis.window(group_by=[e.la_code, e.child_id], order_by=[e.decom])
    e = e.mutate(_first=ibis.row_number().over(by_child) == 0, _prev_rec=e.rec.lag().over(by_child))
    e = e.mutate(
        starts_period=e._first
        | (e.rne == STARTED).fill_null(False)
        | (e._prev_rec.fill_null(CONTINUES) != CONTINUES)
    )
    running = ibis.cumulative_window(group_by=[e.la_code, e.child_id], order_by=[e.decom])
    e = e.mutate(period_of_care=e.starts_period.cast("int64").sum().over(running))
    period = ibis.window(group_by=[e.la_code, e.child_id, e.period_of_care])
    e = e.mutate(period_start=e.decom.min().over(period))
    return e.drop("_first", "_prev_rec")


def with_carer_spans(
    e: ir.Table, carer_change_rne: list[str], with_current_carer: list[str]
) -> ir.Table:
    """Add `span_start` (when the child moved in with the carer(s) of this episode) and
    `previous_span_start` (the same for the carer before, within the period of care).

    A new span starts with a new period of care or an episode whose RNE means a change of carer
    (`carer_change_rne`, e.g. P and B); RNE L (legal status only) and T/U (new placement, same
    carers) continue it. Placements that are by definition with the current foster carer
    (`with_current_carer`, A3/A5 placed for adoption with them) continue the span whatever RNE
    was recorded (standards.md 1.3 PLACE, 5.4 long-term stability, 5.5 A10).
    """
    changes_carer = e.rne.isin(carer_change_rne).fill_null(False) & ~e.place.isin(
        with_current_carer
    ).fill_null(False)
    e = e.mutate(_new_span=e.starts_period | changes_carer)
    running = ibis.cumulative_window(group_by=[e.la_code, e.child_id], order_by=[e.decom])
    e = e.mutate(_span=e._new_span.cast("int64").sum().over(running))
    span = ibis.window(group_by=[e.la_code, e.child_id, e._span])
    e = e.mutate(span_start=e.decom.min().over(span))
    by_child = ibis.window(group_by=[e.la_code, e.child_id], order_by=[e.decom])
    e = e.mutate(_lag_span_start=e.span_start.lag().over(by_child))
    # The span's first episode sees the previous span's start; a span that begins a period of
    # care has no previous carer in it.
    e = e.mutate(
        _prev=ibis.ifelse(e._new_span & ~e.starts_period, e._lag_span_start, ibis.null("date"))
    )
    e = e.mutate(previous_span_start=e._prev.max().over(span))
    return e.drop("_new_span", "_span", "_lag_span_start", "_prev")


def looked_after_at_end(
    ctx: Context, m: Measure, periods: ir.Table, e: ir.Table | None = None
) -> ir.Table:
    """Episodes open at each period's end (started on or before it, not ended on or before it:
    a child whose care ended on the quarter's last day is not looked after at its end)."""
    return open_at(episodes(ctx, m) if e is None else e, "decom", "dec", periods)


def ceased_in_window(ctx: Context, m: Measure, periods: ir.Table) -> ir.Table:
    """Episodes that ended care in each window: DEC in the window and REC other than X1.

    An episode with a DEC but no REC is not counted, since it cannot be told from a
    continuation (a data-quality issue; standards.md 5.4 ceases).
    """
    e = episodes(ctx, m)
    e = e.filter(e.dec.notnull() & e.rec.notnull() & (e.rec != CONTINUES))
    return in_window(e, "dec", periods)


def last_cease(t: ir.Table) -> ir.Table:
    """One row per child and period: the child's last cease in the window (standards.md 5.4 [U])."""
    w = ibis.window(
        group_by=[t.la_code, t.period, t.child_id], order_by=[t.dec.desc(), t.decom.desc()]
    )
    t = t.mutate(_n=ibis.row_number().over(w))
    return t.filter(t._n == 0).drop("_n")


def _children(ctx: Context, *columns: str) -> ir.Table:
    c = ctx.table("children")
    return c.select(c_la=c.la_code, c_child=c.child_id, **{name: c[name] for name in columns})


def _join_children(ctx: Context, t: ir.Table, *columns: str) -> ir.Table:
    c = _children(ctx, *columns)
    return t.join(c, [t.la_code == c.c_la, t.child_id == c.c_child]).drop("c_la", "c_child")


# --- counts at the end and flows ---------------------------------------------------------------


def cla_at_period_end(ctx: Context, m: Measure) -> Counted:
    """Children with an open episode, other than a short break, at the period end (DfE CLA at
    31 March, standards.md 5.4)."""
    return count_children(ctx, looked_after_at_end(ctx, m, ctx.periods(m.period_type)))


def cla_starts(ctx: Context, m: Measure) -> Counted:
    """Children starting to be looked after in the window: an RNE = S episode with DECOM in it,
    each child once however many times they started (DfE's first start per child)."""
    e = episodes(ctx, m)
    return count_children(
        ctx, in_window(e.filter(e.rne == STARTED), "decom", ctx.periods(m.period_type))
    )


def cla_ceases(ctx: Context, m: Measure) -> Counted:
    """Children ceasing to be looked after in the window, each child once (last cease)."""
    return count_children(ctx, ceased_in_window(ctx, m, ctx.periods(m.period_type)))


def cla_looked_after_for_months(ctx: Context, m: Measure) -> Counted:
    """Children looked after at the end whose current period of care began at least N calendar
    months before it (a child who left and came back counts from the return)."""
    months = setting(ctx, m, "months")
    cla = looked_after_at_end(ctx, m, ctx.periods(m.period_type))
    return count_children(ctx, cla.filter(cla.period_start <= months_ago(cla.end, months)))


def cla_by_placement(ctx: Context, m: Measure) -> Counted:
    """Children looked after at the end by placement group, from PLACE and PLACE_PROVIDER of the
    episode open at the end. Groups are the `placement_groups` setting, tried in order (a group
    without `provider` takes any provider); anything unmatched is `other_group`."""
    cla = looked_after_at_end(ctx, m, ctx.periods(m.period_type))
    branches = []
    for g in setting(ctx, m, "placement_groups"):
        matches = cla.place.isin(g["place"])
        if "provider" in g:
            matches = matches & cla.place_provider.isin(g["provider"])
        branches.append((matches.fill_null(False), g["group"]))
    group = ibis.cases(*branches, else_=setting(ctx, m, "other_group"))
    return count_children(ctx, cla.mutate(dimension=group), by=("dimension",))


def cla_uasc_at_period_end(ctx: Context, m: Measure) -> Counted:
    """Children looked after at the end who were unaccompanied asylum-seeking children then: the
    UASC flag set and no date ceased to be UASC (903 DUC) on or before the end."""
    cla = _join_children(
        ctx, looked_after_at_end(ctx, m, ctx.periods(m.period_type)), "uasc", "uasc_ceased_date"
    )
    still = cla.uasc_ceased_date.isnull() | (cla.uasc_ceased_date > cla.end)
    return count_children(ctx, cla.filter(cla.uasc.fill_null(False) & still))


def cla_missing_children(ctx: Context, m: Measure) -> Counted:
    """Children with a 903 Missing episode of the chosen types starting in the window."""
    t = ctx.table("missing_episodes")
    t = t.filter(t.missing_type.isin(setting(ctx, m, "missing_types")))
    return count_children(ctx, in_window(t, "start_date", ctx.periods(m.period_type)))


def cla_ceased_by_reason(ctx: Context, m: Measure) -> Counted:
    """Children ceasing in the window whose last cease had REC in the `reasons` setting, as a
    share of all children ceasing in the window (short breaks excluded; standards.md 5.4)."""
    last = last_cease(ceased_in_window(ctx, m, ctx.periods(m.period_type)))
    reasons = setting(ctx, m, "reasons")
    return share(ctx, last, last.rec.isin(reasons), why=f"ceased with REC {' or '.join(reasons)}")


# --- reviews -----------------------------------------------------------------------------------


def _first_review_due(ctx: Context, t: ir.Table, working_days: int) -> ir.Table:
    """Add `first_due`: the `working_days`th working day after `period_start`.

    Outside the bank-holiday calendar's years the due date falls back to four calendar weeks
    per 20 working days (only periods of care begun before the calendar's first year).
    """
    cal = ctx.calendar()
    index = cal.select(_d=cal.date, _i=cal.working_day_index)
    nth = cal.group_by(_n=cal.working_day_index).agg(_due=cal.date.min())
    t = t.left_join(index, t.period_start == index._d)
    t = t.left_join(nth, t._i + working_days == nth._n)
    fallback = t.period_start + ibis.interval(days=working_days * 7 // 5)
    return t.mutate(first_due=ibis.coalesce(t._due, fallback)).drop("_d", "_i", "_n", "_due")


def cla_reviews_in_timescale(ctx: Context, m: Measure) -> Counted:
    """Children looked after at the end, in care long enough for a first review to be due, whose
    reviews were all on time during the window (local KPI; standards.md 5.4; Care Planning,
    Placement and Case Review (England) Regulations 2010 timescales).

    Due dates restart with each period of care: the first review by the Nth working day after
    the period began, the second within `second_review_months` of the first, each later one
    within `later_review_months` of the one before (from the date actually held, as the
    regulations count). A child fails if a review held in the window was after its due date,
    or the next review was overdue at the window's end; reviews are those of the current
    period of care held by the window's end.

    The store's review history begins at the authority's earliest recorded review. For a period
    of care begun before then, the reviews before it are unknown: the first one held is not
    judged, later ones are taken as 6-monthly, and with none held the next was due 6 months
    after the history begins. Without this, a child in care for years would fail on the first
    reviews of the first year loaded.
    """
    p = ctx.periods(m.period_type)
    cla = looked_after_at_end(ctx, m, p).select(*_CHILD, "start", "end", "period_start").distinct()
    cla = _first_review_due(ctx, cla, setting(ctx, m, "first_review_working_days"))
    cla = cla.filter(cla.first_due <= cla.end)

    r = ctx.table("cla_reviews")
    r = r.filter(r.review_date.notnull())
    history = r.group_by(h_la=r.la_code).agg(horizon=r.review_date.min())
    cla = cla.left_join(history, cla.la_code == history.h_la).drop("h_la")
    cla = cla.mutate(_known=cla.horizon.isnull() | (cla.period_start >= cla.horizon))

    second = ibis.interval(months=setting(ctx, m, "second_review_months"))
    later = ibis.interval(months=setting(ctx, m, "later_review_months"))

    def due_after(t: ir.Table, n_before: ir.IntegerValue, last: ir.DateValue) -> ir.DateValue:
        """When the review after `n_before` reviews of the period (the last held on `last`) is due."""
        known = ibis.cases(
            (n_before == 0, t.first_due), (n_before == 1, last + second), else_=last + later
        )
        unknown = ibis.cases((n_before == 0, ibis.null("date")), else_=last + later)
        return ibis.ifelse(t._known, known, unknown)

    r = r.select(r_la=r.la_code, r_child=r.child_id, review_date=r.review_date)
    held = cla.join(
        r,
        [
            cla.la_code == r.r_la,
            cla.child_id == r.r_child,
            r.review_date >= cla.period_start,
            r.review_date <= cla.end,
        ],
    )
    w = ibis.window(
        group_by=[held.la_code, held.period, held.child_id], order_by=[held.review_date]
    )
    held = held.mutate(_n=ibis.row_number().over(w), _prev=held.review_date.lag().over(w))
    late = (held.review_date > due_after(held, held._n, held._prev)).fill_null(False)
    held = held.mutate(_late=late & (held.review_date >= held.start))
    per_child = held.group_by(_CHILD).agg(
        n_held=held.count(), last_held=held.review_date.max(), any_late=held._late.any()
    )

    t = cla.left_join(per_child, _CHILD)
    n_held = t.n_held.fill_null(0)
    # Nothing held and the history unknown: the last review was before the history began.
    next_due = ibis.ifelse(
        t._known | (n_held > 0), due_after(t, n_held, t.last_held), t.horizon + later
    )
    on_time = ~t.any_late.fill_null(False) & (next_due >= t.end)
    return share(ctx, t, on_time, why="every review on time and none overdue")


# --- placement stability -------------------------------------------------------------------------


def cla_three_plus_placements(ctx: Context, m: Measure) -> Counted:
    """Children looked after at the end with at least `min_placements` placements in the window
    (DfE short-term stability, formerly NI 62; standards.md 5.4 and "settled since").

    Placements = the one held on the window's first day (an episode begun before it and not
    ended before it) plus each episode begun in the window whose RNE starts a placement (the
    `new_placement_rne` setting: S for a start or return to care, and P, B, T, U). RNE L
    changes only the legal status and X1 continuations are not placements. As DfE counts them:
    only placements of 24 hours or more (`min_placement_days`: one followed by another placement,
    or by leaving care, on the day it began is not counted), and a placement for adoption with the existing foster
    carers (PLACE in `same_carer_adoption_places`, A3/A5, straight after a foster placement,
    `foster_placements`) is not a change of placement.
    """
    p = ctx.periods(m.period_type)
    e = episodes(ctx, m)
    starts = e.rne.isin(setting(ctx, m, "new_placement_rne")).fill_null(False)
    by_child = ibis.window(group_by=[e.la_code, e.child_id], order_by=[e.decom])
    e = e.mutate(
        _starts=starts,
        _prev_place=e.place.lag().over(by_child),
        _row=ibis.row_number().over(by_child),
    )
    # The next placement's start, over the episodes that start one (ordered by DECOM).
    placed = e.filter(e._starts)
    placed = placed.mutate(
        _next_start=placed.decom.lead().over(
            ibis.window(group_by=[placed.la_code, placed.child_id], order_by=[placed.decom])
        )
    ).select(n_la="la_code", n_child="child_id", n_row="_row", _next_start="_next_start")
    e = e.left_join(
        placed, [e.la_code == placed.n_la, e.child_id == placed.n_child, e._row == placed.n_row]
    )
    # A placement ends when the child leaves care (an episode ending other than X1), else when
    # the next placement starts.
    left = (e.rec.notnull() & (e.rec != CONTINUES)).fill_null(False)
    ended = ibis.ifelse(left, e.dec, e._next_start)
    lasted = ended.delta(e.decom, unit="day")
    under_a_day = (lasted < setting(ctx, m, "min_placement_days")).fill_null(False)
    same_carer_adoption = e.place.isin(setting(ctx, m, "same_carer_adoption_places")).fill_null(
        False
    ) & e._prev_place.isin(setting(ctx, m, "foster_placements")).fill_null(False)
    e = e.mutate(_counts=e._starts & ~under_a_day & ~same_carer_adoption)

    cla = looked_after_at_end(ctx, m, p, e).select(*_CHILD, "start", "end").distinct()
    ep = e.select(
        e_la=e.la_code, e_child=e.child_id, e_decom=e.decom, e_dec=e.dec, e_counts=e._counts
    )
    j = cla.join(ep, [cla.la_code == ep.e_la, cla.child_id == ep.e_child])
    held_at_start = (j.e_decom < j.start) & (j.e_dec.isnull() | (j.e_dec >= j.start))
    begun_in_window = (j.e_decom >= j.start) & (j.e_decom <= j.end) & j.e_counts
    j = j.filter(held_at_start | begun_in_window.fill_null(False))
    counts = j.group_by(_CHILD).agg(placements=j.count())
    t = cla.left_join(counts, _CHILD)
    least = setting(ctx, m, "min_placements")
    return share(ctx, t, t.placements >= least, why=f"{least} or more placements")


def cla_long_term_stability(ctx: Context, m: Measure) -> Counted:
    """Children under 16 at the end, looked after continuously for `care_months`, and of them
    those living with the same carer(s) for `placement_months`, or placed for adoption where the
    adoptive placement and the placement before it together last that long (DfE long-term
    stability, formerly NI 63; standards.md 5.4).

    "Continuously" is the current period of care (episodes joined by X1); the carer span is
    `with_carer_spans`. Children with no date of birth cannot be placed by age and are left out.
    """
    e = with_carer_spans(
        episodes(ctx, m),
        setting(ctx, m, "carer_change_rne"),
        setting(ctx, m, "with_current_carer_placements"),
    )
    cla = _join_children(
        ctx, looked_after_at_end(ctx, m, ctx.periods(m.period_type), e), "date_of_birth"
    )
    under_age = (cla.date_of_birth + ibis.interval(years=setting(ctx, m, "under_age"))) > cla.end
    cohort = cla.filter(
        under_age & (cla.period_start <= months_ago(cla.end, setting(ctx, m, "care_months")))
    )
    since = months_ago(cohort.end, setting(ctx, m, "placement_months"))
    adoptive = cohort.place.isin(setting(ctx, m, "adoption_placements"))
    stable = (cohort.span_start <= since) | (adoptive & (cohort.previous_span_start <= since))
    return share(ctx, cohort, stable, why="with the same carer(s) long enough")


# --- care proceedings ------------------------------------------------------------------------------


def care_proceedings_within_weeks(ctx: Context, m: Measure) -> Counted:
    """Care (s31) proceedings concluded in the window, and how many concluded within `max_days`
    of issue (the 26-week limit, Children and Families Act 2014; standards.md 5.7).

    Counted per child (MoJ) by default; `count_by: application` counts each application once
    (Cafcass), from its earliest issue to its latest conclusion. A conclusion before the issue
    is an error and never counts as within.
    """
    t = ctx.table("court_proceedings")
    t = t.filter(t.conclusion_date.notnull())
    if setting(ctx, m, "count_by") == "application":
        t = t.group_by(["la_code", "proceedings_id"]).agg(
            issue_date=t.issue_date.min(), conclusion_date=t.conclusion_date.max()
        )
    done = in_window(t, "conclusion_date", ctx.periods(m.period_type))
    done = done.mutate(days=done.conclusion_date.delta(done.issue_date, unit="day"))
    limit = setting(ctx, m, "max_days")
    subject = "proceedings_id" if setting(ctx, m, "count_by") == "application" else "child_id"
    return share(
        ctx,
        done,
        (done.days >= 0) & (done.days <= limit),
        subject=subject,
        why=f"concluded within {limit} days of issue",
    )
