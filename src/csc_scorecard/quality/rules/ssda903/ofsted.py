"""SSDA903 rules checking an episode's Ofsted URN against Ofsted's provider list (DfE codes and
messages; logic per docs/quality.md): 219, 221, 224, 227, 228, 229 and 1008 (241, which reads
the list too, is with the rules on what DfE derives from postcodes, `postcodes.py`). They read
the `providers` table, which holds rows only when the list is given (`scorecard validate --providers`, quality.providers); without it they
do not run and are listed once as not run.

Every rule looks at an episode with a URN other than XXXXXXX (the code for a placement with no
URN). Where the DfE text asks for the value of "the matching URN lookup", an episode whose URN
the list does not hold has no matching value and fails (as it also fails 1008); where the list
holds a URN more than once (a current and a closed sheet), the episode agrees with it when it
agrees with any of its rows. The rules read the episodes with a URN as `episodes_urn`, with
what the list says of each worked out once per run (derived_c.py), so each is a plain row
filter of it.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import RESPITE, TEMPORARY
from csc_scorecard.quality.rules.ssda903.derived_c import EPISODES_URN, WITH_URN

R = "ssda903"


def _episodes_where(condition: str) -> str:
    """Episodes with a URN, where `condition` (over `episodes_urn`)."""
    return f"SELECT * FROM {EPISODES_URN} WHERE {WITH_URN} AND {condition}"


@rule(
    "1008",
    R,
    "Ofsted Unique Reference Number (URN) is not valid.",
    fields=["URN"],
    column="urn",
)
def r1008() -> str:
    """A URN the provider list does not hold."""
    return _episodes_where("NOT urn_listed")


@rule(
    "219",
    R,
    "The Ofsted Unique reference number (URN) provided for the child's placement does not match "
    "the placement type recorded.",
    fields=["URN", "PLACE"],
    column="urn",
)
def r219() -> str:
    """PLACE not among the placement codes the list gives the URN (a URN not on the list, or a
    blank PLACE, matches none)."""
    return _episodes_where("NOT place_listed")


@rule(
    "224",
    R,
    "The Ofsted Unique reference number (URN) provided for the child's placement does not match "
    "the placement provider recorded.",
    fields=["PLACE_PROVIDER"],
    column="place_provider",
)
def r224() -> str:
    """PLACE_PROVIDER not among the provider codes the list gives the URN (a URN not on the
    list, or a blank PLACE_PROVIDER, matches none)."""
    return _episodes_where("NOT provider_listed")


# Placement types whose postcode 221 compares with the provider's: K1, K2, R3, S1, with H5 in
# 2023-24 and K3 (which replaced H5) from 2024-25.
POSTCODE_PLACES = in_list("K1", "K2", "R3", "S1")


@rule(
    "221",
    R,
    "The Ofsted Unique reference number (URN) provided for the child's placement does not match "
    "the placement postcode provided.",
    fields=["PL_POST"],
    column="pl_post",
)
def r221() -> str:
    """PL_POST (without spaces, in any case) other than the postcode the list gives the URN,
    for a placement in a children's home, secure unit or residential setting (K1, K2, R3, S1;
    also H5 in 2023-24, K3 from 2024-25) that is not a short break (LS V3, V4)."""
    places = f"""(place IN {POSTCODE_PLACES}
        OR (year(cy_end) = 2024 AND place = 'H5')
        OR (year(cy_end) >= 2025 AND place = 'K3'))"""
    return _episodes_where(
        f"""pl_post IS NOT NULL AND {places}
        AND NOT coalesce(ls IN {RESPITE}, false) AND NOT postcode_listed"""
    )


@rule(
    "227",
    R,
    "Ofsted Unique reference number (URN) is not valid for the episode start date.",
    fields=["URN", "DECOM"],
    column="decom",
)
def r227() -> str:
    """DECOM on or after the date the URN's provider closed (deregistered), on the list."""
    return _episodes_where("closed_by_start")


@rule(
    "228",
    R,
    "Ofsted Unique reference number (URN) is not valid for the episode end date [NOTE: may give "
    "false positives on open episodes at providers who close during the year]",
    fields=["URN", "DEC"],
    column="dec",
)
def r228() -> str:
    """DEC after the date the URN's provider closed; an open episode (no DEC), when the
    provider closed before 31 March of the collection year."""
    return _episodes_where("closed_by_end")


# Placements 229 leaves out from 2025-26: supported accommodation (K3), placed with parents or
# in the community (P1, P3), NHS, family centre or custody (R1, R2, R5), temporary (T0-T4) and
# the Z1 codes.
NOT_229_FROM_2026 = in_list("K3", "P1", "P3", "R1", "R2", "R5", "Z11", "Z12", "Z13", "Z14")


@rule(
    "229",
    R,
    "Placement provider does not match between the placing authority and the local authority "
    "code of the provider. [NOTE: The provider's LA code is inferred from the its postcode, and "
    "may be inaccurate in some cases.]",
    fields=["URN", "PLACE_PROVIDER"],
    column="place_provider",
)
def r229() -> str:
    """PLACE_PROVIDER PR1 (own authority) where the list does not put the URN's provider in the
    return's authority (a URN not on the list, or an authority the list names that is not
    known, included); PR2 (another authority) where it does. From 2025-26 not for K3, P1, P3,
    R1, R2, R5, T0-T4 or Z11-Z14."""
    return _episodes_where(
        f"""NOT (year(cy_end) >= 2026 AND coalesce(place IN {NOT_229_FROM_2026}
                OR place IN {TEMPORARY}, false))
        AND ((place_provider = 'PR1' AND NOT in_own_la)
          OR (place_provider = 'PR2' AND in_own_la))"""
    )
