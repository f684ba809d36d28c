"""Ofsted ILACS Annex A workbook (lists 1-11) into canonical tables (standards.md section 3).

One workbook is one return: one `LoadBatch` covering the six months before its extract date.
Which list column feeds which canonical column is declared in `specs/annex_a.yaml`; the reader
only finds the lists and their header rows, turns Ofsted's coded cells ("a) WBRI", "q) 6: Police")
back into codes (`annex_a_lists`), and joins what several lists say about one record (a child's
demographics on every list; a referral on lists 3 and 6: `annex_a_join`).

The extract date is taken from the file name when it carries one (`annex_a_2022-06-30.xlsx`, as
the synthetic writer names it), otherwise it is the latest event date in the workbook that is not
in the future: the lists hold events up to the day they were run. `year=` is not used.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.ingest import fields
from csc_scorecard.ingest.adapter import head
from csc_scorecard.ingest.fields import Converted, TableSpec, _all_text, convert
from csc_scorecard.ingest.formats.annex_a_join import (
    distinct_children,
    join_referrals,
    one_row_per_child,
)
from csc_scorecard.ingest.formats.annex_a_lists import (
    CHILD_LISTS,
    SOURCE_FORMAT,
    ListData,
    ListLayout,
    each_distinct,
    layouts,
    list_sheets,
    read_list,
)
from csc_scorecard.ingest.values import clean
from csc_scorecard.ingest.workbook import cell_issues
from csc_scorecard.model.batch import FormatError, Issue, LoadBatch

SUFFIXES = {".xlsx", ".xlsm", ".xls"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
PERIOD_MONTHS = 6  # "in the six months before the inspection" (S4, DATEADD(MONTH, -6, ...))

_FILE_NAME = re.compile(r"annex[\s_-]*a", re.IGNORECASE)
_FILE_DATE = re.compile(r"(?<!\d)(\d{4})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])(?!\d)")


# -- the extract date ------------------------------------------------------------------------


def months_before(d: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's end.

    >>> months_before(date(2022, 6, 30), 6), months_before(date(2022, 8, 31), 6)
    (datetime.date(2021, 12, 30), datetime.date(2022, 2, 28))
    """
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def file_date(path: Path) -> date | None:
    """An ISO-like date in the file name (annex_a_2022-06-30.xlsx, AnnexA_20220630.xlsx)."""
    for match in _FILE_DATE.finditer(path.stem):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def latest_event_date(tables: dict[str, pa.Table], today: date | None = None) -> date | None:
    """The latest date in the event tables that is not after today (dates of birth excluded)."""
    today = today or date.today()
    best = None
    for name, t in tables.items():
        if name == "children":
            continue
        for col in t.columns:
            if pa.types.is_date(col.type):
                kept = pc.filter(col, pc.less_equal(col, pa.scalar(today, pa.date32())))
                value = pc.max(kept).as_py() if len(kept) else None
                if value is not None and (best is None or value > best):
                    best = value
    return best


# -- the adapter -----------------------------------------------------------------------------


class AnnexAAdapter:
    name = SOURCE_FORMAT

    def sniff(self, path: Path) -> bool:
        if path.suffix.lower() not in SUFFIXES:
            return False
        if _FILE_NAME.search(path.name):
            return True
        if not head(path, 8).startswith((ZIP_MAGIC, OLE_MAGIC)):
            return False
        try:
            import fastexcel

            names = fastexcel.read_excel(str(path)).sheet_names
        except Exception:  # noqa: BLE001 - sniffing must never raise
            return False
        try:
            return len(list_sheets(path, names)) >= 2
        except FormatError:  # duplicate list sheets: claim it, so that read() explains why not
            return True

    def read(self, paths: list[Path], *, la_code: str | None, year: int | None) -> list[LoadBatch]:
        return [read_workbook(p, la_code=la_code) for p in paths]


