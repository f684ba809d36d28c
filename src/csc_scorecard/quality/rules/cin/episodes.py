"""CIN census rules on episodes of need, assessments, section 47 enquiries and plans.

Census year: `cy_start` (1 April) to `cy_end` (the header's ReferenceDate, 31 March). A nested
group (assessment, S47, plan) belongs to the episode of need whose CINreferralDate it carries
(`referral_date`), which the reader copies from the enclosing CINdetails.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.cin.child import hashes_repeated, not_a_code
from csc_scorecard.quality.rules.sql import valid_code

R = "cin"


def _overlaps(view: str, start: str, end: str, *, strict: bool = False, open_if: str = "") -> str:
    """Rows of `view` starting on or after another row of the same child started and before
    that one ended (`strict`: before, else on or before), or while it is open (its end blank;
    `open_if` narrows which blank-ended rows count as open) and before the reference date."""
    before = "<" if strict else "<="
    still_open = f"b.{end} IS NULL AND a.{start} {before} a.cy_end" + (
        f" AND {open_if}" if open_if else ""
    )
    return f"""SELECT a.* FROM {view} a SEMI JOIN {view} b
        ON a.la_code = b.la_code AND a.child_id = b.child_id
           AND NOT (a.load_id = b.load_id AND a."row" = b."row")
           AND b.{start} IS NOT NULL AND a.{start} >= b.{start}
           AND ((b.{end} IS NOT NULL AND a.{start} {before} b.{end}) OR ({still_open}))
        WHERE a.{start} IS NOT NULL"""


@rule(
    "8600",
    R,
    "Child referral date missing or after data collection period",
    fields=["CINreferralDate"],
    column="referral_date",
)
def r8600() -> str:
    """CINreferralDate blank (or unreadable) or after the reference date."""
    return "SELECT * FROM referrals WHERE referral_date IS NULL OR referral_date > cy_end"


@rule(
    "8620",
    R,
    "CIN Closure Date present and does not fall within the Census year",
    fields=["CINclosureDate"],
    column="closure_date",
)
def r8620() -> str:
    """CINclosureDate outside 1 April to the reference date."""
    return "SELECT * FROM referrals WHERE closure_date < cy_start OR closure_date > cy_end"


@rule(
    "8630",
    R,
    "CIN Closure Date is before CIN Referral Date for the same CIN episode",
    fields=["CINreferralDate", "CINclosureDate"],
    column="closure_date",
)
def r8630() -> str:
    """CINclosureDate before CINreferralDate."""
    return "SELECT * FROM referrals WHERE closure_date < referral_date"


@rule(
    "8866",
    R,
    "Source of Referral is missing or an invalid code",
    fields=["CINreferralDate", "ReferralSource"],
    column="referral_source",
    columns=["referrals.referral_source"],  # the date only says from when the rule applies
)
def r8866() -> str:
    """A referral from 1 April 2013 on with ReferralSource blank or not a referral source code
    (`not_a_code`)."""
    return f"""SELECT * FROM referrals WHERE referral_date >= DATE '2013-04-01' AND (referral_source
        IS NULL OR {not_a_code("referrals", "referral_source", "referral_source")})"""


@rule(
    "8805",
    R,
    "A CIN case cannot have a CIN closure date without a Reason for Closure",
    fields=["CINclosureDate", "ReasonForClosure"],
    column="closure_date",
)
def r8805() -> str:
    """CINclosureDate given, ReasonForClosure blank."""
    return "SELECT * FROM referrals WHERE closure_date IS NOT NULL AND closure_reason IS NULL"


@rule(
    "8810",
    R,
    "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
    fields=["ReasonForClosure", "CINclosureDate"],
    column="closure_reason",
)
def r8810() -> str:
    """ReasonForClosure given, CINclosureDate blank."""
    return "SELECT * FROM referrals WHERE closure_reason IS NOT NULL AND closure_date IS NULL"


@rule(
    "8640",
    R,
    "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
    fields=["ReasonForClosure"],
    column="closure_reason",
)
def r8640() -> str:
    """ReasonForClosure given and not a closure reason code (`not_a_code`)."""
    return f"""SELECT * FROM referrals
        WHERE {not_a_code("referrals", "closure_reason", "closure_reason")}"""


@rule(
    "8815",
    R,
    "More than one open CIN Details episode (a module with no CIN Closure Date) has been "
    "provided for this child and it is not a referral with no further action.",
    fields=["ReferralNFA", "CINclosureDate"],
    column="closure_date",
)
def r8815() -> str:
    """A child with two or more episodes open (no closure date) that are not NFA referrals:
    each of those episodes, counted only among those whose child's hash another such episode
    shares (`hashes_repeated`; England's first CIN group, 138,000 such episodes of 2.4 million,
    two threads: 0.129 -> 0.090 CPU s)."""
    still = "closure_date IS NULL AND referral_nfa IS NOT TRUE"
    shared = hashes_repeated("la_code, child_id", "referrals", still)
    return f"""SELECT * FROM referrals WHERE {still} AND hash(la_code, child_id) IN ({shared})
        QUALIFY count(*) OVER (PARTITION BY la_code, child_id) > 1"""


@rule(
    "8820",
    R,
    "The dates on the CIN episodes for this child overlap",
    fields=["CINreferralDate", "CINclosureDate"],
    column="referral_date",
)
def r8820() -> str:
    """An episode referred on or after another of the child's began and before it closed, or
    while it is open (not an NFA referral) and before the reference date."""
    return _overlaps(
        "referrals", "referral_date", "closure_date", strict=True, open_if="b.referral_nfa IS FALSE"
    )


@rule(
    "1103",
    R,
    "The assessment start date cannot be before the referral date",
    fields=["AssessmentActualStartDate", "CINreferralDate"],
    column="start_date",
)
def r1103() -> str:
    """AssessmentActualStartDate before its episode's CINreferralDate."""
    return "SELECT * FROM assessments WHERE start_date < referral_date"


