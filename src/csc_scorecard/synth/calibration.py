"""The children's-journey calibration (`children.yaml`) as one strict, typed model.

Every number the simulation uses comes from here, so the YAML can be re-shaped for another
authority without touching code. `load()` validates the file once and caches it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import Field, field_validator, model_validator

from csc_scorecard.model import packaged
from csc_scorecard.model.packaged import Strict

if TYPE_CHECKING:
    from csc_scorecard.synth.authority import SynthConfig

Shares = dict[str, float]


class LogNormal(Strict):
    """A positive duration or score: lognormal with this median and log-sd, clipped to [min, max]."""

    median: float = Field(gt=0)
    sigma: float = Field(ge=0)
    min: float = 0
    max: float = float("inf")

    @model_validator(mode="after")
    def _bounds(self) -> LogNormal:
        if self.max < self.min:
            raise ValueError("max must not be below min")
        return self


def _positive_shares(value: Shares) -> Shares:
    if not value or any(w < 0 for w in value.values()) or sum(value.values()) <= 0:
        raise ValueError(f"shares must be non-negative with a positive total: {value}")
    return value


class Population(Strict):
    children_0_17: int = Field(gt=0)
    burn_in_years: int = Field(ge=2)
    history_years: int = Field(ge=0)
    sex_male_share: float = Field(ge=0, le=1)
    ethnicity: Shares
    sibling_same_ethnicity: float = Field(ge=0, le=1)
    disabled_share: float = Field(ge=0, le=1)
    disability: Shares
    disability_count: Shares
    upn_school_age_years: int
    upn_other_la_share: float = Field(ge=0, le=1)
    upn_other_las: list[str]
    upn_unknown_school_age: Shares
    upn_unknown_school_age_share: float = Field(ge=0, le=1)
    former_upn_share: float = Field(ge=0, le=1)

    _shares = field_validator("ethnicity", "disability", "disability_count")(_positive_shares)


class Families(Strict):
    size: Shares
    eldest_age: list[float] = Field(min_length=18, max_length=18)
    sibling_gap_years: LogNormal
    unborn_first_referral: float = Field(ge=0, le=1)
    unborn_days_before_birth: tuple[int, int]
    rereferral_probability: float = Field(ge=0, lt=1)
    rereferral_gap_days: LogNormal
    new_families_per_referral: float = Field(gt=0)


class FrontDoor(Strict):
    referrals_per_year: float = Field(gt=0)
    seasonality: list[float] = Field(min_length=12, max_length=12)
    weekend_referral_share: float = Field(ge=0, le=1)
    referral_source: Shares
    source_valid_from: dict[str, date]
    source_fallback: dict[str, str]
    contact_days_before_referral: Shares
    extra_contacts_per_episode: float = Field(ge=0)
    contact_only_children_per_referral: float = Field(ge=0)
    contact_only_contacts: Shares
    contact_only_to_early_help: float = Field(ge=0, le=1)
    contact_only_repeat_days: tuple[int, int]


class Pathway(Strict):
    first: Shares
    repeat_cp_multiplier: float = Field(gt=0)
    baby_multiplier: dict[str, float]
    s47_share: dict[str, float]
    icpc_without_plan: float = Field(ge=0, le=1)
    care_member_share: dict[str, float]
    care_entry_days_after_referral: LogNormal
    remand_share_12_plus: float = Field(ge=0, le=1)

    @field_validator("first")
    @classmethod
    def _routes(cls, value: Shares) -> Shares:
        expected = {"nfa", "assessed_close", "cin", "cp", "care"}
        if set(value) != expected:
            raise ValueError(f"pathway.first must name exactly {sorted(expected)}")
        return _positive_shares(value)


class Assessment(Strict):
    start_working_days_after_referral: Shares
    duration_working_days: LogNormal
    same_day_share: float = Field(ge=0, le=1)
    sibling_duration_same: float = Field(ge=0, le=1)
    internal_review_share: float = Field(ge=0, le=1)
    child_seen_working_days: LogNormal
    rc9_share_from_2022: float = Field(ge=0, le=1)
    rc9_valid_from: date
    protection_need_n1_share: float = Field(ge=0, le=1)
    close_working_days_after_authorisation: LogNormal
    factors: dict[str, float]
    no_factors_share_when_closed: float = Field(ge=0, le=1)
    factor_valid_from: dict[str, date]
    factor_fallback: dict[str, str]
    primary_need: Shares
    not_in_need_n9_share: float = Field(ge=0, le=1)


class Protection(Strict):
    s47_start_working_days_after_referral: Shares
    icpc_working_days: LogNormal
    icpc_target_working_days: int
    initial_category: Shares
    latest_category_changes: float = Field(ge=0, le=1)
    ends_at_review: list[float] = Field(min_length=1)
    first_review_months: int
    review_interval_months: int
    review_early_working_days: LogNormal
    review_late_share: float = Field(ge=0, le=1)
    review_late_working_days: LogNormal
    after_plan: Shares
    care_mid_plan_share: float = Field(ge=0, le=1)
    close_working_days_after_plan: LogNormal
    first_visit_working_days: LogNormal
    visit_gap_working_days: Shares
    seen_alone_share_4_plus: float = Field(ge=0, le=1)
    previous_plans_elsewhere: float = Field(ge=0, le=1)
    protection_last_six_months: float = Field(ge=0, le=1)


class CinPlan(Strict):
    start_working_days_after_assessment: LogNormal
    duration_days: LogNormal
    after_plan: Shares
    escalation_point: tuple[float, float]
    close_working_days_after_plan: LogNormal


class EarlyHelp(Strict):
    start_days_after_closure: LogNormal
    completion_days: LogNormal
    duration_days: LogNormal
    organisation: Shares
    outcome_recorded_from: date
    outcome_improved_share: float = Field(ge=0, le=1)


class Uasc(Strict):
    arrivals_per_year: dict[str, float]
    age_at_arrival: Shares
    male_share: float = Field(ge=0, le=1)
    ethnicity: Shares
    referral_source: Shares
    age_disputed_share: float = Field(ge=0, le=1)
    age_disputed_days: tuple[int, int]

    def arrivals(self, financial_year: int) -> float:
        return self.arrivals_per_year.get(str(financial_year), self.arrivals_per_year["default"])


class Care(Strict):
    exit_route: dict[str, Shares]
    duration_days: dict[str, LogNormal]
    home_rec: Shares
    sgo_foster_rec: Shares
    sgo_other_rec: Shares
    other_rec: Shares
    to18_rec: dict[str, Shares]
    remand_rec: Shares
    cin_after_home_days: LogNormal
    initial_legal_status: dict[str, Shares]
    police_protection_days: LogNormal
    epo_days: LogNormal
    after_emergency_order: Shares
    s20_to_proceedings: dict[str, float]
    s20_to_proceedings_days: LogNormal
    proceedings_weeks: LogNormal
    proceedings_issued_days_before_ico: LogNormal
    home_at_final_hearing: float = Field(ge=0, le=1)
    home_at_final_hearing_order: Shares
    placed_with_parents_after_hearing_days: tuple[int, int]
    reversed_to_sgo_share: float = Field(ge=0, le=1)
    placed_with_parents_days: LogNormal
    proceedings_at_home_share: float = Field(ge=0, le=1)
    proceedings_at_home_outcome: Shares
    mother_share_girls_14_plus: float = Field(ge=0, le=1)
    short_breaks_children_per_year: float = Field(ge=0)
    short_break_nights: Shares
    short_break_every_days: LogNormal
    short_break_years: LogNormal
    short_break_age: tuple[float, float]


class Temporary(Strict):
    share: float = Field(ge=0, le=1)
    days: LogNormal


class Registers(Strict):
    fostering_agencies: int = Field(gt=0)
    private_homes: int = Field(gt=0)
    own_homes: int = Field(gt=0)
    adoption_agencies: int = Field(gt=0)
    other_providers: int = Field(gt=0)
    ifa_provider: Shares
    private_home_provider: Shares
    school_provider: Shares
    adoption_agency_provider: list[str]


class Placement(Strict):
    first: dict[str, Shares]
    uasc_first: dict[str, Shares]
    remand_first: Shares
    spell_days: dict[str, LogNormal]
    next: dict[str, Shares]
    long_term_after_days: int
    long_term_jitter_days: int
    long_term_conversion: dict[str, float]
    to18_step_down_share: float = Field(ge=0, le=1)
    to18_step_down_days_before_18: LogNormal
    to18_step_down_to: Shares
    sgo_kinship_share: float = Field(ge=0, le=1)
    sgo_kinship_days: LogNormal
    cao_kinship_share: float = Field(ge=0, le=1)
    temporary: dict[str, Temporary]
    reason_place_change: Shares
    provider: dict[str, Shares]
    urn_exempt: list[str]
    urn_required_from: dict[str, date]
    replaced_from: dict[str, tuple[date, str]]
    registers: Registers
    in_area_share: dict[str, float]


class Adoption(Strict):
    adm_days_after_entry: LogNormal
    match_days_after_order: LogNormal
    placed_days_after_match: LogNormal
    order_days_after_placed: LogNormal
    foster_to_adopt_share: float = Field(ge=0, le=1)
    consent_share: float = Field(ge=0, le=1)
    consent_adm_days: LogNormal
    unopposed_share: float = Field(ge=0, le=1)
    reversed_share: float = Field(ge=0, le=1)
    reversed_reason: Shares
    reversed_days_after_order: LogNormal
    adopters: Shares
    single_sex: Shares
    couple: Shares
    couple_status_mixed: Shares
    couple_status_same: Shares


class Missing(Strict):
    prone_share: dict[str, float]
    rate_per_year: dict[str, float]
    missing_type: Shares
    duration_days: Shares


class Reviews(Strict):
    first_working_days: int
    second_months: int
    then_months: int
    early_days: LogNormal
    late_share: float = Field(ge=0, le=1)
    late_days: LogNormal
    participation: Shares


class Health(Strict):
    sdq_recorded: float = Field(ge=0, le=1)
    sdq_score: LogNormal
    sdq_reason: Shares
    convicted_10_plus: float = Field(ge=0, le=1)
    health_check_under_5: float = Field(ge=0, le=1)
    immunisations: float = Field(ge=0, le=1)
    teeth_check: float = Field(ge=0, le=1)
    health_assessment: float = Field(ge=0, le=1)
    substance_misuse_13_plus: float = Field(ge=0, le=1)
    intervention_received: float = Field(ge=0, le=1)
    intervention_offered_if_not_received: float = Field(ge=0, le=1)


class PreviousPermanence(Strict):
    collected_from: date
    prev_perm: Shares
    years_before_entry: LogNormal
    partial_date_share: float = Field(ge=0, le=1)
    la_perm_own_share: float = Field(ge=0, le=1)


class LeavingCare(Strict):
    in_touch: Shares
    activity_eet: Shares
    eet_share: dict[str, float]
    activity_neet: Shares
    accommodation_suitable: Shares
    suitable_share: float = Field(ge=0, le=1)
    accommodation_unsuitable: Shares
    staying_put: dict[str, float]
    pathway_plan_days_since: LogNormal
    pathway_plan_unsigned_share: float = Field(ge=0, le=1)
    contact_days_since: LogNormal
    lost_contact_days: tuple[int, int]
    recent_plan_unsigned_share: float = Field(ge=0, le=1)
    former_relevant_until_age: int


class Courts(Strict):
    outcome_labels: dict[str, str]


class Imperfections(Strict):
    faults: Shares
    late_recording_days: LogNormal
    unknown_codes: dict[str, list[str]]


class Calibration(Strict):
    population: Population
    families: Families
    front_door: FrontDoor
    pathway: Pathway
    assessment: Assessment
    protection: Protection
    cin_plan: CinPlan
    early_help: EarlyHelp
    uasc: Uasc
    care: Care
    placement: Placement
    adoption: Adoption
    missing: Missing
    reviews: Reviews
    health: Health
    previous_permanence: PreviousPermanence
    leaving_care: LeavingCare
    courts: Courts
    imperfections: Imperfections


def load() -> Calibration:
    """The calibration shipped with the package (`synth/children.yaml`)."""
    return packaged.load(__package__, "children.yaml", Calibration)


def for_config(config: SynthConfig) -> Calibration:
    """The calibration a simulation uses: the shipped one, or re-shaped like the authority
    `config.like` names (`synth.like`)."""
    if config.like is None:
        return load()
    from csc_scorecard.synth.like import like

    return like(load(), config.like, config.first_year, config.last_year)[0]
