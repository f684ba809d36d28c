"""The Excel appendix workbook (report/xlsx.py) read back with openpyxl and fastexcel.

Same synthetic authority and report contexts as the Word tests (built once per process). The
tests check the sheets, every appendix value against the context, RAG written as text with
conditional fills (never a formula), the frozen header and filter, the tidy Measures sheet,
and that child-level sheets appear only when asked for on an internal report.
"""

from __future__ import annotations

import math

import fastexcel
import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from test_report_docx import synthetic_reports

from csc_scorecard.report import xlsx, xlsx_book

GROUP_HEADERS = [
    "Ref",
    "Measure",
    "Target (tolerance)",
    "Target in words",
    "Comparator",
    "Comparator basis",
    None,
    None,
    "Window",
    "Numerator",
    "Denominator",
    "RAG",
    "Direction",
    "Small numbers",
    "Commentary",
    "Commentary type",
    "Why no figure",
    "Measure id",
    "Figure id",
]


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    reports = synthetic_reports()
    paths = {
        "internal": xlsx.render(reports["internal"], folder / "internal.xlsx"),
        "private": xlsx.render(reports["internal"], folder / "private.xlsx", private=True),
        "publication": xlsx.render(reports["publication"], folder / "publication.xlsx"),
    }
    return {
        name: (reports["publication" if name == "publication" else "internal"], path)
        for name, path in paths.items()
    }


@pytest.fixture(scope="module", params=["internal", "publication"])
def book(request, workbooks):
    context, path = workbooks[request.param]
    return context, openpyxl.load_workbook(path), path


def _rows(ws, first: int = 1) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def _blank(value) -> object:
    return None if value == "" else value


def _group_sheets(context) -> list[str]:
    taken: set[str] = {"summary"}
    names = []
    for group in context.appendix:
        name = xlsx_book.sheet_name(group.title, taken)
        taken.add(name.casefold())
        names.append(name)
    return names


def test_sheets_and_no_private_sheet_unless_asked(book):
    context, wb, _ = book
    assert wb.sheetnames == [
        "Summary",
        *_group_sheets(context),
        "Measures",
        "Definitions",
        "Data quality",
    ]
    assert not set(xlsx.PRIVATE_SHEETS) & set(wb.sheetnames)
    assert all(len(name) <= 31 for name in wb.sheetnames)


def test_appendix_sheets_hold_the_context_values(book):
    context, wb, _ = book
    for name, group in zip(_group_sheets(context), context.appendix, strict=True):
        rows = _rows(wb[name])
        headers = GROUP_HEADERS.copy()
        headers[6:8] = [context.previous.label, context.period.label]
        assert rows[0] == headers
        assert len(rows) == len(group.rows) + 1
        for printed, item in zip(rows[1:], group.rows):
            expected = [
                item.item,
                item.title,
                item.target,
                item.target_words,
                "\n".join(c.display or "not published" for c in item.comparators),
                "\n".join(
                    f"{c.heading} ({c.note})" if c.note else c.heading for c in item.comparators
                ),
                item.previous,
                item.current,
                item.window,
                xlsx._number(item.numerator),
                xlsx._number(item.denominator),
                item.status_label,
                xlsx.DIRECTIONS.get(item.direction or ""),
                "Yes" if item.small_numbers else None,
                item.commentary
                + (f" ({item.commentary_author})" if item.commentary_author else ""),
                {"draft": "Draft", "analyst": "Analyst"}.get(item.commentary_kind),
                item.reason,
                item.measure,
                item.figure,
            ]
            assert printed == [_blank(v) for v in expected]
            if item.numerator and item.numerator != context.publication.symbol:
                assert isinstance(printed[9], int)  # a printed count is a number in the workbook


