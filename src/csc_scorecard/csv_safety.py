"""CSV formula injection: the one function that makes a cell safe to open in a spreadsheet.

A spreadsheet program opening a CSV file treats a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and a leading tab or carriage return can hide such a start. A label or a
free-text value typed by a user (a scenario name, a team, a commentary line) could then run a
formula on the reader's machine. Following OWASP's recommendation ("CSV Injection"), every CSV
the product writes prefixes such a cell with a single quote, which spreadsheet programs show as
text. Plain numbers (``-5``, ``+1.5e3``) are left alone: they are not formulas, and quoting them
would turn a negative count into text.

Use `safe_cell` / `safe_row` with the `csv` module (`safe_column` for a whole column at once)
and `write_arrow_csv` for Arrow tables; all go through `safe_cell`, so there is one rule. XLSX writers keep strings as strings instead
(xlsxwriter's ``strings_to_formulas`` off, or ``write_string``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from itertools import repeat
from pathlib import Path
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as written to a CSV cell: text that a spreadsheet would run is quoted.

    >>> [safe_cell(v) for v in ("=1+2", "+44 20", "-2+3", "@SUM(A1)", "\\t=1", "\\r=1")]
    ["'=1+2", "'+44 20", "'-2+3", "'@SUM(A1)", "'\\t=1", "'\\r=1"]
    >>> [safe_cell(v) for v in ("-5", "+1.5e3", "Fostering", "", None, -5, 2.5)]
    ['-5', '+1.5e3', 'Fostering', '', None, -5, 2.5]
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row through `safe_cell` (for `csv.writer().writerow`)."""
    return [safe_cell(v) for v in row]


def safe_column(values: Sequence[Any]) -> Sequence[Any]:
    """A column's cells through `safe_cell`, in one pass at C speed when no text in it starts
    like a formula (the usual case: then the column itself is returned).

    >>> safe_column(["a", "=b", None, -1]), safe_column(("a", "b"))
    (['a', "'=b", None, -1], ('a', 'b'))
    """
    kinds = set(map(type, values))
    if str not in kinds:
        return values
    if len(kinds) == 1:
        risky = any(map(str.startswith, values, repeat(FORMULA_STARTS)))
    else:
        risky = any(v.startswith(FORMULA_STARTS) for v in values if type(v) is str)
    return [safe_cell(v) for v in values] if risky else values


def safe_arrow(table: Any) -> Any:
    """An Arrow table with every string column's cells through `safe_cell`."""
    import pyarrow as pa

    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pa.array([safe_cell(v) for v in column.to_pylist()], column.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def write_arrow_csv(table: Any, out: str | Path | IO[bytes] | None = None) -> str | None:
    """Write an Arrow table as CSV, every cell made safe; with no `out`, return the text."""
    import pyarrow.csv as pacsv

    safe = safe_arrow(table)
    if out is None:
        buffer = io.BytesIO()
        pacsv.write_csv(safe, buffer)
        return buffer.getvalue().decode("utf-8")
    pacsv.write_csv(safe, str(out) if isinstance(out, Path) else out)
    return None
