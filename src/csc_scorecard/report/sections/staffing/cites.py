"""Cited values for the staffing section's sentences, read from the section's own JSON so each
cite is its field's value, and the word for a count."""

from __future__ import annotations

from typing import Any

from csc_scorecard.numbers import display
from csc_scorecard.report.sections.staffing.model import StaffingSection
from csc_scorecard.wording import Cited


class Cites:
    """Cited values read from the section's own JSON, so each cite is its field's value."""

    def __init__(self, section: StaffingSection, prefix: str) -> None:
        self.data = section.model_dump(mode="json")
        self.prefix = prefix

    def get(self, path: str) -> Any:
        node: Any = self.data
        for part in path.strip("/").split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def num(self, path: str, unit: str = "count") -> Cited:
        value = self.get(path)
        return Cited("c" if value is None else display(value, unit), self.prefix + path, value)

    def text(self, path: str) -> Cited:
        """A field holding text: a name, a date as printed, a figure's `display`."""
        value = self.get(path)
        return Cited(str(value), self.prefix + path, value)


def plural(n: float | None, one: str, many: str) -> str:
    """The word for a count (a suppressed count reads as plural).

    >>> plural(1, "worker", "workers"), plural(2, "worker", "workers"), plural(None, "was", "were")
    ('worker', 'workers', 'were')
    """
    return one if n == 1 else many


def at_or_above(c: Cites, base: str, k: int) -> Cited:
    return c.text(f"{base}/at_or_above/{k}/display")
