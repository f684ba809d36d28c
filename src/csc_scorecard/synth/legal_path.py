"""The route out of a period of care and the legal path through it: the route and when care
ends, the legal status at entry (police protection or an EPO for a few days, section 20, an
interim care order), care proceedings and what their final hearing decides, the adoption
milestones, and the timeline of legal-status changes inside the period.

The stages run in order on one `Period` record (`synth.care` runs them, then places the child);
each fills in its own fields and may move the exit date or the route the earlier ones set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from csc_scorecard.synth import adoption, draws
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import DAY, NAT, add_years, earliest, years_between
from csc_scorecard.synth.records import Frame, concat, filled, strings


@dataclass
class Period:
    """Periods of care for a batch of children coming into care (one element per child)."""

    entry: np.ndarray
    via: np.ndarray  # how the child came in: emergency, cp, cin, uasc, remand
    dob: np.ndarray
    b18: np.ndarray = field(init=False)
    age: np.ndarray = field(init=False)  # at entry, in whole years
    route: np.ndarray = field(init=False)  # the route out: home, adoption, sgo, cao, to18, ...
    exit: np.ndarray = field(init=False)  # when care ends, as it will happen (NaT: not decided)
    adopt: np.ndarray = field(init=False)  # adoption was the plan (even if later reversed)
    consent: np.ndarray = field(init=False)  # babies placed for adoption with parental consent
    events: list[Frame] = field(init=False)  # legal-status changes: i, date, ls
    ico: np.ndarray = field(init=False)  # interim care order (NaT: none)
    in_proceedings: np.ndarray = field(init=False)
    issue: np.ndarray = field(init=False)  # care proceedings issued
    final: np.ndarray = field(init=False)  # the final hearing (NaT outside proceedings)
    final_ls: np.ndarray = field(init=False)  # the legal status the final hearing gives
    outcome: np.ndarray = field(init=False)  # what the proceedings decided
    placed_with_parents: np.ndarray = field(init=False)  # P1 under a care order from
    adopt_plan: adoption.Milestones = field(init=False)
    adopted: np.ndarray = field(init=False)
    concluded: np.ndarray = field(init=False)  # proceedings concluded (or withdrawn)

    def __post_init__(self) -> None:
        self.b18 = add_years(self.dob, 18)
        self.age = years_between(self.dob, self.entry)

    @property
    def n(self) -> int:
        return len(self.entry)


def plan(ctx: Context, p: Period) -> Frame:
    """Run every stage on `p`; return the legal-status timeline inside each period, ordered by
    period and date (changes on or after the exit do not happen)."""
    route_out(ctx, p)
    entry_status(ctx, p)
    proceedings(ctx, p)
    final_hearing(ctx, p)
    adoption_path(ctx, p)
    end_of_care(p)
    return timeline(p)


def route_out(ctx: Context, p: Period) -> None:
    """The route out of care by age and way in, and when it is taken where it does not wait
    for a court (UASC whose age is disputed leave within weeks, found to be adults)."""
    rng, cal = ctx.rng, ctx.cal.care
    n, via, entry = p.n, p.via, p.entry
    route = np.empty(n, dtype=object)
    normal = np.isin(via, ("emergency", "cp", "cin"))
    route[normal] = draws.choice_by_group(
        rng, draws.band(p.age[normal], draws.band_keys(cal.exit_route)), cal.exit_route
    )
    route[via == "uasc"] = "to18"
    disputed = (via == "uasc") & draws.bernoulli(rng, n, ctx.cal.uasc.age_disputed_share)
    route[disputed] = "disputed"
    route[via == "remand"] = "remand"
    exit_ = np.full(n, NAT, dtype=DAY)
    for name in ("home", "sgo", "cao", "other", "remand"):
        where = route == name
        exit_[where] = entry[where] + draws.days(rng, int(where.sum()), cal.duration_days[name])
    lo, hi = ctx.cal.uasc.age_disputed_days
    exit_[disputed] = entry[disputed] + rng.integers(lo, hi, int(disputed.sum())).astype(
        "timedelta64[D]"
    )
    p.route, p.exit = route, exit_


def entry_status(ctx: Context, p: Period) -> None:
    """Legal status at entry (adoption needs court authority, or parental consent for babies);
    police protection (72 hours, rule 361) and EPOs (rule 362) give way to s20 or an ICO;
    section 20 is converted to care proceedings (an ICO) later in some periods."""
    rng, cal = ctx.rng, ctx.cal.care
    n, entry, route = p.n, p.entry, p.route
    ls0 = draws.choice_by_group(rng, p.via, cal.initial_legal_status)
    adopt = route == "adoption"
    consent = adopt & (p.age < 1) & draws.bernoulli(rng, n, ctx.cal.adoption.consent_share)
    ls0[consent] = "V2"
    events: list[Frame] = [{"i": np.arange(n), "date": entry, "ls": ls0}]
    emergency_end = np.full(n, NAT, dtype=DAY)
    for code, spec in (("L1", cal.police_protection_days), ("L2", cal.epo_days)):
        where = ls0 == code
        emergency_end[where] = entry[where] + draws.days(rng, int(where.sum()), spec)
    after = draws.choice(rng, n, cal.after_emergency_order)
    after[np.isin(route, ("adoption", "sgo", "cao")) | (ls0 == "L2")] = "C1"
    has_em = ~np.isnat(emergency_end)
    events.append({"i": np.flatnonzero(has_em), "date": emergency_end[has_em], "ls": after[has_em]})
    status_after_entry = np.where(has_em, after, ls0)

    conv_p = np.array([cal.s20_to_proceedings.get(r, 0.0) for r in route])
    conv_date = np.where(has_em, emergency_end, entry) + draws.days(
        rng, n, cal.s20_to_proceedings_days
    )
    conv_date = np.where(adopt, earliest(conv_date, entry + 45), conv_date)
    converts = (status_after_entry == "V2") & ~consent & (rng.random(n) < conv_p)
    converts &= np.isnat(p.exit) | (conv_date < p.exit - 14)
    events.append(
        {
            "i": np.flatnonzero(converts),
            "date": conv_date[converts],
            "ls": strings(int(converts.sum()), "C1"),
        }
    )
    # The interim care order: at entry, after the emergency order, or on conversion.
    ico = np.full(n, NAT, dtype=DAY)
    ico[ls0 == "C1"] = entry[ls0 == "C1"]
    em_ico = has_em & (after == "C1")
    ico[em_ico] = emergency_end[em_ico]
    ico[converts] = conv_date[converts]
    p.adopt, p.consent, p.events, p.ico = adopt, consent, events, ico


def proceedings(ctx: Context, p: Period) -> None:
    """Care proceedings, issued a little before the interim care order, and their final
    hearing (at least two weeks after the order)."""
    rng, cal = ctx.rng, ctx.cal.care
    ico = p.ico
    p.in_proceedings = ~np.isnat(ico)
    p.issue = ico - draws.days(rng, p.n, cal.proceedings_issued_days_before_ico)
    final = p.issue + (draws.lognormal(rng, p.n, cal.proceedings_weeks) * 7).round().astype(
        "timedelta64[D]"
    )
    p.final = np.where(p.in_proceedings, np.maximum(final, ico + 14), NAT)


def final_hearing(ctx: Context, p: Period) -> None:
    """What the final hearing decides, by route: special guardianship and child arrangements
    orders end care at the hearing (or a care order first); children going home are discharged
    or placed with parents under a care order; others stay under a care order."""
    rng, cal = ctx.rng, ctx.cal.care
    n, route, final, exit_ = p.n, p.route, p.final, p.exit
    inside = p.in_proceedings
    final_ls, outcome = strings(n), strings(n)
    p1_start = np.full(n, NAT, dtype=DAY)
    for name, order in (("sgo", "special_guardianship_order"), ("cao", "child_arrangements_order")):
        at_final = inside & (route == name) & (np.isnat(exit_) | (exit_ < final + 60))
        exit_[at_final] = final[at_final]
        outcome[at_final] = order
        later = inside & (route == name) & ~at_final
        final_ls[later] = "C2"
        outcome[later] = "care_order"
    home = inside & (route == "home")
    discharged = home & ((exit_ <= final) | draws.bernoulli(rng, n, cal.home_at_final_hearing))
    exit_[discharged] = final[discharged]
    outcome[discharged] = draws.choice(rng, int(discharged.sum()), cal.home_at_final_hearing_order)
    with_parents = home & ~discharged
    final_ls[with_parents] = "C2"
    outcome[with_parents] = "care_order"
    p1_start[with_parents] = final[with_parents] + rng.integers(
        *cal.placed_with_parents_after_hearing_days, int(with_parents.sum())
    ).astype("timedelta64[D]")
    exit_[with_parents] = p1_start[with_parents] + draws.days(
        rng, int(with_parents.sum()), cal.placed_with_parents_days
    )
    rest = inside & np.isin(route, ("to18", "other", "remand"))
    final_ls[rest] = "C2"
    outcome[rest] = "care_order"
    p.final_ls, p.outcome, p.placed_with_parents = final_ls, outcome, p1_start


def adoption_path(ctx: Context, p: Period) -> None:
    """Adoption milestones (placement order at the final hearing, or consent for babies); a
    reversed decision leads to long-term care or special guardianship with the carers."""
    rng, cal = ctx.rng, ctx.cal.care
    n, route, exit_, adopt = p.n, p.route, p.exit, p.adopt
    plan_ = adoption.milestones(ctx, p.entry, p.final, adopt, p.consent, p.b18)
    court = adopt & p.in_proceedings
    p.final_ls[court] = np.where(plan_.no_placement_order[court], "C2", "E1")
    p.outcome[court] = np.where(plan_.no_placement_order[court], "care_order", "placement_order")
    adopted = adopt & ~plan_.reversed
    exit_[adopted] = plan_.order[adopted]
    reversed_ = adopt & plan_.reversed
    to_sgo = reversed_ & draws.bernoulli(rng, n, cal.reversed_to_sgo_share)
    exit_[to_sgo] = plan_.reversed_date[to_sgo] + draws.days(
        rng, int(to_sgo.sum()), cal.duration_days["sgo"]
    )
    route[to_sgo] = "sgo"
    route[reversed_ & ~to_sgo] = "to18"
    # The placement order ends with the decision (recorded as a care order from that day), so no
    # E1 episode outlives the decision into a year whose return no longer lists it (903 rules
    # 118 and 553).
    revoke = reversed_ & ~plan_.no_placement_order
    p.events.append(
        {
            "i": np.flatnonzero(revoke),
            "date": plan_.reversed_date[revoke],
            "ls": strings(int(revoke.sum()), "C2"),
        }
    )
    has_final = p.in_proceedings & filled(p.final_ls)
    p.events.append(
        {"i": np.flatnonzero(has_final), "date": p.final[has_final], "ls": p.final_ls[has_final]}
    )
    p.adopt_plan, p.adopted = plan_, adopted


def end_of_care(p: Period) -> None:
    """Care ends at 18 at the latest (DEC on the 18th birthday, rules 352/359) and lasts at
    least a day (rule 355); proceedings the child left care before are withdrawn."""
    route, b18 = p.route, p.b18
    exit_ = p.exit
    exit_[route == "to18"] = b18[route == "to18"]
    aged_out = ~np.isnat(exit_) & (exit_ >= b18)
    exit_[aged_out] = b18[aged_out]
    route[aged_out & (route != "adoption")] = "to18"
    p.exit = np.maximum(exit_, p.entry + 1)
    ends_first = p.in_proceedings & (p.exit < p.final)
    p.outcome[ends_first & (route != "adoption")] = "withdrawn"
    p.concluded = np.where(ends_first, p.exit, p.final)


def timeline(p: Period) -> Frame:
    """Legal-status changes inside each period, ordered by period and date."""
    ls_events = concat(p.events)
    inside = (ls_events["date"] >= p.entry[ls_events["i"]]) & (
        ls_events["date"] < p.exit[ls_events["i"]]
    )
    ls_events = {k: v[inside] for k, v in ls_events.items()}
    order = np.lexsort((ls_events["date"], ls_events["i"]))
    return {k: v[order] for k, v in ls_events.items()}
