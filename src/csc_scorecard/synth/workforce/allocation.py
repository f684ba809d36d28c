"""Step 4: every open case is allocated to an available worker of its service area, and
reallocated when the worker leaves, moves team or goes on long-term absence.

Allocation periods are half-open: an allocation's `end` is the handover (or closure) date on
which the next one starts, as 903 episodes are (standards.md 1.2).

Each allocation records why the worker took the case, as a 903 SW_REASON code (standards.md
1.3): FCONTA for a first contact or re-referral (DfE publishes this code as "First contact or
re-referral" in its social worker reasons for change, and from 2024-25 rule SW10 lets only an
FCONTA episode start after a gap), TSPROC when the case moves to another service as part of the
standard process (assessment to child in need, into care), LEFTRL when the worker left (an
agency contract ending included), ORGRST when they moved post, ABSENC for long-term absence and
the planned reasons (MANAGE, CHCHAN, PCCHAN, OTHERS) from the calibration.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from csc_scorecard.synth.workforce.calibration import Calibration
from csc_scorecard.synth.workforce.cases import Case
from csc_scorecard.synth.workforce.days import FAR
from csc_scorecard.synth.workforce.establishment import Team
from csc_scorecard.synth.workforce.roles import CASE_ROLES, MANAGER_ROLES
from csc_scorecard.synth.workforce.sampling import choice, draw
from csc_scorecard.synth.workforce.staffing import Post, Worker, spells

OVERLOADED = 2.0  # cases held / the worker's share beyond which no new case is given if avoidable
# An available worker: (worker, post, base capacity or None, capacity or None, cases held).
Available = tuple[Worker, Post, float | None, float | None, dict[int, "Allocation"]]


@dataclass
class Allocation:
    child_id: str
    worker: Worker
    team: Team
    start: int
    end: int | None
    reason: str  # why this worker took the case (903 SW_REASON code)
    area: str


class Allocator:
    """Allocate every open case to a worker of its service area, day by day."""

    def __init__(
        self,
        cal: Calibration,
        rng: np.random.Generator,
        t0: int,
        end: int,
        teams: list[Team],
        workers: list[Worker],
    ):
        self.cal, self.rng, self.t0, self.end = cal, rng, t0, end
        self.area_teams: dict[str, list[Team]] = defaultdict(list)
        for t in teams:
            if not t.management and t.area in cal.service_areas:
                self.area_teams[t.area].append(t)
        for ts in self.area_teams.values():  # demand is not spread evenly between teams
            weights = rng.dirichlet([cal.team_demand_concentration] * len(ts))
            for t, wgt in zip(ts, weights, strict=True):
                t.demand_weight = float(wgt)
        self.management = {t.area: t for t in teams if t.management}
        self.workers = workers
        # team -> worker -> (worker, post, capacity before ASYE protection when it cannot
        # change while they are available: one post only, else None, worked out by the day;
        # the capacity itself when nothing changes it: that and no ASYE, else None; the
        # cases they hold)
        self.available: dict[str, dict[str, Available]] = defaultdict(dict)
        self.holding: dict[str, dict[int, Allocation]] = defaultdict(dict)
        self.current: dict[int, Allocation] = {}
        self.team_of: dict[str, str] = {}
        self.allocations: list[Allocation] = []

    def _base(self, w: Worker, post: Post, fte: float) -> float:
        return self.cal.role_capacity.get(post.role, 0.0) * fte * w.pace

    def _capacity(self, w: Worker, post: Post, base: float | None, day: int) -> float:
        cap = self._base(w, post, (w.post_on(day) or post).fte) if base is None else base
        if w.asye_start is not None:
            months = (day - w.asye_start) / 30.44
            for band in self.cal.asye_capacity:
                if months < band.months:
                    return cap * band.factor
        return cap

    def _events(self, cases: list[Case]) -> list[tuple[int, int, int, str, Any]]:
        ev: list[tuple[int, int, int, str, Any]] = []
        seq = 0

        def push(day: int, order: int, kind: str, ref: Any) -> None:
            nonlocal seq
            seq += 1
            ev.append((day, order, seq, kind, ref))

        absence = self.cal.absence
        for w in self.workers:
            away = []
            for a in w.absences:
                if a.end - a.start + 1 >= absence.long_term_days:
                    lead = (
                        -absence.maternity_handover_days
                        if a.reason == "MAT"
                        else absence.sickness_handover_days
                    )
                    away.append((a.start + lead, a.end))
            for run_start, last, post, moved in spells(w):
                area = self.cal.service_areas.get(post.team.area)
                if area is None or not area.holds_cases or last < self.t0:
                    continue
                if post.role not in (*CASE_ROLES, *MANAGER_ROLES):
                    continue
                off_reason = "ORGRST" if moved else "LEFTRL"
                s = max(run_start, self.t0)
                for a_start, a_end in away:  # long-term absence splits the availability
                    if a_end < s or a_start > last:
                        continue
                    if a_start > s:
                        push(s, 1, "on", (w, post))
                        push(a_start, 0, "off", (w, "ABSENC"))
                    s = a_end + 1
                if s <= last:
                    push(s, 1, "on", (w, post))
                    if last < FAR:
                        push(last, 0, "off", (w, off_reason))
        for i, c in enumerate(cases):
            push(max(c.start, self.t0), 3, "start", i)
            if c.end is not None:
                push(c.end, 2, "close", i)
                length = c.end - c.start
            else:
                length = FAR
            t = c.start
            rate = self.cal.voluntary_reallocation_rate
            while rate > 0:
                t += 1 + int(self.rng.exponential(365.25 / rate))
                if t - c.start >= length or t > self.end:
                    break
                if t > self.t0:
                    push(t, 4, "move", i)
        ev.sort()
        return ev

    def run(self, cases: list[Case]) -> list[Allocation]:
        self.cases = cases
        previous_end: dict[str, int] = {}
        reasons = self.cal.voluntary_reasons
        for day, _, _, kind, ref in self._events(cases):
            if day > self.end:
                break
            if kind == "off":
                w, reason = ref
                self.available[self.team_of.get(w.worker_id, "")].pop(w.worker_id, None)
                for i, a in sorted(self.holding[w.worker_id].items()):
                    self._reallocate(i, day, reason, prefer=a.team, exclude=w)
            elif kind == "on":
                w, p = ref
                base = self._base(w, p, p.fte) if len(w.posts) == 1 else None
                fixed = base if w.asye_start is None else None
                held = self.holding[w.worker_id]
                self.available[p.team.team_id][w.worker_id] = (w, p, base, fixed, held)
                self.team_of[w.worker_id] = p.team.team_id
            elif kind == "close":
                a = self.current.pop(ref, None)
                if a is not None:
                    a.end = day
                    self.holding[a.worker.worker_id].pop(ref, None)
                    previous_end[a.child_id] = day
            elif kind == "start":
                c = cases[ref]
                transfer = previous_end.get(c.child_id) == c.start
                self._assign(ref, day, "TSPROC" if transfer else "FCONTA", start=c.start)
            elif kind == "move" and ref in self.current:
                a = self.current[ref]
                self._reallocate(
                    ref, day, choice(self.rng, reasons), prefer=a.team, exclude=a.worker
                )
        return self.allocations

    def _reallocate(self, i: int, day: int, reason: str, prefer: Team, exclude: Worker) -> None:
        old = self.current.pop(i, None)
        if old is None:
            return
        old.end = day
        self.holding[old.worker.worker_id].pop(i, None)
        self._assign(i, day, reason, prefer=prefer, exclude=exclude)

    def _assign(
        self,
        i: int,
        day: int,
        reason: str,
        start: int | None = None,
        prefer: Team | None = None,
        exclude: Worker | None = None,
    ) -> None:
        case = self.cases[i]
        w, post = self._pick(case.area, day, prefer, exclude)
        if w is None:
            return
        begin = day if start is None or start >= day else max(start, post.start)
        if start is not None and begin > start:  # took over a case open before the history
            reason = "OTHERS"
        a = Allocation(case.child_id, w, post.team, begin, None, reason, case.area)
        self.allocations.append(a)
        self.current[i] = a
        self.holding[w.worker_id][i] = a

    def _pick(
        self, area: str, day: int, prefer: Team | None, exclude: Worker | None
    ) -> tuple[Worker | None, Post | None]:
        """A worker for a case: a team by its share of demand, then the worker with room.

        Workers are chosen with probability falling with their load relative to capacity, so
        caseloads even out but not perfectly; team managers (then the service manager) hold a
        case only when no practitioner is available, as they do in practice.
        """
        target = self.cal.service_areas[area].caseload_target or 15.0
        available, capacity = self.available, self._capacity

        # (This runs about 80,000 times, over some 700,000 workers: the loops are written out.)
        def practitioners(team: Team) -> list[tuple[Worker, Post, float, dict]]:
            out = []
            for w, p, base, cap, held in available[team.team_id].values():
                if w is exclude:
                    continue
                if cap is None:
                    cap = capacity(w, p, base, day)
                if cap > 0:
                    out.append((w, p, cap, held))
            return out

        def loads_of(people: list[tuple[Worker, Post, float, dict]]) -> list[float]:
            """Cases held relative to what each worker should hold."""
            return [len(held) / (cap * target) for _, _, cap, held in people]

        teams = self.area_teams.get(area, [])
        people: list[tuple[Worker, Post, float, dict]] = []
        loads: list[float] = []
        if prefer is not None and prefer.area == area:
            # a case handed over stays in its team unless everyone there is already full
            people = practitioners(prefer)
            loads = loads_of(people)
            if people and min(loads) > 1.2:
                people = []
        options = list(teams)
        while not people and options:
            team = options.pop(draw(self.rng, [t.demand_weight for t in options]))
            people = practitioners(team)
            loads = []
        if not people:
            return self._fallback(area, teams, exclude)
        loads = loads or loads_of(people)
        if min(loads) < OVERLOADED:  # nobody is given twice their share while others have room
            people = [p for p, load in zip(people, loads, strict=True) if load < OVERLOADED]
            loads = [load for load in loads if load < OVERLOADED]
        lowest = min(loads)
        k = draw(self.rng, [math.exp(-self.cal.allocation_evenness * (x - lowest)) for x in loads])
        return people[k][0], people[k][1]

    def _fallback(
        self, area: str, teams: list[Team], exclude: Worker | None
    ) -> tuple[Worker | None, Post | None]:
        for team in [*teams, self.management.get(area)]:
            if team is None:
                continue
            for w, p, *_ in self.available[team.team_id].values():
                if w is not exclude and p.role in MANAGER_ROLES:
                    return w, p
        for team_id in sorted(self.available):  # nobody in the area at all: anyone with a post
            for w, p, *_ in self.available[team_id].values():
                if w is not exclude:
                    return w, p
        return None, None


def tidy(allocations: list[Allocation]) -> list[Allocation]:
    """Allocations as recorded: none handed over the day it began, and a case handed straight
    back to the same worker kept as one allocation."""
    out: list[Allocation] = []
    last: dict[str, Allocation] = {}
    for a in sorted(allocations, key=lambda a: (a.child_id, a.start)):
        if a.end is not None and a.end <= a.start:
            continue
        prev = last.get(a.child_id)
        if prev is not None and prev.worker is a.worker and prev.end == a.start:
            prev.end = a.end
            continue
        out.append(a)
        last[a.child_id] = a
    return out