@rule(
    "8608",
    R,
    "Assessment Start Date cannot be later than its End Date",
    fields=["AssessmentActualStartDate", "AssessmentAuthorisationDate"],
    column="start_date",
)
def r8608() -> str:
    """AssessmentActualStartDate after AssessmentAuthorisationDate."""
    return "SELECT * FROM assessments WHERE start_date > authorised_date"


@rule(
    "8696",
    R,
    "Assessment end date must fall within the census year",
    fields=["AssessmentAuthorisationDate"],
    column="authorised_date",
)
def r8696() -> str:
    """AssessmentAuthorisationDate outside 1 April to the reference date."""
    return "SELECT * FROM assessments WHERE authorised_date < cy_start OR authorised_date > cy_end"


@rule(
    "8736",
    R,
    "For an Assessment that has not been completed, the start date must fall within the census "
    "year",
    fields=["AssessmentAuthorisationDate", "AssessmentActualStartDate"],
    column="start_date",
)
def r8736() -> str:
    """No AssessmentAuthorisationDate, and the start not within 1 April to the reference date."""
    return """SELECT * FROM assessments WHERE authorised_date IS NULL
        AND NOT coalesce(start_date >= cy_start AND start_date <= cy_end, false)"""


@rule(
    "2889",
    R,
    "The S47 start date cannot be before the referral date.",
    fields=["S47ActualStartDate", "CINreferralDate"],
    column="start_date",
)
def r2889() -> str:
    """S47ActualStartDate before its episode's CINreferralDate."""
    return "SELECT * FROM s47 WHERE start_date < referral_date"


@rule(
    "1104",
    R,
    "The date of the initial child protection conference cannot be before the referral date",
    fields=["CINreferralDate", "DateOfInitialCPC"],
    column="icpc_date",
    columns=["section47s.icpc_date", "referrals.referral_date"],
)
def r1104() -> str:
    """A section 47's DateOfInitialCPC before its episode's CINreferralDate."""
    return "SELECT * FROM s47 WHERE icpc_date < referral_date"