def read_workbook(path: Path, *, la_code: str | None, today: date | None = None) -> LoadBatch:
    """One Annex A workbook as one load."""
    reader, sheets = _open(path, la_code)
    file = str(path)
    read: list[tuple[ListLayout, ListData | None, list[Issue]]] = []
    for n in CHILD_LISTS:
        if n not in sheets:
            continue
        layout = layouts()[n]
        data = read_list(reader, path, sheets[n], layout)
        if data is None:
            empty = Issue(
                "empty_list", f"list {n} has no rows", file=file, sheet=sheets[n], severity="info"
            )
            read.append((layout, None, [empty]))
            continue
        found = []
        if path.suffix.lower() != ".xls":
            found = cell_issues(
                path,
                data.sheet,
                sheet_name=data.sheet,
                field_of=data.columns.get,
                after_row=data.header_row,
            )
        read.append((layout, data, found))
    lists = [data for _, data, _ in read if data is not None]
    children = iter(_children(lists, layouts()[1].tables["children"], file))
    converted: dict[str, list[tuple[pa.Table, str]]] = {}
    issues: list[Issue] = []
    for layout, data, found in read:
        issues.extend(found)
        if data is not None:
            _convert_list(data, layout, file, next(children), converted, issues)
    tables = _joined(converted, sheets, file, issues)

    as_at = file_date(path) or latest_event_date(tables, today)
    if as_at is None:
        raise FormatError(
            path,
            "cannot tell the extract date (no dated rows): name the file annex_a_YYYY-MM-DD.xlsx",
        )
    if "care_leaver_plans" in tables:
        plans = tables["care_leaver_plans"]
        tables["care_leaver_plans"] = plans.append_column(
            "as_at_date", pa.array([as_at] * plans.num_rows, pa.date32())
        )
    return LoadBatch(
        source_format=SOURCE_FORMAT,
        la_code=la_code,
        period_start=months_before(as_at, PERIOD_MONTHS),
        period_end=as_at,
        files=[file],
        tables=tables,
        issues=_once_per_cell(issues),
    )


def _open(path: Path, la_code: str | None):
    """The workbook's reader and its list sheets (list number -> sheet name); refused when it
    is not an Excel workbook, holds no list sheets, or no authority code is given."""
    import fastexcel

    if not head(path, 8).startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise FormatError(path, "is not an Excel workbook (expected an .xlsx Annex A return)")
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except Exception as err:  # noqa: BLE001 - fastexcel raises its own types for corrupt files
        from csc_scorecard.ingest.workbook import reader_failure

        raise FormatError(
            path, f"cannot be opened as an Excel workbook; is it complete? ({reader_failure(err)})"
        ) from None
    sheets = list_sheets(path, names)
    if not any(n in sheets for n in CHILD_LISTS):
        raise FormatError(
            path, f"has no Annex A list sheets ('List 1' ... 'List 10'); its sheets are {names}"
        )
    if la_code is None:
        raise FormatError(path, "Annex A workbooks carry no authority code: pass --la CODE")
    return reader, sheets


def _convert_list(
    data: ListData,
    layout: ListLayout,
    file: str,
    children: Converted,
    converted: dict[str, list[tuple[pa.Table, str]]],
    issues: list[Issue],
) -> None:
    """One list's records typed into each spec table it feeds (its children's given, typed
    with every list's: `_children`), added to ``converted`` (canonical table -> (rows, sheet)
    per list) and their issues to ``issues``."""
    for name, spec in layout.tables.items():
        cells = data.cells
        if name == "children":
            converted.setdefault(spec.canonical, []).append((children.rows, data.sheet))
            issues.extend(children.issues)
            continue
        if layout.secondary(name):
            # A secondary table's row exists only where its event date is filled.
            needed = [src for src, f in spec.columns.items() if f.required and f.to != "child_id"]
            filled = np.ones(cells.num_rows, bool)
            for src in needed:
                if src not in cells.column_names:
                    filled[:] = False
                else:
                    filled &= each_distinct(cells[src], lambda v: clean(v) is not None)
            cells = cells.filter(pa.array(filled))
        result = _typed(
            cells, spec, file=file, sheet=data.sheet, check_duplicates=name != "children"
        )
        converted.setdefault(spec.canonical, []).append((result.rows, data.sheet))
        issues.extend(result.issues)


