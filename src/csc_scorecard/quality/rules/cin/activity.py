"""CIN census rules on the activity within an episode of need, and across a child's episodes.

An episode of need's groups (assessments, section 47 enquiries, plans) carry its CINreferralDate
(`referral_date`), so "within one CINDetails group" is one (authority, child, referral date): two
CINdetails of one child with the same referral date are one episode here (the D2I validator
numbers each CINdetails afresh). Census year: `cy_start` (1 April) to `cy_end` (31 March).
"""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.cin.common import same_episode

R = "cin"

EPISODE = "la_code, child_id, referral_date"


def _episode_of(row: str, closed: bool = True) -> str:
    """SQL: row `row` belongs to an episode of need of the child (its referral date) that has a
    CINclosureDate (`closed`)."""
    return f"""EXISTS (SELECT 1 FROM referrals r WHERE r.la_code = {row}.la_code
        AND r.child_id = {row}.child_id AND r.referral_date = {row}.referral_date
        AND r.closure_date IS {"NOT " if closed else ""}NULL)"""


@rule(
    "4004",
    R,
    "This child is showing more than one open CIN Plan, i.e. with no End Date",
    fields=["CINPlanEndDate"],
    column="end_date",
)
def r4004() -> str:
    """Two or more CIN plans without CINPlanEndDate in one episode of need: each of them."""
    return f"""SELECT * FROM plans WHERE end_date IS NULL
        QUALIFY count(*) OVER (PARTITION BY {EPISODE}) > 1"""


@rule(
    "4012Q",
    R,
    "Please check and either amend or provide a reason: CIN Plan shown as starting and ending on "
    "the same day",
    fields=["CINPlanEndDate", "CINPlanStartDate"],
    column="end_date",
)
def r4012q() -> str:
    """CINPlanEndDate the same day as CINPlanStartDate."""
    return "SELECT * FROM plans WHERE end_date = start_date"


@rule(
    "8896",
    R,
    "Within one CINDetails group there are 2 or more open Assessments groups",
    fields=["AssessmentAuthorisationDate"],
    column="authorised_date",
)
def r8896() -> str:
    """Two or more assessments without AssessmentAuthorisationDate in one episode of need: each
    of them."""
    return f"""SELECT * FROM assessments WHERE authorised_date IS NULL
        QUALIFY count(*) OVER (PARTITION BY {EPISODE}) > 1"""


@rule(
    "8839",
    R,
    "Within one CINDetails group there are 2 or more open S47 Assessments",
    fields=["DateOfInitialCPC"],
    column="icpc_date",
    columns=["section47s.icpc_date"],
)
def r8839() -> str:
    """Two or more section 47 enquiries in one episode of need with no DateOfInitialCPC and not
    marked ICPCnotRequired (open): each of them."""
    return f"""SELECT * FROM s47 WHERE icpc_date IS NULL AND icpc_not_required IS NOT TRUE
        QUALIFY count(*) OVER (PARTITION BY {EPISODE}) > 1"""


@rule(
    "8740",
    R,
    "For a Section 47 Enquiry that has not held the Initial Child Protection Conference by the "
    "end of the census year, the start date must fall within the census year",
    fields=["S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"],
    column="start_date",
    columns=["section47s.start_date", "section47s.icpc_date", "section47s.icpc_not_required"],
)
def r8740() -> str:
    """No DateOfInitialCPC, ICPCnotRequired false (a conference is still due), and
    S47ActualStartDate outside 1 April to the reference date."""
    return """SELECT * FROM s47 WHERE icpc_date IS NULL AND icpc_not_required IS FALSE
        AND (start_date < cy_start OR start_date > cy_end)"""


