"""CIN rules that read only the few rows able to meet them (rules/cin/activity.py,
rules/cin/factors.py): each flags exactly the rows its plain form (kept here as the rule text
read) flagged, over random episodes and children with blank keys, blank dates, repeated rows
and awkward Disability texts."""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pyarrow as pa
import pytest

from csc_scorecard.quality.rules import get
from csc_scorecard.quality.rules.cin.child import CHILD_REPEATS, child_repeats
from csc_scorecard.quality.rules.cin.factors import CHILD_DISABILITIES, _repeats, _with_others


def _started_during(view: str, end: str, open_if: str = "") -> str:
    still_open = f"b.{end} IS NULL AND a.start_date <= a.cy_end" + (
        f" AND {open_if}" if open_if else ""
    )
    return f"""SELECT a.* FROM {view} a SEMI JOIN {view} b
        ON a.la_code = b.la_code AND a.child_id = b.child_id
           AND a.referral_date = b.referral_date
           AND NOT (a.start_date = b.start_date AND a.{end} IS NOT DISTINCT FROM b.{end})
           AND a.start_date >= b.start_date
           AND (a.start_date <= b.{end} OR ({still_open}))"""


# the rules' queries before: every row against every row of its episode (8863Q, 8890); the
# window over every child with a record other than NONE alone (8790), or with two records or
# a record with a space, found by the keys (8794)
OLD = {
    "8863Q": _started_during("assessments", "authorised_date"),
    "8890": _started_during("s47", "icpc_date", "b.icpc_not_required IS NOT TRUE"),
    "8790": f"""SELECT * FROM (SELECT c.* FROM child c SEMI JOIN (SELECT load_id, child_id
            FROM child WHERE disabilities IS DISTINCT FROM 'NONE'
            GROUP BY load_id, child_id) d
        ON d.load_id IS NOT DISTINCT FROM c.load_id AND d.child_id IS NOT DISTINCT FROM c.child_id)
    QUALIFY {_with_others(CHILD_DISABILITIES, "'NONE'")}""",
    "8794": f"""SELECT * FROM (SELECT c.* FROM child c SEMI JOIN (SELECT load_id, child_id
            FROM child GROUP BY load_id, child_id
            HAVING count(*) > 1 OR bool_or(contains(disabilities, ' '))) d
        ON d.load_id IS NOT DISTINCT FROM c.load_id AND d.child_id IS NOT DISTINCT FROM c.child_id)
    QUALIFY {_repeats(CHILD_DISABILITIES)}""",
}
# what each rule now reads first: the episodes of two rows or more; the children written more
# than once (by a hash of their keys, found once for the run: child.CHILD_REPEATS) and those
# with a record able to meet the rule alone
FEW = {
    "8863Q": "HAVING count(*) > 1",
    "8890": "HAVING count(*) > 1",
    "8790": "SEMI JOIN child_repeats",
    "8794": "SEMI JOIN child_repeats",
}


def _day(rng: random.Random) -> date | None:
    return None if rng.random() < 0.1 else date(2022, 1, 1) + timedelta(days=rng.randrange(500))


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    """Episodes of one to four assessments or section 47 enquiries (some repeated whole), keys
    and dates sometimes blank; children of one to three records, Disability texts of NONE,
    codes, blanks and stray spaces."""
    rng = random.Random(11)
    con = duckdb.connect()
    episode_rows = []
    for n in range(3000):
        la = rng.choice(["201", "202", None]) if n % 50 == 0 else rng.choice(["201", "202"])
        child = None if n % 97 == 0 else f"C{rng.randrange(1500)}"
        referral = _day(rng)
        cy_end = rng.choice([date(2022, 3, 31), date(2023, 3, 31)])
        rows = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3, 4])):
            start = _day(rng)
            end = (
                None
                if start is None or rng.random() < 0.3
                else start + timedelta(rng.randrange(60))
            )
            rows.append((start, end, rng.choice([None, True, False])))
            if rng.random() < 0.1:
                rows.append(rows[-1])
        for start, end, not_required in rows:
            episode_rows.append((la, child, referral, start, end, not_required, cy_end))
    names = ["la_code", "child_id", "referral_date", "start_date", "end", "icpc_not_required"]
    episodes = pa.Table.from_pylist([dict(zip([*names, "cy_end"], r)) for r in episode_rows])
    con.register("episodes", episodes)
    for table, end in (("assessments", "authorised_date"), ("s47", "icpc_date")):
        con.execute(
            f"""CREATE TABLE {table} AS SELECT CAST(row_number() OVER () AS INTEGER) AS id,
            * RENAME ("end" AS {end}) FROM episodes"""
        )
    texts = [None, "", " ", "NONE", "NONE", "NONE", "LD", "NONE LD", "LD NONE", "LD LD"]
    texts += ["NONE NONE", " NONE", "NONE ", "LD  VIS", "VIS", "HAND VIS", "NONELD", "none"]
    child_rows = []
    for n in range(4000):
        load = None if n % 211 == 0 else rng.randrange(3)
        child = None if n % 307 == 0 else f"C{n}"
        for _ in range(rng.choice([1, 1, 1, 1, 2, 3])):
            child_rows.append((load, child, rng.choice(texts)))
    children = pa.Table.from_pylist(
        [dict(zip(["load_id", "child_id", "disabilities"], r)) for r in child_rows],
        schema=pa.schema(
            [("load_id", pa.int32()), ("child_id", pa.string()), ("disabilities", pa.string())]
        ),
    )
    con.register("children", children)
    con.execute(
        "CREATE TABLE child AS SELECT CAST(row_number() OVER () AS INTEGER) AS id, * FROM children"
    )
    con.execute(f"CREATE TABLE {CHILD_REPEATS} AS {child_repeats()}")  # as the scope builds it
    return con


@pytest.mark.parametrize("code", sorted(OLD))
def test_reads_the_few_rows_and_flags_what_the_plain_form_flagged(con, code: str) -> None:
    sql = get("cin", code).sql
    assert FEW[code] in sql
    flagged = "SELECT list(id ORDER BY id) FROM ({})"
    was = con.execute(flagged.format(OLD[code])).fetchall()[0][0]
    table = "child" if code in ("8790", "8794") else "s47"
    assert 10 < len(was) < con.sql(f"FROM {table}").shape[0]  # some rows flagged, not all
    assert con.execute(flagged.format(sql)).fetchall()[0][0] == was
