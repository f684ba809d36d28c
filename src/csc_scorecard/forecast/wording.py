"""The way the finance section prints money (its paragraphs are `csc_scorecard.wording.Paragraph`).

Sentences are built with the shared builder (`csc_scorecard.wording.say`): a number can only
enter the text through a `Cited` slot whose JSON pointer points into the finance section, so the
report can take a paragraph over by prefixing each `ref` with the section's place in the report
context (`csc_scorecard.wording.prefixed`).

Money is printed as the seed report prints it: totals in millions to two places ("£4.93m",
"£0.62m"), annual package costs in thousands ("£289k"), weekly packages in thousands to one
place from £10,000 ("£10.5k") and in pounds below ("£2,170").
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

# --------------------------------------------------------------------------- numbers


def _half_up(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: float, places: int = 0) -> str:
    """Half-up rounding, thousands separators, no trailing '.0'.

    >>> number(1182.0), number(9.44, 1), number(38.0, 1), number(2.5)
    ('1,182', '9.4', '38', '3')
    """
    d = _half_up(value, places)
    text = f"{d:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def millions(value: float) -> str:
    """A total or variance: '£4.93m'; under £100k in thousands ('£54k'). Sign is worded, not printed.

    >>> millions(4_930_000), millions(-620_400), millions(54_321), millions(0)
    ('£4.93m', '£0.62m', '£54k', '£0')
    """
    v = abs(value)
    if v < 500:
        return "£0"
    if v < 100_000:
        return f"£{number(v / 1000)}k"
    return f"£{_half_up(v / 1e6, 2)}m"


def thousands(value: float) -> str:
    """An annual cost: '£289k'.

    >>> thousands(289_400), thousands(35_000)
    ('£289k', '£35k')
    """
    return f"£{number(abs(value) / 1000)}k"


def weekly(value: float) -> str:
    """A weekly package: '£13.1k' from £10,000, else '£2,170'.

    >>> weekly(13_090), weekly(2_170.4), weekly(6_772)
    ('£13.1k', '£2,170', '£6,772')
    """
    if abs(value) >= 10_000:
        return f"£{number(value / 1000, 1)}k"
    return f"£{number(value)}"


def pounds(value: float) -> str:
    """
    >>> pounds(114.0), pounds(150_000)
    ('£114', '£150,000')
    """
    return f"£{number(value)}"


def percent(share: float) -> str:
    """
    >>> percent(0.425), percent(0.375)
    ('42.5%', '37.5%')
    """
    return f"{number(share * 100, 1)}%"


def long_date(d: date) -> str:
    """
    >>> long_date(date(2022, 4, 1))
    '1 April 2022'
    """
    return f"{d.day} {d:%B %Y}"


def month_year(d: date) -> str:
    return f"{d:%B %Y}"


def plural(n: float, one: str, many: str) -> str:
    return one if round(n) == 1 else many
