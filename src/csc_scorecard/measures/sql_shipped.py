"""Compiled measure SQL for the default settings, shipped inside the package.

The compiled-SQL cache (`sql_cache`) starts empty on a fresh install, so the first run compiled
every measure's SQL through Ibis (the ingest's measure step 19.8 s of CPU against 3.9 s warm;
`make demo` in a new clone 52 s against 29.5 s). This module keeps, as package data
(`compiled_sql.json.gz`), every statement a measure run sends for the default settings (each
measure, the measures counted together, the data-quality field and rule-window checks), and
`sql_cache.load` reads it when the user's cache misses.

A shipped query is trusted only when nothing its text depends on has changed: the file records
the Python, Ibis, sqlglot and DuckDB versions and a hash of every product module loaded when it
was made (each measure expression's builders among them; not the DfE rules, which decide no
query's text) and of the data of the definition packages (`code_version.DEFINITION_PACKAGES`: the catalogue, code lists, schema); that hash is
computed again, once a process, over the same files, and must match. Beside it each query
records the columns of the store tables it reads, which the store measured must have (as in
the user's cache). A file from other code is ignored (the queries compiled as before).

Made by ``python -m csc_scorecard.measures.sql_shipped --write`` (a fresh process, a new empty
store); ``--check`` exits 1 when the file is stale, and `tests/test_measures_sql_shipped.py`
fails then: after changing a measure definition (or anything the file's hash covers), run
``--write`` and commit the file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.metadata import version as installed
from pathlib import Path
from typing import Any

from csc_scorecard.code_version import DEFINITION_PACKAGES

SHIPPED = Path(__file__).with_name("compiled_sql.json.gz")
USE = True  # False while the file is made (and in tests counting compilations)
_ROOT = Path(__file__).resolve().parents[1]  # the csc_scorecard package
_DATA = {".yaml", ".yml", ".json", ".csv", ".parquet", ".txt"}

Compiled = tuple[str, tuple[str, ...], frozenset[str]]


def _versions() -> list[str]:
    import duckdb

    return [
        f"python {sys.version_info[:3]}",
        f"ibis {installed('ibis-framework')}",
        f"sqlglot {installed('sqlglot')}",
        f"duckdb {duckdb.__version__}",
    ]


def _data_files() -> list[str]:
    return sorted(
        str(f.relative_to(_ROOT))
        for package in DEFINITION_PACKAGES
        for f in (_ROOT / package).rglob("*")
        if f.suffix in _DATA and "__pycache__" not in f.parts and f.is_file()
    )


def basis(files: list[str]) -> str:
    """A hash of the versions and of the files (paths relative to the package) as they are now;
    a missing file hashes as missing."""
    digest = hashlib.sha256()
    for part in _versions():
        digest.update(part.encode() + b"\0")
    for name in files:
        path = _ROOT / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"\0missing\0")
        digest.update(b"\0")
    return digest.hexdigest()[:24]


@cache
def _shipped() -> dict[str, Any]:
    """The shipped queries by key text, or nothing when the file is missing, unreadable or made
    from other code (read once a process, only when the user's cache misses)."""
    try:
        found = json.loads(gzip.decompress(SHIPPED.read_bytes()))
        if found["basis"] != basis(found["files"] + found["data"]):
            return {}
        return found["queries"]
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return {}


def load(key_text: str, columns: dict[str, list[list[str]]]) -> Compiled | None:
    """The shipped query under ``key_text`` (`sql_cache`'s key text), if the file is current
    and the store's tables it reads have the columns they had; else None."""
    if not USE:
        return None
    entry = _shipped().get(key_text)
    if entry is None:
        return None
    sql, inputs, reads, tables = entry
    if any(columns.get(name) != cols for name, cols in tables.items()):
        return None
    return sql, tuple(inputs), frozenset(reads)


def compile_defaults() -> dict[str, Any]:
    """Every statement a measure run sends for the default settings, compiled over a new empty
    store (its SQL depends on the definitions and the store's columns, not on the rows) into a
    cache folder of its own, as `sql_cache` keeps them; with the product modules loaded to build
    them and the definitions' data files, which the hash covers."""
    from csc_scorecard.measures import availability, context, engine
    from csc_scorecard.measures.catalogue import catalogue
    from csc_scorecard.measures.context import Context, Settings
    from csc_scorecard.measures.duckdb_backend import DuckDB
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.store import Store

    global USE
    chosen = [m for m in catalogue().values() if not m.manual]
    was, USE = USE, False
    with tempfile.TemporaryDirectory() as tmp, _cache_dir(Path(tmp) / "cache") as kept:
        try:
            context._SQL.clear()
            with Store(Path(tmp) / "s.duckdb") as store:
                ctx = Context(DuckDB(store.con), ["000"], [Quarter.parse("2022-Q1")], Settings())
                for key, build in [
                    *engine.statements(ctx, chosen),
                    *availability.every_query(chosen),
                ]:
                    ctx.prepare(key, build)
        finally:
            USE = was
        queries = {}
        for path in kept.glob("measure-sql/*/*.json"):
            entry = json.loads(path.read_text(encoding="utf-8"))
            queries[entry["key"]] = [entry["sql"], entry["inputs"], entry["reads"], entry["tables"]]
    # The DfE rules (`quality`, loaded by the availability checks) decide which tables' windows
    # a run checks (`every_query` compiles them all), never a query's text: a change to a rule
    # leaves the file current.
    files = sorted(
        str(Path(m.__file__).resolve().relative_to(_ROOT))
        for name, m in list(sys.modules.items())
        if name.startswith("csc_scorecard")
        and not name.startswith("csc_scorecard.quality")
        and getattr(m, "__file__", None)
    )
    data = _data_files()
    return {
        "basis": basis(files + data),
        "files": files,
        "data": data,
        "queries": dict(sorted(queries.items())),
    }


@contextmanager
def _cache_dir(path: Path) -> Iterator[Path]:
    """The compiled-SQL cache in ``path`` while inside."""
    before = os.environ.get("SCORECARD_CACHE_DIR")
    os.environ["SCORECARD_CACHE_DIR"] = str(path)
    try:
        yield path
    finally:
        if before is None:
            del os.environ["SCORECARD_CACHE_DIR"]
        else:
            os.environ["SCORECARD_CACHE_DIR"] = before


def write(path: Path = SHIPPED) -> int:
    """Compile and write the shipped file (byte-identical when nothing changed); the number of
    queries."""
    made = compile_defaults()
    text = json.dumps(made, sort_keys=True, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    return len(made["queries"])


def stale() -> str | None:
    """Why the shipped file is not current (None when it is)."""
    try:
        found = json.loads(gzip.decompress(SHIPPED.read_bytes()))
    except (OSError, ValueError, EOFError) as error:
        return f"{SHIPPED.name} cannot be read: {error}"
    if found.get("basis") != basis(found.get("files", []) + found.get("data", [])):
        return f"{SHIPPED.name} was made from other code"
    if found["data"] != _data_files():
        return f"{SHIPPED.name} does not cover the definitions' data files as they are"
    return None


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        if os.environ.get("PYTHONHASHSEED") != "0":
            # Ibis writes some column lists in the order of a set of strings: a fixed string
            # hashing makes the file the same bytes each time it is made from the same code.
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            os.execve(
                sys.executable,
                [sys.executable, "-m", "csc_scorecard.measures.sql_shipped", *argv],
                env,
            )
        print(f"{write()} queries -> {SHIPPED}")
        return 0
    if argv == ["--check"]:
        why = stale()
        print(why or f"{SHIPPED.name} is current")
        return 1 if why else 0
    print("usage: python -m csc_scorecard.measures.sql_shipped --write | --check")
    return 2


if __name__ == "__main__":
    # Through the module itself, not this `__main__` copy: `sql_cache` reads its `USE`.
    from csc_scorecard.measures.sql_shipped import main as _main

    raise SystemExit(_main(sys.argv[1:]))
