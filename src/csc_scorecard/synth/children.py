"""The synthetic authority's children: journeys from contact to leaving care, as canonical tables.

`simulate(config)` is deterministic for a given `SynthConfig` (one `numpy.random.Generator`
seeded from `config.seed`) and scales with `config.size` (1.0 is calibrated on the seed report's
authority, `children.yaml`). It simulates from a burn-in before `first_year` so that stocks
(children in care, open episodes, care leavers) are settled, keeps the records that touch the
period from a year before `first_year` to the extract date, and returns the data columns of the
canonical tables (`model/tables.yaml`):

children, contacts, early_help_episodes, referrals, assessments, section47s, cin_plans,
cp_plans, cp_reviews, cp_visits, cla_episodes, cla_reviews, missing_episodes, cla_health,
previous_permanence, care_leavers, care_leaver_plans, adoptions, court_proceedings,
permanence_plans (the authority's permanence tracker, a template), child_families (the family of
every child the authority knows, a template).

Steps: `population` (families and children) -> `referrals` (episodes of need, plans and
`care` periods with `placements` and `adoption`) -> `contacts`, `protection.visits`,
`looked_after`, `leaving_care`, `courts` -> `identity` (ids, UPNs) -> `imperfections`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csc_scorecard.model import schema
from csc_scorecard.synth import (
    calibration,
    contacts,
    courts,
    identity,
    imperfections,
    leaving_care,
    looked_after,
    permanence,
    population,
    protection,
    referrals,
)
from csc_scorecard.synth.addresses import addresses
from csc_scorecard.synth.authority import SynthConfig
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, NAT
from csc_scorecard.synth.placements import Providers
from csc_scorecard.synth.records import Frame, length, sort, take, to_arrow

TABLES = (
    "children",
    "contacts",
    "early_help_episodes",
    "referrals",
    "assessments",
    "section47s",
    "cin_plans",
    "cp_plans",
    "cp_reviews",
    "cp_visits",
    "cla_episodes",
    "cla_reviews",
    "missing_episodes",
    "cla_health",
    "previous_permanence",
    "care_leavers",
    "care_leaver_plans",
    "adoptions",
    "court_proceedings",
    "permanence_plans",
    "child_families",
)


def simulate(config: SynthConfig) -> dict[str, pa.Table]:
    """Children's canonical tables for the synthetic authority described by `config`."""
    frames = simulate_frames(config)
    return {name: to_arrow(name, frames[name]) for name in TABLES}


