"""Working days: Monday to Friday, excluding England & Wales bank holidays (standards.md 5.1, 6.5).

The bank holidays are versioned data (`bank_holidays.yaml`, 2013-2027). Counting convention
(standards.md 5.1, our proposal, recorded here once): the working days between two dates are
those *after* the start and up to and including the end, so a same-day completion is 0 days and
an assessment is on time when `working_days_between(start, completed) <= 45`.

`working_day_index` counts working days from a fixed epoch (the first date the holiday data
covers), so every calendar built here, whatever its range, gives the same index to the same
date: working days in (a, b] = index[b] - index[a].

>>> working_days_between(date(2022, 4, 1), date(2022, 4, 1))
0
>>> working_days_between(date(2022, 4, 14), date(2022, 4, 19))  # Good Friday, Easter Monday
1
>>> add_working_days(date(2022, 4, 1), 45)  # 45 working days on: Easter, May and Jubilee holidays
datetime.date(2022, 6, 10)
>>> working_days_between(date(2022, 4, 1), date(2022, 6, 10))
45
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa

from csc_scorecard.model.packaged import parse_yaml
from csc_scorecard.model.schema import table

__all__ = [
    "BankHolidays",
    "add_working_days",
    "bank_holidays",
    "calendar_table",
    "financial_quarter",
    "financial_year",
    "is_working_day",
    "working_days_between",
]


@dataclass(frozen=True)
class BankHolidays:
    version: str
    source: str
    first_year: int
    last_year: int
    days: dict[date, str]

    @property
    def start(self) -> date:
        return date(self.first_year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.last_year, 12, 31)

    def covers(self, start: date, end: date) -> bool:
        return self.start <= start and end <= self.end


@cache
def bank_holidays() -> BankHolidays:
    """The England & Wales weekday bank holidays in `bank_holidays.yaml`."""
    raw = parse_yaml(resources.files(__package__).joinpath("bank_holidays.yaml").read_text())
    days: dict[date, str] = {}
    for year, entries in raw["holidays"].items():
        for day, name in entries.items():
            if not isinstance(day, date) or day.year != int(year):
                raise ValueError(f"bank_holidays.yaml: {day!r} listed under {year}")
            if day.weekday() >= 5:
                raise ValueError(
                    f"bank_holidays.yaml: {day} is a weekend day (list the substitute)"
                )
            days[day] = str(name)
    return BankHolidays(
        version=str(raw["version"]),
        source=" ".join(str(raw["source"]).split()),
        first_year=int(raw["first_year"]),
        last_year=int(raw["last_year"]),
        days=days,
    )


@cache
def _holiday_array() -> np.ndarray:
    return np.array(sorted(bank_holidays().days), dtype="datetime64[D]")


def _check(*days: date) -> None:
    bh = bank_holidays()
    for d in days:
        if not bh.start <= d <= bh.end:
            raise ValueError(
                f"{d} is outside the bank-holiday data ({bh.first_year}-{bh.last_year}); "
                "extend bank_holidays.yaml"
            )


def is_working_day(day: date) -> bool:
    """Monday-Friday and not a bank holiday.

    >>> is_working_day(date(2022, 9, 19)), is_working_day(date(2022, 9, 20))
    (False, True)
    """
    _check(day)
    return bool(np.is_busday(np.datetime64(day, "D"), holidays=_holiday_array()))


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    _check(start, end)
    if end < start:  # index[end] - index[start], as for the calendar table
        return -working_days_between(end, start)
    a = np.datetime64(start, "D") + 1
    b = np.datetime64(end, "D") + 1
    return int(np.busday_count(a, b, holidays=_holiday_array()))


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (the last day still within the limit).

    A start on a weekend or holiday counts from the working day before it, so that
    `working_days_between(start, add_working_days(start, n)) == n`.

    >>> add_working_days(date(2022, 9, 16), 1)  # Friday; Monday 19th was the state funeral
    datetime.date(2022, 9, 20)
    >>> add_working_days(date(2022, 4, 2), 1)  # a Saturday counts from Friday 1 April
    datetime.date(2022, 4, 4)
    """
    _check(start)
    if days == 0:
        return start
    out = np.busday_offset(
        np.datetime64(start, "D"), days, roll="backward", holidays=_holiday_array()
    )
    result = out.astype(object)
    _check(result)
    return result


def financial_year(day: date) -> int:
    """The year the financial year (1 April - 31 March) starts in.

    >>> financial_year(date(2022, 3, 31)), financial_year(date(2022, 4, 1))
    (2021, 2022)
    """
    return day.year if day.month >= 4 else day.year - 1


def financial_quarter(day: date) -> int:
    """Financial-year quarter: Q1 = April-June ... Q4 = January-March.

    >>> financial_quarter(date(2022, 4, 1)), financial_quarter(date(2023, 1, 31))
    (1, 4)
    """
    return (day.month - 4) % 12 // 3 + 1


def working_day_index(
    start: date | None = None, end: date | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Every date in [start, end] (numpy days; default the span `calendar_table` covers) and its
    `working_day_index`, as numpy arrays (the measures' calendar input is built from them
    without pandas, which `pa.array` would load)."""
    bh = bank_holidays()
    start = start or bh.start
    end = end or bh.end
    if end < start:
        raise ValueError(f"calendar end {end} is before its start {start}")
    _check(start, end)
    dates = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    # Index from the fixed epoch, so that calendars with different ranges agree.
    index = np.busday_count(np.datetime64(bh.start, "D"), dates + 1, holidays=_holiday_array())
    return dates, index


def calendar_table(start: date | None = None, end: date | None = None) -> pa.Table:
    """The `calendar` reference table (data columns) for every date in [start, end].

    Defaults to the whole span the bank-holiday data covers (2013-01-01 to 2027-12-31).
    """
    bh = bank_holidays()
    dates, index = working_day_index(start, end)
    working = np.is_busday(dates, holidays=_holiday_array())
    py_dates = dates.astype(object)
    schema = table("calendar").arrow_schema()
    columns = {
        "date": pa.array(py_dates, pa.date32()),
        "is_working_day": pa.array(working, pa.bool_()),
        "working_day_index": pa.array(index, pa.int32()),
        "bank_holiday": pa.array([bh.days.get(d) for d in py_dates], pa.string()),
        "financial_year": pa.array([financial_year(d) for d in py_dates], pa.int32()),
        "quarter": pa.array([financial_quarter(d) for d in py_dates], pa.int32()),
    }
    return pa.table({name: columns[name].cast(schema.field(name).type) for name in columns})
