"""SSDA903 OC2 rules (children looked after continuously for 12 months: SDQ, convictions,
health) and the OC2 cohort against the OC3 and AD1 tables (DfE codes and messages; logic per
docs/quality.md). Ages come from the child's Header DOB (the OC2 table's own DOB column is not
kept by the store); each rule reads DOB or the OC3 fields, which measures read."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import both_rows, given, looked_after_through
from csc_scorecard.quality.rules.ssda903.derived_b import HEALTH, OC2_B, oc3_given

R = "ssda903"
# The name other modules import it by (health_checks.py): `given` lives in rules/sql.py now.
_given = given
WITH_HEADER = "FROM oc2 o JOIN header h ON h.la_code = o.la_code AND h.child_id = o.child_id"
OC3_GIVEN = oc3_given("x")


@rule(
    "157",
    R,
    "Child is aged 4 years or over at the beginning of the year or 16 years or under at the end "
    "of the year and Strengths and Difficulties Questionnaire (SDQ) 1 has been recorded as the "
    "reason for no Strengths and Difficulties Questionnaire (SDQ) score.",
    fields=["SDQ_REASON", "DOB"],
    column="sdq_reason",
    reads=("episodes", "header"),
)
def r157() -> str:
    """SDQ_REASON SDQ1 (no score: child under 4 or over 16) without a score, for a child looked
    after continuously for 12 months who was 4 by 1 April and not yet past 16 at 31 March."""
    return f"""SELECT * FROM {OC2_B} o WHERE o.sdq_reason = 'SDQ1' AND NOT o.given_sdq_score
        AND o.dob + INTERVAL 4 YEAR <= o.cy_start AND o.dob + INTERVAL 16 YEAR >= o.cy_end
        AND o.cla"""


@rule(
    "189",
    R,
    "Child is aged 17 years or over at the beginning of the year, but an Strengths and "
    "Difficulties (SDQ) score or a reason for no Strengths and Difficulties (SDQ) score has "
    "been completed.",
    fields=["DOB", "SDQ_SCORE", "SDQ_REASON"],
    column="sdq_score",
    reads=("header",),
)
def r189() -> str:
    """SDQ_SCORE or SDQ_REASON given for a child 17 before 1 April."""
    return f"""SELECT * FROM {OC2_B} o WHERE o.dob + INTERVAL 17 YEAR < o.cy_start
        AND (o.sdq_reason IS NOT NULL OR o.given_sdq_score)"""


@rule(
    "197B",
    R,
    "SDQ score or reason for no SDQ should be reported for 4- or 17-year-olds.",
    fields=["SDQ_REASON", "DOB"],
    column="sdq_reason",
    reads=("episodes", "header"),
)
def r197b() -> str:
    """Neither SDQ_SCORE nor SDQ_REASON for a child looked after continuously for 12 months
    whose 4th or 17th birthday falls in the collection year."""
    return f"""SELECT * FROM {OC2_B} o WHERE o.sdq_reason IS NULL AND NOT o.given_sdq_score
        AND (o.dob + INTERVAL 4 YEAR BETWEEN o.cy_start AND o.cy_end
             OR o.dob + INTERVAL 17 YEAR BETWEEN o.cy_start AND o.cy_end)
        AND o.cla"""


@rule(
    "543",
    R,
    "Child is aged 10 or over at 31 March and has been looked after continuously for 12 months "
    "yet conviction information has not been completed.",
    fields=["DOB", "CONVICTED"],
    column="convicted",
    reads=("episodes", "header"),
)
def r543() -> str:
    """CONVICTED blank for a child past their 10th birthday at 31 March, looked after
    continuously for 12 months."""
    return f"""SELECT * FROM {OC2_B} o WHERE NOT o.given_convicted
        AND o.dob + INTERVAL 10 YEAR < o.cy_end AND o.cla"""


@rule(
    "545",
    R,
    "Child is aged under 5 at 31 March and has been looked after continuously for 12 months "
    "yet health promotion information has not been completed.",
    fields=["DOB", "HEALTH_CHECK"],
    column="health_check",
    reads=("episodes", "header"),
)
def r545() -> str:
    """HEALTH_CHECK blank for a child under 5 at 31 March, looked after continuously for 12
    months."""
    return f"""SELECT * FROM {OC2_B} o WHERE NOT o.given_health_check
        AND o.dob + INTERVAL 5 YEAR > o.cy_end AND o.cla"""


@rule(
    "546",
    R,
    "Children aged 5 or over at 31 March should not have health promotion information completed.",
    fields=["DOB", "HEALTH_CHECK"],
    column="health_check",
    reads=("episodes", "header"),
)
def r546() -> str:
    """HEALTH_CHECK given for a child 5 or over at 31 March, looked after continuously for 12
    months."""
    return f"""SELECT * FROM {OC2_B} o WHERE o.given_health_check
        AND o.dob + INTERVAL 5 YEAR <= o.cy_end AND o.cla"""


@rule(
    "215",
    R,
    "Child has care leaver information but one or more data items relating to children looked "
    "after for 12 months have been completed.",
    fields=[
        "IN_TOUCH",
        "ACTIV",
        "ACCOM",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    column="in_touch",
)
def r215() -> str:
    """A child with a completed OC3 row and an OC2 row of the same return (collection year)
    with any of the convictions and health items given: both rows. A statement of its own,
    not a row filter: it flags rows of two tables, each fault naming its own field."""
    health = " OR ".join(f"o.given_{c}" for c in HEALTH)
    pairs = f"""FROM oc3 x JOIN {OC2_B} o ON o.la_code = x.la_code AND o.child_id = x.child_id
        AND o.cy_end = x.cy_end
        WHERE {OC3_GIVEN} AND ({health})"""
    return both_rows(
        pairs,
        ("x", "x.in_touch", "IN_TOUCH", True),
        ("o", "CAST(o.convicted AS VARCHAR)", "CONVICTED", True),
    )


@rule(
    "187",
    R,
    "Child cannot be looked after continuously for 12 months at 31 March (OC2) and have any of "
    "adoption or care leavers returns completed.",
    fields=[
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
        "IN_TOUCH",
        "ACTIV",
        "ACCOM",
    ],
    column="in_touch",
)
def r187() -> str:
    """A completed OC3 row or an AD1 row of a child looked after continuously for 12 months.
    A statement of its own, not a row filter: it flags rows of two tables, each fault naming
    its own field. The rows of both are put together before one test of their children
    (`looked_after_through`), not a correlated test each."""
    return f"""WITH r AS (SELECT x._table, x.la_code, x.load_id, x."row", x.child_id, x.cy_end,
               x.cy_start, x.in_touch AS value, 'IN_TOUCH' AS field
            FROM oc3 x WHERE {OC3_GIVEN}
            UNION ALL
            SELECT a._table, a.la_code, a.load_id, a."row", a.child_id, a.cy_end, a.cy_start,
               CAST(a.matched_date AS VARCHAR) AS value, 'DATE_MATCH' AS field
            FROM adoptions a WHERE a._table = 'AD1')
        SELECT r._table, r.la_code, r.load_id, r."row", r.child_id, r.cy_end, r.value, r.field
        FROM {looked_after_through("r", "r")}"""
