"""The report's appendix as an Excel workbook (.xlsx), written with xlsxwriter.

Sheets, in order:

* **Summary** - the report's title block, then the counts per framework group for the quarter
  (and for the whole framework this quarter and last), with both denominators: all indicators
  and those with a rating (rating.summary);
* one sheet **per framework group** - Appendix 1 as a filterable table: measure, target
  (tolerance) and a moving target in words, every comparator (one a line, each with its year,
  basis and window), previous and this quarter as printed, this quarter's window in words, RAG,
  direction, commentary;
* **Measures** - every figure in the context as tidy data: value, numerator, denominator,
  status and why a figure is missing;
* **Definitions** - every catalogue measure's definition and source;
* **Data quality** - measures not reportable or not available and why, and the issues found
  when the files were loaded;
* **Issue records** - only with ``private=True`` on an internal (not publication) context: the
  file-and-row pointers of each data-quality issue, which identify children's records.

Like every renderer it prints the report context and computes nothing. RAG is written as text
values with conditional fills on top, never as a formula: neither xlsxwriter nor openpyxl
calculates formulas, so a formula column would read back empty until Excel recalculates it
(stack.md gotcha 13). Figures shown in the appendix sheets are the printed text ("91.2%", "c");
the Measures sheet carries the same figures as numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from csc_scorecard.report.model import (
    AppendixComparator,
    AppendixGroup,
    AppendixRow,
    Counts,
    ReportContext,
)

NAVY = "#1F2A44"
GREY = "#6B7280"
# The report's RAG colours (report.css): fill and the text colour that reads on it.
RAG_FILLS: dict[str, tuple[str, str]] = {
    "Green": ("#2E7D32", "#FFFFFF"),
    "Amber": ("#F0A30A", "#2B2100"),
    "Red": ("#C62828", "#FFFFFF"),
}
NO_RAG = ("#D5D9E0", "#1B1F2A")  # Information, Not available, Not reportable
DIRECTIONS = {"improving": "Improving", "worsening": "Worsening", "unchanged": "Unchanged"}
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
PRIVATE_SHEETS = ("Issue records",)
LINE_HEIGHT = 12.75  # points per line of 10-point Arial
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


class PrivateSheetsRefused(ValueError):
    """Child- or worker-level sheets were asked for on a report prepared for publication."""


@dataclass(frozen=True)
class Column:
    """One column of a sheet: heading, width (characters), how to get the value, its format."""

    header: str
    width: float
    value: Callable[[Any], Any]
    # text, wrap, right, center, number, count, date, datetime or a VALUE_FORMATS unit; or a
    # function of the record giving one of those (a figure's value is formatted by its unit)
    kind: str | Callable[[Any], str] = "text"


def render(context: ReportContext, path: str | Path, *, private: bool = False) -> Path:
    """Write the appendix workbook to ``path``.

    ``private=True`` adds the child-level sheet (data-quality issue records); it is refused
    for a context prepared for publication, which holds no such detail.
    """
    if private and context.publication.enabled:
        raise PrivateSheetsRefused(
            "child- and worker-level sheets cannot be added to a report prepared for publication"
        )
    path = Path(path)
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False}
    )
    try:
        _Appendix(context, workbook).write(private=private)
    finally:
        workbook.close()
    return path


class _Appendix:
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

    def write(self, *, private: bool) -> None:
        self._properties()
        self._summary()
        for group in self.ctx.appendix:
            self._group(group)
        self._measures()
        self._definitions()
        self._data_quality()
        if private:
            self._issue_records()

    # -- workbook ---------------------------------------------------------------------------------

    def _properties(self) -> None:
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

    def _sheet(self, title: str, *, landscape: bool = True) -> Worksheet:
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
            f"&L{_literal(f'{ctx.authority.name} | {ctx.period.label}{marker}')}&R{_literal(name)}"
        )
        ws.set_footer(f"&L{_literal(status)}&RPage &P of &N")
        return ws

    def _table(
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
                self._cell(ws, first_row + n, c, value, kind)
                if kind == "wrap" and isinstance(value, str):
                    lines = max(lines, _lines(value, column.width))
            if lines > 1:
                # xlsxwriter cannot measure text, and LibreOffice keeps the default height, so
                # wrapped rows get a height from their longest cell.
                ws.set_row(first_row + n, min(LINE_HEIGHT * lines + 2, 409))
        ws.freeze_panes(first_row + 1, freeze_columns)
        if filter:
            ws.autofilter(first_row, 0, first_row + max(n, 1), len(columns) - 1)
        ws.repeat_rows(first_row)
        return n

    def _cell(self, ws: Worksheet, row: int, col: int, value: Any, kind: str) -> None:
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

    # -- sheets -----------------------------------------------------------------------------------

    def _summary(self) -> None:
        ctx = self.ctx
        ws = self._sheet("Summary")
        ws.set_tab_color(NAVY)
        ws.write_string(0, 0, f"{ctx.title}: appendix", self.formats["title"])
        region = f", {ctx.authority.region}" if ctx.authority.region else ""
        ws.write_string(
            1,
            0,
            f"{ctx.authority.name} (DfE LA {ctx.authority.la_code}{region}) | {ctx.period.label}: "
            f"{ctx.period.start_text} to {ctx.period.end_text}",
            self.formats["subtitle"],
        )
        ws.write_string(2, 0, ctx.provenance.statement, self.formats["subtitle"])
        if ctx.publication.enabled:
            status = f"Publication version. {ctx.publication.note or ''}".strip()
        else:
            status = "Internal report: figures are not suppressed; do not publish this version."
        ws.write_string(3, 0, status, self.formats["bold"])
        if ctx.synthetic:
            ws.write_string(
                4,
                0,
                "SYNTHETIC DATA: produced from a synthetic local authority generated by scorecard "
                "synth. No figure describes real children.",
                self.formats["warning"],
            )
        rows: list[tuple[str, str, Counts, str]] = [
            (g.title, ctx.period.label, g.summary, "; ".join(g.summary_lines)) for g in ctx.appendix
        ]
        perf = ctx.performance
        everything = perf.framework or "All indicators"
        if perf.summary is not None:
            rows.append((f"{everything}: all indicators", ctx.period.label, perf.summary, ""))
        if perf.previous_summary is not None:
            rows.append(
                (f"{everything}: all indicators", ctx.previous.label, perf.previous_summary, "")
            )
        counts = [
            ("Indicators", "total"),
            ("Green", "green"),
            ("Amber", "amber"),
            ("Red", "red"),
            ("For information", "information"),
            ("Not available", "not_available"),
            ("Not reportable", "not_reportable"),
            ("Rated (with a RAG)", "rated"),
            ("With data", "with_data"),
            ("Better than or within tolerance", "better_or_within_tolerance"),
            ("Below target", "below_target"),
            ("Without data", "without_data"),
        ]
        columns = [
            Column("Group", 44, lambda r: r[0], "wrap"),
            Column("Quarter", 12, lambda r: r[1]),
        ]
        columns += [Column(h, 11, _count_of(field), "count") for h, field in counts]
        columns.append(Column("Summary", 70, lambda r: r[3], "wrap"))
        first = 6
        n = self._table(ws, columns, rows, first_row=first, freeze_columns=1, filter=False)
        ws.set_row(first, 30)
        notes = list(ctx.appendix_notes)
        if notes:
            at = first + n + 2
            ws.write_string(at, 0, "Notes", self.formats["bold"])
            for i, note in enumerate(notes, start=1):
                ws.merge_range(
                    at + i, 0, at + i, len(columns) - 1, f"{i}. {note}", self.formats["note"]
                )
                ws.set_row(at + i, 15 * max(1, -(-len(note) // 220)))

    def _group(self, group: AppendixGroup) -> None:
        ctx = self.ctx
        ws = self._sheet(group.title)
        columns = [
            Column("Ref", 6, lambda r: r.item),
            Column("Measure", 46, lambda r: r.title, "wrap"),
            Column("Target (tolerance)", 14, lambda r: r.target, "right"),
            Column("Target in words", 30, lambda r: r.target_words, "wrap"),
            # Every comparator, one a line: its figure, and beside it its heading and note.
            Column(
                "Comparator",
                12,
                lambda r: _one_a_line(c.display or "not published" for c in r.comparators),
                "wrap",
            ),
            Column(
                "Comparator basis",
                40,
                lambda r: _one_a_line(_basis(c) for c in r.comparators),
                "wrap",
            ),
            Column(ctx.previous.label, 12, lambda r: r.previous, "right"),
            Column(ctx.period.label, 12, lambda r: r.current, "right"),
            Column("Window", 22, lambda r: r.window, "wrap"),
            Column("Numerator", 11, lambda r: _number(r.numerator), "count"),
            Column("Denominator", 12, lambda r: _number(r.denominator), "count"),
            Column("RAG", 13, lambda r: r.status_label, "center"),
            Column("Direction", 12, lambda r: DIRECTIONS.get(r.direction or "", "")),
            Column("Small numbers", 9, lambda r: "Yes" if r.small_numbers else ""),
            Column("Commentary", 70, _commentary, "wrap"),
            Column(
                "Commentary type",
                12,
                lambda r: {"draft": "Draft", "analyst": "Analyst"}.get(r.commentary_kind, ""),
            ),
            Column("Why no figure", 30, lambda r: r.reason, "wrap"),
            Column("Measure id", 28, lambda r: r.measure),
            Column("Figure id", 34, lambda r: r.figure),
        ]
        n = self._table(ws, columns, group.rows, freeze_columns=2)
        ws.set_row(0, 30)
        # Printed, the sheet is the committee's appendix: up to the commentary, not the ids.
        ws.print_area(
            0, 0, max(n, 1), next(i for i, c in enumerate(columns) if c.header == "Commentary")
        )
        if n:
            # The printed figures are text ("91.2%", "c"): tell Excel that is intended.
            ws.ignore_errors(
                {"number_stored_as_text": f"A2:{_column_letter(len(columns) - 1)}{n + 1}"}
            )
            rag = next(i for i, c in enumerate(columns) if c.header == "RAG")
            for label, fmt in self.rag_formats.items():
                ws.conditional_format(
                    1,
                    rag,
                    n,
                    rag,
                    {"type": "cell", "criteria": "==", "value": f'"{label}"', "format": fmt},
                )
            for label in ("Information", "Not available", "Not reportable"):
                ws.conditional_format(
                    1,
                    rag,
                    n,
                    rag,
                    {
                        "type": "cell",
                        "criteria": "==",
                        "value": f'"{label}"',
                        "format": self.no_rag_format,
                    },
                )

    def _measures(self) -> None:
        ws = self._sheet("Measures")
        order = {m: i for i, m in enumerate(self.ctx.definitions)}
        periods = {
            p: i for i, p in enumerate(sorted({f.period for f in self.ctx.figures.values()}))
        }
        figures = sorted(
            self.ctx.figures.values(),
            key=lambda f: (
                order.get(f.measure, len(order)),
                f.measure,
                f.dimension is not None,
                f.dimension or "",
                periods[f.period],
            ),
        )

        columns = [
            Column("Measure id", 30, lambda f: f.measure),
            Column("Measure", 46, lambda f: f.title, "wrap"),
            Column("Quarter", 9, lambda f: f.period),
            Column("Category code", 12, lambda f: f.dimension),
            Column("Category", 30, lambda f: f.dimension_label, "wrap"),
            Column("Unit", 14, lambda f: f.unit),
            # Full precision, shown to the report's decimals for the figure's unit.
            Column("Value", 11, lambda f: f.value, lambda f: f.unit),
            Column("Numerator", 11, lambda f: f.numerator, "count"),
            Column("Denominator", 12, lambda f: f.denominator, "count"),
            Column("Status", 14, lambda f: f.status),
            Column("Reason", 36, lambda f: f.reason, "wrap"),
            Column("As printed", 11, lambda f: f.display, "right"),
            Column("Window start", 12, lambda f: f.window_start, "date"),
            Column("Window end", 12, lambda f: f.window_end, "date"),
            Column("Source", 18, lambda f: f.source),
            Column("Figure id", 40, lambda f: f.id),
        ]
        n = self._table(ws, columns, figures, freeze_columns=2)
        if n:
            last = _column_letter(len(columns) - 1)
            ws.ignore_errors({"number_stored_as_text": f"A2:{last}{n + 1}"})

    def _definitions(self) -> None:
        ws = self._sheet("Definitions")
        columns = [
            Column("Measure id", 30, lambda d: d.measure),
            Column("Measure", 40, lambda d: d.title, "wrap"),
            Column("Unit", 14, lambda d: d.unit),
            Column("Polarity", 14, lambda d: d.polarity.replace("_", " ")),
            Column("Period", 20, lambda d: d.period_type.replace("_", " ")),
            Column("Definition", 90, lambda d: d.definition, "wrap"),
            Column("Source", 50, lambda d: d.source, "wrap"),
            Column(
                "Settings",
                30,
                lambda d: json.dumps(d.settings, sort_keys=True, default=str) if d.settings else "",
                "wrap",
            ),
        ]
        self._table(ws, columns, self.ctx.definitions.values(), freeze_columns=2)

    def _data_quality(self) -> None:
        ws = self._sheet("Data quality")
        dq = self.ctx.data_quality
        rows: list[dict[str, Any]] = []
        for note in dq.not_reportable + dq.not_available:
            rows.append(
                {
                    "type": note.status.replace("_", " ").capitalize(),
                    "measure": note.measure,
                    "title": note.title,
                    "description": note.reason,
                }
            )
        for issue in dq.issues:
            rows.append(
                {
                    "type": "Load issue",
                    "table": issue.table,
                    "column": issue.column,
                    "rule": issue.rule,
                    "severity": issue.severity,
                    "count": issue.count,
                    "description": issue.message,
                }
            )
        faults = dq.rule_faults
        for fault in faults.rules if faults else []:
            rows.append(
                {
                    "type": "DfE rule",
                    "table": fault.dfe_return,
                    "column": fault.field,
                    "rule": fault.rule,
                    "open": fault.open if fault.open is not None else fault.open_display,
                    "opened": fault.opened if fault.opened is not None else fault.opened_display,
                    "closed": fault.closed if fault.closed is not None else fault.closed_display,
                    "description": fault.message,
                }
            )
        for error in dq.errors:
            measure, _, message = error.partition(": ")
            rows.append(
                {"type": "Measure failed", "measure": measure, "description": message or error}
            )
        columns = [
            Column("Type", 16, lambda r: r["type"]),
            Column("Measure id", 30, lambda r: r.get("measure")),
            Column("Measure", 40, lambda r: r.get("title"), "wrap"),
            Column("Table", 18, lambda r: r.get("table")),
            Column("Column", 18, lambda r: r.get("column")),
            Column("Rule", 20, lambda r: r.get("rule")),
            Column("Severity", 10, lambda r: r.get("severity")),
            Column("Records", 10, lambda r: r.get("count"), "count"),
            Column("Faults open", 11, lambda r: r.get("open"), "count"),
            Column("Opened since last quarter", 13, lambda r: r.get("opened"), "count"),
            Column("Closed since last quarter", 13, lambda r: r.get("closed"), "count"),
            Column("Why / what was found", 70, lambda r: r["description"], "wrap"),
        ]
        self._table(ws, columns, rows, freeze_columns=1)

    def _issue_records(self) -> None:
        ws = self._sheet("Issue records")
        ws.set_tab_color("#C62828")
        rows = [
            (issue, pointer) for issue in self.ctx.data_quality.issues for pointer in issue.rows
        ]
        columns = [
            Column("Table", 18, lambda r: r[0].table),
            Column("Column", 18, lambda r: r[0].column),
            Column("Rule", 20, lambda r: r[0].rule),
            Column("Severity", 10, lambda r: r[0].severity),
            Column("Issue", 60, lambda r: r[0].message, "wrap"),
            Column("Record (file:row)", 40, lambda r: r[1]),
        ]
        self._table(ws, columns, rows, freeze_columns=1)


# -- helpers ------------------------------------------------------------------------------------


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


def _count_of(field: str) -> Callable[[tuple[str, str, Counts, str]], int]:
    """The value getter of a Summary column: one count of the row's ``Counts``."""
    return lambda row: getattr(row[2], field)


def _lines(text: str, width: float) -> int:
    """About how many lines ``text`` wraps to in a column ``width`` characters wide."""
    per_line = max(int(width * 1.1) - 2, 8)  # Arial 10 fits a little more than the width unit
    lines = 0
    for part in text.splitlines() or [""]:
        lines += max(1, -(-len(part) // per_line))
    return lines


def _commentary(r: AppendixRow) -> str:
    text = r.commentary
    if r.commentary_author:
        text = f"{text} ({r.commentary_author})"
    return text


def _one_a_line(texts: Iterable[str]) -> str:
    return "\n".join(texts)


def _basis(c: AppendixComparator) -> str:
    """ "England 2021/22 (DfE published figure, year to 31 March 2022)" """
    return f"{c.heading} ({c.note})" if c.note else c.heading


def _number(text: str) -> float | int | str | None:
    """A printed count ('1,182') as a number; other text unchanged, blank as None."""
    if not text:
        return None
    plain = text.replace(",", "")
    try:
        return int(plain)
    except ValueError:
        try:
            return float(plain)
        except ValueError:
            return text


def _column_letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(index)


def _literal(text: str) -> str:
    """Text for a page header or footer: a literal '&' is written '&&' (codes start with '&')."""
    return text.replace("&", "&&")
