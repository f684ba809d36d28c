"""Periods of care and their SSDA903 episodes.

For each child coming into care the simulation decides, from the child's age and how they came
into care, the route out (home, adoption, special guardianship, child arrangements order, care
until 18, other) and when; the legal statuses on the way (police protection or an emergency
protection order for a few days, section 20 accommodation, interim care order while care
proceedings run, then a full care order or placement order at the final hearing); and the
placements (`placements.py`). A new 903 episode starts whenever the legal status or the
placement changes, with RNE saying which (L, P, T, B, U; S for the start), the episode before
ending X1 (standards.md 1.3; 903 rules 142, 355, 433-436). The route out sets REC on the last
episode; adoption milestones (ADM decision, placement order, match, placement, order) come from
`adoption.py` and care proceedings from the legal-status path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_scorecard.synth import adoption, draws, legal_path, placements
from csc_scorecard.synth.addresses import Addresses
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, NAT, add_years
from csc_scorecard.synth.placements import ADOPTIVE, FOSTER, KINSHIP, TEMPORARY, Providers
from csc_scorecard.synth.population import Registry
from csc_scorecard.synth.records import Frame, filled, strings

# Closure of the child's CIN episode when care ends (CIN ReasonForClosure, standards.md 2.2).
CIN_CLOSURE = {"E11": "RC1", "E12": "RC1", "E2": "RC2", "E41": "RC3", "E45": "RC4", "E46": "RC4",
               "E47": "RC4", "E48": "RC4", "E3": "RC5", "E7": "RC6"}  # fmt: skip
# Children who leave the family's household for good when they leave care this way (adopted,
# living with guardians, moved to another authority or abroad, died, found to be adults).
LEAVES_FAMILY = ("E11", "E12", "E41", "E45", "E46", "E47", "E48", "E3", "E16", "E2", "E15")
# Going home: the CIN episode stays open for a while after care ends.
HOME_ROUTE_REC = ("E4A", "E4B", "E13")


@dataclass
class CareBatch:
    periods: Frame  # kid, entry, exit (as it will happen), rec (None while open), route, ...
    episodes: Frame
    adoptions: Frame
    proceedings: Frame


def simulate(
    ctx: Context, reg: Registry, addresses: Addresses, providers: Providers, entries: Frame
) -> CareBatch:
    """Periods of care for `entries` (kid, entry, via, need, family_episode, home_post)."""
    kid = entries["kid"]
    p = legal_path.Period(entry=entries["entry"], via=entries["via"], dob=reg.dob[kid])
    ls_events = legal_path.plan(ctx, p)
    seg = placements.segments(ctx, _placement_plan(ctx, p, ls_events))
    home_post = entries["home_post"]
    seg.update(placements.attributes(ctx, seg, providers, addresses, home_post[seg["period"]]))
    # REC from the route and the last placement.
    last_place = _last_of(seg, "place", p.n)
    rec = _reasons(ctx, p.route, last_place, p.age, p.exit, p.adopt_plan)
    episodes = _episodes(ctx, entries, ls_events, seg, p.exit, rec, addresses)
    cin_closure, cin_reason = _cin_closure(ctx, p, rec)
    inside = p.in_proceedings
    periods = {
        "kid": kid,
        "entry": p.entry,
        "exit": p.exit,
        "rec": rec,
        "route": p.route,
        "via": p.via,
        "cin_closure": cin_closure,
        "cin_reason": cin_reason,
        "leaves_family": np.isin(rec, LEAVES_FAMILY),
        "family_episode": entries["family_episode"],
    }
    proceedings = {
        "kid": kid[inside],
        "family_episode": entries["family_episode"][inside],
        "issue_date": p.issue[inside],
        "conclusion_date": p.concluded[inside],
        "outcome": p.outcome[inside],
    }
    adoptions = adoption.rows(ctx, kid, p.entry, p.adopt, p.adopt_plan, rec)
    return CareBatch(
        periods=periods, episodes=episodes, adoptions=adoptions, proceedings=proceedings
    )


def _cin_closure(ctx: Context, p: legal_path.Period, rec: np.ndarray) -> tuple[np.ndarray, ...]:
    """The child's CIN episode closes when care ends (after a while at home for routes home)."""
    cin_closure = p.exit.copy()
    home_route = np.isin(rec, HOME_ROUTE_REC)
    cin_closure[home_route] = p.exit[home_route] + draws.days(
        ctx.rng, int(home_route.sum()), ctx.cal.care.cin_after_home_days
    )
    cin_closure = np.minimum(cin_closure, p.b18)
    cin_reason = np.array(
        [CIN_CLOSURE.get(r, "RC7") if r is not None else None for r in rec], dtype=object
    )
    return cin_closure, cin_reason


