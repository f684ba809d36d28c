"""The in-memory DuckDB that reading uses for work over whole columns (splitting CSV lines,
typing cells, finding duplicate keys); never the store."""

from __future__ import annotations

import threading

import duckdb

_local = threading.local()


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
