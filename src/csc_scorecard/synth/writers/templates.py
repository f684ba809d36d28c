"""The synthetic authority's non-statutory data as csc-scorecard templates.

CSV with DD/MM/YYYY dates (as analysts export them) for most tables; the finance tables as XLSX
so both template readers are exercised end to end.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import xlsxwriter

from csc_scorecard.ingest.formats.template import template_specs
from csc_scorecard.synth.authority import SyntheticAuthority
from csc_scorecard.synth.writers.csv_out import day_month_year, write_csv

XLSX_TABLES = {"budget_lines", "placement_costs", "grants", "agency_costs", "homes_pipeline"}


def expected(authority: SyntheticAuthority) -> dict[str, pa.Table]:
    out = {}
    for name in template_specs():
        if name in authority.tables and authority.tables[name].num_rows:
            rows = authority.tables[name]
            if name == "manual_values":
                rows = rows.set_column(
                    rows.column_names.index("value_text"), "value_text", _manual_text(rows)
                )
            out[name] = rows
    return out


def _manual_text(rows: pa.Table) -> pa.Array:
    """value_text as the writer writes it: the supplied text, else the number."""
    texts = rows.column("value_text").to_pylist()
    values = rows.column("value").to_pylist()
    return pa.array(
        [t if t is not None else _number(v) for t, v in zip(texts, values, strict=True)]
    )


def _number(v: float | None) -> str | None:
    return None if v is None else repr(float(v)).removesuffix(".0")


def write(authority: SyntheticAuthority, out_dir: Path) -> list[Path]:
    folder = out_dir / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, rows in expected(authority).items():
        if name == "manual_values":  # the text is written in the value column
            header = [c for c in rows.column_names if c != "value_text"]
            rows = rows.drop_columns("value").rename_columns(
                ["value" if c == "value_text" else c for c in rows.column_names if c != "value"]
            )
            rows = rows.select(header)
        header = rows.column_names
        if name in XLSX_TABLES:
            files.append(_write_xlsx(folder / f"{name}.xlsx", header, rows.to_pylist()))
        else:  # a column at a time, with no row dicts in between
            files.append(write_csv(folder / f"{name}.csv", header, _columns(rows), _cell))
    return files


def _columns(rows: pa.Table) -> list[list[object]]:
    return [column.to_pylist() for column in rows.columns]


def _cell(value: object) -> object:
    if isinstance(value, date):
        return day_month_year(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value == int(value) else repr(value)
    return "" if value is None else value


def _write_xlsx(path: Path, header: list[str], records: list[dict]) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet(path.stem[:31])
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, header)
    for i, r in enumerate(records, start=1):
        for j, h in enumerate(header):
            v = r[h]
            if isinstance(v, date):
                sheet.write_datetime(i, j, v, date_format)
            elif v is not None:
                sheet.write(i, j, v)
    book.close()
    return path