def simulate_frames(config: SynthConfig) -> dict[str, Frame]:
    """As `simulate`, as column dicts of numpy arrays (child_id already assigned)."""
    ctx = Context.create(config, calibration.for_config(config))
    where = addresses(config.la_code)
    reg = population.build(ctx, where)
    providers = Providers.create(ctx, where)
    journeys = referrals.simulate(ctx, reg, where, providers)

    periods = _kept_periods(ctx, journeys["periods"])
    episodes = _episodes(ctx, journeys["episodes"], periods)
    referral_rows = _kept_referrals(ctx, journeys["referrals"])
    kept_ref = _keys(referral_rows, "kid", "referral_date")
    frames: dict[str, Frame] = {
        "referrals": referral_rows,
        "assessments": _belonging(journeys["assessments"], kept_ref),
        "section47s": _belonging(journeys["section47s"], kept_ref),
        "cin_plans": _belonging(journeys["cin_plans"], kept_ref),
        "cp_plans": _cp_plans(
            ctx, reg, _belonging(journeys["cp_plans"], kept_ref), journeys["cp_plans"]
        ),
    }
    plan_keys = _keys(frames["cp_plans"], "kid", "start_date")
    reviews = journeys["cp_reviews"]
    frames["cp_reviews"] = (
        take(reviews, _isin_keys(reviews, ("kid", "plan_start_date"), plan_keys)) if reviews else {}
    )
    frames["cp_visits"] = (
        protection.visits(ctx, frames["cp_plans"], reg.dob) if frames["cp_plans"] else {}
    )
    frames["contacts"] = contacts.contacts(ctx, reg, journeys["referrals"])
    frames["early_help_episodes"] = contacts.early_help(ctx, reg, journeys["referrals"])

    # Records of the kept periods of care; cohorts (OC2, OC3, list 9) look at the whole history.
    frames["cla_episodes"] = episodes
    frames["cla_reviews"] = looked_after.reviews(ctx, reg, periods)
    frames["missing_episodes"] = looked_after.missing(ctx, reg, episodes)
    history = journeys["periods"]
    frames["cla_health"] = looked_after.health(ctx, reg, history)
    frames["previous_permanence"] = looked_after.previous_permanence(ctx, periods, episodes)
    frames["care_leavers"] = leaving_care.oc3(ctx, reg, history)
    frames["care_leaver_plans"] = leaving_care.plans(ctx, reg, history)
    frames["adoptions"] = _adoptions(journeys["adoptions"], periods)
    frames["court_proceedings"] = courts.proceedings(
        _kept_proceedings(ctx, journeys["proceedings"]), reg
    )
    frames["permanence_plans"] = permanence.plans(ctx, periods)
    mother, mc_dob = looked_after.mothers(ctx, reg, periods)
    frames = _censor_episodes(ctx, frames)

    # The children any kept record refers to, numbered in order of first contact.
    kids, first_seen = _children(frames, reg)
    ids = identity.child_ids(first_seen)
    frames["children"] = identity.children_table(ctx, reg, kids, ids, mother, mc_dob)
    lookup = np.full(reg.n_children, None, dtype=object)
    lookup[kids] = ids
    for name, frame in frames.items():
        if name != "children" and frame and "kid" in frame:
            frame["child_id"] = lookup[frame.pop("kid")]
    # The case system's family record for every child it knows (no random draw, so every
    # other table stays exactly as it was).
    frames["child_families"] = {"child_id": lookup[kids], "family_id": courts.family_ids(reg, kids)}
    # Two contacts about a child from one source on one day are one contact (the table's key);
    # every other table's key is unique by construction (tests/test_synth_children.py).
    frames["contacts"] = _dedupe("contacts", frames["contacts"])
    frames = {name: _ordered(name, frames.get(name, {})) for name in TABLES}
    keys = {name: schema.table(name).key for name in TABLES}
    if config.imperfections > 0:
        frames = imperfections.apply(ctx, frames, keys)
        frames = {name: _ordered(name, frame) for name, frame in frames.items()}
    return frames


def _keys(frame: Frame, *columns: str) -> set[tuple]:
    if not frame:
        return set()
    return set(zip(*(_plain(frame[c]) for c in columns)))


def _isin_keys(frame: Frame, columns: tuple[str, ...], keys: set[tuple]) -> np.ndarray:
    return np.array([k in keys for k in zip(*(_plain(frame[c]) for c in columns))], dtype=bool)


def _plain(values: np.ndarray) -> list:
    """A key column as Python values to compare: dates as their day numbers (NaT one number
    too), which are cheaper to make than date objects and equal exactly when the dates are."""
    return (values.view(np.int64) if values.dtype.kind == "M" else values).tolist()


def _belonging(frame: Frame, referral_keys: set[tuple]) -> Frame:
    """Rows of an episode's records whose episode (kid, referral_date) is kept."""
    if not frame:
        return {}
    return take(frame, _isin_keys(frame, ("kid", "referral_date"), referral_keys))


def _kept_referrals(ctx: Context, frame: Frame) -> Frame:
    """Episodes open at, or closed after, the start of the kept history."""
    closure = frame["closure_date"]
    keep = np.isnat(closure) | (closure >= ctx.keep_from)
    return take(frame, keep)


def _kept_periods(ctx: Context, periods: Frame) -> Frame:
    """Periods of care overlapping the kept history (ending on or after it, or still open)."""
    return take(periods, periods["exit"] >= ctx.keep_from)


def _episodes(ctx: Context, episodes: Frame, periods: Frame) -> Frame:
    """903 episodes of the kept periods, and short breaks (period -1) from the kept history."""
    kept = np.isin(episodes["period"], periods["period"])
    breaks = (episodes["period"] < 0) & (episodes["decom"] >= ctx.keep_from)
    return sort(take(episodes, kept | breaks), "kid", "decom")


def _censor_episodes(ctx: Context, frames: dict[str, Frame]) -> dict[str, Frame]:
    """Episodes as recorded on the extract date: none starting later; open ones have no end."""
    ep = frames["cla_episodes"]
    ep = take(ep, ep["decom"] <= ctx.end)
    open_ = ep["dec"] > ctx.end
    ep["dec"] = np.where(open_, NAT, ep["dec"])
    ep["rec"] = np.where(open_, None, ep["rec"]).astype(object)
    ep["reason_place_change"] = np.where(open_, None, ep["reason_place_change"]).astype(object)
    frames["cla_episodes"] = ep
    return frames


