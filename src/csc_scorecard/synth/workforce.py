"""The synthetic authority's social work and family support workforce, and who holds each case.

`simulate(config, tables)` reads the children's canonical tables (children, referrals,
assessments, cp_plans, cla_episodes, care_leaver_plans, early_help_episodes; any may be absent)
and returns the workforce tables: teams, workers, worker_posts, worker_absences,
case_allocations, supervisions, case_audits, workforce_census_workers, workforce_census_la,
cla_social_worker_episodes, and care_leaver_plans with the allocated personal adviser filled in.

The steps, each a small function below:

1. `derive_cases`: the periods each child's case is open and the service area holding it
   (looked after > child protection > child in need > assessment > care leaver > family support).
2. `establish`: teams and posts, sized from that demand and the calibration in `workforce.yaml`.
3. `_Staffing`: who holds each post over time - permanent staff leave (turnover), posts stay
   vacant while recruitment runs, agency workers cover, colleagues move team or are promoted,
   newly qualified social workers (ASYEs) join; then absences (sickness, maternity, training).
4. `_Allocation`: every open case is allocated to an available worker of its service area and
   reallocated when the worker leaves, moves team or goes on long-term absence.
5. Records derived from those: supervisions, case audits, the workforce census (30 September)
   and the 903 social-worker episodes.

Dates are handled as ordinal day numbers inside the simulation. Allocation periods are
half-open: an allocation's `end_date` is the handover (or closure) date on which the next one
starts, as 903 episodes do (standards.md 1.2).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict

from csc_scorecard.model.schema import table as table_spec
from csc_scorecard.synth.authority import SynthConfig

# Mixed with config.seed (a SeedSequence) so these draws are independent of the children simulation's.
SEED_OFFSET = 1_001

CASE_ROLES = (
    "social_worker",
    "senior_practitioner",
    "advanced_practitioner",
    "personal_adviser",
    "family_support_worker",
)
MANAGER_ROLES = ("team_manager", "service_manager")
QUALIFIED_ROLES = (
    "service_manager",
    "team_manager",
    "advanced_practitioner",
    "senior_practitioner",
    "social_worker",
)
# CSWW OrgRole (standards.md 4).
ORG_ROLE = {
    "service_manager": "2",
    "team_manager": "3",
    "advanced_practitioner": "4",
    "senior_practitioner": "4",
    "social_worker": "5",
    "personal_adviser": "5",
}
# 903 REC codes after which a young person is not a care leaver: adopted, died, care transferred
# to another authority, returned home / SGO / child arrangements order (standards.md 1.3, 1.5).
NOT_CARE_LEAVER_REC = {
    "E11",
    "E12",
    "E2",
    "E3",
    "E4A",
    "E4B",
    "E13",
    "E41",
    "E43",
    "E44",
    "E45",
    "E46",
    "E47",
    "E48",
}
SHORT_BREAKS = {"V3", "V4"}
# Who can be promoted or moved into a post, and the service they need (years).
INTERNAL_FROM = {
    "service_manager": {"team_manager": 3},
    "team_manager": {"advanced_practitioner": 2, "senior_practitioner": 3, "social_worker": 5},
    "advanced_practitioner": {"senior_practitioner": 1, "social_worker": 3},
    "senior_practitioner": {"social_worker": 2},
    "social_worker": {"social_worker": 1},
    "personal_adviser": {"personal_adviser": 1},
    "family_support_worker": {"family_support_worker": 1},
}
# Priority of the services a child can be open to at once (lower wins the allocation).
PRIORITY = {"cla": 1, "cp": 2, "cin": 3, "assessment": 4, "care_leaver": 5, "family_support": 6}
# The canonical columns read from the children's tables.
INPUT_COLUMNS = {
    "children": ["child_id", "date_of_birth", "disabilities"],
    "referrals": ["child_id", "referral_date", "referral_nfa", "closure_date"],
    "assessments": ["child_id", "referral_date", "authorised_date"],
    "cp_plans": ["child_id", "start_date", "end_date"],
    "cla_episodes": ["child_id", "decom", "ls", "cin", "dec", "rec"],
    "care_leaver_plans": ["child_id", "as_at_date"],
    "early_help_episodes": [
        "child_id",
        "assessment_start_date",
        "assessment_completion_date",
        "closure_date",
    ],
}
FAR = 10**7  # an open end
OVERLOADED = 2.0  # cases held / the worker's share beyond which no new case is given if avoidable


# --------------------------------------------------------------------------- calibration


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AreaSpec(_Strict):
    name: str
    team_name: str
    localities: list[str] = []
    holds_cases: bool = True
    caseload_target: float | None = None
    referrals_per_post: float | None = None
    team_size: int
    case_role: str
    qualified_share: float = 1.0
    advanced_practitioners: int = 0
    senior_practitioners: int = 0
    agency_cover: float
    recruitment_days: float
    initial_agency_share: float = 0.0
    front_line: bool = True


class ProjectTeam(_Strict):
    name: str
    service_area: str
    agency_workers: int
    months_before_end: int


class CapacityBand(_Strict):
    months: int
    factor: float


class AbsenceKind(_Strict):
    rate: float
    min_days: int
    max_days: int
    min_age: int | None = None
    max_age: int | None = None


class AbsenceSpec(_Strict):
    short_sickness: AbsenceKind
    long_sickness: AbsenceKind
    maternity: AbsenceKind
    training: AbsenceKind
    other: AbsenceKind
    long_term_days: int
    sickness_handover_days: int
    maternity_handover_days: int
    maternity_cover: float
    part_time_after_maternity: float


class SupervisionSpec(_Strict):
    on_time_share: dict[int, float]
    on_time_days: tuple[int, int]
    late_extra_mean_days: float


class AuditSpec(_Strict):
    monthly_rate: float
    grades: dict[int, tuple[float, float, float, float]]


class AgeSpec(_Strict):
    mean: float
    sd: float
    min: float
    max: float


class LognormalDays(_Strict):
    median: float
    sigma: float


class Calibration(_Strict):
    service_areas: dict[str, AreaSpec]
    project_team: ProjectTeam
    role_capacity: dict[str, float]
    asye_capacity: list[CapacityBand]
    personal_capacity_sigma: float
    team_demand_concentration: float
    allocation_evenness: float
    voluntary_reallocation_rate: float
    voluntary_reasons: dict[str, float]
    turnover_rate: float
    agency_stay_days: float
    agency_start_days: float
    agency_cover_trend: dict[int, float]
    internal_fill: dict[str, float]
    initial_vacancy: float
    tenure_years: float
    part_time_share: float
    part_time_fte: list[float]
    asye_share: dict[int, float]
    manager_recruitment_days: float
    manager_agency_cover: float
    absence: AbsenceSpec
    supervision: SupervisionSpec
    audits: dict[str, AuditSpec]
    female_share: float
    age_at_start: AgeSpec
    asye_age_at_start: AgeSpec
    ethnicity: dict[str, float]
    qual_level: dict[str, float]
    qual_inst: list[str]
    start_origin: dict[str, float]
    leaver_destination: dict[str, float]
    reason_leave: dict[str, float]
    care_leaver_until_age: int
    step_down_share: float
    family_support_days: LognormalDays


@cache
def calibration() -> Calibration:
    text = resources.files(__package__).joinpath("workforce.yaml").read_text()
    return Calibration.model_validate(yaml.safe_load(text))


# --------------------------------------------------------------------------- public entry


def simulate(config: SynthConfig, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The workforce tables for the authority whose children's tables are `tables`."""
    cal = calibration()
    streams = [
        np.random.default_rng(s)
        for s in np.random.SeedSequence([config.seed, SEED_OFFSET]).spawn(6)
    ]
    t0, end = config.start.toordinal(), config.end.toordinal()
    rows = {
        name: (tables[name].select(columns).to_pylist() if name in tables else [])
        for name, columns in INPUT_COLUMNS.items()
    }

    cases = derive_cases(rows, t0, end, cal, streams[0])
    referrals_a_year = _per_year(rows["referrals"], "referral_date", t0, end)
    teams, slots = establish(cases, referrals_a_year, t0, end, cal, config.size)
    staff = _Staffing(cal, streams[1], t0, end, teams, slots, config.size)
    staff.run()
    staff.absences(streams[2])
    alloc = _Allocation(cal, streams[3], t0, end, teams, staff.workers)
    allocations = _tidy(alloc.run(cases))

    out = {
        "teams": _teams_table(teams, staff.workers, end),
        "workers": _workers_table(staff.workers, end),
        "worker_posts": _posts_table(staff.workers, end),
        "worker_absences": _absences_table(staff.workers, end),
        "case_allocations": _allocations_table(allocations),
        "supervisions": _supervisions(staff.workers, teams, t0, end, cal, streams[4]),
        "case_audits": _audits(allocations, t0, end, cal, streams[5]),
        "workforce_census_workers": _census_workers(staff.workers, allocations, t0, end, cal),
        "workforce_census_la": _census_la(staff, t0, end),
        "cla_social_worker_episodes": _sw_episodes(rows["cla_episodes"], allocations, t0, end),
    }
    if "care_leaver_plans" in tables:
        out["care_leaver_plans"] = _with_personal_advisers(tables["care_leaver_plans"], allocations)
    return out


