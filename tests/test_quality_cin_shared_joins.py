"""CIN rules 2990 and 8831 join each group table to the episodes once and keep the few groups
found (rules/cin/plans.py, nfa_death.py): they flag exactly the rows their plain forms (kept
here as the rule texts read: a look-up each way) flag, over random episodes with repeated
referral dates, blank keys and blank dates."""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pytest

from csc_scorecard.quality.rules import get
from csc_scorecard.quality.rules.cin.common import keyed, same_episode

EPISODE = "la_code, child_id, referral_date"
RC89 = "('RC8', 'RC9')"

OLD_2990 = f"""SELECT g._table, g.la_code, g.load_id, g."row", g.child_id, g.cy_end, g.field,
        g.value
    FROM ({" UNION ALL ".join(
        f"SELECT {keyed('g', f, 'start_date')}, g.referral_date FROM {t} g"
        for t, f in [("s47", "S47ActualStartDate"), ("cpp", "CPPstartDate"),
                     ("plans", "CINPlanStartDate")])}) g
    SEMI JOIN (SELECT {EPISODE} FROM referrals WHERE closure_reason IN {RC89}) r
        ON {same_episode("r", "g")}
    UNION ALL
    SELECT {keyed("r", "ReasonForClosure", "closure_reason")} FROM referrals r
    WHERE r.closure_reason IN {RC89} AND (r.icpc_date IS NOT NULL OR ({EPISODE}) IN (
        SELECT {EPISODE} FROM s47 UNION ALL SELECT {EPISODE} FROM cpp
        UNION ALL SELECT {EPISODE} FROM plans))"""  # fmt: skip


def _nfa(row: str) -> str:
    return f"""EXISTS (SELECT 1 FROM referrals r WHERE r.la_code = {row}.la_code
        AND r.child_id = {row}.child_id AND r.referral_date = {row}.referral_date
        AND r.referral_nfa IS TRUE)"""


ASSESSED = "(a.start_date IS NOT NULL OR a.authorised_date IS NOT NULL)"
OLD_8831 = f"""SELECT {keyed("a", "AssessmentActualStartDate", "start_date")}
    FROM assessments a WHERE {ASSESSED} AND {_nfa("a")}
    UNION ALL
    SELECT {keyed("s", "S47ActualStartDate", "start_date")}
    FROM s47 s WHERE s.start_date IS NOT NULL AND {_nfa("s")}
    UNION ALL
    SELECT {keyed("r", "DateOfInitialCPC", "icpc_date")} FROM referrals r
    WHERE r.referral_nfa IS TRUE AND (r.icpc_date IS NOT NULL
        OR EXISTS (SELECT 1 FROM assessments a WHERE {same_episode("a", "r")} AND {ASSESSED})
        OR EXISTS (SELECT 1 FROM s47 s WHERE {same_episode("s", "r")}
            AND s.start_date IS NOT NULL))"""


def _maybe(rng: random.Random, value, blank: float = 0.15):
    return None if rng.random() < blank else value


@pytest.fixture(scope="module", params=[1, 2, 3])
def con(request) -> duckdb.DuckDBPyConnection:
    """Random episodes of a few children in two authorities: several referrals a child, some
    on the same date, each with assessments, enquiries and plans, any key or date blank."""
    rng = random.Random(request.param)
    day = lambda: date(2022, 4, 1) + timedelta(days=rng.randrange(365))
    episodes, row = [], iter(range(1, 10**6))
    for la in ("370", "372"):
        for child in range(40):
            for _ in range(rng.randrange(1, 4)):
                episodes.append((la, f"C{child}", rng.choice([day(), date(2022, 5, 1)])))
    con = duckdb.connect()
    common = '_table VARCHAR, la_code VARCHAR, load_id INTEGER, "row" INTEGER, '
    common += "child_id VARCHAR, cy_end DATE, referral_date DATE, "
    con.execute(f"""CREATE TABLE referrals ({common} closure_reason VARCHAR,
        referral_nfa BOOLEAN, icpc_date DATE)""")
    for t in ("s47", "cpp", "plans"):
        con.execute(f"CREATE TABLE {t} ({common} start_date DATE)")
    con.execute(f"CREATE TABLE assessments ({common} start_date DATE, authorised_date DATE)")

    def key(table, la, child, when):
        return [table, _maybe(rng, la, 0.05), 1, next(row), _maybe(rng, child, 0.05),
                date(2023, 3, 31), _maybe(rng, when, 0.05)]  # fmt: skip

    for la, child, when in episodes:
        con.execute(
            "INSERT INTO referrals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            key("CINdetails", la, child, when)
            + [
                _maybe(rng, rng.choice(["RC8", "RC9", "RC1"])),
                _maybe(rng, rng.random() < 0.4),
                _maybe(rng, day(), 0.7),
            ],
        )
        for t in ("s47", "cpp", "plans"):
            for _ in range(rng.choice([0, 0, 1, 2])):
                con.execute(f"INSERT INTO {t} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            key(t, la, child, when) + [_maybe(rng, day(), 0.3)])  # fmt: skip
        for _ in range(rng.choice([0, 1, 2])):
            con.execute("INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        key("Assessments", la, child, when)
                        + [_maybe(rng, day(), 0.4), _maybe(rng, day(), 0.4)])  # fmt: skip
    return con


@pytest.mark.parametrize(("code", "old"), [("2990", OLD_2990), ("8831", OLD_8831)])
def test_the_shared_join_flags_what_each_look_up_flagged(con, code, old):
    def flagged(sql: str) -> list[tuple]:
        rows = con.execute(f"SELECT * FROM ({sql})").fetchall()
        return sorted(rows, key=repr)

    new = flagged(get("cin", code).sql)
    assert len(new) > 10
    assert new == flagged(old)
