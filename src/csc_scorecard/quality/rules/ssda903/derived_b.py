"""The derived tables the adoption, OC2, OC3 and PrevPerm rules read (rules.DERIVED, built once
per run by quality.scope): one per table whose rows the rules flag (`oc2_b`, `oc3_b`,
`placed_b`, `adoptions_b`, `episodes_b`), each holding those rows with what the rules look up
elsewhere (the child's Header DOB, whether a value was given, whether the child was looked after
continuously for the year, the child's decisions to place for adoption, ...) as columns, worked
out once per run, so that each rule is a plain row filter of it and the runner checks them all
in one scan (quality.runner.row_filter).

Each table is built from the tables the run has (`present`: quality.scope.derived_sql): a
column read from another table is there only when that table is, and a rule reading the column
names the table in `rule(reads=...)`, so it runs only where its statement ran (every table it
reads has rows). A table joined to the Header holds a row per row and Header row of the child
(LEFT JOIN: a row whose child has none keeps a blank `dob`, which no rule's condition meets), as
the statements' joins did; the runner keeps each fault once.
"""

from __future__ import annotations

from collections.abc import Collection

from csc_scorecard.quality.rules import in_list
from csc_scorecard.quality.rules.sql import (
    EPISODES_N,
    birthday_in_year,
    looked_after_by_year,
)

OC2_B = "oc2_b"
OC3_B = "oc3_b"
PLACED_B = "placed_b"
ADOPTIONS_B = "adoptions_b"
EPISODES_B = "episodes_b"

# The OC2 health items (convictions, health checks, substance misuse and its interventions),
# and every OC2 item whose `given_*` column (`given`: read, or unreadable with its raw text in
# `bad`) `oc2_b` carries.
HEALTH = (
    "convicted",
    "health_check",
    "immunisations",
    "teeth_check",
    "health_assessment",
    "substance_misuse",
    "intervention_received",
    "intervention_offered",
)
OC2_GIVEN = ("sdq_score", *HEALTH)


def oc3_given(alias: str) -> str:
    """SQL: the OC3 row `alias` says something about the young person after care."""
    return (
        f"({alias}.in_touch IS NOT NULL OR {alias}.activity IS NOT NULL"
        f" OR {alias}.accommodation IS NOT NULL)"
    )


ADOPTED = in_list("E11", "E12")


def _header(alias: str) -> str:
    """SQL: the child's Header rows (alias `h`) joined to row `alias` (LEFT: module doc)."""
    return f"LEFT JOIN header h ON h.la_code = {alias}.la_code AND h.child_id = {alias}.child_id"


def oc2_rows(present: Collection[str]) -> str:
    """`oc2_b`: the OC2 rows, each with `given_<item>` for the items of OC2_GIVEN; with the
    Header, the child's DOB (`dob`); with the episodes, `cla`: the child was looked after
    continuously through the collection year (rules.sql.continuously_looked_after)."""
    # the items of the row that ingest could not read (`bad`), looked up once for all of them:
    # an item is given when read or when in this list (rules.sql.given)
    unread = f"""(SELECT list(b.column_name) FROM bad b WHERE b.load_id = o.load_id
        AND b."row" = o."row" AND b.column_name IN {in_list(*OC2_GIVEN)}
        AND (b.child_id IS NULL OR b.child_id = o.child_id))"""
    columns = [
        f"o.{c} IS NOT NULL OR coalesce(list_contains(o.unread, '{c}'), false) AS given_{c}"
        for c in OC2_GIVEN
    ]
    joins = ""
    if "header" in present:
        columns.append("h.date_of_birth AS dob")
        joins = _header("o")
    if "episodes" in present:
        # continuously_looked_after's test once per child and year, joined (not a correlated
        # subquery per row)
        columns.append("coalesce(l.cla, false) AS cla")
        joins += f""" LEFT JOIN ({looked_after_by_year("oc2")}) l ON l.la_code = o.la_code
            AND l.child_id = o.child_id AND l.cy_start IS NOT DISTINCT FROM o.cy_start
            AND l.cy_end IS NOT DISTINCT FROM o.cy_end"""
    return f"""SELECT o.* EXCLUDE (unread), {", ".join(columns)}
        FROM (SELECT o.*, {unread} AS unread FROM oc2 o) o {joins}"""


