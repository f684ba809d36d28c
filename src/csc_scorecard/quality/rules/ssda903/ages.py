"""SSDA903 rules on what a child's age allows: an unknown UPN at school age, a move into
custody under 10, a foyer under 18, and a placement at the child's home address (DfE codes and
messages; logic per docs/quality.md). Each reads DOB or PLACE, which measures read; ages come
from the Header DOB."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.ssda903.derived import EPISODES_H

R = "ssda903"


@rule(
    "209",
    R,
    "Child looked after is of school age and should not have an unknown Unique Pupil Number "
    "(UPN) code of UN1.",
    fields=["UPN", "DOB"],
    column="upn",
)
def r209() -> str:
    """UPN UN1 (child not of school age) for a child who was 4 by 31 August of the year
    before the collection year began (for 2023-24: 31 August 2022)."""
    return """SELECT * FROM header WHERE upn = 'UN1'
        AND date_of_birth + INTERVAL 4 YEAR <= make_date(year(cy_start) - 1, 8, 31)"""


def under_ten(episode: str, column: str) -> str:
    """SQL: the episodes `episode` selects (over `e`) that began before the child's 10th
    birthday by a Header row's DOB, with `column` as the value of DfE field `column`
    (upper-cased), and each Header row whose DOB puts one of them before it once, with its DOB
    (rules 234, 358). The episodes come from `episodes_h` (each episode beside each of its
    child's Header rows' DOB, built once a run), not a join of the episodes with the Header
    again; the Header rows by a semi join of those few episodes."""
    ten = "INTERVAL 10 YEAR"
    return f"""WITH f AS (SELECT e._table, e.la_code, e.load_id, e."row", e.child_id, e.cy_end,
                e.{column}, e.decom
            FROM {EPISODES_H} e WHERE {episode} AND e.decom < e.h_dob + {ten})
        SELECT _table, la_code, load_id, "row", child_id, cy_end, {column} AS value,
            '{column.upper()}' AS field FROM f
        UNION ALL
        SELECT DISTINCT h._table, h.la_code, h.load_id, h."row", h.child_id, h.cy_end,
            CAST(h.date_of_birth AS VARCHAR) AS value, 'DOB' AS field
        FROM header h SEMI JOIN f ON f.la_code = h.la_code AND f.child_id = h.child_id
            AND f.decom < h.date_of_birth + {ten}"""


@rule(
    "234",
    R,
    "A child aged under 10 can not change placement due to being admitted to custody",
    fields=["REASON_PLACE_CHANGE", "DOB"],
    column="reason_place_change",
    years=(2026, None),
)
def r234() -> str:
    """REASON_PLACE_CHANGE CUSTOD on an episode beginning before the child's 10th birthday:
    the episode and the child's Header row (rows of two tables, so its own statement, not a row
    filter)."""
    return under_ten("e.reason_place_change = 'CUSTOD'", "reason_place_change")


@rule(
    "347",
    R,
    "Care leavers aged under 18 years, can not be accommodated in a Foyer.",
    fields=["ACCOM", "DOB"],
    column="accommodation",
    years=(2024, None),
)
def r347() -> str:
    """ACCOM T1 or T2 (foyer or similar) for a care leaver under 18 on 1 April of the
    collection year."""
    return f"""SELECT o.* FROM oc3 o JOIN header h ON h.la_code = o.la_code
        AND h.child_id = o.child_id WHERE o.accommodation IN {in_list("T1", "T2")}
        AND h.date_of_birth + INTERVAL 18 YEAR > o.cy_start"""


@rule(
    "392d",
    R,
    "Home and placement postcodes should not be same unless the placement type is P1.",
    fields=["HOME_POST", "PL_POST", "PLACE"],
    column="pl_post",
)
def r392d() -> str:
    """HOME_POST equal to PL_POST on an episode whose placement is not P1 (with parents), or
    is blank."""
    return "SELECT * FROM episodes WHERE home_post = pl_post AND place IS DISTINCT FROM 'P1'"