def _children(lists: list[ListData], spec: TableSpec, file: str) -> list[Converted]:
    """Each list's distinct demographics (`distinct_children`), typed together in one go (one
    query rather than one a list; a cell's value and findings depend on its text alone), then
    given back to their lists with their own rows and sheets."""
    parts = [distinct_children(data.cells, spec) for data in lists]
    if not parts:
        return []
    names = list(dict.fromkeys(n for p in parts for n in p.column_names if n != "source_row"))
    ends = np.cumsum([len(p) for p in parts])
    starts = [0, *ends[:-1].tolist()]
    # stacked, each record's source_row is its place; its own row and sheet are put back below
    stacked = pa.concat_tables(
        [
            pa.table(
                {
                    **{
                        n: p.column(n) if n in p.column_names else pa.nulls(len(p), pa.string())
                        for n in names
                    },
                    "source_row": pa.array(np.arange(start, start + len(p)), pa.int64()),
                }
            )
            for p, start in zip(parts, starts, strict=True)
        ]
    )
    typed = _typed(stacked, spec, file=file, sheet=None, check_duplicates=False)
    rows = pa.concat_arrays([p.column("source_row").combine_chunks() for p in parts])
    place = typed.rows.column("source_row")
    own = rows.take(place.cast(pa.int64())).cast(place.type)
    table = typed.rows.set_column(typed.rows.column_names.index("source_row"), "source_row", own)
    found: list[list[Issue]] = [[] for _ in parts]
    for issue in typed.issues:
        n = int(np.searchsorted(ends, issue.row, side="right"))
        found[n].append(replace(issue, sheet=lists[n].sheet, row=rows[issue.row].as_py()))
    return [
        Converted(table.slice(start, len(p)), issues)
        for start, p, issues in zip(starts, parts, found, strict=True)
    ]


def _typed(cells: pa.Table, spec, *, file: str, sheet: str, check_duplicates: bool) -> Converted:
    """`convert` of the records the cells hold. A list's cells are all text, so where `convert`
    would type the records a column at a time (enough of them, no two field names alike) they
    go to the column engine as they are, not as a dict a record and back."""
    names = [n for n in cells.column_names if n != "source_row"]
    if len(cells) >= fields.COLUMNAR_FROM_ROWS and _all_text([(0, dict.fromkeys(names))]):
        from csc_scorecard.ingest.columns import convert_columns  # as `convert` imports it

        return convert_columns(
            cells.select([*names, "source_row"]),
            spec,
            file=file,
            sheet=sheet,
            check_duplicates=check_duplicates,
        )
    rows = cells.column("source_row").to_pylist()
    values = [cells.column(n).to_pylist() for n in names]
    records = [(row, dict(zip(names, cell, strict=True))) for row, *cell in zip(rows, *values)]
    return convert(records, spec, file=file, sheet=sheet, check_duplicates=check_duplicates)


def _joined(
    converted: dict[str, list[tuple[pa.Table, str]]],
    sheets: dict[int, str],
    file: str,
    issues: list[Issue],
) -> dict[str, pa.Table]:
    """One table per canonical table from the lists that feed it: children one row per child
    (their disagreements added to ``issues``), referrals one row per episode, the rest stacked."""
    tables: dict[str, pa.Table] = {}
    for canonical, parts in converted.items():
        if canonical == "children":
            tables[canonical], found = one_row_per_child(parts, file)
            issues.extend(found)
        elif canonical == "referrals":
            by_sheet = {sheet: rows for rows, sheet in parts}
            tables[canonical] = join_referrals(
                by_sheet.get(sheets.get(3)), by_sheet.get(sheets.get(6))
            )
        else:
            tables[canonical] = pa.concat_tables([rows for rows, _ in parts])
    return tables


def _once_per_cell(issues: list[Issue]) -> list[Issue]:
    """A cell read into two tables (a list's main and secondary table, or the demographics) is
    one finding, not two."""
    seen: set[tuple] = set()
    out = []
    for i in issues:
        key = (i.rule, i.sheet, i.row, i.field, i.value)
        if i.row is None or key not in seen:
            seen.add(key)
            out.append(i)
    return out


ADAPTER = AnnexAAdapter()
