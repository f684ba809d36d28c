"""A built list as a terminal table, CSV, Excel workbook or JSON.

CSV cells go through the product's one CSV-safety rule (`csc_scorecard.csv_safety.safe_cell`:
text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, so
a spreadsheet never runs a value from a case record as a formula). The workbook keeps strings
as strings (xlsxwriter's `strings_to_formulas` off), and numbers and dates are written as
values.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from csc_scorecard import numbers
from csc_scorecard.csv_safety import safe_row
from csc_scorecard.lists.base import ListResult

FORMATS = ("table", "csv", "xlsx", "json")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return numbers.fixed(value, 1)
    return str(value)


def to_csv(result: ListResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(result.columns))
    for row in result.rows.to_pylist():
        writer.writerow(safe_row("" if row[c] is None else row[c] for c in result.columns))
    return buffer.getvalue()


def to_json(result: ListResult) -> str:
    def default(v: Any) -> Any:
        if isinstance(v, date):
            return v.isoformat()
        raise TypeError(f"cannot write {type(v).__name__} as JSON")

    body = {
        "list": result.name,
        "title": result.title,
        "la_code": result.la_code,
        "date": result.on.isoformat(),
        "team": result.team,
        "worker": result.worker,
        "count": result.count,
        "sort": result.sort,
        "notice": result.notice,
        "notes": list(result.notes),
        "columns": dict(result.columns),
        "rows": result.rows.to_pylist(),
    }
    return json.dumps(body, indent=1, default=default)


def to_xlsx(result: ListResult, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    try:
        sheet = book.add_worksheet(result.name[:31])
        bold = book.add_format({"bold": True})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write(0, 0, f"{result.heading()} ({result.notice})", bold)
        for i, note in enumerate(result.notes, start=1):
            sheet.write(i, 0, note)
        top = 2 + len(result.notes)
        for c, name in enumerate(result.columns):
            sheet.write(top, c, name, bold)
        for r, row in enumerate(result.rows.to_pylist(), start=top + 1):
            for c, name in enumerate(result.columns):
                value = row[name]
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, day)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    finally:
        book.close()


def print_table(result: ListResult) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=220)
    view = Table(title=result.heading(), caption=f"{result.notice}; sorted {result.sort}")
    for name in result.columns:
        view.add_column(name)
    for row in result.rows.to_pylist():
        view.add_row(*(_text(row[c]) for c in result.columns))
    console.print(view)