def _placement_plan(ctx: Context, p: legal_path.Period, ls_events: Frame) -> placements.Plan:
    """What each period needs from its placements: the first placement where the way in
    decides it, and the final placement the route out needs."""
    rng, pc = ctx.rng, ctx.cal.placement
    n, via, route, exit_, entry = p.n, p.via, p.route, p.exit, p.entry
    first = strings(n)
    uasc = via == "uasc"
    first[uasc] = draws.choice_by_group(
        rng, draws.band(p.age[uasc], draws.band_keys(pc.uasc_first)), pc.uasc_first
    )
    remand = via == "remand"
    first[remand] = draws.choice(rng, int(remand.sum()), pc.remand_first)
    final_start = np.full(n, NAT, dtype=DAY)
    final_type = strings(n)
    same = np.zeros(n, dtype=bool)
    single = remand.copy()

    # Adoption: foster to adopt (U5 then A5/A3 with the same carers) or foster then A6/A4.
    adopted, plan_ = p.adopted, p.adopt_plan
    ffa = adopted & plan_.foster_to_adopt
    first[ffa] = "U5"
    single |= ffa
    final_start[adopted] = plan_.placed[adopted]
    final_type[adopted] = np.where(
        p.consent[adopted], np.where(ffa[adopted], "A3", "A4"), np.where(ffa[adopted], "A5", "A6")
    )
    same[ffa] = True
    # Placed with parents under a care order before discharge (PLACE P1, never under s20).
    p1_start = p.placed_with_parents
    p1 = ~np.isnat(p1_start) & (p1_start < exit_)
    final_start[p1] = p1_start[p1]
    final_type[p1] = "P1"
    # Special guardianship and child arrangements orders often go to kinship carers.
    for name, share in (("sgo", pc.sgo_kinship_share), ("cao", pc.cao_kinship_share)):
        kin = (route == name) & ~p1 & draws.bernoulli(rng, n, share)
        start_kin = exit_ - draws.days(rng, n, pc.sgo_kinship_days)
        whole = kin & (start_kin <= entry + 7)
        first[whole & ~filled(first)] = "U3"
        part = kin & ~whole
        final_start[part] = start_kin[part]
        final_type[part] = "U3"
    # Young people stepping down to semi-independent living before 18.
    b16, b18 = add_years(p.dob, 16), p.b18
    step = (route == "to18") & ~uasc & ~remand & draws.bernoulli(rng, n, pc.to18_step_down_share)
    step_at = b18 - draws.days(rng, n, pc.to18_step_down_days_before_18)
    step_at = np.maximum(step_at, np.maximum(b16, entry + 30))
    step &= step_at < b18 - 14
    final_start[step] = step_at[step]
    final_type[step] = draws.choice(rng, int(step.sum()), pc.to18_step_down_to)
    return placements.Plan(
        entry=entry,
        stop=np.where(exit_ > ctx.end, ctx.end + 1, exit_),
        dob=p.dob,
        first_type=first,
        final_start=final_start,
        final_type=final_type,
        final_same_carer=same,
        single=single,
        no_temporary_near=_status_changes(ls_events, n),
    )


def _status_changes(ls_events: Frame, n: int) -> list[np.ndarray]:
    """Dates a temporary move must not span: every legal status change, per period."""
    per_period = [np.array([], dtype=DAY)] * n
    if len(ls_events["i"]):
        splits = np.flatnonzero(np.diff(ls_events["i"])) + 1
        for idx, dates in zip(
            np.split(ls_events["i"], splits), np.split(ls_events["date"], splits)
        ):
            per_period[idx[0]] = dates
    return per_period


def _last_of(seg: Frame, column: str, n: int) -> np.ndarray:
    out = strings(n)
    out[seg["period"]] = seg[column]  # segments are sorted by period then start
    return out


