"""SSDA903 rules on placement types: the youngest age for a placement, how long a temporary
placement may last, and what follows one (DfE codes and messages; logic per docs/quality.md).
Each reads PLACE, which the placement measures read, with DECOM, DEC, LS or RNE."""

from __future__ import annotations

from csc_scorecard.quality.rules import in_list, rule
from csc_scorecard.quality.rules.sql import EPISODES_N, RESPITE, TEMPORARY
from csc_scorecard.quality.rules.ssda903.derived import EPISODES_H

R = "ssda903"


def _too_young(places_by_year: str) -> str:
    """Episodes beginning before the child reached the placement's youngest age;
    `places_by_year` is a SQL condition on `place`, the age and the row's year (over
    `episodes_h`: the episode with the child's Header DOB, `h_dob`)."""
    return f"SELECT * FROM {EPISODES_H} WHERE {places_by_year}"


def _younger_than(years: int) -> str:
    return f"decom < h_dob + INTERVAL {int(years)} YEAR"


def _longer_than(place: str, days: int) -> str:
    """Episodes in placement `place` that ceased more than `days` days after they began."""
    return (
        f"SELECT * FROM episodes WHERE place = '{place}' AND dec > decom + INTERVAL {int(days)} DAY"
    )


@rule(
    "370",
    R,
    "Child in independent living should be at least 16.",
    fields=["DECOM", "PLACE"],
    column="place",
    years=(None, 2024),
)
def r370() -> str:
    """PLACE P2 (independent living, withdrawn from 28 October 2023) on an episode beginning
    before the child's 16th birthday (15th up to 2022-23)."""
    return _too_young(f"""place = 'P2' AND CASE WHEN year(cy_end) <= 2023
        THEN {_younger_than(15)} ELSE {_younger_than(16)} END""")


@rule(
    "371",
    R,
    "Child in supported accomodation not subject to children’s homes regulations should be at "
    "least 16.",
    fields=["DECOM", "PLACE"],
    column="place",
)
def r371() -> str:
    """An episode beginning before the child's 16th birthday in supported accommodation: PLACE
    K3 from 2024-25; up to 2023-24 H5 (semi-independent living), then from age 14 up to
    2022-23. The place tested first: the year and the age only of H5 and K3 episodes (a THEN
    holding an AND works out both sides on every row it is given; blank year as before, with
    K3)."""
    return _too_young(f"""CASE WHEN place = 'H5' THEN (CASE WHEN year(cy_end) <= 2023
            THEN {_younger_than(14)} WHEN year(cy_end) = 2024 THEN {_younger_than(16)}
            ELSE false END)
        WHEN place = 'K3' THEN NOT coalesce(year(cy_end) <= 2024, false)
            AND {_younger_than(16)}
        ELSE false END""")


@rule(
    "372",
    R,
    "Child in youth custody or prison should be at least 10.",
    fields=["DECOM", "PLACE"],
    column="place",
)
def r372() -> str:
    """PLACE R5 (youth custody or prison) on an episode beginning before the child's 10th
    birthday (the age of criminal responsibility)."""
    return _too_young(f"place = 'R5' AND {_younger_than(10)}")


@rule(
    "373",
    R,
    "Child placed in a school should be at least 4 years old.",
    fields=["DECOM", "PLACE"],
    column="place",
)
def r373() -> str:
    """PLACE S1 (residential school) on an episode beginning before the child's 4th birthday."""
    return _too_young(f"place = 'S1' AND {_younger_than(4)}")


@rule(
    "374",
    R,
    "Child in residential employment should be at least 14 years old.",
    fields=["DECOM", "PLACE"],
    column="place",
)
def r374() -> str:
    """PLACE P3 (residential employment) on an episode beginning before the child's 14th
    birthday."""
    return _too_young(f"place = 'P3' AND {_younger_than(14)}")


@rule(
    "375",
    R,
    "Hospitalisation coded as a temporary placement exceeds six weeks.",
    fields=["DECOM", "PLACE"],
    column="place",
)
def r375() -> str:
    """PLACE T1 (temporary: hospital) lasting more than 42 days (DEC after DECOM + 42 days);
    an open episode is not judged."""
    return _longer_than("T1", 42)


@rule(
    "376",
    R,
    "Temporary placements coded as being due to holiday of usual foster carer(s) cannot exceed "
    "three weeks.",
    fields=["DECOM", "PLACE"],
    column="place",
)
def r376() -> str:
    """PLACE T3 (temporary: foster carer's holiday) lasting more than 21 days."""
    return _longer_than("T3", 21)


@rule(
    "379",
    R,
    "Temporary placements for unspecified reason (placement code T4) cannot exceed seven days.",
    fields=["DECOM", "PLACE"],
    column="place",
)
def r379() -> str:
    """PLACE T4 (temporary: other reason) lasting more than 7 days."""
    return _longer_than("T4", 7)


@rule(
    "378",
    R,
    "A child who is placed with parent(s) cannot be looked after under a single period of "
    "accommodation under Section 20 of the Children Act 1989.",
    fields=["PLACE", "LS"],
    column="place",
)
def r378() -> str:
    """PLACE P1 (placed with parents) under legal status V2 (single period of accommodation
    under section 20)."""
    return "SELECT * FROM episodes WHERE place = 'P1' AND ls = 'V2'"


@rule(
    "384",
    R,
    "A child receiving respite care cannot be in a long-term foster placement ",
    fields=["PLACE", "LS"],
    column="place",
)
def r384() -> str:
    """Legal status V3 or V4 (short breaks) with PLACE U1 or U4 (long-term fostering)."""
    return f"""SELECT * FROM episodes WHERE ls IN {RESPITE}
        AND place IN {in_list("U1", "U4")}"""


@rule(
    "383",
    R,
    "A child in a temporary placement must subsequently return to his/her normal placement.",
    fields=["PLACE", "RNE", "PL_POST"],
    column="place",
)
def r383() -> str:
    """The episode after a temporary placement (T0-T4) whose RNE is not P (placement change
    only) or whose placement type is not the one before the temporary placement (and, from
    2025-26, whose placement postcode is not). Episodes in DECOM order; a blank RNE or PLACE
    is flagged."""
    return f"""SELECT * FROM {EPISODES_N}
        WHERE n > 2 AND prev_place IN {TEMPORARY} AND (rne IS DISTINCT FROM 'P'
            OR place IS NULL OR place IS DISTINCT FROM place_before
            OR (year(cy_end) >= 2026 AND pl_post IS DISTINCT FROM pl_post_before))"""
