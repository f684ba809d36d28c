"""The narrative's building blocks (``narrative.py`` and the topic modules it maps): a paragraph of
the sentences that were written, a measure's window in words ("in the six months to the end of
Q1"), the direction of a change on the printed values, the previous quarter in brackets, and
the comparison with published benchmarks and the council's own outturn."""

from __future__ import annotations

from csc_scorecard.numbers import rounded
from csc_scorecard.report.benchmarks import from_row, placed
from csc_scorecard.report.facts import Facts, When
from csc_scorecard.report.model import Figure, Paragraph, Sentence
from csc_scorecard.wording import Cited, join, listing, say

Slots = dict[str, Cited | str]


_WINDOWS = {
    "in_quarter": "in {q}",
    "rolling_6_months": "in the six months to the end of {q}",
    "rolling_12_months": "in the twelve months to the end of {q}",
    "year_to_date": "in {fy} to the end of {q}",
    "as_at_period_end": "at the end of {q}",
    "annual": "in {fy}",
}


def paragraph(
    *sentences: Sentence | None, kind: str = "narrative", bullets: list[Sentence] | None = None
) -> Paragraph | None:
    found = [s for s in sentences if s is not None]
    if not found and not bullets:
        return None
    return Paragraph(kind=kind, sentences=found, bullets=bullets or [])  # type: ignore[arg-type]


def window(f: Facts, measure: str, when: When = "current", prefix: str = "w") -> tuple[str, Slots]:
    """'in the six months to the end of {w_q}' with its slots, from the measure's period type."""
    template = _WINDOWS[f.definitions[measure].period_type]
    slots: Slots = {}
    if "{q}" in template:
        slots[f"{prefix}_q"] = f.period(when, "short")
    if "{fy}" in template:
        slots[f"{prefix}_fy"] = f.period(when, "financial_year")
    return template.replace("{q}", "{" + prefix + "_q}").replace(
        "{fy}", "{" + prefix + "_fy}"
    ), slots


def change(now: Figure, before: Figure) -> str:
    """'an increase from' / 'a decrease from' / 'the same as', on the printed (rounded) values."""
    a, b = rounded(now.value, now.unit), rounded(before.value, before.unit)
    if a is None or b is None or a == b:
        return "the same as"
    return "an increase from" if a > b else "a decrease from"


def plural(figure: Figure, one: str, many: str) -> str:
    return one if figure.value == 1 else many


def previous_bracket(f: Facts, measure: str, dimension: str | None = None) -> tuple[str, Slots]:
    """' (Q4: 1,257)' when the previous quarter has a value, else ''."""
    before = f.shown(measure, "previous", dimension)
    if before is None:
        return "", {}
    return " ({p_q}: {p_v})", {"p_q": f.period("previous"), "p_v": f.value(before)}


def comparison(f: Facts, measure: str, subject: str = "This compares with") -> Sentence | None:
    """'This compares with 86.1% for statistical neighbours and 84.5% for England (2021/22).'

    When the framework gives the measure's appendix row comparators, those are quoted (every
    one, with its label and year), and DfE's published figures are not: the text and the
    appendix give one number for one thing (docs/committee-paper.md, "One number for one
    thing"). The council's own published outturn for the year follows where DfE's files give
    one ("This is below the 2021/22 outturn of 248.8.")."""
    found = [s for s in (_compared(f, measure, subject), outturn(f, measure)) if s is not None]
    return join(*found) if found else None


def _compared(f: Facts, measure: str, subject: str) -> Sentence | None:
    own = f.benchmarked_row(measure)
    if own is not None:
        marks = from_row(*own)
        if not marks:
            return None
        if len(marks) == 1 and marks[0].note is not None:  # a single fixed "Comp" figure
            value, label = marks[0].value, marks[0].note
            if subject == "This compares with":
                return say(
                    "This compares with {c} for {label}, the framework's comparator.",
                    c=value,
                    label=label,
                )
            return say("The framework's comparator is {c} ({label}).", c=value, label=label)
        years = {m.year.text if m.year else None for m in marks}
        shared = marks[0].year if len(years) == 1 else None
        items = []
        for m in marks:
            named = m.note if m.note is not None else None
            template = "{v} for " + ("{note}" if named else m.name)
            slots: Slots = {**m.slots, "v": m.value}
            if named is not None:
                slots["note"] = named
            if m.year is not None and shared is None:
                template += " ({y})"
                slots["y"] = m.year
            items.append((template, slots))
        body, slots = listing(items)
        tail = " ({year})" if shared is not None else ""
        if shared is not None:
            slots["year"] = shared
        lead = "This compares with " if subject == "This compares with" else subject + " "
        return say(lead + body + tail + ", the framework's comparators.", **slots)
    sn, eng, year = (
        f.comparator(measure),
        f.comparator(measure, "england"),
        f.comparator_year(measure),
    )
    if year is None or (sn is None and eng is None):
        return None
    parts = []
    if sn is not None:
        parts.append(("{v} for statistical neighbours", {"v": sn}))
    if eng is not None:
        parts.append(("{v} for England", {"v": eng}))
    body, slots = listing(parts)
    return say(f"{subject} {body} ({{year}}).", year=year, **slots)


def outturn(f: Facts, measure: str, lead: str = "This is") -> Sentence | None:
    """'This is below the 2021/22 outturn of 248.8.': the quarter's figure against the
    council's own published figure for the latest published year (DfE's files)."""
    now, found = f.ok(measure), f.outturn(measure)
    if now is None or now.value is None or found is None:
        return None
    return placed(now.value, now.unit, [], found, lead=lead)