def _reasons(ctx, route, last_place, age, exit_, adopt_plan) -> np.ndarray:
    """REC of the last episode from the route out of care and the placement held."""
    rng, cal = ctx.rng, ctx.cal.care
    n = len(route)
    rec = strings(n)
    home = route == "home"
    rec[home] = draws.choice(rng, int(home.sum()), cal.home_rec)
    adopted = (route == "adoption") & ~adopt_plan.reversed
    rec[adopted] = np.where(
        draws.bernoulli(rng, n, ctx.cal.adoption.unopposed_share)[adopted], "E11", "E12"
    )
    rec[route == "cao"] = "E41"
    sgo = np.flatnonzero(route == "sgo")
    kin = np.isin(last_place[sgo], KINSHIP)
    foster = np.isin(last_place[sgo], FOSTER) & ~kin
    rec[sgo] = np.where(
        kin,
        "E45",
        np.where(
            foster,
            draws.choice(rng, len(sgo), cal.sgo_foster_rec),
            draws.choice(rng, len(sgo), cal.sgo_other_rec),
        ),
    )
    to18 = np.flatnonzero(route == "to18")
    grp = placements.group(last_place[to18])
    rec[to18] = draws.choice_by_group(rng, grp, cal.to18_rec)
    other = np.flatnonzero(route == "other")
    rec[other] = draws.choice(rng, len(other), cal.other_rec)
    # Custody is for young people (rule 372 sets 10; younger ones leave for "other reasons").
    young = other[(age[other] < 12) & (rec[other] == "E9")]
    rec[young] = "E8"
    remand = np.flatnonzero(route == "remand")
    rec[remand] = draws.choice(rng, len(remand), cal.remand_rec)
    rec[route == "disputed"] = "E15"
    rec[np.isnat(exit_) | (exit_ > ctx.end)] = None
    return rec


def _episodes(ctx, entries, ls_events, seg, exit_, rec, addresses) -> Frame:
    """Merge legal-status and placement changes into 903 episodes (one per change date)."""
    e_period, e_date, e_ls, e_seg = _change_dates(ls_events, seg, exit_)
    m = len(e_period)

    first = np.r_[True, e_period[1:] != e_period[:-1]]
    carer = seg["carer"][e_seg]
    place = seg["place"][e_seg]
    prev = np.r_[0, np.arange(m - 1)]
    ls_changed = ~first & (e_ls != e_ls[prev])
    pl_changed = ~first & (e_seg != e_seg[prev])
    same_carer = carer == carer[prev]
    after_temp = seg["after_temporary"][e_seg]
    into_temp = np.isin(place, TEMPORARY)
    rne = np.full(m, "S", dtype=object)
    both = ls_changed & pl_changed
    rne[both] = np.where(same_carer[both] & ~after_temp[both], "U", "B")
    only_pl = ~ls_changed & pl_changed
    rne[only_pl] = np.where(
        same_carer[only_pl] & ~after_temp[only_pl] & ~into_temp[only_pl], "T", "P"
    )
    rne[ls_changed & ~pl_changed] = "L"
    # A change event that changes nothing (same status, same placement) is no new episode.
    keep = first | ls_changed | pl_changed
    e_period, e_date, e_ls, e_seg, rne, place = (
        a[keep] for a in (e_period, e_date, e_ls, e_seg, rne, place)
    )
    m = len(e_period)
    last = np.r_[e_period[1:] != e_period[:-1], True]
    dec = np.empty(m, dtype=DAY)
    dec[:-1] = e_date[1:]
    dec[last] = exit_[e_period[last]]

    e_rec = np.full(m, "X1", dtype=object)
    e_rec[last] = rec[e_period[last]]
    # Reason for placement change on an episode ending X1 before a placement change that is not
    # temporary (rule 225); conversions with the same carers are "PLACE" (status of placement).
    nxt_rne = np.r_[rne[1:], None]
    nxt_place = np.r_[place[1:], None]
    moving = (
        ~last
        & np.isin(nxt_rne, ("P", "B", "T", "U"))
        & ~np.isin(place, TEMPORARY)
        & ~np.isin(nxt_place, TEMPORARY)
    )
    reason = strings(m)
    reason[moving] = draws.choice(ctx.rng, int(moving.sum()), ctx.cal.placement.reason_place_change)
    same = moving & np.isin(nxt_rne, ("T", "U"))
    reason[same] = "PLACE"
    to_adoptive = moving & np.isin(nxt_place, ADOPTIVE + ("P1",))
    reason[to_adoptive] = "CARPL"

    kid = entries["kid"][e_period]
    home_post = entries["home_post"][e_period]
    pl_post = seg["pl_post"][e_seg]
    return {
        "kid": kid,
        "period": e_period,
        "decom": e_date,
        "rne": rne,
        "ls": e_ls,
        "cin": _category_of_need(entries["need"])[e_period],
        "place": place,
        "place_provider": seg["place_provider"][e_seg],
        "dec": dec,
        "rec": e_rec,
        "reason_place_change": reason,
        "home_post": home_post,
        "pl_post": pl_post,
        "urn": seg["urn"][e_seg],
        "pl_location": addresses.location(pl_post),
        "carer": seg["carer"][e_seg],
    }


