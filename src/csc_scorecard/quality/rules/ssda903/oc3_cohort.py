"""SSDA903 rules on who belongs in the OC3 (care leavers) cohort and what their OC3 row may say
(DfE codes and messages; logic per docs/quality.md). Each checks IN_TOUCH, ACTIV or ACCOM,
which the care-leaver measures read. Ages come from the child's Header DOB (the OC3 table's own
DOB column is not kept by the store)."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import both_rows
from csc_scorecard.quality.rules.ssda903.derived_b import ADOPTIONS_B, OC3_B, oc3_given

R = "ssda903"
OC3_FIELDS = ["IN_TOUCH", "ACTIV", "ACCOM"]
# The OC3 row says something about the young person after care.
GIVEN = oc3_given("o")
WITH_HEADER = "FROM oc3 o JOIN header h ON h.la_code = o.la_code AND h.child_id = o.child_id"


@rule(
    "1000",
    R,
    "This child is recorded as having died in care and therefore should not have the care "
    "leaver information completed.",
    fields=OC3_FIELDS,
    column="in_touch",
    reads=("episodes",),
)
def r1000() -> str:
    """An OC3 row for a child with an episode that ceased E2 (died). Every episode of the
    return in the store counts, so last year's too when the store holds it."""
    return f"SELECT * FROM {OC3_B} o WHERE o.died"


@rule(
    "1007",
    R,
    "Care leaver information is not required for 17- or 18-year olds who are still looked "
    "after [on their 17th or 18th birthday.]",
    fields=OC3_FIELDS,
    column="in_touch",
    reads=("episodes", "header"),
)
def r1007() -> str:
    """A child aged 17 or 18 at 31 March with IN_TOUCH, ACTIV or ACCOM given, who was looked
    after on their birthday in the year: an episode began on or before it and ceased after it.
    An episode still open (no DEC) is not counted (as csc-validator-be-903 reads it; the DfE
    text's "current episode not ended" is 1016's and 142's business)."""
    return f"""SELECT * FROM {OC3_B} o
        WHERE {GIVEN} AND o.dob + INTERVAL 17 YEAR <= o.cy_end
          AND o.dob + INTERVAL 19 YEAR > o.cy_end AND o.in_care_on_birthday"""


@rule(
    "1011",
    R,
    "This child is recorded as having his/her care transferred to another local authority for "
    "the final episode and therefore should not have the care leaver information completed.",
    fields=OC3_FIELDS,
    column="in_touch",
    reads=("episodes",),
)
def r1011() -> str:
    """IN_TOUCH, ACTIV or ACCOM given for a child whose last episode (latest DECOM) ceased E3
    (care transferred to another authority)."""
    return f"SELECT * FROM {OC3_B} o WHERE {GIVEN} AND o.left_e3"


@rule(
    "1014",
    R,
    "UASC information is not required for care leavers",
    fields=["ACTIV", "ACCOM", "IN_TOUCH", "DUC"],
    column="in_touch",
)
def r1014() -> str:
    """A child recorded as UASC (or with a date UASC ceased) whose OC3 row is completed, who
    has episodes but none open during the collection year: a care leaver, not looked after
    this year. Flags the OC3 row and the child's Header row (where the UASC status is kept).
    A statement of its own, not a row filter: it flags rows of two tables, each fault naming
    its own field. Whether the child has episodes (a row of the join) and whether one is open
    in the year come from one grouping of the OC3 children's episodes by child and year
    (`bool_or` true where some episode's condition is, as EXISTS), joined to the rows, not a
    correlated subquery per row (14.2 -> 13.6 ms CPU over 101,000 episodes; a NULL year
    matches a NULL year, as the correlated test saw it)."""
    keys = "k.la_code, k.child_id, k.cy_start, k.cy_end"
    where = f"""{WITH_HEADER}
        JOIN (SELECT {keys}
            FROM (SELECT DISTINCT la_code, child_id, cy_start, cy_end FROM oc3) k
            JOIN episodes e ON e.la_code = k.la_code AND e.child_id = k.child_id
            GROUP BY {keys} HAVING NOT coalesce(bool_or(e.decom <= k.cy_end
                AND (e.dec IS NULL OR e.dec >= k.cy_start)), false)) k
            ON k.la_code = o.la_code AND k.child_id = o.child_id
            AND k.cy_start IS NOT DISTINCT FROM o.cy_start AND k.cy_end IS NOT DISTINCT FROM o.cy_end
        WHERE {GIVEN} AND (h.uasc OR h.uasc_ceased_date IS NOT NULL)"""
    return both_rows(
        where,
        ("o", "o.in_touch", "IN_TOUCH", False),
        ("h", "CAST(h.uasc_ceased_date AS VARCHAR)", "DUC", False),
    )