def oc3_rows(present: Collection[str]) -> str | None:
    """`oc3_b`: the OC3 rows; with the Header, the child's DOB (`dob`); with the episodes,
    `died` (an episode of the child ceased E2: every episode of the return in the store) and
    `left_e3` (the child's last episode, latest DECOM, ceased E3: care transferred to another
    authority); with both, `in_care_on_birthday` (an episode began on or before the child's
    birthday in the collection year and ceased after it; an open one does not count) and
    `ceased_after_17` / `ceased_after_18` (an episode ceased on or after the 17th / 18th
    birthday)."""
    same = "e.la_code = o.la_code AND e.child_id = o.child_id"
    columns, joins = [], ""
    if "header" in present:
        columns.append("h.date_of_birth AS dob")
        joins = _header("o")
    if "episodes" in present:
        columns += [
            f"EXISTS (SELECT 1 FROM episodes e WHERE {same} AND e.rec = 'E2') AS died",
            f"""EXISTS (SELECT 1 FROM {EPISODES_N} e WHERE {same} AND e.n = e.n_child
                AND e.decom IS NOT NULL AND e.rec = 'E3') AS left_e3""",
        ]
    if {"header", "episodes"} <= set(present):
        bday = birthday_in_year("h.date_of_birth", "o.cy_end")
        columns += [
            f"""EXISTS (SELECT 1 FROM episodes e WHERE {same} AND e.decom <= {bday}
                AND e.dec > {bday}) AS in_care_on_birthday""",
            *(
                f"""EXISTS (SELECT 1 FROM episodes e WHERE {same}
                AND e.dec >= h.date_of_birth + INTERVAL {age} YEAR) AS ceased_after_{age}"""
                for age in (17, 18)
            ),
        ]
    if not columns:
        return None
    return f"SELECT o.*, {', '.join(columns)} FROM oc3 o {joins}"


def placed_rows(present: Collection[str]) -> str:
    """`placed_b`: the PlacedAdoption rows, each with `n`, its place among the child's
    decisions by DATE_PLACED (blank last, then file order), `prev_ceased`, the previous
    decision's DATE_PLACED_CEASED, and, for a decision without DATE_PLACED_CEASED, `n_open`:
    its place among those of the child, latest DATE_PLACED first. With last year's return,
    what it said of the child's decisions (matched on CHILD): `last_none` (no PlacedAdoption
    row), `last_undated` (a row without DATE_PLACED), `last_open_other` (a dated decision not
    ceased, with a DATE_PLACED other than this one's, or this one blank), `last_ceased_same` (a
    decision ceased, a date or a reason, with this DATE_PLACED), `last_ceased_not_before` (a
    dated decision ceased, with DATE_PLACED on or after this one's, or this one blank)."""
    w = 'PARTITION BY la_code, child_id ORDER BY adm_decision_date NULLS LAST, load_id, "row"'
    open_ = (
        "PARTITION BY la_code, child_id, decision_reversed_date IS NULL "
        'ORDER BY adm_decision_date DESC NULLS LAST, load_id, "row"'
    )
    columns = [
        f"row_number() OVER ({w}) AS n",
        f"lag(decision_reversed_date) OVER ({w}) AS prev_ceased",
        f"CASE WHEN decision_reversed_date IS NULL THEN row_number() OVER ({open_}) END AS n_open",
    ]
    if "placed_last" in present:
        ceased = "(l.decision_reversed_date IS NOT NULL OR l.decision_reversed_reason IS NOT NULL)"
        last = "SELECT 1 FROM placed_last l WHERE l.child_id = p.child_id"
        columns += [
            f"NOT EXISTS ({last}) AS last_none",
            f"EXISTS ({last} AND l.adm_decision_date IS NULL) AS last_undated",
            f"""EXISTS ({last} AND l.adm_decision_date IS NOT NULL
                AND l.decision_reversed_date IS NULL
                AND p.adm_decision_date IS DISTINCT FROM l.adm_decision_date) AS last_open_other""",
            f"""EXISTS ({last} AND p.adm_decision_date = l.adm_decision_date
                AND {ceased}) AS last_ceased_same""",
            f"""EXISTS ({last} AND l.adm_decision_date IS NOT NULL AND {ceased}
                AND (p.adm_decision_date IS NULL OR p.adm_decision_date <= l.adm_decision_date))
                AS last_ceased_not_before""",
        ]
    return f"SELECT p.*, {', '.join(columns)} FROM placed p"


