"""CIN census rules on plans and conferences against each other, and on what an episode of need
may hold once closed.

A nested group belongs to the episode of need whose CINreferralDate it carries
(`referral_date`, cin/common.py). A child protection review (`cp_reviews`) belongs to the plan
of the same child whose CPPstartDate it carries (`plan_start_date`). Census year: `cy_start`
(1 April) to `cy_end` (the reference date, 31 March).
"""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.cin.common import keyed, same_child, same_episode

R = "cin"

# ReasonForClosure codes DfE names in 2990, 8825Q and 8873Q: case closed after assessment (RC8),
# and referred to early help (RC9).
CLOSED_AFTER_ASSESSMENT = in_list("RC8", "RC9")
EPISODE = "la_code, child_id, referral_date"  # an episode of need (cin/common.py)


@rule(
    "2884",
    R,
    "An initial child protection conference is recorded at both the S47 and CIN Details level "
    "and it should only be recorded in one",
    fields=["DateOfInitialCPC"],
    column="icpc_date",
    columns=["section47s.icpc_date", "referrals.icpc_date"],
)
def r2884() -> str:
    """A section 47 enquiry's DateOfInitialCPC equal to its episode's (CINdetails)
    DateOfInitialCPC: the enquiry and the episode."""
    return f"""SELECT {keyed("s", "DateOfInitialCPC", "icpc_date")} FROM s47 s
    WHERE EXISTS (SELECT 1 FROM referrals r WHERE {same_episode("r", "s")}
        AND r.icpc_date = s.icpc_date)
    UNION ALL
    SELECT {keyed("r", "DateOfInitialCPC", "icpc_date")} FROM referrals r
    WHERE EXISTS (SELECT 1 FROM s47 s WHERE {same_episode("s", "r")}
        AND s.icpc_date = r.icpc_date)"""


@rule(
    "2885",
    R,
    "Child protection plan shown as starting a different day to the initial child protection "
    "conference.",
    fields=["CPPstartDate", "DateOfInitialCPC"],
    column="start_date",
    columns=["cp_plans.start_date", "section47s.icpc_date", "referrals.icpc_date"],
)
def r2885() -> str:
    """A child protection plan starting in the census year on a day that is not the
    DateOfInitialCPC of a section 47 enquiry of its episode (those with ICPCnotRequired true
    left out) or, when the episode has no such enquiry, not the episode's own
    DateOfInitialCPC."""
    enquiry = "s47 s WHERE {same} AND s.icpc_not_required IS NOT TRUE"
    has = enquiry.format(same=same_episode("s", "p"))
    return f"""SELECT * FROM cpp p WHERE p.start_date BETWEEN p.cy_start AND p.cy_end
        AND CASE WHEN EXISTS (SELECT 1 FROM {has})
            THEN NOT EXISTS (SELECT 1 FROM {has} AND s.icpc_date = p.start_date)
            ELSE NOT EXISTS (SELECT 1 FROM referrals r WHERE {same_episode("r", "p")}
                AND r.icpc_date = p.start_date) END"""


def _open_within(row: str, day: str, other: str) -> str:
    """SQL: `row.day` falls on or after `other`'s start and before its end, or, when `other`
    has no end, on or before the reference date."""
    return f"""{row}.{day} >= {other}.start_date AND (({other}.end_date IS NOT NULL
        AND {row}.{day} < {other}.end_date)
        OR ({other}.end_date IS NULL AND {row}.{day} <= {row}.cy_end))"""


def _starts_within(during: str) -> str:
    """SQL: the CIN plans (`c`) and child protection plans (`p`) of one child for which
    `during` holds: both rows of each pair. The pairs are found by one join and kept (few
    rows), each read once for its CIN plan and once for its protection plan, not a SEMI JOIN
    each way over every plan (a synthetic England's group of 645,000 CIN plans: 4016 0.19 ->
    0.11 CPU s). A plan in two pairs comes twice: `fault_table` keeps one of equal rows."""
    return f"""WITH pairs AS MATERIALIZED (
        SELECT {keyed("c", "CINPlanStartDate", "start_date")}, p._table AS p_table,
            p.la_code AS p_la_code, p.load_id AS p_load_id, p."row" AS p_row,
            p.child_id AS p_child_id, p.cy_end AS p_cy_end, p.start_date AS p_start_date
        FROM plans c JOIN cpp p ON {same_child("p", "c")} AND {during})
    SELECT _table, la_code, load_id, "row", child_id, cy_end, field, value FROM pairs
    UNION ALL
    SELECT p_table, p_la_code, p_load_id, p_row, p_child_id, p_cy_end, 'CPPstartDate',
        CAST(p_start_date AS VARCHAR) FROM pairs"""


