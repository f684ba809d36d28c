"""Episodes of need: referral, assessment, S47, CIN and CP plans, and the way into care.

The simulation runs family by family in "generations": each pass takes every family whose next
referral falls due, decides what happens in that episode (no further action; assessment and
closure; a CIN plan; an S47 enquiry, ICPC and CP plan; care), walks the family through plans
(CIN plans step up to child protection, CP plans step down to CIN plans, either may lead to
care), closes the episode and perhaps schedules the next referral. All of it is vectorised over
the families of a pass. Siblings share the family's referral, enquiries, conferences and plans;
each child has their own assessment, closure, care period and 18th birthday.

The CIN census constraints this respects (standards.md 2; CIN rules 1103-1105, 2885, 2889,
2990, 4001-4017, 8565, 8815-8840, 8867-8868): episodes of one child never overlap; a referral
with no further action has no other activity; assessments, S47s and plans start on or after
the referral; the CP plan starts on the ICPC date; CIN and CP plans do not run at the same time;
nothing happens after the closure; a closed episode has its assessments completed and its S47s
concluded (ICPC held or not required).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_scorecard.synth import care, draws, plans, protection
from csc_scorecard.synth.addresses import Addresses
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, NAT, add_years, latest, to_day, years_between
from csc_scorecard.synth.episode import Assessment, Journeys, Outcome, Pass, Walk, family_max
from csc_scorecard.synth.episode_records import record
from csc_scorecard.synth.placements import Providers
from csc_scorecard.synth.population import Registry
from csc_scorecard.synth.records import Frame, concat, strings

FAR = np.datetime64("9999-12-31", "D")


@dataclass(frozen=True)
class _Run:
    """What every pass shares: the context, the population, addresses, providers and the
    records accumulated so far."""

    ctx: Context
    reg: Registry
    addresses: Addresses
    providers: Providers
    journeys: Journeys


def simulate(
    ctx: Context, reg: Registry, addresses: Addresses, providers: Providers
) -> dict[str, Frame]:
    """Every episode of need from the start of the burn-in to the extract date."""
    journeys = Journeys()
    run = _Run(ctx, reg, addresses, providers, journeys)
    next_referral = reg.fam_arrival.copy()
    next_referral[reg.fam_kind == "contact"] = NAT
    had_cp = np.zeros(len(reg.fam_kind), dtype=bool)
    family_episode = 0
    while True:
        due = np.flatnonzero(next_referral <= ctx.end)
        if not due.size:
            break
        referral = _referral_date(ctx, next_referral[due])
        next_referral[due] = NAT
        pos, kid = reg.members(due)
        at = referral[pos]
        eligible = ~reg.removed[kid] & (np.isnat(reg.busy_until[kid]) | (reg.busy_until[kid] < at))
        eligible &= (reg.dob[kid] - at).astype(
            np.int64
        ) <= ctx.cal.families.unborn_days_before_birth[1]
        eligible &= add_years(reg.dob[kid], 18) - 60 > at
        pos, kid = pos[eligible], kid[eligible]
        if not kid.size:
            continue
        present = np.unique(pos)
        remap = np.full(len(due), -1)
        remap[present] = np.arange(len(present))
        families, referral, pos = due[present], referral[present], remap[pos]
        ids = family_episode + np.arange(len(families))
        family_episode += len(families)
        p = Pass(families, referral, pos, kid, ids, reg.fam_kind[families], reg.dob[kid])
        ended = _episode(run, p, had_cp)
        # Families referred again after this episode (not UASC or short-break children).
        again = (reg.fam_kind[families] == "family") & draws.bernoulli(
            ctx.rng, len(families), ctx.cal.families.rereferral_probability
        )
        gap = draws.days(ctx.rng, len(families), ctx.cal.families.rereferral_gap_days)
        next_referral[families[again]] = (ended + gap)[again]
    return journeys.frames()


def _referral_date(ctx: Context, when: np.ndarray) -> np.ndarray:
    """Referrals are recorded on working days, bar a few out-of-hours ones."""
    weekend = draws.bernoulli(ctx.rng, len(when), ctx.cal.front_door.weekend_referral_share)
    return np.where(weekend, when, ctx.workdays.roll(when))


def _route(
    ctx: Context, reg: Registry, families: np.ndarray, had_cp: np.ndarray, baby: np.ndarray
) -> np.ndarray:
    """What the referral leads to; more often protection for families known for it before,
    and protection or care where there is a baby or an unborn child."""
    rng, cal = ctx.rng, ctx.cal.pathway
    n = len(families)
    kind = reg.fam_kind[families]
    routes = list(cal.first)
    weights = np.tile(np.array([cal.first[r] for r in routes]), (n, 1))
    weights[had_cp[families], routes.index("cp")] *= cal.repeat_cp_multiplier
    for route, factor in cal.baby_multiplier.items():
        weights[baby, routes.index(route)] *= factor
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    pick = (rng.random(n)[:, None] > cum).sum(axis=1)
    route = np.array(routes, dtype=object)[np.minimum(pick, len(routes) - 1)]
    route[kind == "uasc"] = "uasc"
    route[kind == "short_break"] = "short_break"
    return route


def _source(ctx: Context, kind: np.ndarray, referral: np.ndarray) -> np.ndarray:
    rng, fd = ctx.rng, ctx.cal.front_door
    n = len(kind)
    source = draws.choice(rng, n, fd.referral_source)
    uasc = kind == "uasc"
    source[uasc] = draws.choice(rng, int(uasc.sum()), ctx.cal.uasc.referral_source)
    source[kind == "short_break"] = "3F"
    for code, valid_from in fd.source_valid_from.items():
        early = (source == code) & (referral < to_day(valid_from))
        source[early] = fd.source_fallback[code]
    return source


def _episode(run: _Run, p: Pass, had_cp: np.ndarray) -> np.ndarray:
    """One episode of need for each family of the pass. Returns the date each family's episode
    ended (for the next referral)."""
    ctx, reg, journeys = run.ctx, run.reg, run.journeys
    baby = np.bincount(p.pos, weights=p.dob > p.referral[p.pos] - 365, minlength=p.e) > 0
    route = _route(ctx, reg, p.families, had_cp, baby)
    source = _source(ctx, p.kind, p.referral)
    reg.referred_unborn[p.kid] |= p.dob > p.referral[p.pos]
    a = _assess(ctx, p)
    has_s47, icpc, s47 = _enquire(ctx, p, route, a.family_end)
    w = plans.start(ctx, p, route, a.family_end, icpc, s47)
    plans.walk(ctx, w, p.families, had_cp)
    nfa = (route == "nfa")[p.pos]
    closure, reason = _close(ctx, p, a, w, route, nfa, has_s47)
    entry, enters = _care_entry(ctx, p, w, closure, reason)
    need = _primary_need(ctx, route[p.pos], p.n)
    _into_care(run, p, w, entry, enters, need, closure, reason)
    _close_behind(ctx, reg, p, a, w, nfa, closure, reason)
    outcome = Outcome(source, route, nfa, has_s47, need, closure, reason)
    record(ctx, journeys, p, a, w, outcome)
    _short_breaks(ctx, journeys, p, w, route)
    # When the family's episode ended (children in care do not hold the family back).
    return family_max(np.where(enters, entry, closure), p.pos, p.e)


def _assess(ctx: Context, p: Pass) -> Assessment:
    """The assessment of each child (siblings often take as long as each other); drawn for
    every family, used where the referral led to one."""
    rng, cal, wd = ctx.rng, ctx.cal.assessment, ctx.workdays
    e, n, pos = p.e, p.n, p.pos
    family_start = wd.add(
        p.referral, draws.choice_int(rng, e, cal.start_working_days_after_referral)
    )
    family_start[p.kind == "uasc"] = p.referral[p.kind == "uasc"]
    family_dur = draws.lognormal_int(rng, e, cal.duration_working_days)
    dur = np.where(
        draws.bernoulli(rng, n, cal.sibling_duration_same),
        family_dur[pos],
        draws.lognormal_int(rng, n, cal.duration_working_days),
    )
    dur[draws.bernoulli(rng, n, cal.same_day_share)] = 0
    start = family_start[pos]
    end = wd.add(start, dur)
    return Assessment(start=start, end=end, duration=dur, family_end=family_max(end, pos, e))


def _enquire(
    ctx: Context, p: Pass, route: np.ndarray, assessed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, Frame]:
    """Strategy discussion and S47 enquiry alongside the assessment; a CP-route conference that
    decides on no plan turns the route to a CIN plan (`route` is changed in place). Returns
    which families had an enquiry, the ICPC dates and the enquiries as family-level rows."""
    rng, cal = ctx.rng, ctx.cal.pathway
    s47_p = np.array([cal.s47_share.get(r, 0.0) for r in route])
    has_s47 = rng.random(p.e) < s47_p
    s_start = protection.s47_start(ctx, p.referral)
    s_start = np.where(route == "cp", s_start, np.minimum(s_start, assessed))
    icpc = np.where(route == "cp", protection.icpc_date(ctx, s_start), NAT)
    no_plan = (route == "cp") & draws.bernoulli(rng, p.e, cal.icpc_without_plan)
    route[no_plan] = "cin"
    rows = {
        "pos": np.flatnonzero(has_s47),
        "start_date": s_start[has_s47],
        "icpc_date": icpc[has_s47],
        "resulted": ~no_plan[has_s47] & ~np.isnat(icpc[has_s47]),
    }
    return has_s47, icpc, rows


def _close(
    ctx: Context,
    p: Pass,
    a: Assessment,
    w: Walk,
    route: np.ndarray,
    nfa: np.ndarray,
    has_s47: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each child's closure date and reason, for the episodes that closed without care."""
    rng, cal, wd = ctx.rng, ctx.cal.assessment, ctx.workdays
    n, pos = p.n, p.pos
    closure = np.full(n, NAT, dtype=DAY)
    reason = strings(n)
    # No further action is decided on the day (an NFA flag on a referral from before the census
    # year is queried, CIN rule 8569Q); with no assessment it is not an RC8 closure (8825Q).
    closure[nfa] = p.referral[pos][nfa]
    reason[nfa] = "RC7"
    k = (route == "assessed_close")[pos]
    closure[k] = wd.add(
        a.end[k],
        draws.lognormal_int(rng, int(k.sum()), cal.close_working_days_after_authorisation),
    )
    rc9 = (
        k
        & (closure >= to_day(cal.rc9_valid_from))
        & draws.bernoulli(rng, n, cal.rc9_share_from_2022)
    )
    reason[k] = np.where(rc9[k], "RC9", "RC8")
    # After an S47 the episode cannot close as "after assessment" (CIN rule 2990): RC7.
    reason[k & has_s47[pos]] = "RC7"
    plan_closed = (w.state == "CLOSED")[pos] & ~nfa & ~k
    closure[plan_closed] = w.closed_at[pos][plan_closed]
    reason[plan_closed] = "RC7"
    return closure, reason


