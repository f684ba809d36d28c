"""Step 2: teams and funded posts for each service area, sized from the demand it holds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csc_scorecard.synth.workforce.calibration import AreaSpec, Calibration
from csc_scorecard.synth.workforce.cases import Case

if TYPE_CHECKING:
    from csc_scorecard.synth.workforce.staffing import Worker


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
    """Average number of open cases a day in each service area over the extract."""
    days = end - t0 + 1
    totals: dict[str, float] = defaultdict(float)
    for c in cases:
        s, e = max(c.start, t0), min(c.end or end + 1, end + 1)
        if e > s:
            totals[c.area] += e - s
    return {area: total / days for area, total in totals.items()}
