"""The front door and early help: how quickly contacts become referrals, and early help open at
a date (Annex A lists 1 and 2; the early-help template)."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.functions.common import (
    Counted,
    count_children,
    in_window,
    open_at,
    setting,
    share,
)
from csc_scorecard.measures.functions.demand import referral_rows


def contacts_to_referral_within(ctx: Context, m: Measure) -> Counted:
    """Contacts in the window that became a referral, and how many became one within
    `working_days` working days (same day = 0).

    Neither Annex A list 1 nor the CIN census records the date a contact was decided, so the
    decision that can be timed is the referral itself: a referral of the same child dated on or
    after the contact and no more than `match_days` calendar days after it (the earliest, when
    several). Contacts that led to no referral have no decision date and are left out.
    """
    c = ctx.table("contacts").select("la_code", "child_id", "contact_date", "contact_source")
    r = ctx.table("referrals").select(r_la="la_code", r_child="child_id", r_date="referral_date")
    j = c.join(
        r,
        [
            c.la_code == r.r_la,
            c.child_id == r.r_child,
            r.r_date >= c.contact_date,
            r.r_date <= c.contact_date + ibis.interval(days=setting(ctx, m, "match_days")),
        ],
    )
    t = j.group_by(["la_code", "child_id", "contact_date", "contact_source"]).agg(
        referral_date=j.r_date.min()
    )
    t = ctx.with_working_days(t, "contact_date", "referral_date", "working_days")
    t = in_window(t, "contact_date", ctx.periods(m.period_type))
    limit = setting(ctx, m, "working_days")
    return share(ctx, t, t.working_days <= limit, why=f"a referral within {limit} working days")


def early_help_open_at_end(ctx: Context, m: Measure) -> Counted:
    """Children with an early help episode open at the period end: assessment started on or
    before it and no closure date on or before it (the early-help template's closure_date)."""
    t = open_at(
        ctx.table("early_help_episodes"),
        "assessment_start_date",
        "closure_date",
        ctx.periods(m.period_type),
    )
    return count_children(ctx, t)


# The next steps that can decide a referral, as the catalogue's `decided_by` setting names them:
# the table and date of each. `closure` is the episode's own closure date (CINclosureDate).
REFERRAL_STEPS = {
    "assessment": ("assessments", "start_date"),
    "section47": ("section47s", "start_date"),
}
STEP_NAMES = {"assessment": "assessment", "section47": "section 47 enquiry"}


def _first_step(ctx: Context, r: ir.Table, step: str) -> ir.Table:
    """The earliest `step` of each referral: la_code, child_id, referral_date, `<step>_date`.

    A step belongs to the referral whose episode it records (its `referral_date`, as the CIN
    census and the SSD nest them); a step with no episode recorded (Annex A lists 4 and 5) to
    the child's referral it follows, before the child's next referral and not after the
    episode's closure. Steps dated before the referral decide nothing.
    """
    table, column = REFERRAL_STEPS[step]
    s = ctx.table(table)
    s = s.select(s_la=s.la_code, s_child=s.child_id, s_ref=s.referral_date, s_date=s[column])
    same_episode = ibis.coalesce(
        s.s_ref == r.referral_date,
        (r._next_referral.isnull() | (s.s_date < r._next_referral))
        & (r.closure_date.isnull() | (s.s_date <= r.closure_date)),
    )
    j = r.join(
        s,
        [r.la_code == s.s_la, r.child_id == s.s_child, s.s_date >= r.referral_date, same_episode],
    )
    return j.group_by(["la_code", "child_id", "referral_date"]).agg(
        **{f"{step}_date": j.s_date.min()}
    )


def referrals_decided_within(ctx: Context, m: Measure) -> Counted:
    """Referrals in the window, and how many were decided within `working_days` working days
    of the referral (same day = 0).

    No statutory return records when a referral was decided, so the decision is the earliest
    next step the returns date (the `decided_by` setting, a local choice): the assessment's
    start, the section 47 enquiry's start (the strategy discussion that initiates it, in
    Annex A) or the episode's closure. A no-further-action referral (ReferralNFA) with no
    closure date recorded was decided on the day of the referral. A referral with none of these
    yet has no decision date: it stays in the denominator and is not decided in time. With
    the `beyond` setting the numerator is the rest: referrals not decided within the limit.
    """
    decided_by = setting(ctx, m, "decided_by")
    unknown = sorted(set(decided_by) - {*REFERRAL_STEPS, "closure"})
    if unknown:
        raise ValueError(f"measure {m.id}: decided_by has unknown steps {unknown}")
    r = referral_rows(ctx).select(
        "la_code", "child_id", "referral_date", "referral_nfa", "closure_date"
    )
    r = r.mutate(
        _next_referral=r.referral_date.lead().over(
            group_by=[r.la_code, r.child_id], order_by=r.referral_date
        )
    )
    steps = [s for s in decided_by if s in REFERRAL_STEPS]
    for step in steps:
        first = _first_step(ctx, r, step).rename(
            _k_la="la_code", _k_child="child_id", _k_ref="referral_date"
        )
        r = r.left_join(
            first,
            [
                r.la_code == first._k_la,
                r.child_id == first._k_child,
                r.referral_date == first._k_ref,
            ],
        ).drop("_k_la", "_k_child", "_k_ref")
    candidates = [(STEP_NAMES[step], r[f"{step}_date"]) for step in steps]
    if "closure" in decided_by:
        nfa_open = r.referral_nfa.fill_null(False) & r.closure_date.isnull()
        candidates.append(("no further action", ibis.ifelse(nfa_open, r.referral_date, None)))
        closed = ibis.ifelse(r.closure_date >= r.referral_date, r.closure_date, None)
        candidates.append(("closure", closed))
    decision, decided = ibis.null("date"), ibis.null("string")
    for name, d in candidates:  # the earliest wins; on a tie, the step named first
        earlier = d.notnull() & (decision.isnull() | (d < decision))
        decision = ibis.ifelse(earlier, d, decision)
        decided = ibis.ifelse(earlier, ibis.literal(name), decided)
    r = r.mutate(decision_date=decision, decided_by=decided)
    t = ctx.with_working_days(r, "referral_date", "decision_date", "working_days")
    t = in_window(t.drop("_next_referral"), "referral_date", ctx.periods(m.period_type))
    limit = setting(ctx, m, "working_days")
    if setting(ctx, m, "beyond", False):
        # the complement, for frameworks that rate the late share ("more than 3 working days")
        late = t.working_days.isnull() | (t.working_days > limit)
        return share(ctx, t, late, why=f"not decided within {limit} working days")
    return share(ctx, t, t.working_days <= limit, why=f"decided within {limit} working days")
