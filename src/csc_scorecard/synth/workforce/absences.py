"""Step 3b: sickness, maternity, training and other absence of employed staff, with agency
cover for some maternity leave and a return on reduced hours for others."""

from __future__ import annotations

import numpy as np

from csc_scorecard.synth.workforce.roles import CASE_ROLES
from csc_scorecard.synth.workforce.staffing import Absence, Post, Staffing, Worker


def draw_absences(staff: Staffing, rng: np.random.Generator) -> None:
    """Give every employed worker their absences (agency workers' are not recorded)."""
    spec = staff.cal.absence
    kinds = [
        ("SIC", spec.short_sickness),
        ("SIC", spec.long_sickness),
        ("MAT", spec.maternity),
        ("TRN", spec.training),
        ("OTH", spec.other),
    ]
    for w in list(staff.workers):
        if w.agency:
            continue
        first = max(w.start, staff.t0 - 183)  # the first census year's absence is needed too
        last = min(w.leave if w.leave is not None else staff.end, staff.end)
        if last <= first:
            continue
        years = (last - first + 1) / 365.25
        drawn = []
        for reason, k in kinds:
            for _ in range(int(rng.poisson(k.rate * years))):
                s = first + int(rng.integers(0, last - first + 1))
                if k.min_age is not None:
                    age = (s - (w.date_of_birth or s)) / 365.25
                    if w.sex != "F" or not (k.min_age <= age <= (k.max_age or 99)):
                        continue
                drawn.append(
                    Absence(s, s + int(rng.integers(k.min_days, k.max_days + 1)) - 1, reason)
                )
        taken: list[Absence] = []
        for a in sorted(drawn, key=lambda a: a.start):
            if taken and a.start <= taken[-1].end + 1:
                continue
            if w.leave is not None:
                a.end = min(a.end, w.leave)
            taken.append(a)
        w.absences = taken
        for a in taken:
            if a.reason == "MAT":
                _maternity_effects(staff, w, a, rng)


def _maternity_effects(staff: Staffing, w: Worker, a: Absence, rng: np.random.Generator) -> None:
    spec, areas, end = staff.cal.absence, staff.cal.service_areas, staff.end
    post = w.post_on(a.start)
    if post is None:
        return
    cover_start = a.start + 7
    if (
        post.role in CASE_ROLES
        and post.team.area in areas
        and areas[post.team.area].holds_cases
        and rng.random() < spec.maternity_cover
        and cover_start <= min(a.end, end)
    ):
        c = staff.new_worker(agency=True, qualified=w.qualified, start=cover_start)
        c.posts.append(
            Post(post.team, post.role, 1.0, cover_start, None if a.end >= end else a.end)
        )
        c.leave = None if a.end >= end else a.end
    back = a.end + 1
    if (
        back <= end
        and (w.leave is None or w.leave >= back)
        and rng.random() < spec.part_time_after_maternity
    ):
        fte = float(rng.choice([0.6, 0.8]))
        current = w.post_on(back)
        if current is not None and current.fte == 1.0:
            if current.start == back:
                current.fte = fte
            else:
                w.posts.insert(
                    w.posts.index(current) + 1,
                    Post(current.team, current.role, fte, back, current.end),
                )
                current.end = back - 1
            for p in w.posts:
                if p.start > back:
                    p.fte = fte
