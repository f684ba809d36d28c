"""The workbook mechanics of the report's Excel appendix (report/xlsx.py): the cell formats
and RAG colours, a sheet set up for A4 printing with its header and footer, a table written from
columns (frozen header, autofilter, widths, wrapped rows' heights), a cell written by its kind,
and valid, unique sheet names."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from csc_scorecard.report.model import ReportContext

NAVY = "#1F2A44"
GREY = "#6B7280"
# The report's RAG colours (report.css): fill and the text colour that reads on it.
RAG_FILLS: dict[str, tuple[str, str]] = {
    "Green": ("#2E7D32", "#FFFFFF"),
    "Amber": ("#F0A30A", "#2B2100"),
    "Red": ("#C62828", "#FFFFFF"),
}
NO_RAG = ("#D5D9E0", "#1B1F2A")  # Information, Not available, Not reportable
# Number formats of a figure's value by unit. Values are written at full precision; the format
# shows the report's decimals (numbers.DECIMALS). Percentages are percentage points.
VALUE_FORMATS = {
    "count": "#,##0",
    "days": "#,##0",
    "gbp": "£#,##0",
    "percent": "#,##0.0",
    "rate_per_10000": "#,##0.0",
    "rate_per_100000": "#,##0.0",
    "weeks": "#,##0.0",
    "ratio": "#,##0.0",
}
LINE_HEIGHT = 12.75  # points per line of 10-point Arial
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: heading, width (characters), how to get the value, its format."""

    header: str
    width: float
    value: Callable[[Any], Any]
    # text, wrap, right, center, number, count, date, datetime or a VALUE_FORMATS unit; or a
    # function of the record giving one of those (a figure's value is formatted by its unit)
    kind: str | Callable[[Any], str] = "text"


