"""The value engine over whole columns: `fields.convert`'s result from a table of raw text cells,
typed in one DuckDB query instead of a Python call per cell.

A reader that has its cells column by column (the 903 CSV reader, `formats/ssda903_csv.py`)
hands over an Arrow table of text columns named by source field, plus `source_row`; a cell that
was not in the row at all (a short row, a column the file lacks) is NULL, an empty cell "".
The SQL settles the cells written the ordinary way: printable ASCII, a blank, a known code, a
DD/MM/YYYY or YYYY-MM-DD date that exists, a plain whole number, yes/no. Every other cell (an
unknown code, a bad date, a blank mandatory value, control characters, non-ASCII text, an Excel
serial, "1,182", "NaN"...) is decided by `fields.convert_cell`, the same function `convert` runs
for every cell, so rows and issues are those `convert` gives, in the same order
(`tests/test_ingest_columns.py` compares both on the peer fixtures and on synthetic returns
with imperfections).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest.duck import arrow_rows, connection
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

# Cells the SQL may decide are printable ASCII: Python's str.strip() and SQL's trim() then
# remove the same characters (spaces), and `\d` means the same digits.
_UNPLAIN = r"[^\x20-\x7e]"
# values._DMY, then values._ISO, each with the time of day they accept (and ignore): a workbook's
# dates come as "2021-05-04 00:00:00", which Python typed one cell at a time
_DATE = (
    r"^(?:(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: [\d:.]+)?"
    r"|(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?)$"
)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(values: set[str] | list[str]) -> str:
    return "(" + ", ".join(_lit(v) for v in sorted(values)) + ")" if values else "(NULL)"


def _cell_sql(i: int, f: FieldSpec, cap: int, today: date) -> tuple[str, str, str]:
    """SQL for field `i`, over r{i} (the raw cell) and t{i} (it trimmed): (parsed, typed value,
    settled). `parsed` (column x{i}) is computed once, before the other two, which read it;
    `settled` is true only where the value is what `convert_cell` gives and it finds nothing to
    report."""
    r, t, x = f"r{i}", f"t{i}", f"x{i}"
    plain = f"({r} IS NULL OR (length({r}) <= {cap} AND NOT regexp_matches({r}, '{_UNPLAIN}')))"
    blanks = BLANKS - {"nan"} if f.type in ("int", "float") else BLANKS  # values._number_text
    blank = f"({r} IS NULL OR lower({t}) IN {_in(blanks)})"
    if_blank = "false" if f.required else "true"
    parsed = "NULL"
    if f.type == "text" and not (f.codes or f.map):
        value, good = t, "true"
    elif f.type == "text" and f.separated:
        value, good = "NULL", "false"
    elif f.type == "text":
        key = f"upper({t})" if f.upper else t
        parsed = (
            f"CASE {key} "
            + " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in f.map.items())
            + f" ELSE {key} END"
            if f.map
            else key
        )
        value = x
        good = f"{x} IN {_in(set(codes(f.codes)))}" if f.codes else "true"
    elif f.type == "date":
        parsed = (
            f"CASE WHEN regexp_matches({t}, '{_DATE}') THEN "
            f"try_cast(regexp_replace({t}, '{_DATE}', '\\3\\4-\\2\\5-\\1\\6') AS DATE) END"
        )
        value = x
        good = f"coalesce(year({x}) BETWEEN 1900 AND 2100, false)"
        if f.not_future:
            good += f" AND {x} <= DATE '{today.isoformat()}'"
    elif f.type == "bool":
        value = f"lower({t}) IN {_in(TRUE)}"
        good = f"lower({t}) IN {_in(TRUE | FALSE)}"
    else:  # int, float
        pattern = r"^-?\d{1,9}$" if f.type == "int" else r"^-?\d{1,15}(\.\d{1,15})?$"
        parsed = f"try_cast({t} AS {'INTEGER' if f.type == 'int' else 'DOUBLE'})"
        value = x
        good = f"regexp_matches({t}, '{pattern}')"
        if f.min is not None:
            good += f" AND {x} >= {f.min!r}"
        if f.max is not None:
            good += f" AND {x} <= {f.max!r}"
    typed = f"CASE WHEN {blank} THEN NULL ELSE {value} END"
    settled = f"coalesce({plain} AND CASE WHEN {blank} THEN {if_blank} ELSE {good} END, false)"
    return parsed, typed, settled


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
    # typed once: the query runs over the columns' dictionaries side by side (padded with NULL
    # to the longest), and the results are spread back over the rows by the dictionary indices.
    encoded = {
        src: pc.dictionary_encode(cells.column(name).combine_chunks())
        for src, name in names.items()
        if name is not None
    }
    depth = max((len(e.dictionary) for e in encoded.values()), default=0)
    distinct = pa.table(
        {
            f"c{i}": pa.concat_arrays(
                [e.dictionary, pa.nulls(depth - len(e.dictionary), pa.string())]
            )
            if (e := encoded.get(src)) is not None
            else pa.nulls(depth, pa.string())
            for i, src in enumerate(spec.columns)
        }
    )
    raw, parsed, final = [], ["*"], []
    for i, f in enumerate(spec.columns.values()):
        raw += [f"c{i} AS r{i}", f"trim(c{i}) AS t{i}"]
        x, typed, settled = _cell_sql(i, f, cap, date.today())
        parsed.append(f"{x} AS x{i}")
        final += [f"{typed} AS v{i}", f"{settled} AS s{i}"]
    con = connection()
    con.register("distinct_cells", distinct)
    try:
        out = arrow_rows(
            f"SELECT {', '.join(final)} FROM (SELECT {', '.join(parsed)} FROM "
            f"(SELECT {', '.join(raw)} FROM distinct_cells))"
        )
    finally:
        con.unregister("distinct_cells")

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
            size = len(e.dictionary)
            values = out.column(f"v{i}").slice(0, size).combine_chunks().take(e.indices)
            values = values.cast(types[f.to])
            settled = out.column(f"s{i}").slice(0, size).combine_chunks().take(e.indices)
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
