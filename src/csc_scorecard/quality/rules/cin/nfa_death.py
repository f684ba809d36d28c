"""CIN census rules on referrals with no further action, and on dates after a child's death.

A group belongs to the episode of need whose CINreferralDate it carries (`referral_date`): an
NFA episode is one (authority, child, referral date) whose ReferralNFA is true. PersonDeathDate
is the child's `date_of_death`.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.cin.common import keyed, same_episode

EPISODE = "la_code, child_id, referral_date"  # an episode of need (cin/common.py)

R = "cin"


def _nfa_episode(row: str) -> str:
    """SQL: row `row` belongs to an episode of need that is a referral with no further action."""
    return f"""EXISTS (SELECT 1 FROM referrals r WHERE r.la_code = {row}.la_code
        AND r.child_id = {row}.child_id AND r.referral_date = {row}.referral_date
        AND r.referral_nfa IS TRUE)"""


def _after_death(table: str, date: str) -> str:
    """SQL: the rows of `table` whose `date` is after the child's PersonDeathDate (a SEMI JOIN:
    cin/common.py; the children with a death date picked first, as few have one)."""
    return f"""SELECT t.* FROM {table} t SEMI JOIN child c ON c.date_of_death IS NOT NULL
        AND c.la_code = t.la_code AND c.child_id = t.child_id AND c.date_of_death < t.{date}"""


@rule(
    "8568",
    R,
    "RNFA flag is missing or invalid",
    fields=["ReferralNFA"],
    column="referral_nfa",
)
def r8568() -> str:
    """ReferralNFA blank or not true/false (ingest could not read it: the raw text is kept)."""
    return "SELECT * FROM referrals WHERE referral_nfa IS NULL"


@rule(
    "4000",
    R,
    "CIN Plan details provided for a referral with no further action",
    fields=["ReferralNFA", "CINPlanStartDate"],
    column="start_date",
    columns=["referrals.referral_nfa", "cin_plans.start_date"],
)
def r4000() -> str:
    """A CIN plan in an episode of need that is a referral with no further action."""
    return f"SELECT * FROM plans p WHERE {_nfa_episode('p')}"


@rule(
    "8832",
    R,
    "Child Protection details provided for a referral with no further action.",
    fields=["ReferralNFA", "CPPstartDate"],
    column="start_date",
    columns=["referrals.referral_nfa", "cp_plans.start_date"],
)
def r8832() -> str:
    """A child protection plan in an episode of need that is a referral with no further
    action."""
    return f"SELECT * FROM cpp p WHERE {_nfa_episode('p')}"


@rule(
    "8535Q",
    R,
    "Please check and either amend data or provide a reason: Child’s date of death should not be "
    "prior to the date of birth",
    fields=["PersonDeathDate", "PersonBirthDate"],
    column="date_of_death",
)
def r8535q() -> str:
    """PersonDeathDate given, and before PersonBirthDate or with no PersonBirthDate."""
    return """SELECT * FROM child WHERE date_of_death IS NOT NULL
        AND (date_of_birth > date_of_death OR date_of_birth IS NULL)"""


@rule(
    "8555Q",
    R,
    "Child cannot be referred after its recorded date of death",
    fields=["CINreferralDate", "PersonDeathDate"],
    column="referral_date",
)
def r8555q() -> str:
    """CINreferralDate after the child's PersonDeathDate."""
    return _after_death("referrals", "referral_date")


@rule(
    "4008",
    R,
    "CIN Plan shown as starting after the child’s Date of Death.",
    fields=["CINPlanStartDate", "PersonDeathDate"],
    column="start_date",
)
def r4008() -> str:
    """CINPlanStartDate after the child's PersonDeathDate."""
    return _after_death("plans", "start_date")


@rule(
    "4009Q",
    R,
    "CIN Plan cannot end after the child’s Date of Death",
    fields=["CINPlanEndDate", "PersonDeathDate"],
    column="end_date",
)
def r4009q() -> str:
    """CINPlanEndDate after the child's PersonDeathDate."""
    return _after_death("plans", "end_date")


@rule(
    "8915",
    R,
    "Child Protection Plan shown as starting after the child’s Date of Death",
    fields=["CPPstartDate", "PersonDeathDate"],
    column="start_date",
)
def r8915() -> str:
    """CPPstartDate after the child's PersonDeathDate."""
    return _after_death("cpp", "start_date")


@rule(
    "8920",
    R,
    "Child Protection Plan cannot end after the child’s Date of Death",
    fields=["CPPendDate", "PersonDeathDate"],
    column="end_date",
)
def r8920() -> str:
    """CPPendDate after the child's PersonDeathDate."""
    return _after_death("cpp", "end_date")


@rule(
    "8831",
    R,
    "Activity is recorded against a case marked as a referral with no further action",
    fields=[
        "AssessmentActualStartDate",
        "AssessmentAuthorisationDate",
        "S47ActualStartDate",
        "DateOfInitialCPC",
    ],
    column="icpc_date",
    columns=[
        "referrals.referral_nfa",
        "referrals.icpc_date",
        "assessments.start_date",
        "assessments.authorised_date",
        "section47s.start_date",
    ],
    any_rows=True,
)
def r8831() -> str:
    """An episode of need with ReferralNFA true that has a DateOfInitialCPC, a section 47
    enquiry or an assessment with a start or authorisation date: the episode, and each such
    enquiry and assessment. Runs on whichever of the three tables have rows (a return may have
    no Section47 or Assessments at all). The enquiries and assessments of NFA episodes are
    found once (kept: few rows), and an NFA episode has one exactly when its episode is one of
    theirs: one join of the two tables' rows (one list) to the episodes, not two each way (a
    synthetic England's group of 2.4 million episodes: 0.69 -> 0.37 CPU s; one list, not a
    join each, 0.28 -> 0.25)."""
    assessed = "(a.start_date IS NOT NULL OR a.authorised_date IS NOT NULL)"
    rows = f"""SELECT {keyed("a", "AssessmentActualStartDate", "start_date", cast=False)},
            a.referral_date FROM assessments a WHERE {assessed}
        UNION ALL
        SELECT {keyed("s", "S47ActualStartDate", "start_date", cast=False)}, s.referral_date
            FROM s47 s WHERE s.start_date IS NOT NULL"""
    nfa = f"SELECT {EPISODE} FROM referrals WHERE referral_nfa IS TRUE"
    return f"""WITH g AS MATERIALIZED (
        SELECT g.* FROM ({rows}) g SEMI JOIN ({nfa}) r ON {same_episode("r", "g")})
    SELECT _table, la_code, load_id, "row", child_id, cy_end, field,
        CAST(value AS VARCHAR) AS value FROM g
    UNION ALL
    SELECT {keyed("r", "DateOfInitialCPC", "icpc_date")} FROM referrals r
    WHERE r.referral_nfa IS TRUE AND (r.icpc_date IS NOT NULL
        OR ({EPISODE}) IN (SELECT {EPISODE} FROM g))"""


@rule(
    "8610",
    R,
    "Primary Need code is missing for a referral which led to further action.",
    fields=["ReferralNFA", "PrimaryNeedCode"],
    column="primary_need_code",
)
def r8610() -> str:
    """ReferralNFA false and no PrimaryNeedCode."""
    return "SELECT * FROM referrals WHERE referral_nfa IS FALSE AND primary_need_code IS NULL"