def _change_dates(
    ls_events: Frame, seg: Frame, exit_: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every date a period's legal status or placement changes, with the status and placement
    segment in force from it (period, date, legal status, segment index)."""
    # Events: legal status (kind 0) and placement (kind 1); placements within [entry, exit).
    seg_ok = seg["start"] < exit_[seg["period"]]
    s_idx = np.flatnonzero(seg_ok)
    period = np.concatenate([ls_events["i"], seg["period"][s_idx]])
    date = np.concatenate([ls_events["date"], seg["start"][s_idx]])
    kind = np.concatenate([np.zeros(len(ls_events["i"]), np.int64), np.ones(len(s_idx), np.int64)])
    ref = np.concatenate([np.arange(len(ls_events["i"])), s_idx])
    order = np.lexsort((kind, date, period))
    period, date, kind, ref = period[order], date[order], kind[order], ref[order]
    # Forward-fill the legal status and placement in force at each event.
    pos = np.arange(len(period))
    new_period = np.r_[True, period[1:] != period[:-1]]
    ls_pos = np.where(kind == 0, pos, -1)
    pl_pos = np.where(kind == 1, pos, -1)
    group_start = np.maximum.accumulate(np.where(new_period, pos, 0))
    ls_last = np.maximum.accumulate(ls_pos)
    pl_last = np.maximum.accumulate(pl_pos)
    ls_last = np.where(ls_last >= group_start, ls_last, -1)
    pl_last = np.where(pl_last >= group_start, pl_last, -1)
    # One episode per (period, date): keep the last event of each date.
    last_of_date = np.r_[(period[1:] != period[:-1]) | (date[1:] != date[:-1]), True]
    keep = last_of_date & (ls_last >= 0) & (pl_last >= 0)
    e_period, e_date = period[keep], date[keep]
    e_ls = ls_events["ls"][ref[ls_last[keep]]]
    e_seg = ref[pl_last[keep]]
    return e_period, e_date, e_ls, e_seg


def _category_of_need(need: np.ndarray) -> np.ndarray:
    """903 CIN (N1-N8) from the CIN census primary need; N0/N9/blank become N1 (abuse or
    neglect), the usual reason for coming into care."""
    out = need.copy()
    out[~np.isin(out, ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8"))] = "N1"
    return out


def short_breaks(
    ctx: Context, kids: np.ndarray, plan_start: np.ndarray, plan_end: np.ndarray
) -> Frame:
    """Series of short breaks (LS V3): each break its own period of 2-4 nights, RNE S, in the
    authority's own short-break unit, recorded without postcodes or URN (rules 365-367, 384,
    398, 214, 426). The unit is coded R1 (a registered care home), a placement type that needs
    no URN, since the validator's rule 218 would otherwise ask for the URN that 214 forbids."""
    rng, cal = ctx.rng, ctx.cal.care
    stop = np.where(np.isnat(plan_end), ctx.end, plan_end)
    span = (stop - plan_start).astype(np.int64)
    count = np.maximum(span // 30, 0) + 1
    owner = np.repeat(np.arange(len(kids)), count)
    gaps = draws.lognormal_int(rng, len(owner), cal.short_break_every_days)
    cum = np.cumsum(gaps)
    cum -= np.repeat(cum[np.cumsum(count) - count], count)
    start = plan_start[owner] + (cum + rng.integers(7, 20, len(owner))).astype("timedelta64[D]")
    nights = draws.choice_int(rng, len(owner), cal.short_break_nights)
    end = start + nights.astype("timedelta64[D]")
    # A break running over the extract date would be open in the return (and read as longer
    # than 17 days, rule 365): breaks are recorded once they are over.
    ok = (end < stop[owner]) & (end <= ctx.end)
    owner, start, end = owner[ok], start[ok], end[ok]
    m = len(owner)
    return {
        "kid": kids[owner],
        "period": np.full(m, -1, dtype=np.int64),
        "decom": start,
        "rne": strings(m, "S"),
        "ls": strings(m, "V3"),
        "cin": strings(m, "N2"),
        "place": strings(m, "R1"),
        "place_provider": strings(m, "PR1"),
        "dec": end,
        "rec": strings(m, "E4A"),
        "reason_place_change": strings(m),
        "home_post": strings(m),
        "pl_post": strings(m),
        "urn": strings(m),
        "pl_location": strings(m),
        "carer": np.full(m, -1, dtype=np.int64),
    }
