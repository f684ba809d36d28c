"""SSDA903 DoLo rules 700-710 (`quality/rules/ssda903/dolo.py`, 2026-27 on), each on a tiny
hand-made input with the rows it must flag worked out by hand. Collection year 2026-27 (1 April
2026 to 31 March 2027); rows are numbered from 1 in the order given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, H, bad, child, d, ep

from csc_scorecard.quality.fixtures import flagged, run_on

DL = "dolo_orders"
YEAR = 2027


def dolo(cid, start, end=None):
    return {"child_id": cid, "start_date": d(start), "end_date": d(end)}


CASES = {
    # 1 has a start (fine); 2 a blank start; 3 a start ingest could not read (blank + issue).
    "700": (
        {DL: [dolo("A", "2026-05-01"), dolo("B", None), dolo("C", None)]},
        {("DoLo", 2), ("DoLo", 3)},
    ),
    # 1 open (blank end: fine); 2 an end ingest could not read (flagged); 3 a good end (fine).
    "701": (
        {
            DL: [
                dolo("A", "2026-05-01"),
                dolo("B", "2026-05-01"),
                dolo("C", "2026-05-01", "2026-06-01"),
            ]
        },
        {("DoLo", 2)},
    ),
    # Ends before it starts (1), the day it starts (2: flagged as DfE's validator does), after (3:
    # fine), open (4: fine).
    "702": (
        {
            DL: [
                dolo("A", "2026-05-02", "2026-05-01"),
                dolo("B", "2026-05-01", "2026-05-01"),
                dolo("C", "2026-05-01", "2026-05-02"),
                dolo("D", "2026-05-01"),
            ]
        },
        {("DoLo", 1), ("DoLo", 2)},
    ),
    # Starts 31 March 2027 (last day: fine), 1 April 2027 (after the year: 2), 2020 (fine).
    "703": (
        {DL: [dolo("A", "2027-03-31"), dolo("B", "2027-04-01"), dolo("C", "2020-01-01")]},
        {("DoLo", 2)},
    ),
    # Ends 31 March 2026 (before the year: 1), 1 April 2026 (first day: fine), 1 April 2027
    # (after: 3), open (fine).
    "704": (
        {
            DL: [
                dolo("A", "2026-01-01", "2026-03-31"),
                dolo("B", "2026-01-01", "2026-04-01"),
                dolo("C", "2026-05-01", "2027-04-01"),
                dolo("D", "2026-05-01"),
            ]
        },
        {("DoLo", 1), ("DoLo", 3)},
    ),
    # A: 1-10 May, then 5-20 June (fine: starts after the first ended), then 15 June-1 July
    # (row 3: starts before 20 June, when the one before ended). B: an open order of 1 May
    # (sorted at its start), then one of 1-30 June (row 5: the one before is still open).
    # C: one order (fine).
    "705": (
        {
            DL: [
                dolo("A", "2026-05-01", "2026-05-10"),
                dolo("A", "2026-06-05", "2026-06-20"),
                dolo("A", "2026-06-15", "2026-07-01"),
                dolo("B", "2026-05-01"),
                dolo("B", "2026-06-01", "2026-06-30"),
                dolo("C", "2026-06-01"),
            ]
        },
        {("DoLo", 3), ("DoLo", 5)},
    ),
    # A's period of care (1 May to 1 July 2026) has ended: its open order (1) fits it nowhere
    # (flagged), its order of 1-2 June (2) fits. B is still looked after since 1 May 2026: the
    # open order of 1 June fits (3); B's order of 1-5 March 2026 ended before care began (4).
    # C has an order and no episodes: not checked.
    "707": (
        {
            E: [ep("A", "2026-05-01", "2026-07-01", rec="E13"), ep("B", "2026-05-01")],
            DL: [
                dolo("A", "2026-06-01"),
                dolo("A", "2026-06-01", "2026-06-02"),
                dolo("B", "2026-06-01"),
                dolo("B", "2026-03-01", "2026-03-05"),
                dolo("C", "2026-06-01"),
            ],
        },
        {("DoLo", 1), ("DoLo", 4)},
    ),
    # A born 1 June 2010: an order starting that day (1) or before (2) is flagged, after (3) not.
    "708": (
        {
            H: [child("A", "2010-06-01")],
            DL: [dolo("A", "2010-06-01"), dolo("A", "2009-01-01"), dolo("A", "2026-05-01")],
        },
        {("DoLo", 1), ("DoLo", 2)},
    ),
}

# 709 and 710 on one input. A is placed U1 from 1 May to 1 July 2026 and then in K2 (open).
# A's order of 1-15 June (1) overlaps the U1 episode: 709; the order of 1-15 August (2) only the
# K2 one: fine; the open order (3) is not checked (both dates needed). B is placed K1 (secure
# children's home) from 1 May 2026: B's order of 1-15 June (4) overlaps it: 709 and 710; B's order
# of 1-15 April 2026 (5) ended before the placement began: fine.
PLACED = {
    E: [
        ep("A", "2026-05-01", "2026-07-01", place="U1", rec="X1"),
        ep("A", "2026-07-01", rne="P", place="K2"),
        ep("B", "2026-05-01", place="K1"),
    ],
    DL: [
        dolo("A", "2026-06-01", "2026-06-15"),
        dolo("A", "2026-08-01", "2026-08-15"),
        dolo("A", "2026-06-01"),
        dolo("B", "2026-06-01", "2026-06-15"),
        dolo("B", "2026-04-01", "2026-04-15"),
    ],
}
CASES["709"] = (PLACED, {("DoLo", 1), ("DoLo", 4)})
CASES["710"] = (PLACED, {("DoLo", 4)})


# 706: last year (2025-26) A had an order open since 1 March 2026 and B one that ended, C an open
# one. This year A's orders start 1 May 2026 only (A's Header row flagged), B has none (fine:
# B's ended), C's order of 1 March 2026 continues (fine).
CASES["706"] = (
    {
        H: [child("A"), child("B"), child("C")],
        DL: [dolo("A", "2026-05-01"), dolo("C", "2026-03-01")],
    },
    {("Header", 1)},
)
LAST_YEAR = {
    H: [child("A"), child("B"), child("C")],
    DL: [dolo("A", "2026-03-01"), dolo("B", "2026-01-01", "2026-02-01"), dolo("C", "2026-03-01")],
}
# What each case is run with besides its tables: the values ingest could not read, last year.
OPTIONS = {
    "700": {"issues": [bad(DL, 3, "start_date", "31/02/2026")]},
    "701": {"issues": [bad(DL, 2, "end_date", "31/06/2026")]},
    "706": {"previous": LAST_YEAR},
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected = CASES[code]
    assert flagged(tables, code, year=YEAR, **OPTIONS.get(code, {})) == expected


def test_dolo_rules_do_not_run_before_2026_27():
    """The same input as 702's, in 2025-26: DoLo is no table of that year's return."""
    tables, _ = CASES["702"]
    assert flagged(tables, "702", year=2026) == set()


def test_706_does_not_run_without_last_years_return():
    result = run_on(CASES["706"][0], ["706"], year=YEAR)
    assert result.faults.num_rows == 0 and [r.code for r in result.rules_run] == []
