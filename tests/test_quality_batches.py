"""The DfE rules a group of authorities at a time (`quality.batches.in_groups`) give exactly the
faults of one run over all of them (`run_rules`): same rows, same values, same order, the same
rules run and not run; and the scope reads the store in place (views over its tables, nothing
written to the store).

On a small synthetic England of three authorities (Rotherham 372, Barnsley 370, Sheffield 373;
history from 1 April 2021, 2022/23 complete), in groups of one and of two (a group holding
authorities of both sizes), so every boundary between groups is crossed.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.batches import MAX_ROWS, gathered, in_groups, sized
from csc_scorecard.quality.fault_table import PLAIN_FAULT_SCHEMA
from csc_scorecard.quality.runner import run_rules
from csc_scorecard.store import Store
from csc_scorecard.synth import england

SPAN = england.Span(2022, 2022)


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("england") / "three.duckdb"
    with Store(path) as db:
        england.write_store(db, ["372", "370", "373"], SPAN, seed=5)
    return path


@pytest.mark.parametrize("per_group", [1, 2])
def test_groups_give_the_faults_of_one_run_in_the_same_order(three, per_group):
    con = duckdb.connect(str(three), read_only=True)
    try:
        whole = run_rules(con, multi_year=True)
        parts = list(in_groups(con, multi_year=True, per_group=per_group))
    finally:
        con.close()
    # one part per return and group: three authorities in groups of one or two, two returns
    assert len(parts) == 2 * (3 if per_group == 1 else 2)
    # each part holds its own group's authorities, in order: [370], [372], [373] or [370, 372],
    # [373], for the 903 then the CIN census
    groups = [["370"], ["372"], ["373"]] if per_group == 1 else [["370", "372"], ["373"]]
    held = [sorted(set(p.faults.column("la_code").to_pylist())) for p in parts]
    assert held == groups + groups
    got = gathered(parts)
    assert whole.faults.num_rows > 1000
    assert _plain(got.faults).equals(_plain(whole.faults))  # same rows, same values, same order
    assert [r.code for r in got.rules_run] == [r.code for r in whole.rules_run]
    assert [str(n) for n in got.not_run] == [str(n) for n in whole.not_run]
    assert got.returns == whole.returns == ["ssda903", "cin"]
    # every group sends what one run over all sends (its tables built again, its queries)
    assert got.statements == len(groups) * whole.statements > 0


def test_the_scope_reads_the_store_in_place_and_leaves_it_untouched(three):
    """Read-only file store: a private connection attaching it read-only; a store open for
    writing: a private catalog attached to its own instance, detached at the end. Either way
    the scoped row tables are views (no copy of their rows) but the few built once a run, and
    the store's own catalog gains nothing."""
    for read_only in (True, False):
        con = duckdb.connect(str(three), read_only=read_only)
        try:
            before = con.execute("SELECT database_name FROM duckdb_databases()").fetchall()
            tables = con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
            scope = scoping.build(con, multi_year=True)
            kinds = dict(
                scope.con.execute(
                    "SELECT table_name, table_type FROM information_schema.tables "
                    f"WHERE table_catalog = '{scope.catalog}' AND table_schema = 's903'"
                ).fetchall()
            )
            scope.close()
            assert con.execute("SELECT database_name FROM duckdb_databases()").fetchall() == before
            assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchall() == tables
        finally:
            con.close()
        assert kinds["reviews"] == kinds["missing"] == "VIEW"
        # the children and the episodes (scope.BUILT_FIRST: the derived tables read them)
        assert kinds["header"] == kinds["episodes"] == kinds["episodes_n"] == "BASE TABLE"
        assert kinds["bad"] == "BASE TABLE"


def test_a_group_size_below_one_is_refused(three):
    con = duckdb.connect(str(three), read_only=True)
    try:
        with pytest.raises(ValueError, match="at least 1"):
            next(in_groups(con, per_group=0))
    finally:
        con.close()


