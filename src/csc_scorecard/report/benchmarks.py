"""Where a figure stands against its benchmarks, in one sentence a reader can follow:

    It is below statistical neighbours (22.4%) and England (21.5%) for 2021/22, and above
    Barnsley (18.2%, 2020/21).

Every comparator an appendix row lists (England, region, statistical neighbours, a named
authority, the council's own figure a year earlier, a framework's fixed "Comp" figure) is placed
above, below or in line with the figure on the printed (rounded) values, each cited from the row
so the text and the appendix give one number for one thing; the council's own published outturn
for the year (DfE's files, as the seed quotes it: "above the 2020/21 outturn of 248.8") follows.
A year shared by every comparator is said once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csc_scorecard.numbers import rounded
from csc_scorecard.report.model import AppendixComparator
from csc_scorecard.wording import Cited, Sentence, listing, say

# How a value reads in a sentence, after its printed figure: "147 days", "123 per 100,000".
_UNIT_AFTER = {
    "days": " days",
    "weeks": " weeks",
    "rate_per_10000": " per 10,000",
    "rate_per_100000": " per 100,000",
}

# The words for the comparators every framework may name; others go by their own label.
_NAMES = {
    "england": "England",
    "statistical_neighbours": "statistical neighbours",
    "own_year_earlier": "the figure a year earlier",
}
_DEFAULT_LABELS = {"Region", "Regional average", "Region average"}


def in_unit(text: str, unit: str) -> str:
    """The words that follow a printed value so that it reads in its unit ('' when the printed
    value already says it: '90%', '194 per 100,000').

    >>> in_unit("147", "days"), in_unit("194 per 100,000", "rate_per_100000"), in_unit("90%", "percent")
    (' days', '', '')
    """
    after = _UNIT_AFTER.get(unit, "")
    return "" if not after or text.endswith(after.strip()) else after


def side(value: float, other: float, unit: str) -> str:
    """above, below or in line with, on the printed (rounded) values.

    >>> side(21.84, 21.8, "percent"), side(19.0, 22.4, "percent"), side(250, 248.8, "rate_per_10000")
    ('in line with', 'below', 'above')
    """
    a, b = rounded(value, unit), rounded(other, unit)
    if a is None or b is None or a == b:
        return "in line with"
    return "above" if a > b else "below"


@dataclass(frozen=True)
class Benchmark:
    """One figure to place the value against: how it is named (a template fragment and its
    slots), its printed value (cited), the number compared, and the year it is for."""

    name: str
    value: Cited
    number: float
    year: Cited | None = None
    note: Cited | None = None  # a fixed comparator's own label, printed beside its value
    slots: dict[str, Cited | str] = field(default_factory=dict)


def from_row(at: str, comparators: list[AppendixComparator]) -> list[Benchmark]:
    """The benchmarks of an appendix row at pointer ``at`` (those with a value), each cited from
    the row: ``{at}/comparators/{i}/display``, its year and, where the sentence names it by
    its label, the label."""
    out = []
    for i, c in enumerate(comparators):
        if c.value is None or not c.display:
            continue
        here = f"{at}/comparators/{i}"
        value = Cited(c.display, f"{here}/display", c.display)
        year = Cited(c.year, f"{here}/year", c.year) if c.year else None
        label = Cited(c.label, f"{here}/label", c.label)
        if c.id == "comparator":  # the framework's single fixed figure: its label describes it
            out.append(Benchmark("the comparator", value, c.value, note=label))
        elif c.id in _NAMES:
            own = c.id == "own_year_earlier"  # its year is a phrase ("same quarter last year")
            out.append(Benchmark(_NAMES[c.id], value, c.value, None if own else year))
        elif c.id == "region" and c.label in _DEFAULT_LABELS:
            out.append(Benchmark("the region", value, c.value, year))
        else:
            out.append(Benchmark("{label}", value, c.value, year, slots={"label": label}))
    return out


def placed(
    value: float,
    unit: str,
    marks: list[Benchmark],
    outturn: tuple[Cited, float, Cited | None] | None = None,
    lead: str = "It is",
) -> Sentence | None:
    """'It is above England (21.5%) and in line with statistical neighbours (22.4%) for
    2021/22, and above the 2021/22 outturn of 20.3%.' ``outturn`` is the council's own
    published figure (printed, number, year). None when there is nothing to place it against."""
    groups: dict[str, list[tuple[str, dict[str, Cited | str]]]] = {}
    years = {m.year.text if m.year else None for m in marks}
    shared = marks[0].year if len(marks) > 1 and len(years) == 1 else None
    for m in marks:
        inside = "{v}" + in_unit(m.value.text, unit)
        slots: dict[str, Cited | str] = {**m.slots, "v": m.value}
        if m.year is not None and shared is None:
            inside += ", {y}"
            slots["y"] = m.year
        if m.note is not None:
            inside += ", {note}"
            slots["note"] = m.note
        groups.setdefault(side(value, m.number, unit), []).append(
            (m.name + " (" + inside + ")", slots)
        )
    parts = []
    for where, items in groups.items():
        body, slots = listing(items, prefix=where.replace(" ", "_") + "_")
        parts.append((where + " " + body, slots))
    if shared is not None and parts:
        template, slots = parts[-1]
        parts[-1] = (template + " for {shared_year}", {**slots, "shared_year": shared})
    if outturn is not None:
        shown, number, year = outturn
        template = "{o_side} the " + ("{o_year} " if year is not None else "") + "outturn of {o}"
        slots = {"o_side": side(value, number, unit), "o": shown}
        if year is not None:
            slots["o_year"] = year
        parts.append((template + in_unit(shown.text, unit), slots))
    if not parts:
        return None
    several = len(parts) > 2 or any(len(items) > 1 for items in groups.values())
    body, slots = listing(parts, last=", and " if several else " and ", prefix="g")
    return say(lead + " " + body + ".", **slots)
