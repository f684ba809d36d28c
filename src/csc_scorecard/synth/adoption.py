"""Adoption: the milestones of children whose plan is adoption, and the adoptions table
(903 AD1 and PlacedAdoption; Annex A list 10).

Order of events (903 rules 333, 331, 521, 554, 1003): the agency decision maker (ADM) decides
the child should be placed for adoption after the child came into care and before the
placement order (made at the final hearing, legal status E1); the child is matched with
adopters, placed with them (PLACE A5/A6, or A3/A4 with parental consent), and adopted by an
adoption order (REC E11/E12). Some decisions are reversed (RD1-RD4), for example when the
court makes no placement order (RD2). The scorecard timescales (standards.md 5.5: A1 entering
care to moving in, A2 placement order to match) follow from the calibrated gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csc_scorecard.synth import draws
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import NAT
from csc_scorecard.synth.records import Frame, strings


@dataclass
class Milestones:
    adm: np.ndarray
    placement_order: np.ndarray
    match: np.ndarray
    placed: np.ndarray
    order: np.ndarray
    foster_to_adopt: np.ndarray
    reversed: np.ndarray
    reversed_date: np.ndarray
    reversed_reason: np.ndarray
    no_placement_order: np.ndarray


def milestones(
    ctx: Context,
    entry: np.ndarray,
    final: np.ndarray,
    adopt: np.ndarray,
    consent: np.ndarray,
    b18: np.ndarray,
) -> Milestones:
    """Milestone dates for every period (NaT outside the adoption route)."""
    rng, cal = ctx.rng, ctx.cal.adoption
    n = len(entry)
    court = adopt & ~consent
    adm = entry + draws.days(rng, n, cal.adm_days_after_entry)
    # The ADM decision precedes the placement order (rule 554).
    latest = final - 7
    squeezed = court & (latest < entry + 7)
    adm = np.where(court, np.minimum(np.maximum(adm, entry + 7), latest), adm)
    adm = np.where(
        squeezed, entry + ((final - entry).astype(np.int64) // 2).astype("timedelta64[D]"), adm
    )
    adm = np.where(consent, entry + draws.days(rng, n, cal.consent_adm_days), adm)
    placement_order = np.where(court, final, NAT)
    authority = np.where(court, placement_order, adm)
    match = authority + draws.days(rng, n, cal.match_days_after_order)
    placed = match + draws.days(rng, n, cal.placed_days_after_match)
    order = placed + draws.days(rng, n, cal.order_days_after_placed)

    reversed_ = adopt & draws.bernoulli(rng, n, cal.reversed_share)
    reason = strings(n)
    reason[reversed_] = draws.choice(rng, int(reversed_.sum()), cal.reversed_reason)
    # Adoption is of children: a plan that could not end before 18 is reversed (rule 386).
    too_old = adopt & ~reversed_ & (order >= b18)
    reversed_ |= too_old
    reason[too_old] = "RD4"
    reason[reversed_ & consent & (reason == "RD2")] = "RD1"  # no court involved with consent
    no_po = reversed_ & court & (reason == "RD2")
    reversed_date = np.where(
        no_po, final, authority + draws.days(rng, n, cal.reversed_days_after_order)
    )
    reversed_date = np.where(reversed_, np.minimum(reversed_date, match - 1), NAT)
    reversed_date = np.maximum(
        reversed_date, adm
    )  # never before the decision it reverses (rule 522)
    placement_order = np.where(no_po, NAT, placement_order)
    for arr in (match, placed, order):
        arr[reversed_ | ~adopt] = NAT
    adm = np.where(adopt, adm, NAT)
    return Milestones(
        adm=adm,
        placement_order=np.where(adopt, placement_order, NAT),
        match=match,
        placed=placed,
        order=order,
        foster_to_adopt=adopt & draws.bernoulli(rng, n, cal.foster_to_adopt_share),
        reversed=reversed_,
        reversed_date=reversed_date,
        reversed_reason=reason,
        no_placement_order=no_po,
    )


def rows(
    ctx: Context,
    kid: np.ndarray,
    entry: np.ndarray,
    adopt: np.ndarray,
    plan: Milestones,
    rec: np.ndarray,
) -> Frame:
    """Adoption records for periods on the adoption route, as known at the extract date."""
    rng, cal = ctx.rng, ctx.cal.adoption
    censor = ctx.censor
    idx = np.flatnonzero(adopt & ~np.isnat(plan.adm) & (plan.adm <= ctx.end))
    m = len(idx)
    adopted = np.isin(rec[idx], ("E11", "E12"))
    # Adopters (AD1): one or two, with sexes and legal status consistent (rules 511-524).
    count = draws.choice_int(rng, m, cal.adopters)
    single_sex = draws.choice(rng, m, cal.single_sex)
    couple_sex = draws.choice(rng, m, cal.couple)
    sex = np.where(count == 1, single_sex, couple_sex).astype(object)
    status = np.where(
        count == 1,
        "L0",
        np.where(
            couple_sex == "MF",
            draws.choice(rng, m, cal.couple_status_mixed),
            draws.choice(rng, m, cal.couple_status_same),
        ),
    ).astype(object)
    placed = censor(plan.placed[idx])
    foster_carer = np.where(~np.isnat(placed), plan.foster_to_adopt[idx], None).astype(object)
    reversed_on = censor(plan.reversed_date[idx])
    return {
        "kid": kid[idx],
        "adm_decision_date": plan.adm[idx],
        "entered_care_date": entry[idx],
        "placement_order_date": censor(plan.placement_order[idx]),
        "matched_date": censor(plan.match[idx]),
        "placed_date": placed,
        "adoption_order_date": censor(plan.order[idx]),
        "foster_carer_adoption": foster_carer,
        "number_adopters": np.where(adopted, count, None).astype(object),
        "sex_adopters": np.where(adopted, sex, None).astype(object),
        "ls_adopters": np.where(adopted, status, None).astype(object),
        "decision_reversed_date": reversed_on,
        "decision_reversed_reason": np.where(
            np.isnat(reversed_on), None, plan.reversed_reason[idx]
        ).astype(object),
    }
