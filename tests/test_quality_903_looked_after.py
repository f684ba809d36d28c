"""`rules.sql.looked_after_through` (one grouping of the children's episodes, looked up by a
semi join) keeps exactly the rows `continuously_looked_after` (a correlated test per row)
keeps, blanks included: rules 187 and 191 read the first, `oc2_b` the second."""

from __future__ import annotations

import duckdb

from csc_scorecard.quality.rules.sql import continuously_looked_after, looked_after_through

EPISODES = [
    # child, decom, dec, rne, rec, ls
    ("A", "2023-01-01", None, "S", None, "C2"),  # open through the year
    ("B", "2023-01-01", "2023-06-30", "S", "E11", "C2"),  # ended in the year
    ("C", "2023-06-01", None, "S", None, "C2"),  # started in the year
    ("D", "2022-01-01", None, "S", None, "V3"),  # short break
    ("E", "2022-01-01", "2023-05-01", "S", "X1", "C2"),  # X1 then a next episode
    ("E", "2023-05-01", None, "P", None, "C2"),
    ("F", None, None, "S", None, "C2"),  # no DECOM
    ("G", "2020-01-01", "2021-01-01", "S", "E11", "C2"),  # before the year only
    (None, "2023-01-01", None, "S", None, "C2"),  # no child id
    ("H", "2023-01-01", None, "S", None, None),  # blank LS
]
ROWS = [
    # child, cy_start, cy_end
    ("A", "2023-04-01", "2024-03-31"),
    ("A", "2023-04-01", "2024-03-31"),  # the same child and year twice
    ("A", None, "2024-03-31"),
    ("A", "2023-04-01", None),
    ("A", None, None),
    ("B", "2023-04-01", "2024-03-31"),
    ("C", "2023-04-01", "2024-03-31"),
    ("D", "2023-04-01", "2024-03-31"),
    ("E", "2023-04-01", "2024-03-31"),
    ("F", "2023-04-01", "2024-03-31"),
    ("G", "2023-04-01", "2024-03-31"),
    ("H", "2023-04-01", "2024-03-31"),
    ("Z", "2023-04-01", "2024-03-31"),  # no episode
    (None, "2023-04-01", "2024-03-31"),
    ("A", "2021-04-01", "2022-03-31"),  # an earlier year
]


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE episodes (la_code VARCHAR, child_id VARCHAR, decom DATE, dec DATE,
        rne VARCHAR, rec VARCHAR, ls VARCHAR)"""
    )
    con.executemany("INSERT INTO episodes VALUES ('371', ?, ?, ?, ?, ?, ?)", EPISODES)
    con.execute(
        """CREATE TABLE t (n INTEGER, la_code VARCHAR, child_id VARCHAR, cy_start DATE,
        cy_end DATE)"""
    )
    con.executemany(
        "INSERT INTO t VALUES (?, '371', ?, ?, ?)", [(n, *r) for n, r in enumerate(ROWS)]
    )
    return con


def test_the_grouped_test_keeps_the_rows_the_correlated_one_keeps() -> None:
    con = _con()
    correlated = con.execute(
        f"SELECT n FROM t r WHERE {continuously_looked_after('r')} ORDER BY n"
    ).fetchall()
    grouped = con.execute(f"SELECT r.n FROM {looked_after_through('t', 'r')} ORDER BY n").fetchall()
    # A (both rows of the year, and the one with no year start: the episode is open, and no
    # start can break it), E (X1 into the next episode) and H (blank LS) only
    assert correlated == [(0,), (1,), (2,), (8,), (11,)]
    assert grouped == correlated
