"""SSDA903 social-worker episode rules on a tiny hand-made input, with the rows each must flag
worked out by hand (`quality/rules/ssda903/sw.py`). Collection year 2023-24.
"""

from __future__ import annotations

from test_quality_rules_903 import E, d, ep

from csc_scorecard.quality.fixtures import flagged

SW = "cla_social_worker_episodes"


def sw(cid, reason="SWCHOS"):
    return {"child_id": cid, "sw_id": "SW1", "sw_decom": d("2023-05-01"), "sw_reason": reason}


CASES = {
    # Looked after at 31 March: A has no social-worker episode (flagged), B one with no
    # reason (flagged), C a complete one; D's care ended in the year.
    "SW01STG1": (
        {
            E: [
                ep("A", "2023-05-01"),
                ep("B", "2023-05-01"),
                ep("C", "2023-05-01"),
                ep("D", "2023-05-01", "2023-06-01", rec="E11"),
            ],
            SW: [sw("B", reason=None), sw("C")],
        },
        {("Episodes", 1), ("Episodes", 2)},
    ),
}


def test_rule_flags_the_hand_worked_rows():
    tables, expected = CASES["SW01STG1"]
    assert flagged(tables, "SW01STG1") == expected
