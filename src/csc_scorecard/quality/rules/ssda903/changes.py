"""SSDA903 rules on what changed between a child's episodes and the placement types a reason
for new episode or ceasing allows (DfE codes and messages; logic per docs/quality.md). Each
reads RNE, LS, PLACE or REC, which the measures of placements and periods of care read."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import EPISODES_N, TEMPORARY

R = "ssda903"
CHANGE_FIELDS = ["RNE", "LS", "PLACE", "PL_POST", "URN", "PLACE_PROVIDER"]


# The placement (type, postcode, URN, provider; blank equal to blank) is the previous episode's
# (episodes in DECOM order: `episodes_n`).
SAME_PLACE = """(place IS NOT DISTINCT FROM prev_place AND pl_post IS NOT DISTINCT FROM prev_pl_post
    AND urn IS NOT DISTINCT FROM prev_urn
    AND place_provider IS NOT DISTINCT FROM prev_place_provider)"""


@rule(
    "434",
    R,
    "Reason for new episode is that child's legal status has changed but not the placement, "
    "but this is not reflected in the episode data.",
    fields=CHANGE_FIELDS,
    column="rne",
)
def r434() -> str:
    """RNE L (legal status changed, placement not) where the legal status is the previous
    episode's or the placement is not."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE n > 1 AND rne = 'L' AND (ls = prev_ls OR NOT {SAME_PLACE})"""


@rule(
    "435",
    R,
    "Reason for new episode is that child’s placement has changed but not the legal status, "
    "but this is not reflected in the episode data recorded.",
    fields=CHANGE_FIELDS[1:],
    column="rne",
)
def r435() -> str:
    """RNE P or T (placement changed, legal status not) where the legal status is not the
    previous episode's (or either is blank) or the placement is the previous episode's."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE n > 1 AND rne IN {in_list("P", "T")}
          AND (NOT coalesce(ls = prev_ls, false) OR {SAME_PLACE})"""


@rule(
    "436",
    R,
    "Reason for new episode is that both child’s placement and legal status have changed, but "
    "this is not reflected in the episode data.",
    fields=CHANGE_FIELDS,
    column="rne",
)
def r436() -> str:
    """RNE U or B (both changed) where the legal status or the placement is the previous
    episode's (blank equal to blank)."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE n > 1 AND rne IN {in_list("U", "B")}
          AND (ls IS NOT DISTINCT FROM prev_ls OR {SAME_PLACE})"""


@rule(
    "226",
    R,
    "Reason for placement change is not required for temporary placements.",
    fields=["REASON_PLACE_CHANGE", "PLACE"],
    column="reason_place_change",
)
def r226() -> str:
    """A temporary placement (T0-T4) with a reason for placement change, or after an episode
    with one."""
    return f"""SELECT * FROM {EPISODES_N} WHERE place IN {TEMPORARY}
        AND (reason_place_change IS NOT NULL OR prev_reason_place_change IS NOT NULL)"""


@rule(
    "217",
    R,
    "Children who are placed for adoption with current foster carers (placement types A3 or "
    "A5) must have a reason for new episode of S, T or U.",
    fields=["PLACE", "DECOM", "RNE"],
    column="rne",
)
def r217() -> str:
    """PLACE A3 or A5 from 1 April 2015 with RNE other than S, T or U (or blank)."""
    return f"""SELECT * FROM episodes WHERE place IN {in_list("A3", "A5")}
        AND decom >= DATE '2015-04-01' AND NOT coalesce(rne IN {in_list("S", "T", "U")}, false)"""


@rule(
    "217t",
    R,
    "Placement type 'P2' is not a valid placement type from 28 October 2023.",
    fields=["PLACE", "DECOM"],
    column="place",
    years=(2024, 2024),
)
def r217t() -> str:
    """PLACE P2 (independent living) on an episode open after 28 October 2023 (ceasing after
    it, or still open)."""
    return "SELECT * FROM episodes WHERE place = 'P2' AND (dec IS NULL OR dec > DATE '2023-10-28')"


@rule(
    "516",
    R,
    "The episode data submitted for this child does not show that he/she was with their "
    "former foster carer(s) during the year.If the code in the reason episode ceased is E45 or "
    "E46 the child must have a placement code of U1 to U6.",
    fields=["REC", "PLACE"],
    column="place",
)
def r516() -> str:
    """REC E45 or E46 (special guardianship order to former foster carers) on an episode
    whose placement is not foster care (U1-U6), or is blank."""
    return f"""SELECT * FROM episodes WHERE rec IN {in_list("E45", "E46")}
        AND NOT coalesce(place IN {in_list("U1", "U2", "U3", "U4", "U5", "U6")}, false)"""
