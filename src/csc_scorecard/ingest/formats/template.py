"""csc-scorecard's own CSV/XLSX templates, one file per canonical table (`specs/templates.yaml`).

A template's headers are the canonical column names, so the field spec is derived from
`tables.yaml` rather than written twice. A file is recognised by its name (`teams.csv`,
`budget_lines_2022.xlsx`) or, failing that, by a header holding every key column of exactly one
template table.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import cache
from importlib import resources
from operator import itemgetter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest import fields
from csc_scorecard.ingest.adapter import head
from csc_scorecard.ingest.columns import convert_columns
from csc_scorecard.ingest.fields import (
    FieldSpec,
    TableSpec,
    convert,
    duplicated_column,
    missing_fields,
    unknown_columns,
)
from csc_scorecard.ingest.formats.csv_rows import decode, parse_rows, plain_columns
from csc_scorecard.ingest.values import clean
from csc_scorecard.ingest.workbook import cell_issues
from csc_scorecard.model.batch import FormatError, LoadBatch
from csc_scorecard.model.packaged import parse_yaml
from csc_scorecard.model.schema import table

TYPES = {"VARCHAR": "text", "DATE": "date", "INTEGER": "int", "DOUBLE": "float", "BOOLEAN": "bool"}
SUFFIXES = {".csv", ".xlsx"}


@cache
def template_specs() -> dict[str, TableSpec]:
    """The field spec of every template table, derived from tables.yaml."""
    raw = parse_yaml(
        resources.files("csc_scorecard.ingest").joinpath("specs", "templates.yaml").read_text()
    )
    specs = {}
    for name, extra in raw["tables"].items():
        t = table(name)
        required = set(extra.get("required", t.key))
        columns = {
            c.name: FieldSpec(
                to=c.name,
                type=TYPES[c.type],
                required=c.name in required,
                codes=extra.get("codes", {}).get(c.name),
                min=extra.get("ranges", {}).get(c.name, (None, None))[0],
                max=extra.get("ranges", {}).get(c.name, (None, None))[1],
                not_future=c.name == "date_of_birth",
            )
            for c in t.data_columns
        }
        specs[name] = TableSpec(
            canonical=name,
            columns=columns,
            description=t.description,
            required_fields=extra.get("header"),
        )
    return specs


def table_for(path: Path, header: list[str] | None = None) -> str | None:
    """The template table a file holds, from its name or else its header."""
    stem = re.sub(r"[_-]?\d{4}([_-]\d{2}){0,2}$", "", path.stem.lower())
    if stem in template_specs():
        return stem
    if header is None:
        return None
    cols = {h.strip().lower() for h in header}
    matches = [n for n, s in template_specs().items() if set(s.must_have()) <= cols]
    return matches[0] if len(matches) == 1 else None


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict]], str | None]:
    """Header, (line number, record) pairs and sheet name of a CSV or the first XLSX sheet."""
    header, rows, sheet = _read_lines(path)
    return header, rows.records() if isinstance(rows, CsvLines) else rows, sheet


def _read_lines(path: Path) -> tuple[list[str], list[tuple[int, dict]] | CsvLines, str | None]:
    """`_read_rows`, but a CSV's rows as the cells of each line (`CsvLines`)."""
    if path.suffix.lower() == ".xlsx":
        import fastexcel

        try:
            reader = fastexcel.read_excel(str(path))
            sheet = reader.sheet_names[0]
            # No header row: the reader would rename a repeated column ("start_date_1").
            data = reader.load_sheet(0, header_row=None, dtypes="string").to_arrow()
        except Exception as err:  # noqa: BLE001 - fastexcel raises several error types for corrupt files
            from csc_scorecard.ingest.workbook import reader_failure

            raise FormatError(
                path, f"cannot be read as an Excel workbook ({reader_failure(err)})"
            ) from None
        if not data.num_rows or not data.num_columns:
            raise FormatError(path, "is empty (no header row)", sheet=sheet, line=1)
        header = ["" if c[0].as_py() is None else str(c[0].as_py()) for c in data.columns]
        _refuse_repeated_column(path, header, sheet)
        # the rows below the header with any cell not empty, kept as the sheet's columns
        cells = [c.slice(1).cast(pa.string()) for c in data.columns]
        filled = np.zeros(data.num_rows - 1, bool)
        for c in cells:
            filled |= pc.fill_null(pc.greater(pc.binary_length(c), 0), False).to_numpy(
                zero_copy_only=False
            )
        at = pa.array(np.flatnonzero(filled), pa.int64())
        split = pa.table(
            {
                **{f"c{i}": c.take(at) for i, c in enumerate(cells)},
                "source_row": pc.add(at, 2),
            }
        )
        return header, CsvLines(header, split=split), sheet
    text = decode(path)
    if (plain := plain_columns(text)) is not None:  # split by Arrow: no row wider than the header
        header, split = plain
        _refuse_repeated_column(path, header, None)
        return header, CsvLines(header, split=split), None
    header, cells = parse_rows(path, text)
    if header is None:
        raise FormatError(path, "is empty (no header row)", line=1)
    _refuse_repeated_column(path, header, None)
    for line_no, row in cells:
        if len(row) > len(header):
            raise FormatError(
                path, f"has {len(row)} cells but the header has {len(header)}", line=line_no
            )
    return header, CsvLines(header, cells), None


