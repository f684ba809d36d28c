"""SSDA903 AD1 and PlacedAdoption rules: the dates of an adoption against each other and the
episodes (DfE codes and messages; logic per docs/quality.md). Each reads the adoption dates
or PLACE, which the adoption measures read.

The store keeps AD1 and PlacedAdoption rows in one table, `adoptions` (DATE_INT and
DATE_PLACED are both the decision that the child should be placed for adoption, and one row
per child and decision date); a row holding AD1's match or adopter details is an AD1 row
(`quality.scope`), any row has the decision date.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import (
    EPISODES_N,
    RESPITE,
    both_rows,
    of_children_in,
    row_keys,
)
from csc_scorecard.quality.rules.ssda903.derived_b import ADOPTIONS_B, EPISODES_B

R = "ssda903"
AD1_FIELDS = ["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]
AD1_COLUMNS = (
    "adm_decision_date",
    "matched_date",
    "foster_carer_adoption",
    "number_adopters",
    "sex_adopters",
    "ls_adopters",
)


def _episode_and_ad1(episodes: str, where: str, value: str, *, ad1_only: bool = True) -> str:
    """Episodes (`episodes`, alias `e`) paired with the child's AD1 rows (alias `a`; with
    `ad1_only` false, any adoption row: the decisions of PlacedAdoption too) where `where`
    holds: the episode and the adoption row, each once."""
    ad1 = " AND a._table = 'AD1'" if ad1_only else ""
    pairs = f"""FROM {episodes} e JOIN adoptions a ON a.la_code = e.la_code
        AND a.child_id = e.child_id{ad1} WHERE {where}"""
    return both_rows(
        pairs,
        ("e", "CAST(e.decom AS VARCHAR)", "DECOM", True),
        ("a", f"CAST({value} AS VARCHAR)", "DATE_INT", True),
    )


@rule(
    "151",
    R,
    "All data items relating to a childs adoption must be coded or left blank.",
    fields=AD1_FIELDS,
    column="matched_date",
)
def r151() -> str:
    """An AD1 row with some but not all of DATE_INT, DATE_MATCH, FOSTER_CARE, NB_ADOPTR,
    SEX_ADOPTR and LS_ADOPTR."""
    given = " + ".join(f"CAST({c} IS NOT NULL AS INTEGER)" for c in AD1_COLUMNS)
    return f"SELECT * FROM adoptions WHERE _table = 'AD1' AND ({given}) < {len(AD1_COLUMNS)}"


@rule(
    "184",
    R,
    "Date of decision that a child should be placed for adoption is before the child was born.",
    fields=["DATE_PLACED", "DOB"],
    column="adm_decision_date",
    reads=("header",),
)
def r184() -> str:
    """A decision that the child should be placed for adoption dated before the child's DOB."""
    return f"SELECT * FROM {ADOPTIONS_B} a WHERE a.adm_decision_date < a.dob"


@rule(
    "333",
    R,
    "Date should be placed for adoption must be on or prior to the date of matching child with "
    "adopter(s).",
    fields=["DATE_INT"],
    column="adm_decision_date",
)
def r333() -> str:
    """An AD1 row with DATE_MATCH and either no DATE_INT or a DATE_INT after it."""
    return """SELECT * FROM adoptions WHERE _table = 'AD1' AND matched_date IS NOT NULL
        AND (adm_decision_date IS NULL OR adm_decision_date > matched_date)"""


@rule(
    "331",
    R,
    "Date of matching child and adopter(s) should be the same as, or prior to, the date of "
    "placement of adoption.",
    fields=["DATE_MATCH", "DECOM", "REC"],
    column="matched_date",
)
def r331() -> str:
    """DATE_MATCH after the start of an episode that ended in adoption (REC E11, E12): the
    episode and the AD1 row. A statement of its own, not a row filter: it flags rows of two
    tables, each fault naming its own field."""
    return _episode_and_ad1(
        "episodes",
        f"e.rec IN {in_list('E11', 'E12')} AND a.matched_date > e.decom",
        "a.matched_date",
    )


