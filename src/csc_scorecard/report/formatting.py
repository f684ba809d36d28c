"""How the report prints a figure: one rule per unit, shared by the narrative, tables and charts.

A figure is rounded half up (as people round, and as the rating layer rounds) to its unit's
decimals and printed without a trailing ".0", the way the seed report prints "90%", "19.4%",
"1,182" and "59.4". Rating uses the same rounded value (see ``context.py``), so a printed figure
and its RAG colour can never disagree.
"""

from __future__ import annotations

from datetime import date

# Decimal places printed per unit, and the one rounding rule, are the rating layer's: a figure
# is rated as it is printed (rating/precision.py).
from csc_scorecard.rating.precision import DECIMALS, published

SUFFIX: dict[str, str] = {"percent": "%"}

UNIT_WORDS: dict[str, str] = {
    "rate_per_10000": "per 10,000 children",
    "rate_per_100000": "per 100,000 children aged 10 to 17",
    "days": "days",
    "weeks": "weeks",
}


def rounded(value: float | None, unit: str) -> float | None:
    """Half-up rounding to the unit's decimals.

    >>> rounded(84.85, "percent"), rounded(2.5, "count"), rounded(None, "count")
    (84.9, 3.0, None)
    """
    return None if value is None else published(value, unit)


def number(value: float, decimals: int = 0) -> str:
    """Thousands separators, at most ``decimals`` places, no trailing zeros.

    >>> number(1182), number(19.40, 1), number(90.0, 1), number(-0.04, 1)
    ('1,182', '19.4', '90', '0')
    """
    text = f"{value:,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def display(value: float | None, unit: str) -> str:
    """A figure as printed: ``1,182``, ``42.1%``, ``223``; blank when there is none.

    >>> display(1182, "count"), display(42.13, "percent"), display(222.96, "rate_per_10000")
    ('1,182', '42.1%', '223')
    >>> display(89.96, "percent"), display(None, "percent")
    ('90%', '')
    """
    if value is None:
        return ""
    value = rounded(value, unit)
    assert value is not None
    prefix = "£" if unit == "gbp" else ""
    return f"{prefix}{number(value, DECIMALS.get(unit, 1))}{SUFFIX.get(unit, '')}"


def count(value: float | None) -> str:
    """A numerator or denominator: a whole number with separators; a count of full-time
    equivalents that is not whole keeps one place (31.6 FTE is not "32").

    >>> count(4581.0), count(31.6), count(None)
    ('4,581', '31.6', '')
    """
    if value is None:
        return ""
    return number(value, 0 if float(value).is_integer() else 1)


def long_date(d: date) -> str:
    """``30 June 2022`` (no leading zero, as committee papers write dates).

    >>> long_date(date(2022, 6, 3))
    '3 June 2022'
    """
    return f"{d.day} {d:%B %Y}"