def adoption_rows(present: Collection[str]) -> str | None:
    """`adoptions_b`: the adoption rows (AD1 and PlacedAdoption decisions, as `adoptions`); with
    the Header, the child's DOB (`dob`); with the episodes, `adopted_in_year` (an episode of the
    child ended by adoption, REC E11 or E12, in the row's collection year); with OC3,
    `oc3_given` (the child's OC3 row of the same return says something after care)."""
    same = "x.la_code = a.la_code AND x.child_id = a.child_id"
    columns, joins = [], ""
    if "header" in present:
        columns.append("h.date_of_birth AS dob")
        joins = _header("a")
    if "episodes" in present:
        columns.append(f"""EXISTS (SELECT 1 FROM episodes x WHERE {same} AND x.rec IN {ADOPTED}
            AND x.dec BETWEEN a.cy_start AND a.cy_end) AS adopted_in_year""")
    if "oc3" in present:
        columns.append(f"""EXISTS (SELECT 1 FROM oc3 o WHERE o.la_code = a.la_code
            AND o.child_id = a.child_id AND o.cy_end = a.cy_end AND {oc3_given("o")}) AS oc3_given""")
    if not columns:
        return None
    return f"SELECT a.*, {', '.join(columns)} FROM adoptions a {joins}"


# The episode columns `episodes_b` carries: the identifying ones and those the rules read (not
# every column: the table sits beside `episodes` for the run).
EPISODE_COLUMNS = ("_table", "la_code", "load_id", '"row"', "child_id", "cy_start", "cy_end")
EPISODE_COLUMNS += ("decom", "dec", "rec", "rne", "place", "ls")


def episode_rows(present: Collection[str]) -> str | None:
    """`episodes_b`: the episodes; with adoption rows, `decided` (the child has a decision that
    they should be placed for adoption: a DATE_PLACED or AD1 DATE_INT) and `matched_on_dec` (an
    AD1 DATE_MATCH of the child is the episode's DEC); with PlacedAdoption rows, `placed_after`
    (a DATE_PLACED of the child after the episode's DECOM), `placed_rows` (the child's
    PlacedAdoption rows), `placed_open` (one of them without DATE_PLACED_CEASED) and
    `adoptions_ended` (the child's episodes ended by adoption, REC E11 or E12); with PrevPerm
    rows, `prevperm_none` (the child has none) and `prevperm_incomplete` (one with PREV_PERM
    blank, or other than Z1 without LA_PERM or DATE_PERM)."""
    # each table's per-child facts aggregated once, joined to the episodes by child
    child = "la_code, child_id"
    facts, columns, joins = [], [], []
    if "adoptions" in present:
        facts.append(f"""ad AS (SELECT {child}, bool_or(adm_decision_date IS NOT NULL) AS decided,
            list(matched_date) FILTER (WHERE _table = 'AD1') AS matched
            FROM adoptions GROUP BY {child})""")
        columns += [
            "coalesce(ad.decided, false) AS decided",
            """e.dec IS NOT NULL AND coalesce(list_contains(ad.matched, e.dec), false)
                AS matched_on_dec""",
        ]
        joins.append("ad")
    if "placed" in present:
        facts.append(f"""pl AS (SELECT {child}, max(adm_decision_date) AS latest,
            count(*) AS n, bool_or(decision_reversed_date IS NULL) AS open
            FROM placed GROUP BY {child})""")
        facts.append(f"""ae AS (SELECT {child}, count(*) AS n FROM episodes
            WHERE rec IN {ADOPTED} GROUP BY {child})""")
        columns += [
            "coalesce(pl.latest > e.decom, false) AS placed_after",
            "coalesce(pl.n, 0) AS placed_rows",
            "coalesce(pl.open, false) AS placed_open",
            "coalesce(ae.n, 0) AS adoptions_ended",
        ]
        joins += ["pl", "ae"]
    if "prevperm" in present:
        facts.append(f"""pp AS (SELECT {child}, bool_or(prev_perm IS NULL OR (prev_perm <> 'Z1'
            AND (la_perm IS NULL OR date_perm IS NULL))) AS incomplete
            FROM prevperm GROUP BY {child})""")
        columns += [
            "pp.child_id IS NULL AS prevperm_none",
            "coalesce(pp.incomplete, false) AS prevperm_incomplete",
        ]
        joins.append("pp")
    if not columns:
        return None
    carried = ", ".join(f"e.{c}" for c in EPISODE_COLUMNS)
    joined = " ".join(
        f"LEFT JOIN {t} ON {t}.la_code = e.la_code AND {t}.child_id = e.child_id" for t in joins
    )
    return f"""WITH {", ".join(facts)}
        SELECT {carried}, {", ".join(columns)} FROM episodes e {joined}"""


# How each table is built (quality.scope.DERIVED_SQL), in the order of rules.DERIVED.
BUILDERS = {
    OC2_B: oc2_rows,
    OC3_B: oc3_rows,
    PLACED_B: placed_rows,
    ADOPTIONS_B: adoption_rows,
    EPISODES_B: episode_rows,
}
