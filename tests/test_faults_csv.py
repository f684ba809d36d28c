"""The faults CSV (`commands._faults.to_csv`), written column-wise in Arrow, is byte for byte
what Python's csv module writes row by row with every cell through the formula guard."""

from __future__ import annotations

import csv
import io

import pyarrow as pa

from csc_scorecard.commands._faults import to_csv
from csc_scorecard.csv_safety import safe_row
from csc_scorecard.quality.fault_table import FAULT_COLUMNS

# Quotes, commas, line breaks, formula starts, numbers that are not formulas, blanks, non-ASCII.
CELLS = ["x", "a,b", 'q"q', "", None, "l\nm", "r\rx", " lead", "=1+2", "-5", "+44 20",
         "@SUM(A1)", "\t=1", "\r=1", "'=1", "é, ü", "#x", '"', ",", "-2+3", "=a,b", '=say "hi"']  # fmt: skip


def _row_by_row(table: pa.Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FAULT_COLUMNS)
    for r in table.select(FAULT_COLUMNS).to_pylist():
        writer.writerow(safe_row(r[c] for c in FAULT_COLUMNS))
    return out.getvalue()


def test_columnwise_csv_is_the_csv_modules_byte_for_byte():
    n = len(CELLS)
    table = pa.table(
        {
            c: pa.array(range(n), pa.int32())
            if c == "row"
            else pa.array(CELLS[k:] + CELLS[:k], pa.string())  # every cell in every column
            for k, c in enumerate(FAULT_COLUMNS)
        }
    )
    text = to_csv(table)
    assert text == _row_by_row(table)
    assert "'=1+2" in text and "'-2+3" in text and "'-5" not in text  # the guard, not numbers
    assert '"a,b"' in text and '"q""q"' in text and '"l\nm"' in text  # quoted as csv quotes
    assert to_csv(table.slice(0, 0)) == ",".join(FAULT_COLUMNS) + "\n"
    blank = pa.table(
        {c: pa.nulls(2, pa.int32() if c == "row" else pa.string()) for c in FAULT_COLUMNS}
    )
    assert to_csv(blank) == _row_by_row(blank) == ",".join(FAULT_COLUMNS) + "\n" + ",,,,,,,\n" * 2