def _care_entry(
    ctx: Context, p: Pass, w: Walk, closure: np.ndarray, reason: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Most children of a family going into care come in (unborn children on the day they are
    born); those who stay at home have their episode closed. Returns the entry dates and who
    enters."""
    rng, cal, pos, n = ctx.rng, ctx.cal, p.pos, p.n
    in_care = (w.state == "CARE")[pos]
    entry = np.where(in_care, w.t[pos], NAT)
    entry = np.where(p.dob > entry, p.dob + rng.integers(0, 3, n).astype("timedelta64[D]"), entry)
    age = years_between(p.dob, entry)
    share = np.where(
        age >= 16,
        cal.pathway.care_member_share["over_16"],
        cal.pathway.care_member_share["under_16"],
    )
    enters = in_care & (rng.random(n) < share) & (entry < p.b18 - 30) & (entry <= ctx.end)
    enters |= in_care & (p.kind[pos] == "uasc") & (entry < p.b18)
    stays_home = in_care & ~enters
    closure[stays_home] = ctx.workdays.add(
        w.t[pos][stays_home],
        draws.lognormal_int(
            rng, int(stays_home.sum()), cal.protection.close_working_days_after_plan
        ),
    )
    reason[stays_home] = "RC7"
    return entry, enters


def _into_care(
    run: _Run,
    p: Pass,
    w: Walk,
    entry: np.ndarray,
    enters: np.ndarray,
    need: np.ndarray,
    closure: np.ndarray,
    reason: np.ndarray,
) -> None:
    """The periods of care of the children who come in (some teenagers on remand); their CIN
    episode closes with their care."""
    ctx, reg, journeys = run.ctx, run.reg, run.journeys
    child_via = w.via[p.pos].copy()
    age = years_between(p.dob, entry)
    teen = enters & (child_via == "emergency") & (age >= 12)
    remand = draws.bernoulli(ctx.rng, p.n, ctx.cal.pathway.remand_share_12_plus)
    child_via[teen & remand] = "remand"
    c = np.flatnonzero(enters)
    if not c.size:
        return
    kid = p.kid
    batch = care.simulate(
        ctx,
        reg,
        run.addresses,
        run.providers,
        {
            "kid": kid[c],
            "entry": entry[c],
            "via": child_via[c],
            "need": need[c],
            "family_episode": p.ids[p.pos[c]],
            "home_post": reg.fam_home[p.families[p.pos[c]]],
        },
    )
    closure[c] = batch.periods["cin_closure"]
    reason[c] = batch.periods["cin_reason"]
    leaving = (
        batch.periods["leaves_family"]
        & ~np.isnat(batch.periods["exit"])
        & (batch.periods["exit"] <= ctx.end)
    )
    reg.removed[kid[c][leaving]] = True
    died = batch.periods["rec"] == "E2"
    reg.date_of_death[kid[c][died]] = batch.periods["exit"][died]
    # Number periods across passes so that episodes, reviews and missing episodes can be tied
    # to their period later.
    batch.periods["period"] = journeys.period_count + np.arange(c.size)
    batch.episodes["period"] = batch.episodes["period"] + journeys.period_count
    journeys.period_count += c.size
    journeys.periods.append(batch.periods)
    journeys.episodes.append(batch.episodes)
    journeys.adoptions.append(batch.adoptions)
    journeys.proceedings.append(batch.proceedings)


def _close_behind(
    ctx: Context,
    reg: Registry,
    p: Pass,
    a: Assessment,
    w: Walk,
    nfa: np.ndarray,
    closure: np.ndarray,
    reason: np.ndarray,
) -> None:
    """Nothing is left open behind the closure (assessments completed, S47s concluded); at 18
    the child's case closes (transfer to adult services for some disabled young people). Marks
    the children busy until then."""
    again = concat(w.reassessments)
    again_end = (
        family_max(again["authorised_date"], again["pos"], p.e)
        if again
        else np.full(p.e, NAT, dtype=DAY)
    )
    closure[:] = np.where(
        np.isnat(closure), closure, latest(closure, np.where(nfa, NAT, a.end), again_end[p.pos])
    )
    aged_out = np.isnat(closure) | (closure > p.b18)
    closure[aged_out] = p.b18[aged_out]
    reason[aged_out] = np.where(reg.disabilities[p.kid[aged_out]] != "NONE", "RC6", "RC7")
    reg.busy_until[p.kid] = np.where(closure > ctx.end, FAR, closure)


def _short_breaks(ctx: Context, journeys: Journeys, p: Pass, w: Walk, route: np.ndarray) -> None:
    """Short breaks for disabled children on their CIN plan."""
    short = route == "short_break"
    if not (short.any() and w.cin_rows):
        return
    rows = concat(w.cin_rows)
    sb = np.isin(rows["pos"], np.flatnonzero(short))
    owner = rows["pos"][sb]
    members = np.flatnonzero(np.isin(p.pos, owner))
    plan_of = {q: (s, en) for q, s, en in zip(owner, rows["start_date"][sb], rows["end_date"][sb])}
    starts = np.array([plan_of[p.pos[m]][0] for m in members], dtype=DAY)
    ends = np.array([plan_of[p.pos[m]][1] for m in members], dtype=DAY)
    journeys.episodes.append(
        care.short_breaks(ctx, p.kid[members], starts, np.minimum(ends, p.b18[members] - 1))
    )


def _primary_need(ctx: Context, route: np.ndarray, n: int) -> np.ndarray:
    rng, cal = ctx.rng, ctx.cal.assessment
    need = draws.choice(rng, n, cal.primary_need)
    need[(route == "cp") & (rng.random(n) < cal.protection_need_n1_share)] = "N1"
    closed = route == "assessed_close"
    need[closed & (rng.random(n) < cal.not_in_need_n9_share)] = "N9"
    need[route == "uasc"] = "N8"
    need[route == "short_break"] = "N2"
    need[route == "nfa"] = None
    return need
