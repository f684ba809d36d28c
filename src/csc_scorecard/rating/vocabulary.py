"""The small vocabulary the rating layer speaks: RAG, status, bands, direction (units and
polarity are every layer's: `model/units.py`).

Values are strings so they read the same in YAML, CSV, JSON and Python.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def rank(self) -> int:
        """Higher is better: red 0, amber 1, green 2 (for comparing ratings)."""
        return {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}[self]


class Status(StrEnum):
    """What the appendix shows for an item: a RAG, or why there is none."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    INFORMATION = "information"  # has a value; the item is information only
    NOT_AVAILABLE = "not_available"  # no usable value (blank, non-numeric, suppressed)
    NOT_REPORTABLE = "not_reportable"  # a value exists but its data quality failed

    @classmethod
    def of(cls, rag: Rag) -> Status:
        return cls(rag.value)


class Direction(StrEnum):
    IMPROVING = "improving"
    WORSENING = "worsening"
    UNCHANGED = "unchanged"


class Band(BaseModel):
    """A closed interval [low, high], the target (or tolerance) of a ``within_band`` item.

    >>> Band(low=10, high=20).contains(20), Band(low=10, high=20).distance(7.5)
    (True, 2.5)
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if not self.low <= self.high:
            raise ValueError(f"band low {self.low} is above high {self.high}")
        return self

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def covers(self, other: Band) -> bool:
        return self.low <= other.low and other.high <= self.high

    def distance(self, value: float) -> float:
        """How far outside the band a value lies (0 inside)."""
        return max(self.low - value, 0.0, value - self.high)
