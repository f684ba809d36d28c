"""What a figure counts and which way is better: one `Unit` and one `Polarity` for every layer.

The measure catalogue, the rating frameworks, the published comparators and the report all
name a measure's unit and polarity with these values; they are strings, so they read the same
in YAML, CSV, JSON and Python.
"""

from __future__ import annotations

import math
from enum import StrEnum


class Unit(StrEnum):
    """What a measure's number counts. Percentages are percentage points (90 means 90%)."""

    PERCENT = "percent"
    COUNT = "count"
    DAYS = "days"
    WEEKS = "weeks"
    RATE_PER_10000 = "rate_per_10000"  # per 10,000 children aged 0-17 (standards.md §5)
    RATE_PER_100000 = "rate_per_100000"  # e.g. first-time entrants per 100,000 aged 10-17 (§5.7)
    RATIO = "ratio"  # e.g. average caseload per FTE social worker
    GBP = "gbp"

    @property
    def bounds(self) -> tuple[float, float]:
        """The values the unit allows; a censored value such as "<1%" lies inside them."""
        if self is Unit.PERCENT:
            return (0.0, 100.0)
        return (0.0, math.inf)


class Polarity(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    WITHIN_BAND = "within_band"  # best inside [low, high]; worse the further outside
    INFORMATION = "information"  # reported, never rated
