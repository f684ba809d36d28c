"""Summary counts per group, with their denominators stated.

The seed report (paragraphs 10-11) summarises each group as "N indicators performing better
than or within tolerance against target" (green + amber), "N are below target" (red) and
"Data is not available for N targets" (not available + not reportable). The counts here keep
those phrases and the two denominators a reader needs: all items in the group (``total``) and
the items with a rating (``rated``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, computed_field

from csc_scorecard.rating.vocabulary import Status


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    total: int  # every item in the group: the first denominator
    green: int = 0
    amber: int = 0
    red: int = 0
    information: int = 0
    not_available: int = 0
    not_reportable: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rated(self) -> int:
        """Items with a RAG: the second denominator."""
        return self.green + self.amber + self.red

    @computed_field  # type: ignore[prop-decorator]
    @property
    def with_data(self) -> int:
        """Items with a usable value (rated or information only)."""
        return self.rated + self.information

    @computed_field  # type: ignore[prop-decorator]
    @property
    def better_or_within_tolerance(self) -> int:
        """The seed's "performing better than or within tolerance against target"."""
        return self.green + self.amber

    @computed_field  # type: ignore[prop-decorator]
    @property
    def below_target(self) -> int:
        """The seed's "below target": beyond tolerance, or worse than a target without one."""
        return self.red

    @computed_field  # type: ignore[prop-decorator]
    @property
    def without_data(self) -> int:
        """The seed's "Data is not available for N targets"."""
        return self.not_available + self.not_reportable

    def __add__(self, other: Summary) -> Summary:
        fields = (
            "total",
            "green",
            "amber",
            "red",
            "information",
            "not_available",
            "not_reportable",
        )
        return Summary(**{f: getattr(self, f) + getattr(other, f) for f in fields})


def summarise(statuses: Iterable[Status]) -> Summary:
    """Count a group's item statuses.

    >>> s = summarise(["green", "green", "amber", "red", "not_available", "not_reportable"])
    >>> (s.total, s.better_or_within_tolerance, s.below_target, s.without_data, s.rated)
    (6, 3, 1, 2, 4)
    """
    counts = Counter(Status(status) for status in statuses)
    return Summary(total=sum(counts.values()), **{s.value: n for s, n in counts.items()})


#: How a count reads against the items with a rating, in every summary the paper, the appendix
#: and the workbook print ("(9 of 11 rated)"): ``describe`` and the executive summary fill it.
OF_RATED = "({n} of {rated} rated)"


def describe(summary: Summary, noun: str = "indicators") -> list[str]:
    """The seed's three summary lines, each with its denominator.

    >>> for line in describe(summarise(["green"] * 2 + ["amber"] + ["red"] * 3 + ["not_available"] * 5)):
    ...     print(line)
    3 of 11 indicators performing better than or within tolerance against target (3 of 6 rated)
    3 of 11 indicators are below target (3 of 6 rated)
    Data is not available for 5 of 11 indicators (5 not available, 0 not reportable)
    """
    of_total = f"of {summary.total} {noun}"
    better = OF_RATED.format(n=summary.better_or_within_tolerance, rated=summary.rated)
    below = OF_RATED.format(n=summary.below_target, rated=summary.rated)
    lines = [
        (
            f"{summary.better_or_within_tolerance} {of_total} performing better than or within "
            f"tolerance against target {better}"
        ),
        f"{summary.below_target} {of_total} are below target {below}",
        (
            f"Data is not available for {summary.without_data} {of_total} "
            f"({summary.not_available} not available, {summary.not_reportable} not reportable)"
        ),
    ]
    if summary.information:
        lines.append(f"{summary.information} {of_total} reported for information only")
    return lines