@rule(
    "8615",
    R,
    "Section 47 Enquiry Start Date must be present and cannot be later than the date of the "
    "initial Child Protection Conference",
    fields=["S47ActualStartDate", "DateOfInitialCPC"],
    column="start_date",
    columns=["section47s.start_date", "section47s.icpc_date"],
)
def r8615() -> str:
    """S47ActualStartDate after DateOfInitialCPC, or blank when a conference date is given."""
    return """SELECT * FROM s47 WHERE start_date > icpc_date
        OR (icpc_date IS NOT NULL AND start_date IS NULL)"""


@rule(
    "8715",
    R,
    "Date of Initial Child Protection Conference must fall within the census year",
    fields=["DateOfInitialCPC"],
    column="icpc_date",
    columns=["section47s.icpc_date"],
)
def r8715() -> str:
    """A section 47's DateOfInitialCPC outside 1 April to the reference date."""
    return "SELECT * FROM s47 WHERE icpc_date < cy_start OR icpc_date > cy_end"


@rule(
    "8875",
    R,
    "The Date of Initial Child Protection Conference cannot be a weekend",
    fields=["DateOfInitialCPC"],
    column="icpc_date",
    columns=["section47s.icpc_date"],
)
def r8875() -> str:
    """A section 47's DateOfInitialCPC on a Saturday or Sunday."""
    return "SELECT * FROM s47 WHERE isodow(icpc_date) >= 6"


@rule(
    "4010",
    R,
    "CIN Plan start date is missing or out of data collection period",
    fields=["CINPlanStartDate"],
    column="start_date",
)
def r4010() -> str:
    """CINPlanStartDate blank or after the reference date."""
    return "SELECT * FROM plans WHERE start_date IS NULL OR start_date > cy_end"


@rule(
    "4011",
    R,
    "CIN Plan End Date earlier than Start Date",
    fields=["CINPlanEndDate", "CINPlanStartDate"],
    column="end_date",
)
def r4011() -> str:
    """CINPlanEndDate before CINPlanStartDate."""
    return "SELECT * FROM plans WHERE end_date < start_date"


@rule(
    "4013",
    R,
    "CIN Plan end date must fall within the census year",
    fields=["CINPlanEndDate"],
    column="end_date",
)
def r4013() -> str:
    """CINPlanEndDate outside 1 April to the reference date."""
    return "SELECT * FROM plans WHERE end_date < cy_start OR end_date > cy_end"


@rule(
    "4014",
    R,
    "CIN Plan data contains overlapping dates",
    fields=["CINPlanStartDate", "CINPlanEndDate"],
    column="start_date",
)
def r4014() -> str:
    """A plan starting on or after another of the child's started, and on or before it ended
    (or while it is open, up to the reference date)."""
    return _overlaps("plans", "start_date", "end_date")


@rule(
    "4015",
    R,
    "The CIN Plan start date cannot be before the referral date",
    fields=["CINPlanStartDate", "CINreferralDate"],
    column="start_date",
)
def r4015() -> str:
    """CINPlanStartDate before its episode's CINreferralDate."""
    return "SELECT * FROM plans WHERE start_date < referral_date"


@rule(
    "1105",
    R,
    "The child protection plan start date cannot be before the referral date",
    fields=["CPPstartDate", "CINreferralDate"],
    column="start_date",
)
def r1105() -> str:
    """CPPstartDate before its episode's CINreferralDate."""
    return "SELECT * FROM cpp WHERE start_date < referral_date"


@rule(
    "8720",
    R,
    "Child Protection Plan Start Date missing or out of data collection period",
    fields=["CPPstartDate"],
    column="start_date",
)
def r8720() -> str:
    """CPPstartDate blank or after the reference date."""
    return "SELECT * FROM cpp WHERE start_date IS NULL OR start_date > cy_end"


