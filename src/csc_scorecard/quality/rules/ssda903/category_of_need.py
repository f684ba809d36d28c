"""SSDA903 rule 504: the category of need kept through a period of care (DfE code and message;
logic per docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.sql import EPISODES_N

R = "ssda903"


@rule(
    "504",
    R,
    "The category of need code differs from that reported at start of current period of being "
    "looked after",
    fields=["CIN"],
    column="cin",
)
def r504() -> str:
    """An episode whose CIN differs from (or is blank beside) the CIN of the child's previous
    episode (by DECOM), when that one ended with REC X1 on this one's DECOM."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE prev_rec = 'X1' AND prev_dec = decom AND NOT coalesce(cin = prev_cin, false)"""
