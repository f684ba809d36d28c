"""The front door and early help: how quickly contacts become referrals, and early help open at
a date (Annex A lists 1 and 2; the early-help template)."""

from __future__ import annotations

import ibis

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
