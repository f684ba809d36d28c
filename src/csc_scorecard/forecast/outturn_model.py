"""The care-ladder forecast's results: each line's forecast, each group's, the grants and
offsets, the fostering split and the `Outturn` that holds them all (plain figures: the report's
finance section writes its sentences and tables from them)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.forecast.staffing import AgencyForecast, EstablishmentForecast


class _Result(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineForecast(_Result):
    """One care-ladder line's forecast for the financial year (GBP; counts of placements)."""

    line: str
    name: str
    group: str
    budget: float | None
    budget_placements_start: float | None = None
    budget_placements_end: float | None = None
    budget_unit_cost: float | None = None
    spend_to_date: float
    committed: float
    expected_ends: float
    expected_starts: float
    step_downs: float
    price_uplift: float
    forecast: float = Field(description="gross forecast outturn")
    grant_income: float = Field(0.0, description="per-night grant earned on the line's nights")
    budgeted_grant: float = 0.0
    variance: float | None = Field(
        description="(forecast - grant) - (budget - budgeted grant); + is an overspend"
    )
    # Counts of children's placements and what is built on them: None only where a publication
    # left a count of 1 to 5 out (report/publication.py `publish_finance`).
    placements_year_start: int | None
    placements_now: int | None
    placements_year_end: float | None
    average_placements: float | None
    nights_to_date: int | None
    nights_remaining: float | None
    starts_in_history: int | None
    ends_in_history: int | None
    start_rate_per_month: float | None
    end_rate_per_month: float | None = Field(description="share of placements ending in a month")
    average_weekly_now: float | None
    new_weekly: float | None = Field(description="weekly cost used for new placements")
    year_end_target: float | None = None


class Package(_Result):
    """An open placement's current weekly cost (child-level: never in a published report)."""

    placement_id: str
    child_id: str
    line: str
    provider: str | None
    start_date: date
    weekly_cost: float


class GroupForecast(_Result):
    id: str
    name: str
    short: str
    narrative: str
    lines: list[str]
    budget: float | None
    forecast: float
    grant_income: float
    variance: float | None
    # Counts: None only where a publication left a count of 1 to 5 out (as LineForecast).
    placements_year_start: int | None
    placements_now: int | None
    placements_year_end: float | None
    average_placements: float | None
    budget_placements_start: float | None
    budget_placements_end: float | None
    budget_average_placements: float | None
    average_annual_cost: float | None = Field(description="mean current package, a year")
    budget_unit_cost: float | None = Field(description="budget / budgeted average placements")
    weekly_min: float | None
    weekly_max: float | None
    top_tenth_low: float | None = Field(
        None, description="weekly cost range of the dearest tenth of open packages"
    )
    top_tenth_high: float | None = None
    budget_weekly: float | None = Field(None, description="budgeted unit cost as a weekly cost")
    above_budget: int | None = Field(
        0, description="open packages above the budgeted weekly cost, outlier apart"
    )
    above_budget_low: float | None = None
    above_budget_high: float | None = None
    outlier_weekly: float | None = Field(
        None, description="a package over 1.25 times the next dearest"
    )
    starts_in_history: int | None
    starts_last_month: int | None
    top_packages: list[Package] = []


class Offset(_Result):
    grant: str
    line: str | None
    amount: float


class UascGrant(_Result):
    line: str
    grant: str
    rate_per_night: float
    nights: float
    income: float
    cost: float
    pressure: float


class FosteringSplitForecast(_Result):
    independent_share_year_start: float | None
    independent_share_now: float | None
    independent_share_year_end: float | None
    planned_independent_share_year_end: float | None
    placements_over_budget_start: float | None
    placements_over_budget_end: float | None


class Outturn(_Result):
    """Everything the finance section says, for one authority, quarter and scenario."""

    la_code: str
    period: str
    as_at: date
    financial_year: int
    month: int = Field(description="months of the financial year elapsed (Q1 = month 3)")
    scenario: str
    scenario_description: str
    history_from: date
    lines: list[LineForecast]
    groups: list[GroupForecast]
    offsets: list[Offset]
    grants: list[UascGrant]
    fostering: FosteringSplitForecast | None
    agency: AgencyForecast | None
    establishment: EstablishmentForecast | None
    care_ladder_budget: float
    care_ladder_forecast: float
    care_ladder_variance: float = Field(description="line variances less offsets")
    total_budget: float
    total_forecast: float
    total_variance: float
