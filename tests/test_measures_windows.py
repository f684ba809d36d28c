"""Rows put in period windows by day (period_joins.in_periods): the same rows as the range join."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import ibis
import pyarrow as pa
import pytest

from csc_scorecard.measures.context import Context
from csc_scorecard.measures.inputs import INPUT_PREFIX, _before_rows, _reach_rows
from csc_scorecard.measures.period_joins import in_periods, open_at, open_during
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


@pytest.fixture
def spells(ctx):
    """Spells around the as-at dates of 2021-Q4 to 2022-Q2 (31 Mar, 30 Jun, 30 Sep 2022): ending
    on an as-at date (not open at it), starting on one (open), open-ended, before every period,
    after every period, starting after it ends, and without a start."""
    rows = [
        (0, date(2022, 1, 1), date(2022, 3, 31)),  # ends on 31 Mar: open at none
        (1, date(2022, 3, 31), date(2022, 4, 1)),  # starts on 31 Mar: open at 2021-Q4 only
        (2, date(2022, 3, 31), None),  # open at all three
        (3, date(2019, 1, 1), date(2022, 7, 1)),  # open at 31 Mar and 30 Jun
        (4, date(2019, 1, 1), date(2019, 2, 1)),  # before every period
        (5, date(2023, 1, 1), None),  # after every period
        (6, date(2022, 7, 1), date(2022, 5, 1)),  # ends before it starts
        (7, None, None),  # no start: open at no date
        (8, date(2022, 6, 30), date(2022, 6, 30)),  # starts and ends on 30 Jun: not open
        (9, date(2010, 1, 1), date(2030, 1, 1)),  # open throughout
    ]
    ids, starts, ends = zip(*rows, strict=True)
    table = pa.table({"id": list(ids), "s": list(starts), "e": list(ends)})
    ctx.backend.con.register("_spells", table)
    ctx.backend.raw_sql("CREATE TABLE spells AS SELECT * FROM _spells")
    return replace(ctx, quarters=parse_periods("2021-Q4:2022-Q2"))


def test_the_numbered_join_puts_each_spell_at_the_as_at_dates_the_range_join_does(spells):
    t = spells.backend.table("spells")
    named = spells.periods("as_at_period_end")
    numbered = open_at(t, "s", "e", named)
    assert "csc_before__" in spells.backend.compile(numbered)
    by_range = open_at(t, "s", "e", replace(spells, named=False).periods("as_at_period_end"))
    assert "csc_before__" not in spells.backend.compile(by_range)
    assert numbered.columns == by_range.columns == (*t.columns, *named.columns)
    rows = _rows(spells, numbered)
    assert rows == sorted(
        (tuple(r.values()) for r in spells.backend.to_pyarrow(by_range).to_pylist()), key=repr
    )
    assert sorted((r[0], r[3]) for r in rows) == [
        (1, "2021-Q4"),
        (2, "2021-Q4"),
        (2, "2022-Q1"),
        (2, "2022-Q2"),
        (3, "2021-Q4"),
        (3, "2022-Q1"),
        (9, "2021-Q4"),
        (9, "2022-Q1"),
        (9, "2022-Q2"),
    ]


def test_no_periods_no_spells_open(spells):
    t = spells.backend.table("spells")
    empty = replace(spells, quarters=[])
    assert _rows(empty, open_at(t, "s", "e", empty.periods("as_at_period_end"))) == []


@pytest.mark.parametrize(
    "period_type",
    [
        "in_quarter",
        "rolling_6_months",
        "rolling_12_months",
        "rolling_36_months",
        "year_to_date",
        "as_at_period_end",
        "annual",
    ],
)
def test_the_numbered_join_puts_each_spell_in_the_windows_the_range_join_does(spells, period_type):
    t = spells.backend.table("spells")
    named = spells.periods(period_type)
    numbered = open_during(t, "s", "e", named)
    assert "csc_reach__" in spells.backend.compile(numbered)
    by_range = open_during(t, "s", "e", replace(spells, named=False).periods(period_type))
    assert "csc_reach__" not in spells.backend.compile(by_range)
    assert numbered.columns == by_range.columns == (*t.columns, *named.columns)
    rows = _rows(spells, numbered)
    expected = spells.backend.to_pyarrow(by_range).to_pylist()
    assert rows == sorted((tuple(r.values()) for r in expected), key=repr)
    assert len(rows) > 9


def test_a_period_number_reaches_past_windows_starting_later_only_as_far_as_the_last_start():
    # Windows out of step (the second, ending later, starts earlier): the reach from a day is
    # one more than the last period in end order starting on or before it.
    periods = pa.table(
        {
            "start": pa.array([date(2022, 3, 1), date(2022, 1, 1)], pa.date32()),
            "end": pa.array([date(2022, 3, 31), date(2022, 6, 30)], pa.date32()),
        }
    )
    reach = _reach_rows(periods, "end", "start").to_pylist()
    assert reach[0] == {"_d": date(2022, 1, 1), "_n": 2}
    assert reach[-1] == {"_d": date(2022, 3, 1), "_n": 2}
    assert _before_rows(periods, "end").to_pylist()[0] == {"_d": date(2022, 3, 31), "_n": 0}
