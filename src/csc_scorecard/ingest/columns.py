"""The value engine over whole columns: `fields.convert`'s result from a table of raw text cells,
typed with Arrow's compute functions over each column's distinct texts instead of a Python call
per cell.

A reader that has its cells column by column (the 903 CSV reader, `formats/ssda903_csv.py`)
hands over an Arrow table of text columns named by source field, plus `source_row`; a cell that
was not in the row at all (a short row, a column the file lacks) is NULL, an empty cell "".
The vectorised step settles the cells written the ordinary way: printable ASCII, a blank, a known code, a
DD/MM/YYYY or YYYY-MM-DD date that exists, a plain whole number, yes/no. Every other cell (an
unknown code, a bad date, a blank mandatory value, control characters, non-ASCII text, an Excel
serial, "1,182", "NaN"...) is decided by `fields.convert_cell`, the same function `convert` runs
for every cell, so rows and issues are those `convert` gives, in the same order
(`tests/test_ingest_columns.py` compares both on the peer fixtures and on synthetic returns
with imperfections). It was one DuckDB statement per table until Arrow took it over: planning
those statements cost more than running them (the demo's 170 took about 2.2 CPU s, three
quarters of it binding and optimising; Arrow types the same cells in about a third of that).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest.fields import (
    Converted,
    FieldSpec,
    TableSpec,
    _duplicates,
    cell_issue,
    convert_cell,
)
from csc_scorecard.ingest.limits import limit
from csc_scorecard.ingest.values import BLANKS, FALSE, TRUE
from csc_scorecard.model.batch import Issue
from csc_scorecard.model.codes import codes
from csc_scorecard.model.schema import ARROW_TYPES, table

# Cells `_typed` may settle are printable ASCII: Python's str.strip() and Arrow's trim of spaces
# then remove the same characters, and `\d` (RE2's, as Python's for ASCII) the same digits.
_UNPLAIN = r"[^\x20-\x7e]"
# values._DMY, then values._ISO, each with the time of day they accept (and ignore): a workbook's
# dates come as "2021-05-04 00:00:00", which Python typed one cell at a time
_DATE = (
    r"^(?:(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: [\d:.]+)?"
    r"|(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?)$"
)


def _set(values: set[str] | list[str]) -> pa.Array:
    return pa.array(sorted(values), pa.string())


def _typed(texts: pa.Array, f: FieldSpec, cap: int, today: date) -> tuple[pa.Array, pa.Array]:
    """A column's distinct texts (none NULL) typed: (value, settled). `settled` is true only
    where the value is what `convert_cell` gives and it finds nothing to report; a value where
    it is false is never used (`convert_cell` decides that cell), so each step needs to be
    right only for plain cells (printable ASCII, within the cap), where Python's str.strip()
    and lower() and Arrow's trim of spaces and utf8_lower agree, and `\\d` means the same digits."""
    plain = pc.and_(
        pc.less_equal(pc.binary_length(texts), cap),
        pc.invert(pc.match_substring_regex(texts, _UNPLAIN)),
    )
    t = pc.utf8_trim(texts, " ")
    blanks = BLANKS - {"nan"} if f.type in ("int", "float") else BLANKS  # values._number_text
    low = pc.utf8_lower(t)
    blank = pc.is_in(low, value_set=_set(blanks))
    good: pa.Array | bool = True
    if f.type == "text" and not (f.codes or f.map):
        value = t
    elif f.type == "text" and f.separated:
        value, good = pa.nulls(len(t), pa.string()), False
    elif f.type == "text":
        value = pc.utf8_upper(t) if f.upper else t
        if f.map:
            at = pc.index_in(value, value_set=pa.array(list(f.map), pa.string()))
            value = pc.coalesce(pc.take(pa.array(list(f.map.values()), pa.string()), at), value)
        if f.codes:
            good = pc.is_in(value, value_set=_set(set(codes(f.codes))))
    elif f.type == "date":
        value, good = _dates(t, f.not_future, today)
    elif f.type == "bool":
        value = pc.is_in(low, value_set=_set(TRUE))
        good = pc.is_in(low, value_set=_set(TRUE | FALSE))
    else:  # int, float: a plain number of at most 9 (int) or 15.15 (float) digits casts exactly
        pattern = r"^-?\d{1,9}$" if f.type == "int" else r"^-?\d{1,15}(\.\d{1,15})?$"
        good = pc.match_substring_regex(t, pattern)
        value = pc.cast(pc.if_else(good, t, None), pa.int32() if f.type == "int" else pa.float64())
        if f.min is not None:
            good = pc.and_kleene(good, pc.greater_equal(value, f.min))
        if f.max is not None:
            good = pc.and_kleene(good, pc.less_equal(value, f.max))
    value = pc.if_else(blank, pa.scalar(None, value.type), value)
    if isinstance(good, bool):
        good = pa.array([good] * len(t), pa.bool_())
    decided = pc.if_else(blank, not f.required, pc.fill_null(good, False))
    return value, pc.and_(plain, decided)


