"""SSDA903 Header rules on young mothers (MOTHER, MC_DOB) and UASC status (DfE codes and
messages; logic per docs/quality.md). Each reads SEX, DOB, DEC or the OC3 fields, which
measures read. MOTHER is kept as a yes/no; a value ingest could not read as one is in `bad`."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import RESPITE, in_bad, of_children_in
from csc_scorecard.quality.rules.ssda903.derived_c import HEADER_C

R = "ssda903"
WITH_HEADER = "FROM episodes e JOIN header h ON h.la_code = e.la_code AND h.child_id = e.child_id"


def _unreadable(alias: str, column: str) -> str:
    """SQL: the row's `column` was given but ingest could not read it (raw text in `bad`)."""
    return in_bad(alias, column, any_child=True)


def _header_and_episode(where: str, value: str) -> str:
    """The episodes `where` selects (over `e` joined to its Header row `h`), and each child's
    Header row once; `value` is the episode's reported value. The pairs are joined once, as a
    CTE both sides read (`sql.both_rows`, which names each fault's field: these rules' faults
    take theirs from the rule), not once a side (rule 607 over 30 authorities of the synthetic
    England, 222,000 episodes: 30.0 -> 18.4 ms CPU)."""
    return f"""WITH p AS (SELECT e._table, e.la_code, e.load_id, e."row", e.child_id, e.cy_end,
                CAST({value} AS VARCHAR) AS value, h._table AS h_table, h.load_id AS h_load_id,
                h."row" AS h_row, h.cy_end AS h_cy_end, CAST(h.mother AS VARCHAR) AS h_value
            {WITH_HEADER} WHERE {where})
        SELECT _table, la_code, load_id, "row", child_id, cy_end, value FROM p
        UNION ALL
        SELECT DISTINCT h_table, la_code, h_load_id, h_row, child_id, h_cy_end, h_value FROM p"""


@rule(
    "165",
    R,
    "Data entry for mother status is invalid.",
    fields=["MOTHER", "SEX", "ACTIV", "ACCOM", "IN_TOUCH", "DECOM"],
    column="mother",
)
def r165() -> str:
    """For a child with episodes other than short breaks (V3, V4): MOTHER not 0 or 1; MOTHER
    given for a male; MOTHER blank for a female looked after during the year; or MOTHER given
    for a female not looked after during the year but with OC3 data (of the same return).
    Flags the Header row and the child's OC3 row of that return: a statement of its own, not a
    row filter, as it flags rows of two tables."""
    return f"""WITH eps AS (
            SELECT la_code, child_id, bool_or(decom <= cy_end
                AND coalesce(dec, cy_end) >= cy_start) AS in_year
            FROM episodes WHERE NOT coalesce(ls IN {RESPITE}, false)
            GROUP BY la_code, child_id),
        f AS (SELECT h.*, {_unreadable("h", "mother")} AS mother_bad, eps.in_year,
                EXISTS (SELECT 1 FROM oc3 o WHERE o.la_code = h.la_code
                    AND o.child_id = h.child_id AND o.cy_end = h.cy_end AND (o.in_touch IS NOT NULL
                    OR o.activity IS NOT NULL OR o.accommodation IS NOT NULL)) AS has_oc3
            FROM header h JOIN eps ON eps.la_code = h.la_code AND eps.child_id = h.child_id),
        flagged AS (SELECT * FROM f WHERE mother_bad
            OR ((mother IS NOT NULL OR mother_bad) AND sex = 'M')
            OR (mother IS NULL AND NOT mother_bad AND sex = 'F' AND in_year)
            OR (mother IS NOT NULL AND sex = 'F' AND NOT in_year AND has_oc3))
        SELECT _table, la_code, load_id, "row", child_id, cy_end,
               CAST(mother AS VARCHAR) AS value, 'MOTHER' AS field FROM flagged
        UNION ALL
        SELECT o._table, o.la_code, o.load_id, o."row", o.child_id, o.cy_end,
               o.in_touch AS value, 'IN_TOUCH' AS field
        FROM oc3 o JOIN flagged x ON x.la_code = o.la_code AND x.child_id = o.child_id
            AND x.cy_end = o.cy_end"""


@rule(
    "607",
    R,
    "Child ceased to be looked after in the year, but mother field has not been completed.",
    fields=["DEC", "REC", "MOTHER", "LS", "SEX"],
    column="mother",
)
def r607() -> str:
    """An episode ceasing in the year other than by X1 and not a short break (V3, V4), of a
    female whose MOTHER is blank: the episode and the Header row (a statement of its own, not a
    row filter, as it flags rows of two tables)."""
    where = f"""e.dec BETWEEN e.cy_start AND e.cy_end AND e.rec IS NOT NULL AND e.rec <> 'X1'
        AND NOT coalesce(e.ls IN {RESPITE}, false) AND h.sex = 'F'
        AND h.mother IS NULL AND NOT {_unreadable("h", "mother")}"""
    return _header_and_episode(where, "e.dec")


@rule(
    "612",
    R,
    "Date of birth field has been completed but mother field indicates child is not a mother.",
    fields=["SEX", "MOTHER", "MC_DOB"],
    column="mc_dob",
)
def r612() -> str:
    """MC_DOB given (readable or not) for a female whose MOTHER is 0 or blank."""
    return f"""SELECT * FROM {HEADER_C} WHERE sex = 'F'
        AND (mother = false OR (mother IS NULL AND NOT mother_bad))
        AND (mc_dob IS NOT NULL OR mc_dob_bad)"""


@rule(
    "620",
    R,
    "Child has been recorded as a mother, but date of birth shows that the mother is under 11 "
    "years of age.",
    fields=["DOB", "MOTHER"],
    column="date_of_birth",
)
def r620() -> str:
    """MOTHER 1 for a child not yet 11 on 1 April of the collection year."""
    return "SELECT * FROM header WHERE mother AND date_of_birth + INTERVAL 11 YEAR > cy_start"


@rule(
    "621",
    R,
    "Mother’s field has been completed but date of birth shows that the mother is younger than "
    "her child.",
    fields=["DOB", "MC_DOB"],
    column="mc_dob",
)
def r621() -> str:
    """MC_DOB on or before the young mother's own DOB (or her DOB blank)."""
    return """SELECT * FROM header
        WHERE mc_dob IS NOT NULL AND NOT coalesce(mc_dob > date_of_birth, false)"""


@rule(
    "625",
    R,
    "Date of birth of the first child is beyond the end of this reporting year or the date the "
    "child ceased to be looked after.",
    fields=["MC_DOB", "DEC"],
    column="mc_dob",
)
def r625() -> str:
    """MC_DOB after 31 March, or after the DEC of the child's latest-ceasing episode: the Header
    row, and that episode (a statement of its own, not a row filter, as it flags rows of two
    tables). Only a Header row with an MC_DOB can be flagged, so the latest-ceasing episode is
    found for those children alone (`sql.of_children_in`: a child's window sees only its own
    episodes), not by numbering every episode (30 authorities of the synthetic England, 222,000
    episodes: 53.1 -> 3.7 ms CPU)."""
    mothers = "(SELECT * FROM header WHERE mc_dob IS NOT NULL)"
    return f"""WITH last AS (SELECT _table, la_code, load_id, "row", child_id, cy_end, dec
            FROM episodes WHERE dec IS NOT NULL AND {of_children_in(mothers)}
            QUALIFY row_number() OVER (PARTITION BY la_code, child_id
                ORDER BY dec DESC, load_id, "row") = 1),
        f AS (SELECT h.*, l.dec AS last_dec, l._table AS e_table, l.load_id AS e_load,
                l."row" AS e_row, l.cy_end AS e_cy_end
            FROM header h LEFT JOIN last l ON l.la_code = h.la_code AND l.child_id = h.child_id
            WHERE h.mc_dob > h.cy_end OR h.mc_dob > l.dec)
        SELECT _table, la_code, load_id, "row", child_id, cy_end,
               CAST(mc_dob AS VARCHAR) AS value, 'MC_DOB' AS field FROM f
        UNION ALL
        SELECT e_table, la_code, e_load, e_row, child_id, e_cy_end,
               CAST(last_dec AS VARCHAR) AS value, 'DEC' AS field FROM f WHERE e_row IS NOT NULL"""


@rule(
    "303",
    R,
    "If date Unaccompanied Asylum-Seeking Child (UASC) status ceased is not null, UASC status "
    "must be coded 1.",
    fields=["DUC", "UASC"],
    column="uasc_ceased_date",
)
def r303() -> str:
    """DUC given for a child whose UASC status is not 1 (kept on the Header row)."""
    return "SELECT * FROM header WHERE uasc_ceased_date IS NOT NULL AND NOT coalesce(uasc, false)"


@rule(
    "304",
    R,
    "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the "
    "18th birthday of a child.",
    fields=["DUC"],
    column="uasc_ceased_date",
)
def r304() -> str:
    """DUC after the child's 18th birthday (Header DOB)."""
    return "SELECT * FROM header WHERE uasc_ceased_date > date_of_birth + INTERVAL 18 YEAR"


@rule(
    "231",
    R,
    "We expect that unaccompanied asylum seeking children are generally older young people. "
    "Please check the date of birth is correct. If the date of birth is correct then please "
    "provide details in a bypass request.",
    fields=["DOB", "UASC"],
    column="date_of_birth",
    years=(2025, None),
)
def r231() -> str:
    """A UASC child under 11 at 31 March (born after 31 March eleven years before)."""
    return "SELECT * FROM header WHERE uasc AND date_of_birth > cy_end - INTERVAL 11 YEAR"


@rule(
    "232",
    R,
    "Sex of the child/young person has been reported as unknown.",
    fields=["SEX"],
    column="sex",
    years=(2025, None),
)
def r232() -> str:
    """SEX U (unknown), a code from 2024-25."""
    return "SELECT * FROM header WHERE sex = 'U'"
