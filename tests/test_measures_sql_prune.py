"""Columns no step reads are left out of a compiled query; its rows stay the same."""

from __future__ import annotations

import duckdb

from csc_scorecard.measures.sql_prune import prune_columns

SCHEMAS = {
    "referrals": {"la_code": "TEXT", "child_id": "TEXT", "referral_date": "DATE", "source": "TEXT"},
    "csc_periods": {"period": "TEXT", "start": "DATE", "end": "DATE"},
}

# The shape Ibis writes: each step selects every column of the one before it.
WINDOWED = (
    'WITH "t5" AS (SELECT "t2".* FROM (SELECT "t1"."la_code", "t1"."child_id", '
    '"t1"."referral_date", "t1"."source", "t0"."period", "t0"."start", "t0"."end" '
    'FROM "referrals" AS "t1" INNER JOIN "csc_periods" AS "t0" ON "t1"."referral_date" '
    'BETWEEN "t0"."start" AND "t0"."end") AS "t2") '
)
QUERY = (
    WINDOWED + 'SELECT "t6"."la_code", "t6"."period", COUNT(DISTINCT "t6"."child_id") AS '
    '"children" FROM "t5" AS "t6" GROUP BY 1, 2 ORDER BY 1, 2'
)
# The distinct rows of the same relation: every column decides which rows are distinct.
DISTINCT = (
    WINDOWED + 'SELECT COUNT(*) AS "n" FROM (SELECT DISTINCT "t7".* FROM "t5" AS "t7") AS "t8"'
)


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE referrals AS SELECT * FROM (VALUES "
        "('371', 'a', DATE '2022-04-02', '1A'), ('371', 'a', DATE '2022-04-02', '2A'), "
        "('371', 'a', DATE '2022-04-02', '2A'), ('371', 'b', DATE '2022-07-01', NULL)) "
        "AS v(la_code, child_id, referral_date, source)"
    )
    con.execute(
        "CREATE TABLE csc_periods AS SELECT * FROM (VALUES "
        "('2022-Q1', DATE '2022-04-01', DATE '2022-06-30'), "
        "('2022-Q2', DATE '2022-07-01', DATE '2022-09-30')) AS v(period, start, \"end\")"
    )
    return con


def test_unused_columns_are_left_out_and_the_rows_are_the_same():
    pruned = prune_columns(QUERY, SCHEMAS)
    assert '"source"' not in pruned and "source" not in pruned  # read by no step
    assert pruned.count('"referral_date"') < QUERY.count('"referral_date"')  # the join's only
    con = _con()
    assert (
        con.sql(pruned).fetchall()
        == con.sql(QUERY).fetchall()
        == [
            ("371", "2022-Q1", 1),
            ("371", "2022-Q2", 1),
        ]
    )


def test_a_distinct_keeps_every_column_its_rows_depend_on():
    pruned = prune_columns(DISTINCT, SCHEMAS)
    con = _con()
    assert con.sql(pruned).fetchall() == con.sql(DISTINCT).fetchall() == [(3,)]


def test_a_query_sqlglot_cannot_read_is_kept_as_written():
    odd = 'SELECT "x" FROM "nowhere" WHERE'
    assert prune_columns(odd, SCHEMAS) == odd
