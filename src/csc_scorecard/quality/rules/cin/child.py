"""CIN census rules on the child's identifiers and characteristics."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import valid_code

R = "cin"


@rule(
    "8520",
    R,
    "Date of Birth is after data collection period (must be on or before the end of the census "
    "period)",
    fields=["PersonBirthDate"],
    column="date_of_birth",
)
def r8520() -> str:
    """PersonBirthDate after the reference date."""
    return "SELECT * FROM child WHERE date_of_birth > cy_end"


@rule("4180", R, "Gender is missing", fields=["Sex"], column="sex")
def r4180() -> str:
    """Sex (GenderCurrent to 2023-24) blank or not a sex code."""
    return f"SELECT * FROM child WHERE NOT coalesce({valid_code('sex', 'sex')}, false)"


@rule(
    "4220",
    R,
    "Ethnicity is missing or invalid (see Ethnicity table)",
    fields=["Ethnicity"],
    column="ethnicity",
)
def r4220() -> str:
    """Ethnicity blank or not an ethnicity code."""
    return f"SELECT * FROM child WHERE NOT coalesce({valid_code('ethnicity', 'ethnicity')}, false)"


@rule(
    "8510",
    R,
    "More than one child record with the same LA Child ID",
    fields=["LAchildID"],
    column="child_id",
)
def r8510() -> str:
    """Two or more child records of one load with the same LAchildID: each of them."""
    return """SELECT * FROM child
        QUALIFY count(*) OVER (PARTITION BY la_code, load_id, child_id) > 1"""


@rule(
    "8525Q",
    R,
    "Please check and either amend or provide a reason: Either Date of Birth or Expected Date of "
    "Birth must be provided (but not both)",
    fields=["PersonBirthDate", "ExpectedPersonBirthDate"],
    column="date_of_birth",
)
def r8525q() -> str:
    """Both or neither of PersonBirthDate and ExpectedPersonBirthDate."""
    return """SELECT * FROM child
        WHERE (date_of_birth IS NULL) = (expected_date_of_birth IS NULL)"""