@rule(
    "8925",
    R,
    "Child Protection Plan End Date earlier than Start Date",
    fields=["CPPstartDate", "CPPendDate"],
    column="end_date",
)
def r8925() -> str:
    """CPPendDate before CPPstartDate."""
    return "SELECT * FROM cpp WHERE end_date < start_date"


@rule(
    "8930",
    R,
    "Child Protection Plan End Date must fall within the census year",
    fields=["CPPendDate"],
    column="end_date",
)
def r8930() -> str:
    """CPPendDate outside 1 April to the reference date."""
    return "SELECT * FROM cpp WHERE end_date < cy_start OR end_date > cy_end"


@rule(
    "8935",
    R,
    "This child is showing more than one open Child Protection plan, i.e. with no End Date",
    fields=["CPPendDate"],
    column="end_date",
)
def r8935() -> str:
    """A child with two or more plans without CPPendDate: each of those plans."""
    return """SELECT * FROM cpp WHERE end_date IS NULL
        QUALIFY count(*) OVER (PARTITION BY la_code, child_id) > 1"""


@rule(
    "8940",
    R,
    "Child Protection Plan data contains overlapping dates",
    fields=["CPPstartDate", "CPPendDate"],
    column="start_date",
)
def r8940() -> str:
    """A plan starting on or after another of the child's started, and on or before it ended
    (or while it is open, up to the reference date)."""
    return _overlaps("cpp", "start_date", "end_date")


@rule(
    "8840",
    R,
    "Child Protection Plan cannot start and end on the same day",
    fields=["CPPstartDate", "CPPendDate"],
    column="end_date",
)
def r8840() -> str:
    """CPPendDate the same day as CPPstartDate."""
    return "SELECT * FROM cpp WHERE end_date = start_date"


@rule(
    "8730",
    R,
    "Total Number of previous Child Protection Plans missing",
    fields=["NumberOfPreviousCPP"],
    column="previous_plans",
)
def r8730() -> str:
    """NumberOfPreviousCPP blank."""
    return "SELECT * FROM cpp WHERE previous_plans IS NULL"


@rule(
    "8905",
    R,
    "Initial Category of Abuse code missing or invalid (see Category of Abuse table in CIN "
    "Census code set)",
    fields=["InitialCategoryOfAbuse"],
    column="initial_category",
)
def r8905() -> str:
    """InitialCategoryOfAbuse blank or not a category of abuse code."""
    return f"""SELECT * FROM cpp
        WHERE NOT coalesce({valid_code("initial_category", "category_of_abuse")}, false)"""


@rule(
    "8910",
    R,
    "Latest Category of Abuse code missing or invalid (see Category of Abuse table in CIN Census "
    "code set)",
    fields=["LatestCategoryOfAbuse"],
    column="latest_category",
)
def r8910() -> str:
    """LatestCategoryOfAbuse blank or not a category of abuse code."""
    return f"""SELECT * FROM cpp
        WHERE NOT coalesce({valid_code("latest_category", "category_of_abuse")}, false)"""


@rule(
    "8841",
    R,
    "The review date cannot be on the same day or before the Child protection Plan start date.",
    fields=["CPPstartDate", "CPPreviewDate"],
    column="review_date",
)
def r8841() -> str:
    """A CPPreviewDate on or before its plan's CPPstartDate."""
    return "SELECT * FROM cpreviews WHERE review_date <= plan_start_date"


@rule(
    "8650",
    R,
    "Primary Need Code invalid (see Primary Need table in CIN census code set)",
    fields=["PrimaryNeedCode"],
    column="primary_need_code",
)
def r8650() -> str:
    """PrimaryNeedCode given and not a primary need code (`not_a_code`)."""
    return f"""SELECT * FROM referrals
        WHERE {not_a_code("referrals", "primary_need_code", "primary_need")}"""
