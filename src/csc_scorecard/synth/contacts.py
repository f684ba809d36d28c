"""Contacts (Annex A list 1) and early help episodes (Annex A list 2).

Every referral comes from a contact on the day or shortly before. Referred children draw more
contacts while their case is open or soon after (the repeat police notifications of seed para
14), and other children are only ever the subject of a contact that ends at the front door.
Early help follows closures referred to early help (RC9) and some front-door contacts.
"""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth import draws
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import add_years, to_day
from csc_scorecard.synth.population import Registry
from csc_scorecard.synth.records import Frame, concat


def contacts(ctx: Context, reg: Registry, referrals: Frame) -> Frame:
    """Contacts from the kept history to the extract date, about children (or unborn babies
    due within 40 weeks) under 18."""
    rng, fd = ctx.rng, ctx.cal.front_door
    n = len(referrals["kid"])
    # The contact that became the referral.
    before = draws.choice_int(rng, n, fd.contact_days_before_referral).astype("timedelta64[D]")
    first = {
        "kid": referrals["kid"],
        "contact_date": referrals["referral_date"] - before,
        "contact_source": referrals["referral_source"],
    }
    # Further contacts about referred children, during the episode or within months of it.
    extra = rng.poisson(fd.extra_contacts_per_episode, n)
    owner = np.repeat(np.arange(n), extra)
    closure = referrals["closure_date"][owner]
    until = np.where(np.isnat(closure), ctx.end, closure) + 120
    start = referrals["referral_date"][owner] + 1
    when = draws.uniform_days(rng, start, np.maximum(until, start))
    more = {
        "kid": referrals["kid"][owner],
        "contact_date": when,
        "contact_source": draws.choice(rng, len(owner), fd.referral_source),
    }
    # Children who are only ever the subject of contacts.
    only = np.flatnonzero(reg.fam_kind[reg.kid_family] == "contact")
    count = draws.choice_int(rng, only.size, fd.contact_only_contacts)
    owner = np.repeat(only, count)
    offset = np.where(
        np.arange(len(owner)) == np.repeat(np.cumsum(count) - count, count),
        0,
        rng.integers(*fd.contact_only_repeat_days, len(owner)),
    ).astype("timedelta64[D]")
    front_door = {
        "kid": owner,
        "contact_date": reg.fam_arrival[reg.kid_family[owner]] + offset,
        "contact_source": draws.choice(rng, len(owner), fd.referral_source),
    }
    out = concat([first, more, front_door])
    for code, valid_from in fd.source_valid_from.items():
        early = (out["contact_source"] == code) & (out["contact_date"] < to_day(valid_from))
        out["contact_source"][early] = fd.source_fallback[code]
    dob = reg.dob[out["kid"]]
    age_ok = (out["contact_date"] >= dob - 280) & (out["contact_date"] < add_years(dob, 18))
    keep = (out["contact_date"] <= ctx.end) & (out["contact_date"] >= ctx.keep_from) & age_ok
    return {k: v[keep] for k, v in out.items()}


def early_help(ctx: Context, reg: Registry, referrals: Frame) -> Frame:
    """Early help assessments after closures to early help (RC9) and some front-door contacts;
    the Family Star outcome only where it was recorded (from April 2022)."""
    rng, cal = ctx.rng, ctx.cal.early_help
    rc9 = np.flatnonzero(referrals["closure_reason"] == "RC9")
    from_referral = {"kid": referrals["kid"][rc9], "after": referrals["closure_date"][rc9]}
    only = np.flatnonzero(reg.fam_kind[reg.kid_family] == "contact")
    chosen = only[rng.random(only.size) < ctx.cal.front_door.contact_only_to_early_help]
    from_contact = {"kid": chosen, "after": reg.fam_arrival[reg.kid_family[chosen]]}
    base = concat([from_referral, from_contact])
    m = len(base["kid"])
    start = base["after"] + draws.days(rng, m, cal.start_days_after_closure)
    completion = start + draws.days(rng, m, cal.completion_days)
    closure = start + draws.days(rng, m, cal.duration_days)
    closure = np.maximum(closure, completion)
    recorded = closure >= to_day(cal.outcome_recorded_from)
    improved = np.where(
        recorded & (closure <= ctx.end), rng.random(m) < cal.outcome_improved_share, None
    ).astype(object)
    keep = (start <= ctx.end) & (start >= ctx.keep_from)
    out = {
        "kid": base["kid"],
        "assessment_start_date": start,
        "assessment_completion_date": ctx.censor(completion),
        "organisation": draws.choice(rng, m, cal.organisation),
        "closure_date": ctx.censor(closure),
        "outcome_improved": improved,
    }
    return {k: v[keep] for k, v in out.items()}