@rule(
    "4016",
    R,
    "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
    fields=["CINPlanStartDate", "CPPstartDate", "CPPendDate"],
    column="start_date",
)
def r4016() -> str:
    """A CIN plan starting on or after one of the child's child protection plans started and
    before it ended (or, if it has not ended, on or before the reference date): the CIN plan and
    that protection plan."""
    return _starts_within(_open_within("c", "start_date", "p"))


@rule(
    "4017",
    R,
    "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
    fields=["CPPstartDate", "CINPlanStartDate", "CINPlanEndDate"],
    column="start_date",
)
def r4017() -> str:
    """A child protection plan starting on or after one of the child's CIN plans started and
    before it ended (or, if it has not ended, on or before the reference date): the protection
    plan and that CIN plan."""
    return _starts_within(_open_within("p", "start_date", "c"))


@rule(
    "4003",
    R,
    "A CPP review date is shown as being held at the same time as an open CIN Plan.",
    fields=["CINPlanStartDate", "CINPlanEndDate", "CPPreviewDate"],
    column="review_date",
    columns=["cin_plans.start_date", "cin_plans.end_date", "cp_reviews.review_date"],
)
def r4003() -> str:
    """A child protection review held on or after one of the child's CIN plans started and
    before it ended, unless the review is on the day its protection plan ended. A CIN plan with
    no end date is not judged (as the package reads the rule). The CIN plan a SEMI JOIN
    (cin/common.py), first: the few reviews inside one are then looked up in their protection
    plans (a synthetic England's group of 345,000 reviews: 0.23 -> 0.18 CPU s)."""
    return f"""SELECT v.* FROM cpreviews v
    SEMI JOIN plans c ON {same_child("c", "v")} AND v.review_date >= c.start_date
        AND v.review_date < c.end_date
    LEFT JOIN cpp p ON {same_child("p", "v")} AND p.start_date = v.plan_start_date
    WHERE v.review_date IS DISTINCT FROM p.end_date"""


@rule(
    "2990",
    R,
    "Activity is recorded against a case marked as ‘Case closed after assessment, no further "
    "action’ or 'case closed after assessment, referred to early help'.",
    fields=["ReasonForClosure"],
    column="closure_reason",
    columns=[
        "referrals.closure_reason",
        "referrals.icpc_date",
        "section47s.start_date",
        "cp_plans.start_date",
        "cin_plans.start_date",
    ],
    any_rows=True,
)
def r2990() -> str:
    """An episode of need closed with reason RC8 or RC9 that has a DateOfInitialCPC, a section
    47 enquiry, a child protection plan or a CIN plan: the episode and each such group. The
    three groups' rows are one list joined once to the closed episodes (`flagged`, kept: few
    rows), and a closed episode has a group exactly when its episode is one of those rows':
    one join of the groups to the episodes, not one each way (a synthetic England's group of
    2.4 million episodes: 0.64 -> 0.35 CPU s). The groups' dates are made text after the
    join, on the few rows it keeps (0.38 -> 0.32)."""
    groups = [("s47", "S47ActualStartDate"), ("cpp", "CPPstartDate"), ("plans", "CINPlanStartDate")]
    rows = "\n        UNION ALL ".join(
        f"SELECT {keyed('g', field, 'start_date', cast=False)}, g.referral_date FROM {table} g"
        for table, field in groups
    )
    closed = f"SELECT {EPISODE} FROM referrals WHERE closure_reason IN {CLOSED_AFTER_ASSESSMENT}"
    return f"""WITH flagged AS MATERIALIZED (
        SELECT g.* FROM ({rows}) g SEMI JOIN ({closed}) r ON {same_episode("r", "g")})
    SELECT _table, la_code, load_id, "row", child_id, cy_end, field,
        CAST(value AS VARCHAR) AS value FROM flagged
    UNION ALL
    SELECT {keyed("r", "ReasonForClosure", "closure_reason")} FROM referrals r
    WHERE r.closure_reason IN {CLOSED_AFTER_ASSESSMENT}
        AND (r.icpc_date IS NOT NULL OR ({EPISODE}) IN (SELECT {EPISODE} FROM flagged))"""


