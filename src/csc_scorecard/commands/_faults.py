"""Writing DfE-rule faults for `scorecard validate` and `scorecard quality`.

CSV: one row per fault, columns exactly FAULT_COLUMNS (rule, return, table, row, child, field,
value, message); a cell starting with = + - or @ is written with a leading apostrophe so a
spreadsheet never reads it as a formula. XLSX: a Summary sheet, then one sheet per team (or
worker, or one "Faults" sheet when there are none); a group with more faults than an Excel sheet
holds continues on sheets "<its sheet> 2 of 3"..., which the Summary lists. JSON: every column.
Child-level: for the authority's own use, never for publication.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import typer

from csc_scorecard.csv_safety import FORMULA_STARTS, safe_cell
from csc_scorecard.quality.fault_table import FAULT_COLUMNS
from csc_scorecard.quality.fixlists import AUTHORITY_WIDE, UNALLOCATED, groups
from csc_scorecard.quality.runner import RuleResult

XLSX_COLUMNS = [
    *FAULT_COLUMNS, "la_code", "year", "worker", "owner_from", "measures_affected", "measures"
]  # fmt: skip


def neutral(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet (no formula): the product's one rule."""
    return safe_cell(value)


def to_csv(faults: pa.Table) -> str:
    """The faults as CSV text (`csv_bytes`, decoded)."""
    return b"".join(csv_bytes(faults)).decode("utf-8")


def csv_bytes(faults: pa.Table) -> list:
    """The faults as CSV, UTF-8 bytes in pieces (bytes, then Arrow buffers) to write in turn; a
    blank cell is empty. Written column-wise in Arrow, byte for byte what `csv.writer` writes row
    by row (QUOTE_MINIMAL, the characters it quotes for found by asking it, `_QUOTED`): a large
    return has over a million faults, so the lines are one Arrow string array whose data buffer
    is the file's body, never a Python string per line."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(FAULT_COLUMNS)
    pieces: list = [buffer.getvalue().encode("utf-8")]
    if not faults.num_rows:
        return pieces
    last = len(FAULT_COLUMNS) - 1
    cells = [  # the line's end joined to the last column's (distinct) cells, not to each line
        _csv_cells(faults.column(c), end="\n" if i == last else "")
        for i, c in enumerate(FAULT_COLUMNS)
    ]
    lines = pc.binary_join_element_wise(*cells, ",")
    pieces += [_text_of(chunk) for chunk in _chunks(lines)]
    return pieces


def _text_of(strings: pa.Array) -> pa.Buffer:
    """A string array's values end to end (no nulls): the slice of its data buffer they hold."""
    _, offsets, data = strings.buffers()
    width = "q" if pa.types.is_large_string(strings.type) else "i"
    at = memoryview(offsets).cast(width)
    return data.slice(at[strings.offset], at[strings.offset + len(strings)] - at[strings.offset])


def _quoted_characters() -> tuple[str, ...]:
    """The characters for which `csv.writer` (QUOTE_MINIMAL, lineterminator \\n) quotes a cell."""
    found = []
    for ch in (",", '"', "\n", "\r"):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([f"a{ch}b", "c"])
        if out.getvalue().startswith('"'):
            found.append(ch)
    return tuple(found)


_QUOTED = _quoted_characters()


def _csv_cells(column: pa.ChunkedArray, end: str = "") -> pa.Array:
    """A column's cells as CSV text, each followed by `end`: `neutral`, quoted where csv.writer
    quotes, blank for none. Text is worked on once per distinct value (rule codes, tables,
    fields and messages repeat across hundreds of thousands of faults; the rules' own texts
    come as a dictionary)."""
    if pa.types.is_dictionary(column.type):
        encoded = column.combine_chunks()
    elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        encoded = pc.dictionary_encode(column.combine_chunks())
    else:
        cells = pc.fill_null(column.cast(pa.string()), "")
        return pc.binary_join_element_wise(cells, end, "") if end else cells
    cells = _neutral_cells(encoded.dictionary)
    needs = pc.fill_null(_any([pc.match_substring(cells, ch) for ch in _QUOTED]), False)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(cells, '"', '""'), '"', "")
    cells = pc.if_else(needs, quoted, cells)
    if end:
        cells = pc.binary_join_element_wise(cells, end, "")
    return pc.fill_null(cells.take(encoded.indices), end)


