"""Compiled measure SQL kept on disk (measures.sql_cache): reused by a new process and a new
store, never trusted when unreadable, from another version, or for a store of other columns.

Fixture (synthetic): authority 999 has 3 referrals in 2022-Q1 (4, 5 and 6 April 2022), so
`referrals` for 999 in 2022-Q1 is 3 (referral dates in 1 April - 30 June 2022), however its SQL
was obtained.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import ibis
import pytest
from test_measures_results import cin_load

from csc_scorecard import code_version
from csc_scorecard.measures import context, sql_cache, sql_shipped
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import compute
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store

Q1 = Quarter.parse("2022-Q1")
MEASURES = ["referrals", "referrals_rate_per_10000"]


def _store(path: Path) -> Store:
    store = Store(path)
    store.load([cin_load("999", [4, 5, 6])])
    return store


def _referrals(store: Store) -> float:
    ctx = Context(ibis.duckdb.from_connection(store.con), ["999"], [Q1])
    found = compute(ctx, MEASURES).to_pylist()
    return next(r["value"] for r in found if r["measure"] == "referrals")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sql_shipped, "USE", False)  # this cache alone (test_measures_sql_shipped)
    context._SQL.clear()  # as a new process starts
    yield tmp_path / "cache"
    context._SQL.clear()


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("measure-sql/*/*.json"))


def test_a_new_process_and_a_new_store_reuse_the_sql_without_compiling(
    tmp_path: Path, cache: Path, compiles: list[int]
) -> None:
    assert _referrals(_store(tmp_path / "a.duckdb")) == 3
    made = len(compiles)
    assert made >= 2 and len(_entries(cache)) == made
    context._SQL.clear()
    assert _referrals(_store(tmp_path / "b.duckdb")) == 3
    assert len(compiles) == made  # every query came from the cache


def test_an_unreadable_or_foreign_entry_is_compiled_again(
    tmp_path: Path, cache: Path, compiles: list[int]
) -> None:
    store = _store(tmp_path / "a.duckdb")
    _referrals(store)
    made = len(compiles)
    first, second, *rest = _entries(cache)
    first.write_bytes(b"\x00not json")
    entry = json.loads(second.read_text())
    second.write_text(json.dumps({**entry, "version": "another"}))
    for path in rest:  # the right version and key, but another query's text
        other = json.loads(path.read_text())
        path.write_text(json.dumps({**other, "key": entry["key"]}))
    context._SQL.clear()
    assert _referrals(store) == 3
    assert len(compiles) == 2 * made  # none of them trusted
    assert all(json.loads(p.read_text())["version"] == sql_cache.version() for p in _entries(cache))


def test_a_store_whose_tables_have_other_columns_compiles_afresh(
    tmp_path: Path, cache: Path, compiles: list[int]
) -> None:
    _referrals(_store(tmp_path / "a.duckdb"))
    made = len(compiles)
    other = _store(tmp_path / "b.duckdb")
    other.con.execute("ALTER TABLE referrals ADD COLUMN extra VARCHAR")
    context._SQL.clear()
    assert _referrals(other) == 3
    assert len(compiles) > made


def test_off_keeps_nothing(tmp_path: Path, monkeypatch, compiles: list[int]) -> None:
    monkeypatch.setenv("SCORECARD_CACHE_DIR", "off")
    context._SQL.clear()
    store = _store(tmp_path / "a.duckdb")
    _referrals(store)
    made = len(compiles)
    context._SQL.clear()
    _referrals(store)
    assert len(compiles) == 2 * made
    assert not list(tmp_path.glob("**/measure-sql"))
    context._SQL.clear()


def test_the_version_covers_every_module_a_measure_is_built_from() -> None:
    """Every csc_scorecard module the measure functions, the engine and the availability checks
    import (directly or through others) is in a package or module `version()` hashes."""
    root = Path(sql_cache.__file__).resolve().parents[1]

    def file_of(module: str) -> Path | None:
        p = root.joinpath(*module.split(".")[1:])
        for f in (p.with_suffix(".py"), p / "__init__.py"):
            if f.exists():
                return f
        return None

    def imports(module: str) -> set[str]:
        out = set()
        for node in ast.walk(ast.parse(file_of(module).read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("csc_scorecard"):
                out.add(node.module)
                out |= {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                out |= {a.name for a in node.names if a.name.startswith("csc_scorecard")}
        return {m for m in out if file_of(m)}

    todo = ["csc_scorecard.measures.engine", "csc_scorecard.measures.availability"]
    todo += [
        f"csc_scorecard.measures.functions.{p.stem}" for p in root.glob("measures/functions/*.py")
    ]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += imports(module)
    assert len(seen) > 30
    outside = {
        m
        for m in seen
        if m.split(".")[1] not in code_version.DEFINITION_PACKAGES
        and str(file_of(m).relative_to(root)) not in code_version.DEFINITION_MODULES
    }
    assert outside == set()
