"""A plain CSV split by Arrow (`csv_rows.plain_columns`) gives exactly the csv module's rows
(`csv_rows.parse_rows`), or is left to it: the templates and the 903 CSVs are read that way."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from csc_scorecard.ingest.formats.csv_rows import parse_rows, plain_columns

CELLS = ["1", "", " ", "a b", "  x  ", "café", "\u00a0", "\t", "01/02/2022", "x\x1fy", "\ufeffz"]
ENDS = ["\n", "\r\n"]


def _as_rows(text: str) -> tuple[list[str] | None, list[tuple[int, list[str]]]] | None:
    split = plain_columns(text)
    if split is None:
        return None
    header, table = split
    columns = [table.column(f"c{i}").to_pylist() for i in range(len(header))]
    numbers = table.column("source_row").to_pylist()
    return header, [(n, list(cells)) for n, cells in zip(numbers, zip(*columns), strict=True)]


def _text(rng: random.Random, *, odd: bool) -> str:
    width = rng.randint(1, 4)
    end = rng.choice(ENDS)
    lines = [",".join(f"h{i}" for i in range(width))]
    for _ in range(rng.randint(1, 8)):
        cells = [rng.choice(CELLS) for _ in range(width)]
        if odd and rng.random() < 0.15:
            cells = cells[: rng.randint(0, width)] or [""]  # a short or blank row
        if odd and rng.random() < 0.1:
            cells.append(rng.choice(CELLS))  # a wide row
        lines.append(",".join(cells))
    text = end.join(lines) + rng.choice(["", end, end + end])
    if odd and rng.random() < 0.1:
        text = text.replace(end, "\r", 1)  # a lone carriage return
    if odd and rng.random() < 0.1:
        text = text.replace(",", ',"', 1)  # a quote
    return text


@pytest.mark.parametrize("seed", range(300))
def test_a_split_is_the_csv_modules_rows(seed: int):
    rng = random.Random(seed)
    text = _text(rng, odd=seed % 2 == 1)
    split = _as_rows(text)
    if split is not None:
        assert split == parse_rows(Path("t.csv"), text)


def test_ordinary_files_are_split_and_odd_ones_left_to_the_csv_module():
    assert _as_rows("a,b\r\n1, 2 \r\n,\u00e9\r\n") == (
        ["a", "b"],
        [(2, ["1", " 2 "]), (3, ["", "é"])],
    )
    for odd in [
        "a,b\n1,2\n\n3,4\n",  # a blank row
        "a,b\n1,2\n , \n",  # a row of blanks
        "a,b\n1\n",  # a short row
        "a,b\n1,2,\n",  # a wide one
        'a,b\n"1",2\n',  # quoted
        "a,b\r1,2\r",  # old Mac line breaks
        "a,b\n\ufeff1,2\n",  # Arrow would drop the mark
        "a,b\n",  # no rows
        "\na,b\n1,2\n",  # a blank header
    ]:
        assert plain_columns(odd) is None, odd