def test_rag_is_text_with_conditional_fills_never_a_formula(book):
    context, wb, _ = book
    for name, group in zip(_group_sheets(context), context.appendix):
        ws = wb[name]
        column = get_column_letter(GROUP_HEADERS.index("RAG") + 1)
        cells = [ws[f"{column}{i}"] for i in range(2, len(group.rows) + 2)]
        assert [c.value for c in cells] == [r.status_label for r in group.rows]
        assert all(c.data_type == "s" for c in cells)
        rules = {}
        for cf in ws.conditional_formatting:
            assert str(cf.sqref) == f"{column}2:{column}{len(group.rows) + 1}"
            for rule in cf.rules:
                assert (rule.type, rule.operator) == ("cellIs", "equal")
                rules[rule.formula[0].strip('"')] = rule.dxf
        assert set(rules) == {
            "Green",
            "Amber",
            "Red",
            "Information",
            "Not available",
            "Not reportable",
        }
        for label, (fill, ink) in xlsx_book.RAG_FILLS.items():
            assert rules[label].fill.bgColor.rgb.endswith(fill.lstrip("#"))
            assert rules[label].font.color.rgb.endswith(ink.lstrip("#"))
    formulas = [
        c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []


def test_frozen_header_filter_and_widths(book):
    context, wb, _ = book
    for name, group in zip(_group_sheets(context), context.appendix):
        ws = wb[name]
        assert ws.freeze_panes == "C2"  # header row, and Ref and Measure stay in view
        assert (
            ws.auto_filter.ref == f"A1:{get_column_letter(len(GROUP_HEADERS))}{len(group.rows) + 1}"
        )
        assert ws.column_dimensions["B"].width > 40 and ws.column_dimensions["A"].width < 10
        assert ws.print_title_rows == "$1:$1"  # the header repeats on every printed page
        commentary = get_column_letter(GROUP_HEADERS.index("Commentary") + 1)
        # printed up to the commentary
        assert ws.print_area.endswith(f"!$A$1:${commentary}${len(group.rows) + 1}")
    for name in ("Measures", "Definitions", "Data quality"):
        assert wb[name].freeze_panes in ("B2", "C2") and wb[name].auto_filter.ref.startswith("A1:")


def test_summary_counts_with_both_denominators(book):
    context, wb, _ = book
    rows = _rows(wb["Summary"])
    header_at = next(i for i, r in enumerate(rows) if r[0] == "Group")
    header = rows[header_at]
    assert {"Indicators", "Rated (with a RAG)", "Green", "Amber", "Red", "Without data"} <= set(
        header
    )
    body = {(r[0], r[1]): dict(zip(header, r)) for r in rows[header_at + 1 :] if r[0] and r[1]}
    expected = [(g.title, context.period.label, g.summary) for g in context.appendix]
    everything = f"{context.performance.framework}: all indicators"
    expected += [
        (everything, context.period.label, context.performance.summary),
        (everything, context.previous.label, context.performance.previous_summary),
    ]
    assert len(body) == len(expected)
    for title, quarter, counts in expected:
        row = body[(title, quarter)]
        assert row["Indicators"] == counts.total and row["Rated (with a RAG)"] == counts.rated
        assert (row["Green"], row["Amber"], row["Red"]) == (counts.green, counts.amber, counts.red)
        assert row["Without data"] == counts.without_data
        assert row["Better than or within tolerance"] == counts.better_or_within_tolerance
    title_block = " ".join(str(r[0]) for r in rows[:header_at] if r[0])
    assert context.authority.name in title_block and "SYNTHETIC DATA" in title_block
    assert ("Publication version." in title_block) == context.publication.enabled


def test_measures_sheet_is_tidy_and_equals_the_figures(book):
    context, wb, path = book
    rows = _rows(wb["Measures"])
    header = rows[0]
    records = [dict(zip(header, r)) for r in rows[1:]]
    assert len(records) == len(context.figures)
    by_id = {r["Figure id"]: r for r in records}
    assert set(by_id) == set(context.figures)
    for fid, f in context.figures.items():
        r = by_id[fid]
        assert (r["Measure id"], r["Quarter"], r["Category code"], r["Status"]) == (
            f.measure,
            f.period,
            f.dimension,
            f.status,
        )
        assert r["As printed"] == _blank(f.display)
        for column, value in (
            ("Value", f.value),
            ("Numerator", f.numerator),
            ("Denominator", f.denominator),
        ):
            assert (r[column] is None) if value is None else math.isclose(r[column], value), (
                fid,
                column,
            )
    # The same sheet read as a table by fastexcel, header in the first row.
    table = fastexcel.read_excel(path).load_sheet_by_name("Measures").to_arrow()
    assert table.num_rows == len(context.figures)
    assert table.column_names == header


def test_definitions_sheet_has_every_measure(book):
    context, wb, _ = book
    rows = _rows(wb["Definitions"])
    found = {r[0]: r for r in rows[1:]}
    assert set(found) == set(context.definitions)
    for measure, d in context.definitions.items():
        assert found[measure][1] == d.title
        assert found[measure][5] == d.definition and found[measure][6] == d.source


def test_data_quality_sheet(book):
    context, wb, _ = book
    rows = [dict(zip(_rows(wb["Data quality"])[0], r)) for r in _rows(wb["Data quality"])[1:]]
    dq = context.data_quality
    notes = [r for r in rows if r["Type"] in ("Not reportable", "Not available")]
    assert [(r["Measure id"], r["Why / what was found"]) for r in notes] == [
        (n.measure, n.reason) for n in dq.not_reportable + dq.not_available
    ]
    issues = [r for r in rows if r["Type"] == "Load issue"]
    assert len(issues) == len(dq.issues) > 0
    assert [(r["Table"], r["Rule"], r["Records"]) for r in issues] == [
        (i.table, i.rule, i.count) for i in dq.issues
    ]
    # Record pointers (file:row) identify children: never on the public sheets.
    everything = " ".join(
        str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert not any(pointer in everything for i in dq.issues for pointer in i.rows)


def test_private_sheet_only_on_request_and_never_for_publication(workbooks, tmp_path):
    context, path = workbooks["private"]
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == "Issue records"
    rows = _rows(wb["Issue records"])
    pointers = [(i.rule, p) for i in context.data_quality.issues for p in i.rows]
    assert len(pointers) > 0
    assert [(r[2], r[5]) for r in rows[1:]] == pointers
    published = synthetic_reports()["publication"]
    with pytest.raises(xlsx.PrivateSheetsRefused):
        xlsx.render(published, tmp_path / "refused.xlsx", private=True)
    assert not (tmp_path / "refused.xlsx").exists()


def test_publication_workbook_shows_suppressed_figures_as_c(workbooks):
    context, path = workbooks["publication"]
    wb = openpyxl.load_workbook(path)
    symbol = context.publication.symbol
    suppressed = [f for f in context.figures.values() if f.status == "suppressed"]
    assert suppressed
    measures = {r[15]: r for r in _rows(wb["Measures"], 2)}
    for f in suppressed:
        row = measures[f.id]
        assert row[6] is None and row[7] is None and row[11] == symbol
    current = GROUP_HEADERS.index(None) + 1  # the second unnamed column: this quarter
    printed = [row[current] for name in _group_sheets(context) for row in _rows(wb[name], 2)]
    assert (
        printed.count(symbol)
        == sum(r.current == symbol for g in context.appendix for r in g.rows)
        > 0
    )


def test_workbook_properties(workbooks):
    context, path = workbooks["internal"]
    props = openpyxl.load_workbook(path).properties
    assert props.creator == context.authority.name
    assert props.title == f"{context.title}: appendix | {context.authority.name}"
    assert "SYNTHETIC DATA" in props.keywords
