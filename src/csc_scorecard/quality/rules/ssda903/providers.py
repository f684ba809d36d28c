"""SSDA903 rules on the placement provider an episode's placement type allows (DfE codes and
messages; logic per docs/quality.md). Each reads PLACE and PLACE_PROVIDER, which the placement
measures read."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import TEMPORARY

R = "ssda903"
FIELDS = ["PLACE", "PLACE_PROVIDER"]
# Z11-Z14 replace Z1 (a placement with no provider) from 2025-26.
Z1_FROM_2026 = in_list("Z11", "Z12", "Z13", "Z14")


def _provider_with(provider: str, *places: str) -> str:
    """Episodes with PLACE_PROVIDER `provider` and a placement type among `places`."""
    return f"SELECT * FROM episodes WHERE place_provider = '{provider}' AND place IN {in_list(*places)}"


@rule(
    "213",
    R,
    "Placement provider information not required.",
    fields=["PLACE_PROVIDER"],
    column="place_provider",
)
def r213() -> str:
    """PLACE_PROVIDER given for a temporary placement (T0-T4; from 2025-26 also Z11-Z14)."""
    return f"""SELECT * FROM episodes WHERE place_provider IS NOT NULL AND (place IN {TEMPORARY}
        OR (year(cy_end) >= 2026 AND place IN {Z1_FROM_2026}))"""


@rule(
    "526",
    R,
    "Child is missing a placement provider code for at least one episode.",
    fields=FIELDS,
    column="place_provider",
)
def r526() -> str:
    """PLACE_PROVIDER blank for a placement that has a provider: any but T0-T4 and Z1 (from
    2025-26 Z11-Z14 instead of Z1); a blank PLACE is flagged too."""
    return f"""SELECT * FROM episodes WHERE place_provider IS NULL
        AND NOT coalesce(place IN {TEMPORARY}, false)
        AND NOT coalesce(CASE WHEN year(cy_end) >= 2026 THEN place IN {Z1_FROM_2026}
                              ELSE place = 'Z1' END, false)"""


@rule(
    "527",
    R,
    "A placement provider code of PR1 cannot be associated with placements P1, R2 or R5.",
    fields=FIELDS,
    column="place_provider",
)
def r527() -> str:
    """PR1 (own authority) with P1 (with parents), R2 (NHS) or R5 (youth custody)."""
    return _provider_with("PR1", "P1", "R2", "R5")


@rule(
    "528",
    R,
    "A placement provider code of PR2 cannot be associated with placements P1, R2 or R5.",
    fields=FIELDS,
    column="place_provider",
)
def r528() -> str:
    """PR2 (another authority) with P1, R2 or R5."""
    return _provider_with("PR2", "P1", "R2", "R5")


@rule(
    "529",
    R,
    "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2 "
    "and U1 to U6 as these placements cannot be provided by other public organisations.",
    fields=FIELDS,
    column="place_provider",
)
def r529() -> str:
    """PR3 (other public provision) with P1, A3-A6, K1, K2 or U1-U6."""
    return _provider_with(
        "PR3", "A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"
    )


@rule(
    "530",
    R,
    "A placement provider code of PR4 cannot be associated with placement P1.",
    fields=FIELDS,
    column="place_provider",
)
def r530() -> str:
    """PR4 (private provision) with P1 (placed with parents)."""
    return _provider_with("PR4", "P1")


@rule(
    "531",
    R,
    "A placement provider code of PR5 cannot be associated with placements P1.",
    fields=FIELDS,
    column="place_provider",
)
def r531() -> str:
    """PR5 (voluntary or third sector) with P1 (placed with parents)."""
    return _provider_with("PR5", "P1")


@rule(
    "550",
    R,
    "A placement provider code of PR0 can only be associated with placement P1.",
    fields=FIELDS,
    column="place_provider",
)
def r550() -> str:
    """PR0 (parents or other person with parental responsibility) with a placement other
    than P1, or a blank one."""
    return "SELECT * FROM episodes WHERE place_provider = 'PR0' AND place IS DISTINCT FROM 'P1'"
