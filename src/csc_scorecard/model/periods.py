"""Reporting periods: financial-year quarters and the windows each period type looks at.

A period is named by its financial year and quarter: `2022-Q1` is April–June 2022 (the first
quarter of 2022/23), `2021-Q4` is January–March 2022. Every measure declares a period type;
the window for a period is the span of dates it counts over, ending on the period's last day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from csc_scorecard.errors import BadInput

PeriodType = Literal[
    "in_quarter",
    "rolling_6_months",
    "rolling_12_months",
    "rolling_36_months",  # the adoption scorecard's three-year averages
    "year_to_date",
    "as_at_period_end",
    "annual",
]

_NAME = re.compile(r"^\s*(\d{4})\s*-\s*Q([1-4])\s*$", re.IGNORECASE)


def _add_months(d: date, months: int) -> date:
    """Calendar-month arithmetic, clamping to the month's end (29 Feb -> 28 Feb), as DuckDB/Spark do.

    >>> _add_months(date(2024, 2, 29), -12), _add_months(date(2022, 7, 1), -6)
    (datetime.date(2023, 2, 28), datetime.date(2022, 1, 1))
    """
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in range(d.day, 27, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, min(d.day, 28))


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial-year quarter.

    >>> q = Quarter.parse("2022-Q1"); (q.start, q.end, q.label)
    (datetime.date(2022, 4, 1), datetime.date(2022, 6, 30), 'Q1 2022/23')
    >>> str(q.previous()), str(q.same_quarter_last_year()), str(Quarter.parse("2021-Q4").next())
    ('2021-Q4', '2021-Q1', '2022-Q1')
    """

    year: int  # financial year by its starting calendar year (2022 = 2022/23)
    quarter: int

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1-4, got {self.quarter}")

    @classmethod
    def parse(cls, name: str) -> Quarter:
        m = _NAME.match(name)
        if not m:
            raise BadInput(
                f"period {name!r} is not a financial-year quarter like 2022-Q1 "
                "(2022-Q1 = April-June 2022, 2021-Q4 = January-March 2022)"
            )
        return cls(int(m[1]), int(m[2]))

    @classmethod
    def containing(cls, d: date) -> Quarter:
        """The quarter a date falls in.

        >>> str(Quarter.containing(date(2022, 6, 30))), str(Quarter.containing(date(2023, 1, 1)))
        ('2022-Q1', '2022-Q4')
        """
        fy = d.year if d.month >= 4 else d.year - 1
        return cls(fy, (d.month - 4) % 12 // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> date:
        return _add_months(date(self.year, 4, 1), 3 * (self.quarter - 1))

    @property
    def end(self) -> date:
        return _add_months(self.start, 3) - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"Q{self.quarter} {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def collection_year(self) -> int:
        """Year ending 31 March of the statutory return this quarter belongs to."""
        return self.year + 1

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)
        )

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)
        )

    def same_quarter_last_year(self) -> Quarter:
        return Quarter(self.year - 1, self.quarter)

    def window(self, period_type: PeriodType) -> tuple[date, date]:
        """First and last day counted for a measure of this period type.

        >>> q = Quarter.parse("2022-Q1")
        >>> q.window("rolling_6_months"), q.window("year_to_date")[0], q.window("annual")
        ((datetime.date(2022, 1, 1), datetime.date(2022, 6, 30)), datetime.date(2022, 4, 1), (datetime.date(2022, 4, 1), datetime.date(2023, 3, 31)))
        """
        end = self.end
        match period_type:
            case "in_quarter":
                return self.start, end
            case "rolling_6_months":
                return _add_months(end + timedelta(days=1), -6), end
            case "rolling_12_months":
                return _add_months(end + timedelta(days=1), -12), end
            case "rolling_36_months":
                return _add_months(end + timedelta(days=1), -36), end
            case "year_to_date":
                return date(self.year, 4, 1), end
            case "as_at_period_end":
                return end, end
            case "annual":
                return date(self.year, 4, 1), date(self.year + 1, 3, 31)
        raise ValueError(f"unknown period type {period_type!r}")


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from first to last inclusive.

    >>> [str(q) for q in quarters_between(Quarter.parse("2021-Q3"), Quarter.parse("2022-Q1"))]
    ['2021-Q3', '2021-Q4', '2022-Q1']
    """
    out, q = [], first
    while q <= last:
        out.append(q)
        q = q.next()
    return out


def parse_periods(text: str) -> list:
    """'2022-Q1', '2021-Q1:2022-Q1' (a range) or a comma list of either; months and the other
    kinds of ``parse_period`` likewise ('2022-04:2022-06').

    >>> [str(q) for q in parse_periods("2021-Q4:2022-Q1,2020-Q2")]
    ['2020-Q2', '2021-Q4', '2022-Q1']
    >>> [str(m) for m in parse_periods("2022-04:2022-06")]
    ['2022-04', '2022-05', '2022-06']
    """
    out: set = set()
    for part in text.split(","):
        first, _, last = part.strip().partition(":")
        a = parse_period(first)
        if not last:
            out.add(a)
            continue
        b = parse_period(last)
        if type(a) is not type(b) or getattr(a, "kind", None) != getattr(b, "kind", None):
            raise ValueError(f"range {part.strip()!r} mixes two kinds of period")
        if b < a:
            raise ValueError(f"range {part.strip()!r} ends before it starts")
        while a <= b:
            out.add(a)
            a = a.next()
    return sorted(out)


# -- Other period kinds (issue 12): months, year to date, rolling 12 months, whole years --------
#
# Beside the quarter, a period may be a calendar month, the financial year to the end of a month,
# the 12 months to the end of a month, a financial year or an academic year. Each is written
# where a period is accepted (``scorecard measures --period 2022-06``):
#
# ==================  ===============================  ==========================================
# written             kind                             covers
# ==================  ===============================  ==========================================
# ``2022-Q1``         financial-year quarter           April-June 2022 (``Quarter``, unchanged)
# ``2022-06``         month                            June 2022
# ``2022-06-YTD``     financial year to date           April-June 2022
# ``2022-06-R12``     rolling 12 months                July 2021-June 2022
# ``2022/23``         financial year                   April 2022-March 2023
# ``AY2022/23``       academic year                    September 2022-August 2023
# ==================  ===============================  ==========================================
#
# A ``Span`` behaves as a ``Quarter`` does for the engine and the rating layer: ``start``,
# ``end``, ``label``, ``year`` (the financial year it ends in), ``previous()`` (the month
# before, for a month, YTD or R12; the year before, for a year), ``same_quarter_last_year()``
# (twelve months earlier; also ``same_period_last_year``) and ``window(period_type)``: a
# measure counted "in the period" (``in_quarter``) counts the span itself; rolling and as-at
# windows end on the span's last day; ``year_to_date`` and ``annual`` use the financial year
# the span ends in.

SpanKind = Literal["month", "year_to_date", "rolling_12_months", "financial_year", "academic_year"]
_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})(?:-(YTD|R12))?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(AY)?\s*(\d{4})\s*/\s*(\d{2})\s*$", re.IGNORECASE)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Span:
    """A month, year to date, rolling 12 months or whole year, named by its last month.

    >>> m = Span.parse("2022-06"); (str(m), m.start, m.end, m.label, m.year)
    ('2022-06', datetime.date(2022, 6, 1), datetime.date(2022, 6, 30), 'June 2022', 2022)
    >>> str(m.previous()), str(m.same_quarter_last_year()), m.window("rolling_12_months")[0]
    ('2022-05', '2021-06', datetime.date(2021, 7, 1))
    >>> y = Span.parse("2022-06-YTD"); (y.start, y.label, str(Span.parse("2022-04-ytd").previous()))
    (datetime.date(2022, 4, 1), 'April-June 2022 (year to date)', '2022-03-YTD')
    >>> r = Span.parse("2022-06-R12"); (r.start, r.end, r.label)
    (datetime.date(2021, 7, 1), datetime.date(2022, 6, 30), '12 months to June 2022')
    >>> f = Span.parse("2022/23"); (f.start, f.end, f.label, str(f.previous()))
    (datetime.date(2022, 4, 1), datetime.date(2023, 3, 31), '2022/23', '2021/22')
    >>> a = Span.parse("AY2022/23"); (a.start, a.end, a.label, a.year)
    (datetime.date(2022, 9, 1), datetime.date(2023, 8, 31), 'academic year 2022/23', 2023)
    """

    kind: SpanKind
    last_year: int  # calendar year of the last month
    last_month: int  # 1-12

    def __post_init__(self) -> None:
        if not 1 <= self.last_month <= 12:
            raise ValueError(f"month must be 1-12, got {self.last_month}")

    @classmethod
    def parse(cls, name: str) -> Span:
        if m := _MONTH.match(name):
            suffix = (m[3] or "").upper()
            kind: SpanKind = {"": "month", "YTD": "year_to_date", "R12": "rolling_12_months"}[
                suffix
            ]
            if not 1 <= int(m[2]) <= 12:
                raise ValueError(f"period {name!r}: month {m[2]} is not 01-12")
            return cls(kind, int(m[1]), int(m[2]))
        if m := _YEAR.match(name):
            first = int(m[2])
            if (first + 1) % 100 != int(m[3]):
                raise ValueError(f"period {name!r}: {m[3]} does not follow {first}")
            if m[1]:
                return cls("academic_year", first + 1, 8)
            return cls("financial_year", first + 1, 3)
        raise ValueError(f"period {name!r} is not a month, year to date, rolling 12 months or year")

    @property
    def end(self) -> date:
        return _add_months(date(self.last_year, self.last_month, 1), 1) - timedelta(days=1)

    @property
    def start(self) -> date:
        first_of_last = date(self.last_year, self.last_month, 1)
        match self.kind:
            case "month":
                return first_of_last
            case "year_to_date":
                return date(self.year, 4, 1)
            case _:  # rolling 12 months, financial year, academic year
                return _add_months(first_of_last, -11)

    @property
    def year(self) -> int:
        """The financial year (by its first calendar year) the span ends in."""
        return self.last_year if self.last_month >= 4 else self.last_year - 1

    @property
    def collection_year(self) -> int:
        return self.year + 1

    def __str__(self) -> str:
        match self.kind:
            case "financial_year":
                return f"{self.last_year - 1}/{self.last_year % 100:02d}"
            case "academic_year":
                return f"AY{self.last_year - 1}/{self.last_year % 100:02d}"
        suffix = {"month": "", "year_to_date": "-YTD", "rolling_12_months": "-R12"}[self.kind]
        return f"{self.last_year}-{self.last_month:02d}{suffix}"

    @property
    def label(self) -> str:
        month = f"{_MONTHS[self.last_month - 1]} {self.last_year}"
        match self.kind:
            case "month":
                return month
            case "year_to_date":
                first = _MONTHS[self.start.month - 1]
                return (
                    f"{first}-{month} (year to date)"
                    if self.last_month != 4
                    else (f"{month} (year to date)")
                )
            case "rolling_12_months":
                return f"12 months to {month}"
            case "financial_year":
                return str(self)
        return f"academic year {str(self)[2:]}"

    def _shifted(self, months: int) -> Span:
        d = _add_months(date(self.last_year, self.last_month, 1), months)
        return Span(self.kind, d.year, d.month)

    def previous(self) -> Span:
        return self._shifted(-12 if self.kind.endswith("_year") else -1)

    def next(self) -> Span:
        return self._shifted(12 if self.kind.endswith("_year") else 1)

    def same_quarter_last_year(self) -> Span:
        """Twelve months earlier (the name a ``Quarter`` uses, so either can be passed)."""
        return self._shifted(-12)

    same_period_last_year = same_quarter_last_year

    def window(self, period_type: PeriodType) -> tuple[date, date]:
        """First and last day counted for a measure of this period type.

        >>> Span.parse("2022-06").window("in_quarter"), Span.parse("2022-06").window("year_to_date")[0]
        ((datetime.date(2022, 6, 1), datetime.date(2022, 6, 30)), datetime.date(2022, 4, 1))
        """
        end = self.end
        match period_type:
            case "in_quarter":  # "in the period": the span itself
                return self.start, end
            case "rolling_6_months" | "rolling_12_months" | "rolling_36_months":
                months = int(period_type.split("_")[1])
                return _add_months(end + timedelta(days=1), -months), end
            case "year_to_date":
                return date(self.year, 4, 1), end
            case "as_at_period_end":
                return end, end
            case "annual":
                return date(self.year, 4, 1), date(self.year + 1, 3, 31)
        raise ValueError(f"unknown period type {period_type!r}")

    def _key(self) -> tuple[date, date]:
        return (self.end, self.start)

    def __lt__(self, other: object) -> bool:
        return self._key() < (other.end, other.start)  # type: ignore[attr-defined]

    def __gt__(self, other: object) -> bool:
        return self._key() > (other.end, other.start)  # type: ignore[attr-defined]

    def __le__(self, other: object) -> bool:
        return self == other or self < other

    def __ge__(self, other: object) -> bool:
        return self == other or self > other


Period = Quarter | Span


def parse_period(name: str) -> Period:
    """Any period as written: a quarter (``2022-Q1``) or a span (``2022-06``, ``2022-06-YTD``,
    ``2022-06-R12``, ``2022/23``, ``AY2022/23``).

    >>> str(parse_period("2022-Q1")), str(parse_period("2022-06")), str(parse_period(" ay2021/22"))
    ('2022-Q1', '2022-06', 'AY2021/22')
    """
    if _NAME.match(name):
        return Quarter.parse(name)
    try:
        return Span.parse(name)
    except ValueError as error:
        if "is not a month" not in str(error):
            raise
    raise ValueError(
        f"period {name!r} is not a quarter (2022-Q1 = April-June 2022), a month (2022-06), a "
        "year to date (2022-06-YTD), 12 months to a month (2022-06-R12), a financial year "
        "(2022/23) or an academic year (AY2022/23)"
    )


# -- A figure's window in words (issue 18) --------------------------------------------------------


def window_phrase(start: date | None, end: date | None) -> str:
    """The days a figure counts, as the report prints them under it: the ONE wording of a
    window, used for figures and comparators alike (the appendix, the measure page, Excel).

    A snapshot is "at" its day; whole calendar months ending on a month's last day are counted
    in months ("3 months", "6 months"), twelve of them are a "year", whole years beyond it are
    years; any other window names both days. ``""`` when the window is not known.

    >>> window_phrase(date(2022, 1, 1), date(2022, 6, 30))
    '6 months to 30 June 2022'
    >>> window_phrase(date(2020, 4, 1), date(2021, 3, 31)), window_phrase(date(2022, 6, 30), date(2022, 6, 30))
    ('year to 31 March 2021', 'at 30 June 2022')
    >>> window_phrase(date(2022, 6, 1), date(2022, 6, 30)), window_phrase(date(2019, 4, 1), date(2022, 3, 31))
    ('1 month to 30 June 2022', '3 years to 31 March 2022')
    >>> window_phrase(date(2022, 4, 3), date(2022, 6, 30)), window_phrase(None, None)
    ('3 April 2022 to 30 June 2022', '')
    """
    if start is None or end is None:
        return ""
    if start == end:
        return f"at {_day(end)}"
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    whole = start.day == 1 and (end + timedelta(days=1)).day == 1 and months > 0
    if not whole:
        return f"{_day(start)} to {_day(end)}"
    if months == 12:
        return f"year to {_day(end)}"
    if months % 12 == 0:
        return f"{months // 12} years to {_day(end)}"
    return f"{months} month{'s' if months != 1 else ''} to {_day(end)}"


def published_window(year_end: date, as_at: bool) -> tuple[date, date]:
    """The window of a published annual figure for the year ending ``year_end`` (31 March for
    DfE's returns, 30 September for the workforce census): that day for a snapshot (``as_at``,
    e.g. children looked after at 31 March), else the twelve months to it.

    >>> published_window(date(2021, 3, 31), False), published_window(date(2021, 3, 31), True)[0]
    ((datetime.date(2020, 4, 1), datetime.date(2021, 3, 31)), datetime.date(2021, 3, 31))
    """
    if as_at:
        return year_end, year_end
    return _add_months(year_end + timedelta(days=1), -12), year_end


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"
