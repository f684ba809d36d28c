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

from dataclasses import dataclass, field

import numpy as np

from csc_scorecard.synth import care, draws, protection
from csc_scorecard.synth.addresses import Addresses
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, NAT, add_years, latest, to_day, years_between
from csc_scorecard.synth.placements import Providers
from csc_scorecard.synth.population import Registry
from csc_scorecard.synth.records import Frame, concat, strings

FAR = np.datetime64("9999-12-31", "D")


@dataclass
class Journeys:
    """Child-level records accumulated over the passes (frames with a `kid` column)."""

    referrals: list[Frame] = field(default_factory=list)
    assessments: list[Frame] = field(default_factory=list)
    section47s: list[Frame] = field(default_factory=list)
    cin_plans: list[Frame] = field(default_factory=list)
    cp_plans: list[Frame] = field(default_factory=list)
    cp_reviews: list[Frame] = field(default_factory=list)
    periods: list[Frame] = field(default_factory=list)
    episodes: list[Frame] = field(default_factory=list)
    adoptions: list[Frame] = field(default_factory=list)
    proceedings: list[Frame] = field(default_factory=list)
    period_count: int = 0

    def frames(self) -> dict[str, Frame]:
        return {
            name: concat(getattr(self, name))
            for name in self.__dataclass_fields__
            if name != "period_count"
        }


def simulate(
    ctx: Context, reg: Registry, addresses: Addresses, providers: Providers
) -> dict[str, Frame]:
    """Every episode of need from the start of the burn-in to the extract date."""
    journeys = Journeys()
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
        ended = _episode(
            ctx, reg, addresses, providers, journeys, families, referral, pos, kid, ids, had_cp
        )
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


