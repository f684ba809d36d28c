"""Fix lists where nothing names an owner source (quality/fixlists.py `_NO_OWNERS_SQL`): the
rules' faults (whose rule, return, message and severity columns are dictionary-typed) get blank
team and worker and the fix lists' order, the same rows in the same order as the owners' query
gives when no owner is known; and `scorecard quality --by team|worker` writes every format.

One synthetic authority (371), CIN census 2023-24, no team, worker, allocation or social-worker
episode anywhere: four children each referred after their episode closed (8630) and more.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.quality import fixlists
from csc_scorecard.quality.fixlists import with_owners
from csc_scorecard.quality.fixtures import batch
from csc_scorecard.quality.runner import run_rules
from csc_scorecard.store import Store

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    cin = batch(
        {
            "children": [
                {"child_id": c, "sex": "M", "date_of_birth": date(2015, 1, 1)} for c in "DCBA"
            ],
            "referrals": [
                {
                    "child_id": c,
                    "referral_date": date(2023, m, 1),
                    "closure_date": date(2023, m - 1, 1),
                }
                for c, m in zip("DCBA", (5, 6, 7, 8), strict=True)
            ],
        },
        ret="cin",
    )
    with Store(path) as db:
        db.load([cin])
    return path


def test_faults_with_no_owner_source_keep_the_owners_querys_order(store):
    """A connection with no owner table (the rules' faults as they come, dictionary-typed
    columns and all) gives the rows, in the order, that the store's owners' query gives when
    its owner tables hold nobody."""
    with Store(store, read_only=True) as db:
        faults = run_rules(db.con).faults
        queried = with_owners(db.con, faults)
    assert pa.types.is_dictionary(faults.column("rule").type)  # as the runner gives it
    assert faults.num_rows > 4 and len(set(faults.column("rule").to_pylist())) > 1
    with duckdb.connect() as bare:
        blank = with_owners(bare, faults)
    assert blank.column_names == queried.column_names
    assert blank.to_pylist() == queried.to_pylist()
    assert {r["team"] for r in blank.to_pylist()} == {None}


def _outputs(store: Path, tmp_path: Path, tag: str) -> dict:
    got = {}
    for by in ("team", "worker"):
        for fmt in ("table", "csv", "json", "xlsx"):
            out = tmp_path / f"{tag}-{by}.xlsx"
            done = runner.invoke(
                app,
                ["quality", "--store", str(store), "--period", "2023-Q4", "--by", by,
                 "--format", fmt, *(["--out", str(out)] if fmt == "xlsx" else [])],
            )  # fmt: skip
            assert done.exit_code == 0, (by, fmt, done.output, done.exception)
            if fmt == "xlsx":
                wb = load_workbook(out)
                got[by, fmt] = {s: list(wb[s].iter_rows(values_only=True)) for s in wb.sheetnames}
            else:
                got[by, fmt] = done.stdout
    return got


def test_quality_by_team_or_worker_writes_every_format_with_no_owner_source(
    store, tmp_path, monkeypatch
):
    """Every store has the owner tables, so the command can only meet no owner source as a
    bare connection does: the owners' query is then None (`_owners_sql`). Each format's output
    is that of the store's query, which finds nobody."""
    queried = _outputs(store, tmp_path, "queried")
    monkeypatch.setattr(fixlists, "_owners_sql", lambda tables, columns: None)
    blank = _outputs(store, tmp_path, "blank")
    assert blank == queried
    assert "(unallocated)" in queried["team", "xlsx"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_by_with_an_ungrouped_format_says_so(store, fmt):
    """--by groups the table and the workbook; csv and json stay one row per fault (the CSV in
    exactly the eight fault columns). It said nothing, so the file read as the grouped one."""
    done = runner.invoke(
        app, ["quality", "--store", str(store), "--period", "2023-Q4", "--by", "team",
              "--format", fmt],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines()[0] == (
        "note: --by team groups the fix list in the table and xlsx formats only; "
        f"--format {fmt} gives one row per fault, ungrouped"
    )
    if fmt == "csv":
        assert done.stdout.splitlines()[0] == "rule,return,table,row,child,field,value,message"
    plain = runner.invoke(
        app, ["quality", "--store", str(store), "--period", "2023-Q4", "--format", fmt]
    )
    assert plain.stdout == done.stdout and "--by" not in plain.stderr