# --------------------------------------------------------------------------- 1. cases


@dataclass
class Case:
    """A period a child's case is open in one service area (end exclusive; None = still open)."""

    child_id: str
    area: str
    start: int
    end: int | None
    kind: str


def derive_cases(
    rows: dict[str, list[dict]], t0: int, end: int, cal: Calibration, rng: np.random.Generator
) -> list[Case]:
    """Periods of each child's open case and the service area that holds it.

    A child open to several services at once is held by one worker in the area of the most
    intensive one: looked after (Children in Care, or Disabled Children for category of need N2
    and short breaks), child protection plan (ACPS), child in need after assessment (ACPS or
    Disabled Children), assessment (Assessment), care leaver (Care Leavers) and family support
    (PAFSS). Referrals with no further action are dealt with in the front door and not allocated.
    """
    children = {c["child_id"]: c for c in rows["children"]}
    spans: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)

    def add(child: str, start: date | None, stop: date | None, kind: str, area: str) -> None:
        if start is None:
            return
        s, e = start.toordinal(), (stop.toordinal() if stop else FAR)
        if e > s:
            spans[child].append((s, e, kind, area))

    def disabled(child: str) -> bool:
        d = (children.get(child) or {}).get("disabilities")
        return bool(d) and d.strip().upper() != "NONE"

    episodes: dict[str, list[dict]] = defaultdict(list)
    for ep in rows["cla_episodes"]:
        episodes[ep["child_id"]].append(ep)
        if ep["ls"] in SHORT_BREAKS:
            add(ep["child_id"], ep["decom"], ep["dec"], "cin", "disabled_children")
        else:
            area = "disabled_children" if ep["cin"] == "N2" else "children_in_care"
            add(ep["child_id"], ep["decom"], ep["dec"], "cla", area)
    for plan in rows["cp_plans"]:
        add(plan["child_id"], plan["start_date"], plan["end_date"], "cp", "acps")

    authorised: dict[tuple[str, date], list[date]] = defaultdict(list)
    for a in rows["assessments"]:
        if a["referral_date"] is not None and a["authorised_date"] is not None:
            authorised[(a["child_id"], a["referral_date"])].append(a["authorised_date"])
    have_assessments = bool(rows["assessments"])
    fs = cal.family_support_days
    for ref in rows["referrals"]:
        child, start, stop = ref["child_id"], ref["referral_date"], ref["closure_date"]
        if ref["referral_nfa"] or start is None or (stop is not None and stop <= start):
            continue
        done = authorised.get((child, start))
        if done:
            assessed = max(done)
        elif have_assessments:  # none authorised: held in assessment to the 45-working-day limit
            assessed = date.fromordinal(start.toordinal() + 63)
        else:  # no assessment records: single assessments take 10-45 days (standards.md 5.1)
            assessed = date.fromordinal(start.toordinal() + int(rng.integers(10, 46)))
        if stop is not None and assessed > stop:
            assessed = stop
        add(child, start, assessed, "assessment", "assessment")
        if stop is None or assessed < stop:
            add(child, assessed, stop, "cin", "disabled_children" if disabled(child) else "acps")
        if (
            not rows["early_help_episodes"]
            and stop is not None
            and rng.random() < cal.step_down_share
        ):
            days = int(fs.median * math.exp(fs.sigma * rng.standard_normal()))
            add(
                child,
                stop,
                date.fromordinal(stop.toordinal() + max(days, 14)),
                "family_support",
                "family_support",
            )

    # Early help closures come from local templates; where none are recorded (Annex A list 2
    # has only start and completion), each episode is given a typical length.
    closures_recorded = any(eh["closure_date"] for eh in rows["early_help_episodes"])
    for eh in rows["early_help_episodes"]:
        start = eh["assessment_start_date"]
        if start is None:
            continue
        stop = eh["closure_date"]
        if stop is None and not closures_recorded:
            base = eh["assessment_completion_date"] or start
            days = int(fs.median * math.exp(fs.sigma * rng.standard_normal()))
            stop = date.fromordinal(base.toordinal() + max(days, 14))
            stop = None if stop.toordinal() > end else stop
        add(eh["child_id"], start, stop, "family_support", "family_support")

    plans: dict[str, list[date]] = defaultdict(list)
    for p in rows["care_leaver_plans"]:
        plans[p["child_id"]].append(p["as_at_date"])
    for child in sorted(episodes.keys() | plans.keys()):
        eps = episodes.get(child, [])
        span = _care_leaver_span(children.get(child), eps, plans.get(child, []), cal)
        if span:
            spans[child].append((*span, "care_leaver", "care_leavers"))
        # On the care leaver list at a date they are not looked after (e.g. relevant children
        # who went home, or whose time in care predates the extract): a personal adviser then.
        for d in sorted(x for x in plans.get(child, []) if x is not None):
            day = d.toordinal()
            if span and span[0] <= day < span[1]:
                continue
            if any(e["decom"] <= d and (e["dec"] is None or e["dec"] > d) for e in eps):
                continue
            left = [e["dec"].toordinal() for e in eps if e["dec"] is not None and e["dec"] <= d]
            spans[child].append(
                (max(left) if left else day - 182, day + 1, "care_leaver", "care_leavers")
            )

    cases = []
    for child in sorted(spans):
        for s, e, kind, area in _resolve(spans[child]):
            if e <= t0 or s > end:
                continue
            cases.append(Case(child, area, s, None if e > end else e, kind))
    return cases


