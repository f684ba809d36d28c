"""The fault sheets of the XLSX fix lists (`commands._faults.to_xlsx`), their cells made
column-wise, hold what writing each fault row by row gives: every cell through the formula
guard, "" for none, each fault on its group's sheet (`fixlists.group_of`)."""

from __future__ import annotations

import openpyxl
import pyarrow as pa
import pyarrow.compute as pc

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


def test_a_sheet_past_the_row_limit_continues_on_further_sheets(tmp_path, monkeypatch, capsys):
    """More faults than a sheet holds (the limit lowered to a header and 2 faults): the group's
    faults continue, in order, on sheets named "<sheet> 2 of 3"... (31 characters at most,
    unique), each fault written once; the Summary says which sheets each group is on, and
    the command says so on stderr in one line."""
    from csc_scorecard.commands import _faults as module
    from csc_scorecard.quality.runner import RuleResult

    monkeypatch.setattr(module, "XLSX_SHEET_ROWS", 3)
    base = _faults()
    n = 4 * base.num_rows  # T1 and (unallocated): 8 faults each, T2 4, (authority-wide) 4
    faults = pa.concat_tables([base] * 4)
    long_name = "Safeguarding and Assessment West"  # 32 characters: cut at a word, to 31
    faults = faults.set_column(
        faults.column_names.index("team_name"),
        "team_name",
        pc.if_else(pc.equal(faults.column("team"), "T1"), long_name, faults.column("team_name")),
    )
    rows = faults.to_pylist()
    for by in ("team", "worker", None):
        out = tmp_path / f"{by}.xlsx"
        continued = to_xlsx(faults, out, by=by)
        book = openpyxl.load_workbook(out, read_only=True)
        names = book.sheetnames
        assert len(names) == len({s.casefold() for s in names}) and max(map(len, names)) <= 31
        sheets = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book}
        key = by or "team"
        written = 0
        for first, more in continued:
            assert [s.rsplit(" ", 3)[1:] for s in more] == [
                [str(k), "of", str(len(more) + 1)] for k in range(2, len(more) + 2)
            ]
            on = [first, *more]
            assert names[names.index(first) : names.index(first) + len(on)] == on
            assert all(sheets[s][0] == tuple(XLSX_COLUMNS) for s in on)
            assert all(1 <= len(sheets[s]) - 1 <= 2 for s in on)
            written += sum(len(sheets[s]) - 1 for s in on)
        groups_of = {g[key]: g for g in groups(faults, key)}
        for g in groups_of.values():
            expected = [
                tuple(None if r.get(c) in (None, "") else neutral(r.get(c)) for c in XLSX_COLUMNS)
                for r in rows
                if group_of(r, key) == g[key]
            ]
            first = next(f for f, _ in continued if sheets[f][1] == expected[0])
            on = [first, *dict(continued)[first]]
            assert [r for s in on for r in sheets[s][1:]] == expected, (by, g[key])
        assert written == sum(len(s) - 1 for t, s in sheets.items() if t != "Summary") == n
        summary = sheets["Summary"]
        assert summary[2][6] == "sheets"
        listed = {r[0]: r[6] for r in summary[3:]} if by or key in faults.column_names else {}
        for first, more in continued:
            assert ", ".join([first, *more]) in {*listed.values(), summary[1][0]}
        if by == "team":
            assert any(f.startswith("Safeguarding and Assessment") for f, _ in continued)
    capsys.readouterr()
    module.write(faults, RuleResult(faults=faults), fmt="xlsx", out=tmp_path / "w.xlsx", notes=[])
    err = capsys.readouterr().err.splitlines()
    said = [line for line in err if "continued" in line]
    assert len(said) == 1 and "(unallocated) 2 of 4" in said[0], err


def test_a_workbook_under_the_row_limit_lists_no_sheets(tmp_path):
    out = tmp_path / "f.xlsx"
    assert to_xlsx(_faults(), out, by="team") == []
    summary = list(
        openpyxl.load_workbook(out, read_only=True)["Summary"].iter_rows(values_only=True)
    )
    assert summary[1] == (None,) * len(summary[1])
    assert summary[2] == ("team", "name", "faults", "children", "measures affected", "rules")


def test_a_value_that_looks_like_a_link_is_text_not_a_hyperlink(tmp_path):
    """A fault's value is what the return holds: one reading like a link (an `external:` path,
    a URL) is its text, never a live link in a child-level workbook (before: xlsxwriter made
    each a hyperlink, and past 65,530 of them on a sheet left the cell empty)."""
    faults = _faults()
    links = ["external:c:\\x.xlsx", "http://example.com/a", "mailto:a@b.c", None, "file://x", "-"]
    faults = faults.set_column(
        faults.column_names.index("value"), "value", pa.array(links, pa.string())
    )
    out = tmp_path / "links.xlsx"
    to_xlsx(faults, out, by="team")
    book = openpyxl.load_workbook(out)
    cells = [c for ws in book.worksheets[1:] for r in ws.iter_rows() for c in r]
    assert {c.value for c in cells} >= {"external:c:\\x.xlsx", "http://example.com/a", "file://x"}
    assert [c.coordinate for c in cells if c.hyperlink is not None] == []
