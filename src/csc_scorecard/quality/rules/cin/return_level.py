"""CIN census rules judged on the whole return, not on a child (DfE: "validation should be
triggered at LA level"; the D2I validator's `push_la_level`).

Each gives at most one fault per authority and census year: `child_id` and `row` are NULL,
`_table` the DfE table judged and `value` the count the rule compared. The fault table holds
them like any other (CSV `child` blank); fix lists put them under "authority-wide"
(quality.fixlists) and reportability ignores them, as no record is made unsafe by them
(docs/quality.md, "Reportability"). The authority's return is its rows of one census year:
(la_code, cy_end), the latest load of the two keeping the fault.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import rule

R = "cin"


# Each Disability code of a child's rows other than NONE (blank text none), a row per code: only
# the rows that are not NONE alone (a tenth of a synthetic England's children) are split, and
# a code counted with count(DISTINCT), not the codes of every row gathered into one list per
# authority or child and flattened (2 million children: 2887Q 0.14 -> 0.08, 2888Q 0.20 -> 0.13
# CPU s). `with_` names the columns each code keeps.
def codes(with_: str) -> str:
    """SQL: a row (`with_`, code) for each Disability code other than NONE of `child`."""
    split = f"""SELECT {with_}, unnest(string_split(disabilities, ' ')) AS code
        FROM child WHERE disabilities <> 'NONE'"""
    return f"SELECT * FROM ({split}) WHERE code NOT IN ('NONE', '')"


# The latest load of each authority's return (la_code, cy_end): the load a fault reports.
LATEST = "SELECT la_code, cy_end, max(load_id) AS load_id FROM child GROUP BY la_code, cy_end"
SAME_RETURN = """{a}.la_code IS NOT DISTINCT FROM {b}.la_code
        AND {a}.cy_end IS NOT DISTINCT FROM {b}.cy_end"""


def _whole_return(table: str, source: str, value: str, having: str) -> str:
    """SQL: one fault row per authority and census year of `source` (grouped rows) meeting
    `having`, reporting `value`."""
    return f"""SELECT '{table}' AS _table, la_code, max(load_id) AS load_id,
        NULL::INTEGER AS "row", NULL::VARCHAR AS child_id, cy_end, {value} AS value
    FROM {source} GROUP BY la_code, cy_end HAVING {having}"""


@rule(
    "2887Q",
    R,
    "Please check and either amend or provide a reason: Less than 8 disability codes have been "
    "used in your return",
    fields=["Disability"],
    column="disabilities",
)
def r2887q() -> str:
    """Excluding NONE, 7 or fewer different Disability codes used in the authority's return
    (value: how many; an authority with none at all has 0)."""
    used = f"""SELECT la_code, cy_end, count(DISTINCT code) AS n FROM ({codes("la_code, cy_end")})
        GROUP BY la_code, cy_end"""
    return f"""SELECT 'ChildIdentifiers' AS _table, l.la_code, l.load_id, NULL::INTEGER AS "row",
        NULL::VARCHAR AS child_id, l.cy_end, coalesce(u.n, 0) AS value
    FROM ({LATEST}) l LEFT JOIN ({used}) u ON {SAME_RETURN.format(a="u", b="l")}
    WHERE coalesce(u.n, 0) <= 7"""


@rule(
    "2888Q",
    R,
    "Please check and either amend or provide a reason: Only one disability code is recorded per "
    "child and multiple disabilities should be recorded where possible.",
    fields=["Disability"],
    column="disabilities",
)
def r2888q() -> str:
    """Excluding NONE, children are recorded with a disability and none with more than one
    (a child's codes over its rows in one load; value: the children with one). Only the codes
    (`codes`) are grouped by child: a child with none has no row, which changes neither the
    most codes a child has (it is 1 only where a child has one) nor the count of children with
    one; the load reported is still the latest of all the authority's children (2 million
    children: 0.73 -> 0.3 CPU s, then 0.20 -> 0.13 from `codes`)."""
    per_child = f"""SELECT la_code, cy_end, count(DISTINCT code) AS n
        FROM ({codes("la_code, load_id, cy_end, child_id")})
        GROUP BY la_code, load_id, cy_end, child_id"""
    return f"""SELECT 'ChildIdentifiers' AS _table, g.la_code, l.load_id, NULL::INTEGER AS "row",
        NULL::VARCHAR AS child_id, g.cy_end, g.value
    FROM (SELECT la_code, cy_end, count(*) FILTER (n = 1) AS value FROM ({per_child})
          GROUP BY la_code, cy_end HAVING max(n) = 1) g
    JOIN ({LATEST}) l ON {SAME_RETURN.format(a="l", b="g")}"""


@rule(
    "2883",
    R,
    "There are more child protection plans starting than initial conferences taking place",
    fields=["CPPstartDate", "DateOfInitialCPC"],
    column="start_date",
    any_rows=True,
)
def r2883() -> str:
    """More CPPstartDates within the census year than DateOfInitialCPCs within it, counted on
    CINdetails and Section47 together (value: the plans starting)."""
    return """WITH icpc AS (SELECT la_code, cy_end, count(*) AS n FROM (
            SELECT la_code, cy_start, cy_end, icpc_date FROM referrals
            UNION ALL SELECT la_code, cy_start, cy_end, icpc_date FROM s47)
        WHERE icpc_date BETWEEN cy_start AND cy_end GROUP BY la_code, cy_end)
    SELECT 'ChildProtectionPlans' AS _table, p.la_code, max(p.load_id) AS load_id,
        NULL::INTEGER AS "row", NULL::VARCHAR AS child_id, p.cy_end, count(*) AS value
    FROM cpp p LEFT JOIN icpc i ON i.la_code = p.la_code AND i.cy_end = p.cy_end
    WHERE p.start_date BETWEEN p.cy_start AND p.cy_end
    GROUP BY p.la_code, p.cy_end HAVING count(*) > coalesce(any_value(i.n), 0)"""


@rule(
    "2886Q",
    R,
    "Please check and either amend or provide a reason: Percentage of children with no sex "
    "recorded is more than 2% (excluding unborns)",
    fields=["Sex", "ExpectedPersonBirthDate"],
    column="sex",
)
def r2886q() -> str:
    """Children with no Sex (blank, or U / GenderCurrent 0: not known) and no
    ExpectedPersonBirthDate are more than 2% of the authority's children (value: how many)."""
    unknown = "(sex IS NULL OR sex IN ('U', '0')) AND expected_date_of_birth IS NULL"
    return _whole_return(
        "ChildIdentifiers",
        "child",
        f"count(*) FILTER ({unknown})",
        f"count(*) FILTER ({unknown}) > 0.02 * count(*)",
    )