def _neutral_cells(column: pa.Array) -> pa.Array:
    """A text column with every cell `neutral`: only text starting with a formula character can
    change, so only those cells are passed to it."""
    risky = pc.fill_null(_any([pc.starts_with(column, c) for c in FORMULA_STARTS]), False)
    at = pc.indices_nonzero(risky)
    if not len(at):
        return column
    fixed = pa.array([neutral(v) for v in column.take(at).to_pylist()], column.type)
    return pc.replace_with_mask(column, risky, fixed)


def _any(masks: list) -> Any:
    out = masks[0]
    for m in masks[1:]:
        out = pc.or_(out, m)
    return out


def json_bytes(faults: pa.Table, result: RuleResult, notes: list[str]) -> list:
    """The run and its faults as JSON, UTF-8 bytes in pieces (as `csv_bytes`): byte for byte
    `json.dumps(payload, indent=1)` with the faults as `to_pylist` gives them. The faults are
    written column-wise in Arrow (`_json_lines`), each distinct text encoded once: Python's
    encoder with an indent works value by value (over a minute and 8 GB for 1.26 million
    faults). A column of another type than text, integer or boolean: the encoder's way."""
    payload = {
        "rules_run": len(result.rules_run),
        "returns": result.returns,
        "not_run": [
            {"return": n.ret, "reason": n.reason, "rules": n.codes} for n in result.not_run
        ],
        "notes": notes,
        "faults": [],
    }
    if not faults.num_rows or not all(_json_plain(f.type) for f in faults.schema):
        payload["faults"] = faults.to_pylist()
        return [json.dumps(payload, indent=1, default=str).encode("utf-8")]
    head = json.dumps(payload, indent=1)
    assert head.endswith('"faults": []\n}')
    pieces: list = [head[: -len("]\n}")].encode("utf-8") + b"\n"]
    columns = [_json_cells(faults.column(c)) for c in faults.column_names]
    keys = [f"   {json.dumps(c)}: " for c in faults.column_names]
    for start in range(0, faults.num_rows, _JSON_ROWS):
        parts = []
        for i, (key, (cells, indices)) in enumerate(zip(keys, columns, strict=True)):
            first, last = i == 0, i == len(keys) - 1
            parts += [
                ("  {\n" if first else "") + key,
                cells.take(indices[start : start + _JSON_ROWS]),
            ]
            parts.append("\n  },\n" if last else ",\n")
        records = pc.binary_join_element_wise(*parts, "")
        pieces += [_text_of(chunk) for chunk in _chunks(records)]
    pieces[-1] = pieces[-1][: len(pieces[-1]) - 2]  # the last record's ",\n"
    pieces.append(b"\n ]\n}")
    return pieces


_JSON_ROWS = 1 << 18  # rows a piece: a text array's offsets stay under 2 GB


def _json_plain(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_null(kind)
    )


