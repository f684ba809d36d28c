"""SSDA903 OC2 rules on the items themselves: the SDQ score and reason, the 0/1 health and
substance misuse items and which of them go together, and who should have them (children looked
after continuously for 12 months at 31 March, by age). DfE codes and messages; logic per
docs/quality.md. "Given" counts an unreadable value as given (its raw text is in `bad`); ages
come from the child's Header DOB, as in `oc2.py`."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import (
    EPISODES_N,
    looked_after_through,
    not_in_list,
    unreadable,
)
from csc_scorecard.quality.rules.ssda903.derived_b import OC2_B
from csc_scorecard.quality.rules.ssda903.oc2 import HEALTH

R = "ssda903"
HEALTH_FIELDS = [c.upper() for c in HEALTH]
# The four items every child looked after for 12 months must have (rules 182, 191).
CORE = ("immunisations", "teeth_check", "health_assessment", "substance_misuse")
# The other four, which go with them (rule 182).
OTHERS = ("convicted", "health_check", "intervention_received", "intervention_offered")
KEY_COLUMNS = 'o._table, o.la_code, o.load_id, o."row", o.child_id, o.cy_end'


def _any_given(columns: tuple[str, ...]) -> str:
    """SQL: any of the items is given (`oc2_b`'s `given_*` columns, row `o`)."""
    return "(" + " OR ".join(f"o.given_{c}" for c in columns) + ")"


def _any_blank(columns: tuple[str, ...]) -> str:
    """SQL: any of the items is blank (`oc2_b`'s `given_*` columns, row `o`)."""
    return "(" + " OR ".join(f"NOT o.given_{c}" for c in columns) + ")"


@rule(
    "180",
    R,
    "Data entry for the strengths and difficulties questionnaire (SDQ) score is invalid.",
    fields=["SDQ_SCORE"],
    column="sdq_score",
)
def r180() -> str:
    """SDQ_SCORE given but not a whole number from 0 to 40 (ingest keeps it out of the
    column, its raw text in `bad`). A statement of its own, not a row filter: the fault
    reports the raw text ingest kept (`bad`)."""
    return unreadable("oc2", "sdq_score")


@rule(
    "181",
    R,
    "Data items relating to children looked after continuously for 12 months should be "
    "completed with a 0 or 1.",
    fields=HEALTH_FIELDS,
    column="convicted",
)
def r181() -> str:
    """Any of the eight 0/1 items given but not a yes/no value (one fault per such item). A
    statement of its own, not a row filter: a row gives a fault per unreadable item, each
    naming its field."""
    return f"""SELECT {KEY_COLUMNS}, b.value, upper(b.column_name) AS field
        FROM oc2 o JOIN bad b ON b.load_id = o.load_id AND b."row" = o."row"
        AND b.column_name IN ({", ".join(f"'{c}'" for c in HEALTH)})"""


@rule(
    "196",
    R,
    "Strengths and Difficulties (SDQ) reason is not a valid code.",
    fields=["SDQ_REASON"],
    column="sdq_reason",
)
def r196() -> str:
    """SDQ_REASON given and not SDQ1-SDQ5."""
    return not_in_list(OC2_B, "sdq_reason", "sdq_reason")


@rule(
    "197a",
    R,
    "Reason for no Strengths and Difficulties (SDQ) score is not required if Strengths and "
    "Difficulties Questionnaire score is filled in.",
    fields=["SDQ_REASON", "SDQ_SCORE"],
    column="sdq_reason",
)
def r197a() -> str:
    """Both SDQ_SCORE and SDQ_REASON given."""
    return f"SELECT * FROM {OC2_B} o WHERE o.given_sdq_score AND o.sdq_reason IS NOT NULL"


@rule(
    "158",
    R,
    "If a child has been recorded as receiving an intervention for their substance misuse "
    "problem, then the additional item on whether an intervention was offered should be left "
    "blank.",
    fields=["INTERVENTION_OFFERED", "INTERVENTION_RECEIVED"],
    column="intervention_offered",
)
def r158() -> str:
    """INTERVENTION_RECEIVED 1 and INTERVENTION_OFFERED given."""
    return f"""SELECT * FROM {OC2_B} o
        WHERE o.intervention_received AND o.given_intervention_offered"""


@rule(
    "159",
    R,
    "If a child has been recorded as not receiving an intervention for their substance misuse "
    "problem, then the additional item on whether an intervention was offered should be "
    "completed as well.",
    fields=["INTERVENTION_OFFERED", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED"],
    column="intervention_offered",
)
def r159() -> str:
    """SUBSTANCE_MISUSE 1, INTERVENTION_RECEIVED 0 and INTERVENTION_OFFERED blank."""
    return f"""SELECT * FROM {OC2_B} o WHERE o.substance_misuse
        AND o.intervention_received = false AND NOT o.given_intervention_offered"""


@rule(
    "192",
    R,
    "Child has been identified as having a substance misuse problem but the additional item on "
    "whether an intervention was received has been left blank.",
    fields=["INTERVENTION_RECEIVED", "SUBSTANCE_MISUSE"],
    column="intervention_received",
)
def r192() -> str:
    """SUBSTANCE_MISUSE 1 and INTERVENTION_RECEIVED blank."""
    return f"""SELECT * FROM {OC2_B} o
        WHERE o.substance_misuse AND NOT o.given_intervention_received"""


@rule(
    "193",
    R,
    "Child not identified as having a substance misuse problem but at least one of the two "
    "additional items on whether an intervention were offered and received have been "
    "completed.",
    fields=["SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    column="substance_misuse",
)
def r193() -> str:
    """SUBSTANCE_MISUSE 0 or blank, and INTERVENTION_RECEIVED or INTERVENTION_OFFERED given."""
    return f"""SELECT * FROM {OC2_B} o
        WHERE (o.substance_misuse = false OR NOT o.given_substance_misuse)
        AND {_any_given(("intervention_received", "intervention_offered"))}"""


@rule(
    "182",
    R,
    "Data entries on immunisations, teeth checks, health assessments and substance misuse "
    "problem identified should be completed or all OC2 fields should be left blank.",
    fields=[f.upper() for f in CORE + OTHERS],
    column="immunisations",
)
def r182() -> str:
    """One of IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT, SUBSTANCE_MISUSE blank while one of
    CONVICTED, HEALTH_CHECK, INTERVENTION_RECEIVED, INTERVENTION_OFFERED is given."""
    return f"SELECT * FROM {OC2_B} o WHERE {_any_blank(CORE)} AND {_any_given(OTHERS)}"


@rule(
    "185",
    R,
    "Child has not been looked after continuously for at least 12 months at 31 March but a "
    "Strengths and Difficulties (SDQ) score has been completed.",
    fields=["SDQ_SCORE"],
    column="sdq_score",
    reads=("episodes",),
)
def r185() -> str:
    """SDQ_SCORE given for a child not looked after continuously through the year."""
    return f"SELECT * FROM {OC2_B} o WHERE o.given_sdq_score AND NOT o.cla"


@rule(
    "198",
    R,
    "Child has not been looked after continuously for at least 12 months at 31 March but a "
    "reason for no Strengths and Difficulties (SDQ) score has been completed. ",
    fields=["SDQ_REASON"],
    column="sdq_reason",
    reads=("episodes",),
)
def r198() -> str:
    """SDQ_REASON given for a child not looked after continuously through the year."""
    return f"SELECT * FROM {OC2_B} o WHERE o.sdq_reason IS NOT NULL AND NOT o.cla"


@rule(
    "190",
    R,
    "Child has not been looked after continuously for at least 12 months at 31 March but one or "
    "more data items relating to children looked after for 12 months have been completed.",
    fields=HEALTH_FIELDS,
    column="convicted",
    reads=("episodes",),
)
def r190() -> str:
    """Any of the eight 0/1 items given for a child not looked after continuously through the
    year."""
    return f"SELECT * FROM {OC2_B} o WHERE {_any_given(HEALTH)} AND NOT o.cla"


@rule(
    "186",
    R,
    "Children aged 4 or over at the start of the year and children aged under 17 at the end of "
    "the year and who have been looked after for at least 12 months continuously should have a "
    "Strengths and Difficulties (SDQ) score completed.",
    fields=["SDQ_SCORE", "SDQ_REASON", "DOB"],
    column="sdq_score",
    reads=("episodes", "header"),
)
def r186() -> str:
    """Neither SDQ_SCORE nor SDQ_REASON for a child looked after continuously through the year
    who was 4 by 1 April and is not 17 by 31 March."""
    return f"""SELECT * FROM {OC2_B} o WHERE NOT o.given_sdq_score
        AND o.sdq_reason IS NULL AND o.dob + INTERVAL 4 YEAR <= o.cy_start
        AND o.dob + INTERVAL 17 YEAR > o.cy_end AND o.cla"""


@rule(
    "188",
    R,
    "Child is aged under 4 years at the end of the year, but a Strengths and Difficulties (SDQ) "
    "score or a reason for no SDQ score has been completed. ",
    fields=["SDQ_SCORE", "SDQ_REASON", "DOB"],
    column="sdq_score",
    reads=("header",),
)
def r188() -> str:
    """SDQ_SCORE or SDQ_REASON given for a child not yet 4 on 31 March."""
    return f"""SELECT * FROM {OC2_B} o WHERE o.dob + INTERVAL 4 YEAR > o.cy_end
        AND (o.given_sdq_score OR o.sdq_reason IS NOT NULL)"""


@rule(
    "191",
    R,
    "Child has been looked after continuously for at least 12 months at 31 March but one or "
    "more data items relating to children looked after for 12 months have been left blank.",
    fields=["IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "CHILD"],
    column="immunisations",
)
def r191() -> str:
    """A child looked after continuously through the year with IMMUNISATIONS, TEETH_CHECK,
    HEALTH_ASSESSMENT or SUBSTANCE_MISUSE blank on its OC2 row; or with no OC2 row at all
    (the child's first episode is flagged). A statement of its own, not a row filter: it
    flags rows of two tables, each fault naming its own field. The children without an OC2
    row are found before whether they were looked after continuously (the costlier test, made
    once for them all: `looked_after_through`)."""
    return f"""SELECT {KEY_COLUMNS}, CAST(o.immunisations AS VARCHAR) AS value,
            'IMMUNISATIONS' AS field FROM {OC2_B} o WHERE {_any_blank(CORE)} AND o.cla
        UNION ALL
        (WITH f AS (SELECT {KEY_COLUMNS}, o.cy_start FROM {EPISODES_N} o
                ANTI JOIN oc2 x ON x.la_code = o.la_code AND x.child_id = o.child_id
                WHERE o.n = 1)
        SELECT {KEY_COLUMNS}, o.child_id AS value, 'CHILD' AS field
        FROM {looked_after_through("f", "o")})"""
