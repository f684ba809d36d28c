"""The derived tables the adoption, OC2 and OC3 rules read (rules.DERIVED, built once per run by
quality.scope): each holds the rows of one scoped table with what its rules look up elsewhere
(the child's Header DOB, whether a value was given, whether the child was looked after
continuously for the year, ...) as columns, worked out once per run, so that each rule is a
plain row filter of it and the runner checks them all in one scan (quality.runner.row_filter).

A derived table is named in rules.DERIVED with every scoped table it reads, its rows' table
first: a rule reading it reads them all, so it runs (and the table is built) only where the
statement it replaced would have run. Hence one table per set of tables read (`oc2_g`: OC2
alone; `oc2_h`: with the Header; `oc2_e`: with the episodes; `oc2_he`: with both), each built
from the narrower one. A table joined to the Header holds a row per OC2 (OC3) row and Header row
of the child, as the statement's join did; the runner keeps each fault once.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list
from csc_scorecard.quality.rules.sql import (
    EPISODES_N,
    birthday_in_year,
    continuously_looked_after,
    given,
)

# The OC2 items whose `given_*` column (`given`: read, or unreadable with its raw text in `bad`)
# `oc2_g` carries.
OC2_GIVEN = (
    "sdq_score",
    "convicted",
    "health_check",
    "immunisations",
    "teeth_check",
    "health_assessment",
    "substance_misuse",
    "intervention_received",
    "intervention_offered",
)


def oc2_given() -> str:
    """`oc2_g`: the OC2 rows, each with `given_<item>` for the items of OC2_GIVEN."""
    flags = ", ".join(f"{given('o', c)} AS given_{c}" for c in OC2_GIVEN)
    return f"SELECT o.*, {flags} FROM oc2 o"


def oc2_header() -> str:
    """`oc2_h`: `oc2_g` with the child's Header DOB (`dob`), a row per Header row of the child."""
    return """SELECT o.*, h.date_of_birth AS dob FROM oc2_g o
        JOIN header h ON h.la_code = o.la_code AND h.child_id = o.child_id"""


def oc2_episodes() -> str:
    """`oc2_e`: `oc2_g` with `cla`: the child was looked after continuously through the
    collection year (rules.sql.continuously_looked_after)."""
    return f"SELECT o.*, {continuously_looked_after('o')} AS cla FROM oc2_g o"


def oc2_header_episodes() -> str:
    """`oc2_he`: `oc2_e` with the child's Header DOB (`dob`), a row per Header row of the
    child."""
    return """SELECT o.*, h.date_of_birth AS dob FROM oc2_e o
        JOIN header h ON h.la_code = o.la_code AND h.child_id = o.child_id"""


# OC3 rows ------------------------------------------------------------------------------------
# The OC3 row says something about the young person after care.
OC3_GIVEN = "(o.in_touch IS NOT NULL OR o.activity IS NOT NULL OR o.accommodation IS NOT NULL)"


def oc3_header() -> str:
    """`oc3_h`: the OC3 rows with the child's Header DOB (`dob`), a row per Header row of the
    child."""
    return """SELECT o.*, h.date_of_birth AS dob FROM oc3 o
        JOIN header h ON h.la_code = o.la_code AND h.child_id = o.child_id"""


def oc3_episodes() -> str:
    """`oc3_e`: the OC3 rows with `died` (the child has an episode that ceased E2: every
    episode of the return in the store) and `left_e3` (the child's last episode, latest DECOM,
    ceased E3: care transferred to another authority)."""
    same = "e.la_code = o.la_code AND e.child_id = o.child_id"
    return f"""SELECT o.*,
        EXISTS (SELECT 1 FROM episodes e WHERE {same} AND e.rec = 'E2') AS died,
        EXISTS (SELECT 1 FROM {EPISODES_N} e WHERE {same} AND e.n = e.n_child
            AND e.decom IS NOT NULL AND e.rec = 'E3') AS left_e3
        FROM oc3 o"""


def oc3_header_episodes() -> str:
    """`oc3_he`: `oc3_h` with `in_care_on_birthday` (an episode began on or before the child's
    birthday in the collection year and ceased after it; an open one does not count) and
    `ceased_after_17` / `ceased_after_18` (an episode ceased on or after the 17th / 18th
    birthday)."""
    same = "e.la_code = o.la_code AND e.child_id = o.child_id"
    bday = birthday_in_year("o.dob", "o.cy_end")
    return f"""SELECT o.*,
        EXISTS (SELECT 1 FROM episodes e WHERE {same} AND e.decom <= {bday}
            AND e.dec > {bday}) AS in_care_on_birthday,
        EXISTS (SELECT 1 FROM episodes e WHERE {same}
            AND e.dec >= o.dob + INTERVAL 17 YEAR) AS ceased_after_17,
        EXISTS (SELECT 1 FROM episodes e WHERE {same}
            AND e.dec >= o.dob + INTERVAL 18 YEAR) AS ceased_after_18
        FROM oc3_h o"""


