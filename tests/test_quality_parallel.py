"""DuckDB's own threads during a rules run over a small store (`quality.parallel.one_thread_each`):
one for the run, so the two workers are the only parallelism, and put back afterwards; a large
store, or one worker, keeps them."""

from __future__ import annotations

import pytest

from csc_scorecard.quality import parallel
from csc_scorecard.quality.scope import rows_loaded
from csc_scorecard.store import Store


def _threads(con) -> int:
    return int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])


@pytest.fixture
def store():
    with Store(":memory:") as s:
        s.con.execute("SET threads = 3").fetchall()
        s.con.execute(
            "INSERT INTO loads (load_id, la_code, source_format, row_count) "
            "VALUES (1, '371', 'ssda903', 1000)"
        ).fetchall()
        yield s


@pytest.mark.parametrize(
    ("workers", "small", "inside"), [(2, 10_000, 1), (2, 999, 3), (1, 10_000, 3)]
)
def test_one_thread_each_over_a_small_store_only(store, monkeypatch, workers, small, inside):
    monkeypatch.setattr(parallel, "WORKERS", workers)
    monkeypatch.setattr(parallel, "SMALL_STORE_ROWS", small)
    with parallel.one_thread_each(store.con, rows_loaded):
        assert _threads(store.con) == inside
    assert _threads(store.con) == 3


def test_the_threads_are_put_back_after_a_failure(store, monkeypatch):
    monkeypatch.setattr(parallel, "WORKERS", 2)
    with pytest.raises(RuntimeError), parallel.one_thread_each(store.con, rows_loaded):
        assert _threads(store.con) == 1
        raise RuntimeError("a rule failed")
    assert _threads(store.con) == 3
