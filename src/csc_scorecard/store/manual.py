"""A value supplied through the manual-values template, as `Store.manual_values` reads it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ManualValue:
    """One stored manual value: a measure (or framework item) id, a period and what was supplied.

    >>> ManualValue("ofsted", "2022-Q1", None, "Good", None, None, None, None).reason
    "supplied as 'Good', not a number"
    >>> ManualValue.absent("ofsted", "2022-Q1").reason, ManualValue.absent("x", "y").source_text
    ('no manual value supplied', 'manual value')
    """

    measure: str
    period: str
    value: float | None
    value_text: str | None
    numerator: float | None
    denominator: float | None
    source: str | None
    commentary: str | None

    @classmethod
    def absent(cls, measure: str, period: str) -> ManualValue:
        """No value supplied for the measure and period."""
        return cls(measure, period, None, None, None, None, None, None)

    @property
    def status(self) -> str:
        return "ok" if self.value is not None else "not_available"

    @property
    def reason(self) -> str | None:
        """Why there is no figure (None when there is one)."""
        if self.value is not None:
            return None
        if self.value_text:
            return f"supplied as {self.value_text!r}, not a number"
        return "no manual value supplied"

    @property
    def source_text(self) -> str:
        return self.source or "manual value"
