"""How the product rounds and prints a number: the one rounding rule and every number format.

**The one rounding rule: a figure is rated as it is published**, rounded half up (as people
round; Python's ``round`` is half-even) to its printed precision. A committee reads the printed
figure. If "90%" is printed against a 90% target it must be green, whatever the unrounded 89.96
was; if "12%" is printed against "8% (12%)" it must be amber, whatever the unrounded 12.0069
was. So every output (``scorecard measures``, ``scorecard rate``, the report's appendix and
summary counts, the dashboard) rates the value rounded to the item's precision (``published``):
the framework item's ``decimals`` when it sets them, else the unit's default (``DECIMALS``).
``docs/rating.md`` ("Rounding") works both examples through.

Every printed number goes through the same rounding (``number``): a report figure in its unit
(``display``, "1,182", "42.1%"), a numerator or denominator (``count``), a rating target's
value (``number(value, 2)``, at most two places), and the finance section's money and shares
as the seed report prints them (``millions`` "£4.93m", ``thousands`` "£289k", ``weekly``
"£10.5k", ``pounds`` "£2,170", ``percent`` "42.5%"). So a printed figure and its RAG colour can
never disagree.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Decimal places printed per unit: percentages and rates to one place (the seed's "19.4%",
# "59.4"); counts, average days and money as whole numbers ("1,182", "463").
DECIMALS: dict[str, int] = {
    "count": 0,
    "percent": 1,
    "rate_per_10000": 1,
    "rate_per_100000": 1,
    "days": 0,
    "weeks": 1,
    "ratio": 1,
    "gbp": 0,
}

# What follows a figure printed in the report, by unit (rates are named in the words around it).
SUFFIX: dict[str, str] = {"percent": "%"}


def half_up(value: float, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals, from its shortest decimal form (so 84.85
    is 84.85, not the binary 84.8499...).

    >>> half_up(84.85, 1), half_up(2.5, 0), half_up(-2.5, 0), half_up(1182, 2)
    (Decimal('84.9'), Decimal('3'), Decimal('-3'), Decimal('1182.00'))
    """
    quantum = _QUANTA[places] if 0 <= places < len(_QUANTA) else Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


# 1, 0.1, 0.01, ...: made once, not for each of the report's thousands of printed figures.
_QUANTA = tuple(Decimal(1).scaleb(-p) for p in range(7))


def places(unit: str, decimals: int | None = None) -> int:
    """Decimal places a figure is published to: ``decimals`` when given, else the unit's.

    >>> places("percent"), places("days"), places("percent", 2)
    (1, 0, 2)
    """
    return decimals if decimals is not None else DECIMALS.get(str(unit), 1)


def published(value: float, unit: str, decimals: int | None = None) -> float:
    """``value`` rounded half up to its published precision: the value that is rated.

    >>> published(12.006861063464838, "percent"), published(89.96, "percent")
    (12.0, 90.0)
    >>> published(84.85, "percent"), published(2.5, "count"), published(16.27, "percent", 2)
    (84.9, 3.0, 16.27)
    """
    return float(half_up(value, places(unit, decimals)))


def rounded(value: float | None, unit: str) -> float | None:
    """``published`` to the unit's decimals, passing None through.

    >>> rounded(84.85, "percent"), rounded(2.5, "count"), rounded(None, "count")
    (84.9, 3.0, None)
    """
    return None if value is None else published(value, unit)


def number(value: float, decimals: int = 0) -> str:
    """Rounded half up, thousands separators, at most ``decimals`` places, no trailing zeros.

    >>> number(1182), number(19.40, 1), number(90.0, 1), number(-0.04, 1), number(2.5)
    ('1,182', '19.4', '90', '0', '3')
    >>> number(62.666, 2), number(9.44, 1), number(38.0, 1)
    ('62.67', '9.4', '38')
    """
    text = f"{half_up(value, decimals):,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fixed(value: float, decimals: int) -> str:
    """Rounded half up to exactly ``decimals`` places, zeros kept (a column of figures).

    >>> fixed(12.0, 1), fixed(3.25, 1), fixed(0.04, 1)
    ('12.0', '3.3', '0.0')
    """
    return f"{half_up(value, decimals):.{decimals}f}"


def display(value: float | None, unit: str) -> str:
    """A report figure as printed: ``1,182``, ``42.1%``, ``223``; blank when there is none.

    >>> display(1182, "count"), display(42.13, "percent"), display(222.96, "rate_per_10000")
    ('1,182', '42.1%', '223')
    >>> display(89.96, "percent"), display(None, "percent"), display(1234.5, "gbp")
    ('90%', '', '£1,235')
    """
    if value is None:
        return ""
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


def pounds(value: float) -> str:
    """Whole pounds.

    >>> pounds(114.0), pounds(150_000)
    ('£114', '£150,000')
    """
    return f"£{number(value)}"


def percent(share: float) -> str:
    """A share (0 to 1) as a percentage to one place.

    >>> percent(0.425), percent(0.375)
    ('42.5%', '37.5%')
    """
    return f"{number(share * 100, 1)}%"


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
    return f"£{half_up(v / 1e6, 2)}m"


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
