"""The family's way through plans in an episode of need: CIN plans step up to child protection,
CP plans step down to CIN plans, either may close or lead to care; short breaks run their plan.

`start` puts each family where its route leads (a CIN or CP plan, short breaks, care, or closed);
`walk` steps every family until its episode closes or its children go into care, recording the
plans, review conferences, enquiries, reassessments and proceedings at home as family-level rows
on the `Walk`.
"""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth import draws, protection
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, NAT, latest
from csc_scorecard.synth.episode import Pass, Walk
from csc_scorecard.synth.records import Frame

OPEN = ("CIN", "CP", "SHORT")
MAX_STEPS = 16  # a family still on a plan after this many steps is closed 30 days on


def start(
    ctx: Context, p: Pass, route: np.ndarray, assessed: np.ndarray, icpc: np.ndarray, s47: Frame
) -> Walk:
    """Each family's first state: the plan, care or closure its route leads to."""
    rng, cal, wd = ctx.rng, ctx.cal, ctx.workdays
    e, referral = p.e, p.referral
    state = np.full(e, "", dtype=object)
    t = np.full(e, NAT, dtype=DAY)
    cin_start = wd.add(
        latest(assessed, icpc),
        draws.lognormal_int(rng, e, cal.cin_plan.start_working_days_after_assessment),
    )
    for name, when in (("CIN", cin_start), ("CP", icpc)):
        target = route == ("cin" if name == "CIN" else "cp")
        state[target], t[target] = name, when[target]
    short = route == "short_break"
    state[short], t[short] = "SHORT", cin_start[short]
    care_route = np.isin(route, ("care", "uasc"))
    state[care_route] = "CARE"
    t[route == "care"] = referral[route == "care"] + draws.days(
        rng, int((route == "care").sum()), cal.pathway.care_entry_days_after_referral
    )
    t[route == "uasc"] = referral[route == "uasc"] + rng.integers(
        0, 2, int((route == "uasc").sum())
    ).astype("timedelta64[D]")
    via = np.where(route == "uasc", "uasc", "emergency").astype(object)
    state[np.isin(route, ("nfa", "assessed_close"))] = "CLOSED"
    closed_at = np.full(e, NAT, dtype=DAY)
    return Walk(state=state, t=t, via=via, closed_at=closed_at, s47_rows=[s47])


def walk(ctx: Context, w: Walk, families: np.ndarray, had_cp: np.ndarray) -> None:
    """Step every family through its plans until it closes or goes into care (`had_cp` marks
    the families that have had a CP plan, for the route of their next referral)."""
    for _ in range(MAX_STEPS):
        if not np.isin(w.state, OPEN).any():
            break
        i = np.flatnonzero(w.state == "SHORT")
        if i.size:
            _short_step(ctx, i, w)
        i = np.flatnonzero(w.state == "CIN")
        if i.size:
            _cin_step(ctx, i, w)
        i = np.flatnonzero(w.state == "CP")
        if i.size:
            had_cp[families[i]] = True
            _cp_step(ctx, i, w)
    stuck = np.isin(w.state, OPEN)
    w.closed_at[stuck] = w.t[stuck] + 30
    w.state[stuck] = "CLOSED"


def _short_step(ctx: Context, i: np.ndarray, w: Walk) -> None:
    """Short breaks: one CIN plan of the calibrated length, then the episode closes."""
    rng, cal, wd = ctx.rng, ctx.cal, ctx.workdays
    length = (draws.lognormal(rng, i.size, cal.care.short_break_years) * 365.25).astype(
        "timedelta64[D]"
    )
    end = wd.roll(w.t[i] + length)
    w.cin_rows.append({"pos": i, "start_date": w.t[i], "end_date": end})
    w.closed_at[i] = wd.add(
        end, draws.lognormal_int(rng, i.size, cal.cin_plan.close_working_days_after_plan)
    )
    w.state[i] = "CLOSED"