def _json_cells(column: pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """A column's distinct values as JSON text (`json.dumps` of each; null as null) and each
    row's index into them."""
    if pa.types.is_dictionary(column.type):
        encoded = column.combine_chunks()
    else:
        encoded = pc.dictionary_encode(column.combine_chunks())
    values = encoded.dictionary
    if pa.types.is_integer(values.type):
        text = values.cast(pa.string())
    else:
        text = pa.array([json.dumps(v) for v in values.to_pylist()], pa.string())
    # one more value, null, for the rows holding none
    text = pa.concat_arrays([text, pa.array(["null"], pa.string())])
    indices = pc.fill_null(encoded.indices.cast(pa.int32()), len(values))
    return text, indices


def _chunks(strings: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    return strings.chunks if isinstance(strings, pa.ChunkedArray) else [strings]


# Excel's rows a sheet, the header's included: a group with more faults continues on further
# sheets, never cut (a parameter so tests can lower it)
XLSX_SHEET_ROWS = 1_048_576


def to_xlsx(faults: pa.Table, path: Path, *, by: str | None) -> list[tuple[str, list[str]]]:
    """Write the workbook; returns each sheet continued on further sheets, with their names
    (none: every group fits its sheet). Text is never read as a number, a formula or a link
    (xlsxwriter made a value like `external:...` or `http://...` a live link, and raised on
    `file://x`): a fault's value is what the return holds."""
    import xlsxwriter

    from csc_scorecard.report.xlsx_book import sheet_name

    as_text = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    wb = xlsxwriter.Workbook(str(path), as_text)
    bold = wb.add_format({"bold": True})
    taken: set[str] = set()

    def sheet(title: str):
        name = sheet_name(title, taken)
        taken.add(name.casefold())
        return wb.add_worksheet(name)

    summary = sheet("Summary")
    summary.write_row(
        0, 0, ["Child-level data quality faults: internal use only, not for publication."], bold
    )
    key = by or "team"
    summary.write_row(2, 0, [key, "name", "faults", "children", "measures affected", "rules"], bold)
    listed = groups(faults, key) if faults.num_rows else []
    for i, g in enumerate(listed, start=3):
        rules = ", ".join(
            f"{c} ({n})" for c, n in sorted(g["rules"].items(), key=lambda kv: -kv[1])
        )
        summary.write_row(
            i, 0, [g[key], g["name"], g["faults"], g["children"], g["measures_affected"], rules]
        )
    summary.set_column(0, 1, 22)
    summary.set_column(5, 5, 60)
    rows = list(zip(*(_xlsx_cells(faults, c) for c in XLSX_COLUMNS), strict=True))
    group = _groups_of(faults, key) if listed else None
    per_sheet = XLSX_SHEET_ROWS - 1
    continued: list[tuple[str, list[str]]] = []
    on: list[list[str]] = []
    for g in listed or [{key: "Faults", "name": "Faults"}]:
        if group is None:
            mine = rows
        else:
            at = pc.indices_nonzero(pc.equal(group, g[key])).to_pylist()
            mine = [rows[k] for k in at]
        parts = -(-len(mine) // per_sheet) or 1
        names: list[str] = []
        for part in range(parts):
            if part:  # "<first sheet's name> 2 of 3", cut to fit 31 characters
                suffix = f" {part + 1} of {parts}"
                ws = sheet(names[0][: 31 - len(suffix)].rstrip() + suffix)
            else:
                ws = sheet(str(g["name"]))
            names.append(ws.get_name())
            these = mine[part * per_sheet : (part + 1) * per_sheet]
            ws.write_row(0, 0, XLSX_COLUMNS, bold)
            _write_fault_rows(ws, these)
            ws.autofilter(0, 0, max(len(these), 1), len(XLSX_COLUMNS) - 1)
            ws.freeze_panes(1, 0)
            ws.set_column(7, 7, 70)
        on.append(names)
        if parts > 1:
            continued.append((names[0], names[1:]))
    if continued:  # the Summary says which sheets hold each group
        summary.write(2, 6, "sheets", bold)
        for i, names in enumerate(on, start=3):
            summary.write(i, 6, ", ".join(names))
        summary.set_column(6, 6, 40)
    wb.close()
    return continued


def _write_fault_rows(ws, rows: list[tuple]) -> None:
    """The fault rows from the sheet's second row on, each cell by its type's own method: what
    `write_row` chooses, without its per-cell dispatch (a large return has over a million
    faults: 61.7 against 67.2 CPU s for 1,149,120). An empty text is left blank, as
    `write_row` leaves it (`write_string` would write an empty string)."""
    by_type = {str: ws.write_string, int: ws.write_number, float: ws.write_number}
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if value == "":
                continue
            by_type.get(value.__class__, ws.write)(i, j, value)


def _xlsx_cells(faults: pa.Table, name: str) -> list:
    """A column's cells as the fault sheets write them: `neutral`, "" for none (or for a column
    the faults lack). Text is made `neutral` once per distinct value, in Arrow."""
    if name not in faults.column_names:
        return [""] * faults.num_rows
    column = faults.column(name)
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        encoded = (
            column.combine_chunks()
            if pa.types.is_dictionary(column.type)
            else pc.dictionary_encode(column.combine_chunks())
        )
        cells = _neutral_cells(encoded.dictionary).take(encoded.indices)
        return pc.fill_null(cells, "").to_pylist()
    return ["" if v is None else neutral(v) for v in column.to_pylist()]


def _groups_of(faults: pa.Table, key: str) -> pa.Array:
    """Each fault's fix-list group (`fixlists.group_of`), column-wise."""
    n = faults.num_rows
    owner = (
        faults.column(key).cast(pa.string()).combine_chunks()
        if key in faults.column_names
        else pa.nulls(n, pa.string())
    )
    owner = pc.if_else(pc.equal(owner, ""), pa.scalar(None, pa.string()), owner)  # blank: none
    owner = pc.fill_null(owner, UNALLOCATED)
    return pc.if_else(pc.is_null(faults.column("child").combine_chunks()), AUTHORITY_WIDE, owner)


def print_table(faults: pa.Table, result: RuleResult, notes: list[str], *, by: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    # A note names a file, a not-run line a table and its rule codes: each one line, unwrapped,
    # as given (no rich markup read in it).
    for note in notes:
        console.print(note, soft_wrap=True, markup=False)
    if result.rules_run:  # none: faults kept from an earlier check (`scorecard quality`)
        console.print(
            f"{len(result.rules_run)} rules run ({', '.join(result.returns) or 'no return found'}); "
            f"{faults.num_rows:,} faults"
        )
    for n in result.not_run:
        console.print(str(n), soft_wrap=True, markup=False)
    if by and faults.num_rows and "team" in faults.column_names:
        t = Table(by, "faults", "children", "measures affected", title=f"Fix list by {by}")
        for g in groups(faults, by):
            t.add_row(
                str(g["name"]),
                f"{g['faults']:,}",
                f"{g['children']:,}",
                str(g["measures_affected"]),
            )
        console.print(t)
    t = Table("rule", "return", "faults", "children", "message", title="Faults by rule")
    for r in _by_rule(faults):
        t.add_row(r["rule"], r["return"], f"{r['n']:,}", f"{r['children']:,}", r["message"])
    console.print(t)


def _by_rule(faults: pa.Table) -> list[dict]:
    """Per return and rule: its faults, its distinct children (no child counts as one) and the
    message of its first fault; most faults first, then in the order rules first appear.
    Counted in Arrow, not row by row (a million faults: seconds of Python)."""
    keys = pa.table(
        {
            "return": faults.column("return").cast(pa.string()),
            "rule": faults.column("rule").cast(pa.string()),
            "child": faults.column("child"),
            "_i": pa.array(range(faults.num_rows), pa.int64()),
        }
    )
    counted = keys.group_by(["return", "rule"], use_threads=False).aggregate(
        [([], "count_all"), ("child", "count_distinct", pc.CountOptions(mode="all")), ("_i", "min")]
    )
    first = counted.column("_i_min")
    counted = counted.append_column("message", faults.column("message").take(first))
    counted = counted.take(
        pc.sort_indices(counted, sort_keys=[("count_all", "descending"), ("_i_min", "ascending")])
    )
    return [
        {"return": r["return"], "rule": r["rule"], "n": r["count_all"],
         "children": r["child_count_distinct"], "message": r["message"]}
        for r in counted.to_pylist()
    ]  # fmt: skip


def write(
    faults: pa.Table,
    result: RuleResult,
    *,
    fmt: str,
    out: Path | None,
    notes: list[str],
    by: str | None = None,
) -> None:
    if fmt == "table":
        print_table(faults, result, notes, by=by)
        return
    if fmt == "xlsx":
        if out is None:
            raise typer.BadParameter("--format xlsx needs --out FILE.xlsx")
        continued = to_xlsx(faults, out, by=by)
        typer.echo(f"wrote {faults.num_rows:,} faults to {out}", err=True)
        if continued:  # never silently: the reader must look past the first sheet
            sheets = "; ".join(
                f'"{first}" continued on ' + ", ".join(f'"{m}"' for m in more)
                for first, more in continued
            )
            typer.echo(
                f"more faults than an Excel sheet holds ({XLSX_SHEET_ROWS - 1:,}): {sheets}",
                err=True,
            )
        return
    if fmt == "csv":
        pieces = csv_bytes(faults)
    else:
        pieces = json_bytes(faults, result, notes)
    if out is None:
        stream = typer.get_binary_stream("stdout")
        for piece in pieces:
            stream.write(piece)
        stream.flush()
    else:
        with out.open("wb") as fh:
            for piece in pieces:
                fh.write(piece)
        typer.echo(f"wrote {faults.num_rows:,} faults to {out}", err=True)
    for note in [*notes, *map(str, result.not_run)]:
        typer.echo(note, err=True)
