"""Who the children are: LA child identifiers, unique pupil numbers and the children table.

UPNs follow the DfE format (standards.md 1.3, 2.1; CIN rules 1510-1550): a check letter, the
3-digit LA number where the number was issued, a 4-digit establishment number, the 2-digit year
of issue and a 3-digit serial; the check letter is the weighted sum of characters 2-13 modulo 23.
Children not yet at school carry UN1, unaccompanied asylum-seeking children UN2.
"""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth import draws
from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import NAT, add_years
from csc_scorecard.synth.population import Registry
from csc_scorecard.synth.records import Frame

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def check_letter(digits: str) -> str:
    """UPN check letter for the 12 digits after it.

    >>> check_letter("371234518001")
    'Z'
    """
    total = sum(int(d) * (i + 2) for i, d in enumerate(digits))
    return CHECK_LETTERS[total % 23]


def child_ids(first_seen: np.ndarray) -> np.ndarray:
    """Numeric LA child identifiers issued in order of first contact (as case systems do)."""
    order = np.argsort(first_seen, kind="stable")
    ids = np.empty(len(first_seen), dtype=object)
    ids[order] = [str(1_000_001 + i) for i in range(len(first_seen))]
    return ids


def upns(ctx: Context, reg: Registry, kids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(UPN or UN code, former UPN) for each child in `kids`, as known at the extract date."""
    rng, pop = ctx.rng, ctx.cal.population
    n = len(kids)
    dob = reg.dob[kids]
    # School age as 903 rule 209 reads it: 4 by 31 August of the year before the collection
    # year starts (31 August 2021 for 2022-23).
    end = ctx.config.end
    financial_year = end.year - (1 if end.month < 4 else 0)
    reference = np.datetime64(f"{financial_year - 1}-08-31", "D")
    school_age = add_years(dob, pop.upn_school_age_years) <= reference
    out = np.full(n, "UN1", dtype=object)
    has = school_age & ~reg.uasc[kids]
    unknown = has & (rng.random(n) < pop.upn_unknown_school_age_share)
    out[unknown] = draws.choice(rng, int(unknown.sum()), pop.upn_unknown_school_age)
    out[school_age & reg.uasc[kids]] = "UN2"
    issue = np.flatnonzero(has & ~unknown)
    issued = _issue(ctx, dob[issue], len(issue) * 2)
    out[issue] = issued[: len(issue)]
    former = np.full(n, None, dtype=object)
    moved = issue[rng.random(len(issue)) < pop.former_upn_share]
    former[moved] = issued[len(issue) : len(issue) + len(moved)]
    return out, former


def _issue(ctx: Context, dob: np.ndarray, count: int) -> np.ndarray:
    """`count` distinct, valid UPNs (the first len(dob) issued the year each child was 4)."""
    rng, pop = ctx.rng, ctx.cal.population
    other = rng.random(count) < pop.upn_other_la_share
    la = np.where(
        other,
        rng.choice(np.array(pop.upn_other_las, dtype=np.int64), size=count),
        int(ctx.config.la_code),
    )
    year = np.full(count, int(str(ctx.end)[2:4]), dtype=np.int64)
    year[: len(dob)] = (add_years(dob, 4).astype("datetime64[Y]").astype(np.int64) + 1970) % 100
    establishment = rng.integers(2000, 8000, count)
    serial = rng.integers(0, 1000, count)
    # Characters 2-13 as one number; redraw serial numbers until every UPN is distinct.
    for _ in range(20):
        number = ((la * 10_000 + establishment) * 100 + year) * 1000 + serial
        _, first = np.unique(number, return_index=True)
        again = np.ones(count, dtype=bool)
        again[first] = False
        if not again.any():
            break
        serial[again] = rng.integers(0, 1000, int(again.sum()))
    return upns_of(number)


def upns_of(number: np.ndarray) -> np.ndarray:
    """UPNs whose characters 2-13 are `number` (12 digits each), with their check letters."""
    number = np.asarray(number, np.int64)
    digits = (number[:, None] // 10 ** np.arange(11, -1, -1)) % 10
    letters = np.array(list(CHECK_LETTERS))[(digits * np.arange(2, 14)).sum(axis=1) % 23]
    return np.char.add(letters, np.char.zfill(number.astype(str), 12)).astype(object)


def children_table(
    ctx: Context,
    reg: Registry,
    kids: np.ndarray,
    ids: np.ndarray,
    mother: np.ndarray,
    mc_dob: np.ndarray,
) -> Frame:
    """The children table for `kids` (the children any kept record refers to)."""
    dob = reg.dob[kids]
    unborn = dob > ctx.end
    upn, former = upns(ctx, reg, kids)
    sex = reg.sex[kids].copy()
    sex[unborn] = "U"
    expected = np.where(reg.referred_unborn[kids], dob, NAT)
    contact_only = reg.fam_kind[reg.kid_family[kids]] == "contact"
    disabilities = reg.disabilities[kids].copy()
    disabilities[contact_only] = None
    return {
        "child_id": ids,
        "sex": sex,
        "date_of_birth": np.where(unborn, NAT, dob),
        "expected_date_of_birth": expected,
        "date_of_death": ctx.censor(reg.date_of_death[kids]),
        "ethnicity": reg.ethnicity[kids],
        "upn": upn,
        "former_upn": former,
        "disabilities": disabilities,
        "mother": mother[kids],
        "mc_dob": ctx.censor(mc_dob[kids]),
        "uasc": reg.uasc[kids],
        # DUC is recorded ahead as the 18th birthday (903 rule 205B expects it in every year's
        # UASC file), also for the few whom an age assessment later found to be adults (E15).
        "uasc_ceased_date": np.where(reg.uasc[kids], add_years(dob, 18), NAT),
    }
