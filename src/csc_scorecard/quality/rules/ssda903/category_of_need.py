"""SSDA903 rule 504: the category of need kept through a period of care (DfE code and message;
logic per docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule

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
    w = 'PARTITION BY la_code, child_id ORDER BY decom NULLS LAST, load_id, "row"'
    return f"""SELECT * FROM (SELECT *, lag(cin) OVER ({w}) AS prev_cin,
            lag(rec) OVER ({w}) AS prev_rec, lag(dec) OVER ({w}) AS prev_dec FROM episodes)
        WHERE prev_rec = 'X1' AND prev_dec = decom AND NOT coalesce(cin = prev_cin, false)"""
