"""SSDA903 OC3 (care leavers) and Reviews rules."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import not_in_list

R = "ssda903"


@rule(
    "131",
    R,
    "Data entry for being in touch after leaving care is invalid.",
    fields=["IN_TOUCH"],
    column="in_touch",
)
def r131() -> str:
    """IN_TOUCH blank or not an in-touch code."""
    return not_in_list("oc3", "in_touch", "in_touch", blank_too=True)


@rule(
    "132",
    R,
    "Data entry for activity after leaving care is invalid.",
    fields=["ACTIV"],
    column="activity",
)
def r132() -> str:
    """ACTIV blank or not an activity code."""
    return not_in_list("oc3", "activity", "activity", blank_too=True)


@rule(
    "133",
    R,
    "Data entry for accommodation after leaving care is invalid. If reporting on a childs "
    "accommodation after leaving care the data entry must be valid",
    fields=["ACCOM"],
    column="accommodation",
)
def r133() -> str:
    """ACCOM blank or not an accommodation code; S1 and X1 too, which DfE's rule does not
    accept (independent living without support and no fixed abode cannot be suitable)."""
    return f"""{not_in_list("oc3", "accommodation", "accommodation", blank_too=True)}
        OR accommodation IN {in_list("S1", "X1")}"""


@rule(
    "153",
    R,
    "All data items relating to a child's activity or accommodation after leaving care must be "
    "coded or left blank.",
    fields=["IN_TOUCH", "ACTIV", "ACCOM"],
    column="in_touch",
)
def r153() -> str:
    """Some but not all of IN_TOUCH, ACTIV and ACCOM given."""
    return """SELECT * FROM oc3 WHERE
        NOT (in_touch IS NOT NULL AND activity IS NOT NULL AND accommodation IS NOT NULL)
        AND NOT (in_touch IS NULL AND activity IS NULL AND accommodation IS NULL)"""


@rule("166", R, "Date of review is invalid or blank.", fields=["REVIEW"], column="review_date")
def r166() -> str:
    """REVIEW blank or not a date."""
    return "SELECT * FROM reviews WHERE review_date IS NULL"