class Book:
    """A workbook being written from a report context, with the formats its cells use."""

    def __init__(self, context: ReportContext, workbook: Workbook) -> None:
        self.ctx = context
        self.wb = workbook
        self.names: set[str] = set()
        header = {
            "bold": True,
            "font_color": "#FFFFFF",
            "bg_color": NAVY,
            "text_wrap": True,
            "valign": "bottom",
            "border": 1,
            "border_color": "#C9CFD9",
            "font_name": "Arial",
            "font_size": 10,
        }
        base = {"valign": "top", "font_name": "Arial", "font_size": 10}
        self.formats = {
            "header": workbook.add_format(header),
            "text": workbook.add_format(base),
            "wrap": workbook.add_format({**base, "text_wrap": True}),
            "right": workbook.add_format({**base, "align": "right"}),
            "center": workbook.add_format({**base, "align": "center", "bold": True}),
            "count": workbook.add_format({**base, "num_format": "#,##0"}),
            "number": workbook.add_format({**base, "num_format": "#,##0.0##"}),
            "date": workbook.add_format({**base, "num_format": "dd/mm/yyyy", "align": "left"}),
            "datetime": workbook.add_format(
                {**base, "num_format": "dd/mm/yyyy hh:mm", "align": "left"}
            ),
            "title": workbook.add_format(
                {"bold": True, "font_size": 14, "font_color": NAVY, "font_name": "Arial"}
            ),
            "subtitle": workbook.add_format(
                {"font_size": 10, "font_color": GREY, "font_name": "Arial"}
            ),
            "warning": workbook.add_format(
                {"bold": True, "font_size": 11, "font_color": "#C62828", "font_name": "Arial"}
            ),
            "note": workbook.add_format(
                {
                    "font_size": 9,
                    "font_color": GREY,
                    "font_name": "Arial",
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "bold": workbook.add_format({**base, "bold": True}),
        }
        for unit, num_format in VALUE_FORMATS.items():
            self.formats[unit] = workbook.add_format({**base, "num_format": num_format})
        self.rag_formats = {
            label: workbook.add_format({"bg_color": fill, "font_color": ink, "bold": True})
            for label, (fill, ink) in RAG_FILLS.items()
        }
        self.no_rag_format = workbook.add_format({"bg_color": NO_RAG[0], "font_color": NO_RAG[1]})

    def properties(self) -> None:
        ctx = self.ctx
        self.wb.set_properties(
            {
                "title": f"{ctx.title}: appendix | {ctx.authority.name}",
                "subject": f"{ctx.period.label} ({ctx.period.start_text} to {ctx.period.end_text})",
                "author": ctx.authority.name,
                "company": ctx.authority.name,
                "category": "Committee report appendix",
                "keywords": "; ".join(
                    ["children's social care", "performance", ctx.period.id]
                    + (["SYNTHETIC DATA"] if ctx.synthetic else [])
                    + (["for publication"] if ctx.publication.enabled else ["internal"])
                ),
                "comments": f"Generated by csc-scorecard {ctx.provenance.software_version} from report context schema "
                f"{ctx.schema_version}, store {ctx.provenance.store}.",
                "created": ctx.provenance.generated_at.replace(tzinfo=None),
            }
        )

    def sheet(self, title: str, *, landscape: bool = True) -> Worksheet:
        name = sheet_name(title, self.names)
        self.names.add(name.casefold())
        ws = self.wb.add_worksheet(name)
        ctx = self.ctx
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
        marker = " | SYNTHETIC DATA" if ctx.synthetic else ""
        status = "For publication" if ctx.publication.enabled else "Internal: not for publication"
        ws.set_header(
            f"&L{header_text(f'{ctx.authority.name} | {ctx.period.label}{marker}')}&R{header_text(name)}"
        )
        ws.set_footer(f"&L{header_text(status)}&RPage &P of &N")
        return ws

    def table(
        self,
        ws: Worksheet,
        columns: Sequence[Column],
        records: Iterable[Any],
        *,
        first_row: int = 0,
        freeze_columns: int = 0,
        filter: bool = True,
    ) -> int:
        """Header and rows from ``first_row``; frozen header, autofilter and widths. Returns
        the number of data rows."""
        for c, column in enumerate(columns):
            ws.write_string(first_row, c, column.header, self.formats["header"])
            ws.set_column(c, c, column.width)
        n = 0
        for n, record in enumerate(records, start=1):
            lines = 1
            for c, column in enumerate(columns):
                value = column.value(record)
                kind = column.kind(record) if callable(column.kind) else column.kind
                self.cell(ws, first_row + n, c, value, kind)
                if kind == "wrap" and isinstance(value, str):
                    lines = max(lines, wrapped_lines(value, column.width))
            if lines > 1:
                # xlsxwriter cannot measure text, and LibreOffice keeps the default height, so
                # wrapped rows get a height from their longest cell.
                ws.set_row(first_row + n, min(LINE_HEIGHT * lines + 2, 409))
        ws.freeze_panes(first_row + 1, freeze_columns)
        if filter:
            ws.autofilter(first_row, 0, first_row + max(n, 1), len(columns) - 1)
        ws.repeat_rows(first_row)
        return n

    def cell(self, ws: Worksheet, row: int, col: int, value: Any, kind: str) -> None:
        fmt = self.formats.get(kind) or self.formats["number" if kind == "value" else "text"]
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, datetime):
            ws.write_datetime(row, col, value.replace(tzinfo=None), self.formats["datetime"])
        elif isinstance(value, date):
            ws.write_datetime(
                row, col, datetime(value.year, value.month, value.day), self.formats["date"]
            )
        elif isinstance(value, (int, float)):
            if kind == "count" and float(value) != int(value):
                fmt = self.formats["number"]  # an FTE denominator such as 31.4
            ws.write_number(row, col, value, fmt)
        else:
            ws.write_string(row, col, str(value), fmt)


def sheet_name(title: str, taken: set[str] | None = None) -> str:
    """A valid, unique Excel sheet name for ``title``: no ``[]:*?/\\``, at most 31 characters,
    cut at a word, numbered when it would repeat (compared without case, as Excel does).

    >>> sheet_name("Contract Key Performance Indicators")
    'Contract Key Performance'
    >>> sheet_name("Summary", {"summary"})
    'Summary (2)'
    """
    taken = taken or set()
    clean = " ".join(_BAD_SHEET_CHARACTERS.sub(" ", title).split()).strip("'") or "Sheet"
    if len(clean) > 31:
        clean = clean[:31].rsplit(" ", 1)[0] if " " in clean[:31] else clean[:31]
    name, n = clean, 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = clean[: 31 - len(suffix)].rstrip() + suffix
    return name


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines ``text`` wraps to in a column ``width`` characters wide."""
    per_line = max(int(width * 1.1) - 2, 8)  # Arial 10 fits a little more than the width unit
    lines = 0
    for part in text.splitlines() or [""]:
        lines += max(1, -(-len(part) // per_line))
    return lines


def header_text(text: str) -> str:
    """Text for a page header or footer: a literal '&' is written '&&' (codes start with '&')."""
    return text.replace("&", "&&")
