"""SSDA903 PrevPerm rules on tiny hand-made inputs, with the rows each must flag worked out by
hand (`quality/rules/ssda903/prevperm.py`). Collection year 2023-24 (1 April 2023 to 31 March
2024); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, ep

from csc_scorecard.quality.fixtures import flagged

PP = "previous_permanence"


def perm(cid, prev_perm="Z1", la_perm=None, date_perm=None):
    return {"child_id": cid, "prev_perm": prev_perm, "la_perm": la_perm, "date_perm": date_perm}


CASES = {
    # All three started care in May 2023 (RNE S). A has no PrevPerm row (1); B had no previous
    # order (Z1); C had a special guardianship order (P2) without the authority (3).
    "630": (
        {
            E: [ep("A", "2023-05-01"), ep("B", "2023-05-01"), ep("C", "2023-05-01")],
            PP: [perm("B"), perm("C", "P2", la_perm=None, date_perm="ZZ/05/2021")],
        },
        {("Episodes", 1), ("Episodes", 3)},
    ),
    # A's latest episode began in May 2022, before the year: its PrevPerm row and episode are
    # flagged. B started care in May 2023.
    "634": (
        {E: [ep("A", "2022-05-01"), ep("B", "2023-05-01")], PP: [perm("A"), perm("B")]},
        {("PrevPerm", 1), ("Episodes", 1)},
    ),
    # All started care on 1 May 2023. A's order "ZZ/05/2023" may be as late as 31 May, after
    # it (flagged); B's "ZZ/ZZ/2022" is by 31 December 2022; C's "31/02/2021" is no date
    # (flagged); D's 15 March 2021 is before. Flagged: the PrevPerm row and the first episode.
    "632": (
        {
            E: [ep(c, "2023-05-01") for c in "ABCD"],
            PP: [
                perm("A", "P2", "371", "ZZ/05/2023"),
                perm("B", "P2", "371", "ZZ/ZZ/2022"),
                perm("C", "P2", "371", "31/02/2021"),
                perm("D", "P2", "371", "15/03/2021"),
            ],
        },
        {("PrevPerm", 1), ("Episodes", 1), ("PrevPerm", 3), ("Episodes", 3)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected
