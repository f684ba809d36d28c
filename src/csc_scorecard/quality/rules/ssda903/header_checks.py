"""SSDA903 Header rules: UPN given and unique, a mother's first child's DOB, and Header rows
with no episodes (DfE codes and messages; logic per docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.ssda903.derived import HEADER_X
from csc_scorecard.quality.rules.ssda903.derived_c import HEADER_C, HEADER_EO

R = "ssda903"


@rule(
    "442",
    R,
    "Unique Pupil Number (UPN) field is not completed.",
    fields=["UPN", "LS"],
    column="upn",
)
def r442() -> str:
    """UPN blank for a child with an episode whose LS is not a short break (V3, V4): `header_x`
    (derived.py) says whether the child has one."""
    return f"SELECT * FROM {HEADER_X} WHERE upn IS NULL AND ep_not_respite"


@rule("444", R, "Duplicate UPN has been reported", fields=["UPN"], column="upn", years=(2026, None))
def r444() -> str:
    """A UPN other than UN1-UN5 that two or more Header rows of the authority's return give."""
    unknown = in_list("UN1", "UN2", "UN3", "UN4", "UN5")
    return f"""SELECT * FROM {HEADER_C} WHERE upn IS NOT NULL AND upn NOT IN {unknown}
        AND upn_count > 1"""


@rule(
    "611",
    R,
    "Date of birth field is blank, but child is a mother.",
    fields=["MOTHER", "MC_DOB"],
    column="mc_dob",
)
def r611() -> str:
    """MOTHER 1 with MC_DOB blank (an unreadable date is not blank)."""
    return f"SELECT * FROM {HEADER_C} WHERE mother AND mc_dob IS NULL AND NOT mc_dob_bad"


@rule(
    "628",
    R,
    "Motherhood details are not required for care leavers who have not been looked after "
    "during the year.",
    fields=["MOTHER"],
    column="mother",
)
def r628() -> str:
    """MOTHER given for a child with no episodes and an OC3 row with anything given."""
    return f"""SELECT * FROM {HEADER_EO} WHERE mother IS NOT NULL AND NOT has_episodes
        AND oc3_given"""


@rule(
    "EPI",
    R,
    "WARNING: Episodes need to be loaded for this child before further validation is possible "
    "[NOTE: This refers to the DfE portal - here, all checks that can be performed with only "
    "the available data will be.]",
    fields=["CHILD"],
    column="child_id",
)
def repi() -> str:
    """A Header row of a child with no episodes and no OC3 row."""
    return f"SELECT * FROM {HEADER_EO} WHERE NOT has_episodes AND NOT has_oc3"
