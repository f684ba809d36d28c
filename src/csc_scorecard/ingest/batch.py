"""What an adapter hands to the store: one load's canonical rows and data-quality issues.

A file that cannot be read as its format raises `FormatError` (naming file, sheet or line, and
field) before anything is stored. Bad values inside a readable file never raise: the row is kept
and an `Issue` records the raw value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa


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
        self.file = str(file)
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

    @property
    def row_count(self) -> int:
        return sum(t.num_rows for t in self.tables.values())
