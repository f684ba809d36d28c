"""What the spreadsheet reader does not tell: cells holding an Excel error or a formula with no
saved value. The reader returns both as blanks, so without this a `#DIV/0!` in a cost column
would vanish silently. Read from the worksheet XML itself (never expanded: defusedxml), after the
size limits (`limits.py`) have been checked.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO

from defusedxml import ElementTree as SafeET

from csc_scorecard.model.batch import Issue

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_REF = re.compile(r"^([A-Z]+)(\d+)$")
# What an error cell (t="e", or a value written as a character reference) or a formula element
# (<f>, <x:f ...>) needs in the sheet's bytes: a sheet with neither has nothing to report.
_MAYBE_PROBLEM = re.compile(rb"""\bt\s*=\s*["'](?:e|&)|<(?:[\w.-]+:)?f[\s/>]""")
# Byte strings one of which every match of _MAYBE_PROBLEM holds (found faster than it): '"e',
# "'e", '"&', "'&", "<f" or ":f", looked for as three once each "'" reads '"' and ":" reads "<".
_MARKER_PARTS = (b'"e', b'"&', b"<f")
_MARKER_FOLD = bytes.maketrans(b"':", b'"<')


@contextmanager
def sheet_xml(path: Path, sheet: str | int) -> Iterator[IO[bytes]]:
    """The worksheet XML of a sheet (by name, or 0-based position) of an .xlsx workbook."""
    with zipfile.ZipFile(path) as z:
        book = SafeET.fromstring(z.read("xl/workbook.xml"))
        rels = SafeET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        entries = list(book.iter(f"{{{MAIN}}}sheet"))
        entry = (
            entries[sheet]
            if isinstance(sheet, int)
            else next(s for s in entries if s.get("name") == sheet)
        )
        rid = entry.get(f"{{{REL}}}id")
        target = next(
            r.get("Target") for r in rels.iter(f"{{{PKG_REL}}}Relationship") if r.get("Id") == rid
        )
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        with z.open(member) as fh:
            yield fh


def column_index(letters: str) -> int:
    """0-based index of a column reference: A -> 0, Z -> 25, AA -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def cell_problems(path: Path, sheet: str | int) -> tuple[list[tuple[int, str, str, str]], int]:
    """(worksheet row, column letters, rule, text) for each error cell and each formula cell
    without a saved value, and the 0-based index of the first column holding a value (the
    spreadsheet reader starts its columns there). Nothing when the workbook cannot be read this
    way: the reader then reports it."""
    found = []
    first = None
    try:
        with sheet_xml(path, sheet) as fh:
            data = fh.read()
        if not _may_have_problems(data):
            return [], 0  # the first column matters only to place a problem: none here
        with io.BytesIO(data) as fh:
            for _event, el in SafeET.iterparse(fh, events=("end",)):
                if el.tag != f"{{{MAIN}}}c":
                    continue
                m = _REF.match(el.get("r", ""))
                if m:
                    formula = el.find(f"{{{MAIN}}}f")
                    value = el.find(f"{{{MAIN}}}v")
                    text = value.text if value is not None else None
                    if text or el.find(f"{{{MAIN}}}is") is not None:
                        col = column_index(m[1])
                        first = col if first is None else min(first, col)
                    if el.get("t") == "e":
                        found.append((int(m[2]), m[1], "excel_error", text or "#ERROR"))
                    elif formula is not None and not text:
                        found.append(
                            (int(m[2]), m[1], "formula_without_value", f"={formula.text or ''}")
                        )
                el.clear()
    except Exception:  # noqa: BLE001 - an odd or legacy workbook: the reader's own checks apply
        return [], 0
    return found, first or 0


def _may_have_problems(data: bytes) -> bool:
    """False only when the worksheet XML certainly holds no error cell and no formula: it is
    UTF-8 (or ASCII) and has neither marker anywhere (a regular expression over the bytes, in C,
    instead of every cell walked in Python)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        return True  # UTF-16 or UTF-32: read it cell by cell
    folded = data.translate(_MARKER_FOLD)
    if not any(part in folded for part in _MARKER_PARTS):
        return False
    return _MAYBE_PROBLEM.search(data) is not None


def cell_issues(
    path: Path,
    sheet: str | int,
    *,
    sheet_name: str | None = None,
    field_of: Callable[[int], str | None] = lambda index: None,
    table: str | None = None,
    after_row: int = 1,
) -> list[Issue]:
    """Data-quality issues for the error and formula cells of a sheet (`field_of` names the
    field a column letter holds; cells of columns it does not know, and rows up to `after_row`
    (the header), are left out)."""
    issues = []
    problems, first = cell_problems(path, sheet)
    for row, letters, rule, text in problems:
        field = field_of(column_index(letters) - first)
        if field is None or row <= after_row:
            continue
        what = (
            f"cell {letters}{row} holds the Excel error {text}"
            if rule == "excel_error"
            else f"cell {letters}{row} is a formula with no saved value (open and save the "
            "workbook in Excel, or paste values)"
        )
        issues.append(
            Issue(
                rule=rule,
                message=f"{field}: {what}; read as blank",
                table=table,
                file=str(path),
                sheet=sheet_name,
                row=row,
                field=field,
                value=text,
            )
        )
    return issues


def reader_failure(err: Exception) -> str:
    """The spreadsheet reader's refusal in one line: calamine's first line, not the call stack
    it appends (which would print as escaped newlines)."""
    return str(err).splitlines()[0].removeprefix("calamine error: ") if str(err) else repr(err)
