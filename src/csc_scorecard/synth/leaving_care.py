"""Care leavers: the OC3 cohort (903) and the Annex A list 9 snapshots.

The OC3 cohort (standards.md 1.5; 903 rules 1001, 1007, 1000, 1011): looked after for at least
13 weeks (91 days) after the 14th birthday and at least a day after the 16th birthday (short
breaks ignored), not adopted, not died in care or transferred to another authority, with the
17th to 21st birthday in the collection year and, at 17 and 18, not looked after on that
birthday. Information is recorded around the birthday (rules 344/345/3001 keep the codes
consistent). Annex A list 9 lists everyone entitled to leaving-care services on a date:
eligible (16-17 and looked after), relevant (16-17, left care), former relevant (18-20) and
qualifying young people, with their pathway plan and latest contact.
"""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth import draws
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, add_months, add_years, years_between
from csc_scorecard.synth.population import Registry
from csc_scorecard.synth.records import Frame, concat, filled, strings

EXCLUDED_EXITS = ("E11", "E12", "E2", "E3", "E15")


def _candidates(reg: Registry, periods: Frame) -> np.ndarray:
    """Children looked after at some time after their 16th birthday whose care did not end in
    adoption, death or a transfer to another authority (or an age assessment finding an adult)."""
    kid = periods["kid"]
    after_16 = periods["exit"] > add_years(reg.dob[kid], 16)
    excluded = np.unique(kid[np.isin(periods["rec"], EXCLUDED_EXITS)])
    return np.setdiff1d(np.unique(kid[after_16]), excluded)


