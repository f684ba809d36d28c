"""SSDA903 Missing rules on when a missing period ended (`quality/rules/ssda903/
missing_ends.py`), each on a tiny hand-made input with the rows it must flag worked out by hand.
Collection year 2023-24 (1 April 2023 to 31 March 2024); rows are numbered from 1 in the order
given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, M, ep, mis

from csc_scorecard.quality.fixtures import flagged

CASES = {
    # Ended 31 March 2023 (before the year: 1), 1 April 2023 (first day: fine), 1 April 2024
    # (after: 3), blank (fine).
    "571": (
        {
            M: [
                mis("A", "2023-03-01", "2023-03-31"),
                mis("B", "2023-03-01", "2023-04-01"),
                mis("C", "2024-03-01", "2024-04-01"),
                mis("D", "2024-03-01"),
            ]
        },
        {("Missing", 1), ("Missing", 3)},
    ),
    # A's placement ran 1 May to 1 July 2023; A went missing on 1 June with no end (flagged).
    # B's placement is open: the open missing period is fine. C's missing period of 1 June
    # ended 2 June (fine).
    "575": (
        {
            E: [
                ep("A", "2023-05-01", "2023-07-01", rec="E13"),
                ep("B", "2023-05-01"),
                ep("C", "2023-05-01", "2023-07-01", rec="E13"),
            ],
            M: [
                mis("A", "2023-06-01"),
                mis("B", "2023-06-01"),
                mis("C", "2023-06-01", "2023-06-02"),
            ],
        },
        {("Missing", 1)},
    ),
    # A's period of care (two episodes, 1 May to 1 July and 1 July to 1 August 2023) has
    # ended; A's open missing period (row 1) fits it nowhere (flagged); A's period of 1 to 2
    # June (row 2) fits. B is still looked after (open episode since 1 May 2023): B's open
    # missing period of 1 June fits (3), but its period of 1 to 5 March 2023 ended before B's
    # care began (flagged, 4). C has a missing period and no episodes: not checked.
    "577": (
        {
            E: [
                ep("A", "2023-05-01", "2023-07-01", rec="X1"),
                ep("A", "2023-07-01", "2023-08-01", rne="P", rec="E13"),
                ep("B", "2023-05-01"),
            ],
            M: [
                mis("A", "2023-06-01"),
                mis("A", "2023-06-01", "2023-06-02"),
                mis("B", "2023-06-01"),
                mis("B", "2023-03-01", "2023-03-05"),
                mis("C", "2023-06-01"),
            ],
        },
        {("Missing", 1), ("Missing", 4)},
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code) == expected


def test_an_open_last_episode_keeps_the_period_of_care_open():
    """D's period of care: 1 May to 1 July 2023 (X1), then an open episode: still open, so D's
    open missing period of 1 August 2023 fits it (not flagged), though an earlier episode of
    the period has an end date."""
    tables = {
        E: [
            ep("D", "2023-05-01", "2023-07-01", rec="X1"),
            ep("D", "2023-07-01", rne="P"),
        ],
        M: [mis("D", "2023-08-01")],
    }
    assert flagged(tables, "577") == set()