@rule(
    "1016",
    R,
    "Care leaver information is not required for 17- or 18-year olds who cease to be looked "
    "after, after their birthday.",
    fields=OC3_FIELDS,
    column="in_touch",
    years=(2024, None),
    reads=("episodes", "header"),
)
def r1016() -> str:
    """IN_TOUCH, ACTIV or ACCOM given for a child aged 17 at 31 March with an episode ceasing on
    or after their 17th birthday, or aged 18 with one ceasing on or after their 18th."""
    return f"""SELECT * FROM {OC3_B} o
        WHERE {GIVEN} AND (
              (o.dob + INTERVAL 17 YEAR <= o.cy_end AND o.dob + INTERVAL 18 YEAR > o.cy_end
                AND o.ceased_after_17)
              OR (o.dob + INTERVAL 18 YEAR <= o.cy_end AND o.dob + INTERVAL 19 YEAR > o.cy_end
                AND o.ceased_after_18))"""


@rule(
    "344",
    R,
    "The record shows the young person has died or returned home to live with parent(s) or "
    "someone with parental responsibility for a continuous period of 6 months or more, but "
    "activity and/or accommodation on leaving care have been completed.",
    fields=OC3_FIELDS,
    column="in_touch",
)
def r344() -> str:
    """IN_TOUCH DIED or RHOM with ACTIV or ACCOM other than 0 (blank included: DfE wants 0)."""
    return f"""SELECT * FROM oc3 WHERE in_touch IN {in_list("DIED", "RHOM")}
        AND (NOT coalesce(activity = '0', false) OR NOT coalesce(accommodation = '0', false))"""


@rule(
    "345",
    R,
    "The data collection record shows the local authority is in touch with this young person, "
    "but activity and/or accommodation data items are zero.",
    fields=OC3_FIELDS,
    column="in_touch",
)
def r345() -> str:
    """IN_TOUCH YES with ACTIV or ACCOM 0."""
    return "SELECT * FROM oc3 WHERE in_touch = 'YES' AND (activity = '0' OR accommodation = '0')"


@rule(
    "3001",
    R,
    "Where care leavers information is being returned for a young person around their 17th "
    "birthday, the accommodation cannot be with their former foster carer(s).",
    fields=["ACCOM", "DOB"],
    column="accommodation",
    reads=("header",),
)
def r3001() -> str:
    """ACCOM Z1 or Z2 (with former foster carers) for a young person whose 17th birthday falls
    in the collection year (staying put begins at 18)."""
    return f"""SELECT * FROM {OC3_B} o WHERE o.accommodation IN {in_list("Z1", "Z2")}
        AND o.dob + INTERVAL 17 YEAR BETWEEN o.cy_start AND o.cy_end"""


@rule(
    "391",
    R,
    "Young person was not 17, 18, 19, 20 or 21 during the current collection year. ",
    fields=["DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    column="in_touch",
    reads=("header",),
)
def r391() -> str:
    """IN_TOUCH, ACTIV or ACCOM given for a young person not yet 17 on 31 March."""
    return f"SELECT * FROM {OC3_B} o WHERE {GIVEN} AND o.dob + INTERVAL 17 YEAR > o.cy_end"


@rule(
    "134",
    R,
    "Data on adoption should not be entered for the OC3 cohort.",
    fields=[
        "IN_TOUCH",
        "ACTIV",
        "ACCOM",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    column="matched_date",
    reads=("oc3",),
)
def r134() -> str:
    """An AD1 row (adoption during the year) for a child whose OC3 row of the same return
    (collection year) is completed."""
    return f"SELECT * FROM {ADOPTIONS_B} a WHERE a._table = 'AD1' AND a.oc3_given"
