"""Reading one Annex A list: finding the list sheets and their header rows, the spec tables
each list feeds (`specs/annex_a.yaml`, with the template's heading aliases), and Ofsted's coded
cells ("a) WBRI", "q) 6: Police") turned back into codes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from defusedxml import ElementTree as SafeET

from csc_scorecard.ingest.fields import FieldSpec, TableSpec, load_spec, missing_fields
from csc_scorecard.ingest.formats.annex_a_template import heading_aliases
from csc_scorecard.ingest.values import clean
from csc_scorecard.ingest.workbook import sheet_xml
from csc_scorecard.model.batch import FormatError
from csc_scorecard.model.codes import codes

SOURCE_FORMAT = "annex_a"
CHILD_LISTS = range(1, 11)  # lists 1-10 describe children; list 11 describes adopters
HEADER_SCAN_ROWS = 30  # title and guidance rows above the header, as some templates have
# List 9 splits the OC3 ACCOM code into a type letter and a suitability column (standards.md 3).
ACCOMMODATION = "Type of Accommodation"
SUITABILITY = "suitabilityofaccommodation"

_LIST_SHEET = re.compile(r"^\s*(?:list|l)\s*[-_.]?\s*(\d{1,2})(?!\d)", re.IGNORECASE)
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


def _sheet_columns(reader, path: Path, sheet: str) -> tuple[int, list[pa.Array]]:
    """(worksheet row of the first row, the sheet's columns of cell text) of one sheet, every
    cell as a string."""
    try:
        data = reader.load_sheet(sheet, header_row=None, dtypes="string").to_arrow()
    except Exception as err:  # noqa: BLE001 - fastexcel's error types for unreadable sheets
        raise FormatError(path, f"cannot read the sheet ({err})", sheet=sheet) from None
    columns = [c.cast(pa.string()) for c in data.columns]
    first = _first_value_row(path, sheet) if path.suffix.lower() != ".xls" and data.num_rows else 1
    return first, columns


def each_distinct(
    column: pa.Array | pa.ChunkedArray, test: Callable[[Any], Any], dtype=bool
) -> np.ndarray:
    """`test` of every cell of a column, worked out once per distinct text (and once for a
    blank cell): a list's cells repeat the same few texts thousands of times."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode()
    answers = [test(v) for v in encoded.dictionary.to_pylist()] + [test(None)]
    at = pc.fill_null(encoded.indices, len(encoded.dictionary)).to_numpy()
    return np.array(answers, dtype)[at]


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
    cells: pa.Table  # a text column per field read (in the sheet's order), and source_row
    header_row: int = 1  # worksheet row of the headings
    columns: dict[int, str] = field(default_factory=dict)  # reader column -> field read from it


def read_list(reader, path: Path, sheet: str, layout: ListLayout) -> ListData | None:
    first_row, cells = _sheet_columns(reader, path, sheet)
    if not any(each_distinct(c, lambda v: clean(v) is not None).any() for c in cells):
        return None  # an empty sheet: the authority had nothing to list
    top = list(zip(*(c.slice(0, HEADER_SCAN_ROWS).to_pylist() for c in cells), strict=True))
    h = _find_header(path, sheet, top, layout)
    heading = top[h]
    columns: dict[int, str] = {}
    for i, cell in enumerate(heading):
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
    suitability = next((i for i, c in enumerate(heading) if c and squash(c) == SUITABILITY), None)
    # the rows below the headings with any cell not blank (all of a row's cells, read or not)
    filled = np.zeros(len(cells[0]), bool)
    for column in cells:
        filled |= each_distinct(column, lambda c: bool(c and not c.isspace()))
    kept = np.flatnonzero(filled[h + 1 :]) + h + 1
    at = pa.array(kept, pa.int64())
    values: dict[str, pa.Array] = {}
    for i, name in columns.items():
        column = cells[i].take(at)
        f = layout.fields[name]
        if name == ACCOMMODATION:
            kinds = column.to_pylist()
            suits = cells[suitability].take(at).to_pylist() if suitability is not None else None
            column = pa.array(
                [accommodation(k, suits[j] if suits else None) for j, k in enumerate(kinds)],
                pa.string(),
            )
        elif f.type == "bool" or f.codes or f.map:
            # coded columns hold few distinct values: each decoded once
            decoded = each_distinct(column, lambda raw, f=f: option_value(raw, f), object)
            column = pa.array(decoded, pa.string())
        values[name] = column
    values["source_row"] = pa.array(kept + first_row, pa.int64())
    return ListData(layout.number, sheet, pa.table(values), first_row + h, columns)
