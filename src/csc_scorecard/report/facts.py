"""What the narrative may say: figures, periods, comparators and settings, each as a citable value.

Narrative functions never see a measure run or a store, only ``Facts``: every value they can
print comes with the JSON pointer of the context field it came from (``csc_scorecard.wording.Cited``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from csc_scorecard.numbers import count
from csc_scorecard.report.model import (
    Allowance,
    AppendixComparator,
    AppendixGroup,
    Comparator,
    Definition,
    Figure,
    PeriodInfo,
)
from csc_scorecard.wording import Cited

When = Literal["current", "previous", "year_earlier"]
_PERIOD_KEY = {"current": "period", "previous": "previous", "year_earlier": "year_earlier"}


def figure_id(measure: str, period: str, dimension: str | None = None) -> str:
    """``referrals:2022-Q1``; ``referral_sources:6:2022-Q1`` for a breakdown category."""
    return f"{measure}:{period}" if dimension is None else f"{measure}:{dimension}:{period}"


def pointer_part(key: str) -> str:
    """Escape a key for a JSON pointer (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


@dataclass
class Facts:
    figures: dict[str, Figure]
    periods: dict[str, PeriodInfo]  # current, previous, year_earlier
    comparators: dict[str, Comparator]
    definitions: dict[str, Definition]
    authority_name: str
    small_number_threshold: float = 10
    # The materiality rule as the context records it (/performance/similar_within, ...).
    similar_within: dict[str, Allowance] = field(default_factory=dict)
    chance: tuple[float, str] | None = None  # (confidence in percent, as printed)
    # The appendix, once built: the narrative quotes a measure's comparators from it, so the
    # text and the appendix give one number for one thing (docs/committee-paper.md).
    appendix: list[AppendixGroup] = field(default_factory=list)

    # -- figures ---------------------------------------------------------------------------

    def figure(
        self, measure: str, when: When = "current", dimension: str | None = None
    ) -> Figure | None:
        return self.figures.get(figure_id(measure, self.periods[when].id, dimension))

    def ok(
        self, measure: str, when: When = "current", dimension: str | None = None
    ) -> Figure | None:
        """The figure when it has a printable value (not missing, not suppressed)."""
        found = self.figure(measure, when, dimension)
        return found if found is not None and found.status == "ok" else None

    def shown(
        self, measure: str, when: When = "current", dimension: str | None = None
    ) -> Figure | None:
        """The figure when it has a value or is suppressed ('c' is printed either way)."""
        found = self.figure(measure, when, dimension)
        return found if found is not None and found.status in ("ok", "suppressed") else None

    def categories(self, measure: str, when: When = "current") -> list[Figure]:
        """A breakdown's categories with a value, largest first (ties in code order)."""
        period = self.periods[when].id
        found = [
            f
            for f in self.figures.values()
            if f.measure == measure
            and f.period == period
            and f.dimension is not None
            and f.status == "ok"
        ]
        return sorted(
            found,
            key=lambda f: (
                -(f.numerator if f.numerator is not None else f.value or 0),
                f.dimension,
            ),
        )

    # -- citations ---------------------------------------------------------------------------

    def value(self, f: Figure) -> Cited:
        return Cited(f.display, f"/figures/{pointer_part(f.id)}/value", f.value)

    def as_printed(self, f: Figure, text: str, ref: str) -> Cited:
        """A framework item's figure as its appendix row prints it (``text``, at ``ref``): the
        row's text where the framework sets its own rounding (``decimals``: "23.14%" where the
        figure shows "23.1%"), so a sentence about the row never gives it a second value;
        else the figure itself."""
        if f.status == "ok" and text and text != f.display:
            return Cited(text, ref, text)
        return self.value(f)

    def numerator(self, f: Figure) -> Cited:
        return Cited(f.numerator_display, f"/figures/{pointer_part(f.id)}/numerator", f.numerator)

    def denominator(self, f: Figure) -> Cited:
        return Cited(
            f.denominator_display, f"/figures/{pointer_part(f.id)}/denominator", f.denominator
        )

    def label(self, f: Figure) -> Cited:
        text = f.dimension_label or f.dimension or ""
        return Cited(text, f"/figures/{pointer_part(f.id)}/dimension_label", f.dimension_label)

    def title(self, measure: str) -> Cited:
        d = self.definitions[measure]
        return Cited(d.title, f"/definitions/{pointer_part(measure)}/title", d.title)

    def reason(self, f: Figure) -> Cited:
        return Cited(f.reason or "", f"/figures/{pointer_part(f.id)}/reason", f.reason)

    def period(self, when: When = "current", form: str = "short") -> Cited:
        info = self.periods[when]
        return Cited(getattr(info, form), f"/{_PERIOD_KEY[when]}/{form}", getattr(info, form))

    def authority(self) -> Cited:
        return Cited(self.authority_name, "/authority/name", self.authority_name)

    def setting(self, measure: str, *path: str | int) -> Cited | None:
        """A catalogue setting printed as a number, e.g. the 45 of '45 working days'."""
        d = self.definitions.get(measure)
        node = d.settings if d else None
        for key in path:
            if (
                isinstance(node, dict)
                and key in node
                or isinstance(node, list)
                and isinstance(key, int)
                and key < len(node)
            ):
                node = node[key]
            else:
                return None
        if not isinstance(node, (int, float)) or isinstance(node, bool):
            return None
        keys = "/".join(pointer_part(str(k)) for k in path)
        return Cited(count(node), f"/definitions/{pointer_part(measure)}/settings/{keys}", node)

    def comparator(self, measure: str, area: str = "statistical_neighbours") -> Cited | None:
        c = self.comparators.get(measure)
        if c is None or getattr(c, area) is None:
            return None
        return Cited(
            getattr(c, f"{area}_display"),
            f"/comparators/{pointer_part(measure)}/{area}",
            getattr(c, area),
        )

    def benchmarked_row(self, measure: str) -> tuple[str, list[AppendixComparator]] | None:
        """The appendix row (its pointer) that benchmarks a measure with the framework's own
        comparators, and those comparators: they are THE comparators for the measure."""
        for g, group in enumerate(self.appendix):
            for r, row in enumerate(group.rows):
                if row.measure == measure and row.comparator_source == "framework":
                    return f"/appendix/{g}/rows/{r}", row.comparators
        return None

    def comparator_year(self, measure: str) -> Cited | None:
        c = self.comparators.get(measure)
        if c is None or c.year_label is None:
            return None
        return Cited(c.year_label, f"/comparators/{pointer_part(measure)}/year_label", c.year_label)

    def outturn(self, measure: str | None) -> tuple[Cited, float, Cited | None] | None:
        """The council's own published figure for the comparators' year (DfE's files), as the
        seed quotes it ("the 2020/21 outturn of 248.8"): printed, number, year."""
        c = self.comparators.get(measure or "")
        if c is None or c.outturn is None or not c.outturn_display:
            return None
        shown = Cited(
            c.outturn_display, f"/comparators/{pointer_part(c.measure)}/outturn", c.outturn
        )
        return shown, c.outturn, self.comparator_year(c.measure)

    def allowance(self, item: str) -> Cited | None:
        """The change below which an item's direction of travel is 'similar'."""
        found = self.similar_within.get(item)
        if found is None or not found.value:
            return None
        return Cited(
            found.value_display,
            f"/performance/similar_within/{pointer_part(item)}/value",
            found.value,
        )

    def chance_confidence(self) -> Cited | None:
        if self.chance is None:
            return None
        return Cited(self.chance[1], "/performance/chance_confidence", self.chance[0])

    def small(self, f: Figure) -> bool:
        """Is the figure built on fewer than the small-number threshold (children, events)?
        A count is its own base; a percentage, rate or average is built on its denominator."""
        base = f.value if f.unit == "count" else f.denominator
        return base is not None and 0 < base < self.small_number_threshold
