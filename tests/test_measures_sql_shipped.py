"""Compiled measure SQL shipped in the package (measures.sql_shipped): current with the code,
what compiling gives, read when the user's cache misses, ignored when made from other code or
for a store of other columns.

Fixture (synthetic, test_measures_sql_cache): authority 999 has 3 referrals in 2022-Q1, so
`referrals` for 999 in 2022-Q1 is 3 however its SQL was obtained.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from test_measures_sql_cache import _referrals, _store

from csc_scorecard.measures import availability, context, sql_cache, sql_shipped
from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.context import Context, Settings
from csc_scorecard.measures.duckdb_backend import DuckDB
from csc_scorecard.measures.engine import counted
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store


def test_the_shipped_sql_is_current() -> None:
    assert sql_shipped.stale() is None, (
        "run `python -m csc_scorecard.measures.sql_shipped --write` and commit "
        "src/csc_scorecard/measures/compiled_sql.json.gz"
    )


def _same_order(sql: str) -> str:
    """The SQL with each EXCLUDE list sorted: Ibis writes the columns a projection drops in the
    order of a set of strings, which differs between processes (string hashing)."""
    return re.sub(
        r"EXCLUDE \(([^)]*)\)", lambda m: f"EXCLUDE ({', '.join(sorted(m[1].split(', ')))})", sql
    )


def _shipped() -> dict:
    return json.loads(gzip.decompress(sql_shipped.SHIPPED.read_bytes()))["queries"]


def test_shipped_queries_are_what_compiling_gives(tmp_path: Path, monkeypatch) -> None:
    """A sample of each kind: each measure's own, the field checks and the rule windows."""
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sql_shipped, "USE", False)
    context._SQL.clear()
    by_id = catalogue()
    measures = [m for m in by_id.values() if not m.manual]
    sample = [(("measure", m.id), lambda c, m=m: counted(m, c)) for m in measures[::15]]
    checks = availability.every_query(measures)
    sample += [q for q in checks if q[0][0] == "flagged"][::10]
    sample += [q for q in checks if q[0][0] == "window"][::10]
    shipped = _shipped()
    try:
        with Store(tmp_path / "s.duckdb") as store:
            ctx = Context(DuckDB(store.con), ["000"], [Quarter.parse("2022-Q1")], Settings())
            for key, build in sample:
                sql, inputs, reads = ctx.prepare(key, build)
                text = sql_cache.key_text((key, False, Settings().key()))
                sql_then, inputs_then, reads_then, _ = shipped[text]
                assert _same_order(sql_then) == _same_order(sql), key
                assert (inputs_then, reads_then) == (list(inputs), sorted(reads)), key
    finally:
        context._SQL.clear()
    assert {k[0] for k, _ in sample} == {"measure", "flagged", "window"}


@pytest.fixture
def empty_cache(tmp_path: Path, monkeypatch) -> Path:
    """A fresh install: the user's cache empty, the package's file read."""
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    context._SQL.clear()
    sql_shipped._shipped.cache_clear()
    yield tmp_path / "cache"
    context._SQL.clear()
    sql_shipped._shipped.cache_clear()


def test_a_fresh_install_compiles_nothing(
    tmp_path: Path, empty_cache: Path, compiles: list[int]
) -> None:
    assert _referrals(_store(tmp_path / "a.duckdb")) == 3
    assert compiles == []


def test_a_file_made_from_other_code_is_ignored(
    tmp_path: Path, empty_cache: Path, compiles: list[int], monkeypatch
) -> None:
    found = json.loads(gzip.decompress(sql_shipped.SHIPPED.read_bytes()))
    other = tmp_path / "compiled_sql.json.gz"
    other.write_bytes(gzip.compress(json.dumps({**found, "basis": "another"}).encode()))
    monkeypatch.setattr(sql_shipped, "SHIPPED", other)
    assert _referrals(_store(tmp_path / "a.duckdb")) == 3
    assert compiles


def test_a_store_whose_tables_have_other_columns_compiles(
    tmp_path: Path, empty_cache: Path, compiles: list[int]
) -> None:
    store = _store(tmp_path / "a.duckdb")
    store.con.execute("ALTER TABLE referrals ADD COLUMN extra VARCHAR")
    assert _referrals(store) == 3
    assert compiles
