"""Independent SQL statements of a rules run, several at a time when asked (issue 11 item 6).

A run's statements are small: a scoped table under 122,880 rows is one DuckDB row group, which
one thread reads, so a statement at a time leaves the second core idle. With WORKERS above one
(the environment's SCORECARD_SQL_WORKERS), `run_all` sends the statements on that many cursors
of the scope's connection at once (`cursor_pool`: Python threads, DuckDB lets go of the GIL),
each cursor with the connection's search path (the scope's schema, and the run's tables:
`runner._tables_of_run`), a statement waiting for the ones it reads (`after`). The results come
back in the order of the statements, so nothing that follows depends on which thread finished
first (the faults are sorted after: `fault_table`). Two by default (one on a one-core
machine, where it runs on the connection itself, in order): on the quiet two-core machine the
benchmark's 903 rules took 2.96-2.97 s wall with two against 3.78-3.91 s with one, the same CPU
(docs/benchmarks.md, the 903 rules as row filters of derived tables, part A); measured while the
machine was busy, two gained nothing.

Over a small store each worker's statements run on one DuckDB thread (`one_thread_each`): a
statement over one row group gains nothing from DuckDB's own threads and pays for starting and
joining them (101,000 episodes: 4.6-4.8 against 5.0-5.3 CPU s a run, A/B under load).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager

import duckdb
import pyarrow as pa

from csc_scorecard.cursor_pool import WORKERS, run_on_cursors
from csc_scorecard.quality.rules import sql_text

# A statement's rows are fetched by executing it, which DuckDB parses and plans once; as a
# relation (`con.sql`) it was parsed and bound again to learn its columns first: 0.1 of the
# 903 benchmark's 1.4 CPU s of rule statements. DuckDB warns that Arrow from an executed
# statement copies the rows once, which cost less than the second parse and bind here.
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

# A store whose loads wrote at most this many rows is small: its scoped tables are a few row
# groups each, and every statement of a run is small (`one_thread_each`). A synthetic England
# (26 million rows) is not: its groups' statements scan millions of rows.
SMALL_STORE_ROWS = 4_000_000


@contextmanager
def one_thread_each(
    con: duckdb.DuckDBPyConnection, rows_loaded: Callable[[duckdb.DuckDBPyConnection], int]
) -> Iterator[None]:
    """With WORKERS above one and a small store (`SMALL_STORE_ROWS`: `rows_loaded(con)`, the
    rows its loads wrote, asked only then), DuckDB's threads set to one for the block, so the
    workers are the only parallelism; the setting (the whole instance's) is put back after."""
    if WORKERS <= 1 or rows_loaded(con) > SMALL_STORE_ROWS:
        yield
        return
    with con.cursor() as cur:
        threads = cur.execute("SELECT current_setting('threads')").fetchall()[0][0]
        cur.execute("SET threads = 1").fetchall()
        try:
            yield
        finally:
            cur.execute(f"SET threads = {int(threads)}").fetchall()


def run_all(
    con: duckdb.DuckDBPyConnection,
    statements: Sequence[str],
    *,
    after: Mapping[int, Collection[int]] | None = None,
    rows: bool = False,
    seconds: list[float] | None = None,
) -> list[pa.Table | None]:
    """Run `statements` on WORKERS cursors of `con` at once (with one: on `con`, in order),
    statement i only once those in `after[i]` (earlier ones: the tables it reads) are done;
    with `rows`, each one's rows (an Arrow table), in the order of `statements`; `seconds`
    (a list as long as `statements`) gets each one's wall seconds. The first failure is
    raised."""
    if not statements:
        return []

    def one(cur: duckdb.DuckDBPyConnection, i: int) -> pa.Table | None:
        started = time.perf_counter()
        if rows:
            found = cur.execute(statements[i]).to_arrow_table()
        else:
            cur.execute(statements[i]).fetchall()
            found = None
        if seconds is not None:
            seconds[i] = time.perf_counter() - started
        return found

    if WORKERS <= 1:
        return [one(con, i) for i in range(len(statements))]
    path = con.execute("SELECT current_setting('search_path')").fetchall()[0][0]
    cursors = [con.cursor() for _ in range(WORKERS)]

    try:
        for cur in cursors:
            cur.execute("SET search_path = " + sql_text(path)).fetchall()
        return run_on_cursors(cursors, len(statements), one, after=after)
    finally:
        for cur in cursors:
            cur.close()
