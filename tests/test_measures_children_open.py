"""Children open at a date or during a window counted without a distinct grouping
(common.children_open): the same numbers as `count_children` of the open rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import ibis
import pyarrow as pa
import pytest

from csc_scorecard.measures.context import INPUT_PREFIX, Context
from csc_scorecard.measures.functions.common import (
    children_open,
    count_children,
    open_at,
    open_during,
)
from csc_scorecard.model.periods import parse_periods

# (authority, child, start, end) around the quarter ends 31 Mar, 30 Jun and 30 Sep 2022
# (2021-Q4 to 2022-Q2).
EPISODES = [
    # overlapping: one child once
    ("999", "a", date(2021, 1, 1), date(2022, 5, 1)),
    ("999", "a", date(2022, 2, 1), date(2022, 8, 1)),
    # the same start twice (ties), one open-ended
    ("999", "b", date(2022, 1, 10), date(2022, 4, 1)),
    ("999", "b", date(2022, 1, 10), None),
    # touching (one ends the day the next starts), then a gap inside a window
    ("999", "c", date(2021, 11, 1), date(2022, 3, 31)),
    ("999", "c", date(2022, 3, 31), date(2022, 4, 10)),
    ("999", "c", date(2022, 5, 1), date(2022, 5, 20)),
    # an open-ended episode before a closed one it covers
    ("999", "d", date(2020, 1, 1), None),
    ("999", "d", date(2022, 6, 1), date(2022, 6, 2)),
    # ends before it starts, beside an ordinary one
    ("999", "e", date(2022, 9, 1), date(2022, 2, 1)),
    ("999", "e", date(2022, 1, 1), date(2022, 1, 5)),
    # no start, no child
    ("999", "f", None, None),
    ("999", None, date(2021, 1, 1), None),
    ("999", None, date(2021, 6, 1), None),
    # the same child id in another authority is another child
    ("998", "a", date(2022, 3, 1), date(2022, 7, 1)),
    ("998", "a", date(2022, 6, 1), None),
]


@pytest.fixture
def ctx():
    con = ibis.duckdb.connect()
    la, child, start, end = zip(*EPISODES, strict=True)
    rows = pa.table({"la_code": la, "child_id": child, "s": start, "e": end})
    con.con.register("_episodes", rows)
    con.raw_sql("CREATE TABLE episodes AS SELECT * FROM _episodes")
    return Context(con, ["998", "999"], parse_periods("2021-Q4:2022-Q2"), named=True)


def _counts(ctx: Context, expr: ibis.Table) -> dict[tuple[str, str], int]:
    if not ctx.named:  # in-memory periods: Ibis registers them
        rows = ctx.backend.to_pyarrow(expr).to_pylist()
        return {(r["la_code"], r["period"]): r["numerator"] for r in rows}
    sql = ctx.backend.compile(expr)
    with ctx.backend.con.cursor() as cur:
        for name in {n.name for n in expr.op().find(ibis.expr.operations.UnboundTable)}:
            if name.startswith(INPUT_PREFIX):
                cur.register(name, ctx.input_rows(name.removeprefix(INPUT_PREFIX)))
        return {(la, p): n for la, p, n in cur.sql(sql).fetchall()}


@pytest.mark.parametrize("named", [True, False])
@pytest.mark.parametrize(
    "period_type", ["in_quarter", "rolling_6_months", "as_at_period_end", "year_to_date"]
)
def test_children_open_at_a_date_are_the_distinct_children(ctx, named, period_type):
    ctx = replace(ctx, named=named)
    t, p = ctx.table("episodes"), ctx.periods(period_type)
    for at in ("end", "start"):
        counted = _counts(ctx, children_open(ctx, t, "s", "e", p, at=at))
        assert counted == _counts(ctx, count_children(ctx, open_at(t, "s", "e", p, at)))


@pytest.mark.parametrize("named", [True, False])
@pytest.mark.parametrize(
    "period_type", ["in_quarter", "rolling_6_months", "rolling_12_months", "year_to_date"]
)
def test_children_open_during_a_window_are_the_distinct_children(ctx, named, period_type):
    ctx = replace(ctx, named=named)
    t, p = ctx.table("episodes"), ctx.periods(period_type)
    counted = _counts(ctx, children_open(ctx, t, "s", "e", p, at=None))
    assert counted == _counts(ctx, count_children(ctx, open_during(t, "s", "e", p)))


def test_children_open_by_hand(ctx):
    t = ctx.table("episodes")
    at_end = _counts(ctx, children_open(ctx, t, "s", "e", ctx.periods("in_quarter")))
    # 31 Mar: a, b, c (its second episode starts that day), d; 998's a. 30 Jun: a, b, d; 998's
    # a. 30 Sep: b, d; 998's a.
    assert at_end == {
        ("999", "2021-Q4"): 4,
        ("999", "2022-Q1"): 3,
        ("999", "2022-Q2"): 2,
        ("998", "2021-Q4"): 1,
        ("998", "2022-Q1"): 1,
        ("998", "2022-Q2"): 1,
    }
    during = children_open(ctx, t, "s", "e", ctx.periods("in_quarter"), at=None)
    # Jan-Mar: a, b, c, d, e (its ordinary episode; the reversed one ends 1 Feb, starts 1 Sep);
    # Apr-Jun: a, b, c, d; Jul-Sep: a, b, d, and e's reversed episode (starts 1 Sep, "ends" on
    # or after no start of the window: not open)
    assert _counts(ctx, during)[("999", "2021-Q4")] == 5
    assert _counts(ctx, during)[("999", "2022-Q1")] == 4