@rule(
    "334",
    R,
    "Date child started to be looked after in latest period of care must be on or prior to the "
    "date should be placed for adoption. ",
    fields=["DATE_INT", "DECOM", "RNE"],
    column="adm_decision_date",
)
def r334() -> str:
    """DATE_INT before the start of the child's latest period of care (the latest DECOM of
    an episode with RNE S): that episode and the AD1 row. A statement of its own, not a row
    filter: it flags rows of two tables, each fault naming its own field."""
    latest = f"""(SELECT * FROM episodes WHERE rne = 'S' AND decom IS NOT NULL
        AND {of_children_in("adoptions")} QUALIFY row_number() OVER (PARTITION BY la_code, child_id
            ORDER BY decom DESC, load_id, "row") = 1)"""
    return _episode_and_ad1(latest, "a.adm_decision_date < e.decom", "a.adm_decision_date")


@rule(
    "335",
    R,
    "The current foster value (0) suggests that child is not adopted by current foster carer, "
    "but last placement is A2, A3, or A5. Or the current foster value (1) suggests that child "
    "is adopted by current foster carer, but last placement is A1, A4 or A6.",
    fields=["PLACE", "FOSTER_CARE"],
    column="foster_carer_adoption",
)
def r335() -> str:
    """An episode ended by adoption (REC E1, E11, E12) from a placement with the child's
    foster carer (A2, A3, A5) where FOSTER_CARE is 0, or from another (A1, A4, A6) where it
    is 1: the episode and the AD1 row. A statement of its own, not a row filter: it flags
    rows of two tables, each fault naming its own field."""
    return _episode_and_ad1(
        "episodes",
        f"""e.rec IN {in_list("E1", "E11", "E12")}
            AND ((e.place IN {in_list("A2", "A3", "A5")} AND NOT a.foster_carer_adoption)
              OR (e.place IN {in_list("A1", "A4", "A6")} AND a.foster_carer_adoption))""",
        "a.foster_carer_adoption",
    )


@rule(
    "336",
    R,
    "Child does not have a foster placement immediately prior to being placed for adoption.",
    fields=["PLACE"],
    column="place",
)
def r336() -> str:
    """A placement for adoption with the child's foster carer (A3) or another carer (A4) that
    follows an episode (DECOM order) not in foster care or placed for adoption (U1-U6,
    A3-A6), or with a blank placement; a child's first episode is not judged."""
    before = in_list("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")
    return f"""SELECT * FROM {EPISODES_N} WHERE n > 1 AND place IN {in_list("A3", "A4")}
        AND NOT coalesce(prev_place IN {before}, false)"""


@rule(
    "521",
    R,
    "Date of local authority's decision (LA) that adoption is in the best interests of the "
    "child (date should be placed) must be on or prior to the date the child is placed for "
    "adoption.",
    fields=["PLACE", "DECOM", "DATE_INT"],
    column="adm_decision_date",
)
def r521() -> str:
    """DATE_INT after the start of an episode placed for adoption (A3-A6): the episode and
    the AD1 row. A statement of its own, not a row filter: it flags rows of two tables, each
    fault naming its own field."""
    return _episode_and_ad1(
        "episodes",
        f"e.place IN {in_list('A3', 'A4', 'A5', 'A6')} AND a.adm_decision_date > e.decom",
        "a.adm_decision_date",
    )


def _first(where: str, order: str = "decom") -> str:
    """Each child's first episode (by `order`) among those `where` selects, of the children
    with an adoption row (`of_children_in`: every rule reading it pairs it with them)."""
    return f"""(SELECT * FROM episodes WHERE {where} AND {order} IS NOT NULL
        AND {of_children_in("adoptions")} QUALIFY row_number() OVER (PARTITION BY la_code, child_id
            ORDER BY {order}, load_id, "row") = 1)"""


@rule(
    "551",
    R,
    "Child has been placed for adoption but there is no date of the decision that the child "
    "should be placed for adoption.",
    fields=["DATE_PLACED", "PLACE"],
    column="place",
    reads=("adoptions",),
)
def r551() -> str:
    """An episode placed for adoption (A3-A6) of a child with no decision that they should
    be placed for adoption (DATE_PLACED, or AD1's DATE_INT)."""
    return f"""SELECT * FROM {EPISODES_B} e
        WHERE e.place IN {in_list("A3", "A4", "A5", "A6")} AND NOT e.decided"""