def _dates(t: pa.Array, not_future: bool, today: date) -> tuple[pa.Array, pa.Array]:
    """DD/MM/YYYY or YYYY-MM-DD texts (with a time of day `values.parse_date` ignores) as
    dates, and whether each is a real calendar date from 1900 to 2100 (and not after `today`
    where `not_future`): `parse_date`'s value for those, anything for the rest."""
    matched = pc.match_substring_regex(t, _DATE)
    ymd = pc.replace_substring_regex(pc.if_else(matched, t, None), _DATE, r"\3\4-\2\5-\1\6")
    parts = pc.split_pattern(ymd, "-")
    y, m, d = (
        pc.fill_null(pc.cast(pc.list_element(parts, k), pa.int64()), 0).to_numpy(
            zero_copy_only=False
        )
        for k in range(3)
    )
    month = (y - 1970).astype("datetime64[Y]") + (np.clip(m, 1, 12) - 1).astype("timedelta64[M]")
    first = month.astype("datetime64[D]")
    length = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    days = first + (d - 1).astype("timedelta64[D]")
    real = (y >= 1900) & (y <= 2100) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= length)
    if not_future:
        real &= days <= np.datetime64(today, "D")
    real &= matched.to_numpy(zero_copy_only=False)
    return pa.array(days, pa.date32(), mask=~real), pa.array(real)


def cells_of(records: Sequence[tuple]) -> pa.Table:
    """Row-wise raw records `(source_row, {field: text or None}, ...)` as the text columns
    `convert_columns` takes: a column per field any record has (first seen first), NULL where a
    record lacks the field, and `source_row`. (Anything after the dict in a record is ignored.)"""
    cells = list(map(itemgetter(1), records))
    names = list(dict.fromkeys(chain.from_iterable(cells)))
    return pa.table(
        {
            **{n: pa.array(_column(cells, n), pa.string()) for n in names},
            "source_row": pa.array(list(map(itemgetter(0), records)), pa.int64()),
        }
    )


def _column(cells: list, name: str) -> list:
    """Every record's cell of `name` (None where it has none). `map` over `dict.get` looks
    them up without a Python frame per cell: 2.5 times quicker than a comprehension."""
    try:
        return list(map(dict.get, cells, repeat(name)))
    except TypeError:  # records that are mappings but not dicts
        return [cell.get(name) for cell in cells]


def convert_columns(
    cells: pa.Table,
    spec: TableSpec,
    *,
    file: str,
    sheet: str | None = None,
    check_duplicates: bool = True,
) -> Converted:
    """`fields.convert` of the same cells, given as columns: `cells` holds text columns named
    by source field (matched case-insensitively, ignoring surrounding space) and `source_row`."""
    canonical = table(spec.canonical)
    cap = limit("SCORECARD_MAX_CELL_CHARS")
    given = {str(c).strip().lower(): c for c in cells.column_names if c != "source_row"}
    names = {src: given.get(src.strip().lower()) for src in spec.columns}
    # A cell's value and findings depend on its text alone, so each column's distinct texts are
    # typed once (`_typed`, Arrow's compute functions: no statement to plan), and the results
    # are spread back over the rows by the dictionary indices.
    encoded = {
        src: pc.dictionary_encode(cells.column(name).combine_chunks())
        for src, name in names.items()
        if name is not None
    }
    today = date.today()
    types = {c.name: ARROW_TYPES[c.type] for c in canonical.columns}
    source_rows = cells.column("source_row")
    n = cells.num_rows
    columns: dict[str, pa.Array] = {}
    found: list[tuple[int, int, int, str, int, tuple]] = []  # (row index, field, n, src, row, ..)
    for i, (src, f) in enumerate(spec.columns.items()):
        e = encoded.get(src)
        if e is None:  # the file has no such column: every cell is blank
            values = pa.nulls(n, types[f.to])
            settled = pa.array([not f.required] * n, pa.bool_())
        else:
            typed, settled = _typed(e.dictionary, f, cap, today)
            values = typed.take(e.indices).cast(types[f.to])
            settled = settled.take(e.indices)
            settled = pc.fill_null(settled, not f.required)  # a NULL cell is a blank one
        unsettled = pc.invert(settled)
        at = pc.indices_nonzero(unsettled).to_pylist()
        if at:
            texts = (
                cells.column(names[src]).take(at).to_pylist() if e is not None else [None] * len(at)
            )
            rows = source_rows.take(at).to_pylist()
            decided = []
            seen: dict[Any, tuple] = {}
            for k, cell, row in zip(at, texts, rows, strict=True):
                if cell not in seen:
                    seen[cell] = convert_cell(cell, src, f, cap)
                value, findings = seen[cell]
                decided.append(value)
                found.extend((k, i, j, src, row, x) for j, x in enumerate(findings))
            values = pc.replace_with_mask(values, unsettled, pa.array(decided, type=types[f.to]))
        columns[f.to] = values
    columns["source_row"] = source_rows.cast(types["source_row"])
    rows = pa.table(columns)

    issues: list[Issue] = []
    if found:
        found.sort(key=lambda x: x[:3])
        child_col = next((src for src, f in spec.columns.items() if f.to == "child_id"), None)
        children: list[Any] = (
            rows.column("child_id").take([x[0] for x in found]).to_pylist()
            if child_col is not None
            else [None] * len(found)
        )
        for (_, _, _, src, row, finding), child in zip(found, children, strict=True):
            issues.append(cell_issue(spec, file, sheet, src, row, finding, child))
    if check_duplicates:
        issues.extend(_duplicates(rows, canonical.key, spec.canonical, file, sheet))
    return Converted(rows=rows, issues=issues)
