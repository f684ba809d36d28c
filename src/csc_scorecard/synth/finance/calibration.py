"""The finance calibration (`finance.yaml` next to this module): placement cost lines, budgets,
grants, agency rates, the children's homes pipeline and the manually supplied figures, validated
on load (the numbers and where each comes from are in the YAML)."""

from __future__ import annotations

from csc_scorecard.model import packaged
from csc_scorecard.model.packaged import Strict


class CostComponent(Strict):
    share: float
    median: float
    sigma: float
    min: float
    max: float


class Renegotiation(Strict):
    rate: float
    median: float
    sigma: float


class LineSpec(Strict):
    name: str
    weekly_cost: list[CostComponent]
    renegotiation: Renegotiation
    budget_start_ratio: float | None = None
    budget_end_ratio: float | None = None
    budget_unit_cost_ratio: float


class FosteringSpec(Strict):
    start_ratio: float
    end_ratio: float
    planned_ifa_shift: float


class HomeSpec(Strict):
    id: str
    name: str
    beds: int
    capital_cost: float
    status: list[tuple[int, str]]
    planned_opening: list[tuple[int, int]]
    works_cost: list[tuple[int, float]]
    manager_recruited_at: int | None = None
    risks: list[tuple[int, str]]


class ManualSpec(Strict):
    population_10_17: float
    first_time_entrants_rate: dict[int, float]
    reoffending_cohort: float
    reoffending_share: dict[int, float]
    homes_in_operation: int
    home_grade_change: float
    home_good_share: float
    home_outstanding_share: float
    home_inadequate_share: float
    own_homes: list[tuple[str, int]]
    family_support_closures: float
    family_support_improved: dict[int, float]
    family_support_days: dict[int, float]


class Calibration(Strict):
    lines: dict[str, LineSpec]
    fostering: FosteringSpec
    age_bands: dict[int, float]
    price_index: dict[int, float]
    staff_cost_per_fte: dict[int, float]
    agency_cost_per_fte_month: dict[int, float]
    manager_cost_factor: float
    agency_budget_start_ratio: float
    agency_budget_end_ratio: float
    uasc_rate_per_night: dict[int, float]
    dsg_high_needs_share: dict[int, float]
    providers: dict[str, list[str]]
    homes: list[HomeSpec]
    manual: ManualSpec


def calibration() -> Calibration:
    """The finance calibration shipped with the package (`synth/finance/finance.yaml`)."""
    return packaged.load(__package__, "finance.yaml", Calibration)
