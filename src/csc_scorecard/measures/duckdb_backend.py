"""The DuckDB side of a measure run: the backend made only when an expression needs it, and a
kept statement's rows as Arrow."""

from __future__ import annotations

import warnings
from typing import Any

import pyarrow as pa

# DuckDB warns that Arrow from an executed statement copies the rows once more than a relation's
# Arrow does; the copy is of the counted rows (thousands), while a relation parses and binds the
# statement once more before running it (`arrow_rows`).
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


def arrow_rows(cursor: Any, sql: str) -> pa.Table:
    """The rows of a kept statement as Arrow, the statement parsed and planned once.

    ``cursor.sql(sql)`` makes a relation, which parses and binds the statement to learn its
    columns, and running it parses and plans it again; executing it does so once. Measured on
    the demo's 116 statements, bare DuckDB, three runs each: 10-20% less CPU (about 0.3 s of
    2.8 s; docs/benchmarks.md), the same rows.
    """
    return cursor.execute(sql).to_arrow_table()


def is_duckdb(backend: Any) -> bool:
    return getattr(backend, "name", None) == "duckdb"


class DuckDB:
    """Ibis's DuckDB backend over a store's connection, made when first needed.

    A run whose SQL is kept (`compiled`) needs only the connection: it builds, compiles and
    runs no Ibis expression, so a new process saves importing Ibis and its DuckDB backend
    (0.4 s of CPU). Anything else asked of it (`table`, `compile`, `to_pyarrow`, ...) is
    the backend's, made then. The connection gets at once the two settings the backend
    gives it (`from_connection`: time zone UTC, no replacement scans of Python variables),
    so every statement runs under the same settings whether the backend was made or not."""

    name = "duckdb"

    def __init__(self, con: Any) -> None:
        self.con = con
        self._backend: Any = None
        con.execute("SET timezone = 'UTC'")
        con.execute("SET python_enable_replacements = false")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy and pickle probe these: not the backend's
            raise AttributeError(name)
        if self._backend is None:
            import ibis

            self._backend = ibis.duckdb.from_connection(self.con)
        return getattr(self._backend, name)
