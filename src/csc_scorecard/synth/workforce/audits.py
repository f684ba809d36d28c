"""Step 5b: monthly case-file audits of open cases."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.workforce.allocation import Allocation
from csc_scorecard.synth.workforce.calibration import Calibration, by_year
from csc_scorecard.synth.workforce.days import FAR, financial_year
from csc_scorecard.synth.workforce.sampling import draw
from csc_scorecard.synth.workforce.tables import arrow

GRADES = ["outstanding", "good", "requires_improvement", "inadequate"]


def audits(
    allocations: list[Allocation],
    t0: int,
    end: int,
    cal: Calibration,
    rng: np.random.Generator,
) -> pa.Table:
    """Monthly case-file audits of open cases (appendix: social care and PAFSS audits), graded
    on the Ofsted scale with the share good or better improving over the years."""
    starts = np.array([a.start for a in allocations], dtype=np.int64)
    ends = np.array([a.end if a.end is not None else FAR for a in allocations], dtype=np.int64)
    family = np.array([a.area == "family_support" for a in allocations], dtype=bool)
    rows = []
    month = date.fromordinal(t0).replace(day=1)
    while month.toordinal() <= end:
        nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        lo, hi = max(month.toordinal(), t0), min(nxt.toordinal() - 1, end)
        mid = (lo + hi) // 2
        open_now = (starts <= mid) & (ends > mid)
        for audit_type, mask in (
            ("social_care", open_now & ~family),
            ("family_support", open_now & family),
        ):
            spec = cal.audits[audit_type]
            pool = np.flatnonzero(mask)
            if not len(pool):
                continue
            n = int(rng.poisson(spec.monthly_rate * len(pool) * (hi - lo + 1) / 30.44))
            probs = list(by_year(spec.grades, financial_year(mid)))
            for k in rng.choice(pool, size=min(n, len(pool)), replace=False):
                a = allocations[int(k)]
                a_lo, a_hi = max(lo, a.start), min(hi, ends[k] - 1)
                day = a_lo + int(rng.integers(0, a_hi - a_lo + 1))
                if date.fromordinal(day).weekday() >= 5:
                    day = max(a_lo, day - (date.fromordinal(day).weekday() - 4))
                rows.append(
                    {
                        "child_id": a.child_id,
                        "team_id": a.team.team_id,
                        "audit_date": date.fromordinal(day),
                        "audit_type": audit_type,
                        "grade": GRADES[draw(rng, probs)],
                    }
                )
        month = nxt
    rows.sort(key=lambda r: (r["audit_date"], r["child_id"]))
    for i, r in enumerate(rows, start=1):
        r["audit_id"] = f"AUD{i:06d}"
    return arrow("case_audits", rows)
