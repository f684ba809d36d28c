"""Fix lists with owners for CIN faults too (quality/fixlists.py), and the XLSX, one sheet per
team, that `scorecard quality --by team` writes.

One synthetic authority (371), CIN census 2023-24 (the owners are looked up at 31 March 2024).
Four children, each with one episode of need closed before it was referred (rule 8630, on the
CINdetails row), and each owned in a different way:
* A: the referral row carries worker W1 and team T1 (as a Standard Safeguarding Dataset gives
  them) -> W1, T1 "Assessment East", from the record;
* B: no worker on the row; allocated to W2 from 1 January 2023, the allocation naming no team;
  W2's post is in T2 since 2020 -> W2, T2 "Children in Need North", from the allocation;
* C: nothing on the row, no allocation; a 903 social-worker episode with W3 from 1 July 2023;
  W3's post is in T1 -> W3, T1, from the social-worker episode;
* D: nothing known -> unallocated.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.quality.fixlists import with_owners
from csc_scorecard.quality.fixtures import batch
from csc_scorecard.quality.rules import get
from csc_scorecard.quality.runner import run_rules
from csc_scorecard.store import Store

runner = CliRunner()


def _referral(child: str, month: int, **extra) -> dict:
    return {"child_id": child, "referral_date": date(2023, month, 1),
            "closure_date": date(2023, month - 1, 1), **extra}  # fmt: skip


def _template(name: str, rows: list[dict]) -> LoadBatch:
    columns = {k: [r.get(k) for r in rows] for k in rows[0]}
    table = pa.table({**columns, "source_row": pa.array(range(2, len(rows) + 2), pa.int32())})
    return LoadBatch(f"template:{name}", "371", None, None, [f"{name}.csv"], {name: table})


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    cin = batch(
        {
            "children": [
                {"child_id": c, "sex": "M", "date_of_birth": date(2015, 1, 1)} for c in "ABCD"
            ],
            "referrals": [
                _referral("A", 5, worker_id="W1", team_id="T1"),
                _referral("B", 6),
                _referral("C", 7),
                _referral("D", 8),
            ],
        },
        ret="cin",
    )
    with Store(path) as db:
        db.load(
            [
                cin,
                _template("teams", [{"team_id": "T1", "team_name": "Assessment East"},
                                    {"team_id": "T2", "team_name": "Children in Need North"}]),
                _template("worker_posts", [
                    {"worker_id": "W2", "team_id": "T2", "start_date": date(2020, 1, 1)},
                    {"worker_id": "W3", "team_id": "T1", "start_date": date(2020, 1, 1)}]),
                _template("case_allocations", [
                    {"child_id": "B", "worker_id": "W2", "start_date": date(2023, 1, 1)}]),
                _template("cla_social_worker_episodes", [
                    {"child_id": "C", "sw_id": "W3", "sw_decom": date(2023, 7, 1)}]),
            ]
        )  # fmt: skip
    return path


def test_cin_faults_have_owners_from_the_record_the_allocation_or_the_sw_episode(store):
    with Store(store, read_only=True) as db:
        faults = run_rules(db.con, only=[get("cin", "8630")]).faults
        owned = with_owners(db.con, faults)
    rows = {
        (r["child"], r["rule"], r["worker"], r["team"], r["team_name"], r["owner_from"])
        for r in owned.to_pylist()
    }
    assert rows == {
        ("A", "8630", "W1", "T1", "Assessment East", "record"),
        ("B", "8630", "W2", "T2", "Children in Need North", "allocation"),
        ("C", "8630", "W3", "T1", "Assessment East", "sw_episode"),
        ("D", "8630", None, None, None, None),
    }


def test_the_fix_list_workbook_has_one_sheet_per_team(store, tmp_path):
    out = tmp_path / "fix.xlsx"
    done = runner.invoke(
        app,
        ["quality", "--store", str(store), "--period", "2023-Q4", "--by", "team",
         "--format", "xlsx", "--out", str(out)],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    wb = load_workbook(out)
    # most faults first (then by team id: "(unallocated)" sorts before T2); the return's
    # whole-return faults (few Disability codes used: 2887Q) are no team's, "(authority-wide)"
    assert wb.sheetnames == [
        "Summary",
        "Assessment East",
        "(unallocated)",
        "Children in Need North",
        "(authority-wide)",
    ]
    wide = list(wb["(authority-wide)"].iter_rows(values_only=True))
    child = wide[0].index("child")
    assert len(wide) > 1 and all(r[child] is None for r in wide[1:])
    header = [c.value for c in next(wb["Assessment East"].iter_rows())]
    at = {name: header.index(name) for name in ("child", "rule", "worker", "owner_from")}

    def listed(sheet: str) -> set[tuple]:
        """The sheet's 8630 faults (every rule runs: blank ethnicity, referral source... too)."""
        rows = list(wb[sheet].iter_rows(min_row=2, values_only=True))
        return {
            (r[at["child"]], r[at["rule"]], r[at["worker"]], r[at["owner_from"]])
            for r in rows
            if r[at["rule"]] == "8630"
        }

    assert listed("Assessment East") == {
        ("A", "8630", "W1", "record"),
        ("C", "8630", "W3", "sw_episode"),
    }
    assert listed("Children in Need North") == {("B", "8630", "W2", "allocation")}
    assert listed("(unallocated)") == {("D", "8630", None, None)}