@rule(
    "2991Q",
    R,
    "Please check and either amend data or provide a reason: A Section 47 module is recorded "
    "and there is no assessment on the episode",
    fields=["S47ActualStartDate"],
    column="start_date",
    columns=["section47s.start_date", "assessments.start_date"],
    any_rows=True,
)
def r2991q() -> str:
    """A section 47 enquiry in an episode of need with no assessment."""
    return f"""SELECT * FROM s47 s WHERE NOT EXISTS (SELECT 1 FROM assessments a
        WHERE {same_episode("a", "s")})"""


@rule(
    "8825Q",
    R,
    "Please check and either amend data or provide a reason: Reason for Closure code RC8 (case "
    "closed after assessment) or RC9 (case closed after assessment, referred to early help) has "
    "been returned but there is no assessment present for the episode.",
    fields=["ReasonForClosure"],
    column="closure_reason",
    columns=["referrals.closure_reason", "assessments.start_date"],
    any_rows=True,
)
def r8825q() -> str:
    """An episode of need closed with reason RC8 or RC9 that has no assessment."""
    return f"""SELECT * FROM referrals r WHERE r.closure_reason IN {CLOSED_AFTER_ASSESSMENT}
        AND NOT EXISTS (SELECT 1 FROM assessments a WHERE {same_episode("a", "r")})"""


# 8565: the dates of an episode's groups that must not be after its CINclosureDate.
AFTER_CLOSURE = {
    "assessments": ("start_date", "authorised_date"),
    "s47": ("start_date", "icpc_date"),
    "cpp": ("end_date",),
    "plans": ("start_date", "end_date"),
}


@rule(
    "8565",
    R,
    "Activity shown after a case has been closed",
    fields=[
        "CINclosureDate",
        "DateOfInitialCPC",
        "AssessmentActualStartDate",
        "AssessmentAuthorisationDate",
        "S47ActualStartDate",
        "CPPendDate",
        "CINPlanStartDate",
        "CINPlanEndDate",
    ],
    column="closure_date",
    any_rows=True,
)
def r8565() -> str:
    """An episode of need with a CINclosureDate before its own DateOfInitialCPC or before any
    of these dates of its groups: AssessmentActualStartDate, AssessmentAuthorisationDate,
    S47ActualStartDate, the enquiry's DateOfInitialCPC, CPPendDate, CINPlanStartDate,
    CINPlanEndDate. The groups' dates are one list (a group's latest: `greatest` passes over a
    blank) joined to the closed episodes once (a SEMI JOIN: cin/common.py), not four lookups.
    The episode's own DateOfInitialCPC is said to be there although the comparison needs it:
    DuckDB filters the scan by that (few episodes have one, and a table's statistics may show
    none), where it compares two columns only after reading every column of every closed
    episode (a synthetic England's group of 2.4 million episodes: 0.175 -> 0.002 CPU s)."""
    dates = "\n        UNION ALL ".join(
        f"SELECT la_code, child_id, referral_date, greatest({', '.join(columns)}) AS d FROM {table}"
        for table, columns in AFTER_CLOSURE.items()
    )
    return f"""SELECT * FROM referrals WHERE icpc_date IS NOT NULL AND closure_date IS NOT NULL
        AND icpc_date > closure_date
    UNION ALL
    SELECT r.* FROM referrals r SEMI JOIN ({dates}) g
        ON {same_episode("g", "r")} AND g.d > r.closure_date
    WHERE r.closure_date IS NOT NULL"""


@rule(
    "8842Q",
    R,
    "Please check and either amend or provide a reason: Review Record has a missing date",
    fields=["CPPreviewDate"],
    column="review_date",
)
def r8842q() -> str:
    """A Reviews group with no (readable) CPPreviewDate."""
    return "SELECT * FROM cpreviews WHERE review_date IS NULL"


@rule(
    "8870Q",
    R,
    "Please check and either amend or provide a reason: The Target Date for Initial Child "
    "Protection Conference should not be a weekend",
    fields=["InitialCPCtarget"],
    column="icpc_target_date",
)
def r8870q() -> str:
    """InitialCPCtarget on a Saturday or a Sunday."""
    return "SELECT * FROM s47 WHERE isodow(icpc_target_date) >= 6"
