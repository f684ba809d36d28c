"""Records kept while a child is looked after: statutory reviews, missing and away episodes,
OC2 health and outcomes, previous permanence and motherhood (903 Reviews, Missing, OC2,
PrevPerm and Header MOTHER/MC_DOB)."""

from __future__ import annotations

import numpy as np

from csc_scorecard.model.codes import code_group
from csc_scorecard.synth import draws, placements
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, NAT, add_months, add_years, to_day, years_between
from csc_scorecard.synth.population import Registry
from csc_scorecard.synth.records import Frame, concat

SHORT_BREAKS = code_group("legal_status", "short_breaks")


def reviews(ctx: Context, reg: Registry, periods: Frame) -> Frame:
    """Reviews within 20 working days of coming into care, 3 months later, then 6-monthly
    (standards.md 5.4), a few of them late; participation PN0 under 4 (rules 440/441)."""
    rng, cal, wd = ctx.rng, ctx.cal.reviews, ctx.workdays
    n = len(periods["kid"])
    stop = np.minimum(periods["exit"], ctx.end + 1)
    rows = []
    previous = periods["entry"]
    active = np.arange(n)
    for k in range(60):
        if not active.size:
            break
        prev = previous[active]
        if k == 0:
            due = wd.add(prev, cal.first_working_days)
        else:
            due = add_months(prev, cal.second_months if k == 1 else cal.then_months)
        late = draws.bernoulli(rng, active.size, cal.late_share)
        shift = np.where(
            late,
            draws.lognormal_int(rng, active.size, cal.late_days),
            -draws.lognormal_int(rng, active.size, cal.early_days),
        )
        held = wd.roll(due + shift.astype("timedelta64[D]"))
        held = np.maximum(held, prev + (3 if k == 0 else 28))
        ok = held < stop[active]
        rows.append({"period": active[ok], "review_date": held[ok]})
        previous = previous.copy()
        previous[active[ok]] = held[ok]
        active = active[ok]
    out = concat(rows)
    kid = periods["kid"][out["period"]]
    age = years_between(reg.dob[kid], out["review_date"])
    code = draws.choice(rng, len(kid), cal.participation)
    code[age < 4] = "PN0"
    return {"kid": kid, "review_date": out["review_date"], "review_code": code}


def missing(ctx: Context, reg: Registry, episodes: Frame) -> Frame:
    """Missing (M) and away (A) episodes of young people aged 10+, inside a placement and ended
    before it ends (rules 574-581); most young people never go missing, a few often."""
    rng, cal = ctx.rng, ctx.cal.missing
    regular = ~np.isin(episodes["ls"], SHORT_BREAKS)
    ep = {k: v[regular] for k, v in episodes.items()}
    # Placement spells: consecutive episodes of one period with the same carers.
    new_spell = np.r_[
        True, (ep["period"][1:] != ep["period"][:-1]) | (ep["carer"][1:] != ep["carer"][:-1])
    ]
    spell = np.cumsum(new_spell) - 1
    first = np.flatnonzero(new_spell)
    last = np.r_[first[1:] - 1, len(spell) - 1]
    kid = ep["kid"][first]
    start = ep["decom"][first]
    end = np.minimum(ep["dec"][last], ctx.end + 30)
    place = ep["place"][first]
    age = years_between(reg.dob[kid], start)
    prone_p = np.zeros(len(kid))
    for edge, share in sorted((int(k), v) for k, v in cal.prone_share.items()):
        prone_p[age >= edge] = share
    # Proneness is a trait of the young person in a period, not of each placement.
    period_key = ep["period"][first]
    uniq, inv = np.unique(period_key, return_inverse=True)
    prone = rng.random(len(uniq))[inv] < prone_p
    rate = np.array(
        [cal.rate_per_year.get(g, cal.rate_per_year["other"]) for g in placements.group(place)]
    )
    years = (end - start).astype(np.int64) / 365.25
    count = np.where(prone & (years > 0), rng.poisson(rate * np.maximum(years, 0)), 0)
    owner = np.repeat(np.arange(len(kid)), count)
    lo, hi = start[owner] + 1, end[owner] - 3
    ok = hi > lo
    owner, lo, hi = owner[ok], lo[ok], hi[ok]
    when = draws.uniform_days(rng, lo, hi)
    length = draws.choice_int(rng, len(owner), cal.duration_days).astype("timedelta64[D]")
    back = np.minimum(when + length, end[owner] - 1)
    frame = {
        "kid": kid[owner],
        "start_date": when,
        "end_date": back,
        "missing_type": draws.choice(rng, len(owner), cal.missing_type),
    }
    order = np.lexsort((frame["start_date"], frame["kid"]))
    frame = {k: v[order] for k, v in frame.items()}
    # No overlaps: drop an episode that starts before the previous one (of the child) ended.
    keep = np.ones(len(order), dtype=bool)
    kid_arr, st, en = frame["kid"], frame["start_date"], frame["end_date"]
    for _ in range(6):
        idx = np.flatnonzero(keep)
        same = np.r_[False, kid_arr[idx][1:] == kid_arr[idx][:-1]]
        pe = np.r_[np.array([NAT], dtype=DAY), en[idx][:-1]]
        clash = same & (st[idx] <= pe)
        if not clash.any():
            break
        keep[idx[clash]] = False
    frame = {k: v[keep] for k, v in frame.items()}
    inside = frame["start_date"] <= ctx.end
    # Episodes still open on a 31 March or on the extract date are left out: the validator fills
    # open episode ends with the collection end and then reads such a missing episode as
    # outliving its placement (903 rules 575/577 as implemented).
    year_ends = np.array(
        [np.datetime64(f"{y}-03-31", "D") for y in range(1990, ctx.config.end.year + 2)] + [ctx.end]
    )
    spans = np.zeros(len(frame["start_date"]), dtype=bool)
    for boundary in year_ends:
        spans |= (frame["start_date"] <= boundary) & (frame["end_date"] > boundary)
    frame = {k: v[inside & ~spans] for k, v in frame.items()}
    frame["end_date"] = ctx.censor(frame["end_date"])
    return frame


