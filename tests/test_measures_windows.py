"""Rows put in period windows by day (context.in_periods): the same rows as the range join."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import ibis
import pyarrow as pa
import pytest

from csc_scorecard.measures.context import INPUT_PREFIX, Context, in_periods
from csc_scorecard.model.periods import parse_periods


@pytest.fixture
def ctx():
    con = ibis.duckdb.connect()
    # 2021-Q4 runs 1 Jan to 31 Mar 2022 (financial-year quarters); the edges of each window,
    # a day outside every window and a NULL date.
    days = [
        date(2021, 12, 31),
        date(2022, 1, 1),
        date(2022, 3, 31),
        date(2022, 4, 1),
        date(2022, 6, 30),
        date(2022, 7, 1),
        date(2020, 1, 1),
        None,
    ]
    con.con.register("_events", pa.table({"id": list(range(len(days))), "d": days}))
    con.raw_sql("CREATE TABLE events AS SELECT * FROM _events")
    return Context(con, ["999"], parse_periods("2021-Q4:2022-Q1"), named=True)


def _rows(ctx: Context, expr: ibis.Table) -> list[tuple]:
    sql = ctx.backend.compile(expr)
    with ctx.backend.con.cursor() as cur:
        for name in {n.name for n in expr.op().find(ibis.expr.operations.UnboundTable)}:
            if name.startswith(INPUT_PREFIX):
                cur.register(name, ctx.input_rows(name.removeprefix(INPUT_PREFIX)))
        return sorted(cur.sql(sql).fetchall(), key=repr)


@pytest.mark.parametrize(
    ("period_type", "look_back", "since", "expected"),
    [
        # quarter windows: 1 Jan-31 Mar (2021-Q4) and 1 Apr-30 Jun (2022-Q1)
        (
            "in_quarter",
            0,
            "start",
            {(1, "2021-Q4"), (2, "2021-Q4"), (3, "2022-Q1"), (4, "2022-Q1")},
        ),
        # 6-month windows ending 31 Mar and 30 Jun: 1 Oct-31 Mar and 1 Jan-30 Jun
        (
            "rolling_6_months",
            0,
            "start",
            {
                (0, "2021-Q4"),
                (1, "2021-Q4"),
                (2, "2021-Q4"),
                (1, "2022-Q1"),
                (2, "2022-Q1"),
                (3, "2022-Q1"),
                (4, "2022-Q1"),
            },
        ),
        # as at the quarter end reaching back 92 days: 29 Dec-31 Mar and 30 Mar-30 Jun
        (
            "as_at_period_end",
            92,
            "look_back",
            {
                (0, "2021-Q4"),
                (1, "2021-Q4"),
                (2, "2021-Q4"),
                (2, "2022-Q1"),
                (3, "2022-Q1"),
                (4, "2022-Q1"),
            },
        ),
        # the same periods from their start: the as-at day only (31 Mar, 30 Jun)
        ("as_at_period_end", 92, "start", {(2, "2021-Q4"), (4, "2022-Q1")}),
    ],
)
def test_the_day_join_puts_each_row_in_the_windows_the_range_join_does(
    ctx, period_type, look_back, since, expected
):
    events = ctx.backend.table("events")
    named = ctx.periods(period_type, look_back_days=look_back)
    by_day = in_periods(events, "d", named, since=since)
    assert "csc_days__" in ctx.backend.compile(by_day)
    in_memory = replace(ctx, named=False).periods(period_type, look_back_days=look_back)
    by_range = in_periods(events, "d", in_memory, since=since)
    assert "csc_days__" not in ctx.backend.compile(by_range)
    assert by_day.columns == by_range.columns == (*events.columns, *named.columns)
    day_rows = _rows(ctx, by_day)
    range_rows = ctx.backend.to_pyarrow(by_range).to_pylist()
    assert day_rows == sorted((tuple(r.values()) for r in range_rows), key=repr)
    assert {(r[0], r[2]) for r in day_rows} == expected


def test_a_window_starts_at_start_or_look_back_only(ctx):
    with pytest.raises(ValueError, match="start or look_back"):
        in_periods(ctx.backend.table("events"), "d", ctx.periods("in_quarter"), since="end")
