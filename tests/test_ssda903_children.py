"""Header and UASC rows joined into `children` (ingest.ssda903._children), column-wise.

A return with both tables takes the column-wise path (`_children_columns`, tens of thousands of
Header rows in a large return); its rows must be those the row-by-row reading gives, worked out
here by hand for every case the docstring of `_children` names.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from csc_scorecard.ingest.ssda903 import _children


def test_header_and_uasc_rows_joined_as_the_row_by_row_reading():
    header = pa.table(
        {
            "child_id": pa.array(["A", "B", "C", "D", None]),
            "sex": pa.array(["1", "2", "1", None, "2"]),
            "source_row": pa.array([1, 2, 3, 4, 5], pa.int32()),
        }
    )
    ceased = date(2024, 1, 5)
    uasc = pa.table(
        {
            "child_id": pa.array(["A", "A", "C", "E", "E", None]),
            "uasc": pa.array([True, False, True, True, None, True]),
            "uasc_ceased_date": pa.array([ceased, None, None, None, None, None], pa.date32()),
            "source_row": pa.array([1, 2, 3, 4, 5, 6], pa.int32()),
        }
    )
    looked_after = {"A", "B", None}  # C and D are care leavers (no episodes)
    rows = _children(header, uasc, looked_after).to_pylist()
    got = [(r["child_id"], r["uasc"], r["uasc_ceased_date"], r["source_row"]) for r in rows]
    assert got == [
        ("A", True, ceased, 1),  # looked after, first UASC row of A says uasc
        ("B", False, None, 2),  # looked after, not in the UASC table: not UASC
        ("C", True, None, 3),  # care leaver with a positive UASC row
        ("D", None, None, 4),  # care leaver, no UASC row: nothing known
        (None, True, None, 5),  # no child id matches the UASC row with none, as a dict does
        ("E", True, None, 4),  # UASC rows of children with no Header row kept, both
        ("E", None, None, 5),
    ]
    assert rows[0]["sex"] == "1" and rows[5]["sex"] is None