def _cin_step(ctx: Context, i: np.ndarray, w: Walk) -> None:
    """A CIN plan: it closes, steps up to child protection, or the children come into care."""
    rng, cal, wd = ctx.rng, ctx.cal.cin_plan, ctx.workdays
    start = w.t[i]
    length = draws.days(rng, i.size, cal.duration_days)
    nxt = draws.choice(rng, i.size, cal.after_plan)
    event = start + np.maximum(
        (length.astype(np.int64) * rng.uniform(*cal.escalation_point, i.size)).astype(np.int64), 1
    ).astype("timedelta64[D]")
    end = np.where(nxt == "close", wd.roll(start + length), NAT)
    # Step up: strategy discussion, S47 and ICPC; the CIN plan ends when the CP plan starts.
    up = nxt == "cp"
    s = wd.roll(event)
    conf = protection.icpc_date(ctx, s)
    end[up] = conf[up]
    w.s47_rows.append(
        {
            "pos": i[up],
            "start_date": s[up],
            "icpc_date": conf[up],
            "resulted": np.ones(int(up.sum()), bool),
        }
    )
    # A fresh assessment starts with the enquiry (the first was completed before the CIN plan).
    again = draws.lognormal_int(rng, int(up.sum()), ctx.cal.assessment.duration_working_days)
    w.reassessments.append(
        {
            "pos": i[up],
            "start_date": s[up],
            "authorised_date": wd.add(s[up], again),
            "duration": again,
        }
    )
    into_care = nxt == "care"
    end[into_care] = event[into_care]
    end = np.maximum(end, start + 1)  # a plan does not start and end on the same day (4012Q)
    w.cin_rows.append({"pos": i, "start_date": start, "end_date": end})
    close = nxt == "close"
    w.closed_at[i[close]] = wd.add(
        end[close], draws.lognormal_int(rng, int(close.sum()), cal.close_working_days_after_plan)
    )
    w.state[i[close]] = "CLOSED"
    w.state[i[up]], w.t[i[up]] = "CP", conf[up]
    w.state[i[into_care]], w.t[i[into_care]] = "CARE", end[into_care]
    w.via[i[into_care]] = "cin"


def _cp_step(ctx: Context, i: np.ndarray, w: Walk) -> None:
    """A CP plan: reviewed until it ends at a review conference (or earlier, into care), then
    steps down to a CIN plan, closes, or the children come into care."""
    rng, cal, wd = ctx.rng, ctx.cal.protection, ctx.workdays
    start = w.t[i]
    reviews, ends_at = protection.plan_reviews(ctx, start)
    end = reviews[np.arange(i.size), ends_at - 1]
    nxt = draws.choice(rng, i.size, cal.after_plan)
    mid = (nxt == "care") & draws.bernoulli(rng, i.size, cal.care_mid_plan_share)
    before = np.where(
        ends_at > 1, reviews[np.arange(i.size), np.maximum(ends_at - 2, 0)], start + 14
    )
    entry = draws.uniform_days(rng, before + 1, np.maximum(end - 1, before + 1))
    end = np.where(mid, entry, end)
    initial, latest_cat = protection.categories(ctx, i.size)
    w.cp_rows.append(
        {
            "pos": i,
            "start_date": start,
            "end_date": end,
            "initial_category": initial,
            "latest_category": latest_cat,
        }
    )
    held = reviews <= end[:, None]
    held &= ~(mid[:, None] & (reviews >= end[:, None]))
    r_plan, r_col = np.nonzero(held)
    w.review_rows.append(
        {"pos": i[r_plan], "plan_start_date": start[r_plan], "review_date": reviews[r_plan, r_col]}
    )
    _proceedings_at_home(ctx, i, w, nxt, reviews[:, 0])
    # Stepped down to a CIN plan from the next working day: the review conference that ended
    # the plan is then not "held during an open CIN plan" (the validator's rule 4003 matches
    # reviews to plans by plan number within the child, so a later plan could claim it).
    to_cin = nxt == "cin"
    w.state[i[to_cin]], w.t[i[to_cin]] = "CIN", wd.add(end[to_cin], 1)
    close = nxt == "close"
    w.closed_at[i[close]] = wd.add(
        end[close], draws.lognormal_int(rng, int(close.sum()), cal.close_working_days_after_plan)
    )
    w.state[i[close]] = "CLOSED"
    into_care = nxt == "care"
    w.state[i[into_care]], w.t[i[into_care]] = "CARE", end[into_care]
    w.via[i[into_care]] = "cp"


def _proceedings_at_home(
    ctx: Context, i: np.ndarray, w: Walk, nxt: np.ndarray, first_review: np.ndarray
) -> None:
    """Care proceedings issued while the children stay at home (pre-proceedings escalated)."""
    rng, cal = ctx.rng, ctx.cal.care
    at_home = (nxt != "care") & draws.bernoulli(rng, i.size, cal.proceedings_at_home_share)
    issue = ctx.workdays.roll(first_review)
    weeks = draws.lognormal(rng, i.size, cal.proceedings_weeks)
    w.home_proceedings.append(
        {
            "pos": i[at_home],
            "issue_date": issue[at_home],
            "conclusion_date": issue[at_home]
            + (weeks[at_home] * 7).round().astype("timedelta64[D]"),
            "outcome": draws.choice(rng, int(at_home.sum()), cal.proceedings_at_home_outcome),
        }
    )
