"""SSDA903 rules checking an episode's Ofsted URN against Ofsted's provider list (DfE codes and
messages; logic per docs/quality.md): 219, 221, 224, 227, 228, 229 and 1008 (241, which reads
the list too, is with the rules on what DfE derives from postcodes, `postcodes.py`). They read
the `providers` table, which holds rows only when the list is given (`scorecard validate --providers`, quality.providers); without it they
do not run and are listed once as not run.

Every rule looks at an episode with a URN other than XXXXXXX (the code for a placement with no
URN). Where the DfE text asks for the value of "the matching URN lookup", an episode whose URN
the list does not hold has no matching value and fails (as it also fails 1008); where the list
holds a URN more than once (a current and a closed sheet), the episode agrees with it when it
agrees with any of its rows.
"""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import RESPITE, TEMPORARY

R = "ssda903"
# An episode with a URN of a registered provider: XXXXXXX is DfE's "no URN" placeholder.
WITH_URN = "e.urn IS NOT NULL AND upper(e.urn) <> 'XXXXXXX'"


def _episodes_where(condition: str) -> str:
    """Episodes (alias `e`) with a URN, where `condition` (over `e` and `providers`)."""
    return f"SELECT e.* FROM episodes e WHERE {WITH_URN} AND {condition}"


def _no_provider_row(condition: str) -> str:
    """SQL: no row of the list for the episode's URN meets `condition` (alias `p`)."""
    return f"NOT EXISTS (SELECT 1 FROM providers p WHERE p.urn = e.urn AND {condition})"


@rule(
    "1008",
    R,
    "Ofsted Unique Reference Number (URN) is not valid.",
    fields=["URN"],
    column="urn",
)
def r1008() -> str:
    """A URN the provider list does not hold."""
    return _episodes_where(_no_provider_row("true"))


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
    return _episodes_where(_no_provider_row("list_contains(p.place_codes, e.place)"))


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
    return _episodes_where(_no_provider_row("list_contains(p.provider_codes, e.place_provider)"))


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
    places = f"""(e.place IN {POSTCODE_PLACES}
        OR (year(e.cy_end) = 2024 AND e.place = 'H5')
        OR (year(e.cy_end) >= 2025 AND e.place = 'K3'))"""
    same = "p.postcode = upper(replace(e.pl_post, ' ', ''))"
    return _episodes_where(
        f"""e.pl_post IS NOT NULL AND {places}
        AND NOT coalesce(e.ls IN {RESPITE}, false) AND {_no_provider_row(same)}"""
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
    return _episodes_where(
        """EXISTS (SELECT 1 FROM providers p WHERE p.urn = e.urn
            AND p.closed_date IS NOT NULL AND e.decom >= p.closed_date)"""
    )


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
    return _episodes_where(
        """EXISTS (SELECT 1 FROM providers p WHERE p.urn = e.urn AND p.closed_date IS NOT NULL
            AND coalesce(e.dec, e.cy_end) > p.closed_date)"""
    )


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
        f"""NOT (year(e.cy_end) >= 2026 AND coalesce(e.place IN {NOT_229_FROM_2026}
                OR e.place IN {TEMPORARY}, false))
        AND ((e.place_provider = 'PR1' AND {_no_provider_row("p.la_code = e.la_code")})
          OR (e.place_provider = 'PR2' AND NOT {_no_provider_row("p.la_code = e.la_code")}))"""
    )