def health(ctx: Context, reg: Registry, periods: Frame) -> Frame:
    """OC2 for children looked after continuously for 12 months at 31 March (standards.md 1.5;
    validator `add_col_to_episodes_CONTINUOUSLY_LOOKED_AFTER`): in care on 1 April and not
    leaving before 31 March. Which items apply depends on age (rules 157-199, 542-547)."""
    rng, cal = ctx.rng, ctx.cal.health
    first_year = int(str(ctx.keep_from)[:4]) + 1
    rows = []
    for year in range(first_year, ctx.config.end.year + 1):
        year_start = np.datetime64(f"{year - 1}-04-01", "D")
        year_end = np.datetime64(f"{year}-03-31", "D")
        if year_end > ctx.end:
            break
        cla = (periods["entry"] <= year_start) & (periods["exit"] >= year_end)
        kid = np.unique(periods["kid"][cla])
        rows.append(
            {
                "kid": kid,
                "collection_year": np.full(len(kid), year, dtype=np.int64),
                "year_start": np.full(len(kid), year_start),
                "year_end": np.full(len(kid), year_end),
            }
        )
    base = concat(rows)
    n = len(base["kid"])
    dob = reg.dob[base["kid"]]
    age_end = years_between(dob, base["year_end"])
    sdq_due = (add_years(dob, 4) <= base["year_end"]) & (add_years(dob, 17) >= base["year_start"])
    scored = sdq_due & (rng.random(n) < cal.sdq_recorded)
    score = np.where(scored, draws.lognormal_int(rng, n, cal.sdq_score), None).astype(object)
    reason = np.where(sdq_due & ~scored, draws.choice(rng, n, cal.sdq_reason), None).astype(object)

    def flag(p: float, applies: np.ndarray | bool = True) -> np.ndarray:
        return np.where(applies, rng.random(n) < p, None).astype(object)

    misuse = (age_end >= 13) & (rng.random(n) < cal.substance_misuse_13_plus)
    received = np.where(misuse, rng.random(n) < cal.intervention_received, None).astype(object)
    offered = np.where(
        misuse & np.equal(received, False),
        rng.random(n) < cal.intervention_offered_if_not_received,
        None,
    ).astype(object)
    return {
        "kid": base["kid"],
        "collection_year": base["collection_year"],
        "sdq_score": score,
        "sdq_reason": reason,
        "convicted": flag(cal.convicted_10_plus, age_end >= 10),
        "health_check": flag(cal.health_check_under_5, age_end < 5),
        "immunisations": flag(cal.immunisations),
        "teeth_check": flag(cal.teeth_check),
        "health_assessment": flag(cal.health_assessment),
        "substance_misuse": misuse.astype(object),
        "intervention_received": received,
        "intervention_offered": offered,
    }


