"""SSDA903 as CSV: one file per DfE table, recognised by its columns, never by its file name.

All the 903 CSVs in one folder are one return (standards.md 1.1). Tolerated: any column order and
case, a byte-order mark, spaces around names and values, blank rows, trailing empty cells,
UTF-8 or Windows-1252 text, DD/MM/YYYY, ISO and Excel-serial dates, and files with neither a
header nor rows (some tools write an empty AD1 when no child was adopted). Refused with a
`FormatError` naming file, line and field: a missing mandatory column, text that is neither UTF-8
nor Windows-1252 (UTF-16 included), a row with more values than the header, a column named twice,
a header that mixes two tables, two files for one table, an unreadable file.

Read column-wise (`read_columns`): a file without quoting is split into numbered lines and cells
in DuckDB, any other by Python's csv module row by row (`read_table`); the cells are then typed
by `ingest/columns.py`. Both routes give the same rows, issues and refusals
(`tests/test_ingest_columns.py`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pyarrow as pa

from csc_scorecard.ingest import ssda903
from csc_scorecard.ingest.adapter import head
from csc_scorecard.ingest.columns import cells_of
from csc_scorecard.ingest.fields import TableSpec, load_spec, missing_fields, unknown_columns
from csc_scorecard.ingest.formats.csv_rows import plain_columns
from csc_scorecard.model.batch import FormatError, Issue, LoadBatch

_NO_SPEC = TableSpec(canonical="children", columns={})  # a DfE table with no canonical table
MAX_SIBLINGS = 64  # how many neighbours an empty file may look at to decide it is a 903 table


def _text_of(data: bytes) -> str:
    """Bytes as text for sniffing only (never raises)."""
    # UTF-16 without a BOM: ASCII's zero byte first or second (`decode` draws the same line)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:2]:
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _first_row(text: str) -> list[str] | None:
    for line in text.splitlines():
        if line.strip(" ,;\t\ufeff"):
            return next(csv.reader([line]), None)
    return None


def _header_tables(path: Path) -> list[str]:
    row = _first_row(_text_of(head(path)))
    return ssda903.recognise(row) if row else []


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size < 64 and not path.read_bytes().strip(b" \r\n\t,;\xef\xbb\xbf")
    except OSError:
        return False


class Ssda903CsvAdapter:
    name = "ssda903_csv"

    def sniff(self, path: Path) -> bool:
        if path.suffix.lower() != ".csv":
            return False
        try:
            if _header_tables(path):
                return True
            # An empty file is claimed when a 903 table sits beside it: it is that return's
            # table with nothing to report, and refusing it would refuse the whole return.
            if _is_empty(path):
                siblings = sorted(p for p in path.parent.glob("*") if p != path)[:MAX_SIBLINGS]
                return any(p.suffix.lower() == ".csv" and _header_tables(p) for p in siblings)
        except (OSError, ValueError, csv.Error):  # sniffing must never raise
            return False
        return False

    def read(self, paths: list[Path], *, la_code: str | None, year: int | None) -> list[LoadBatch]:
        folder = paths[0].parent
        raw = ssda903.RawReturn(where=folder, files=[str(p) for p in paths])
        seen: dict[str, Path] = {}
        for path in sorted(paths):
            found = read_columns(path)
            if found is None:
                raw.issues.append(
                    Issue(
                        rule="empty_file",
                        message="file is empty (no header, no rows): read as a table with nothing to report",
                        file=str(path),
                        severity="info",
                    )
                )
                continue
            name, cells, header = found
            raw.issues.extend(
                unknown_columns(
                    header,
                    (
                        *ssda903.COLUMNS[name],
                        *load_spec(ssda903.SOURCE_FORMAT).tables.get(name, _NO_SPEC).columns,
                    ),
                    table=f"SSDA903 {name}",
                    file=str(path),
                )
            )
            if name in seen:
                raise FormatError(
                    path,
                    f"holds the {name} table, as does {seen[name].name}: a 903 return has one file "
                    "per table (move one of them out of the folder)",
                    line=1,
                )
            seen[name] = path
            raw.columns[name] = cells
            raw.table_files[name] = str(path)
            if name in ssda903.NOT_LOADED:
                raw.issues.append(
                    Issue(
                        rule="table_not_loaded",
                        message=f"{name}: {cells.num_rows} rows not loaded: {ssda903.NOT_LOADED[name]}",
                        file=str(path),
                        severity="info",
                    )
                )
        raw.name_year, raw.name_source = _name_year(folder, paths)
        return [ssda903.build_batch(raw, la_code=la_code, year=year)]


def _name_year(folder: Path, paths: list[Path]) -> tuple[int | None, str | None]:
    """The year the folder name states, else one year every file name states."""
    if (y := ssda903.year_from_name(folder.name)) is not None:
        return y, folder.name
    years = {ssda903.year_from_name(p.stem) for p in paths}
    if len(years) == 1 and (y := years.pop()) is not None:
        return y, paths[0].name
    return None, None


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252; anything else is refused."""
    nul = data.find(b"\x00")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or nul in (0, 1):
        raise FormatError(
            path, "is UTF-16 or binary, not UTF-8 or Windows-1252 text: save it as CSV (UTF-8)"
        )
    if nul > 1:  # text with a NUL byte in a cell (a damaged export): the line and column at fault
        start = data.rfind(b"\n", 0, nul) + 1
        header = data[: data.find(b"\n")].decode("utf-8-sig", "replace").strip().split(",")
        column = data[start:nul].count(b",")
        raise FormatError(
            path,
            "holds a NUL byte (0x00), which no text holds: re-export the return",
            line=data[:nul].count(b"\n") + 1,
            field=header[column].strip() if column < len(header) else None,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise FormatError(
            path,
            f"is neither UTF-8 nor Windows-1252 text (byte 0x{data[err.start]:02X}): save it as "
            "CSV (UTF-8)",
            line=line,
        ) from None


def read_table(path: Path) -> tuple[str, list[tuple[int, dict[str, str]]], list[str]] | None:
    """(DfE table name, [(line, {FIELD: cell})], header) of one 903 CSV; None when it is empty."""
    return _read_rows(path, _text(path))


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise FormatError(path, f"cannot be read ({err.strerror or err})") from None
    return decode(path, data)


def _read_rows(
    path: Path, text: str
) -> tuple[str, list[tuple[int, dict[str, str]]], list[str]] | None:
    """`read_table` of the decoded text, row by row with Python's csv module."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[tuple[int, dict[str, str]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [ssda903.normalise(c) for c in cells]
                header_line = reader.line_num
                name = _table_of(path, header, header_line)
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                raise FormatError(
                    path,
                    f"has {len(cells)} values but the header has {len(header)} columns (an "
                    "unquoted comma in a value?)",
                    line=reader.line_num,
                )
            records.append(
                (reader.line_num, {h: c for h, c in zip(header, cells, strict=False) if h})
            )
    except csv.Error as err:
        raise FormatError(path, f"is not readable as CSV ({err})", line=reader.line_num) from None
    if header is None:
        return None
    if name == "UASC":
        # Every row of the UASC file is a child who was UASC during the year (standards.md
        # 1.2); the XML says so with a UASC leaf, and the spec reads both the same way.
        for _, record in records:
            record["UASC"] = "1"
    return name, records, header


def _table_of(path: Path, header: list[str], line: int) -> str:
    named = [h for h in header if h]
    if dup := sorted({h for h in named if named.count(h) > 1}):
        raise FormatError(path, f"names column {dup[0]} more than once", line=line, field=dup[0])
    tables = ssda903.recognise(header)
    if not tables:
        raise FormatError(
            path,
            f"columns {named} are not those of any SSDA903 table ({', '.join(ssda903.COLUMNS)})",
            line=line,
        )
    if len(tables) > 1:
        raise FormatError(
            path,
            f"columns mix the {' and '.join(tables)} tables: a 903 CSV holds one table",
            line=line,
        )
    name = tables[0]
    if name in ssda903.NOT_LOADED:
        return name
    if missing := missing_fields(header, load_spec(ssda903.SOURCE_FORMAT).tables[name]):
        raise FormatError(
            path,
            f"is the {name} table but lacks mandatory column(s) {', '.join(missing)}",
            line=line,
            field=missing[0],
        )
    return name


ADAPTER = Ssda903CsvAdapter()


# A file the SQL below splits exactly as Python's csv module does: no quote character, no line
# break but \n and \r\n, no whitespace outside ASCII (str.strip would see it) and no line past
# the csv module's field limit (it refuses such a field). Anything else is read row by row.
_UNICODE_SPACE = re.compile(r"[^\S\t\n\x0b\x0c\r\x1c-\x1f ]")


def _plain(text: str) -> bool:
    """Whether DuckDB's split of `text` into lines and cells is the csv module's (above)."""
    return (
        '"' not in text
        and text.count("\r") == text.count("\r\n")
        and (text.isascii() or not _UNICODE_SPACE.search(text))
        and (
            len(text) <= csv.field_size_limit()
            or max(map(len, text.split("\n"))) <= csv.field_size_limit()
        )
    )


_BLANK_LINE = re.compile(
    r"[ \t\n\x0b\x0c\r\x1c-\x1f,]*"
)  # csv rows whose every cell .strip()s to ""


def read_columns(path: Path) -> tuple[str, pa.Table, list[str]] | None:
    """(DfE table name, cells, header) of one 903 CSV; None when it is empty. `cells` has a text
    column per named header column, cells missing from a short row NULL, and `source_row`, the
    file's line: what `read_table` gives, column-wise, for `ingest/columns.py`. A file with no
    quoting, no blank line and every row as wide as the header (`csv_rows.plain_columns`) is
    split by Arrow's CSV reader; another plain one (`_plain`: blank lines, short rows) on its
    line breaks and commas by `str.split` and turned into columns by `zip`, without a Python
    step per cell; any other file is read row by row by `read_table`'s parser. All three refuse
    the same files with the same message."""
    text = _text(path)
    if (split := plain_columns(text)) is not None:  # no blank line, every row as wide as the header
        raw_header, columns = split
        header = [ssda903.normalise(c) for c in raw_header]
        name = _table_of(path, header, 1)
        named = [i for i, h in enumerate(header) if h]
        cells = columns.select([*(f"c{i}" for i in named), "source_row"])
        cells = cells.rename_columns([*(header[i] for i in named), "source_row"])
        return (*_uasc(name, cells), header)
    if not _plain(text):
        found = _read_rows(path, text)
        if found is None:
            return None
        name, records, header = found
        return name, cells_of(records), header
    blank = _BLANK_LINE.fullmatch
    # (line number, cells) of every line that is not blank: rows whose every cell .strip()s to ""
    numbered = [
        (n, line.rstrip("\r").split(","))
        for n, line in enumerate(text.split("\n"), start=1)
        if not blank(line)
    ]
    if not numbered:
        return None
    header_line, raw_header = numbered[0]
    header = [ssda903.normalise(c) for c in raw_header]
    name = _table_of(path, header, header_line)
    rows = numbered[1:]
    width = len(header)
    for n, cells in rows:
        if len(cells) > width and not blank(",".join(cells[width:])):
            raise FormatError(
                path,
                f"has {len(cells)} values but the header has {width} columns (an "
                "unquoted comma in a value?)",
                line=n,
            )
    lines = [n for n, _ in rows]
    split = [cells for _, cells in rows]
    if any(len(cells) < width for cells in split):  # a short row's missing cells are NULL
        split = [cells + [None] * (width - len(cells)) for cells in split]
    columns = list(zip(*split, strict=False)) if split else [()] * width
    cells = pa.table(
        {
            **{h: pa.array(columns[i], pa.string()) for i, h in enumerate(header) if h},
            "source_row": pa.array(lines, pa.int64()),
        }
    )
    return (*_uasc(name, cells), header)


def _uasc(name: str, cells: pa.Table) -> tuple[str, pa.Table]:
    """As read_table: every row of the UASC file is a UASC child."""
    if name == "UASC":
        cells = cells.drop_columns([c for c in cells.column_names if c == "UASC"])
        cells = cells.append_column("UASC", pa.array(["1"] * cells.num_rows, pa.string()))
    return name, cells
