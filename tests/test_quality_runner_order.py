"""A run's queries are sent the longest first as a run before timed them, those never timed
before them all (quality.runner._longest_first); each query's rows come back in the order of
the queries, whatever the order they were sent in."""

from __future__ import annotations

import duckdb
import pytest

from csc_scorecard.quality import parallel, runner


@pytest.fixture
def kept(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path))
    for f in (runner._shapes_path, runner._kept_shapes):
        f.cache_clear()
    runner._SHAPES.clear()
    runner._SHAPES_NEW.clear()
    yield tmp_path
    for f in (runner._shapes_path, runner._kept_shapes):
        f.cache_clear()
    runner._SHAPES.clear()
    runner._SHAPES_NEW.clear()


def test_longest_first_then_rows_in_query_order(kept, monkeypatch):
    queries = [f"SELECT {k} AS i FROM range({k + 1})" for k in range(4)]
    sent: list[list[str]] = []
    run_all = parallel.run_all

    def recording(con, statements, **kw):
        sent.append(list(statements))
        return run_all(con, statements, **kw)

    monkeypatch.setattr(parallel, "run_all", recording)
    con = duckdb.connect()
    first = runner._longest_first(con, queries)
    assert sent[0] == queries  # none timed yet: in the order given
    assert [t.column("i").to_pylist() for t in first] == [[k] * (k + 1) for k in range(4)]
    took = {q: runner._SHAPES["took " + runner._digest(q)] for q in queries}
    assert all(isinstance(s, float) and s >= 0 for s in took.values())
    # a later process reads what this one took; a new query is sent before every timed one
    runner._SHAPES.update(
        {"took " + runner._digest(q): s for q, s in zip(queries, [0.2, 0.5, 0.1, 0.3])}
    )
    again = runner._longest_first(con, [*queries, "SELECT 9 AS i"])
    assert sent[1] == ["SELECT 9 AS i", queries[1], queries[3], queries[0], queries[2]]
    assert [t.column("i").to_pylist() for t in again] == [
        *([k] * (k + 1) for k in range(4)),
        [9],
    ]