def _cp_plans(ctx: Context, reg, plans: Frame, all_plans: Frame) -> Frame:
    """Number of previous plans (NumberOfPreviousCPP) from the child's own history, plus a few
    plans in other authorities; and EPO/police protection in the last six months."""
    if not plans:
        return plans
    rng, cal = ctx.rng, ctx.cal.protection
    hist = sort(
        {"kid": all_plans["kid"], "start_date": all_plans["start_date"]}, "kid", "start_date"
    )
    new_child = np.r_[True, hist["kid"][1:] != hist["kid"][:-1]]
    position = np.arange(length(hist))
    rank = position - np.maximum.accumulate(np.where(new_child, position, 0))
    lookup = dict(
        zip(zip(hist["kid"].tolist(), hist["start_date"].astype(np.int64).tolist()), rank.tolist())
    )
    previous = np.array(
        [
            lookup[(k, s)]
            for k, s in zip(plans["kid"].tolist(), plans["start_date"].astype(np.int64).tolist())
        ],
        dtype=np.int64,
    )
    elsewhere = np.unique(plans["kid"])
    moved_in = set(elsewhere[rng.random(len(elsewhere)) < cal.previous_plans_elsewhere].tolist())
    previous += np.array([k in moved_in for k in plans["kid"].tolist()], dtype=np.int64)
    plans["previous_plans"] = previous
    plans["protection_last_six_months"] = rng.random(length(plans)) < cal.protection_last_six_months
    return plans


def _adoptions(frame: Frame, periods: Frame) -> Frame:
    if not frame:
        return {}
    key = set(zip(periods["kid"].tolist(), periods["entry"].astype(np.int64).tolist()))
    keep = np.array(
        [
            (k, e) in key
            for k, e in zip(
                frame["kid"].tolist(), frame["entered_care_date"].astype(np.int64).tolist()
            )
        ],
        dtype=bool,
    )
    return take(frame, keep)


def _kept_proceedings(ctx: Context, frame: Frame) -> Frame:
    if not frame:
        return {}
    keep = (np.isnat(frame["conclusion_date"]) | (frame["conclusion_date"] >= ctx.keep_from)) & (
        frame["issue_date"] <= ctx.end
    )
    out = take(frame, keep)
    open_ = out["conclusion_date"] > ctx.end
    out["conclusion_date"] = np.where(open_, NAT, out["conclusion_date"])
    out["outcome"] = np.where(open_, None, out["outcome"]).astype(object)
    return out


def _children(frames: dict[str, Frame], reg) -> tuple[np.ndarray, np.ndarray]:
    """Children referred to by any table, with the date each was first seen."""
    first = np.full(reg.n_children, np.datetime64("9999-12-31"), dtype=DAY)
    date_column = {
        "contacts": "contact_date",
        "referrals": "referral_date",
        "cla_episodes": "decom",
        "early_help_episodes": "assessment_start_date",
    }
    for name, frame in frames.items():
        if not frame or "kid" not in frame:
            continue
        when = (
            frame[date_column[name]]
            if name in date_column
            else np.full(length(frame), np.datetime64("9999-12-30"), dtype=DAY)
        )
        when = np.where(np.isnat(when), np.datetime64("9999-12-30"), when).astype(DAY)
        np.minimum.at(first, frame["kid"], when)
    kids = np.flatnonzero(first < np.datetime64("9999-12-31"))
    return kids, first[kids]


def _dedupe(name: str, frame: Frame) -> Frame:
    """One row per natural key (the first of each key kept), sorted by the key."""
    if not frame:
        return frame
    key = schema.table(name).key
    frame = sort(frame, *key)
    cols = [frame[k] for k in key]
    same = np.ones(length(frame), dtype=bool)
    same[0] = False
    for values in cols:
        v = values.astype(np.int64) if values.dtype.kind == "M" else values
        same[1:] &= v[1:] == v[:-1]
    return take(frame, ~same)


def _ordered(name: str, frame: Frame) -> Frame:
    return sort(frame, *schema.table(name).key) if length(frame) else frame
