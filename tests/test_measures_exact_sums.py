"""FTE sums that do not depend on the order DuckDB adds the rows in (measures/exact_sums.py)."""

from __future__ import annotations

import ibis
import pyarrow as pa

from csc_scorecard.measures.exact_sums import exact_mean, exact_sum


def _table(values: list, name: str = "fte") -> ibis.Table:
    return ibis.memtable(pa.table({"g": ["a"] * len(values), name: values}))


def _one(con, expr: ibis.Table) -> object:
    return con.to_pyarrow(expr).column(0)[0].as_py()


def test_fractions_add_up_exactly():
    # In floating point 0.1 + 0.2 + 0.3 is 0.6000000000000001 and 0.3 + 0.2 + 0.1 is 0.6.
    assert 0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1
    con = ibis.duckdb.connect()
    for values in ([0.1, 0.2, 0.3], [0.3, 0.2, 0.1], [0.2, 0.1, 0.3]):
        t = _table(values)
        assert _one(con, t.agg(total=exact_sum(t.fte))) == 0.6


def test_a_mean_of_fractions_is_the_exact_total_over_the_count():
    con = ibis.duckdb.connect()
    for values in ([0.1, 0.2, 0.3], [0.3, 0.2, 0.1]):
        t = _table(values)
        assert _one(con, t.agg(m=exact_mean(t.fte))) == 0.6 / 3


def test_whole_numbers_keep_their_type():
    t = _table([1, 2, 3], "cases")
    assert exact_sum(t.cases).type().is_integer()
    assert _one(ibis.duckdb.connect(), t.agg(total=exact_sum(t.cases))) == 6


def test_many_part_time_posts_total_the_same_each_time():
    # 30,000 posts of 0.1 to 0.9 FTE: the exact total, whatever DuckDB's threads do.
    values = [round(0.1 * (1 + i % 9), 1) for i in range(30_000)]
    expected = sum(1 + i % 9 for i in range(30_000)) / 10
    con = ibis.duckdb.connect()
    con.raw_sql("SET threads = 4")
    t = _table(values)
    totals = {_one(con, t.agg(total=exact_sum(t.fte))) for _ in range(5)}
    assert totals == {expected}