def test_groups_sized_by_rows_give_the_faults_of_one_run(three):
    """Each authority's rows of a return are the rows its loads wrote to the return's tables
    (the children's too), not the load's `row_count` (a synthetic England's load holds both
    returns). A limit of Barnsley's and Rotherham's CIN rows together makes the CIN groups
    [370, 372] and [373] (Sheffield alone: adding it would pass the limit), while the 903
    return, under a third of those rows, is one group; the faults are those of one run, in
    order."""
    con = duckdb.connect(str(three), read_only=True)
    try:
        rows = {
            ret: dict(
                con.execute(
                    "SELECT l.la_code, count(*) FROM loads l JOIN ("
                    + " UNION ALL ".join(f"SELECT load_id FROM {t}" for t in tables)
                    + ") t ON t.load_id = l.load_id GROUP BY l.la_code ORDER BY l.la_code"
                ).fetchall()
            )
            for ret, tables in {
                "ssda903": ["children", "cla_episodes", "cla_reviews", "missing_episodes"]
                + ["cla_health", "care_leavers", "adoptions", "previous_permanence"]
                + ["cla_social_worker_episodes", "dolo_orders"],
                "cin": ["children", "referrals", "assessments", "section47s", "cin_plans"]
                + ["cp_plans", "cp_reviews"],
            }.items()
        }
        loaded = con.execute("SELECT sum(row_count) FROM loads").fetchall()[0][0]
        scope = scoping.build(con, multi_year=True)
        assert scope.sizes("ssda903") == rows["ssda903"]
        assert scope.sizes("cin") == rows["cin"]
        scope.close()
        # both returns' rows, the children counted for each
        assert sum(rows["cin"].values()) < loaded < sum(map(sum, map(dict.values, rows.values())))
        cin = rows["cin"]
        limit = cin["370"] + cin["372"]
        assert cin["372"] + cin["373"] > limit  # so Sheffield cannot join Rotherham either
        assert sum(rows["ssda903"].values()) <= limit  # the 903 return: one group
        whole = run_rules(con, multi_year=True)
        parts = list(in_groups(con, multi_year=True, max_rows=limit))
    finally:
        con.close()
    held = [sorted(set(p.faults.column("la_code").to_pylist())) for p in parts]
    assert held == [["370", "372", "373"], ["370", "372"], ["373"]]
    assert _plain(gathered(parts).faults).equals(_plain(whole.faults))


def test_groups_are_sized_by_rows_unless_told(three):
    """Without `per_group` or `max_rows`, groups of at most MAX_ROWS rows (`sized`): the three
    authorities' few thousand rows are one group a return, the faults those of one run."""
    con = duckdb.connect(str(three), read_only=True)
    try:
        scope = scoping.build(con, multi_year=True)
        sizes = scope.sizes("ssda903")
        scope.close()
        whole = run_rules(con, multi_year=True)
        parts = list(in_groups(con, multi_year=True))
    finally:
        con.close()
    assert sized(sizes, MAX_ROWS) == [["370", "372", "373"]]
    held = [sorted(set(p.faults.column("la_code").to_pylist())) for p in parts]
    assert held == [["370", "372", "373"]] * 2
    assert _plain(gathered(parts).faults).equals(_plain(whole.faults))


def test_rows_make_groups_in_order_each_as_large_as_the_limit_allows():
    sizes = {"201": 10, "202": 50, "203": 30, "204": 200, "205": 5, "206": 5}
    assert sized(sizes, 80) == [["201", "202"], ["203"], ["204"], ["205", "206"]]
    assert sized(sizes, 1000) == [list(sizes)]
    assert sized(sizes, 1) == [[la] for la in sizes]  # each alone, the largest too
    assert sized({}, 10) == []


def test_a_row_limit_below_one_is_refused(three):
    con = duckdb.connect(str(three), read_only=True)
    try:
        with pytest.raises(ValueError, match="max_rows must be at least 1"):
            next(in_groups(con, max_rows=0))
    finally:
        con.close()


def test_a_deferred_scope_builds_its_tables_only_for_a_group(three):
    """`build(deferred=True)` (what `in_groups` uses): the built tables are views until the
    first `restrict`, the derived tables not made, whether each table has rows the same as an
    eager build's; the first `restrict` builds them all as tables, for the group's rows, and
    `release` drops them."""
    con = duckdb.connect(str(three), read_only=True)
    try:
        eager = scoping.build(con, multi_year=True)
        rows, built = dict(eager.rows), {r: list(b) for r, b in eager.built.items()}
        header = eager.con.execute(f"SELECT count(*) FROM {eager.schema('ssda903')}.header")
        whole = header.fetchall()[0][0]
        eager.close()
        scope = scoping.build(con, multi_year=True, deferred=True)

        def kinds() -> dict[str, str]:
            return dict(
                scope.con.execute(
                    "SELECT table_name, table_type FROM information_schema.tables "
                    f"WHERE table_catalog = '{scope.catalog}' AND table_schema = 's903'"
                ).fetchall()
            )

        try:
            assert scope.rows == rows
            assert {r: list(b) for r, b in scope.built.items()} == built
            assert kinds()["header"] == kinds()["bad"] == "VIEW"
            assert "episodes_n" not in kinds()
            scope.restrict("ssda903", ["372"])
            assert kinds()["header"] == kinds()["episodes_n"] == kinds()["bad"] == "BASE TABLE"
            assert scope.deferred == {"cin": scope.deferred["cin"]}  # the CIN's still to build
            held = scope.con.execute(
                f"SELECT list(DISTINCT la_code), count(*) FROM {scope.schema('ssda903')}.header"
            ).fetchall()[0]
            assert held[0] == ["372"] and 0 < held[1] < whole
            # the return's last group done (`in_groups`): its built tables dropped, so their
            # rows are not held through the next return's groups; its views stay
            scope.release("ssda903")
            assert scope.built["ssda903"] and not set(scope.built["ssda903"]) & set(kinds())
            assert kinds()["reviews"] == "VIEW"
        finally:
            scope.close()
    finally:
        con.close()


def _plain(faults: pa.Table) -> pa.Table:
    """The faults with the rules' texts plain (`equals` compares dictionaries as stored)."""
    return faults.cast(PLAIN_FAULT_SCHEMA)
