"""Reading DfE "Explore education statistics" (EES) and LAIT CSV files.

EES underlying-data files share a geography block (`time_period, geographic_level,
region_code, old_la_code, new_la_code, la_name, ...`) and write suppressed or unavailable
figures as symbols in numeric columns (standards.md 6.4). Every column is read as text first;
`parse_number` then turns a cell into a float or into "no value, because <symbol>", so the
symbol is never lost: callers keep it as a note (an `Issue` with rule `suppressed`).

The conversion itself is `ingest.values.parse_float` (the one value engine); this module only
adds what EES cells need on top: the suppression symbols and float-noise clean-up.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from csc_scorecard.ingest.values import BadValue, parse_float
from csc_scorecard.model.batch import FormatError

# EES symbols (standards.md 6.4, EES "symbols" guidance) and the LAIT extract's "-" and "..".
SYMBOLS: dict[str, str] = {
    "c": "suppressed to protect confidentiality (small number)",
    "x": "not available",
    "z": "not applicable",
    "k": "rounds to 0% but is not zero",
    "u": "low reliability (not published)",
    "low": "rounds to zero but is not zero",
    ":": "not available (older EES files)",
    "~": "rounds to zero (older symbol)",
    "-": "not available (LAIT)",
    "..": "not available",
}

GEOGRAPHY = ("time_period", "geographic_level", "region_code", "old_la_code")
ENGLAND = "E92000001"
_NOISE_DIGITS = 12  # significant digits kept: LAIT writes 86.6 as 86.600000000000009
_JOINT = re.compile(r"\s*/\s*")


@dataclass(frozen=True)
class Record:
    """One data row: its 1-based line in the file (header = line 1) and its cells as text."""

    line: int
    cells: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class TextTable:
    path: Path
    header: list[str]
    records: list[Record]

    @property
    def name(self) -> str:
        return self.path.name


def read_rows(
    path: str | Path, keep: dict[str, set[str]] | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line, cells) of a CSV; blank rows skipped.

    UTF-8 with or without a byte-order mark, else Windows-1252. Cells are positional, so
    repeated headers (the SN files' `SNP`) survive. `keep` = {column: values} keeps only the
    rows whose (stripped) cell is one of the values: a cheap pre-filter for large extracts.
    """
    path = Path(path)
    try:
        return _read(path, "utf-8-sig", keep or {})
    except UnicodeDecodeError:
        return _read(path, "cp1252", keep or {})


def _read(
    path: Path, encoding: str, keep: dict[str, set[str]]
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    with path.open(newline="", encoding=encoding) as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise FormatError(path, "the file is empty") from None
        filters = []
        for column, values in keep.items():
            if column not in header:
                raise FormatError(path, f"no column {column!r}")
            filters.append((header.index(column), values))
        rows = []
        for row in reader:
            if not any(row) or any(row[i].strip() not in values for i, values in filters):
                continue
            rows.append((reader.line_num, [c.strip() for c in row]))
    return header, rows


def read_text_csv(path: str | Path, keep: dict[str, set[str]] | None = None) -> TextTable:
    """Every cell as stripped text, by column name (see `read_rows` for `keep`)."""
    header, rows = read_rows(path, keep)
    records = [Record(line, dict(zip(header, cells, strict=False))) for line, cells in rows]
    return TextTable(Path(path), header, records)


def read_ees(path: str | Path) -> TextTable:
    """An EES underlying-data CSV; refuses a file without the EES geography columns."""
    table = read_text_csv(path)
    missing = [c for c in GEOGRAPHY if c not in table.header]
    if missing:
        raise FormatError(path, f"not an EES data file: no column(s) {', '.join(missing)}")
    return table


def parse_number(raw: object) -> tuple[float | None, str | None]:
    """A numeric cell as (value, None), or (None, symbol) for a suppression symbol.

    Blank cells give (None, None). Float noise from the LAIT extract is removed.

    >>> parse_number("86.600000000000009")
    (86.6, None)
    >>> parse_number("c"), parse_number("low"), parse_number(""), parse_number("1,234")
    ((None, 'c'), (None, 'low'), (None, None), (1234.0, None))

    Anything else that is not a number raises `BadValue` (rule `invalid_number`).
    """
    text = str(raw).strip() if raw is not None else ""
    if text.lower() in SYMBOLS:
        return None, text.lower()
    value = parse_float(text)
    if value is None:
        return None, None
    return float(f"{value:.{_NOISE_DIGITS}g}"), None


def parse_year(raw: str) -> int:
    """EES `time_period` as the year it ends in: 2021 and 202021 (2020/21) both give 2021.

    >>> parse_year("2021"), parse_year("202021")
    (2021, 2021)
    """
    text = raw.strip()
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if re.fullmatch(r"\d{6}", text):
        return int(text[:4]) + 1
    raise BadValue("invalid_year", f"{raw!r} is not an EES time_period")


def record_year(table: TextTable, record: Record) -> int:
    """A row's `time_period` as a year; an unreadable one means the file is not what it claims."""
    try:
        return parse_year(record["time_period"])
    except BadValue as bad:
        raise FormatError(table.path, str(bad), line=record.line, field="time_period") from None


def areas(record: Record) -> Iterator[tuple[str, str]]:
    """The (area_type, area_code) pairs a row describes.

    National -> ("england", "E92000001"); Regional -> ("region", ONS region code);
    Local authority -> ("la", DfE LA number). A joint return such as the workforce census's
    "314 / 318" (Kingston and Richmond) describes both authorities, as LAIT shows it.
    """
    level = record["geographic_level"].lower()
    if level == "national":
        yield "england", record["country_code"] or ENGLAND
    elif level == "regional":
        if record["region_code"]:
            yield "region", record["region_code"]
    elif level == "local authority":
        for code in _JOINT.split(record["old_la_code"]):
            if code:
                yield "la", code
