"""The synthetic writers' CSV fast path writes the bytes `csv.writer` writes."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from csc_scorecard.synth.writers.csv_out import joined, write_csv


def _by_csv(header, columns) -> str:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(zip(*columns, strict=True))
    return text.getvalue()


COLUMNS = [
    ["A1", "", None, " spaced ", "é", "tab\there", "a\0b", "-3"],
    [1, -2, None, 0, 10**20, 7, 3, 4],
    [1.5, 1e-07, None, float("nan"), float("inf"), -0.0, 2.0, 1 / 3],
]


@pytest.mark.parametrize(
    "columns",
    [
        COLUMNS,
        [COLUMNS[0], ["x,y", "", "", "", "", "", "", ""]],  # a comma: csv quotes it
        [COLUMNS[0], ['say "hi"', "", "", "", "", "", "", ""]],
        [COLUMNS[0], ["line\nbreak", "", "", "", "", "", "", ""]],
        [COLUMNS[0], ["cr\r", "", "", "", "", "", "", ""]],
        [COLUMNS[0], [True, False, None, True, True, True, True, True]],
        [COLUMNS[0], [date(2022, 6, 30)] * 8],
        [["", None, "x"]],  # one field: a lone empty field is written as ""
        [[], []],
    ],
)
def test_the_same_bytes_as_csv_writer(tmp_path, columns):
    header = [f"c{i}" for i in range(len(columns))]
    path = write_csv(tmp_path / "out.csv", header, columns)
    assert path.read_bytes() == _by_csv(header, columns).encode()


def test_joined_only_when_no_cell_needs_quoting():
    assert joined(COLUMNS) is not None
    assert joined([COLUMNS[0], ["x,y"] * 8]) is None
    assert joined([["only"]]) is None
    assert joined([[True], [1]]) is None