def _period_rows(periods: Frame, kid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (row of `kid`, period of that child) pair, as two aligned index arrays."""
    order = np.argsort(periods["kid"], kind="stable")
    p_kid = periods["kid"][order]
    lo = np.searchsorted(p_kid, kid, side="left")
    counts = np.searchsorted(p_kid, kid, side="right") - lo
    row = np.repeat(np.arange(len(kid)), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return row, order[np.repeat(lo, counts) + offset]


def _days_in_care(
    periods: Frame, kid: np.ndarray, since: np.ndarray, until: np.ndarray
) -> np.ndarray:
    """Days each (kid, since, until) row spent looked after between the two dates."""
    row, p = _period_rows(periods, kid)
    start = np.maximum(periods["entry"][p], since[row])
    end = np.minimum(periods["exit"][p], until[row])
    days = np.clip((end - start).astype(np.int64), 0, None)
    return np.bincount(row, weights=days, minlength=len(kid)).astype(np.int64)


def _in_care_throughout(
    periods: Frame, kid: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """In one period of care from `start` and not leaving before `end` (the validator's
    "continuously looked after" for a collection year, whose children are OC2's, not OC3's:
    903 rule 187)."""
    row, p = _period_rows(periods, kid)
    hit = (periods["entry"][p] <= start[row]) & (periods["exit"][p] >= end[row])
    return np.bincount(row, weights=hit, minlength=len(kid)) > 0


def _in_care_on(periods: Frame, kid: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Looked after on the date (903 rule 1007: DECOM <= date < DEC)."""
    row, p = _period_rows(periods, kid)
    hit = (periods["entry"][p] <= when[row]) & (periods["exit"][p] > when[row])
    return np.bincount(row, weights=hit, minlength=len(kid)) > 0


def _last_exit(periods: Frame, kid: np.ndarray, field: str) -> np.ndarray:
    order = np.lexsort((periods["entry"], periods["kid"]))
    p_kid = periods["kid"][order]
    last = np.searchsorted(p_kid, kid, side="right") - 1
    return periods[field][order][last]


def _outcomes(
    ctx: Context, n: int, age: np.ndarray, staying_put: np.ndarray, eet_trait: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IN_TOUCH, ACTIV and ACCOM consistent with each other (rules 344, 345, 153, 3001)."""
    rng, cal = ctx.rng, ctx.cal.leaving_care
    in_touch = draws.choice(rng, n, cal.in_touch)
    eet_p = np.array([cal.eet_share.get(str(min(max(a, 17), 21)), 0.55) for a in age])
    eet = eet_trait < eet_p
    activity = np.where(
        eet, draws.choice(rng, n, cal.activity_eet), draws.choice(rng, n, cal.activity_neet)
    ).astype(object)
    suitable = rng.random(n) < cal.suitable_share
    accom = np.where(
        suitable,
        draws.choice(rng, n, cal.accommodation_suitable),
        draws.choice(rng, n, cal.accommodation_unsuitable),
    ).astype(object)
    put_p = np.array([cal.staying_put.get(str(a), 0.0) for a in age])
    stays = staying_put & (age >= 18) & (rng.random(n) < put_p)
    accom[stays] = "Z1"
    unknown = in_touch != "YES"
    activity[unknown] = "0"
    accom[unknown] = "0"
    return in_touch, activity, accom


def oc3(ctx: Context, reg: Registry, periods: Frame) -> Frame:
    """The OC3 cohort for every collection year kept, up to the extract date."""
    children = _candidates(reg, periods)
    first_year = int(str(ctx.keep_from)[:4]) + 1
    rows = []
    for age in range(17, 22):
        bday = add_years(reg.dob[children], age)
        year = bday.astype("datetime64[M]").astype(np.int64)
        fy_end = (year // 12 + 1970) + ((year % 12) >= 3)
        ok = (bday <= ctx.end) & (fy_end >= first_year)
        rows.append(
            {
                "kid": children[ok],
                "age": np.full(ok.sum(), age),
                "birthday": bday[ok],
                "collection_year": fy_end[ok],
            }
        )
    base = concat(rows)
    kid, bday = base["kid"], base["birthday"]
    dob = reg.dob[kid]
    after_14 = _days_in_care(periods, kid, add_years(dob, 14), bday)
    after_16 = _days_in_care(periods, kid, add_years(dob, 16), bday)
    qualifies = (after_14 >= 91) & (after_16 >= 1)
    qualifies &= ~(np.isin(base["age"], (17, 18)) & _in_care_on(periods, kid, bday))
    year_end = np.array(
        [np.datetime64(f"{y}-03-31", "D") for y in base["collection_year"]], dtype=DAY
    )
    year_start = np.array(
        [np.datetime64(f"{y - 1}-04-01", "D") for y in base["collection_year"]], dtype=DAY
    )
    qualifies &= ~_in_care_throughout(periods, kid, year_start, year_end)
    keep = np.flatnonzero(qualifies)
    kid, age, year = kid[keep], base["age"][keep], base["collection_year"][keep]
    staying_put = _last_exit(periods, kid, "rec") == "E17"
    trait = _trait(ctx, kid)
    in_touch, activity, accom = _outcomes(ctx, len(kid), age, staying_put, trait)
    # Someone who died is not followed up in later years.
    died = in_touch == "DIED"
    died_at = {}
    for k, a in zip(kid[died], age[died]):
        died_at[k] = min(died_at.get(k, 99), a)
    alive = np.array([a <= died_at.get(k, 99) for k, a in zip(kid, age)], dtype=bool)
    return {
        "kid": kid[alive],
        "collection_year": year[alive].astype(np.int64),
        "in_touch": in_touch[alive],
        "activity": activity[alive],
        "accommodation": accom[alive],
    }


def _trait(ctx: Context, kid: np.ndarray) -> np.ndarray:
    """A young person's lasting chance of being in education, employment or training."""
    uniq, inv = np.unique(kid, return_inverse=True)
    return ctx.rng.random(len(uniq))[inv]


def plans(ctx: Context, reg: Registry, periods: Frame) -> Frame:
    """Annex A list 9 at each quarter end from the first reporting year, and the extract date."""
    rng, cal = ctx.rng, ctx.cal.leaving_care
    children = _candidates(reg, periods)
    dates = []
    q = ctx.start
    while True:
        q_end = add_months(np.array([q]), 3)[0] - 1
        if q_end > ctx.end:
            break
        dates.append(q_end)
        q = q_end + 1
    if not dates or dates[-1] != ctx.end:
        dates.append(ctx.end)
    snap = np.array(dates, dtype=DAY)
    kid = np.repeat(children, len(snap))
    when = np.tile(snap, len(children))
    dob = reg.dob[kid]
    age = years_between(dob, when)
    in_care = _in_care_on(periods, kid, when)
    after_14 = _days_in_care(periods, kid, add_years(dob, 14), when)
    after_16 = _days_in_care(periods, kid, add_years(dob, 16), when)
    qualified = (after_14 >= 91) & (after_16 >= 1)
    category = strings(len(kid))
    category[in_care & (age >= 16) & (age < 18) & (after_14 >= 91)] = "eligible"
    left = ~in_care & (after_16 >= 1)
    category[left & qualified & (age >= 16) & (age < 18)] = "relevant"
    category[left & qualified & (age >= 18) & (age < cal.former_relevant_until_age)] = (
        "former_relevant"
    )
    category[left & ~qualified & (age >= 16) & (age < cal.former_relevant_until_age)] = "qualifying"
    keep = np.flatnonzero(filled(category))
    kid, when, age, category = kid[keep], when[keep], age[keep], category[keep]
    n = len(kid)
    staying_put = _last_exit(periods, kid, "rec") == "E17"
    in_touch, activity, accom = _outcomes(ctx, n, age, staying_put, _trait(ctx, kid))
    eligible = category == "eligible"
    in_touch[eligible] = "YES"
    activity[eligible] = None
    accom[eligible] = None
    since_16 = add_years(reg.dob[kid], 16)
    plan_date = when - draws.days(rng, n, cal.pathway_plan_days_since)
    plan_date = np.where(plan_date < since_16, np.minimum(since_16, when), plan_date)
    recent = (when - plan_date).astype(np.int64) < 14
    unsigned = (rng.random(n) < cal.pathway_plan_unsigned_share) | (
        recent & (rng.random(n) < cal.recent_plan_unsigned_share)
    )
    contact = when - draws.days(rng, n, cal.contact_days_since)
    lost = np.isin(in_touch, ("NO", "REFU"))
    lo, hi = cal.lost_contact_days
    contact[lost] = when[lost] - rng.integers(lo, hi, int(lost.sum())).astype("timedelta64[D]")
    return {
        "kid": kid,
        "as_at_date": when,
        "eligibility_category": category,
        "personal_adviser": strings(n),
        "latest_pathway_plan_date": plan_date,
        "pathway_plan_signed_off": ~unsigned,
        "latest_contact_date": contact,
        "in_touch": in_touch,
        "accommodation": accom,
        "activity": activity,
    }