@rule(
    "8867",
    R,
    "CIN episode is shown as closed, however Assessment is not shown as completed",
    fields=["AssessmentAuthorisationDate", "CINclosureDate"],
    column="authorised_date",
)
def r8867() -> str:
    """An assessment without AssessmentAuthorisationDate in an episode of need that has a
    CINclosureDate. The assessments not authorised are few: the closed episodes are looked up
    among theirs (a hash of those few, every episode read against it) and they among the
    episodes found, not every closed episode hashed for them to be looked up in (a synthetic
    England's group of 2.3 million closed episodes, 14,000 such assessments: 0.28 -> 0.09 CPU
    s)."""
    return f"""WITH o AS MATERIALIZED (SELECT * FROM assessments WHERE authorised_date IS NULL)
    SELECT o.* FROM o SEMI JOIN (SELECT r.la_code, r.child_id, r.referral_date FROM referrals r
        SEMI JOIN o ON {same_episode("o", "r")} WHERE r.closure_date IS NOT NULL) k
    ON {same_episode("k", "o")}"""


@rule(
    "8868",
    R,
    "CIN episode is shown as closed, however Section 47 enquiry is not shown as completed by "
    "ICPC date or ICPC not required flag",
    fields=["DateOfInitialCPC", "ICPCnotRequired", "CINclosureDate"],
    column="icpc_date",
    columns=["section47s.icpc_date", "section47s.icpc_not_required", "referrals.closure_date"],
)
def r8868() -> str:
    """A section 47 enquiry in an episode of need that has a CINclosureDate, with neither its
    DateOfInitialCPC nor ICPCnotRequired, or with both."""
    return f"""SELECT * FROM s47 s WHERE {_episode_of("s")}
        AND (icpc_date IS NULL) = (icpc_not_required IS NOT TRUE)"""


@rule(
    "8606",
    R,
    "Child referral date is more than 40 weeks before DOB or expected DOB",
    fields=["CINreferralDate", "PersonBirthDate", "ExpectedPersonBirthDate"],
    column="referral_date",
    columns=["referrals.referral_date", "children.date_of_birth"],
)
def r8606() -> str:
    """CINreferralDate more than 280 days before the child's PersonBirthDate or
    ExpectedPersonBirthDate. Only a child whose earliest CINreferralDate is (`first_referral`:
    cin/common.py CHILD_FACTS) can have one: the join reads those children alone (2 million
    children a group, none of them: 0.65 -> 0.08 CPU s)."""
    too_early = """(r.referral_date < c.date_of_birth - INTERVAL 280 DAY
               OR r.referral_date < c.expected_date_of_birth - INTERVAL 280 DAY)"""
    return f"""SELECT r.* FROM referrals r SEMI JOIN child c
        ON c.la_code = r.la_code AND c.child_id = r.child_id
          AND {too_early.replace("r.referral_date", "c.first_referral")} AND {too_early}"""


@rule(
    "8775Q",
    R,
    "Please check and either amend data or provide a reason: Child is over 25 years old",
    fields=["PersonBirthDate", "CINclosureDate"],
    column="date_of_birth",
    reads=("referrals",),  # through `child`'s facts (cin/common.py CHILD_FACTS)
)
def r8775q() -> str:
    """A child born more than 25 years before the reference date with an episode of need open
    (no CINclosureDate) or closed after their 25th birthday: one open, or the latest closed
    after it (`open_referral`, `last_closure`: cin/common.py CHILD_FACTS)."""
    return """SELECT * FROM child c WHERE c.date_of_birth < c.cy_end - INTERVAL 25 YEAR
        AND (c.open_referral OR c.last_closure > c.date_of_birth + INTERVAL 25 YEAR)"""