class CsvLines:
    """A CSV template's rows as read: (line number, cells), none longer than the header; or,
    for a plain file (`csv_rows.plain_columns`) and a workbook's sheet, already split into
    columns (`split`: `c0`, `c1`, ... and `source_row`), every row as wide as the header."""

    def __init__(
        self,
        header: list[str],
        lines: list[tuple[int, list[str]]] | None = None,
        *,
        split: pa.Table | None = None,
    ) -> None:
        self.header = header
        self.lines = lines
        self.split = split

    def records(self) -> list[tuple[int, dict]]:
        """(line number, {column: cell}) pairs, a short line holding its first columns."""
        if self.split is not None:
            cells = zip(*(c.to_pylist() for c in self.split.columns[:-1]), strict=True)
            numbers = self.split.column("source_row").to_pylist()
            return [
                (n, dict(zip(self.header, row, strict=True)))
                for n, row in zip(numbers, cells, strict=True)
            ]
        return [(n, dict(zip(self.header, row, strict=False))) for n, row in self.lines]

    def columns(self) -> pa.Table | None:
        """The cells as the text columns `columns.convert_columns` takes (`columns.cells_of`
        of `records()`, without a dict per line), when `fields.convert` would type them by
        column: enough lines, and column names distinct however written (else None: convert
        the records)."""
        count = self.split.num_rows if self.split is not None else len(self.lines)
        if count < fields.COLUMNAR_FROM_ROWS:
            return None
        if self.split is not None:
            width = len(self.header)
        else:
            width = max(map(len, map(itemgetter(1), self.lines)))
        names = self.header[:width]  # the columns some line holds, in the header's order
        folded = {str(n).strip().lower() for n in names}
        if len(set(names)) != len(names) or len(folded) != len(names) or "source_row" in folded:
            return None
        if self.split is not None:
            return self.split.rename_columns([*names, "source_row"])
        pad = [None] * width
        rows = [row if len(row) == width else row + pad[len(row) :] for _, row in self.lines]
        columns = zip(*rows, strict=True) if rows else ()
        return pa.table(
            {
                **{n: pa.array(c, pa.string()) for n, c in zip(names, columns, strict=True)},
                "source_row": pa.array(list(map(itemgetter(0), self.lines)), pa.int64()),
            }
        )


def _refuse_repeated_column(path: Path, header: list[str], sheet: str | None) -> None:
    if dup := duplicated_column(header):
        raise FormatError(
            path,
            f"names column {dup} more than once (one copy would silently replace the other)",
            sheet=sheet,
            line=1,
            field=dup,
        )


