"""DATE_PERM read as the latest date it can mean (rule 632, `prevperm.with_perm_date`): the
dates the CASE written out in each branch gave (main at 2b062e4), for known, unknown (ZZ)
and malformed parts."""

from __future__ import annotations

from datetime import date

import duckdb

from csc_scorecard.quality.rules.ssda903.prevperm import with_perm_date

EXPECTED = {
    "ZZ/05/2023": date(2023, 5, 31),  # unknown day: the month's last
    "ZZ/ZZ/2022": date(2022, 12, 31),  # unknown day and month: the year's last
    "31/02/2021": None,  # no such day
    "15/03/2021": date(2021, 3, 15),
    "1/2/2020": date(2020, 2, 1),
    "12/ZZ/2020": date(2021, 1, 11),  # unknown month: a year on from the 12th of January
    "ZZ/ZZ/ZZZZ": date(2000, 12, 31),
    "ZZ/02/2024": date(2024, 2, 29),
    "29/02/2024": date(2024, 2, 29),
    "15/03/ZZZZ": date(2000, 3, 15),
    "2021-03-15": None,
    "15/03/2021/1": None,  # four parts
    "15/03": None,  # two
    "": None,
    "ZZ/13/2021": None,
    "  15/03/2021": date(2021, 3, 15),
    "15/3/21": date(21, 3, 15),
}


def test_each_date_perm_reads_as_it_did() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE p (date_perm VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?)", [(v,) for v in EXPECTED] + [(None,)])
    found = dict(con.execute(f"SELECT date_perm, perm_date FROM {with_perm_date('p')}").fetchall())
    assert found == EXPECTED  # a blank DATE_PERM is not read (632 flags given ones only)