@rule(
    "552",
    R,
    "Date of Decision to place a child for adoption should be on or prior to the date that the "
    "child was placed for adoption.",
    fields=["DATE_PLACED", "DECOM"],
    column="adm_decision_date",
)
def r552() -> str:
    """The child's latest decision that they should be placed for adoption after the start
    of their first episode placed for adoption (A3-A6): both rows. A statement of its own,
    not a row filter: it flags rows of two tables, each fault naming its own field."""
    latest = """(SELECT * FROM adoptions WHERE adm_decision_date IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY la_code, child_id
            ORDER BY adm_decision_date DESC, load_id, "row") = 1)"""
    pairs = f"""FROM {_first(f"place IN {in_list('A3', 'A4', 'A5', 'A6')}")} e
        JOIN {latest} a ON a.la_code = e.la_code AND a.child_id = e.child_id
        WHERE e.decom < a.adm_decision_date"""
    return both_rows(
        pairs,
        ("e", "CAST(e.decom AS VARCHAR)", "DECOM", False),
        ("a", "CAST(a.adm_decision_date AS VARCHAR)", "DATE_PLACED", False),
    )


@rule(
    "554",
    R,
    "Date of decision that the child should be placed for adoption should be on or prior to "
    "the date that the placement order was granted.",
    fields=["DATE_PLACED", "DECOM", "LS"],
    column="adm_decision_date",
)
def r554() -> str:
    """A decision that the child should be placed for adoption after the start of the
    child's first episode under a placement order (LS E1): the episode and the decision. A
    statement of its own, not a row filter: it flags rows of two tables, each fault naming
    its own field."""
    return _episode_and_ad1(
        _first("ls = 'E1'"),
        "a.adm_decision_date > e.decom",
        "a.adm_decision_date",
        ad1_only=False,
    )


@rule(
    "1003",
    R,
    "Date of LA's decision that a child should be placed for adoption is before the child "
    "started to be looked after.",
    fields=["DATE_PLACED", "DECOM", "RNE"],
    column="adm_decision_date",
)
def r1003() -> str:
    """A decision that the child should be placed for adoption before the start of the
    child's first period of care (the earliest DECOM with RNE S): the episode and the
    decision. A statement of its own, not a row filter: it flags rows of two tables, each
    fault naming its own field."""
    return _episode_and_ad1(
        _first("rne = 'S'"),
        "a.adm_decision_date < e.decom",
        "a.adm_decision_date",
        ad1_only=False,
    )


@rule(
    "582",
    R,
    "Child is showing as ceasing to be looked after due to adoption, but the date of adoption "
    "is the same as the date reported for being matched with adopters. In most circumstances we "
    "expect the date the child is matched with adopters to be before the date of adoption.",
    fields=["DEC", "DATE_MATCH"],
    column="dec",
    reads=("adoptions",),
)
def r582() -> str:
    """An episode ended by adoption (REC E11, E12) on the day of the child's match (AD1
    DATE_MATCH)."""
    return (
        f"SELECT * FROM {EPISODES_B} e WHERE e.rec IN {in_list('E11', 'E12')} AND e.matched_on_dec"
    )


@rule(
    "601",
    R,
    "The additional fields relating to adoption have not been completed although the episode "
    "data shows that the child was adopted during the year.",
    fields=["REC", *AD1_FIELDS],
    column="rec",
)
def r601() -> str:
    """An episode ended by adoption (REC E11, E12) in the year of a child whose AD1 row
    lacks any of its six items: the episode and the AD1 row. A statement of its own, not a
    row filter: it flags rows of two tables, each fault naming its own field."""
    missing = " OR ".join(f"a.{c} IS NULL" for c in AD1_COLUMNS)
    return _episode_and_ad1(
        "episodes",
        f"""e.rec IN {in_list("E11", "E12")} AND e.dec BETWEEN e.cy_start AND e.cy_end
            AND ({missing})""",
        "a.matched_date",
    )


