"""Where looked-after children live: the providers the authority uses and each child's sequence
of placements within a period of care.

A period's placements are built as segments: the placements a child moves through (first
placement by age, then moves drawn by age at the move, short-term foster and kinship placements
becoming long-term with the same carers), followed by the placement its route out of care needs
(adoptive placement, placed with parents, kinship carers who take a special guardianship order,
semi-independent living before 18), with occasional temporary placements (T codes) that return
to the same carers (903 rules 380-383). Each segment carries a carer key: segments with the same
key are the same carers (RNE T/U rather than P/B).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_scorecard.synth import draws
from csc_scorecard.synth.addresses import Addresses
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import to_day, years_between
from csc_scorecard.synth.records import Frame, concat, filled, strings

FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
KINSHIP = ("U1", "U2", "U3")
ADOPTIVE = ("A3", "A4", "A5", "A6")
TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
RESIDENTIAL = ("K1", "K2", "R1", "S1")
SEMI_INDEPENDENT = ("H5", "P2", "K3")
LONG_TERM = {"U6": "U4", "U3": "U1"}


def group(place: np.ndarray) -> np.ndarray:
    """Placement group used by leaving-care and missing-episode tables."""
    out = np.full(len(place), "other", dtype=object)
    out[np.isin(place, FOSTER)] = "foster"
    out[np.isin(place, RESIDENTIAL)] = "residential"
    out[np.isin(place, SEMI_INDEPENDENT)] = "semi_independent"
    return out


@dataclass
class Providers:
    """Ofsted-registered providers: (URN, provider code, postcode) per register."""

    la_fostering_urn: str
    ifa: Frame  # urn, provider
    own_homes: Frame  # urn, postcode
    private_homes: Frame  # urn, provider, postcode
    semi_independent: Frame  # urn, provider, postcode
    adoption: Frame  # urn, provider
    secure: Frame  # urn, postcode
    parent_child: Frame  # urn, postcode
    schools: Frame  # urn, provider, postcode

    @classmethod
    def create(cls, ctx: Context, addresses: Addresses) -> Providers:
        """Synthetic registers: Ofsted social care URNs are "SC" and six digits; residential
        special schools have a six-digit school URN."""
        rng, reg, share = ctx.rng, ctx.cal.placement.registers, ctx.cal.placement.in_area_share
        sizes = [1, reg.fostering_agencies, reg.own_homes, reg.private_homes, reg.private_homes]
        sizes += [reg.adoption_agencies, reg.other_providers, reg.other_providers]
        numbers = rng.choice(np.arange(10_000, 1_000_000), size=sum(sizes), replace=False)
        urns = iter(
            np.split(np.array([f"SC{n:06d}" for n in numbers], dtype=object), np.cumsum(sizes)[:-1])
        )
        schools = rng.choice(np.arange(100_000, 150_000), size=reg.other_providers, replace=False)
        return cls(
            la_fostering_urn=str(next(urns)[0]),
            ifa={
                "urn": next(urns),
                "provider": draws.choice(rng, reg.fostering_agencies, reg.ifa_provider),
            },
            own_homes={"urn": next(urns), "postcode": addresses.in_area(rng, reg.own_homes)},
            private_homes={
                "urn": next(urns),
                "provider": draws.choice(rng, reg.private_homes, reg.private_home_provider),
                "postcode": addresses.mixed(rng, reg.private_homes, share["private_home"]),
            },
            semi_independent={
                "urn": next(urns),
                "provider": np.full(reg.private_homes, "PR4", dtype=object),
                "postcode": addresses.mixed(rng, reg.private_homes, share["semi_independent"]),
            },
            adoption={
                "urn": next(urns),
                "provider": np.resize(
                    np.array(reg.adoption_agency_provider, dtype=object), reg.adoption_agencies
                ),
            },
            secure={"urn": next(urns), "postcode": addresses.elsewhere(rng, reg.other_providers)},
            parent_child={
                "urn": next(urns),
                "postcode": addresses.elsewhere(rng, reg.other_providers),
            },
            schools={
                "urn": np.array([f"{n:06d}" for n in schools], dtype=object),
                "provider": draws.choice(rng, reg.other_providers, reg.school_provider),
                "postcode": addresses.elsewhere(rng, reg.other_providers),
            },
        )


@dataclass
class Plan:
    """What a period of care needs from its placements (one element per period)."""

    entry: np.ndarray
    stop: np.ndarray  # exit date, or the day after the extract date while still in care
    dob: np.ndarray
    first_type: np.ndarray  # first placement (None: drawn by age)
    final_start: np.ndarray  # start of the placement the route out of care needs (NaT: none)
    final_type: np.ndarray
    final_same_carer: np.ndarray  # the final placement is with the carers of the one before
    single: np.ndarray  # one placement until the final one (foster to adopt, remands)
    no_temporary_near: list[np.ndarray]  # per period, dates a temporary move must not span


def segments(ctx: Context, plan: Plan) -> Frame:
    """Placement segments of every period: period, start, end, place, carer, after_temporary."""
    rng, cal = ctx.rng, ctx.cal.placement
    n = len(plan.entry)
    limit = np.where(np.isnat(plan.final_start), plan.stop, plan.final_start)
    first_type = plan.first_type.copy()
    none = np.array([t is None for t in first_type])
    age0 = years_between(plan.dob, plan.entry)
    first_type[none] = draws.choice_by_group(
        rng, draws.band(age0[none], draws.band_keys(cal.first)), cal.first
    )
    regular, carer_counter = _regular(ctx, plan, limit, first_type)
    final, carer_counter = _final(plan, regular, n, carer_counter)
    out = concat([regular, final])
    order = np.lexsort((out["start"], out["period"]))
    out = {k: v[order] for k, v in out.items()}
    out = _foster_before_adoption(out)
    out, carer_counter = _temporary(ctx, out, plan, carer_counter)
    out["place"] = _valid_for_date(ctx, out["place"], out["start"])
    return out


def _regular(
    ctx: Context, plan: Plan, limit: np.ndarray, first_type: np.ndarray
) -> tuple[Frame, int]:
    """Placements one after another until `limit` (the final placement or the period's end):
    spells of the calibrated length, short-term ones that last becoming long-term with the same
    carers. Returns the segments and the next carer number."""
    rng, cal = ctx.rng, ctx.cal.placement
    rows: list[Frame] = []
    carer_counter = 0
    active = np.flatnonzero(limit > plan.entry)
    current = first_type[active]
    seg_start = plan.entry[active]
    carer = np.arange(carer_counter, carer_counter + len(active))
    carer_counter += len(active)
    for _ in range(60):
        if not len(active):
            break
        length = np.zeros(len(active), dtype=np.int64)
        for place, spec in cal.spell_days.items():
            where = current == place
            if where.any():
                length[where] = draws.lognormal_int(rng, int(where.sum()), spec)
        unknown = ~np.isin(current, list(cal.spell_days))
        length[unknown] = draws.lognormal_int(rng, int(unknown.sum()), cal.spell_days["U6"])
        length = np.where(plan.single[active], 10**6, length)
        seg_end = seg_start + length.astype("timedelta64[D]")
        # Short-term foster and kinship placements that last become long-term (same carers).
        conv_at = (
            seg_start
            + cal.long_term_after_days
            + rng.integers(0, cal.long_term_jitter_days, len(active)).astype("timedelta64[D]")
        )
        conv_p = np.array([cal.long_term_conversion.get(t, 0.0) for t in current])
        converts = (
            (rng.random(len(active)) < conv_p)
            & (seg_end > conv_at)
            & (conv_at < limit[active] - 30)
        )
        converts &= ~plan.single[active]
        seg_end = np.where(converts, conv_at, seg_end)
        last = seg_end >= limit[active]
        seg_end = np.minimum(seg_end, limit[active])
        rows.append(
            {"period": active, "start": seg_start, "end": seg_end, "place": current, "carer": carer}
        )
        keep = ~last
        nxt_age = years_between(plan.dob[active[keep]], seg_end[keep])
        moved = draws.choice_by_group(rng, draws.band(nxt_age, draws.band_keys(cal.next)), cal.next)
        conv_keep = converts[keep]
        nxt_type = np.where(
            conv_keep, np.array([LONG_TERM.get(t, t) for t in current[keep]], dtype=object), moved
        )
        new_carer = np.arange(carer_counter, carer_counter + int(keep.sum()))
        carer_counter += int(keep.sum())
        carer = np.where(conv_keep, carer[keep], new_carer)
        active, current, seg_start = active[keep], nxt_type, seg_end[keep]
    return concat(rows), carer_counter


def _final(plan: Plan, regular: Frame, n: int, carer_counter: int) -> tuple[Frame, int]:
    """The placement the route out of care needs (with the last carers where it says so)."""
    has_final = ~np.isnat(plan.final_start) & (plan.final_start < plan.stop)
    fin = np.flatnonzero(has_final)
    last_carer = _last_carer(regular, n)
    final = {
        "period": fin,
        "start": plan.final_start[fin],
        "end": plan.stop[fin],
        "place": plan.final_type[fin],
        "carer": np.where(
            plan.final_same_carer[fin] & (last_carer[fin] >= 0),
            last_carer[fin],
            carer_counter + np.arange(len(fin)),
        ),
    }
    carer_counter += len(fin)
    return final, carer_counter


def _last_carer(regular: Frame, n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    if regular:
        order = np.lexsort((regular["start"], regular["period"]))
        out[regular["period"][order]] = regular["carer"][order]  # later rows overwrite earlier
    return out


def _foster_before_adoption(seg: Frame) -> Frame:
    """An adoptive placement follows a foster placement (903 rule 336)."""
    place = seg["place"].copy()
    is_adoptive = np.isin(place, ADOPTIVE)
    prev = np.flatnonzero(is_adoptive[1:]) if len(place) > 1 else np.array([], dtype=np.int64)
    same_period = seg["period"][prev] == seg["period"][prev + 1]
    fix = prev[same_period & ~np.isin(place[prev], FOSTER)]
    place[fix] = "U6"
    seg["place"] = place
    return seg


def _temporary(ctx: Context, seg: Frame, plan: Plan, carer_counter: int) -> tuple[Frame, int]:
    """Split some foster placements around a short temporary move (carer's holiday T3, hospital
    T1, other T4) that returns to the same carers; never at the start or end of a period."""
    rng, cal = ctx.rng, ctx.cal.placement
    n = len(seg["start"])
    length = (seg["end"] - seg["start"]).astype(np.int64)
    candidate = (
        np.isin(seg["place"], FOSTER) & (length > 70) & (seg["end"] < plan.stop[seg["period"]])
    )
    kind = np.full(n, None, dtype=object)
    t_days = np.zeros(n, dtype=np.int64)
    u = rng.random(n)
    edge = 0.0
    for code, spec in cal.temporary.items():
        chosen = candidate & (u >= edge) & (u < edge + spec.share)
        kind[chosen] = code
        t_days[chosen] = draws.lognormal_int(rng, int(chosen.sum()), spec.days)
        edge += spec.share
    offset = np.floor(rng.random(n) * np.maximum(length - 40 - t_days, 1)).astype(np.int64) + 20
    t_start = seg["start"] + offset.astype("timedelta64[D]")
    t_end = t_start + t_days.astype("timedelta64[D]")
    picked = np.flatnonzero(filled(kind) & (t_end < seg["end"] - 10))
    # A legal status change must not fall inside a temporary move (rule 383 wants RNE P back).
    ok = np.array(
        [
            not np.any(
                (plan.no_temporary_near[seg["period"][i]] >= t_start[i])
                & (plan.no_temporary_near[seg["period"][i]] <= t_end[i])
            )
            for i in picked
        ],
        dtype=bool,
    )
    picked = picked[ok] if len(picked) else picked
    if not len(picked):
        seg["after_temporary"] = np.zeros(n, dtype=bool)
        return seg, carer_counter
    before = {k: v.copy() for k, v in seg.items()}
    before["end"][picked] = t_start[picked]
    temp = {
        "period": seg["period"][picked],
        "start": t_start[picked],
        "end": t_end[picked],
        "place": kind[picked],
        "carer": carer_counter + np.arange(len(picked)),
    }
    carer_counter += len(picked)
    back = {k: v[picked] for k, v in seg.items()}
    back["start"] = t_end[picked]
    for frame, flag in ((before, False), (temp, False), (back, True)):
        frame["after_temporary"] = np.full(len(frame["start"]), flag)
    out = concat([before, temp, back])
    order = np.lexsort((out["start"], out["period"]))
    return {k: v[order] for k, v in out.items()}, carer_counter


def _valid_for_date(ctx: Context, place: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Placement codes retired over the years are replaced for placements starting later
    (P2 invalid from 28 October 2023; H5 becomes K3 from 2024-25)."""
    out = place.copy()
    # Twice, so that a replacement that was itself retired later is replaced too (P2 -> H5 -> K3).
    for _ in range(2):
        for code, (from_date, replacement) in ctx.cal.placement.replaced_from.items():
            out[(out == code) & (start >= to_day(from_date))] = replacement
    return out


def attributes(
    ctx: Context, seg: Frame, providers: Providers, addresses: Addresses, home: np.ndarray
) -> Frame:
    """Provider, URN and placement postcode of each segment. The same carers keep their
    address and, within one kind of placement, their provider and URN, so that a change of
    placement with the same carers (RNE T/U) changes only the placement type."""
    rng, cal = ctx.rng, ctx.cal.placement
    place, carer = seg["place"], seg["carer"]
    provider, urn, post = _providers(ctx, place, carer, providers)
    post = np.where(filled(post), post, _carer_addresses(ctx, place, carer, provider, addresses))

    # Placed with parents: the home address (PR0, no URN).
    p1 = place == "P1"
    post[p1] = home[p1]
    # Temporary moves have no provider (rule 213) and no URN.
    temp = np.isin(place, TEMPORARY)
    provider[temp] = None
    # URNs only where the placement type needs one (218/222); H5 placements still running on
    # 29 October 2023 need one from then (rule 230), so the record holds the provider's URN.
    exempt = np.isin(place, cal.urn_exempt)
    for code, from_date in cal.urn_required_from.items():
        exempt &= ~((place == code) & (seg["end"] > to_day(from_date)))
    urn[exempt] = None
    # Own provision that is not fostering or adoption is in the area (rule 1015).
    own_other = (provider == "PR1") & ~np.isin(place, FOSTER + ADOPTIVE) & ~temp
    bad = np.flatnonzero(own_other & (addresses.location(post) != "IN"))
    post[bad] = addresses.in_area(rng, len(bad))
    # Home and placement postcodes differ unless placed with parents (rule 392d).
    clash = np.flatnonzero((post == home) & ~p1 & filled(home))
    post[clash] = addresses.in_area(rng, len(clash))
    _distinguish_moves(rng, seg, provider, urn, post, providers, addresses)
    return {"place_provider": provider, "urn": urn, "pl_post": post}


def _providers(
    ctx: Context, place: np.ndarray, carer: np.ndarray, providers: Providers
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Provider, URN and (for homes) postcode per carer and kind of placement, for each
    segment."""
    rng, cal = ctx.rng, ctx.cal.placement
    kind = np.where(
        np.isin(place, FOSTER), "foster", np.where(np.isin(place, ADOPTIVE), "adoption", place)
    )
    key = carer.astype(np.int64) * 64 + np.unique(kind, return_inverse=True)[1]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    k_place = place[first]
    k_provider = strings(len(first))
    for code, shares in cal.provider.items():
        where = k_place == code
        k_provider[where] = draws.choice(rng, int(where.sum()), shares)
    k_urn, k_post = strings(len(first)), strings(len(first))
    foster = np.isin(k_place, FOSTER)
    k_urn[foster & (k_provider == "PR1")] = providers.la_fostering_urn
    ifa = np.flatnonzero(foster & np.isin(k_provider, ("PR4", "PR5")))
    k_urn[ifa] = providers.ifa["urn"][_pick(rng, providers.ifa, len(ifa), k_provider[ifa])]
    own = k_provider == "PR1"
    for where, register, by_provider in (
        ((k_place == "K2") & own, providers.own_homes, False),
        ((k_place == "K2") & ~own, providers.private_homes, True),
        (np.isin(k_place, SEMI_INDEPENDENT) & own, providers.own_homes, False),
        (np.isin(k_place, SEMI_INDEPENDENT) & ~own, providers.semi_independent, True),
        (np.isin(k_place, ADOPTIVE), providers.adoption, True),
        (k_place == "K1", providers.secure, False),
        (k_place == "R3", providers.parent_child, False),
        (k_place == "S1", providers.schools, True),
    ):
        idx = np.flatnonzero(where)
        row = _pick(rng, register, len(idx), k_provider[idx] if by_provider else None)
        k_urn[idx] = register["urn"][row]
        if "postcode" in register:
            k_post[idx] = register["postcode"][row]
        if by_provider and "provider" in register:
            k_provider[idx] = register["provider"][row]
    return k_provider[inverse], k_urn[inverse], k_post[inverse]


def _carer_addresses(
    ctx: Context, place: np.ndarray, carer: np.ndarray, provider: np.ndarray, addresses: Addresses
) -> np.ndarray:
    """Carers' own addresses (foster carers, kinship carers, adopters, respite carers): one per
    carer, in or near the area as the calibration says for the kind of carer; per segment."""
    rng, share = ctx.rng, ctx.cal.placement.in_area_share
    carers, first_seen, which = np.unique(carer, return_index=True, return_inverse=True)
    c_place, c_provider = place[first_seen], provider[first_seen]
    in_area = np.where(
        np.isin(c_place, KINSHIP),
        share["kinship"],
        np.where(
            np.isin(c_place, FOSTER) & (c_provider == "PR1"),
            share["own_foster"],
            share["ifa_foster"],
        ),
    )
    inside = rng.random(len(carers)) < in_area
    carer_post = addresses.elsewhere(rng, len(carers))
    carer_post[inside] = addresses.in_area(rng, int(inside.sum()))
    return carer_post[which]


def _pick(
    rng: np.random.Generator, register: Frame, n: int, provider: np.ndarray | None = None
) -> np.ndarray:
    """`n` random rows of a register, of the provider type wanted where the register has one."""
    rows = rng.integers(len(register["urn"]), size=n)
    if provider is not None and "provider" in register:
        for code in np.unique(provider[filled(provider)]):
            want = provider == code
            pool = np.flatnonzero(register["provider"] == code)
            if pool.size:
                rows[want] = rng.choice(pool, size=int(want.sum()))
    return rows


def _distinguish_moves(
    rng, seg: Frame, provider, urn, post, providers: Providers, addresses: Addresses
) -> None:
    """A move to other carers must show in the placement details (rule 435): two homes drawn
    from one register can coincide, so such a move goes to another home of the register."""
    place, carer, period = seg["place"], seg["carer"], seg["period"]
    moved = np.r_[False, (period[1:] == period[:-1]) & (carer[1:] != carer[:-1])]
    same = (
        (place[1:] == place[:-1])
        & (provider[1:] == provider[:-1])
        & (urn[1:] == urn[:-1])
        & (post[1:] == post[:-1])
    )
    registers = {"K1": providers.secure, "R3": providers.parent_child, "S1": providers.schools}
    for i in np.flatnonzero(moved & np.r_[False, same]):
        register = registers.get(place[i])
        if place[i] == "K2" or place[i] in SEMI_INDEPENDENT:
            register = (
                providers.own_homes
                if provider[i] == "PR1"
                else (providers.private_homes if place[i] == "K2" else providers.semi_independent)
            )
        if register is not None and urn[i] is not None and len(register["urn"]) > 1:
            j = rng.choice(np.flatnonzero(register["urn"] != urn[i]))
            urn[i], post[i] = register["urn"][j], register["postcode"][j]
        else:
            post[i] = addresses.in_area(rng, 1)[0]
