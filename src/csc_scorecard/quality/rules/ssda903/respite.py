"""SSDA903 rules on short breaks (respite), temporary placements and the age at which a period
of care may end a given way (DfE codes and messages; logic per docs/quality.md). Each reads
fields the catalogue's measures read (LS, RNE, PLACE, REC)."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import EPISODES_N, RESPITE
from csc_scorecard.quality.rules.ssda903.derived import EPISODES_H

R = "ssda903"


@rule(
    "366",
    R,
    "A child cannot change placement during the course of an individual short-term respite break.",
    fields=["RNE", "LS"],
    column="rne",
)
def r366() -> str:
    """An episode with legal status V3 (a single short break) whose reason for new episode is
    not S (a new period of care): each V3 break is an episode of its own, so a change of
    placement within it is impossible. A blank RNE is flagged too."""
    return "SELECT * FROM episodes WHERE ls = 'V3' AND rne IS DISTINCT FROM 'S'"


@rule(
    "426",
    R,
    "A child receiving respite care cannot be recorded under a legal status of V3 and V4 in the same year.",
    fields=["LS"],
    column="ls",
)
def r426() -> str:
    """Every V3 and V4 episode of a child who has both in the same return (collection year)."""
    return f"SELECT * FROM {EPISODES_N} WHERE ls IN {RESPITE} AND respite_statuses = 2"


@rule(
    "377",
    R,
    "Only two temporary placements coded as being due to holiday of usual foster carer(s) are allowed in any 12- month period.",
    fields=["PLACE"],
    column="place",
)
def r377() -> str:
    """Every T3 episode (temporary placement while the usual foster carer is on holiday) of a
    child with more than two in the same return (collection year)."""
    return f"SELECT * FROM {EPISODES_N} WHERE place = 'T3' AND t3_in_year > 2"


@rule(
    "386",
    R,
    "Reason episode ceased is adopted but child has reached age 18.",
    fields=["REC"],
    column="rec",
)
def r386() -> str:
    """REC E11 or E12 (adopted) on an episode that ceased on or after the child's 18th birthday."""
    return f"""SELECT * FROM {EPISODES_H}
        WHERE rec IN {in_list("E11", "E12")} AND dec >= h_dob + INTERVAL 18 YEAR"""


@rule(
    "387",
    R,
    "Reason episode ceased is child moved into independent living arrangement, but the child is aged under 14.",
    fields=["REC"],
    column="rec",
)
def r387() -> str:
    """REC E5 or E6 (independent living) on an episode that ceased before the child's 14th
    birthday (a child without a date of birth is not flagged)."""
    return f"""SELECT * FROM {EPISODES_H}
        WHERE rec IN {in_list("E5", "E6")} AND dec < h_dob + INTERVAL 14 YEAR"""
