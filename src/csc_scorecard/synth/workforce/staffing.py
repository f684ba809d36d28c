"""Step 3: who holds each post over time, as a discrete-event run.

Permanent staff leave (turnover) and their posts stay vacant while recruitment runs; agency
workers cover some vacancies until a permanent appointment; colleagues move team or are
promoted into vacancies; newly qualified social workers (ASYEs) join. Absences are drawn
afterwards (`absences.py`).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from csc_scorecard.synth.workforce.calibration import AreaSpec, Calibration, by_year
from csc_scorecard.synth.workforce.days import FAR, financial_year
from csc_scorecard.synth.workforce.establishment import Slot, Team
from csc_scorecard.synth.workforce.roles import (
    CASE_ROLES,
    INTERNAL_FROM,
    MANAGER_ROLES,
    QUALIFIED_ROLES,
)
from csc_scorecard.synth.workforce.sampling import choice


@dataclass
class Post:
    team: Team
    role: str
    fte: float
    start: int
    end: int | None = None  # last day in post


@dataclass
class Absence:
    start: int
    end: int  # last day absent (may be beyond the extract end: still absent)
    reason: str


@dataclass
class Worker:
    worker_id: str
    agency: bool
    qualified: bool
    start: int
    pace: float
    leave: int | None = None
    posts: list[Post] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    asye_start: int | None = None
    leaving_reason: str | None = None
    leaver_destination: str | None = None
    start_origin: str | None = None
    swe_no: str | None = None
    sex: str | None = None
    date_of_birth: int | None = None
    ethnicity: str | None = None
    qual_inst: str | None = None
    qual_level: str | None = None
    slot: Slot | None = None
    leave_token: int = 0

    def post_on(self, day: int) -> Post | None:
        for p in self.posts:
            if p.start <= day and (p.end is None or p.end >= day):
                return p
        return None

    def absence_on(self, day: int) -> Absence | None:
        for a in self.absences:
            if a.start <= day <= a.end:
                return a
        return None


def spells(w: Worker) -> list[tuple[int, int, Post, bool]]:
    """Spells in one team and role (an FTE change does not end a spell): (first day, last day
    or FAR, the spell's first post, whether the worker moves on to another post afterwards)."""
    out: list[list[Any]] = []
    for p in w.posts:
        last = p.end if p.end is not None else FAR
        if (
            out
            and out[-1][2].team is p.team
            and out[-1][2].role == p.role
            and out[-1][1] + 1 == p.start
        ):
            out[-1][1] = last
        else:
            out.append([p.start, last, p, False])
    for spell in out[:-1]:
        spell[3] = True
    return [tuple(x) for x in out]


class Staffing:
    """Who holds each post from the start of the extract to its end (a discrete-event run)."""

    def __init__(
        self,
        cal: Calibration,
        rng: np.random.Generator,
        t0: int,
        end: int,
        teams: list[Team],
        slots: list[Slot],
        size: float,
    ):
        self.cal, self.rng, self.t0, self.end = cal, rng, t0, end
        self.teams, self.slots, self.size = teams, slots, size
        self.workers: list[Worker] = []
        self._events: list[tuple[int, int, str, Any, int]] = []
        self._seq = 0
        self._swe: set[str] = set()
        self.vacancy_log: dict[int, list[tuple[Slot, bool]]] = {}  # census day -> slot states

    # -- events
    def _push(self, day: int, kind: str, ref: Any, token: int) -> None:
        self._seq += 1
        heapq.heappush(self._events, (day, self._seq, kind, ref, token))

    def run(self) -> None:
        for slot in self.slots:
            self._initial(slot)
        self._project_team()
        census_days = [
            date(y, 9, 30).toordinal()
            for y in range(date.fromordinal(self.t0).year, date.fromordinal(self.end).year + 1)
        ]
        census_days = [d for d in census_days if self.t0 <= d <= self.end]
        while self._events and self._events[0][0] <= self.end:
            day, _, kind, ref, token = heapq.heappop(self._events)
            while census_days and census_days[0] < day:
                self._snapshot(census_days.pop(0))
            if kind == "perm" and token == ref.perm_token:
                if ref.holder is not None and ref.holder.agency:
                    self._leave(ref.holder, day - 1)
                self._fill(ref, day)
            elif kind == "agency" and ref.holder is None and ref.perm_due and day < ref.perm_due:
                self._agency(ref, day)
            elif kind == "leave" and token == ref.leave_token and ref.leave is None:
                slot = ref.slot
                self._leave(ref, day)
                if slot is not None:
                    self._vacate(slot, day + 1)
        for d in census_days:
            self._snapshot(d)

    def _snapshot(self, day: int) -> None:
        """Vacancy state of each post at a census date (standards.md 4: LALevelVacancies)."""
        self.vacancy_log[day] = [
            (s, s.holder is not None and not s.holder.agency) for s in self.slots
        ]

    # -- posts
    def _area(self, slot: Slot) -> AreaSpec:
        return self.cal.service_areas[slot.team.area]

    def _initial(self, slot: Slot) -> None:
        rng = self.rng
        if rng.random() < self.cal.initial_vacancy:
            self._vacate(slot, self.t0)
        elif slot.role in CASE_ROLES and rng.random() < self._area(slot).initial_agency_share:
            self._agency(slot, self.t0, started=self.t0 - int(rng.integers(0, 270)))
            self._schedule_recruitment(slot, self.t0)
        else:
            tenure = max(30, int(rng.exponential(self.cal.tenure_years * 365.25)))
            self._hire(slot, self.t0, started=self.t0 - min(tenure, 30 * 365))

    def _project_team(self) -> None:
        spec = self.cal.project_team
        team = Team(f"T{len(self.teams) + 1:03d}", spec.name, spec.service_area, True)
        start = self.end - int(spec.months_before_end * 30.44)
        if start <= self.t0 or spec.service_area not in {t.area for t in self.teams}:
            return
        self.teams.append(team)
        roles = ["team_manager"] + ["social_worker"] * max(
            1, round(spec.agency_workers * self.size)
        )
        for i, role in enumerate(roles):
            w = self.new_worker(
                agency=True,
                qualified=True,
                start=start + (int(self.rng.integers(0, 45)) if i else 0),
            )
            w.posts.append(Post(team, role, 1.0, w.start))

    def _recruitment_days(self, slot: Slot) -> float:
        if slot.role in MANAGER_ROLES:
            return self.cal.manager_recruitment_days
        return self._area(slot).recruitment_days

    def _schedule_recruitment(self, slot: Slot, day: int) -> None:
        mean = self._recruitment_days(slot)
        slot.perm_due = day + 1 + int(self.rng.gamma(2.0, mean / 2.0))
        slot.perm_token += 1
        self._push(slot.perm_due, "perm", slot, slot.perm_token)

    def _vacate(self, slot: Slot, day: int) -> None:
        slot.holder = None
        if slot.perm_due is None or slot.perm_due < day:
            self._schedule_recruitment(slot, day)
        cover = (
            self.cal.manager_agency_cover
            if slot.role in MANAGER_ROLES
            else self._area(slot).agency_cover
        )
        cover *= by_year(self.cal.agency_cover_trend, financial_year(day))
        if self.rng.random() < cover:
            start = day + 1 + int(self.rng.exponential(self.cal.agency_start_days))
            if start < slot.perm_due:
                self._push(start, "agency", slot, 0)

    def _fill(self, slot: Slot, day: int) -> None:
        """A permanent appointment: a colleague moving or promoted, or a new starter."""
        slot.perm_due = None
        if self.rng.random() < self.cal.internal_fill.get(slot.role, 0.0):
            mover = self._internal_candidate(slot, day)
            if mover is not None:
                old = mover.slot
                post = mover.posts[-1]
                post.end = day - 1
                mover.posts.append(Post(slot.team, slot.role, post.fte, day))
                mover.slot, slot.holder = slot, mover
                assert old is not None
                self._vacate(old, day)
                return
        self._hire(slot, day)

    def _internal_candidate(self, slot: Slot, day: int) -> Worker | None:
        eligible = INTERNAL_FROM.get(slot.role, {})
        options = []
        for other in self.slots:
            w = other.holder
            if w is None or w.agency or other is slot or other.role not in eligible:
                continue
            if other.team is slot.team and other.role == slot.role:
                continue
            if slot.role in QUALIFIED_ROLES and not w.qualified:
                continue
            if w.posts[-1].start > day - 180 or day - w.start < eligible[other.role] * 365:
                continue
            if w.asye_start is not None and day - w.asye_start < 365:
                continue
            options.append(w)
        if not options:
            return None
        return options[int(self.rng.integers(len(options)))]

    def _qualified(self, slot: Slot) -> bool:
        if slot.role in QUALIFIED_ROLES:
            return True
        return bool(self.rng.random() < self._area(slot).qualified_share)

    def _hire(self, slot: Slot, day: int, started: int | None = None) -> None:
        rng, cal = self.rng, self.cal
        start = day if started is None else started
        w = self.new_worker(agency=False, qualified=self._qualified(slot), start=start)
        fy = financial_year(max(start, self.t0))
        newly_qualified = (
            slot.role == "social_worker"
            and w.qualified
            and rng.random() < by_year(cal.asye_share, fy)
            and (started is None or day - start < 365)
        )
        if newly_qualified:
            w.asye_start, w.start_origin = start, "1"
        elif w.qualified:
            w.start_origin = choice(rng, cal.start_origin)
        self._demographics(w, newly_qualified)
        fte = 1.0
        if (
            slot.role in CASE_ROLES
            and slot.role != "advanced_practitioner"
            and not newly_qualified
            and rng.random() < cal.part_time_share
        ):
            fte = float(rng.choice(cal.part_time_fte))
        w.posts.append(Post(slot.team, slot.role, fte, start))
        w.slot, slot.holder = slot, w
        stay = int(rng.exponential(365.25 / cal.turnover_rate))
        w.leave_token += 1
        self._push(max(day, self.t0) + stay, "leave", w, w.leave_token)

    def _agency(self, slot: Slot, day: int, started: int | None = None) -> None:
        start = day if started is None else started
        w = self.new_worker(agency=True, qualified=slot.role in QUALIFIED_ROLES, start=start)
        w.posts.append(Post(slot.team, slot.role, 1.0, start))
        w.slot, slot.holder = slot, w
        w.leave_token += 1
        stay = 30 + int(self.rng.exponential(self.cal.agency_stay_days))
        self._push(day + stay, "leave", w, w.leave_token)

    def _leave(self, w: Worker, day: int) -> None:
        w.leave = day
        w.leave_token += 1
        w.posts[-1].end = day
        if w.slot is not None and w.slot.holder is w:
            w.slot.holder = None
        w.slot = None
        if not w.agency:
            w.leaving_reason = choice(self.rng, self.cal.reason_leave)
            w.leaver_destination = choice(self.rng, self.cal.leaver_destination)

    def new_worker(self, agency: bool, qualified: bool, start: int) -> Worker:
        """A worker with the next id; a registered social worker gets a Social Work England
        number and qualification details."""
        pace = float(math.exp(self.cal.personal_capacity_sigma * self.rng.standard_normal()))
        w = Worker(f"W{len(self.workers) + 1:05d}", agency, qualified, start, pace)
        if qualified:  # Social Work England number; the CSWW schema wants 2 letters + 10 digits
            while True:
                swe = f"SW{int(self.rng.integers(10**9, 10**10)):010d}"
                if swe not in self._swe:
                    break
            self._swe.add(swe)
            w.swe_no = swe
            w.qual_inst = str(self.rng.choice(self.cal.qual_inst))
            w.qual_level = choice(self.rng, self.cal.qual_level)
        self.workers.append(w)
        return w

    def _demographics(self, w: Worker, newly_qualified: bool) -> None:
        rng, cal = self.rng, self.cal
        spec = cal.asye_age_at_start if newly_qualified else cal.age_at_start
        age = float(np.clip(rng.normal(spec.mean, spec.sd), spec.min, spec.max))
        w.date_of_birth = w.start - int(age * 365.25) - int(rng.integers(0, 365))
        w.sex = "F" if rng.random() < cal.female_share else "M"
        w.ethnicity = choice(rng, cal.ethnicity)
