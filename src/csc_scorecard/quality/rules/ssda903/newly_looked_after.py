"""SSDA903 rule 210: the UPN code UN4 ("newly looked after, within the last week of the period,
and UPN not yet known", model/codes/upn_unknown.yaml) on a child looked after for longer (DfE
code and message; logic per docs/quality.md)."""

from __future__ import annotations

from csc_scorecard.quality.rules import rule
from csc_scorecard.quality.rules.ssda903.derived import HEADER_X

R = "ssda903"


@rule(
    "210",
    R,
    "Children looked after for more than a week at 31 March should not have an unknown Unique "
    "Pupil Number (UPN) code of UN4.",
    fields=["UPN", "DECOM"],
    column="upn",
)
def r210() -> str:
    """UPN UN4 for a child looked after at 31 March (an episode with no DEC) who was already
    looked after on 24 March, a week before (an episode starting before 24 March that had not
    ended by then). A child whose care began on or after 24 March may have UN4."""
    return f"SELECT * FROM {HEADER_X} WHERE upper(upn) = 'UN4' AND ep_open AND ep_week_before"