def _episode(
    ctx, reg, addresses, providers, journeys, families, referral, pos, kid, ids, had_cp
) -> np.ndarray:
    """One episode of need for each family (`pos` maps children to families). Returns the date
    each family's episode ended (for the next referral)."""
    rng, cal, wd = ctx.rng, ctx.cal, ctx.workdays
    e, n = len(families), len(kid)
    kind = reg.fam_kind[families]
    dob = reg.dob[kid]
    baby = np.bincount(pos, weights=dob > referral[pos] - 365, minlength=e) > 0
    route = _route(ctx, reg, families, had_cp, baby)
    source = _source(ctx, kind, referral)
    b18 = add_years(dob, 18)
    reg.referred_unborn[kid] |= dob > referral[pos]

    # Assessment (none after a referral with no further action).
    nfa = route == "nfa"
    a_start_f = wd.add(
        referral, draws.choice_int(rng, e, cal.assessment.start_working_days_after_referral)
    )
    a_start_f[kind == "uasc"] = referral[kind == "uasc"]
    dur_f = draws.lognormal_int(rng, e, cal.assessment.duration_working_days)
    dur = np.where(
        draws.bernoulli(rng, n, cal.assessment.sibling_duration_same),
        dur_f[pos],
        draws.lognormal_int(rng, n, cal.assessment.duration_working_days),
    )
    dur[draws.bernoulli(rng, n, cal.assessment.same_day_share)] = 0
    a_start = a_start_f[pos]
    a_end = wd.add(a_start, dur)
    a_end_f = _family_max(a_end, pos, e)

    # Strategy discussion and S47 enquiry alongside the assessment.
    s47_p = np.array([cal.pathway.s47_share.get(r, 0.0) for r in route])
    has_s47 = rng.random(e) < s47_p
    s_start = protection.s47_start(ctx, referral)
    s_start = np.where(route == "cp", s_start, np.minimum(s_start, a_end_f))
    icpc = np.where(route == "cp", protection.icpc_date(ctx, s_start), NAT)
    no_plan = (route == "cp") & draws.bernoulli(rng, e, cal.pathway.icpc_without_plan)
    route[no_plan] = "cin"
    s47_rows = [
        {
            "pos": np.flatnonzero(has_s47),
            "start_date": s_start[has_s47],
            "icpc_date": icpc[has_s47],
            "resulted": ~no_plan[has_s47] & ~np.isnat(icpc[has_s47]),
        }
    ]

    # Walk the family through plans until the episode closes or the children go into care.
    state = np.full(e, "", dtype=object)
    t = np.full(e, NAT, dtype=DAY)
    cin_start = wd.add(
        latest(a_end_f, icpc),
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

    cin_rows, cp_rows, review_rows, home_proceedings, reassessments = [], [], [], [], []
    for _ in range(16):
        busy = np.isin(state, ("CIN", "CP", "SHORT"))
        if not busy.any():
            break
        i = np.flatnonzero(state == "SHORT")
        if i.size:
            length = (draws.lognormal(rng, i.size, cal.care.short_break_years) * 365.25).astype(
                "timedelta64[D]"
            )
            end = wd.roll(t[i] + length)
            cin_rows.append({"pos": i, "start_date": t[i], "end_date": end})
            closed_at[i] = wd.add(
                end, draws.lognormal_int(rng, i.size, cal.cin_plan.close_working_days_after_plan)
            )
            state[i] = "CLOSED"
        i = np.flatnonzero(state == "CIN")
        if i.size:
            state, t, closed_at, via = _cin_step(
                ctx, i, state, t, closed_at, via, cin_rows, s47_rows, reassessments
            )
        i = np.flatnonzero(state == "CP")
        if i.size:
            had_cp[families[i]] = True
            state, t, closed_at, via = _cp_step(
                ctx, i, state, t, closed_at, via, cp_rows, review_rows, home_proceedings
            )
    stuck = np.isin(state, ("CIN", "CP", "SHORT"))
    closed_at[stuck] = t[stuck] + 30
    state[stuck] = "CLOSED"

    # Child-level closure.
    closure = np.full(n, NAT, dtype=DAY)
    reason = strings(n)
    nfa_k = nfa[pos]
    # No further action is decided on the day (an NFA flag on a referral from before the census
    # year is queried, CIN rule 8569Q); with no assessment it is not an RC8 closure (8825Q).
    closure[nfa_k] = referral[pos][nfa_k]
    reason[nfa_k] = "RC7"
    after_assessment = (route == "assessed_close")[pos]
    k = after_assessment
    closure[k] = wd.add(
        a_end[k],
        draws.lognormal_int(
            rng, int(k.sum()), cal.assessment.close_working_days_after_authorisation
        ),
    )
    rc9 = (
        k
        & (closure >= to_day(cal.assessment.rc9_valid_from))
        & draws.bernoulli(rng, n, cal.assessment.rc9_share_from_2022)
    )
    reason[k] = np.where(rc9[k], "RC9", "RC8")
    # After an S47 the episode cannot close as "after assessment" (CIN rule 2990): RC7.
    reason[k & has_s47[pos]] = "RC7"
    plan_closed = (state == "CLOSED")[pos] & ~nfa_k & ~after_assessment
    closure[plan_closed] = closed_at[pos][plan_closed]
    reason[plan_closed] = "RC7"

    # Care: most children of the family come into care; unborn children on the day they are born.
    in_care_f = state == "CARE"
    entry = np.where(in_care_f[pos], t[pos], NAT)
    entry = np.where(dob > entry, dob + rng.integers(0, 3, n).astype("timedelta64[D]"), entry)
    age = years_between(dob, entry)
    share = np.where(
        age >= 16,
        cal.pathway.care_member_share["over_16"],
        cal.pathway.care_member_share["under_16"],
    )
    enters = in_care_f[pos] & (rng.random(n) < share) & (entry < b18 - 30) & (entry <= ctx.end)
    enters |= in_care_f[pos] & (kind[pos] == "uasc") & (entry < b18)
    stays_home = in_care_f[pos] & ~enters
    closure[stays_home] = wd.add(
        t[pos][stays_home],
        draws.lognormal_int(
            rng, int(stays_home.sum()), cal.protection.close_working_days_after_plan
        ),
    )
    reason[stays_home] = "RC7"

    need = _primary_need(ctx, route[pos], n)
    child_via = via[pos].copy()
    teen = enters & (child_via == "emergency") & (age >= 12)
    child_via[teen & draws.bernoulli(rng, n, cal.pathway.remand_share_12_plus)] = "remand"
    c = np.flatnonzero(enters)
    if c.size:
        batch = care.simulate(
            ctx,
            reg,
            addresses,
            providers,
            {
                "kid": kid[c],
                "entry": entry[c],
                "via": child_via[c],
                "need": need[c],
                "family_episode": ids[pos[c]],
                "home_post": reg.fam_home[families[pos[c]]],
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
        # Number periods across passes so that episodes, reviews and missing episodes can be
        # tied to their period later.
        batch.periods["period"] = journeys.period_count + np.arange(c.size)
        batch.episodes["period"] = batch.episodes["period"] + journeys.period_count
        journeys.period_count += c.size
        journeys.periods.append(batch.periods)
        journeys.episodes.append(batch.episodes)
        journeys.adoptions.append(batch.adoptions)
        journeys.proceedings.append(batch.proceedings)

    # Nothing is left open behind the closure: assessments are completed and S47s concluded.
    again = concat(reassessments)
    again_end = (
        _family_max(again["authorised_date"], again["pos"], e)
        if again
        else np.full(e, NAT, dtype=DAY)
    )
    closure = np.where(
        np.isnat(closure), closure, latest(closure, np.where(nfa_k, NAT, a_end), again_end[pos])
    )
    # At 18 the child's case closes (transfer to adult services for some disabled young people).
    aged_out = np.isnat(closure) | (closure > b18)
    closure[aged_out] = b18[aged_out]
    reason[aged_out] = np.where(reg.disabilities[kid[aged_out]] != "NONE", "RC6", "RC7")
    reg.busy_until[kid] = np.where(closure > ctx.end, FAR, closure)

    _record(
        ctx,
        reg,
        journeys,
        pos,
        kid,
        ids,
        referral,
        source,
        route,
        nfa_k,
        need,
        closure,
        reason,
        a_start,
        a_end,
        dur,
        b18,
        s47_rows,
        cin_rows,
        cp_rows,
        review_rows,
        home_proceedings,
        reassessments,
        has_s47,
    )

    # Short breaks for disabled children on their CIN plan.
    if short.any() and cin_rows:
        rows = concat(cin_rows)
        sb = np.isin(rows["pos"], np.flatnonzero(short))
        owner = rows["pos"][sb]
        members = np.flatnonzero(np.isin(pos, owner))
        plan_of = {
            p: (s, en) for p, s, en in zip(owner, rows["start_date"][sb], rows["end_date"][sb])
        }
        starts = np.array([plan_of[pos[m]][0] for m in members], dtype=DAY)
        ends = np.array([plan_of[pos[m]][1] for m in members], dtype=DAY)
        journeys.episodes.append(
            care.short_breaks(ctx, kid[members], starts, np.minimum(ends, b18[members] - 1))
        )

    # When the family's episode ended (children in care do not hold the family back).
    return _family_max(np.where(enters, entry, closure), pos, e)


def _family_max(values: np.ndarray, pos: np.ndarray, e: int) -> np.ndarray:
    out = np.full(e, np.iinfo(np.int64).min)
    ok = ~np.isnat(values)
    np.maximum.at(out, pos[ok], values[ok].astype(np.int64))
    return np.where(out == np.iinfo(np.int64).min, NAT, out.astype(DAY))


def _cin_step(ctx, i, state, t, closed_at, via, cin_rows, s47_rows, reassessments):
    """A CIN plan: it closes, steps up to child protection, or the children come into care."""
    rng, cal, wd = ctx.rng, ctx.cal.cin_plan, ctx.workdays
    start = t[i]
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
    s47_rows.append(
        {
            "pos": i[up],
            "start_date": s[up],
            "icpc_date": conf[up],
            "resulted": np.ones(int(up.sum()), bool),
        }
    )
    # A fresh assessment starts with the enquiry (the first was completed before the CIN plan).
    again = draws.lognormal_int(rng, int(up.sum()), ctx.cal.assessment.duration_working_days)
    reassessments.append(
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
    cin_rows.append({"pos": i, "start_date": start, "end_date": end})
    close = nxt == "close"
    closed_at[i[close]] = wd.add(
        end[close], draws.lognormal_int(rng, int(close.sum()), cal.close_working_days_after_plan)
    )
    state[i[close]] = "CLOSED"
    state[i[up]], t[i[up]] = "CP", conf[up]
    state[i[into_care]], t[i[into_care]] = "CARE", end[into_care]
    via[i[into_care]] = "cin"
    return state, t, closed_at, via


def _cp_step(ctx, i, state, t, closed_at, via, cp_rows, review_rows, home_proceedings):
    """A CP plan: reviewed until it ends at a review conference (or earlier, into care), then
    steps down to a CIN plan, closes, or the children come into care."""
    rng, cal, wd = ctx.rng, ctx.cal.protection, ctx.workdays
    start = t[i]
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
    cp_rows.append(
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
    review_rows.append(
        {"pos": i[r_plan], "plan_start_date": start[r_plan], "review_date": reviews[r_plan, r_col]}
    )
    # Care proceedings issued while the children stay at home (pre-proceedings escalated).
    at_home = (nxt != "care") & draws.bernoulli(rng, i.size, ctx.cal.care.proceedings_at_home_share)
    issue = wd.roll(reviews[:, 0])
    weeks = draws.lognormal(rng, i.size, ctx.cal.care.proceedings_weeks)
    home_proceedings.append(
        {
            "pos": i[at_home],
            "issue_date": issue[at_home],
            "conclusion_date": issue[at_home]
            + (weeks[at_home] * 7).round().astype("timedelta64[D]"),
            "outcome": draws.choice(
                rng, int(at_home.sum()), ctx.cal.care.proceedings_at_home_outcome
            ),
        }
    )
    # Stepped down to a CIN plan from the next working day: the review conference that ended
    # the plan is then not "held during an open CIN plan" (the validator's rule 4003 matches
    # reviews to plans by plan number within the child, so a later plan could claim it).
    to_cin = nxt == "cin"
    state[i[to_cin]], t[i[to_cin]] = "CIN", wd.add(end[to_cin], 1)
    close = nxt == "close"
    closed_at[i[close]] = wd.add(
        end[close], draws.lognormal_int(rng, int(close.sum()), cal.close_working_days_after_plan)
    )
    state[i[close]] = "CLOSED"
    into_care = nxt == "care"
    state[i[into_care]], t[i[into_care]] = "CARE", end[into_care]
    via[i[into_care]] = "cp"
    return state, t, closed_at, via


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


def _explode(
    rows: list[Frame], pos: np.ndarray, kid: np.ndarray, b18: np.ndarray, closure: np.ndarray
) -> Frame:
    """Family-level rows (with `pos`) as one row per child of the family, clipped to the child's
    episode (nothing after the closure or the 18th birthday)."""
    frame = concat(rows)
    if not frame:
        return {}
    order = np.argsort(pos, kind="stable")
    counts = np.bincount(pos, minlength=int(max(pos.max(), frame["pos"].max())) + 1)
    starts = np.cumsum(counts) - counts
    rep = counts[frame["pos"]]
    row = np.repeat(np.arange(len(frame["pos"])), rep)
    offset = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
    child = order[starts[frame["pos"]][row] + offset]
    out = {k: v[row] for k, v in frame.items() if k != "pos"}
    out["child"] = child
    return out


def _record(
    ctx,
    reg,
    journeys,
    pos,
    kid,
    ids,
    referral,
    source,
    route,
    nfa_k,
    need,
    closure,
    reason,
    a_start,
    a_end,
    dur,
    b18,
    s47_rows,
    cin_rows,
    cp_rows,
    review_rows,
    home_proceedings,
    reassessments,
    has_s47,
):
    rng, cal, wd = ctx.rng, ctx.cal, ctx.workdays
    ref = referral[pos]
    censor = ctx.censor
    journeys.referrals.append(
        {
            "kid": kid,
            "family_episode": ids[pos],
            "referral_date": ref,
            "referral_source": source[pos],
            "referral_nfa": nfa_k,
            "primary_need_code": need,
            "closure_date": censor(closure),
            "closure_reason": np.where(closure > ctx.end, None, reason).astype(object),
            "route": route[pos],
        }
    )
    # Assessments (one per child unless no further action).
    a = np.flatnonzero(~nfa_k & (a_start <= ctx.end) & (a_start < b18))
    a_end_c = np.minimum(a_end[a], np.maximum(closure[a], a_start[a]))
    seen = np.minimum(
        wd.add(
            a_start[a], draws.lognormal_int(rng, a.size, cal.assessment.child_seen_working_days)
        ),
        a_end_c,
    )
    review = np.where(
        draws.bernoulli(rng, a.size, cal.assessment.internal_review_share) & (dur[a] > 10),
        wd.add(a_start[a], dur[a] // 2),
        NAT,
    )
    closed_no_support = route[pos][a] == "assessed_close"
    # "21" (no factors) only where no enquiry found concerns (8873Q needs RC8/RC9 with it).
    factors = _factors(ctx, closed_no_support & ~has_s47[pos][a], route[pos][a], a_end_c)
    journeys.assessments.append(
        {
            "kid": kid[a],
            "referral_date": ref[a],
            "start_date": a_start[a],
            "internal_review_date": censor(review),
            "authorised_date": censor(a_end_c),
            "factors": np.where(a_end_c > ctx.end, None, factors).astype(object),
            "child_seen_date": censor(seen),
            "further_support_needed": np.where(a_end_c > ctx.end, None, ~closed_no_support).astype(
                object
            ),
        }
    )
    again = _explode(reassessments, pos, kid, b18, closure)
    if again:
        c = again["child"]
        ok = (again["start_date"] <= np.minimum(closure[c], ctx.end)) & (
            again["start_date"] < b18[c]
        )
        again = {k: v[ok] for k, v in again.items()}
        c = again["child"]
        end = np.minimum(again["authorised_date"], closure[c])
        journeys.assessments.append(
            {
                "kid": kid[c],
                "referral_date": ref[c],
                "start_date": again["start_date"],
                "internal_review_date": np.full(len(c), NAT, dtype=DAY),
                "authorised_date": censor(end),
                "factors": np.where(
                    end > ctx.end, None, _factors(ctx, np.zeros(len(c), bool), route[pos][c], end)
                ).astype(object),
                "child_seen_date": censor(np.minimum(wd.add(again["start_date"], 1), end)),
                "further_support_needed": np.where(end > ctx.end, None, True).astype(object),
            }
        )
    # S47 enquiries.
    s47 = _explode(s47_rows, pos, kid, b18, closure)
    if s47:
        c = s47["child"]
        ok = (s47["start_date"] <= np.minimum(closure[c], ctx.end)) & (s47["start_date"] < b18[c])
        s47 = {k: v[ok] for k, v in s47.items()}
        c = s47["child"]
        icpc = s47["icpc_date"]
        held = ~np.isnat(icpc) & (icpc <= ctx.end) & (icpc <= closure[c])
        # Without a conference the enquiry is concluded as not needing one, once it is over.
        concluded = held | (closure[c] <= ctx.end) | (wd.add(s47["start_date"], 15) <= ctx.end)
        journeys.section47s.append(
            {
                "kid": kid[c],
                "referral_date": ref[c],
                "start_date": s47["start_date"],
                "icpc_target_date": protection.icpc_target(ctx, s47["start_date"]),
                "icpc_date": np.where(held, icpc, NAT),
                "icpc_not_required": ~held & concluded,
                "icpc_resulted_in_plan": np.where(held, s47["resulted"], None).astype(object),
            }
        )
    # CIN plans and CP plans, clipped to the child's episode and 18th birthday.
    for rows, target, extra in (
        (cin_rows, journeys.cin_plans, ()),
        (cp_rows, journeys.cp_plans, ("initial_category", "latest_category")),
    ):
        plans = _explode(rows, pos, kid, b18, closure)
        if not plans:
            continue
        c = plans["child"]
        stop = np.minimum(closure[c], b18[c])
        ok = (plans["start_date"] < stop) & (plans["start_date"] <= ctx.end)
        plans = {k: v[ok] for k, v in plans.items()}
        c = plans["child"]
        end = np.minimum(plans["end_date"], np.minimum(closure[c], b18[c]))
        frame = {
            "kid": kid[c],
            "referral_date": ref[c],
            "start_date": plans["start_date"],
            "end_date": censor(end),
        }
        for name in extra:
            frame[name] = plans[name]
        target.append(frame)
    reviews = _explode(review_rows, pos, kid, b18, closure)
    if reviews:
        c = reviews["child"]
        ok = (reviews["review_date"] <= np.minimum(closure[c], b18[c])) & (
            reviews["review_date"] <= ctx.end
        )
        journeys.cp_reviews.append(
            {
                "kid": kid[c][ok],
                "plan_start_date": reviews["plan_start_date"][ok],
                "review_date": reviews["review_date"][ok],
            }
        )
    home = _explode(home_proceedings, pos, kid, b18, closure)
    if home:
        c = home["child"]
        ok = (home["issue_date"] <= ctx.end) & (home["issue_date"] < b18[c])
        journeys.proceedings.append(
            {
                "kid": kid[c][ok],
                "family_episode": ids[pos][c][ok],
                "issue_date": home["issue_date"][ok],
                "conclusion_date": censor(np.minimum(home["conclusion_date"], b18[c]))[ok],
                "outcome": np.where(
                    home["conclusion_date"][ok] > ctx.end, None, home["outcome"][ok]
                ).astype(object),
            }
        )


def _factors(
    ctx: Context, closed: np.ndarray, route: np.ndarray, authorised: np.ndarray
) -> np.ndarray:
    """AssessmentFactors: "21" alone for some closed assessments (8869/8873Q), else at least one
    factor; codes not yet in use on the authorisation date are replaced by their predecessor."""
    rng, cal = ctx.rng, ctx.cal.assessment
    n = len(closed)
    codes = list(cal.factors)
    hits = rng.random((n, len(codes))) < np.array(list(cal.factors.values()))
    hits[~hits.any(axis=1), codes.index("20")] = True
    for code, valid_from in cal.factor_valid_from.items():
        early = hits[:, codes.index(code)] & (authorised < to_day(valid_from))
        hits[early, codes.index(code)] = False
        fallback = cal.factor_fallback[code]
        if fallback not in codes:
            codes.append(fallback)
            hits = np.column_stack([hits, np.zeros(n, dtype=bool)])
        hits[early, codes.index(fallback)] = True
    out = np.full(n, "", dtype=object)
    for j, code in enumerate(codes):
        out[hits[:, j]] = out[hits[:, j]] + (" " + code)
    out = np.array([s.strip() for s in out], dtype=object)
    out[route == "uasc"] = "9A"
    out[closed & (rng.random(n) < cal.no_factors_share_when_closed)] = "21"
    return out