@rule(
    "557",
    R,
    "Child for whom the decision was made that they should be placed for adoption has left care "
    "but was not adopted and information on the decision that they should no longer be placed "
    "for adoption items has not been completed.",
    fields=["DATE_PLACED_CEASED", "REASON_PLACED_CEASED", "PLACE", "LS", "REC"],
    column="rec",
)
def r557() -> str:
    """An episode placed for adoption (A3-A6) or under a placement order (LS E1; D1 too up
    to 2023-24) that ended care other than by adoption (REC other than E11, E12, X1), of a
    child without a decision that they should be placed for adoption, or with one whose
    reversal (DATE_PLACED_CEASED, REASON_PLACED_CEASED) is incomplete: the episode and that
    decision. A statement of its own, not a row filter: it flags rows of two tables, each
    fault naming its own field."""
    episode = f"""(e.place IN {in_list("A3", "A4", "A5", "A6")} OR e.ls = 'E1'
            OR (e.ls = 'D1' AND year(e.cy_end) <= 2024))
        AND e.rec IS NOT NULL AND e.rec NOT IN {in_list("E11", "E12", "X1")}"""
    incomplete = "(a.decision_reversed_date IS NULL OR a.decision_reversed_reason IS NULL)"
    return f"""SELECT e._table, e.la_code, e.load_id, e."row", e.child_id, e.cy_end,
               e.rec AS value, 'REC' AS field FROM episodes e WHERE {episode}
            AND (NOT EXISTS (SELECT 1 FROM adoptions a WHERE a.la_code = e.la_code
                    AND a.child_id = e.child_id)
                OR EXISTS (SELECT 1 FROM adoptions a WHERE a.la_code = e.la_code
                    AND a.child_id = e.child_id AND {incomplete}))
        UNION ALL
        SELECT DISTINCT {row_keys("a")},
               CAST(a.decision_reversed_date AS VARCHAR) AS value, 'DATE_PLACED_CEASED' AS field
        FROM adoptions a JOIN episodes e ON e.la_code = a.la_code AND e.child_id = a.child_id
        WHERE {episode} AND {incomplete}"""


@rule(
    "522",
    R,
    "Date of decision that the child should be placed for adoption must be on or before the "
    "date that a child should no longer be placed for adoption.",
    fields=["DATE_PLACED", "DATE_PLACED_CEASED"],
    column="decision_reversed_date",
)
def r522() -> str:
    """DATE_PLACED_CEASED before DATE_PLACED on the same decision."""
    return "SELECT * FROM adoptions WHERE decision_reversed_date < adm_decision_date"


@rule(
    "563",
    R,
    "The child should no longer be placed for adoption but the date of the decision that the "
    "child should be placed for adoption is blank",
    fields=["DATE_PLACED", "REASON_PLACED_CEASED", "DATE_PLACED_CEASED"],
    column="decision_reversed_date",
)
def r563() -> str:
    """DATE_PLACED_CEASED and REASON_PLACED_CEASED given on a decision whose DATE_PLACED is
    blank."""
    return """SELECT * FROM adoptions WHERE decision_reversed_date IS NOT NULL
        AND decision_reversed_reason IS NOT NULL AND adm_decision_date IS NULL"""


@rule(
    "118",
    R,
    "Date of decision that a child should no longer be placed for adoption is before the "
    "current collection year or before the date the child started to be looked after.",
    fields=["DATE_PLACED_CEASED", "DECOM", "LS"],
    column="decision_reversed_date",
)
def r118() -> str:
    """DATE_PLACED_CEASED before 1 April of the collection year, or before the start of the
    child's first episode other than a short break (V3, V4): the decision and that episode.
    A statement of its own, not a row filter: it flags rows of two tables, each fault naming
    its own field."""
    first = _first(f"NOT coalesce(ls IN {RESPITE}, false)")
    pairs = f"""FROM {first} e JOIN adoptions a ON a.la_code = e.la_code
        AND a.child_id = e.child_id WHERE a.decision_reversed_date < e.decom
        OR a.decision_reversed_date < a.cy_start"""
    return both_rows(
        pairs,
        ("a", "CAST(a.decision_reversed_date AS VARCHAR)", "DATE_PLACED_CEASED", True),
        ("e", "CAST(e.decom AS VARCHAR)", "DECOM", True),
    )


@rule(
    "523",
    R,
    "Date of decision that the child should be placed for adoption should be the same date as "
    "the decision that adoption is in the best interest (date should be placed).",
    fields=["DATE_PLACED", "DATE_INT"],
    column="adm_decision_date",
)
def r523() -> str:
    """A child's AD1 DATE_INT and a PlacedAdoption DATE_PLACED that differ: both rows. (The
    store keeps an AD1 row and a PlacedAdoption row of the same date as one row, so two rows
    of one child mean two dates.) A statement of its own, not a row filter: it flags rows of
    two DfE tables (AD1, PlacedAdoption), each fault naming its own field."""
    pairs = """FROM adoptions a JOIN adoptions p ON p.la_code = a.la_code
        AND p.child_id = a.child_id AND p._table = 'PlacedAdoption'
        WHERE a._table = 'AD1' AND a.adm_decision_date <> p.adm_decision_date"""
    return both_rows(
        pairs,
        ("a", "CAST(a.adm_decision_date AS VARCHAR)", "DATE_INT", True),
        ("p", "CAST(p.adm_decision_date AS VARCHAR)", "DATE_PLACED", True),
    )
