"""A subquery compiled more than once into a measure query is written once (measures/sql_share).

The rows must not change: each case runs the query as written and as rewritten on DuckDB.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import duckdb
import ibis
import pytest
from measure_fixtures import LA
from test_measures_front_door import WITHIN_3, front_door  # noqa: F401 (a fixture)

from csc_scorecard.measures.catalogue import measure
from csc_scorecard.measures.context import Context
from csc_scorecard.measures.engine import counted
from csc_scorecard.measures.inputs import INPUT_PREFIX
from csc_scorecard.measures.sql_share import MIN_SHARED, share_subqueries
from csc_scorecard.model.periods import parse_periods

# A deduplicating window over t (as referral_rows does), used by two joins, written twice.
_DEDUP = (
    'SELECT "t1"."k", "t1"."d" FROM (SELECT "t0"."k", "t0"."d", ROW_NUMBER() OVER '
    '(PARTITION BY "t0"."k" ORDER BY "t0"."d" ASC) AS "rn" FROM "t" AS "t0") AS "t1" '
    'WHERE "t1"."rn" = 1'
)


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES (1, DATE '2022-01-03'), (1, DATE '2022-01-01'), "
        "(2, DATE '2022-02-01'), (3, DATE '2022-03-01'), (3, DATE '2022-03-01')) v(k, d)"
    )
    return con


def test_a_repeated_subquery_is_written_once_and_the_rows_are_the_same():
    query = (
        f'WITH "t9" AS (SELECT * FROM "t" AS "t8") SELECT "t2"."k", "t2"."d", "b"."n" FROM '
        f'({_DEDUP}) AS "t2" INNER JOIN (SELECT "t3"."k", COUNT(*) AS "n" FROM '
        f'({_DEDUP}) AS "t3" WHERE "t3"."k" IN (SELECT "k" FROM "t9") GROUP BY 1) AS "b" '
        'ON "t2"."k" = "b"."k" ORDER BY 1'
    )
    assert share_subqueries(query) == query  # different aliases: not known to be one relation
    # Ibis's shape: one relation used twice keeps its alias and its text
    same = query.replace('AS "t3"', 'AS "t2"').replace('"t3".', '"t2".')
    shared = share_subqueries(same)
    assert shared.count(_DEDUP) == 1
    assert shared.startswith('WITH "t9" AS (SELECT * FROM "t" AS "t8"), "t2" AS (')
    con = _con()
    assert (
        con.sql(shared).fetchall()
        == con.sql(same).fetchall()
        == [
            (1, date(2022, 1, 1), 1),
            (2, date(2022, 2, 1), 1),
            (3, date(2022, 3, 1), 1),
        ]
    )


def test_nested_repeats_are_each_named_once_and_ordered_before_their_users():
    inner = (
        'SELECT "t0"."k", "t0"."d", "t0"."d" + INTERVAL 1 DAY AS "next_day" FROM "t" AS "t0" '
        'WHERE "t0"."d" >= DATE \'2022-01-02\' AND "t0"."k" > 0'
    )
    assert len(inner) >= MIN_SHARED
    outer = f'SELECT "t1"."k", COUNT(*) AS "n" FROM ({inner}) AS "t1" GROUP BY 1'
    query = (
        f'SELECT "t2"."k", "t2"."n", "t1"."d" FROM ({outer}) AS "t2" INNER JOIN ({inner}) AS "t1" '
        f'ON "t2"."k" = "t1"."k" UNION ALL SELECT "t2"."k", "t2"."n", NULL FROM ({outer}) AS "t2"'
    )
    shared = share_subqueries(query)
    assert shared.count(outer.replace(f"({inner})", '"t1"')) == 1
    assert shared.count(inner) == 1
    assert shared.index('"t1" AS (') < shared.index('"t2" AS (')
    con = _con()
    assert sorted(con.sql(shared).fetchall(), key=repr) == sorted(
        con.sql(query).fetchall(), key=repr
    )


def test_text_not_in_ibis_shape_or_without_repeats_is_left_alone():
    assert share_subqueries("SELECT 1") == "SELECT 1"
    odd = 'WITH RECURSIVE "r"(n) AS (SELECT 1) SELECT * FROM "r"'
    assert share_subqueries(odd) == odd
    literal = "SELECT ') AS \"t1\"' AS x"
    assert share_subqueries(literal) == literal


@pytest.mark.usefixtures("front_door")
def test_a_measure_query_runs_its_repeated_steps_once_with_the_same_rows(store):
    """referrals_decided_within_3_working_days joins the deduplicated referrals to their first
    assessment and first section 47: Ibis writes the window over the referrals several times."""
    m = measure(WITHIN_3)
    ctx = Context(ibis.duckdb.from_connection(store.con), [LA], parse_periods("2022-Q1"))
    named = replace(ctx, named=True)
    compiled = ctx.backend.compile(counted(m, named))
    ctx.execute(("measure", m.id), lambda c: counted(m, c))
    sql, inputs, _ = ctx.compiled(("measure", m.id))
    assert sql.count("ROW_NUMBER()") < compiled.count("ROW_NUMBER()")
    ran = []
    for text in (compiled, sql):
        with store.con.cursor() as cur:
            for name in inputs:
                cur.register(name, ctx.input_rows(name.removeprefix(INPUT_PREFIX)))
            ran.append(sorted(cur.sql(text).fetchall(), key=repr))
    assert ran[0] == ran[1] and ran[0]
