"""SSDA903 PrevPerm rules on the codes themselves (DfE codes and messages; logic per
docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import not_in_list

R = "ssda903"


@rule(
    "631",
    R,
    "Previous permanence option not a valid value.",
    fields=["PREV_PERM"],
    column="prev_perm",
)
def r631() -> str:
    """PREV_PERM given and not P1-P4 or Z1."""
    return not_in_list("prevperm", "prev_perm", "prev_perm")


@rule(
    "635",
    R,
    "There are entries for date of order and local authority code where previous permanence "
    "option was arranged but previous permanence code is Z1",
    fields=["LA_PERM", "DATE_PERM", "PREV_PERM"],
    column="prev_perm",
)
def r635() -> str:
    """LA_PERM or DATE_PERM given with PREV_PERM blank."""
    return """SELECT * FROM prevperm WHERE (la_perm IS NOT NULL OR date_perm IS NOT NULL)
        AND prev_perm IS NULL"""


@rule(
    "633",
    R,
    "Local authority code where previous permanence option was arranged is not a valid value.",
    fields=["LA_PERM"],
    column="la_perm",
)
def r633() -> str:
    """LA_PERM given and not a DfE LA number (old ones too), 999, WAL, SCO, NIR or NUK."""
    return not_in_list("prevperm", "la_perm", "la_perm")
