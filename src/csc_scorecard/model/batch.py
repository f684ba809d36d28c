"""What an adapter hands to the store: one load's canonical rows and data-quality issues.

These types sit in `model/`, below ingest, the store and reference, which all use them: the files
are read with no store in sight, and ingest never imports the store (tests/test_layers.py).

A file that cannot be read as its format raises `FormatError` (naming file, sheet or line, and
field) before anything is stored. Bad values inside a readable file never raise: the row is kept
and an `Issue` records the raw value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

import pyarrow as pa

LA_CODE = re.compile(r"\d{3}")  # a DfE LA number

# ANSI/VT escape sequences (colour, cursor moves, terminal titles) and other control characters:
# in a file name or a cell they could rewrite a terminal or a log line when printed.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS_IN_CELLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, CR, LF kept
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_controls(text: str) -> bool:
    """Whether a cell holds control characters or escape sequences (tab and line ends aside).

    >>> has_controls("a\\tb\\n"), has_controls("red\\x1b[31m"), has_controls("a\\x00b")
    (False, True, True)
    """
    return bool(_CONTROLS_IN_CELLS.search(text))


def strip_controls(text: str) -> str:
    """A cell's text with escape sequences and control characters removed (tab, CR, LF kept).

    >>> strip_controls("Smith\\x1b[31m\\x00 Jones\\tx")
    'Smith Jones\\tx'
    """
    return _CONTROLS_IN_CELLS.sub("", _ESCAPES.sub("", text))


def safe_text(text: str | None) -> str | None:
    """Text for a message, a log line or a stored file name: every control character escaped.

    >>> safe_text("2023\\x1b[2J.csv\\nforged line")
    '2023\\\\x1b[2J.csv\\\\x0aforged line'
    """
    if text is None:
        return None
    return _CONTROLS.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


class FormatError(Exception):
    """The file cannot be read as the format it claims (or any format we know)."""

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        sheet: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = safe_text(str(file))
        sheet = safe_text(sheet)
        field = safe_text(field)
        message = safe_text(message)
        self.sheet = sheet
        self.line = line
        self.field = field
        self.reason = message
        where = [self.file]
        if sheet:
            where.append(f"sheet {sheet!r}")
        if line is not None:
            where.append(f"line {line}")
        if field:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class Issue:
    """One data-quality finding about one value (or row) in a source file."""

    rule: str  # e.g. "unknown_code", "invalid_date", "duplicate_key", "missing_value"
    message: str
    table: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    child_id: str | None = None
    field: str | None = None
    value: str | None = None
    severity: str = "error"  # error | warning | info
    column: str | None = None  # the canonical column the field feeds (for measure availability)

    def __post_init__(self) -> None:
        # Issues are printed and stored: a control character in a file name or a cell never
        # reaches a terminal or a log unescaped.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str) and _CONTROLS.search(value):
                object.__setattr__(self, f.name, safe_text(value))


@dataclass
class LoadBatch:
    """Everything one statutory return (or template file set) contributes to the store.

    `tables` maps canonical table name -> Arrow table holding the columns this source supplies
    (a subset of the canonical data columns) plus `source_row`; `la_code` is added by the store
    when the table is authority-scoped and the column is absent.
    `source_format` + `la_code` + period identify what a reload replaces.
    """

    source_format: str
    la_code: str | None
    period_start: date | None
    period_end: date | None
    files: list[str]
    tables: dict[str, pa.Table] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    # Rows that are each one fact, merged by natural key (manual values): a reload replaces the
    # stored row with the same key whole (a blank clears that field) and keeps every other
    # stored row; no earlier load is forgotten. The store lists the keys it replaced.
    merge_by_key: bool = False
    replaced: list[str] = field(default_factory=list)
    # The day the data were extracted, where the file states it (a CIN census header's
    # DateTime): an in-year return's period runs to 31 March, its data only to the extraction.
    # None: `scorecard ingest --extracted`, else the period's end (store/loading.py).
    extracted: date | None = None

    @property
    def row_count(self) -> int:
        return sum(t.num_rows for t in self.tables.values())


@dataclass(frozen=True)
class Replacement:
    """One earlier load a new load replaced: what it was and how many rows before and after."""

    source_format: str
    la_code: str | None
    period_start: object
    period_end: object
    rows_before: int
    rows_after: int

    def describe(self) -> str:
        period = (
            f"{self.period_start:%d/%m/%Y}-{self.period_end:%d/%m/%Y}" if self.period_start else "-"
        )
        return (
            f"replaces {self.source_format} LA {self.la_code or '-'} {period}: "
            f"{self.rows_before:,} rows -> {self.rows_after:,}"
        )
