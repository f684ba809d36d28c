"""Item 12 of issue 13: every CSV the product writes neutralises cells a spreadsheet would run
as a formula (OWASP "CSV Injection": a leading =, +, -, @, tab or carriage return)."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pyarrow as pa
import pytest

from csc_scorecard.commands import forecast as forecast_command
from csc_scorecard.csv_safety import safe_cell, write_arrow_csv

SRC = Path(__file__).resolve().parents[1] / "src" / "csc_scorecard"
HOSTILE = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_cells_are_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-5", "+3", "-1.25", "1e3", "Fostering", "", None, -5, 0.5])
def test_numbers_and_plain_text_are_unchanged(value):
    assert safe_cell(value) == value


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_forecast_csv_output_neutralises_labels(capsys, tmp_path):
    table = pa.table({"label": HOSTILE, "value": list(range(len(HOSTILE)))})
    forecast_command._csv(table, None)
    rows = _cells(capsys.readouterr().out)
    assert [r[0] for r in rows[1:]] == ["'" + t for t in HOSTILE]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(len(HOSTILE))]
    out = tmp_path / "f.csv"
    forecast_command._csv(table, out)
    assert [r[0] for r in _cells(out.read_bytes().decode())[1:]] == ["'" + t for t in HOSTILE]


def test_arrow_writer_keeps_negative_numbers_as_numbers():
    text = write_arrow_csv(pa.table({"name": ["-4", "=A1"], "n": [-4, 2]}))
    assert _cells(text)[1:] == [["-4", "-4"], ["'=A1", "2"]]


def test_every_csv_writer_in_the_product_goes_through_csv_safety():
    """Keeps it from coming back: a module that writes CSV must use the one safety function."""
    writers = []
    for path in SRC.rglob("*.py"):
        if path.name == "csv_safety.py":
            continue
        tree = ast.parse(path.read_text())
        calls = {
            f"{n.func.value.id}.{n.func.attr}"
            for n in ast.walk(tree)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and isinstance(n.func.value, ast.Name)
        }
        if calls & {"csv.writer", "csv.DictWriter", "pacsv.write_csv"}:
            writers.append(path)
            assert "csv_safety" in path.read_text(), f"{path} writes CSV without csv_safety"
    assert writers, "the scan found no CSV writer at all: it is not looking in the right place"


def test_every_xlsx_writer_keeps_strings_as_strings():
    """An XLSX cell written from text must never become a formula (xlsxwriter turns text starting
    with '=' into one unless `strings_to_formulas` is off)."""
    writers = [p for p in SRC.rglob("*.py") if "xlsxwriter.Workbook(" in p.read_text()]
    assert writers, "the scan found no workbook writer"
    for path in writers:
        text = path.read_text()
        assert text.count('"strings_to_formulas": False') >= text.count("xlsxwriter.Workbook("), (
            path
        )
