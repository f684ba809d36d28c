"""The product's one code version: a hash of everything a definition's result depends on.

The compiled measure SQL is kept under it (`measures.sql_cache`), stored measure results are
current only while it is unchanged (`measures.results`), and so are the DfE faults kept for an
authority (`quality.history`'s basis). It covers the Python, Ibis, sqlglot and DuckDB versions
and the source and data of every package a measure expression or a DfE rule is built from
(`DEFINITION_PACKAGES`: the measure functions and catalogue, the code lists and schema, the DfE
rules, the reference data, the value readers, and the store whose kept faults the availability
checks read); `tests/test_measures_sql_cache.py` checks that building a measure imports nothing
outside them. A leaf: it imports nothing of the product, so any layer may read it.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from pathlib import Path

DEFINITION_PACKAGES = ("measures", "model", "quality", "reference", "ingest", "store")
DEFINITION_MODULES = (
    "__init__.py",
    "errors.py",
    "code_version.py",
    "cursor_pool.py",
    "cache_files.py",
)
_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".csv", ".parquet", ".txt"}


@cache
def version() -> str:
    """A hash of everything a compiled query's text, a measure's value or a rule's faults depend
    on, apart from the settings and the store's schema (checked where they are used)."""
    from importlib.metadata import version as installed

    import duckdb

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for part in (
        f"python {sys.version_info[:3]}",
        # installed versions, read without importing them: a run whose SQL is kept needs neither
        f"ibis {installed('ibis-framework')}",
        f"sqlglot {installed('sqlglot')}",
        f"duckdb {duckdb.__version__}",
    ):
        digest.update(part.encode() + b"\0")
    files = [root / m for m in DEFINITION_MODULES]
    for package in DEFINITION_PACKAGES:
        files += [
            f
            for f in (root / package).rglob("*")
            if f.suffix in _SUFFIXES and "__pycache__" not in f.parts and f.is_file()
        ]
    for f in sorted(files):
        digest.update(str(f.relative_to(root)).encode() + b"\0")
        digest.update(f.read_bytes() + b"\0")
    return digest.hexdigest()[:24]