class TemplateAdapter:
    name = "template"
    one_file_per_load = True

    def sniff(self, path: Path) -> bool:
        if path.suffix.lower() not in SUFFIXES:
            return False
        if table_for(path) is not None:
            return True
        if path.suffix.lower() == ".csv":
            first = head(path).decode("utf-8-sig", errors="replace").splitlines()[:1]
            try:
                return bool(first) and table_for(path, next(csv.reader(first))) is not None
            except csv.Error:  # sniffing never raises: the file is simply not a template
                return False
        return False

    def read(self, paths: list[Path], *, la_code: str | None, year: int | None) -> list[LoadBatch]:
        return [self._read_one(p, la_code) for p in paths]

    def _read_one(self, path: Path, la_code: str | None) -> LoadBatch:
        header, rows, sheet = _read_lines(path)
        name = table_for(path, header)
        if name is None:
            raise FormatError(path, "does not match any csc-scorecard template", sheet=sheet)
        spec = template_specs()[name]
        if missing := missing_fields(header, spec):
            raise FormatError(
                path,
                f"template {name} needs columns {missing}",
                sheet=sheet,
                line=1,
                field=missing[0],
            )
        if la_code is None:
            raise FormatError(
                path, "templates carry no authority code: pass --la CODE", sheet=sheet
            )
        cells = rows.columns() if isinstance(rows, CsvLines) and name != "manual_values" else None
        if cells is not None:
            converted = convert_columns(cells, spec, file=str(path), sheet=sheet)
        else:
            if isinstance(rows, CsvLines):
                rows = rows.records()
            if name == "manual_values":
                rows = [(n, _manual_value(rec)) for n, rec in rows]
            converted = convert(rows, spec, file=str(path), sheet=sheet)
        converted.issues.extend(
            unknown_columns(header, spec.columns, table=name, file=str(path), sheet=sheet)
        )
        if sheet is not None:
            known = {k.lower() for k in spec.columns}
            converted.issues.extend(
                cell_issues(
                    path,
                    0,
                    sheet_name=sheet,
                    table=name,
                    field_of=lambda i: (
                        header[i]
                        if i < len(header) and header[i].strip().lower() in known
                        else None
                    ),
                )
            )
        start, end = _date_range(converted.rows, table(name).key)
        # A reload replaces the earlier load of the same span; with no dates in the key (teams,
        # manual values) it replaces the earlier load of the same file name.
        source = f"template:{name}" if start else f"template:{name}:{path.name}"
        return LoadBatch(
            source_format=source,
            la_code=la_code,
            period_start=start,
            period_end=end,
            files=[str(path)],
            tables={name: converted.rows},
            issues=converted.issues,
            # A manual value is one fact: a new file merges by (measure, period), replacing
            # each value it gives whole and keeping the rest (issue 12, items 13-14).
            merge_by_key=name == "manual_values",
        )


def changes_nothing(batch: LoadBatch) -> bool:
    """A manual-values file holding no value (its header alone, as a template folder keeps it
    between uses): merged by key, it would change no stored value, yet be recorded as a load
    of 0 rows at every ingest of the folder. `scorecard ingest` (unless --replace: then it
    clears what the earlier file of its name gave) and the dashboard's upload leave it out and
    say so. A file with rows (a blank value clears one) is loaded."""
    return batch.merge_by_key and batch.row_count == 0 and not batch.issues


def _manual_value(record: dict) -> dict:
    """Keep the value as written; derive a number when it reads as one ("16.27%", "1,182")."""
    lowered = {str(k).strip().lower(): v for k, v in record.items()}
    text = clean(lowered.get("value"))
    out = dict(record)
    out.pop("value", None)
    out.pop("Value", None)
    out["value_text"] = text
    number = re.fullmatch(r"[£]?\s*(-?[\d,]*\.?\d+)\s*%?", text or "")
    out["value"] = number[1].replace(",", "") if number else None
    return out


def _date_range(rows: pa.Table, key: tuple[str, ...]) -> tuple[date | None, date | None]:
    """The span of the key's date column: a later file for another span adds, not replaces."""
    for k in key:
        if k in rows.column_names and pa.types.is_date(rows.column(k).type) and rows.num_rows:
            lo, hi = pc.min(rows.column(k)).as_py(), pc.max(rows.column(k)).as_py()
            return lo, hi
    return None, None


ADAPTER = TemplateAdapter()