def _care_leaver_span(
    child: dict | None, eps: list[dict], plan_dates: list[date], cal: Calibration
) -> tuple[int, int] | None:
    """From leaving care to the personal adviser's last involvement, for an eligible care leaver.

    Eligible (standards.md 1.5, OC3 cohort): looked after for at least 13 weeks after the 14th
    birthday, still looked after on or after the 16th birthday, not adopted, not returned home.
    """
    if not eps or not child or child.get("date_of_birth") is None:
        return None
    if any(e["dec"] is None for e in eps):
        return None
    last = max(eps, key=lambda e: e["dec"])
    if last["rec"] in NOT_CARE_LEAVER_REC:
        return None
    dob = child["date_of_birth"]
    at14, at16 = _birthday(dob, 14), _birthday(dob, 16)
    days_after_14 = sum(
        max(0, e["dec"].toordinal() - max(e["decom"].toordinal(), at14))
        for e in eps
        if e["ls"] not in SHORT_BREAKS
    )
    if days_after_14 < 91 or last["dec"].toordinal() < at16:
        return None
    until = _birthday(dob, cal.care_leaver_until_age)
    later = [d.toordinal() + 1 for d in plan_dates if d is not None]
    until = min(max([until, *later]), _birthday(dob, 25))
    start = last["dec"].toordinal()
    return (start, until) if until > start else None


