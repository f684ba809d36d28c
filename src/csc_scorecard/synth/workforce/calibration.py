"""The workforce calibration (`workforce.yaml` next to this module), validated on load.

The numbers and where each comes from are in the YAML; these models only say what shape they
have, so a typo in the file fails loudly instead of silently using a default.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from csc_scorecard.model import packaged
from csc_scorecard.model.packaged import Strict


class AreaSpec(Strict):
    name: str
    team_name: str
    localities: list[str] = Field(default_factory=list)
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


class ProjectTeam(Strict):
    name: str
    service_area: str
    agency_workers: int
    months_before_end: int


class CapacityBand(Strict):
    months: int
    factor: float


class AbsenceKind(Strict):
    rate: float
    min_days: int
    max_days: int
    min_age: int | None = None
    max_age: int | None = None


class AbsenceSpec(Strict):
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


class SupervisionSpec(Strict):
    on_time_share: dict[int, float]
    on_time_days: tuple[int, int]
    late_extra_mean_days: float
    unreturned_team_share: float = 0.0


class AuditSpec(Strict):
    monthly_rate: float
    grades: dict[int, tuple[float, float, float, float]]


class AgeSpec(Strict):
    mean: float
    sd: float
    min: float
    max: float


class LognormalDays(Strict):
    median: float
    sigma: float


class FaultSpec(Strict):
    """Data-quality faults given to `SynthConfig.imperfections` of the workforce and finance
    records (see `imperfections.py`)."""

    faults: dict[str, float]
    late_recording_days: LognormalDays
    unknown_codes: dict[str, list[str]]


class Calibration(Strict):
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
    imperfections: FaultSpec


def calibration() -> Calibration:
    """The workforce calibration shipped with the package (`synth/workforce/workforce.yaml`)."""
    return packaged.load(__package__, "workforce.yaml", Calibration)


def by_year(values: dict[int, Any], year: int) -> Any:
    """The value for the latest year on or before `year` (the first one before them all)."""
    keys = sorted(values)
    best = keys[0]
    for k in keys:
        if k <= year:
            best = k
    return values[best]


def area_name(key: str) -> str:
    """The service area's display name ("Children in Care") from its key."""
    areas = calibration().service_areas
    return areas[key].name if key in areas else key
