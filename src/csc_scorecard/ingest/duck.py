"""The in-memory DuckDB that reading uses for work over whole columns (splitting CSV lines,
finding duplicate keys); never the store."""

from __future__ import annotations

import threading
import warnings

import duckdb
import pyarrow as pa

_local = threading.local()

# `arrow_rows` executes a statement, which DuckDB parses and plans once, rather than making it a
# relation (parsed and bound to learn its columns, then parsed and planned again to run): a
# statement over a few rows costs more to plan than to run. Arrow output from an executed statement
# copies its rows once, which DuckDB warns of; the rows here are few.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)


def connection() -> duckdb.DuckDBPyConnection:
    """This thread's in-memory DuckDB for reading (opening one costs more than typing a small
    table, and a return has a dozen): a caller registers what it needs and removes it after."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
    return con


_left_behind: list[threading.local] = []


def reset() -> None:
    """Forget this thread's connection without closing it: in a forked worker it is the
    parent's, whose DuckDB threads did not come across (closing it would wait for them)."""
    global _local
    _left_behind.append(_local)
    _local = threading.local()


def arrow_rows(sql: str) -> pa.Table:
    """The rows of a statement on this thread's reading connection, as Arrow."""
    return connection().execute(sql).to_arrow_table()
