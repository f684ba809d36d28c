"""Working-day calendar: bank holidays as data, working_day_index, and the docstring examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from datetime import date, timedelta

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csc_scorecard import reference
from csc_scorecard.model.schema import table
from csc_scorecard.reference.calendar import (
    add_working_days,
    bank_holidays,
    calendar_table,
    is_working_day,
    working_days_between,
)

MODULES = sorted(m.name for m in pkgutil.iter_modules(reference.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    failed, _ = doctest.testmod(importlib.import_module(f"csc_scorecard.reference.{name}"))
    assert failed == 0


def test_the_examples_exist():
    attempted = doctest.testmod(
        importlib.import_module("csc_scorecard.reference.calendar")
    ).attempted
    assert attempted >= 8


def test_calendar_covers_2013_to_2027_with_the_canonical_columns():
    cal = calendar_table()
    assert cal.num_rows == (date(2027, 12, 31) - date(2013, 1, 1)).days + 1 == 5478
    canonical = table("calendar").arrow_schema()
    assert cal.schema == pa.schema(
        [canonical.field(c) for c in table("calendar").data_column_names]
    )
    assert cal.column("date")[0].as_py() == date(2013, 1, 1)
    assert cal.column("date")[-1].as_py() == date(2027, 12, 31)


@pytest.mark.parametrize(
    ("year", "working_days"),
    # 2022: 260 weekdays less 10 weekday bank holidays (Jubilee and state funeral included);
    # 2023: 260 less 9 (coronation); 2020: 262 less 8 (VE day replaced the early May holiday).
    [(2020, 254), (2022, 250), (2023, 251), (2024, 254)],
)
def test_working_days_per_calendar_year(year, working_days):
    assert working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == working_days


def test_special_bank_holidays_are_closed():
    days = bank_holidays().days
    assert days[date(2022, 9, 19)].startswith("Bank Holiday for the State Funeral")
    assert "coronation" in days[date(2023, 5, 8)]
    assert date(2020, 5, 4) not in days and "VE day" in days[date(2020, 5, 8)]
    assert {date(2022, 6, 2), date(2022, 6, 3)} <= days.keys()
    assert not is_working_day(date(2016, 12, 27))  # Christmas Day substitute (25th a Sunday)


def test_holiday_data_is_versioned_and_weekday_only():
    bh = bank_holidays()
    assert (
        bh.version
        and "gov.uk" in bh.source.lower()
        and (bh.first_year, bh.last_year) == (2013, 2027)
    )
    assert all(d.weekday() < 5 for d in bh.days)
    per_year = {y: sum(d.year == y for d in bh.days) for y in range(2013, 2028)}
    assert per_year == {**dict.fromkeys(range(2013, 2028), 8), 2022: 10, 2023: 9}


def test_calendar_columns():
    cal = {r["date"]: r for r in calendar_table(date(2022, 3, 30), date(2022, 4, 4)).to_pylist()}
    assert (
        cal[date(2022, 3, 31)]["financial_year"] == 2021 and cal[date(2022, 3, 31)]["quarter"] == 4
    )
    assert cal[date(2022, 4, 1)]["financial_year"] == 2022 and cal[date(2022, 4, 1)]["quarter"] == 1
    assert [cal[d]["is_working_day"] for d in sorted(cal)] == [True, True, True, False, False, True]
    assert (
        cal[date(2022, 4, 4)]["working_day_index"] - cal[date(2022, 3, 30)]["working_day_index"]
        == 3
    )


def test_index_does_not_depend_on_the_range_asked_for():
    whole = {r["date"]: r["working_day_index"] for r in calendar_table().to_pylist()}
    part = calendar_table(date(2021, 6, 1), date(2021, 6, 30)).to_pylist()
    assert all(whole[r["date"]] == r["working_day_index"] for r in part)


def test_dates_outside_the_holiday_data_are_refused():
    with pytest.raises(ValueError, match="extend bank_holidays.yaml"):
        calendar_table(date(2012, 12, 1), date(2013, 1, 31))
    with pytest.raises(ValueError, match="outside"):
        working_days_between(date(2027, 12, 1), date(2028, 1, 10))


DAYS = st.dates(min_value=date(2013, 1, 1), max_value=date(2027, 12, 1))


@given(DAYS, DAYS)
def test_working_days_between_counts_the_days_after_start_up_to_end(a, b):
    start, end = min(a, b), max(a, b)
    naive = sum(
        1
        for i in range(1, (end - start).days + 1)
        if (d := start + timedelta(days=i)).weekday() < 5 and d not in bank_holidays().days
    )
    assert working_days_between(start, end) == naive
    assert working_days_between(end, start) == -naive


@given(st.dates(min_value=date(2013, 1, 1), max_value=date(2027, 9, 30)), st.integers(0, 60))
def test_add_working_days_inverts_the_count(start, n):
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    assert n == 0 or is_working_day(due)
