"""The derived tables one fused scan alone reads (quality.scope.READ_ONCE) are views over a
large store's run (its statements on several DuckDB threads), worked out by the scan as it
reads them, and tables over a small store's (a thread a statement), as the 903 benchmark's
rules alone would otherwise take on their cost: the same faults either way, and a return's
views dropped with its tables when its last group is done (`Scope.release`)."""

from __future__ import annotations

import pytest

from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.rules import rules
from csc_scorecard.quality.runner import run_in_scope, scope_needs
from csc_scorecard.store import Store
from csc_scorecard.synth import england


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("england") / "one.duckdb"
    with Store(path) as db:
        england.write_store(db, ["372"], england.Span(2022, 2022), seed=5)
    return path


def _run(path, threads: int) -> tuple[set[str], list, set[str]]:
    chosen = rules("ssda903")
    with Store(path) as db:
        db.con.execute(f"SET threads = {threads}").fetchall()
        scope = scoping.build(db.con, needs=scope_needs(chosen), multi_year=True, rules=chosen)
        try:
            views = scoping._views(scope, "ssda903")
            faults = run_in_scope(scope, chosen).faults.to_pylist()
            scope.release("ssda903")
            left = scoping._views(scope, "ssda903") | {
                t
                for (t,) in scope.con.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE schema_name = 's903'"
                ).fetchall()
            }
        finally:
            scope.close()
    return views, faults, left


def test_read_once_tables_are_views_over_several_threads_with_the_same_faults(store):
    views, faults, left = _run(store, 2)
    one_views, one_faults, one_left = _run(store, 1)
    read_once = set(scoping.READ_ONCE["ssda903"])
    assert read_once <= views  # header_x, header_c, episodes_pcu
    assert not read_once & one_views  # built as tables on one thread
    assert len(faults) > 100 and sorted(faults, key=str) == sorted(one_faults, key=str)
    assert not read_once & (left | one_left)  # released, views and tables alike
