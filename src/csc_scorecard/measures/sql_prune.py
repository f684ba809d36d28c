"""Leave out of a compiled measure query every column no later step reads.

Ibis writes each step of an expression as a subquery selecting every column of the step before
it (a measure over the referrals carries all of their columns through every join, window and
filter to the final count), and DuckDB binds and plans each of those columns at every level
before it drops the unused ones: most of a measure statement's CPU on one authority was
planning, not running it (docs/benchmarks.md). `prune_columns` rewrites the query with sqlglot's
own optimizer rules `qualify` (every column named with its relation, ``*`` expanded from the
tables' known columns) and `pushdown_projections` (each subquery and common table expression
keeps only the columns used above it; a ``DISTINCT`` or set operation keeps what its rows depend
on). Nothing else is rewritten: the joins, filters, windows and aggregates are the same text, so
the rows are the same (every statement of the demo's and England's measure runs compared row by
row when this was added). Done once when a query is compiled (`Context.prepare`), so a kept query
costs nothing more to run; a query sqlglot cannot rewrite is kept as Ibis wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping


def prune_columns(sql: str, schemas: Mapping[str, Mapping[str, str]]) -> str:
    """``sql`` with the columns no step reads left out of every subquery; ``schemas`` gives
    each table it reads (store tables and named inputs) as {column: DuckDB type}. Returns
    ``sql`` unchanged if sqlglot cannot parse or qualify it."""
    import sqlglot
    from sqlglot.errors import SqlglotError
    from sqlglot.optimizer import optimize
    from sqlglot.optimizer.pushdown_projections import pushdown_projections
    from sqlglot.optimizer.qualify import qualify

    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
        pruned = optimize(
            tree,
            schema={t: dict(c) for t, c in schemas.items()},
            dialect="duckdb",
            rules=(qualify, pushdown_projections),
        )
        return pruned.sql(dialect="duckdb")
    except (SqlglotError, KeyError, ValueError, TypeError, AttributeError):
        return sql