# PlacedAdoption rows --------------------------------------------------------------------------
def placed_numbered() -> str:
    """`placed_n`: the PlacedAdoption rows, each with `n`, its place among the child's
    decisions by DATE_PLACED (blank last, then file order), `prev_ceased`, the previous
    decision's DATE_PLACED_CEASED, and, for a decision without DATE_PLACED_CEASED, `n_open`:
    its place among those of the child, latest DATE_PLACED first."""
    w = 'PARTITION BY la_code, child_id ORDER BY adm_decision_date NULLS LAST, load_id, "row"'
    open_ = (
        "PARTITION BY la_code, child_id, decision_reversed_date IS NULL "
        'ORDER BY adm_decision_date DESC NULLS LAST, load_id, "row"'
    )
    return f"""SELECT *, row_number() OVER ({w}) AS n,
        lag(decision_reversed_date) OVER ({w}) AS prev_ceased,
        CASE WHEN decision_reversed_date IS NULL THEN row_number() OVER ({open_}) END AS n_open
        FROM placed"""


def placed_last_year() -> str:
    """`placed_l`: the PlacedAdoption rows with what last year's return said of the child's
    decisions (matched on CHILD): `last_none` (no PlacedAdoption row), `last_undated` (a row
    without DATE_PLACED), `last_open_other` (a dated decision not ceased, with a DATE_PLACED
    other than this one's, or this one blank), `last_ceased_same` (a decision ceased, a date
    or a reason, with this DATE_PLACED), `last_ceased_not_before` (a dated decision ceased,
    with DATE_PLACED on or after this one's, or this one blank)."""
    ceased = "(l.decision_reversed_date IS NOT NULL OR l.decision_reversed_reason IS NOT NULL)"
    last = "SELECT 1 FROM placed_last l WHERE l.child_id = p.child_id"
    return f"""SELECT p.*,
        NOT EXISTS ({last}) AS last_none,
        EXISTS ({last} AND l.adm_decision_date IS NULL) AS last_undated,
        EXISTS ({last} AND l.adm_decision_date IS NOT NULL
            AND l.decision_reversed_date IS NULL
            AND p.adm_decision_date IS DISTINCT FROM l.adm_decision_date) AS last_open_other,
        EXISTS ({last} AND p.adm_decision_date = l.adm_decision_date
            AND {ceased}) AS last_ceased_same,
        EXISTS ({last} AND l.adm_decision_date IS NOT NULL AND {ceased}
            AND (p.adm_decision_date IS NULL OR p.adm_decision_date <= l.adm_decision_date))
            AS last_ceased_not_before
        FROM placed p"""


# Episodes ------------------------------------------------------------------------------------
# The episode columns the episode tables below carry: the identifying ones and those the rules
# read (not every column: the tables sit beside `episodes` for the run).
EPISODE_COLUMNS = ", ".join(
    f"e.{c}"
    for c in ("_table", "la_code", "load_id", '"row"', "child_id", "cy_start", "cy_end")
    + ("decom", "dec", "rec", "place", "ls")
)


def episodes_adoptions() -> str:
    """`episodes_ad`: the episodes with `decided` (the child has a decision that they should be
    placed for adoption: a DATE_PLACED or AD1 DATE_INT) and `matched_on_dec` (an AD1
    DATE_MATCH of the child is the episode's DEC)."""
    same = "a.la_code = e.la_code AND a.child_id = e.child_id"
    return f"""SELECT {EPISODE_COLUMNS},
        EXISTS (SELECT 1 FROM adoptions a WHERE {same}
            AND a.adm_decision_date IS NOT NULL) AS decided,
        EXISTS (SELECT 1 FROM adoptions a WHERE {same} AND a._table = 'AD1'
            AND a.matched_date = e.dec) AS matched_on_dec
        FROM episodes e"""


def episodes_placed() -> str:
    """`episodes_p`: the episodes with `placed_after` (a DATE_PLACED of the child is after the
    episode's DECOM), `placed_rows` (the child's PlacedAdoption rows), `placed_open` (one of
    them has no DATE_PLACED_CEASED) and `adoptions_ended` (the child's episodes ended by
    adoption, REC E11 or E12)."""
    same = "p.la_code = e.la_code AND p.child_id = e.child_id"
    return f"""SELECT {EPISODE_COLUMNS},
        EXISTS (SELECT 1 FROM placed p WHERE {same}
            AND p.adm_decision_date > e.decom) AS placed_after,
        (SELECT count(*) FROM placed p WHERE {same}) AS placed_rows,
        EXISTS (SELECT 1 FROM placed p WHERE {same}
            AND p.decision_reversed_date IS NULL) AS placed_open,
        (SELECT count(*) FROM episodes x WHERE x.la_code = e.la_code
            AND x.child_id = e.child_id AND x.rec IN {in_list("E11", "E12")}) AS adoptions_ended
        FROM episodes e"""


OC2_G = "oc2_g"
OC2_H = "oc2_h"
OC2_E = "oc2_e"
OC2_HE = "oc2_he"
OC3_H = "oc3_h"
OC3_E = "oc3_e"
OC3_HE = "oc3_he"
PLACED_N = "placed_n"
PLACED_L = "placed_l"
EPISODES_AD = "episodes_ad"
EPISODES_P = "episodes_p"

# How each table is built (quality.scope.DERIVED_SQL), in the order of rules.DERIVED.
BUILDERS = {
    OC2_G: oc2_given,
    OC2_H: oc2_header,
    OC2_E: oc2_episodes,
    OC2_HE: oc2_header_episodes,
    OC3_H: oc3_header,
    OC3_E: oc3_episodes,
    OC3_HE: oc3_header_episodes,
    PLACED_N: placed_numbered,
    PLACED_L: placed_last_year,
    EPISODES_AD: episodes_adoptions,
    EPISODES_P: episodes_placed,
}
