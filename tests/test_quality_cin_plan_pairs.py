"""CIN rules 4016 and 4017 find each pair of a child's CIN plan and protection plan once (one
join, kept) and read it for both rows, and 4003 looks its reviews up in the CIN plans with a
SEMI JOIN before the protection plans (rules/cin/plans.py): they flag exactly the rows their
plain forms (kept here as the rule texts read: a look-up each way, a correlated EXISTS) flag,
over random plans with blank keys and dates, repeated start dates and open plans. A row may
come twice where a plan is in two pairs: the fault table keeps one of equal rows
(`fault_table._in_order`), so the rows are compared as sets."""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pytest

from csc_scorecard.quality.rules import get
from csc_scorecard.quality.rules.cin.common import keyed, same_child
from csc_scorecard.quality.rules.cin.plans import _open_within


def _each_way(during: str) -> str:
    return f"""SELECT {keyed("c", "CINPlanStartDate", "start_date")} FROM plans c
    WHERE EXISTS (SELECT 1 FROM cpp p WHERE {same_child("p", "c")} AND {during})
    UNION ALL
    SELECT {keyed("p", "CPPstartDate", "start_date")} FROM cpp p
    WHERE EXISTS (SELECT 1 FROM plans c WHERE {same_child("p", "c")} AND {during})"""


OLD = {
    "4016": _each_way(_open_within("c", "start_date", "p")),
    "4017": _each_way(_open_within("p", "start_date", "c")),
    "4003": f"""SELECT v.* FROM cpreviews v
    LEFT JOIN cpp p ON {same_child("p", "v")} AND p.start_date = v.plan_start_date
    WHERE v.review_date IS DISTINCT FROM p.end_date AND EXISTS (SELECT 1 FROM plans c
        WHERE {same_child("c", "v")} AND v.review_date >= c.start_date
        AND v.review_date < c.end_date)""",
}


def _maybe(rng: random.Random, value, blank: float = 0.15):
    return None if rng.random() < blank else value


@pytest.fixture(scope="module", params=[1, 2, 3])
def con(request) -> duckdb.DuckDBPyConnection:
    """Random CIN plans, protection plans and reviews of a few children in two authorities:
    several of each a child, some starting the same day, any key or date blank, ends open."""
    rng = random.Random(request.param)
    day = lambda: date(2022, 4, 1) + timedelta(days=rng.randrange(200))
    row = iter(range(1, 10**6))
    con = duckdb.connect()
    common = '_table VARCHAR, la_code VARCHAR, load_id INTEGER, "row" INTEGER, '
    common += "child_id VARCHAR, cy_end DATE"
    for t in ("plans", "cpp"):
        con.execute(f"CREATE TABLE {t} ({common}, start_date DATE, end_date DATE)")
    con.execute(f"CREATE TABLE cpreviews ({common}, plan_start_date DATE, review_date DATE)")

    def key(table, la, child):
        return [table, _maybe(rng, la, 0.05), 1, next(row), _maybe(rng, child, 0.05),
                date(2023, 3, 31)]  # fmt: skip

    for la in ("370", "372"):
        for child in range(30):
            starts = []
            for t in ("plans", "cpp"):
                for _ in range(rng.randrange(0, 4)):
                    start = rng.choice([day(), date(2022, 6, 1)])
                    starts.append(start)
                    end = start + timedelta(days=rng.randrange(120))
                    con.execute(f"INSERT INTO {t} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                key(t, la, f"C{child}")
                                + [_maybe(rng, start, 0.1), _maybe(rng, end, 0.4)])  # fmt: skip
            for _ in range(rng.randrange(0, 4)):
                plan_start = rng.choice(starts) if starts else day()
                con.execute("INSERT INTO cpreviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            key("Reviews", la, f"C{child}")
                            + [plan_start, _maybe(rng, day(), 0.1)])  # fmt: skip
    return con


@pytest.mark.parametrize("code", ["4016", "4017", "4003"])
def test_the_rule_flags_what_its_plain_form_flagged(con, code):
    def flagged(sql: str) -> set[tuple]:
        return set(con.execute(f"SELECT * FROM ({sql})").fetchall())

    new = flagged(get("cin", code).sql)
    assert len(new) > 10
    assert new == flagged(OLD[code])


@pytest.mark.parametrize("code", ["4016", "4017"])
def test_the_plans_are_joined_once(con, code):
    """One join of the CIN plans with the protection plans, not one each way."""
    plan = con.execute(f"EXPLAIN {get('cin', code).sql}").fetchall()[0][1]
    assert plan.count("Join Type") == 1, plan


def test_4003_looks_reviews_up_without_a_delim_join(con):
    """4003's CIN plan look-up is a SEMI JOIN, not a correlated EXISTS (DuckDB's delim join
    over every review: cin/common.py): two joins, neither DELIM nor MARK."""
    plan = con.execute(f"EXPLAIN {get('cin', '4003').sql}").fetchall()[0][1]
    assert plan.count("Join Type") == 2, plan
    assert "DELIM" not in plan.upper() and "MARK" not in plan, plan
