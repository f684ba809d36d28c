"""SSDA903 social-worker episode rules on a tiny hand-made input, with the rows each must flag
worked out by hand (`quality/rules/ssda903/sw.py`). A case is (tables, expected {(DfE table,
row)}, collection year, issues); rows are numbered from 1 in the order given. Collection year
2023-24 (1 April 2023 - 31 March 2024) unless the case says 2025 (2024-25: the reporting period
starts 1 April 2023) or 2026 (2025-26).
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, bad, d, ep

from csc_scorecard.quality.fixtures import flagged

SW = "cla_social_worker_episodes"


def sw(cid, decom="2023-05-01", dec=None, reason="MANAGE", sw_id="SW1"):
    return {
        "child_id": cid,
        "sw_id": sw_id,
        "sw_decom": d(decom),
        "sw_dec": d(dec),
        "sw_reason": reason,
    }


def rows(*found):
    return {("SWEpisodes", n) for n in found}


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
    # 2024-25: 1 no SW_ID, began before 1 April 2023 (flagged); 2 no SW_ID, began after (that
    # is SW01b's); 3 no SW_DECOM (flagged); 4 before 1 April 2023 with an ID.
    "SW01aSTG1": (
        {
            SW: [
                sw("A", "2023-01-01", sw_id=None),
                sw("B", "2023-05-01", sw_id=None),
                sw("C", None),
                sw("D", "2022-12-01"),
            ]
        },
        rows(1, 3),
        2025,
    ),
    # 2024-25: 1 no reason, began after 1 April 2023 (flagged); 2 no reason, before (not
    # wanted then); 3 no SW_DECOM (flagged); 4 no ID after (flagged); 5 complete.
    "SW01bSTG1": (
        {
            SW: [
                sw("A", "2023-05-01", reason=None),
                sw("B", "2023-01-01", reason=None),
                sw("C", None),
                sw("D", "2023-06-01", sw_id=None),
                sw("E", "2023-06-01", reason="MANAGE"),
            ]
        },
        rows(1, 3, 4),
        2025,
    ),
    # 2025-26: SW12 fine; SW1 under four characters (flagged from 2025-26); AB12 and a blank
    # ID (flagged); XX99 fine.
    "SW02STG1": (
        {
            SW: [
                sw("A", sw_id="SW12"),
                sw("B", sw_id="SW1"),
                sw("C", sw_id="AB12"),
                sw("D", sw_id=None),
                sw("E", sw_id="XX99"),
            ]
        },
        rows(2, 3, 4),
        2026,
    ),
    # 1 complete; 2 no ID (flagged); 3 an unreadable SW_DECOM was given (not blank); 4 no
    # SW_DECOM (flagged); 5 no reason (flagged).
    "SW03STG1": (
        {SW: [sw("A"), sw("B", sw_id=None), sw("C", None), sw("D", None), sw("E", reason=None)]},
        rows(2, 4, 5),
        2024,
        [bad(SW, 3, "sw_decom", "32/05/2023")],
    ),
    # 1 unreadable SW_DECOM (flagged); 2 blank (not this rule's).
    "SW04STG1": (
        {SW: [sw("A", None), sw("B", None)]},
        rows(1),
        2024,
        [bad(SW, 1, "sw_decom", "2023-13-01")],
    ),
    # 1 unreadable SW_DEC (flagged); 2 blank (open).
    "SW05STG1": (
        {SW: [sw("A"), sw("B")]},
        rows(1),
        2024,
        [bad(SW, 1, "sw_dec", "31/04/2023")],
    ),
    # Began 1 April 2024, after the year's 31 March (flagged); 31 March 2024 is in it.
    "SW06STG2": ({SW: [sw("A", "2024-04-01"), sw("B", "2024-03-31")]}, rows(1)),
    # 2024-25 (period 1 April 2023 - 31 March 2025): ended 31 March 2023 (flagged), 1 April
    # 2023 (in), 1 April 2025 (flagged), open.
    "SW07STG2": (
        {
            SW: [
                sw("A", "2022-05-01", "2023-03-31"),
                sw("B", "2022-05-01", "2023-04-01"),
                sw("C", "2024-05-01", "2025-04-01"),
                sw("D", "2024-05-01"),
            ]
        },
        rows(1, 3),
        2025,
    ),
    # A: two open episodes, the first is not the last (flagged); B: ended, then open.
    "SW08STG2": (
        {
            SW: [
                sw("A", "2023-05-01"),
                sw("A", "2023-08-01"),
                sw("B", "2023-05-01", "2023-06-01"),
                sw("B", "2023-06-01"),
            ]
        },
        rows(1),
    ),
    # 2023-24: ended the day it began (flagged); lasted a day (fine until 2025-26).
    "SW09STG2": (
        {SW: [sw("A", "2023-05-01", "2023-05-01"), sw("B", "2023-05-01", "2023-05-02")]},
        rows(1),
    ),
    # 2024-25: A2 began 4 days after A1 ended (fine); A3 began 11 days after A2 ended
    # (flagged); B2 began 3 months after B1 ended but is a first contact (FCONTA, exempt).
    "SW10STG2": (
        {
            SW: [
                sw("A", "2023-05-01", "2023-06-01"),
                sw("A", "2023-06-05", "2023-06-20"),
                sw("A", "2023-07-01"),
                sw("B", "2023-05-01", "2023-06-01"),
                sw("B", "2023-09-01", reason="FCONTA"),
            ]
        },
        rows(3),
        2025,
    ),
    # 2025-26: A2 began 31 days after A1 ended (flagged); B2 the same gap, FCONTA (exempt);
    # C2 the same gap with no reason (flagged); D2 began 2 days after (fine).
    "SW10aSTG2": (
        {
            SW: [
                sw("A", "2025-05-01", "2025-06-01"),
                sw("A", "2025-07-02"),
                sw("B", "2025-05-01", "2025-06-01"),
                sw("B", "2025-07-02", reason="FCONTA"),
                sw("C", "2025-05-01", "2025-06-01"),
                sw("C", "2025-07-02", reason=None),
                sw("D", "2025-05-01", "2025-06-01"),
                sw("D", "2025-06-03"),
            ]
        },
        rows(2, 6),
        2026,
    ),
    # 2025-26: A2, a first contact, began before A1 ended (flagged); B2 after (fine).
    "SW10bSTG2": (
        {
            SW: [
                sw("A", "2025-05-01", "2025-06-10"),
                sw("A", "2025-06-01", reason="FCONTA"),
                sw("B", "2025-05-01", "2025-06-10"),
                sw("B", "2025-06-20", reason="FCONTA"),
            ]
        },
        rows(2),
        2026,
    ),
    # A1 ended 1 June; A2 began 9 days later (flagged); B1 ended 28 March, after 26 March
    # (SW11b's window); C2 began 3 days after C1 ended (fine).
    "SW11aSTG2": (
        {
            SW: [
                sw("A", "2023-05-01", "2023-06-01"),
                sw("A", "2023-06-10"),
                sw("B", "2023-05-01", "2024-03-28"),
                sw("B", "2024-03-31"),
                sw("C", "2023-05-01", "2023-06-01"),
                sw("C", "2023-06-04"),
            ]
        },
        rows(2),
    ),
    # A's only episode ended 29 March (flagged). B1 ended 28 March and B2 began then (fine).
    # C2 ended 29 March and C3 began then (fine). D1 ended 27 March and D2 has no SW_DECOM
    # (flagged).
    "SW11bSTG2": (
        {
            SW: [
                sw("A", "2023-05-01", "2024-03-29"),
                sw("B", "2023-05-01", "2024-03-28"),
                sw("B", "2024-03-28"),
                sw("C", "2023-05-01", "2023-09-01"),
                sw("C", "2023-09-01", "2024-03-29"),
                sw("C", "2024-03-29"),
                sw("D", "2023-05-01", "2024-03-27"),
                sw("D", None),
            ]
        },
        rows(1, 8),
    ),
    # 2023-24, looked after on 31 March: A in care since 2022 with a social worker from
    # 1 April 2023 (fine); B came into care 1 June 2023, social worker from 1 July (flagged);
    # C in care since 2022, social worker from 1 May 2023 (flagged); D a short break (V3);
    # E left care in the year; F came into care 1 June, social worker the same day (fine).
    "SW12STG2": (
        {
            E: [
                ep("A", "2022-01-01"),
                ep("B", "2023-06-01"),
                ep("C", "2022-01-01"),
                ep("D", "2023-06-01", ls="V3"),
                ep("E", "2023-06-01", "2023-09-01", rec="E11"),
                ep("F", "2023-06-01"),
            ],
            SW: [
                sw("A", "2023-04-01"),
                sw("B", "2023-07-01"),
                sw("C", "2023-05-01"),
                sw("F", "2023-06-01"),
            ],
        },
        {("Episodes", 2), ("Episodes", 3)},
    ),
    # 2024-25: 1 not a reason code (flagged); 2 blank, began after 1 April 2023 (flagged);
    # 3 blank, began before; 4 a reason.
    "SW13STG1": (
        {
            SW: [
                sw("A", reason="SWLAZY"),
                sw("B", "2023-05-01", reason=None),
                sw("C", "2023-01-01", reason=None),
                sw("D", reason="MANAGE"),
            ]
        },
        rows(1, 2),
        2025,
    ),
    # A1 has no end and is not A's last (flagged); B's only episode is open (fine).
    "SW14STG2": (
        {SW: [sw("A", "2023-05-01"), sw("A", "2023-08-01"), sw("B", "2023-05-01")]},
        rows(1),
    ),
    # 2025-26: A's latest episode ended (flagged); B's latest is open; C's only episode has an
    # unreadable SW_DEC, which was given (flagged).
    "SW17STG2": (
        {
            SW: [
                sw("A", "2025-05-01", "2025-06-01"),
                sw("A", "2025-06-01", "2025-09-01"),
                sw("B", "2025-05-01", "2025-06-01"),
                sw("B", "2025-06-01"),
                sw("C", "2025-05-01"),
            ]
        },
        rows(2, 5),
        2026,
        [bad(SW, 5, "sw_dec", "31/06/2025")],
    ),
    # 2025-26: ended before it began (flagged), the same day (flagged), after.
    "SW18STG2": (
        {
            SW: [
                sw("A", "2025-05-02", "2025-05-01"),
                sw("B", "2025-05-01", "2025-05-01"),
                sw("C", "2025-05-01", "2025-05-02"),
            ]
        },
        rows(1, 2),
        2026,
    ),
    # 2025-26: A's second episode began the same day as the first (flagged); B's did not.
    "SW19STG2": (
        {
            SW: [
                sw("A", "2025-05-01", sw_id="SW11"),
                sw("A", "2025-05-01", sw_id="SW12"),
                sw("B", "2025-05-01"),
                sw("B", "2025-05-02"),
            ]
        },
        rows(2),
        2026,
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, *more = CASES[code]
    year = more[0] if more else 2024
    issues = more[1] if len(more) > 1 else None
    assert flagged(tables, code, year=year, issues=issues) == expected
