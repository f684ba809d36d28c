"""Financial-year quarters, the period a framework is rated for.

English local authorities report on the financial year, April to March, so Q1 is April to June
(design.md, "Periods, ratings, comparators"). A quarter is written ``2022-Q1`` where 2022 is the
year the financial year *starts*: ``2022-Q1`` is April-June 2022 and ``2021-Q4`` is January-March
2022, the seed report's "Q4" and "Q1" columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PATTERN = re.compile(r"^\s*(\d{4})\s*-\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a financial year.

    >>> q = Quarter.parse("2022-Q1")
    >>> q.start, q.end
    (datetime.date(2022, 4, 1), datetime.date(2022, 6, 30))
    >>> str(q.previous()), str(q.year_earlier()), q.label
    ('2021-Q4', '2021-Q1', 'Q1 2022/23')
    >>> Quarter.parse("2021-Q4").start
    datetime.date(2022, 1, 1)
    """

    year: int  # the calendar year the financial year starts in
    quarter: int  # 1..4, Q1 = April-June

    def __post_init__(self) -> None:
        if not 1 <= self.quarter <= 4:
            raise ValueError(f"quarter must be 1-4, got {self.quarter}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(
                f"period {text!r} is not a financial-year quarter like 2022-Q1 "
                "(2022-Q1 = April-June 2022, 2021-Q4 = January-March 2022)"
            )
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        """The way committee reports write it: ``Q1 2022/23``."""
        return f"Q{self.quarter} {self.year}/{(self.year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.quarter - 1)  # 4, 7, 10, 13
        return date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.quarter // 4, self.quarter % 4 + 1)

    def previous(self) -> Quarter:
        if self.quarter == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.quarter - 1)

    def year_earlier(self) -> Quarter:
        return Quarter(self.year - 1, self.quarter)
