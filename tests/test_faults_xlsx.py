"""The fault sheets of the XLSX fix lists (`commands._faults.to_xlsx`), their cells made
column-wise, hold what writing each fault row by row gives: every cell through the formula
guard, "" for none, each fault on its group's sheet (`fixlists.group_of`)."""

from __future__ import annotations

import openpyxl
import pyarrow as pa

from csc_scorecard.commands._faults import XLSX_COLUMNS, neutral, to_xlsx
from csc_scorecard.quality.fixlists import group_of, groups


def _faults() -> pa.Table:
    rows = [  # (team, worker, child, value, measures_affected)
        ("T1", "W1", "C1", "=1+2", 3),
        (None, None, "C2", "plain", 0),
        ("", "W2", "C3", "-5", 1),  # a blank team is no team
        ("T1", None, None, None, 2),  # no child: the authority's return as a whole
        ("T2", "W1", "C4", "@x", None),
        ("T1", "W3", "C5", "é, ü", 1),
    ]
    team, worker, child, value, affected = (list(c) for c in zip(*rows, strict=True))
    n = len(rows)
    return pa.table(
        {
            "rule": pa.array(["103", "8500", "103", "2883", "392c", "103"]).dictionary_encode(),
            "return": pa.array(["ssda903"] * n).dictionary_encode(),
            "table": pa.array(["Episodes"] * n),
            "row": pa.array([2, 3, None, None, 6, 7], pa.int32()),
            "child": pa.array(child, pa.string()),
            "field": pa.array(["DECOM", "+x", None, None, "URN", "HOME_POST"]),
            "value": pa.array(value, pa.string()),
            "message": pa.array(["m"] * n).dictionary_encode(),
            "la_code": pa.array(["371"] * n),
            "year": pa.array([2024] * n, pa.int32()),
            "measures": pa.array(["a;b;c", "", "a", "x;y", None, "b"]),
            "measures_affected": pa.array(affected, pa.int32()),
            "team": pa.array(team, pa.string()),
            "team_name": pa.array([t and f"Team {t}" for t in team], pa.string()),
            "worker": pa.array(worker, pa.string()),
            # no owner_from column: its cells are blank
        }
    )


def _sheets(path) -> list[list[tuple]]:
    """The fault sheets' rows, in the workbook's order (the Summary left out)."""
    book = openpyxl.load_workbook(path, read_only=True)
    return [[tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book][1:]


def test_fault_sheets_hold_each_fault_row_by_row(tmp_path):
    faults = _faults()
    for by in ("team", "worker", None):
        out = tmp_path / f"{by}.xlsx"
        to_xlsx(faults, out, by=by)
        sheets = _sheets(out)
        key = by or "team"
        rows = faults.to_pylist()
        listed = groups(faults, key)
        assert len(sheets) == len(listed) > 2
        for g, sheet in zip(listed, sheets, strict=True):
            expected = [
                tuple(None if r.get(c) in (None, "") else neutral(r.get(c)) for c in XLSX_COLUMNS)
                for r in rows
                if group_of(r, key) == g[key]
            ]
            assert sheet[0] == tuple(XLSX_COLUMNS)
            assert sheet[1:] == expected, (by, g[key])
        assert sum(len(s) - 1 for s in sheets) == len(rows)
        assert "'=1+2" in {c for s in sheets for r in s for c in r}  # the guard, not a formula
