"""The permanence tracker (template `permanence_plans`) as an authority keeps one: a plan for each
child whose period of care ends, or will end, with a special guardianship or child arrangements
order, agreed some months before the order, with the date the order is expected.

Adoption plans are left to the statutory adoption record (`adoptions`), which wins over the
tracker wherever it covers a child (measures/functions/permanence.py). The dates are spread by
the child's number rather than by the random generator, so adding the tracker leaves every other
synthetic table exactly as it was.
"""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth.context import Context
from csc_scorecard.synth.dates import NAT
from csc_scorecard.synth.records import Frame, sort, take

# The route out of care the simulation chose for the period (care.py) -> the plan that leads
# there (SSDA903 REC E41 child arrangements order, E43-E48 special guardianship order).
PLANS = {"cao": "child_arrangements", "sgo": "special_guardianship"}


def plans(ctx: Context, periods: Frame) -> Frame:
    """One plan per child and kind (their latest) for periods of care on the special guardianship
    or child arrangements route, agreed 4 to 10 months before the order (not before the child
    came into care), expected within a month either side of when it is made (for a child still
    in care at the extract date, when it will be); the order date only once made by then."""
    if not periods:
        return {}
    kind = np.array([PLANS.get(r) for r in periods["route"]], dtype=object)
    planned = np.array([k is not None for k in kind], dtype=bool) & ~np.isnat(periods["exit"])
    frame, kind = take(periods, planned), kind[planned]
    kid = frame["kid"].astype(np.int64)
    exit_ = frame["exit"]
    lead = (120 + (kid * 37) % 181).astype("timedelta64[D]")
    plan_date = np.maximum(frame["entry"], exit_ - lead)
    expected = exit_ + ((kid * 13) % 61 - 30).astype("timedelta64[D]")
    made = exit_ <= ctx.end
    out = {
        "kid": kid,
        "plan": kind,
        "plan_date": plan_date,
        "matched_date": np.full(len(kid), NAT),
        "order_expected_date": expected,
        "order_date": np.where(made, exit_, NAT),
        "plan_end_date": np.full(len(kid), NAT),
    }
    out = sort(take(out, plan_date <= ctx.end), "kid", "plan", "plan_date")
    # The latest plan of each kind per child (the template's key is child and plan).
    last = np.r_[(out["kid"][1:] != out["kid"][:-1]) | (out["plan"][1:] != out["plan"][:-1]), True]
    return take(out, last)
