"""Step 5c: the children's social work workforce census (CSWW) at each 30 September."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.workforce.allocation import Allocation
from csc_scorecard.synth.workforce.calibration import Calibration
from csc_scorecard.synth.workforce.days import census_days, to_date
from csc_scorecard.synth.workforce.roles import ORG_ROLE, QUALIFIED_ROLES
from csc_scorecard.synth.workforce.staffing import Staffing, Worker
from csc_scorecard.synth.workforce.tables import arrow


def census_workers(
    workers: list[Worker], allocations: list[Allocation], t0: int, end: int, cal: Calibration
) -> pa.Table:
    """CSWW worker records (standards.md 4): registered social workers in post at 30 September,
    and those who left in the 12 months to it; cases held, absence and FTE at the date."""
    held: dict[tuple[str, int], int] = defaultdict(int)
    census = census_days(t0, end)
    for a in allocations:
        for _, day in census:
            if a.start <= day and (a.end is None or a.end > day):
                held[(a.worker.worker_id, day)] += 1
    rows = []
    for year, day in census:
        window = (day - 364, day)
        for w in workers:
            if not w.qualified:
                continue
            post = w.post_on(day)
            left = not w.agency and w.leave is not None and window[0] <= w.leave <= window[1]
            if post is None and not left:
                continue
            if post is None:
                post = w.post_on(w.leave)  # type: ignore[arg-type]
            if post is None or post.role not in QUALIFIED_ROLES + ("personal_adviser",):
                continue
            holds = cal.service_areas.get(post.team.area)
            role = ORG_ROLE[post.role]
            if role == "5" and (holds is None or not holds.holds_cases):
                role = "6"  # qualified without cases: the front door
            lost, main = _days_lost(w, *window)
            in_post = w.post_on(day) is not None
            row = {
                "collection_year": year,
                "worker_id": w.worker_id,
                "swe_no": w.swe_no,
                "agency": w.agency,
                "fte": post.fte,
                "fte30": post.fte if in_post else None,
                "org_role": role,
                "role_start_date": to_date(w.start),
                "cases30": held.get((w.worker_id, day), 0) if in_post else None,
                "qual_inst": w.qual_inst,
                "qual_level": w.qual_level,
            }
            if w.agency:
                weeks = (min(day, w.leave or day) - max(w.start, window[0]) + 1) / 7
                row["contract_weeks"] = round(weeks, 1)
            else:
                row.update(
                    {
                        "date_of_birth": to_date(w.date_of_birth),
                        "sex": w.sex,
                        "ethnicity": w.ethnicity,
                        "start_origin": w.start_origin if w.start >= window[0] else None,
                        "role_end_date": to_date(w.leave) if left else None,
                        "leaver_destination": w.leaver_destination if left else None,
                        "reason_leave": w.leaving_reason if left else None,
                        "absent_at_30_sept": (w.absence_on(day) is not None) if in_post else None,
                        "working_days_lost": lost,
                        "reason_absence": main,
                    }
                )
            rows.append(row)
    return arrow("workforce_census_workers", rows)


def _days_lost(w: Worker, first: int, last: int) -> tuple[float, str | None]:
    """Working days (Monday-Friday) absent in the census year, and the main reason."""
    by_reason: dict[str, int] = defaultdict(int)
    for a in w.absences:
        lo, hi = max(a.start, first), min(a.end, last)
        if hi >= lo:
            by_reason[a.reason] += int(
                np.busday_count(date.fromordinal(lo), date.fromordinal(hi + 1))
            )
    total = sum(by_reason.values())
    main = max(sorted(by_reason), key=lambda r: by_reason[r]) if total else None
    return float(total), main


def census_la(staff: Staffing, t0: int, end: int) -> pa.Table:
    """CSWW LA level (standards.md 4): vacant social worker posts (FTE; agency cover does not
    fill a vacancy) and agency social workers in post at 30 September."""
    rows = []
    for year, day in census_days(t0, end):
        states = staff.vacancy_log.get(day, [])
        vacant = sum(1.0 for s, filled in states if s.role in QUALIFIED_ROLES and not filled)
        agency = [w for w in staff.workers if w.agency and w.qualified and w.post_on(day)]
        rows.append(
            {
                "collection_year": year,
                "vacancies_fte": vacant,
                "agency_fte": float(sum(w.post_on(day).fte for w in agency)),  # type: ignore[union-attr]
                "agency_headcount": len(agency),
            }
        )
    return arrow("workforce_census_la", rows)
