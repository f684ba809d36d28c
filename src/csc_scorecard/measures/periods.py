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


def parse_periods(text: str) -> list[Quarter]:
    """'2022-Q1', '2021-Q1:2022-Q1' (a range) or a comma list of either.

    >>> [str(q) for q in parse_periods("2021-Q4:2022-Q1,2020-Q2")]
    ['2020-Q2', '2021-Q4', '2022-Q1']
    """
    out: set[Quarter] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition(":")
        a = Quarter.parse(first)
        out.update(quarters_between(a, Quarter.parse(last)) if last else [a])
    return sorted(out)
