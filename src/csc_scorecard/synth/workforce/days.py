"""Day arithmetic. Inside the simulation dates are ordinal day numbers (`date.toordinal()`)."""

from __future__ import annotations

from datetime import date

FAR = 10**7  # an open end


def to_date(day: int | None) -> date | None:
    return None if day is None else date.fromordinal(day)


def financial_year(day: int) -> int:
    """The financial year (starting 1 April) a day falls in: 2022 = 2022/23."""
    d = date.fromordinal(day)
    return d.year if d.month >= 4 else d.year - 1


def birthday(dob: date, years: int) -> int:
    try:
        return dob.replace(year=dob.year + years).toordinal()
    except ValueError:  # 29 February
        return date(dob.year + years, 3, 1).toordinal()


def weekday(day: int) -> int:
    """The day, or the Monday after it when it falls at a weekend."""
    wd = date.fromordinal(day).weekday()
    return day + (7 - wd if wd >= 5 else 0)


def census_days(t0: int, end: int) -> list[tuple[int, int]]:
    """(collection year, 30 September) for every workforce census date within the extract."""
    years = range(date.fromordinal(t0).year, date.fromordinal(end).year + 1)
    return [
        (y, date(y, 9, 30).toordinal()) for y in years if t0 <= date(y, 9, 30).toordinal() <= end
    ]
