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
from pathlib import Path

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
    raw = path.read_bytes()
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        names = " or ".join(_NAMES.get(e, e) for e in encodings)
        raise FormatError(path, f"is not {names} text")
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
