"""SSDA903 OC2 rules on convictions and health promotion against the other health fields (DfE
codes and messages; logic per docs/quality.md). Age comes from the Header DOB, as in `oc2`. The
rules read the OC2 rows as `oc2_b` (whether each item was given, with the child's Header DOB),
built once per run (derived_b.py), so each is a plain row filter."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.ssda903.derived_b import OC2_B

R = "ssda903"
HEALTH_FIELDS = ["IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE"]


def _others_blank(flag: str) -> str:
    """OC2 rows with `flag` 1 and any of IMMUNISATIONS, TEETH_CHECK, HEALTH_ASSESSMENT,
    SUBSTANCE_MISUSE blank (an unreadable value is given, not blank)."""
    blank = " OR ".join(f"NOT given_{c.lower()}" for c in HEALTH_FIELDS)
    return f"SELECT * FROM {OC2_B} WHERE {flag} AND ({blank})"


@rule(
    "542",
    R,
    "A child aged under 10 at 31 March should not have conviction information completed.",
    fields=["CONVICTED", "DOB"],
    column="convicted",
    reads=("header",),
)
def r542() -> str:
    """CONVICTED given for a child whose 10th birthday is after 31 March."""
    return f"""SELECT * FROM {OC2_B} WHERE given_convicted
        AND dob + INTERVAL 10 YEAR > cy_end"""


@rule(
    "544",
    R,
    "Any child who has conviction information completed must also have immunisation, teeth "
    "check, health assessment and substance misuse problem identified fields completed.",
    fields=["CONVICTED", *HEALTH_FIELDS],
    column="convicted",
)
def r544() -> str:
    """CONVICTED 1 with any of the four health fields blank."""
    return _others_blank("convicted")


@rule(
    "547",
    R,
    "Any child who has health promotion information completed must also have immunisation, "
    "teeth check, health assessment and substance misuse problem identified fields completed.",
    fields=["HEALTH_CHECK", *HEALTH_FIELDS],
    column="health_check",
)
def r547() -> str:
    """HEALTH_CHECK 1 with any of the four health fields blank."""
    return _others_blank("health_check")
