"""SSDA903 rules on legal status, placement and reason ceased that need no other return (DfE
codes and messages; logic per docs/quality.md). Each reads fields the catalogue's measures read
(DECOM, LS, PLACE, REC)."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import EPISODES_N
from csc_scorecard.quality.rules.ssda903.ages import under_ten
from csc_scorecard.quality.rules.ssda903.derived import EPISODES_H

R = "ssda903"


@rule(
    "353",
    R,
    "No episode submitted can start before 14 October 1991.",
    fields=["DECOM"],
    column="decom",
)
def r353() -> str:
    """DECOM before 14 October 1991 (the Children Act 1989 came into force that day)."""
    return "SELECT * FROM episodes WHERE decom < DATE '1991-10-14'"


@rule(
    "358",
    R,
    "Child with this legal status should not be under 10.",
    fields=["DECOM", "DOB", "LS"],
    column="ls",
)
def r358() -> str:
    """An episode with legal status J1, J2 or J3 (remanded or detained under criminal justice
    legislation) beginning before the child's 10th birthday, the age of criminal responsibility;
    the episode and the child's Header row are flagged (rows of two tables, so its own
    statement, not a row filter; `ages.under_ten`)."""
    return under_ten(f"e.ls IN {in_list('J1', 'J2', 'J3')}", "ls")


@rule(
    "389",
    R,
    "Reason episode ceased is that child transferred to care of adult social care services, but child is aged under 16.",
    fields=["REC"],
    column="rec",
)
def r389() -> str:
    """REC E7 (transferred to adult social care) unless the child was 16 by DEC: DfE's condition
    reads "if REC = E7, DOB + 16 years must be on or before DEC", so an E7 episode without a DEC
    or a date of birth fails it too (as csc-validator-be-903 flags it)."""
    return f"""SELECT * FROM {EPISODES_H}
        WHERE rec = 'E7' AND NOT coalesce(h_dob + INTERVAL 16 YEAR <= dec, false)"""


@rule(
    "390",
    R,
    "Reason episode ceased is adopted but child has not been previously placed for adoption.",
    fields=["PLACE", "REC"],
    column="place",
)
def r390() -> str:
    """REC E11 or E12 (adopted) on an episode whose placement is not a placement for adoption
    (A3-A6), or is blank."""
    return f"""SELECT * FROM episodes WHERE rec IN {in_list("E11", "E12")}
        AND (place IS NULL OR place NOT IN {in_list("A3", "A4", "A5", "A6")})"""


@rule(
    "408",
    R,
    "Child is placed for adoption with a placement order, but no placement order has been recorded.",
    fields=["PLACE", "LS"],
    column="ls",
)
def r408() -> str:
    """Placement A5 or A6 (placed for adoption with a placement order) with a legal status
    other than E1 (placement order), or blank."""
    return f"""SELECT * FROM episodes WHERE place IN {in_list("A5", "A6")}
        AND ls IS DISTINCT FROM 'E1'"""


@rule(
    "437",
    R,
    "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.",
    fields=["REC"],
    column="rec",
)
def r437() -> str:
    """REC E2 (died) or E15 (care ceased at 18 or over) on an episode that is not the child's
    last (by DECOM, blank DECOMs last); an episode without a DECOM is not judged."""
    return f"""SELECT * FROM {EPISODES_N} WHERE rec IN {in_list("E2", "E15")}
        AND decom IS NOT NULL AND n < n_child"""


@rule(
    "445",
    R,
    "D1 is not a valid code for episodes starting after December 2005.",
    fields=["LS", "DECOM"],
    column="ls",
)
def r445() -> str:
    """Legal status D1 (freeing order, abolished by the Adoption and Children Act 2002 from
    30 December 2005) on an episode beginning after 31 December 2005."""
    return "SELECT * FROM episodes WHERE ls = 'D1' AND decom > DATE '2005-12-31'"


@rule(
    "446",
    R,
    "E1 is not a valid code for episodes starting before December 2005.",
    fields=["LS", "DECOM"],
    column="ls",
)
def r446() -> str:
    """Legal status E1 (placement order, from 30 December 2005) on an episode beginning before
    1 December 2005."""
    return "SELECT * FROM episodes WHERE ls = 'E1' AND decom < DATE '2005-12-01'"
