"""Child protection: S47 enquiries and ICPCs, CP plans with their review conferences, and the
statutory visits to children on plans.

Timescales (standards.md 5.2, S13): the ICPC within 15 working days of the strategy discussion
that starts the S47 enquiry; the first review conference within 3 months of the ICPC, then at
most every 6 months; visits commonly every 10 working days. A plan starts on the day of the ICPC
(CIN rule 2885) and usually ends at a review conference.
"""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth import draws
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, add_months, years_between
from csc_scorecard.synth.records import Frame


def s47_start(ctx: Context, referral: np.ndarray) -> np.ndarray:
    """Strategy discussion dates: the day of the referral or a few working days after."""
    offset = draws.choice_int(
        ctx.rng, len(referral), ctx.cal.protection.s47_start_working_days_after_referral
    )
    return ctx.workdays.add(referral, offset)


def icpc_date(ctx: Context, start: np.ndarray) -> np.ndarray:
    """Initial child protection conference: on a working day (rule 8875), ~97% within 15."""
    wd = draws.lognormal_int(ctx.rng, len(start), ctx.cal.protection.icpc_working_days)
    return ctx.workdays.add(start, wd)


def icpc_target(ctx: Context, start: np.ndarray) -> np.ndarray:
    """InitialCPCtarget: 15 working days after the strategy discussion (never a weekend, 8870Q)."""
    return ctx.workdays.add(start, ctx.cal.protection.icpc_target_working_days)


def plan_reviews(ctx: Context, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Review conference dates for plans starting at `start`.

    Returns (reviews as an n x k date matrix, the review at which each plan ends, 1-based)."""
    cal, rng, wd = ctx.cal.protection, ctx.rng, ctx.workdays
    n, k = len(start), len(cal.ends_at_review)
    reviews = np.empty((n, k), dtype=DAY)
    previous = start
    for i in range(k):
        months = cal.first_review_months if i == 0 else cal.review_interval_months
        due = add_months(previous, months)
        early = draws.lognormal_int(rng, n, cal.review_early_working_days)
        late = draws.bernoulli(rng, n, cal.review_late_share)
        shift = np.where(late, draws.lognormal_int(rng, n, cal.review_late_working_days), -early)
        held = wd.add(wd.roll_back(due), shift)
        held = np.maximum(held, previous + 14)  # a review is always after the plan start (8841)
        reviews[:, i] = held
        previous = held
    ends_at = draws.choice_int(rng, n, {str(i + 1): w for i, w in enumerate(cal.ends_at_review)})
    return reviews, ends_at


def categories(ctx: Context, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Initial and latest category of abuse (seed para 22; the latest occasionally changes)."""
    cal, rng = ctx.cal.protection, ctx.rng
    initial = draws.choice(rng, n, cal.initial_category)
    latest = initial.copy()
    change = draws.bernoulli(rng, n, cal.latest_category_changes)
    latest[change] = draws.choice(rng, int(change.sum()), cal.initial_category)
    return initial, latest


def visits(ctx: Context, plans: Frame, dob: np.ndarray) -> Frame:
    """Statutory visits for every plan: from a few days after the start, every 5-10 working days
    (occasionally longer), until the plan ends or the extract date."""
    cal, rng, wd = ctx.cal.protection, ctx.rng, ctx.workdays
    start, end = plans["start_date"], plans["end_date"]
    stop = np.where(np.isnat(end), ctx.end, end)
    span = wd.count(start, stop)
    first = draws.lognormal_int(rng, len(start), cal.first_visit_working_days)
    mean_gap = sum(int(k) * w for k, w in cal.visit_gap_working_days.items()) / sum(
        cal.visit_gap_working_days.values()
    )
    # Enough candidate visits per plan to cover its span; the surplus is dropped below.
    count = np.maximum(np.ceil((span - first) / (mean_gap * 0.6)).astype(np.int64) + 2, 1)
    plan = np.repeat(np.arange(len(start)), count)
    gaps = draws.choice_int(rng, len(plan), cal.visit_gap_working_days)
    position = np.arange(len(plan)) - np.repeat(np.cumsum(count) - count, count)
    gaps[position == 0] = first[plan[position == 0]]
    cum = np.cumsum(gaps)
    cum -= np.repeat(cum[np.cumsum(count) - count] - gaps[np.cumsum(count) - count], count)
    when = wd.add(start[plan], cum)
    keep = when <= stop[plan]
    when, plan = when[keep], plan[keep]
    age = years_between(dob[plans["kid"][plan]], when)
    alone = (age >= 4) & draws.bernoulli(rng, len(plan), cal.seen_alone_share_4_plus)
    return {"kid": plans["kid"][plan], "visit_date": when, "seen_alone": alone}