def test_a_fault_with_no_child_is_authority_wide_not_a_teams():
    """2887Q judges the whole return (no child, no row): its fault goes to the group
    "(authority-wide)" whatever team column it has, counts no child, and never joins a
    team's group; a child's fault with no owner is "(unallocated)"."""
    import pyarrow as pa

    from csc_scorecard.quality.fixlists import AUTHORITY_WIDE, UNALLOCATED, groups

    faults = pa.Table.from_pylist(
        [
            {"team": "T1", "worker": None, "child": None, "rule": "2887Q", "measures": ""},
            {"team": "T1", "worker": "W", "child": "A", "rule": "8540", "measures": "m1"},
            {"team": None, "worker": None, "child": "B", "rule": "8540", "measures": "m1"},
        ]
    )
    by_team = {g["team"]: (g["faults"], g["children"], g["rules"]) for g in groups(faults, "team")}
    assert by_team == {
        AUTHORITY_WIDE: (1, 0, {"2887Q": 1}),
        "T1": (1, 1, {"8540": 1}),
        UNALLOCATED: (1, 1, {"8540": 1}),
    }


def _fix_order(rows: list[dict]) -> list[int]:
    """The fix lists' order, as the Arrow sort of faults without owners gave it before the one
    DuckDB ORDER BY (quality.fixlists._ORDER_SQL) served both: team, worker, most measures
    first, child, rule, blanks last, ties in the faults' order."""

    def key(i: int) -> tuple:
        r = rows[i]
        return (
            *((r[c] is None, r[c] or "") for c in ("team", "worker")),
            -(r["measures_affected"] or 0),
            *((r[c] is None, r[c] or "") for c in ("child", "rule")),
            i,
        )

    return sorted(range(len(rows)), key=key)


def test_the_fix_list_order_is_one_order_with_or_without_owner_tables(store):
    """The owners' query (a store) and a connection holding no owner table both sort in
    DuckDB, by the same ORDER BY: the rows come in the fix lists' order on both paths."""
    import duckdb

    with Store(store, read_only=True) as db:
        faults = run_rules(db.con).faults
        owned = with_owners(db.con, faults).to_pylist()
    with duckdb.connect() as bare:
        blank = with_owners(bare, faults).to_pylist()
    for rows in (owned, blank):
        assert _fix_order(rows) == list(range(len(rows)))
    # the same faults, only the owners differ: blank sorts on measures, child, rule alone
    key = ("child", "rule", "row", "table", "message")
    assert sorted(tuple(map(str, (r[k] for k in key))) for r in blank) == sorted(
        tuple(map(str, (r[k] for k in key))) for r in owned
    )
    assert {r["worker"] for r in owned} > {None} and {r["worker"] for r in blank} == {None}
    assert len({r["measures_affected"] for r in blank}) > 1  # the order is tested on it
