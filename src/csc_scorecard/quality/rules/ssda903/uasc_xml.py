"""SSDA903 rule 105: the UASC status an XML return gives for every child (DfE code and
message; logic per docs/quality.md). A CSV return has no UASC field to check: its UASC file
lists the UASC children, and ingest reads every row of it as UASC."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import bad_value

R = "ssda903"


@rule(
    "105",
    R,
    "Data entry for Unaccompanied Asylum-Seeking Children (UASC) status of child is invalid or "
    "has not been completed.",
    fields=["UASC"],
    column="value",
)
def r105() -> str:
    """A Header whose UASC is neither 0 nor 1 (ingest kept the text: `invalid_boolean`) or is
    blank in an XML return (ingest recorded it: `missing_value`, the only way a UASC can be
    blank, as a CSV return has no UASC field)."""
    recorded = in_list("invalid_boolean", "missing_value")
    return f"""SELECT DISTINCT h.*, b.value FROM header h JOIN bad b ON {bad_value("b", "h", "uasc")}
        WHERE b.rule IN {recorded}"""
