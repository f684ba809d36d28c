"""A rules run sends no row filter of an empty table (quality.runner._empty_tables): the names
the search path resolves to tables holding no row, the first schema holding a name being the
one a query reads, views never counted empty."""

from __future__ import annotations

import duckdb

from csc_scorecard.quality.runner import _empty_tables


def test_the_empty_tables_a_query_would_read():
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS scope").fetchall()
    con.execute("ATTACH ':memory:' AS other").fetchall()
    for sql in (
        "CREATE SCHEMA scope.s903",
        "CREATE SCHEMA scope.s903_run",
        "CREATE SCHEMA other.s903",
        "CREATE TABLE scope.s903.none_here (x INT)",
        "CREATE TABLE scope.s903.some (x INT)",
        "INSERT INTO scope.s903.some VALUES (1)",
        "CREATE TABLE scope.s903.emptied (x INT)",  # a row added then deleted: not counted
        "INSERT INTO scope.s903.emptied VALUES (1)",
        "DELETE FROM scope.s903.emptied",
        "CREATE VIEW scope.s903.nothing AS SELECT 1 AS x WHERE false",  # a view: not counted
        "CREATE TABLE scope.s903.copied (x INT)",  # the run's copy (with rows) is read
        "CREATE TABLE scope.s903_run.copied AS SELECT 1 AS x",
        "CREATE TABLE scope.s903.emptier AS SELECT 1 AS x",  # the run's empty copy is read
        "CREATE TABLE scope.s903_run.emptier (x INT)",
        "CREATE TABLE other.s903.some (x INT)",  # not on the search path
        "CREATE TABLE other.s903.elsewhere (x INT)",
    ):
        con.execute(sql).fetchall()
    con.execute("SET search_path = 'scope.s903_run,scope.s903'").fetchall()
    assert _empty_tables(con) == {"none_here", "emptier"}
    con.execute("SET search_path = 'scope.s903'").fetchall()
    assert _empty_tables(con) == {"none_here", "copied"}
