"""The workbook cell scan (`ingest.workbook`): error cells and formulas without a saved value
are found; a sheet whose bytes hold neither marker is not walked cell by cell (issue 14)."""

from __future__ import annotations

import openpyxl
import pytest

from csc_scorecard.ingest import workbook


@pytest.mark.parametrize(
    ("xml", "maybe"),
    [
        (b'<c r="A1" t="e"><v>#N/A</v></c>', True),
        (b"<c r='A1' t = 'e'><v>#REF!</v></c>", True),
        (b'<c r="A1" t="&#101;"><v>#REF!</v></c>', True),  # "e" as a character reference
        (b'<c r="A1"><f>SUM(B1:B2)</f></c>', True),
        (b'<c r="A1"><x:f t="shared" si="0"/></c>', True),
        ("<c/>".encode("utf-16"), True),  # not UTF-8: walked
        (b'<c r="A1" t="s"><v>1</v></c><c r="B1"><v>f</v></c><font/>', False),
        (b'<c r="A1" xt="e"><v>2</v></c>', False),
    ],
)
def test_the_byte_check_never_misses_a_marker(xml, maybe):
    assert workbook._may_have_problems(xml) is maybe


def test_only_sheets_with_markers_are_walked(tmp_path, monkeypatch):
    book = openpyxl.Workbook()
    plain, formulas = book.active, book.create_sheet("formulas")
    plain.append(["child_id", "weekly_cost"])
    plain.append(["A", 12])
    formulas.append(["child_id", "weekly_cost"])
    formulas.append(["A", "=B1*2"])  # openpyxl keeps no value for a formula
    path = tmp_path / "book.xlsx"
    book.save(path)
    walked = []
    real = workbook.SafeET.iterparse
    monkeypatch.setattr(
        workbook.SafeET, "iterparse", lambda *a, **k: walked.append(1) or real(*a, **k)
    )
    assert workbook.cell_problems(path, 0) == ([], 0) and walked == []
    found, first = workbook.cell_problems(path, "formulas")
    assert found == [(2, "B", "formula_without_value", "=B1*2")] and first == 0
    assert walked == [1]
