"""CSV files written a column at a time: the synthetic writers' fast path (issue 14).

The bytes are those of ``csv.writer`` writing each row through the writer's own cell function
and `csv_safety.safe_row`; only the order of the work changes. A column whose cells are all
text, whole numbers or missing skips the cell function (every writer's leaves such cells as the
csv module writes them: None and "" both as an empty field), and a column with no text starting
like a formula skips the safety rule (`csv_safety.safe_column`). The rows themselves are
joined as text (`joined`) when no cell needs the csv module's quoting: the same bytes, without
its per-cell work.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from csc_scorecard.csv_safety import safe_column, safe_row

PLAIN = frozenset({str, int, type(None)})
AS_TEXT = frozenset({str, int, float, type(None)})  # written by csv as str(v), None as ""
QUOTED = (",", '"', "\r", "\n")  # a cell holding any of these is quoted by csv.writer


@cache  # a few thousand distinct days among hundreds of thousands of cells
def day_month_year(day: date) -> str:
    """A date as the 903 and the templates write it in CSV: DD/MM/YYYY."""
    return day.strftime("%d/%m/%Y")


def dict_columns(rows: Sequence[dict], header: Sequence[str]) -> list[Sequence[Any]]:
    """The rows' values by column, in the header's order (a missing key is a KeyError)."""
    return [[r[h] for r in rows] for h in header]


def converted(values: Sequence[Any], cell: Callable[[Any], Any]) -> Sequence[Any]:
    """`cell` over a column, unless every value is text, a whole number or missing."""
    if set(map(type, values)) <= PLAIN:
        return values
    return list(map(cell, values))


def write_csv(
    path: Path,
    header: Sequence[str],
    columns: Sequence[Sequence[Any]],
    cell: Callable[[Any], Any] | None = None,
) -> Path:
    """Write the header and the columns' rows, each cell through `cell` and the safety rule."""
    ready = [safe_column(converted(c, cell) if cell else c) for c in columns]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(safe_row(header))
        text = joined(ready)
        if text is None:
            out.writerows(zip(*ready, strict=True))
        else:
            fh.write(text)
    return path


def joined(columns: Sequence[Sequence[Any]]) -> str | None:
    """The rows as `csv.writer` writes them (excel dialect: commas, CRLF line ends), or None
    when a cell would need its quoting, is of another type, or a row has one field (csv writes
    a lone empty field as "").

    >>> joined([["a", None, ""], [1, 2.5, "x y"]])
    'a,1\\r\\n,2.5\\r\\n,x y\\r\\n'
    >>> joined([["a,b"], [1]]) is None, joined([["a"]]) is None, joined([[True], [1]]) is None
    (True, True, True)
    """
    if len(columns) < 2 or len({len(c) for c in columns}) > 1:
        return None
    texts = []
    for values in columns:
        kinds = set(map(type, values))
        if not kinds <= AS_TEXT:
            return None
        if kinds != {str}:
            values = ["" if v is None else str(v) for v in values]
        whole = "".join(values)
        if any(q in whole for q in QUOTED):
            return None
        texts.append(values)
    if not texts[0]:
        return ""
    return "\r\n".join(map(",".join, zip(*texts))) + "\r\n"
