"""CIN rule 8565's test of an episode's own DateOfInitialCPC against its CINclosureDate says
the date is there (rules/cin/plans.py): DuckDB then filters the scan of the episodes by it
(few have one), where a comparison of two columns is tested only after every column of every
closed episode is read. The same rows: hand-worked cases in test_quality_rules_cin_rest."""

from __future__ import annotations

import duckdb

from csc_scorecard.quality.rules import get


def test_8565_filters_the_episodes_scan_by_their_conference_date():
    con = duckdb.connect()
    common = '_table VARCHAR, la_code VARCHAR, load_id INTEGER, "row" INTEGER, '
    common += "child_id VARCHAR, cy_end DATE, referral_date DATE"
    con.execute(f"CREATE TABLE referrals ({common}, closure_date DATE, icpc_date DATE)")
    con.execute(f"CREATE TABLE assessments ({common}, start_date DATE, authorised_date DATE)")
    con.execute(f"CREATE TABLE s47 ({common}, start_date DATE, icpc_date DATE)")
    con.execute(f"CREATE TABLE cpp ({common}, end_date DATE)")
    con.execute(f"CREATE TABLE plans ({common}, start_date DATE, end_date DATE)")
    # an episode with a conference date after its closure and one without (a table's
    # statistics decide what is left of a filter on an empty or all-blank column)
    for closed, icpc in (("2023-05-15", "2023-06-01"), ("2023-07-01", None)):
        con.execute(
            "INSERT INTO referrals VALUES ('CINdetails', '370', 1, 1, 'A', '2024-03-31', "
            "'2023-05-01', ?, ?)",
            [closed, icpc],
        )
    plan = con.execute(f"EXPLAIN (FORMAT JSON) {get('cin', '8565').sql}").fetchall()[0][1]
    assert "icpc_date IS NOT NULL" in plan, plan
    flagged = con.execute(f"SELECT closure_date FROM ({get('cin', '8565').sql})").fetchall()
    assert [str(c) for (c,) in flagged] == ["2023-05-15"]
