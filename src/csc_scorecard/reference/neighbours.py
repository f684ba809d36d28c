"""DfE children's services statistical neighbours (CSSNBT), one set of 10 per LA per model.

Each model edition is a workbook (sheet `LA SN Groups`, header on the 3rd row: `LA num, LA Name,
LA number, GOInd, GOReg, SN1, SNP, ... SN10, SNP`) with flat CSV copies in two layouts (the same
columns; or `old_la_code, ..., SN_1, SN_1P, ...`). The workbook is read when present, else the
CSV. SNP is the closeness band (Extremely / Very close, Close, Somewhat close, Not close),
normalised to sentence case. standards.md 6.3; the April 2021 model is the one the LAIT app
loads and reproduces the SN averages published for 2020/21.
"""

from __future__ import annotations

import re
from pathlib import Path

import fastexcel
import pyarrow as pa

from csc_scorecard.model.batch import FormatError, Issue
from csc_scorecard.model.schema import table
from csc_scorecard.reference.ees import read_rows

SHEET = "LA SN Groups"
HEADER_ROW = 2  # 0-based: two rows of column letters/numbers sit above the header
NEIGHBOURS = 10

# Model edition -> files holding it, preferred first (public data README).
MODELS: dict[str, tuple[str, ...]] = {
    "2021-04": (
        "dfe_statistical_neighbours_april_2021.xlsx",
        "dfe_statistical_neighbours_april_2021.csv",
    ),
    "2025-05": (
        "dfe_statistical_neighbours_may_2025.xlsx",
        "dfe_statistical_neighbours_2025_wide.csv",
    ),
}
_SN = re.compile(r"^SN_?(\d+)$", re.IGNORECASE)


def closeness(text: str | None) -> str | None:
    """'Very Close' / 'Close ' / 'Not Close' -> 'Very close' / 'Close' / 'Not close'.

    >>> closeness("Extremely Close"), closeness("Close "), closeness("")
    ('Extremely close', 'Close', None)
    """
    text = " ".join((text or "").split())
    return text.capitalize() if text else None


def _grid(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (1-based source row, cells) from a workbook or CSV in either layout."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        reader = fastexcel.read_excel(str(path))
        if SHEET not in reader.sheet_names:
            raise FormatError(path, f"no sheet {SHEET!r}", sheet=reader.sheet_names[0])
        sheet = reader.load_sheet_by_name(SHEET, header_row=None, dtypes="string").to_arrow()
        grid = [
            [("" if v is None else str(v).strip()) for v in row.values()]
            for row in sheet.to_pylist()
        ]
        if len(grid) <= HEADER_ROW:
            raise FormatError(path, f"no header on row {HEADER_ROW + 1}", sheet=SHEET)
        header, body = grid[HEADER_ROW], grid[HEADER_ROW + 1 :]
        return header, [(HEADER_ROW + 2 + i, row) for i, row in enumerate(body)]
    return read_rows(path)


def _cell(cells: list[str], i: int) -> str | None:
    value = cells[i].strip() if i < len(cells) else ""
    return None if value in ("", "-") else value


def read_model(path: str | Path, model: str) -> tuple[pa.Table, list[Issue]]:
    """The `statistical_neighbours` rows of one model file, with checks recorded as issues."""
    path = Path(path)
    header, body = _grid(path)
    sn_cols = {int(m[1]): i for i, h in enumerate(header) if (m := _SN.match(h))}
    if sorted(sn_cols) != list(range(1, NEIGHBOURS + 1)):
        raise FormatError(path, f"expected columns SN1..SN{NEIGHBOURS}, found {sorted(sn_cols)}")
    code_col = next(
        (i for i, h in enumerate(header) if h.lower() in ("la num", "old_la_code")), None
    )
    if code_col is None:
        raise FormatError(path, "no LA number column ('LA num' or 'old_la_code')")
    rows: list[dict] = []
    issues: list[Issue] = []
    for line, cells in body:
        code = _cell(cells, code_col)
        if not code:
            continue
        found = [
            (_cell(cells, sn_cols[r]), _cell(cells, sn_cols[r] + 1))
            for r in range(1, NEIGHBOURS + 1)
        ]
        codes = [n for n, _ in found if n]
        if not codes:
            # Authorities created after the model (Cumberland, Westmorland and Furness in the
            # April 2021 workbook) are listed with "-" for every neighbour.
            issues.append(
                Issue(
                    rule="no_neighbours",
                    table="statistical_neighbours",
                    file=path.name,
                    row=line,
                    severity="info",
                    message=f"LA {code} has no neighbours in model {model}",
                )
            )
            continue
        if len(codes) != NEIGHBOURS or len(set(codes)) != NEIGHBOURS or code in codes:
            issues.append(
                Issue(
                    rule="invalid_neighbours",
                    table="statistical_neighbours",
                    file=path.name,
                    row=line,
                    severity="warning",
                    message=f"LA {code}: expected {NEIGHBOURS} distinct other LAs, got {codes}",
                )
            )
        for rank, (neighbour, band) in enumerate(found, start=1):
            rows.append(
                {
                    "la_code": code,
                    "model": model,
                    "rank": rank,
                    "neighbour_la_code": neighbour,
                    "closeness": closeness(band),
                    "source_row": line,
                }
            )
    schema = table("statistical_neighbours").arrow_schema()
    names = ["la_code", *table("statistical_neighbours").data_column_names, "source_row"]
    return pa.Table.from_pylist(rows, schema=pa.schema([schema.field(n) for n in names])), issues


def read_neighbours(public_dir: Path) -> tuple[pa.Table, list[Issue], list[str]]:
    """Every known model found in the folder (workbook preferred), with issues and files read."""
    tables: list[pa.Table] = []
    issues: list[Issue] = []
    files: list[str] = []
    for model, candidates in MODELS.items():
        path = next((public_dir / f for f in candidates if (public_dir / f).exists()), None)
        if path is None:
            continue
        rows, found = read_model(path, model)
        tables.append(rows)
        issues += found
        files.append(str(path))
    if not tables:
        schema = table("statistical_neighbours").arrow_schema()
        names = ["la_code", *table("statistical_neighbours").data_column_names, "source_row"]
        return pa.schema([schema.field(n) for n in names]).empty_table(), issues, files
    return pa.concat_tables(tables), issues, files
