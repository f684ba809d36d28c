"""SSDA903 rules on what an episode says about its placement beyond its type: the Ofsted URN,
the postcodes and the reason for a placement change (DfE codes and messages; logic per
docs/quality.md). The rules that need the placement's local authority or distance (PL_LA,
PL_LOCATION, PL_DISTANCE: derived from the postcodes through the ONS postcode directory) or
Ofsted's provider list are not here (docs/quality.md, "Not done yet")."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import EPISODES_N, RAA_URN, RESPITE, TEMPORARY
from csc_scorecard.quality.rules.ssda903.derived import EPISODES_H

R = "ssda903"
# The URN DfE reserves for a regional adoption agency (rules 222, 242).


def _urn_not_wanted(place: str) -> str:
    """SQL: placement `place` takes no URN (rule 222), by the collection year: P1, P3, R1, R2,
    R5 and T0-T4 always; H5 to 2022-23, P2 to 2023-24, Z1 to 2024-25, Z11-Z14 from 2025-26."""
    year = "year(cy_end)"
    return f"""({place} IN {in_list("P1", "P3", "R1", "R2", "R5")} OR {place} IN {TEMPORARY}
        OR ({place} = 'H5' AND {year} <= 2023) OR ({place} = 'P2' AND {year} <= 2024)
        OR ({place} = 'Z1' AND {year} <= 2025)
        OR ({place} IN {in_list("Z11", "Z12", "Z13", "Z14")} AND {year} >= 2026))"""


@rule(
    "222",
    R,
    "Ofsted Unique reference number (URN) should not be recorded for this placement type.",
    fields=["URN", "PLACE"],
    column="urn",
)
def r222() -> str:
    """A URN other than XXXXXXX for a placement that takes none."""
    return f"""SELECT * FROM episodes WHERE urn IS NOT NULL AND urn <> {RAA_URN}
        AND {_urn_not_wanted("place")}"""


@rule(
    "242",
    R,
    "URN = 'XXXXXXX' can only be used for regional adoption agencies",
    fields=["URN", "PLACE"],
    column="urn",
    years=(2026, None),
)
def r242() -> str:
    """URN XXXXXXX for a placement other than foster care or adoption (A3-A6, U1-U6)."""
    adoption_or_foster = in_list("A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6")
    return f"""SELECT * FROM episodes WHERE urn = {RAA_URN}
        AND NOT coalesce(place IN {adoption_or_foster}, false)"""


@rule(
    "214",
    R,
    "Placement location information not required.",
    fields=["PL_POST", "URN", "LS"],
    column="pl_post",
)
def r214() -> str:
    """A short break (LS V3, V4) with a placement postcode or a URN."""
    return f"""SELECT * FROM episodes WHERE ls IN {RESPITE}
        AND (pl_post IS NOT NULL OR urn IS NOT NULL)"""


@rule(
    "392b",
    R,
    "Child is looked after but no postcodes are recorded. [NOTE: This check may result in false "
    "positives for children formerly UASC, particularly if current & prior year UASC data not "
    "loaded]",
    fields=["HOME_POST", "PL_POST", "LS"],
    column="home_post",
)
def r392b() -> str:
    """An episode other than a short break with HOME_POST or PL_POST blank, for a child the
    Header does not mark UASC."""
    return f"""SELECT * FROM {EPISODES_H} WHERE NOT coalesce(ls IN {RESPITE}, false)
        AND (home_post IS NULL OR pl_post IS NULL) AND NOT child_uasc"""


@rule(
    "225",
    R,
    "Reason for placement change must be recorded.",
    fields=["REASON_PLACE_CHANGE"],
    column="reason_place_change",
)
def r225() -> str:
    """An episode ending X1 in a placement that is not temporary, followed by a placement
    change (RNE P, B, T or U) to a placement that is not temporary, with REASON_PLACE_CHANGE
    blank."""
    return f"""SELECT * FROM {EPISODES_N} WHERE rec = 'X1' AND reason_place_change IS NULL
        AND NOT coalesce(place IN {TEMPORARY}, false) AND n < n_child
        AND next_rne IN ('P', 'B', 'T', 'U') AND NOT coalesce(next_place IN {TEMPORARY}, false)"""


@rule(
    "233",
    R,
    "Reason for placement change is not required when the episode has not ceased.",
    fields=["REASON_PLACE_CHANGE", "DEC"],
    column="reason_place_change",
    years=(2026, None),
)
def r233() -> str:
    """REASON_PLACE_CHANGE given on an episode without a DEC (an unreadable DEC counts as
    given)."""
    return f"SELECT * FROM {EPISODES_N} WHERE reason_place_change IS NOT NULL AND NOT dec_given"


@rule(
    "398",
    R,
    "Distance field completed but child looked after under legal status V3 or V4.",
    fields=["HOME_POST", "PL_POST", "LS"],
    column="home_post",
)
def r398() -> str:
    """A short break (LS V3, V4) with a home or placement postcode (from which the distance is
    worked out)."""
    return f"""SELECT * FROM episodes WHERE ls IN {RESPITE}
        AND (home_post IS NOT NULL OR pl_post IS NOT NULL)"""
