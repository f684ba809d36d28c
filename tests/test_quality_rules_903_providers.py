"""SSDA903 rules on placement providers and on what changed between episodes, each on a tiny
hand-made input with the rows it must flag worked out by hand
(`quality/rules/ssda903/providers.py`, `changes.py`).

Collection year 2023-24 (1 April 2023 to 31 March 2024). A case is (tables, expected
{(DfE table, row)}); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, ep

from csc_scorecard.quality.fixtures import flagged


def pair(first: dict, second: dict) -> tuple:
    """A's episode from 1 May 2023 (row 1) is flagged, B's (row 2) is not; `reason` is the
    reason for placement change, the other keys are `ep`'s."""
    rows = []
    for c, given in (("A", first), ("B", second)):
        given = dict(given)
        reason = given.pop("reason", None)
        rows.append(ep(c, "2023-05-01", **given) | {"reason_place_change": reason})
    return ({E: rows}, {("Episodes", 1)})


def change(rne, *, flagged_ls, flagged_place, fine_ls, fine_place):
    """Each child: a C2 episode in U1 ending X1, then one with `rne`. A's second episode
    (row 2, legal status and placement as given) is flagged, B's (row 4) is not."""
    rows = []
    for c, ls, place in (("A", flagged_ls, flagged_place), ("B", fine_ls, fine_place)):
        rows += [
            ep(c, "2023-05-01", "2023-06-01", ls="C2", place="U1", rec="X1"),
            ep(c, "2023-06-01", rne=rne, ls=ls, place=place),
        ]
    return ({E: rows}, {("Episodes", 2)})


CASES = {
    # A provider for a temporary placement (1); none (2).
    "213": pair({"place": "T1"}, {"place": "T1", "provider": None}),
    # No provider for foster care (1); none needed for a temporary placement (2) or Z1 (3).
    "526": (
        {
            E: [
                ep("A", "2023-05-01", place="U1", provider=None),
                ep("B", "2023-05-01", place="T1", provider=None),
                ep("C", "2023-05-01", place="Z1", provider=None),
            ]
        },
        {("Episodes", 1)},
    ),
    "527": pair({"place": "P1", "provider": "PR1"}, {"place": "U1", "provider": "PR1"}),
    "528": pair({"place": "R5", "provider": "PR2"}, {"place": "U1", "provider": "PR2"}),
    "529": pair({"place": "U3", "provider": "PR3"}, {"place": "R1", "provider": "PR3"}),
    "530": pair({"place": "P1", "provider": "PR4"}, {"place": "U1", "provider": "PR4"}),
    "531": pair({"place": "P1", "provider": "PR5"}, {"place": "U1", "provider": "PR5"}),
    "550": pair({"place": "U1", "provider": "PR0"}, {"place": "P1", "provider": "PR0"}),
    # L (legal status changed only): A's legal status is unchanged; B's changed to E1.
    "434": change("L", flagged_ls="C2", flagged_place="U1", fine_ls="E1", fine_place="U1"),
    # P (placement changed only): A stays in U1; B moves to U3.
    "435": change("P", flagged_ls="C2", flagged_place="U1", fine_ls="C2", fine_place="U3"),
    # U (both changed): A's legal status is unchanged; B's both changed.
    "436": change("U", flagged_ls="C2", flagged_place="U3", fine_ls="E1", fine_place="U3"),
    # A reason for placement change on a temporary placement (1); none on B's (2).
    "226": pair(
        {"place": "T1", "provider": None, "rne": "P", "reason": "CARPL"},
        {"place": "T1", "provider": None, "rne": "P"},
    ),
    # Placed for adoption with current foster carers (A3) as a placement change (P): flagged;
    # as a change of legal status and placement (T): fine.
    "217": pair({"place": "A3", "rne": "P"}, {"place": "A3", "rne": "T"}),
    # Independent living (P2) still open after 28 October 2023 (1); ended 1 October (2).
    "217t": pair({"place": "P2"}, {"place": "P2", "dec": "2023-10-01", "rec": "E11"}),
    # Special guardianship to former foster carers (E45) from a children's home (1); from
    # foster care (2).
    "516": pair(
        {"place": "K2", "dec": "2023-09-01", "rec": "E45"},
        {"place": "U1", "dec": "2023-09-01", "rec": "E45"},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
