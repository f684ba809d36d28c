"""Step 5a: supervision sessions of every worker except service managers."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import pyarrow as pa

from csc_scorecard.synth.workforce.calibration import Calibration, by_year
from csc_scorecard.synth.workforce.days import FAR, financial_year, weekday
from csc_scorecard.synth.workforce.establishment import Team
from csc_scorecard.synth.workforce.roles import MANAGER_ROLES
from csc_scorecard.synth.workforce.staffing import Worker
from csc_scorecard.synth.workforce.tables import arrow


def supervisions(
    workers: list[Worker],
    teams: list[Team],
    t0: int,
    end: int,
    cal: Calibration,
    rng: np.random.Generator,
) -> pa.Table:
    """Supervision sessions: monthly standard, often late (para 28), held by the team manager in
    post (or the service manager when there is none or it is the manager's own)."""
    managers: dict[str, list[tuple[int, int, Worker]]] = defaultdict(list)
    for w in workers:
        for p in w.posts:
            if p.role in MANAGER_ROLES:
                managers[p.team.team_id].append((p.start, p.end if p.end is not None else FAR, w))
    area_management = {t.area: t.team_id for t in teams if t.management}

    def manager(team_id: str, day: int, not_: Worker) -> Worker | None:
        for s, e, m in managers.get(team_id, []):
            if s <= day <= e and m is not not_ and m.absence_on(day) is None:
                return m
        return None

    spec = cal.supervision
    rows = []
    for w in workers:
        if any(p.role == "service_manager" for p in w.posts):
            continue
        first = max(w.start, t0)
        last = min(w.leave if w.leave is not None else end, end)
        day = first + (int(rng.integers(7, 29)) if w.start >= t0 else int(rng.integers(0, 31)))
        while day <= last:
            day = weekday(day)
            absence = w.absence_on(day)
            if absence is not None:
                day = absence.end + int(rng.integers(2, 11))
                continue
            post = w.post_on(day)
            if post is None:
                break
            boss = manager(post.team.team_id, day, w) if post.role != "team_manager" else None
            boss = boss or manager(area_management.get(post.team.area, ""), day, w)
            if boss is not None and day <= last:
                rows.append(
                    {
                        "worker_id": w.worker_id,
                        "supervision_date": date.fromordinal(day),
                        "supervisor_id": boss.worker_id,
                    }
                )
            on_time = rng.random() < by_year(spec.on_time_share, financial_year(day))
            if on_time:
                day += int(rng.integers(spec.on_time_days[0], spec.on_time_days[1] + 1))
            else:
                day += spec.on_time_days[1] + 1 + int(rng.gamma(2.0, spec.late_extra_mean_days / 2))
    return arrow("supervisions", rows)