def previous_permanence(ctx: Context, periods: Frame, episodes: Frame) -> Frame:
    """PrevPerm for children who started care from 1 April 2016 (rule 634), from their latest
    start: the order an earlier period ended with (SGO P2, CAO P3), else a draw. Anything but
    Z1 carries the arranging authority and a date, unknown parts as ZZ (rules 630, 632, 633)."""
    rng, cal = ctx.rng, ctx.cal.previous_permanence
    starts = {
        "kid": np.concatenate([periods["kid"], episodes["kid"][episodes["ls"] == "V3"]]),
        "entry": np.concatenate([periods["entry"], episodes["decom"][episodes["ls"] == "V3"]]),
        "exit": np.concatenate([periods["exit"], episodes["dec"][episodes["ls"] == "V3"]]),
        "rec": np.concatenate([periods["rec"], episodes["rec"][episodes["ls"] == "V3"]]),
    }
    order = np.lexsort((starts["entry"], starts["kid"]))
    kid, entry, exit_, rec = (starts[k][order] for k in ("kid", "entry", "exit", "rec"))
    last = np.r_[kid[1:] != kid[:-1], True]
    earlier_rec = np.r_[None, rec[:-1]].astype(object)
    earlier_exit = np.r_[np.array([NAT], dtype=DAY), exit_[:-1]]
    has_earlier = np.r_[False, kid[1:] == kid[:-1]]
    pick = last & (entry >= to_day(cal.collected_from)) & (entry <= ctx.end)
    idx = np.flatnonzero(pick)
    m = len(idx)
    perm = draws.choice(rng, m, cal.prev_perm)
    when = entry[idx] - (draws.lognormal(rng, m, cal.years_before_entry) * 365.25).astype(
        "timedelta64[D]"
    )
    from_sim = has_earlier[idx] & np.isin(earlier_rec[idx], ("E41", "E45", "E46", "E47", "E48"))
    perm[from_sim] = np.where(earlier_rec[idx][from_sim] == "E41", "P3", "P2")
    when[from_sim] = earlier_exit[idx][from_sim]
    # Children known to have been looked after here before have no unknown earlier order.
    perm[has_earlier[idx] & ~from_sim & (perm != "P4")] = "Z1"
    text = np.array([f"{str(d)[8:10]}/{str(d)[5:7]}/{str(d)[:4]}" for d in when], dtype=object)
    partial = ~from_sim & (rng.random(m) < cal.partial_date_share)
    text[partial] = np.array([f"ZZ/{t[3:]}" for t in text[partial]], dtype=object)
    text[perm == "P4"] = "ZZ/ZZ/ZZZZ"
    own = from_sim | (rng.random(m) < cal.la_perm_own_share)
    la_perm = np.where(own, ctx.config.la_code, "999").astype(object)
    la_perm[perm == "P4"] = "999"
    none = perm == "Z1"
    return {
        "kid": kid[idx],
        "prev_perm": perm,
        "la_perm": np.where(none, None, la_perm).astype(object),
        "date_perm": np.where(none, None, text).astype(object),
    }


def mothers(ctx: Context, reg: Registry, periods: Frame) -> tuple[np.ndarray, np.ndarray]:
    """MOTHER for girls with a period of care (False, or True with MC_DOB while looked after
    at 15 or over); boys and children never looked after have none (NULL)."""
    rng = ctx.rng
    n = reg.n_children
    mother = np.full(n, None, dtype=object)
    mc_dob = np.full(n, NAT, dtype=DAY)
    regular = periods
    girls = np.unique(regular["kid"][reg.sex[regular["kid"]] == "F"])
    mother[girls] = False
    fifteen = add_years(reg.dob[regular["kid"]], 15)
    lo = np.maximum(regular["entry"], fifteen)
    hi = np.minimum(np.minimum(regular["exit"], ctx.end), add_years(reg.dob[regular["kid"]], 18))
    can = (reg.sex[regular["kid"]] == "F") & (hi > lo + 30)
    chosen = np.flatnonzero(can & (rng.random(len(can)) < ctx.cal.care.mother_share_girls_14_plus))
    when = draws.uniform_days(rng, lo[chosen], hi[chosen])
    kid = regular["kid"][chosen]
    mother[kid] = True
    mc_dob[kid] = when
    return mother, mc_dob
