"""Ofsted ILACS Annex A workbook (lists 1-11) into canonical tables (standards.md section 3).

One workbook is one return: one `LoadBatch` covering the six months before its extract date.
Which list column feeds which canonical column is declared in `specs/annex_a.yaml`; this module
only finds the lists and their header rows, turns Ofsted's coded cells ("a) WBRI", "q) 6: Police")
back into codes, and joins what several lists say about one record (a child's demographics on
every list; a referral on lists 3 and 6).

The extract date is taken from the file name when it carries one (`annex_a_2022-06-30.xlsx`, as
the synthetic writer names it), otherwise it is the latest event date in the workbook that is not
in the future: the lists hold events up to the day they were run. `year=` is not used.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from defusedxml import ElementTree as SafeET

from csc_scorecard.ingest.adapter import head
from csc_scorecard.ingest.fields import FieldSpec, TableSpec, convert, load_spec, missing_fields
from csc_scorecard.ingest.formats.annex_a_template import heading_aliases
from csc_scorecard.ingest.values import clean
from csc_scorecard.ingest.workbook import cell_issues, sheet_xml
from csc_scorecard.model.batch import FormatError, Issue, LoadBatch
from csc_scorecard.model.codes import codes

SOURCE_FORMAT = "annex_a"
SUFFIXES = {".xlsx", ".xlsm", ".xls"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
CHILD_LISTS = range(1, 11)  # lists 1-10 describe children; list 11 describes adopters
HEADER_SCAN_ROWS = 30  # title and guidance rows above the header, as some templates have
PERIOD_MONTHS = 6  # "in the six months before the inspection" (S4, DATEADD(MONTH, -6, ...))
# List 9 splits the OC3 ACCOM code into a type letter and a suitability column (standards.md 3).
ACCOMMODATION = "Type of Accommodation"
SUITABILITY = "suitabilityofaccommodation"

_LIST_SHEET = re.compile(r"^\s*(?:list|l)\s*[-_.]?\s*(\d{1,2})(?!\d)", re.IGNORECASE)
_FILE_NAME = re.compile(r"annex[\s_-]*a", re.IGNORECASE)
_FILE_DATE = re.compile(r"(?<!\d)(\d{4})[-_]?(0[1-9]|1[0-2])[-_]?(0[1-9]|[12]\d|3[01])(?!\d)")
_OPTION = re.compile(r"^[a-z]{1,2}\d?\)\s*", re.IGNORECASE)  # "a) ", "p1) ", "zz) "
_CODE_LABEL = re.compile(r"^(\S+?)\s*(?::|\s[-\u2013]\s)\s*\S")  # "6: Police", "N1 - Abuse"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def squash(text: object) -> str:
    """A heading reduced to lower-case letters and digits, for matching."""
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


# -- what the spec says about each list ------------------------------------------------------


@dataclass(frozen=True)
class ListLayout:
    """The spec tables one list feeds, and the headings that name their fields."""

    number: int
    tables: dict[str, TableSpec]  # spec table name -> spec, `children` first
    headings: dict[str, str]  # squashed heading or alias -> spec field name
    fields: dict[str, FieldSpec]  # spec field name -> its spec (first table that names it)

    def secondary(self, name: str) -> bool:
        """`List 7 visits` is drawn from list 7 only where its event date is filled."""
        return name not in ("children", f"List {self.number}")


@cache
def layouts() -> dict[int, ListLayout]:
    spec = load_spec(SOURCE_FORMAT)
    aliases = heading_aliases()
    out = {}
    for n in CHILD_LISTS:
        tables = {"children": spec.tables["children"]}
        tables |= {k: t for k, t in spec.tables.items() if re.fullmatch(rf"List {n}( .+)?", k)}
        fields: dict[str, FieldSpec] = {}
        headings: dict[str, str] = {}
        for t in tables.values():
            for src, f in t.columns.items():
                fields.setdefault(src, f)
                headings.setdefault(squash(src), src)
                for alias in aliases.get(src, []):
                    headings.setdefault(squash(alias), src)
        out[n] = ListLayout(n, tables, headings, fields)
    return out


def list_sheets(path: Path, sheet_names: Iterable[str]) -> dict[int, str]:
    """List number -> sheet name ("List 3", "List 3 - Referrals", "L3 referrals")."""
    found: dict[int, str] = {}
    for name in sheet_names:
        match = _LIST_SHEET.match(name)
        if not match or not 1 <= int(match[1]) <= 11:
            continue
        n = int(match[1])
        if n in found:
            raise FormatError(
                path, f"two sheets look like list {n}: {found[n]!r} and {name!r}; remove one"
            )
        found[n] = name
    return found


# -- reading cells ---------------------------------------------------------------------------


def option_value(raw: object, f: FieldSpec) -> str | None:
    """An Ofsted coded or yes/no cell as the code the spec expects.

    >>> option_value("q) 6: Police", FieldSpec(to="x", codes="referral_source"))
    '6'
    >>> option_value("b) Female", FieldSpec(to="x")), option_value("c) Unknown", FieldSpec(to="x", type="bool"))
    ('Female', None)
    """
    text = clean(raw)
    if text is None:
        return None
    text = _OPTION.sub("", text, count=1).strip()
    if f.type == "bool":
        return None if text.lower() in ("", "unknown", "not known") else text
    if (match := _CODE_LABEL.match(text)) and f.codes:
        code = match[1].upper() if f.upper else match[1]
        if code in codes(f.codes) or code in f.map:
            return match[1]
    return text or None


def accommodation(kind: object, suitability: object) -> str | None:
    """OC3 ACCOM code from list 9's two columns: letter + 1 (suitable) or 2 (unsuitable).

    >>> accommodation("U: Independent living", "a) Suitable"), accommodation("Y", "b) Unsuitable")
    ('U1', 'Y2')
    """
    text = clean(kind)
    if text is None:
        return None
    text = _OPTION.sub("", text, count=1).strip()
    if match := _CODE_LABEL.match(text):
        text = match[1]
    if len(text) != 1:  # already a full ACCOM code, or something else: leave it to the code check
        return text
    suit = (clean(suitability) or "").lower()
    suit = _OPTION.sub("", suit, count=1).strip()
    if suit in ("1", "suitable", "yes", "y"):
        return text + "1"
    if suit in ("2", "unsuitable", "not suitable", "no", "n"):
        return text + "2"
    return text


def _first_value_row(path: Path, sheet: str) -> int:
    """Worksheet row (1-based) of the first cell with a value: the spreadsheet reader drops the
    empty rows above it, and issues must name the row an analyst sees in Excel."""
    try:
        with sheet_xml(path, sheet) as fh:
            for _event, el in SafeET.iterparse(fh, events=("end",)):
                if el.tag == f"{{{_MAIN}}}c" and (
                    el.find(f"{{{_MAIN}}}v") is not None or el.find(f"{{{_MAIN}}}is") is not None
                ):
                    return int(re.sub(r"^[A-Z]+", "", el.get("r", "A1")) or 1)
    except Exception:  # noqa: BLE001 - any oddity just means we cannot correct the offset
        return 1
    return 1


def _sheet_rows(reader, path: Path, sheet: str) -> tuple[int, list[tuple]]:
    """(worksheet row of the first row, rows of cell text) of one sheet, every cell as a string."""
    try:
        data = reader.load_sheet(sheet, header_row=None, dtypes="string").to_arrow()
    except Exception as err:  # noqa: BLE001 - fastexcel's error types for unreadable sheets
        raise FormatError(path, f"cannot read the sheet ({err})", sheet=sheet) from None
    columns = [c.to_pylist() for c in data.columns]
    rows = list(zip(*columns, strict=True)) if columns else []
    first = _first_value_row(path, sheet) if path.suffix.lower() != ".xls" and rows else 1
    return first, rows


def _find_header(path: Path, sheet: str, rows: list[tuple], layout: ListLayout) -> int:
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = sum(1 for cell in row if cell is not None and squash(cell) in layout.headings)
        if score > best_score:
            best, best_score = i, score
    if best_score < 2:
        raise FormatError(
            path,
            f"no header row for list {layout.number} in the first {HEADER_SCAN_ROWS} rows "
            "(expected headings such as 'Child Unique ID')",
            sheet=sheet,
        )
    return best


@dataclass
class ListData:
    number: int
    sheet: str
    records: list[tuple[int, dict]]
    header_row: int = 1  # worksheet row of the headings
    columns: dict[int, str] = field(default_factory=dict)  # reader column -> field read from it


def _read_list(reader, path: Path, sheet: str, layout: ListLayout) -> ListData | None:
    first_row, rows = _sheet_rows(reader, path, sheet)
    if not any(clean(c) is not None for row in rows for c in row):
        return None  # an empty sheet: the authority had nothing to list
    h = _find_header(path, sheet, rows, layout)
    columns: dict[int, str] = {}
    for i, cell in enumerate(rows[h]):
        field = layout.headings.get(squash(cell)) if cell is not None else None
        if field and field not in columns.values():
            columns[i] = field
    present = list(columns.values())
    for name, spec in layout.tables.items():
        if missing := missing_fields(present, spec):
            raise FormatError(
                path,
                f"list {layout.number} has no {missing[0]!r} column (needed for {spec.canonical})",
                sheet=sheet,
                line=first_row + h,
                field=missing[0],
            )
    coded = [(i, name, layout.fields[name]) for i, name in columns.items()]
    coded = [(i, name, f, {}) for i, name, f in coded if f.type == "bool" or f.codes or f.map]
    suitability = next((i for i, c in enumerate(rows[h]) if c and squash(c) == SUITABILITY), None)
    records = []
    for offset, row in enumerate(rows[h + 1 :], start=h + 1):
        if not any(c and not c.isspace() for c in row):
            continue
        record = {field: row[i] for i, field in columns.items()}
        for i, name, f, seen in coded:
            if name == ACCOMMODATION:
                record[name] = accommodation(
                    row[i], row[suitability] if suitability is not None else None
                )
                continue
            # Coded columns hold few distinct values: decode each once.
            raw = row[i]
            if raw not in seen:
                seen[raw] = option_value(raw, f)
            record[name] = seen[raw]
        records.append((first_row + offset, record))
    return ListData(layout.number, sheet, records, first_row + h, columns)


# -- joining lists ---------------------------------------------------------------------------


def _distinct_children(records: list[tuple[int, dict]], spec: TableSpec) -> list[tuple[int, dict]]:
    """A list's rows reduced to the first row of each distinct demographic record: a child with
    ten contacts is described, and any fault in the description reported, once per list."""
    fields = list(spec.columns)
    seen: set[tuple] = set()
    out = []
    for row, rec in records:
        key = tuple(rec.get(f) for f in fields)
        if key not in seen:
            seen.add(key)
            out.append((row, rec))
    return out


def _one_row_per_child(
    parts: list[tuple[pa.Table, str]], file: str
) -> tuple[pa.Table, list[Issue]]:
    """Children's demographics from every list, one row per child: the first list that fills a
    column wins; a child described differently on two lists is a data-quality warning."""
    heading = {f.to: src for src, f in load_spec(SOURCE_FORMAT).tables["children"].columns.items()}
    merged: dict[str, dict] = {}
    found_on: dict[tuple[str, str], str] = {}  # (child, column) -> sheet its value came from
    issues: list[Issue] = []
    for rows, sheet in parts:
        for rec in rows.to_pylist():
            child = rec["child_id"]
            if child is None:
                continue
            have = merged.setdefault(child, {"child_id": child, "source_row": rec["source_row"]})
            for col, value in rec.items():
                if col in ("child_id", "source_row") or value is None:
                    continue
                old = have.get(col)
                if old is None:
                    have[col] = value
                    found_on[(child, col)] = sheet
                elif old != value:
                    issues.append(
                        Issue(
                            rule="inconsistent_value",
                            message=f"{heading[col]} is {value} here but {old} on "
                            f"{found_on[(child, col)]!r}",
                            table="children",
                            file=file,
                            sheet=sheet,
                            row=rec["source_row"],
                            child_id=child,
                            field=heading[col],
                            value=str(value),
                            severity="warning",
                        )
                    )
    schema = parts[0][0].schema
    records = [{c: m.get(c) for c in schema.names} for m in merged.values()]
    return pa.Table.from_pylist(records, schema=schema), issues


def _join_referrals(list3: pa.Table | None, list6: pa.Table | None) -> pa.Table:
    """One referrals row per episode: list 3 gives source and NFA, list 6 need and closure.

    A list 6 episode and a list 3 referral with the same child and referral date are one record;
    each list 6 row takes at most one list 3 row, so duplicates inside a list stay visible.
    """
    parts = [t for t in (list6, list3) if t is not None]
    if len(parts) == 1:
        return parts[0]
    names = list(dict.fromkeys(list6.column_names + list3.column_names))
    out = [{c: r.get(c) for c in names} for r in list6.to_pylist()]
    open_by_key: dict[tuple, list[dict]] = {}
    for row in out:
        if row["referral_date"] is not None:
            open_by_key.setdefault((row["child_id"], row["referral_date"]), []).append(row)
    for r in list3.to_pylist():
        waiting = open_by_key.get((r["child_id"], r["referral_date"]))
        if r["referral_date"] is not None and waiting:
            target = waiting.pop(0)
            for c in list3.column_names:
                if c != "source_row":
                    target[c] = r[c]
        else:
            out.append({c: r.get(c) for c in names})
    schema = pa.schema(
        [list6.schema.field(c) if c in list6.column_names else list3.schema.field(c) for c in names]
    )
    return pa.Table.from_pylist(out, schema=schema)


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
    import fastexcel

    if not head(path, 8).startswith((ZIP_MAGIC, OLE_MAGIC)):
        raise FormatError(path, "is not an Excel workbook (expected an .xlsx Annex A return)")
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except Exception as err:  # noqa: BLE001 - fastexcel raises its own types for corrupt files
        raise FormatError(
            path, f"cannot be opened as an Excel workbook; is it complete? ({err})"
        ) from None
    sheets = list_sheets(path, names)
    if not any(n in sheets for n in CHILD_LISTS):
        raise FormatError(
            path, f"has no Annex A list sheets ('List 1' ... 'List 10'); its sheets are {names}"
        )
    if la_code is None:
        raise FormatError(path, "Annex A workbooks carry no authority code: pass --la CODE")

    file = str(path)
    converted: dict[str, list[tuple[pa.Table, str]]] = {}
    issues: list[Issue] = []
    for n in CHILD_LISTS:
        if n not in sheets:
            continue
        layout = layouts()[n]
        data = _read_list(reader, path, sheets[n], layout)
        if data is None:
            issues.append(
                Issue(
                    "empty_list",
                    f"list {n} has no rows",
                    file=file,
                    sheet=sheets[n],
                    severity="info",
                )
            )
            continue
        if path.suffix.lower() != ".xls":
            issues.extend(
                cell_issues(
                    path,
                    data.sheet,
                    sheet_name=data.sheet,
                    field_of=data.columns.get,
                    after_row=data.header_row,
                )
            )
        for name, spec in layout.tables.items():
            records = data.records
            if name == "children":
                records = _distinct_children(records, spec)
            elif layout.secondary(name):
                # A secondary table's row exists only where its event date is filled.
                needed = [
                    src for src, f in spec.columns.items() if f.required and f.to != "child_id"
                ]
                records = [
                    (r, rec)
                    for r, rec in records
                    if all(clean(rec.get(s)) is not None for s in needed)
                ]
            result = convert(
                records, spec, file=file, sheet=data.sheet, check_duplicates=name != "children"
            )
            converted.setdefault(spec.canonical, []).append((result.rows, data.sheet))
            issues.extend(result.issues)

    tables: dict[str, pa.Table] = {}
    for canonical, parts in converted.items():
        if canonical == "children":
            tables[canonical], found = _one_row_per_child(parts, file)
            issues.extend(found)
        elif canonical == "referrals":
            by_sheet = {sheet: rows for rows, sheet in parts}
            tables[canonical] = _join_referrals(
                by_sheet.get(sheets.get(3)), by_sheet.get(sheets.get(6))
            )
        else:
            tables[canonical] = pa.concat_tables([rows for rows, _ in parts])

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