def _resolve(spans: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Split overlapping service periods into one run per service area, highest priority first."""
    points = sorted({p for s, e, _, _ in spans for p in (s, e)})
    runs: list[list[Any]] = []
    for a, b in itertools.pairwise(points):
        active = [(PRIORITY[k], area, k) for s, e, k, area in spans if s <= a < e]
        if not active:
            continue
        _, area, kind = min(active)
        if runs and runs[-1][1] == a and runs[-1][3] == area:
            runs[-1][1] = b
        else:
            runs.append([a, b, kind, area])
    return [tuple(r) for r in runs]


def _birthday(dob: date, years: int) -> int:
    try:
        return dob.replace(year=dob.year + years).toordinal()
    except ValueError:  # 29 February
        return date(dob.year + years, 3, 1).toordinal()


def _per_year(rows: list[dict], column: str, t0: int, end: int) -> float:
    n = sum(1 for r in rows if r[column] is not None and t0 <= r[column].toordinal() <= end)
    return n * 365.25 / max(end - t0 + 1, 1)


# --------------------------------------------------------------------------- 2. establishment


@dataclass
class Team:
    team_id: str
    name: str
    area: str
    front_line: bool
    management: bool = False
    demand_weight: float = 1.0


@dataclass
class Slot:
    """A funded post: filled by a permanent worker, covered by an agency worker, or vacant."""

    team: Team
    role: str
    holder: Worker | None = None
    perm_due: int | None = None
    perm_token: int = 0


def establish(
    cases: list[Case], referrals_a_year: float, t0: int, end: int, cal: Calibration, size: float
) -> tuple[list[Team], list[Slot]]:
    """Teams and posts for each service area, sized from the cases it holds on average."""
    demand = _average_open(cases, t0, end)
    teams: list[Team] = []
    slots: list[Slot] = []

    def new_team(name: str, area: str, front_line: bool, management: bool = False) -> Team:
        team = Team(f"T{len(teams) + 1:03d}", name, area, front_line, management)
        teams.append(team)
        return team

    for key, spec in cal.service_areas.items():
        if spec.holds_cases:
            posts = demand.get(key, 0.0) / (spec.caseload_target or 1.0)
        else:
            posts = referrals_a_year / (spec.referrals_per_post or 1.0)
        if posts <= 0:
            continue
        n_teams = max(1, round(posts / spec.team_size))
        per_team = max(2, round((posts - n_teams * spec.advanced_practitioners * 0.5) / n_teams))
        new_team(f"{spec.name} management", key, False, management=True)
        slots.append(Slot(teams[-1], "service_manager"))
        for name in _team_names(spec, n_teams):
            team = new_team(name, key, spec.front_line)
            slots.append(Slot(team, "team_manager"))
            slots.extend(
                Slot(team, "advanced_practitioner") for _ in range(spec.advanced_practitioners)
            )
            seniors = min(spec.senior_practitioners, per_team - 1)
            slots.extend(Slot(team, "senior_practitioner") for _ in range(seniors))
            slots.extend(Slot(team, spec.case_role) for _ in range(per_team - seniors))
    return teams, slots


def _team_names(spec: AreaSpec, n: int) -> list[str]:
    """Team names: numbered ("Assessment 1"), or by locality in turn ("ACPS South 1", "ACPS
    Central 1", ..., "ACPS South 2"); a lone team is not numbered."""
    pattern = spec.team_name
    if "{locality}" not in pattern:
        if n == 1:
            return [pattern.replace(" {n}", "")]
        return [pattern.format(n=i + 1) for i in range(n)]
    places = spec.localities
    rounds = -(-n // len(places))
    names = []
    for i in range(n):
        place, k = places[i % len(places)], i // len(places) + 1
        if "{n}" in pattern:
            names.append(pattern.format(locality=place, n=k))
        else:
            names.append(pattern.format(locality=place) + (f" {k}" if rounds > 1 else ""))
    return names


def _average_open(cases: list[Case], t0: int, end: int) -> dict[str, float]:
    days = end - t0 + 1
    totals: dict[str, float] = defaultdict(float)
    for c in cases:
        s, e = max(c.start, t0), min(c.end or end + 1, end + 1)
        if e > s:
            totals[c.area] += e - s
    return {area: total / days for area, total in totals.items()}


# --------------------------------------------------------------------------- 3. staffing


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


class _Staffing:
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
            w = self._new_worker(
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
        cover *= _by_year(self.cal.agency_cover_trend, _financial_year(day))
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
        w = self._new_worker(agency=False, qualified=self._qualified(slot), start=start)
        fy = _financial_year(max(start, self.t0))
        newly_qualified = (
            slot.role == "social_worker"
            and w.qualified
            and rng.random() < _by_year(cal.asye_share, fy)
            and (started is None or day - start < 365)
        )
        if newly_qualified:
            w.asye_start, w.start_origin = start, "1"
        elif w.qualified:
            w.start_origin = _choice(rng, cal.start_origin)
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
        w = self._new_worker(agency=True, qualified=slot.role in QUALIFIED_ROLES, start=start)
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
            w.leaving_reason = _choice(self.rng, self.cal.reason_leave)
            w.leaver_destination = _choice(self.rng, self.cal.leaver_destination)

    def _new_worker(self, agency: bool, qualified: bool, start: int) -> Worker:
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
            w.qual_level = _choice(self.rng, self.cal.qual_level)
        self.workers.append(w)
        return w

    def _demographics(self, w: Worker, newly_qualified: bool) -> None:
        rng, cal = self.rng, self.cal
        spec = cal.asye_age_at_start if newly_qualified else cal.age_at_start
        age = float(np.clip(rng.normal(spec.mean, spec.sd), spec.min, spec.max))
        w.date_of_birth = w.start - int(age * 365.25) - int(rng.integers(0, 365))
        w.sex = "F" if rng.random() < cal.female_share else "M"
        w.ethnicity = _choice(rng, cal.ethnicity)

    # -- absences
    def absences(self, rng: np.random.Generator) -> None:
        """Sickness, maternity, training and other absence of employed staff, with agency cover
        for some maternity leave and a return on reduced hours for others."""
        spec = self.cal.absence
        kinds = [
            ("SIC", spec.short_sickness),
            ("SIC", spec.long_sickness),
            ("MAT", spec.maternity),
            ("TRN", spec.training),
            ("OTH", spec.other),
        ]
        for w in list(self.workers):
            if w.agency:
                continue
            first = max(w.start, self.t0 - 183)  # the first census year's absence is needed too
            last = min(w.leave if w.leave is not None else self.end, self.end)
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
                    self._maternity_effects(w, a, rng)

    def _maternity_effects(self, w: Worker, a: Absence, rng: np.random.Generator) -> None:
        spec = self.cal.absence
        post = w.post_on(a.start)
        if post is None:
            return
        cover_start = a.start + 7
        if (
            post.role in CASE_ROLES
            and post.team.area in self.cal.service_areas
            and self.cal.service_areas[post.team.area].holds_cases
            and rng.random() < spec.maternity_cover
            and cover_start <= min(a.end, self.end)
        ):
            c = self._new_worker(agency=True, qualified=w.qualified, start=cover_start)
            c.posts.append(
                Post(post.team, post.role, 1.0, cover_start, None if a.end >= self.end else a.end)
            )
            c.leave = None if a.end >= self.end else a.end
        back = a.end + 1
        if (
            back <= self.end
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


def _runs(w: Worker) -> list[tuple[int, int, Post, bool]]:
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


def _financial_year(day: int) -> int:
    d = date.fromordinal(day)
    return d.year if d.month >= 4 else d.year - 1


def _by_year(values: dict[int, Any], year: int) -> Any:
    """The value for the latest year on or before `year` (the first one before them all)."""
    keys = sorted(values)
    best = keys[0]
    for k in keys:
        if k <= year:
            best = k
    return values[best]


def _choice(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    return keys[_draw(rng, [weights[k] for k in keys])]


def _draw(rng: np.random.Generator, weights: list[float]) -> int:
    """An index drawn with probability proportional to `weights` (one uniform draw)."""
    u = rng.random() * sum(weights)
    total = 0.0
    for i, w in enumerate(weights):
        total += w
        if u < total:
            return i
    return len(weights) - 1


# --------------------------------------------------------------------------- 4. allocation


@dataclass
class Allocation:
    child_id: str
    worker: Worker
    team: Team
    start: int
    end: int | None
    reason: str | None  # why this worker took the case (903 SW_REASON code), None when new
    area: str


class _Allocation:
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
        self.available: dict[str, dict[str, tuple[Worker, Post]]] = defaultdict(dict)
        self.holding: dict[str, dict[int, Allocation]] = defaultdict(dict)
        self.current: dict[int, Allocation] = {}
        self.team_of: dict[str, str] = {}
        self.allocations: list[Allocation] = []

    def _capacity(self, w: Worker, post: Post, day: int) -> float:
        fte = post.fte if len(w.posts) == 1 else (w.post_on(day) or post).fte
        cap = self.cal.role_capacity.get(post.role, 0.0) * fte * w.pace
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
            for run_start, last, post, moved in _runs(w):
                area = self.cal.service_areas.get(post.team.area)
                if area is None or not area.holds_cases or last < self.t0:
                    continue
                if post.role not in (*CASE_ROLES, *MANAGER_ROLES):
                    continue
                off_reason = "ORGRST" if moved else ("FCONTA" if w.agency else "LEFTRL")
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
                self.available[p.team.team_id][w.worker_id] = (w, p)
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
                self._assign(ref, day, "TSPROC" if transfer else None, start=c.start)
            elif kind == "move" and ref in self.current:
                a = self.current[ref]
                self._reallocate(
                    ref, day, _choice(self.rng, reasons), prefer=a.team, exclude=a.worker
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
        reason: str | None,
        start: int | None = None,
        prefer: Team | None = None,
        exclude: Worker | None = None,
    ) -> None:
        case = self.cases[i]
        w, post = self._pick(case.area, day, prefer, exclude)
        if w is None:
            return
        begin = day if start is None or start >= day else max(start, post.start)
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

        def practitioners(team: Team) -> list[tuple[Worker, Post, float]]:
            out = []
            for w, p in self.available[team.team_id].values():
                if w is exclude:
                    continue
                cap = self._capacity(w, p, day)
                if cap > 0:
                    out.append((w, p, cap))
            return out

        teams = self.area_teams.get(area, [])
        people: list[tuple[Worker, Post, float]] = []
        if prefer is not None and prefer.area == area:
            # a case handed over stays in its team unless everyone there is already full
            people = practitioners(prefer)
            if people and min(self._load(w, cap, target) for w, _, cap in people) > 1.2:
                people = []
        options = list(teams)
        while not people and options:
            team = options.pop(_draw(self.rng, [t.demand_weight for t in options]))
            people = practitioners(team)
        if not people:
            return self._fallback(area, teams, exclude)
        loads = [self._load(w, cap, target) for w, _, cap in people]
        if min(loads) < OVERLOADED:  # nobody is given twice their share while others have room
            people = [p for p, load in zip(people, loads, strict=True) if load < OVERLOADED]
            loads = [load for load in loads if load < OVERLOADED]
        lowest = min(loads)
        k = _draw(self.rng, [math.exp(-self.cal.allocation_evenness * (x - lowest)) for x in loads])
        return people[k][0], people[k][1]

    def _load(self, w: Worker, cap: float, target: float) -> float:
        """Cases held relative to what the worker should hold."""
        return len(self.holding[w.worker_id]) / (cap * target)

    def _fallback(
        self, area: str, teams: list[Team], exclude: Worker | None
    ) -> tuple[Worker | None, Post | None]:
        for team in [*teams, self.management.get(area)]:
            if team is None:
                continue
            for w, p in self.available[team.team_id].values():
                if w is not exclude and p.role in MANAGER_ROLES:
                    return w, p
        for team_id in sorted(self.available):  # nobody in the area at all: anyone with a post
            for w, p in self.available[team_id].values():
                if w is not exclude:
                    return w, p
        return None, None


# --------------------------------------------------------------------------- 5. records


def _supervisions(
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
            if s <= day <= e and m is not not_ and not _absent(m, day):
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
            day = _weekday(day)
            absence = _absent(w, day)
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
            on_time = rng.random() < _by_year(spec.on_time_share, _financial_year(day))
            if on_time:
                day += int(rng.integers(spec.on_time_days[0], spec.on_time_days[1] + 1))
            else:
                day += spec.on_time_days[1] + 1 + int(rng.gamma(2.0, spec.late_extra_mean_days / 2))
    return _arrow("supervisions", rows)


def _absent(w: Worker, day: int) -> Absence | None:
    for a in w.absences:
        if a.start <= day <= a.end:
            return a
    return None


def _weekday(day: int) -> int:
    wd = date.fromordinal(day).weekday()
    return day + (7 - wd if wd >= 5 else 0)


def _audits(
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
    grades = ["outstanding", "good", "requires_improvement", "inadequate"]
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
            probs = list(_by_year(spec.grades, _financial_year(mid)))
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
                        "grade": grades[_draw(rng, probs)],
                    }
                )
        month = nxt
    rows.sort(key=lambda r: (r["audit_date"], r["child_id"]))
    for i, r in enumerate(rows, start=1):
        r["audit_id"] = f"AUD{i:06d}"
    return _arrow("case_audits", rows)


def _census_days(t0: int, end: int) -> list[tuple[int, int]]:
    """(collection year, 30 September) for every census date within the extract."""
    years = range(date.fromordinal(t0).year, date.fromordinal(end).year + 1)
    return [
        (y, date(y, 9, 30).toordinal()) for y in years if t0 <= date(y, 9, 30).toordinal() <= end
    ]


def _census_workers(
    workers: list[Worker], allocations: list[Allocation], t0: int, end: int, cal: Calibration
) -> pa.Table:
    """CSWW worker records (standards.md 4): registered social workers in post at 30 September,
    and those who left in the 12 months to it; cases held, absence and FTE at the date."""
    held: dict[tuple[str, int], int] = defaultdict(int)
    census = _census_days(t0, end)
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
                "role_start_date": _date(w.start),
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
                        "date_of_birth": _date(w.date_of_birth),
                        "sex": w.sex,
                        "ethnicity": w.ethnicity,
                        "start_origin": w.start_origin if w.start >= window[0] else None,
                        "role_end_date": _date(w.leave) if left else None,
                        "leaver_destination": w.leaver_destination if left else None,
                        "reason_leave": w.leaving_reason if left else None,
                        "absent_at_30_sept": (_absent(w, day) is not None) if in_post else None,
                        "working_days_lost": lost,
                        "reason_absence": main,
                    }
                )
            rows.append(row)
    return _arrow("workforce_census_workers", rows)


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


def _census_la(staff: _Staffing, t0: int, end: int) -> pa.Table:
    """CSWW LA level (standards.md 4): vacant social worker posts (FTE; agency cover does not
    fill a vacancy) and agency social workers in post at 30 September."""
    rows = []
    for year, day in _census_days(t0, end):
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
    return _arrow("workforce_census_la", rows)


def _sw_episodes(
    episodes: list[dict], allocations: list[Allocation], t0: int, end: int
) -> pa.Table:
    """903 social-worker episodes: for each child looked after at 31 March (or at the extract
    date in the year in progress), every allocation to a registered social worker in that year
    (standards.md 1.4, rule SW12). SW_REASON says why the worker changed; the child's first
    episode has none (rule SW13)."""
    looked_after: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for e in episodes:
        if e["ls"] in SHORT_BREAKS or e["decom"] is None:
            continue
        looked_after[e["child_id"]].append(
            (e["decom"].toordinal(), e["dec"].toordinal() if e["dec"] else FAR)
        )
    by_child: dict[str, list[Allocation]] = defaultdict(list)
    for a in allocations:
        by_child[a.child_id].append(a)
    first_year = _financial_year(t0)
    rows: dict[tuple[str, str, int], dict] = {}
    for fy in range(first_year, _financial_year(end) + 1):
        year_start = date(fy, 4, 1).toordinal()
        census = min(date(fy + 1, 3, 31).toordinal(), end)
        for child in sorted(looked_after):
            if not any(s <= census < e for s, e in looked_after[child]):
                continue
            history = sorted(by_child.get(child, []), key=lambda a: a.start)
            for n, a in enumerate(history):
                if not a.worker.qualified or a.start > census:
                    continue
                if a.end is not None and a.end < year_start:
                    continue
                reason = (a.reason or "OTHERS") if n else None
                rows[(child, a.worker.swe_no or "", a.start)] = {
                    "child_id": child,
                    "sw_id": a.worker.swe_no,
                    "sw_decom": _date(a.start),
                    "sw_dec": _date(a.end),
                    "sw_reason": reason,
                }
    return _arrow("cla_social_worker_episodes", [rows[k] for k in sorted(rows)])


def _with_personal_advisers(plans: pa.Table, allocations: list[Allocation]) -> pa.Table:
    """Annex A list 9's allocated personal adviser: the care leaver's worker at the extract date."""
    by_child: dict[str, list[Allocation]] = defaultdict(list)
    for a in allocations:
        if a.area == "care_leavers":
            by_child[a.child_id].append(a)
    rows = plans.to_pylist()
    for r in rows:
        if r["as_at_date"] is None:
            continue
        day = r["as_at_date"].toordinal()
        for a in by_child.get(r["child_id"], []):
            if a.start <= day and (a.end is None or a.end > day):
                r["personal_adviser"] = a.worker.worker_id
    return pa.Table.from_pylist(rows, schema=plans.schema)


# --------------------------------------------------------------------------- tables


def _date(day: int | None) -> date | None:
    return None if day is None else date.fromordinal(day)


def _arrow(name: str, rows: list[dict]) -> pa.Table:
    """A canonical table (data columns only, typed per tables.yaml) from row dicts."""
    spec = table_spec(name)
    schema = pa.schema([f for f in spec.arrow_schema() if f.name in spec.data_column_names])
    return pa.table(
        {f.name: pa.array([r.get(f.name) for r in rows], type=f.type) for f in schema},
        schema=schema,
    )


def _teams_table(teams: list[Team], workers: list[Worker], end: int) -> pa.Table:
    """Each team with its manager at the extract date (else its most recent one)."""
    best: dict[str, tuple[tuple[int, int], str]] = {}
    for w in workers:
        for p in w.posts:
            if p.role in MANAGER_ROLES and p.start <= end:
                rank = (1 if p.end is None or p.end >= end else 0, p.start)
                if p.team.team_id not in best or rank > best[p.team.team_id][0]:
                    best[p.team.team_id] = (rank, w.worker_id)
    rows = [
        {
            "team_id": t.team_id,
            "team_name": t.name,
            "service_area": _area_name(t.area),
            "front_line": t.front_line,
            "manager_worker_id": best[t.team_id][1] if t.team_id in best else None,
        }
        for t in teams
    ]
    return _arrow("teams", rows)


def _area_name(key: str) -> str:
    areas = calibration().service_areas
    return areas[key].name if key in areas else key


def _workers_table(workers: list[Worker], end: int) -> pa.Table:
    rows = [
        {
            "worker_id": w.worker_id,
            "swe_no": w.swe_no,
            "agency": w.agency,
            "qualified": w.qualified,
            "asye_start_date": _date(w.asye_start),
            "start_date": _date(w.start),
            "leave_date": _date(w.leave) if w.leave is not None and w.leave <= end else None,
            "leaving_reason": w.leaving_reason if w.leave is not None else None,
        }
        for w in workers
        if w.start <= end
    ]
    return _arrow("workers", rows)


def _posts_table(workers: list[Worker], end: int) -> pa.Table:
    rows = [
        {
            "worker_id": w.worker_id,
            "team_id": p.team.team_id,
            "role": p.role,
            "fte": p.fte,
            "start_date": _date(p.start),
            "end_date": _date(p.end) if p.end is not None and p.end <= end else None,
        }
        for w in workers
        for p in w.posts
        if p.start <= end
    ]
    return _arrow("worker_posts", rows)


def _absences_table(workers: list[Worker], end: int) -> pa.Table:
    rows = [
        {
            "worker_id": w.worker_id,
            "start_date": _date(a.start),
            "end_date": _date(a.end) if a.end <= end else None,
            "reason": a.reason,
        }
        for w in workers
        for a in w.absences
        if a.start <= end
    ]
    return _arrow("worker_absences", rows)


def _tidy(allocations: list[Allocation]) -> list[Allocation]:
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


def _allocations_table(allocations: list[Allocation]) -> pa.Table:
    rows = [
        {
            "child_id": a.child_id,
            "worker_id": a.worker.worker_id,
            "start_date": _date(a.start),
            "end_date": _date(a.end),
        }
        for a in allocations
    ]
    return _arrow("case_allocations", rows)