@rule(
    "8816",
    R,
    "An open CIN episode is shown and case is not a referral with no further action, but it is "
    "not the latest episode.",
    fields=["CINreferralDate", "ReferralNFA"],
    column="referral_date",
    columns=["referrals.referral_date", "referrals.referral_nfa", "referrals.closure_date"],
)
def r8816() -> str:
    """An open episode of need (no CINclosureDate) that is not an NFA referral and is not the
    child's latest (the latest CINreferralDate; of two on that date, the first in the file):
    one of the child's episodes with a CINreferralDate comes before it in that order (load, then
    line; a line number before none). A SEMI JOIN from the few open episodes (cin/common.py),
    not a numbering of every episode."""
    return """SELECT a.* FROM referrals a SEMI JOIN referrals b
        ON b.la_code = a.la_code AND b.child_id = a.child_id AND b.referral_date IS NOT NULL
        AND (b.referral_date > a.referral_date OR (b.referral_date = a.referral_date
            AND (b.load_id < a.load_id OR (b.load_id = a.load_id
                AND (b."row" < a."row" OR (b."row" IS NOT NULL AND a."row" IS NULL))))))
        WHERE a.referral_date IS NOT NULL AND a.closure_date IS NULL AND a.referral_nfa IS FALSE"""


def _started_during(view: str, end: str, *, open_if: str = "") -> str:
    """Rows `a` of `view` starting on or after another row `b` of the same episode of need
    started and on or before `b`'s `end`, or while `b` is open (`end` blank; `open_if` narrows
    which count as open) and on or before the reference date. A row with the same start and
    `end` as `a` (a repeat of it) is not another one, nor is `a` itself: only an episode with
    two rows or more that have a start date (`m`, one grouping of the episodes) can hold such a
    pair, and the self-join reads those rows alone, not every row against every row of its
    episode (a synthetic England's group, one assessment an episode: 8863Q 0.52 -> 0.26, 8890
    0.17 -> 0.08 CPU s)."""
    still_open = f"b.{end} IS NULL AND a.start_date <= a.cy_end" + (
        f" AND {open_if}" if open_if else ""
    )
    return f"""WITH m AS MATERIALIZED (SELECT v.* FROM {view} v SEMI JOIN (SELECT {EPISODE}
            FROM {view} WHERE start_date IS NOT NULL GROUP BY ALL HAVING count(*) > 1) e
        ON {same_episode("v", "e")})
    SELECT a.* FROM m a SEMI JOIN m b
        ON a.la_code = b.la_code AND a.child_id = b.child_id
           AND a.referral_date = b.referral_date
           AND NOT (a.start_date = b.start_date AND a.{end} IS NOT DISTINCT FROM b.{end})
           AND a.start_date >= b.start_date
           AND (a.start_date <= b.{end} OR ({still_open}))"""


@rule(
    "8863Q",
    R,
    "An Assessment is shown as starting when there is another Assessment ongoing.",
    fields=["AssessmentActualStartDate", "AssessmentAuthorisationDate"],
    column="start_date",
)
def r8863q() -> str:
    """An assessment starting on or after another of its episode of need started, and on or
    before that one's AssessmentAuthorisationDate (or, that one not authorised, on or before the
    reference date)."""
    return _started_during("assessments", "authorised_date")


@rule(
    "8890",
    R,
    "A Section 47 enquiry is shown as starting when there is another Section 47 Enquiry ongoing",
    fields=["S47ActualStartDate", "DateOfInitialCPC", "ICPCnotRequired"],
    column="start_date",
    columns=["section47s.start_date", "section47s.icpc_date"],
)
def r8890() -> str:
    """A section 47 enquiry starting on or after another of its episode of need started, and on
    or before that one's DateOfInitialCPC (or, that one with no conference held and
    ICPCnotRequired not true, on or before the reference date)."""
    return _started_during("s47", "icpc_date", open_if="b.icpc_not_required IS NOT TRUE")


@rule(
    "4001",
    R,
    "A CIN Plan cannot run concurrently with a Child Protection Plan",
    fields=["CINPlanEndDate", "CPPendDate"],
    column="end_date",
)
def r4001() -> str:
    """A CIN plan without CINPlanEndDate in an episode of need that also has a child protection
    plan without CPPendDate."""
    return """SELECT * FROM plans p WHERE p.start_date IS NOT NULL AND p.end_date IS NULL
        AND EXISTS (SELECT 1 FROM cpp c WHERE c.la_code = p.la_code AND c.child_id = p.child_id
            AND c.referral_date = p.referral_date AND c.end_date IS NULL)"""
