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

from csc_scorecard.quality.rules.sql import continuously_looked_after, given

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


OC2_G = "oc2_g"
OC2_H = "oc2_h"
OC2_E = "oc2_e"
OC2_HE = "oc2_he"

# How each table is built (quality.scope.DERIVED_SQL), in the order of rules.DERIVED.
BUILDERS = {
    OC2_G: oc2_given,
    OC2_H: oc2_header,
    OC2_E: oc2_episodes,
    OC2_HE: oc2_header_episodes,
}
