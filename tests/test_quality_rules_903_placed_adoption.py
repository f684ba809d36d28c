"""SSDA903 PlacedAdoption rules (`quality/rules/ssda903/placed_adoption.py`), each on a tiny
hand-made input with the rows it must flag worked out by hand. Collection year 2023-24 (1 April
2023 to 31 March 2024), last year 2022-23. An adoption row with `placed_adoption_row` came from a
PlacedAdoption row (that line), one with `ad1_row` from an AD1 row, as ingest records them. A
case is (tables, expected {(DfE table, row)}, options); rows are numbered from 1 in the order
given.
"""

from __future__ import annotations

import pytest
from test_quality_rules_903 import E, d, ep
from test_quality_rules_903_adoption import AD, ad1

from csc_scorecard.quality.fixtures import flagged


def placed(cid, decided, line, ceased=None, reason=None):
    """A decision from PlacedAdoption line `line` (DATE_PLACED `decided`)."""
    return {"child_id": cid, "adm_decision_date": d(decided), "placed_adoption_row": line,
            "decision_reversed_date": d(ceased), "decision_reversed_reason": reason}  # fmt: skip


def order(ls):
    """A has an `ls` order episode and no decision (flagged: episode 1). B's `ls` episode is
    open and B's decision was reversed (flagged: PlacedAdoption line 1). C's decision stands."""
    return (
        {
            E: [
                ep("A", "2023-05-01", ls=ls),
                ep("B", "2023-05-01", ls=ls),
                ep("C", "2023-05-01", ls=ls),
            ],
            AD: [placed("B", "2023-01-01", 1, ceased="2023-06-01"), placed("C", "2023-01-01", 2)],
        },
        {("Episodes", 1), ("PlacedAdoption", 1)},
        {},
    )


CASES = {
    "553": order("E1"),
    "555": order("D1"),
    # A's freeing order began 1 May 2023, before A's decision of 1 June 2023 (flagged); B's
    # decision of 1 January 2023 was before it.
    "556": (
        {
            E: [ep("A", "2023-05-01", ls="D1"), ep("B", "2023-05-01", ls="D1")],
            AD: [placed("A", "2023-06-01", 1), placed("B", "2023-01-01", 2)],
        },
        {("Episodes", 1)},
        {},
    ),
    # A was adopted (E11) and both A's decisions have ceased dates: 1 episode x 2 rows > 1
    # (flagged). B's one adoption episode and one ceased decision count 1 (not flagged, as the
    # package counts). C has a decision without a ceased date.
    "558": (
        {
            E: [
                ep("A", "2022-05-01", "2023-06-01", rec="E11"),
                ep("B", "2022-05-01", "2023-06-01", rec="E11"),
                ep("C", "2022-05-01", "2023-06-01", rec="E12"),
            ],
            AD: [
                placed("A", "2022-06-01", 1, ceased="2022-08-01"),
                placed("A", "2022-09-01", 2, ceased="2022-12-01"),
                placed("B", "2022-06-01", 3, ceased="2022-08-01"),
                placed("C", "2022-06-01", 4),
            ],
        },
        {("Episodes", 1)},
        {},
    ),
    # A's second decision (1 June 2023) while the first was still open (flagged, line 2); B's
    # second (1 March 2023) before the first ceased (1 April 2023: flagged, line 4); C's second
    # came after the first ceased.
    "579": (
        {
            AD: [
                placed("A", "2023-01-01", 1),
                placed("A", "2023-06-01", 2),
                placed("B", "2023-01-01", 3, ceased="2023-04-01"),
                placed("B", "2023-03-01", 4),
                placed("C", "2023-01-01", 5, ceased="2023-02-01"),
                placed("C", "2023-03-01", 6),
            ]
        },
        {("PlacedAdoption", 2), ("PlacedAdoption", 4)},
        {},
    ),
    # A's earlier decision (1 January 2023) was not revoked (flagged); B's was. The latest
    # decisions are never flagged.
    "583": (
        {
            AD: [
                placed("A", "2023-01-01", 1),
                placed("A", "2023-06-01", 2),
                placed("B", "2023-01-01", 3, ceased="2023-02-01"),
                placed("B", "2023-06-01", 4),
            ]
        },
        {("PlacedAdoption", 1)},
        {},
    ),
    # A's decision was reversed and A has an AD1 row with a match (both flagged: PlacedAdoption
    # line 1, AD1 line 2, the AD1 rows being the second and fourth rows given); B's stands.
    "525": (
        {
            AD: [
                placed("A", "2023-01-01", 1, ceased="2023-05-01"),
                ad1("A", decided="2023-02-01") | {"ad1_row": 2},
                placed("B", "2023-01-01", 2),
                ad1("B", decided="2023-02-01") | {"ad1_row": 4},
            ]
        },
        {("PlacedAdoption", 1), ("AD1", 2)},
        {},
    ),
    # Decisions before 1 April 2023: A's has no PlacedAdoption row last year (flagged); B's was
    # there. C's decision is in the year.
    "559": (
        {
            AD: [
                placed("A", "2023-01-01", 1),
                placed("B", "2023-01-01", 2),
                placed("C", "2023-06-01", 3),
            ]
        },
        {("PlacedAdoption", 1)},
        {"previous": {AD: [placed("B", "2023-01-01", 1)]}},
    ),
    # Last year's decisions had not ceased: A's date changed (flagged), B's did not.
    "560": (
        {AD: [placed("A", "2023-02-01", 1), placed("B", "2023-01-01", 2)]},
        {("PlacedAdoption", 1)},
        {"previous": {AD: [placed("A", "2023-01-01", 1), placed("B", "2023-01-01", 2)]}},
    ),
    # Last year A's decision had ceased, yet this year's has the same date (flagged); B's
    # decision last year had not ceased.
    "561": (
        {AD: [placed("A", "2023-01-01", 1), placed("B", "2023-01-01", 2)]},
        {("PlacedAdoption", 1)},
        {
            "previous": {
                AD: [
                    placed("A", "2023-01-01", 1, reason="RD1", ceased="2023-02-01"),
                    placed("B", "2023-01-01", 2),
                ]
            }
        },
    ),
    # Last year A's and C's decisions of 1 June 2022 had ceased (a date), B's had a reason.
    # A's this year is the same date (not after: flagged), B's a later one, C's blank
    # (flagged). D's decision last year had not ceased (560's).
    "584": (
        {
            AD: [
                placed("A", "2022-06-01", 1),
                placed("B", "2023-01-01", 2),
                placed("C", None, 3),
                placed("D", "2022-05-01", 4),
            ]
        },
        {("PlacedAdoption", 1), ("PlacedAdoption", 3)},
        {
            "previous": {
                AD: [
                    placed("A", "2022-06-01", 1, ceased="2022-09-01"),
                    placed("B", "2022-06-01", 2, reason="RD1"),
                    placed("C", "2022-06-01", 3, ceased="2022-09-01"),
                    placed("D", "2022-06-01", 4),
                ]
            }
        },
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_the_hand_worked_rows(code):
    tables, expected, options = CASES[code]
    assert flagged(tables, code, **options) == expected
