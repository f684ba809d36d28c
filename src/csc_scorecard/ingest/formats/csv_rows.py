"""Reading a CSV file into its header and rows: the template engine's reader, shared by every
CSV the product reads with a header of named columns (the local templates, the report's
commentary file, the values file of `scorecard rate`).

One reading for all: the text decoded in the first of the allowed encodings that fits (an
Excel byte-order mark is fine), rows numbered as a spreadsheet numbers them (the header is row
1), blank rows skipped, and a file that is not text or not CSV refused as one `FormatError`
naming the file and the row. What a row must hold is each caller's own business.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from csc_scorecard.model.batch import FormatError

# Encodings a template may be saved in: UTF-8 (with or without Excel's byte-order mark), and
# Windows-1252, which Excel on Windows writes for "CSV (Comma delimited)".
TEMPLATE_ENCODINGS = ("utf-8-sig", "cp1252")
_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}


def csv_rows(
    path: Path, encodings: tuple[str, ...] = TEMPLATE_ENCODINGS
) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """The header and the (row number, cells) of every row that is not blank; an empty file
    has no header (None). An unreadable file (OSError) is the caller's to word.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_bytes(b"\\xef\\xbb\\xbfa,b\\n1,2\\n\\n,\\n3\\n")
    >>> csv_rows(path)
    (['a', 'b'], [(2, ['1', '2']), (5, ['3'])])
    >>> _ = path.write_bytes("a\\ncaf\\u00e9\\n".encode("cp1252"))
    >>> csv_rows(path)[1]
    [(2, ['café'])]
    >>> csv_rows(path, ("utf-8-sig",))
    Traceback (most recent call last):
    ...
    csc_scorecard.model.batch.FormatError: ...t.csv: is not UTF-8 text
    """
    return parse_rows(path, decode(path, encodings))


def decode(path: Path, encodings: tuple[str, ...] = TEMPLATE_ENCODINGS) -> str:
    """The file's text in the first of `encodings` that fits; FormatError if none does."""
    raw = path.read_bytes()
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    names = " or ".join(_NAMES.get(e, e) for e in encodings)
    raise FormatError(path, f"is not {names} text")


def parse_rows(path: Path, text: str) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """`csv_rows` of the decoded text."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        # A row is blank when every cell is whitespace, that is when the cells joined are:
        # one join and strip a row instead of a Python call per cell.
        rows = [
            (number, cells)
            for number, cells in enumerate(reader, start=2)
            if "".join(cells).strip()
        ]
    except csv.Error as err:
        raise FormatError(path, f"is not readable as CSV ({err})", line=reader.line_num) from None
    return header, rows


# A row the csv module gives as blank (every cell whitespace, as str.strip sees it: `\s`), found
# as a line between two line breaks of the text framed by them.
_BLANK_ROW = re.compile(r"\n[^\S\n,]*(?:,[^\S\n,]*)*\n")


def plain_columns(text: str) -> tuple[list[str], pa.Table] | None:
    """The header and every row of a CSV's decoded text, split by Arrow's CSV reader into text
    columns `c0`, `c1`, ... (one per header cell) and `source_row` (the header is row 1), when
    that split is exactly `parse_rows`': no quote character, no NUL, no line break but \\n and
    \\r\\n, no blank row, every row as wide as the header and no cell past the csv module's
    field limit. Otherwise None: read the text with `parse_rows`, which refuses what it must.

    >>> plain_columns("a,b\\n1,2\\n3,\\n")[1].to_pylist()
    [{'c0': '1', 'c1': '2', 'source_row': 2}, {'c0': '3', 'c1': '', 'source_row': 3}]
    >>> [plain_columns(t) for t in ('a,b\\n1,"2"\\n', "a,b\\n1,2\\n,\\n", "a,b\\n1\\n", "a,b\\n")]
    [None, None, None, None]
    """
    body = text.removesuffix("\n")  # the last line's break ends no row
    first = text.find("\n")
    if (
        first < 0
        or first == len(text) - 1  # a header and nothing else
        or '"' in text
        or "\x00" in text
        or text.startswith("\ufeff", first + 1)  # Arrow would take it for a byte-order mark
        or text.count("\r") != text.count("\r\n")
        or _BLANK_ROW.search(f"\n{body}\n")
    ):
        return None
    header = text[:first].removesuffix("\r").split(",")
    names = [f"c{i}" for i in range(len(header))]
    try:
        split = pa_csv.read_csv(
            io.BytesIO(text[first + 1 :].encode()),
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False),
            parse_options=pa_csv.ParseOptions(quote_char=False, escape_char=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                check_utf8=False,
            ),
        )
    except pa.ArrowInvalid:  # a row narrower or wider than the header
        return None
    limit = csv.field_size_limit()
    if len(text) > limit and (
        max(map(len, header)) > limit
        or any(pc.max(pc.utf8_length(c)).as_py() > limit for c in split.columns)
    ):
        return None
    rows = pa.array(range(2, split.num_rows + 2), pa.int64())
    return header, split.append_column("source_row", rows)
