"""An episode of need as child-level rows: the referral, assessments, S47 enquiries, CIN and CP
plans, review conferences and care proceedings at home, each clipped to the child's episode
(nothing after the closure or the 18th birthday) and censored at the extract date."""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth import draws, protection
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, NAT, to_day
from csc_scorecard.synth.episode import Assessment, Journeys, Outcome, Pass, Walk
from csc_scorecard.synth.records import Frame, concat


def record(ctx: Context, journeys: Journeys, p: Pass, a: Assessment, w: Walk, o: Outcome) -> None:
    """Every child-level row of the pass's episodes, onto `journeys`."""
    journeys.referrals.append(
        {
            "kid": p.kid,
            "family_episode": p.ids[p.pos],
            "referral_date": p.referral[p.pos],
            "referral_source": o.source[p.pos],
            "referral_nfa": o.nfa,
            "primary_need_code": o.need,
            "closure_date": ctx.censor(o.closure),
            "closure_reason": np.where(o.closure > ctx.end, None, o.reason).astype(object),
            "route": o.route[p.pos],
        }
    )
    _assessments(ctx, journeys, p, a, o)
    _reassessments(ctx, journeys, p, w, o)
    _section47s(ctx, journeys, p, w, o)
    _plans(ctx, journeys, p, w, o)
    _reviews(ctx, journeys, p, w, o)
    _proceedings(ctx, journeys, p, w, o)


