"""The one rounding rule: a figure is rated as it is published, rounded to its printed precision.

A committee reads the printed figure. If "90%" is printed against a 90% target it must be
green, whatever the unrounded 89.96 was; if "12%" is printed against "8% (12%)" it must be
amber, whatever the unrounded 12.0069 was. So every output (``scorecard measures``,
``scorecard rate``, the report's appendix and summary counts, the dashboard) rates the value
rounded half up to the item's precision: the framework item's ``decimals`` when it sets them,
else the unit's default below. ``docs/rating.md`` ("Rounding") works both examples through.

The report prints every figure with the same defaults (``report/formatting.py`` uses
``published``), so a printed figure and its colour can never disagree.
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


def places(unit: str, decimals: int | None = None) -> int:
    """Decimal places a figure is published to: ``decimals`` when given, else the unit's.

    >>> places("percent"), places("days"), places("percent", 2)
    (1, 0, 2)
    """
    return decimals if decimals is not None else DECIMALS.get(str(unit), 1)


def published(value: float, unit: str, decimals: int | None = None) -> float:
    """``value`` rounded half up to its published precision (Python's ``round`` is half-even).

    >>> published(12.006861063464838, "percent"), published(89.96, "percent")
    (12.0, 90.0)
    >>> published(84.85, "percent"), published(2.5, "count"), published(16.27, "percent", 2)
    (84.9, 3.0, 16.27)
    """
    quantum = Decimal(1).scaleb(-places(unit, decimals))
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
