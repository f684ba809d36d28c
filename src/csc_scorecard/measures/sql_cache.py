"""Compiled measure SQL kept on disk, so a new process with a new store need not compile again.

Building a measure's Ibis expression and compiling it to SQL takes about 0.2 s; running the SQL
takes a few milliseconds. `Context.execute` keeps what it compiled for the rest of the process
(and `measures.results` keeps it in the store), but every new store (the demo, each test store)
and every new process started empty and compiled all ~300 queries again. This cache keeps each
compiled query in a small file in the user's cache directory
(``$SCORECARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/csc-scorecard``, else ``~/.cache/csc-scorecard``;
``SCORECARD_CACHE_DIR=off`` turns it off).

A compiled query is trusted only when everything its text depends on is what it was:
- the folder is named by the product's one code version (`code_version.version`: the
  Python, Ibis, sqlglot and DuckDB versions and the source and data of every package a measure
  expression is built from), so any change of definition or compiler compiles afresh;
- the file is named by a hash of the query's key (the measure or shared query, whether member
  rows were asked for, and the settings) and holds that key and the version, which must match;
- it records the columns and types of every store table the query reads, and the store being
  measured must have the same (a store from another version of the schema compiles afresh).
A file that cannot be read, does not parse or does not match is ignored and the query compiled
(and the file rewritten); nothing in a cache file is ever trusted without those checks.
Files are written whole (a temporary file renamed into place), so processes running at the
same time (tests, the dashboard and a command) never see half a file. When a new version's
folder is made, all but the newest few folders are removed.

A fresh install's cache is empty: the default settings' queries then come from the package
(`sql_shipped`, made by a command and checked by a test), trusted by the same kind of checks.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from csc_scorecard.cache_files import cache_root, write_json
from csc_scorecard.code_version import version

KEEP_VERSIONS = 16  # about 1.3 MB each; several checkouts of different code may share the cache

# One compiled query: (sql, named inputs, store tables read).
Compiled = tuple[str, tuple[str, ...], frozenset[str]]
Columns = dict[str, list[list[str]]]  # table -> [[column, type], ...]


def key_text(key: Hashable) -> str:
    return json.dumps(key, default=str)


def _path(root: Path, key: Hashable) -> Path:
    name = hashlib.sha256(key_text(key).encode()).hexdigest()[:32]
    return root / "measure-sql" / version() / f"{name}.json"


def load(key: Hashable, columns: Columns) -> Compiled | None:
    """The compiled query kept under ``key``, if its file is readable, is for this version and
    key, and the store tables it reads have the columns and types they had (``columns``: the
    store's tables now); else the one shipped in the package for it (`sql_shipped`), if any."""
    root = cache_root()
    if root is None:
        return None
    found = _kept(root, key, columns)
    if found is None:
        from csc_scorecard.measures import sql_shipped

        found = sql_shipped.load(key_text(key), columns)
    return found


def _kept(root: Path, key: Hashable, columns: Columns) -> Compiled | None:
    try:
        entry = json.loads(_path(root, key).read_text(encoding="utf-8"))
        if entry["version"] != version() or entry["key"] != key_text(key):
            return None
        tables = entry["tables"]
        if any(columns.get(name) != cols for name, cols in tables.items()):
            return None
        sql, inputs, reads = entry["sql"], entry["inputs"], entry["reads"]
        if not (
            isinstance(sql, str)
            and all(isinstance(x, str) for x in [*inputs, *reads])
            and isinstance(tables, dict)
        ):
            return None
        return sql, tuple(inputs), frozenset(reads)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def save(key: Hashable, compiled: Compiled, tables: Columns) -> None:
    """Keep a compiled query with the columns of the store tables it reads. A cache that cannot
    be written is no fault: the query is compiled again next time."""
    root = cache_root()
    if root is None:
        return
    sql, inputs, reads = compiled
    entry = {
        "version": version(),
        "key": key_text(key),
        "sql": sql,
        "inputs": list(inputs),
        "reads": sorted(reads),
        "tables": tables,
    }
    path = _path(root, key)
    new_version = not path.parent.is_dir()
    if write_json(path, entry) and new_version:
        _prune(path.parent.parent)


def _prune(folder: Path) -> None:
    """Remove all but the newest KEEP_VERSIONS version folders (when a new one is made)."""
    try:
        found = sorted(
            (p for p in folder.iterdir() if p.is_dir()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
    except OSError:
        return  # another process pruning at the same time
    for old in found[KEEP_VERSIONS:]:
        shutil.rmtree(old, ignore_errors=True)


def store_columns(con: Any) -> Columns:
    """Every table of the store's main schema: its columns and types in order."""
    with con.cursor() as cur:
        rows = cur.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = current_schema() "
            "ORDER BY table_name, column_index"
        ).fetchall()
    out: Columns = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append([column, kind])
    return out