def _assessments(ctx: Context, journeys: Journeys, p: Pass, a: Assessment, o: Outcome) -> None:
    """The first assessment of each child (none after no further action)."""
    rng, cal, wd, censor = ctx.rng, ctx.cal.assessment, ctx.workdays, ctx.censor
    route = o.route[p.pos]
    i = np.flatnonzero(~o.nfa & (a.start <= ctx.end) & (a.start < p.b18))
    end = np.minimum(a.end[i], np.maximum(o.closure[i], a.start[i]))
    seen = np.minimum(
        wd.add(a.start[i], draws.lognormal_int(rng, i.size, cal.child_seen_working_days)), end
    )
    review = np.where(
        draws.bernoulli(rng, i.size, cal.internal_review_share) & (a.duration[i] > 10),
        wd.add(a.start[i], a.duration[i] // 2),
        NAT,
    )
    closed_no_support = route[i] == "assessed_close"
    # "21" (no factors) only where no enquiry found concerns (8873Q needs RC8/RC9 with it).
    factors = _factors(ctx, closed_no_support & ~o.has_s47[p.pos][i], route[i], end)
    journeys.assessments.append(
        {
            "kid": p.kid[i],
            "referral_date": p.referral[p.pos][i],
            "start_date": a.start[i],
            "internal_review_date": censor(review),
            "authorised_date": censor(end),
            "factors": np.where(end > ctx.end, None, factors).astype(object),
            "child_seen_date": censor(seen),
            "further_support_needed": np.where(end > ctx.end, None, ~closed_no_support).astype(
                object
            ),
        }
    )


def _reassessments(ctx: Context, journeys: Journeys, p: Pass, w: Walk, o: Outcome) -> None:
    """The fresh assessment that starts with an enquiry when a CIN plan steps up."""
    again = _explode(w.reassessments, p.pos)
    if not again:
        return
    c = again["child"]
    ok = (again["start_date"] <= np.minimum(o.closure[c], ctx.end)) & (
        again["start_date"] < p.b18[c]
    )
    again = {k: v[ok] for k, v in again.items()}
    c = again["child"]
    end = np.minimum(again["authorised_date"], o.closure[c])
    factors = _factors(ctx, np.zeros(len(c), bool), o.route[p.pos][c], end)
    journeys.assessments.append(
        {
            "kid": p.kid[c],
            "referral_date": p.referral[p.pos][c],
            "start_date": again["start_date"],
            "internal_review_date": np.full(len(c), NAT, dtype=DAY),
            "authorised_date": ctx.censor(end),
            "factors": np.where(end > ctx.end, None, factors).astype(object),
            "child_seen_date": ctx.censor(
                np.minimum(ctx.workdays.add(again["start_date"], 1), end)
            ),
            "further_support_needed": np.where(end > ctx.end, None, True).astype(object),
        }
    )


def _section47s(ctx: Context, journeys: Journeys, p: Pass, w: Walk, o: Outcome) -> None:
    """S47 enquiries, with the conference held or, once over, concluded as not required."""
    s47 = _explode(w.s47_rows, p.pos)
    if not s47:
        return
    c = s47["child"]
    ok = (s47["start_date"] <= np.minimum(o.closure[c], ctx.end)) & (s47["start_date"] < p.b18[c])
    s47 = {k: v[ok] for k, v in s47.items()}
    c = s47["child"]
    icpc = s47["icpc_date"]
    held = ~np.isnat(icpc) & (icpc <= ctx.end) & (icpc <= o.closure[c])
    # Without a conference the enquiry is concluded as not needing one, once it is over.
    concluded = (
        held | (o.closure[c] <= ctx.end) | (ctx.workdays.add(s47["start_date"], 15) <= ctx.end)
    )
    journeys.section47s.append(
        {
            "kid": p.kid[c],
            "referral_date": p.referral[p.pos][c],
            "start_date": s47["start_date"],
            "icpc_target_date": protection.icpc_target(ctx, s47["start_date"]),
            "icpc_date": np.where(held, icpc, NAT),
            "icpc_not_required": ~held & concluded,
            "icpc_resulted_in_plan": np.where(held, s47["resulted"], None).astype(object),
        }
    )


def _plans(ctx: Context, journeys: Journeys, p: Pass, w: Walk, o: Outcome) -> None:
    """CIN plans and CP plans, clipped to the child's episode and 18th birthday."""
    for rows, target, extra in (
        (w.cin_rows, journeys.cin_plans, ()),
        (w.cp_rows, journeys.cp_plans, ("initial_category", "latest_category")),
    ):
        plans = _explode(rows, p.pos)
        if not plans:
            continue
        c = plans["child"]
        stop = np.minimum(o.closure[c], p.b18[c])
        ok = (plans["start_date"] < stop) & (plans["start_date"] <= ctx.end)
        plans = {k: v[ok] for k, v in plans.items()}
        c = plans["child"]
        end = np.minimum(plans["end_date"], np.minimum(o.closure[c], p.b18[c]))
        frame = {
            "kid": p.kid[c],
            "referral_date": p.referral[p.pos][c],
            "start_date": plans["start_date"],
            "end_date": ctx.censor(end),
        }
        for name in extra:
            frame[name] = plans[name]
        target.append(frame)


def _reviews(ctx: Context, journeys: Journeys, p: Pass, w: Walk, o: Outcome) -> None:
    """CP review conferences held while the child's episode was open."""
    reviews = _explode(w.review_rows, p.pos)
    if not reviews:
        return
    c = reviews["child"]
    ok = (reviews["review_date"] <= np.minimum(o.closure[c], p.b18[c])) & (
        reviews["review_date"] <= ctx.end
    )
    journeys.cp_reviews.append(
        {
            "kid": p.kid[c][ok],
            "plan_start_date": reviews["plan_start_date"][ok],
            "review_date": reviews["review_date"][ok],
        }
    )


def _proceedings(ctx: Context, journeys: Journeys, p: Pass, w: Walk, o: Outcome) -> None:
    """Care proceedings issued while the children stayed at home."""
    home = _explode(w.home_proceedings, p.pos)
    if not home:
        return
    c = home["child"]
    ok = (home["issue_date"] <= ctx.end) & (home["issue_date"] < p.b18[c])
    journeys.proceedings.append(
        {
            "kid": p.kid[c][ok],
            "family_episode": p.ids[p.pos][c][ok],
            "issue_date": home["issue_date"][ok],
            "conclusion_date": ctx.censor(np.minimum(home["conclusion_date"], p.b18[c]))[ok],
            "outcome": np.where(
                home["conclusion_date"][ok] > ctx.end, None, home["outcome"][ok]
            ).astype(object),
        }
    )


def _explode(rows: list[Frame], pos: np.ndarray) -> Frame:
    """Family-level rows (with `pos`) as one row per child of the family (`child` indexes the
    pass's children)."""
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
