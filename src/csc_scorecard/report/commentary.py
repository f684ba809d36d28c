"""Commentary for each appendix row: the analysts' words, or a generated draft clearly marked.

Analysts write commentary in a plain CSV (UTF-8; an Excel byte-order mark is fine):

    measure,period,commentary,author
    C01,2022-Q1,This is above national and local comparator data.,J Smith
    rereferrals_within_12_months,2022-Q1,"Initial Q4 data indicated ...",

``measure`` is a framework item id (``C01``) or a catalogue measure id; ``author`` may be blank.
Where no commentary is given, ``draft`` writes one from the figures - target, trend, comparator,
small numbers and data quality - as cited sentences, and the report marks it "Draft", so a
generated sentence is never mistaken for an analyst's judgement.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from csc_scorecard.measures.periods import Quarter
from csc_scorecard.rating import ItemResult, format_value
from csc_scorecard.report.facts import Facts
from csc_scorecard.report.model import Comparator, Figure, Sentence
from csc_scorecard.wording import Cited, say

COLUMNS = ("measure", "period", "commentary", "author")
REQUIRED = ("measure", "period", "commentary")


class CommentaryFileError(ValueError):
    """A commentary file that cannot be used; the message names the file, row and field."""


@dataclass(frozen=True)
class Commentary:
    key: str  # item id or measure id
    period: str
    text: str
    author: str | None
    row: int


def read_commentary(path: str | Path) -> dict[tuple[str, str], Commentary]:
    """(item or measure id, period) -> commentary; refuses unknown columns and repeats."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommentaryFileError(f"{path}: cannot read commentary file: {error}") from error
    if not rows:
        raise CommentaryFileError(f"{path}: empty file; expected a header {','.join(COLUMNS)}")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        problems = "; ".join(
            p
            for p in (
                f"missing column(s) {', '.join(missing)}" if missing else "",
                f"unknown column(s) {', '.join(unknown)}" if unknown else "",
            )
            if p
        )
        raise CommentaryFileError(f"{path}: row 1: {problems} (columns: {', '.join(COLUMNS)})")
    out: dict[tuple[str, str], Commentary] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        record = dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=False))
        key = record["measure"].strip()
        if not key:
            raise CommentaryFileError(f"{path}: row {number}, field measure: blank")
        try:
            period = str(Quarter.parse(record["period"].strip()))
        except ValueError as error:
            raise CommentaryFileError(f"{path}: row {number}, field period: {error}") from None
        text = " ".join(record["commentary"].split())
        if not text:
            raise CommentaryFileError(f"{path}: row {number}, field commentary: blank")
        if (key, period) in out:
            raise CommentaryFileError(
                f"{path}: rows {out[(key, period)].row} and {number} both give commentary for {key} in {period}"
            )
        out[(key, period)] = Commentary(
            key, period, text, (record.get("author") or "").strip() or None, number
        )
    return out


def find(
    commentary: dict[tuple[str, str], Commentary], period: str, *keys: str | None
) -> Commentary | None:
    """The commentary for the first key (item id, then measure id) that has one."""
    for key in keys:
        if key and (key, period) in commentary:
            return commentary[(key, period)]
    return None


_DIRECTION = {
    "improving": "This is an improvement on {p_q} ({p}).",
    "worsening": "This is a deterioration from {p_q} ({p}).",
    "unchanged": "This is unchanged from {p_q} ({p}).",
}
_YEAR = {
    "improving": "It is better than in {ye} ({y}).",
    "worsening": "It is worse than in {ye} ({y}).",
    "unchanged": "It is the same as in {ye} ({y}).",
}


def draft(
    row: str,
    item: ItemResult,
    facts: Facts,
    current: Figure | None,
    previous: Figure | None,
    year_earlier: Figure | None,
    comparator: Comparator | None,
    comparator_source: str | None,
) -> list[Sentence]:
    """Generated commentary for one appendix row (``row`` is its JSON pointer)."""

    def field(name: str, value: object) -> Cited:
        return Cited(str(value), f"{row}/{name}", value)

    out: list[Sentence] = []
    value = (
        facts.value(current)
        if current is not None and current.status in ("ok", "suppressed")
        else None
    )
    if item.status.value == "not_reportable":
        out.append(
            say(
                "Not reportable for {q}: {why}.", q=facts.period(), why=field("reason", item.reason)
            )
        )
        return out
    if item.status.value == "not_available" or value is None:
        why = item.reason or "no figure"
        out.append(say("No figure for {q}: {why}.", q=facts.period(), why=field("reason", why)))
        return out
    target = field("target_text", _target_text(item))
    tolerance = (
        field("tolerance_text", _tolerance_text(item)) if item.tolerance is not None else None
    )
    match item.status.value:
        case "green":
            out.append(say("At {v}, performance meets the target of {t}.", v=value, t=target))
        case "amber":
            out.append(
                say(
                    "At {v}, performance is short of the target of {t} but within the tolerance of {tol}.",
                    v=value,
                    t=target,
                    tol=tolerance,
                )
            )
        case "red" if tolerance is not None:
            out.append(
                say(
                    "At {v}, performance is outside the tolerance of {tol} (target {t}).",
                    v=value,
                    t=target,
                    tol=tolerance,
                )
            )
        case "red":
            out.append(say("At {v}, performance is short of the target of {t}.", v=value, t=target))
        case _:
            out.append(say("Reported for information: {v}.", v=value))
    direction = item.vs_previous.direction
    if direction is not None and previous is not None and previous.status == "ok":
        out.append(
            say(_DIRECTION[direction.value], p_q=facts.period("previous"), p=facts.value(previous))
        )
    direction = item.vs_year_earlier.direction
    if direction is not None and year_earlier is not None and year_earlier.status == "ok":
        out.append(
            say(
                _YEAR[direction.value],
                ye=facts.period("year_earlier", "label"),
                y=facts.value(year_earlier),
            )
        )
    if comparator_source == "framework" and item.comparator is not None:
        out.append(
            say(
                "The comparator ({label}) is {c}.",
                label=field("comparator_label", item.comparator_label),
                c=field("comparator", _comparator_text(item)),
            )
        )
    elif comparator_source == "published" and comparator is not None and item.measure:
        sn = facts.comparator(item.measure)
        area = "statistical neighbour average"
        if sn is None:
            sn, area = facts.comparator(item.measure, "england"), "England figure"
        year = facts.comparator_year(item.measure)
        if sn is not None and year is not None:
            out.append(say("The most recent " + area + " is {c} ({y}).", c=sn, y=year))
    if item.small_number_warning and current is not None and current.status == "ok":
        out.append(_small_numbers(item, facts, current))
    return out


def _small_numbers(item: ItemResult, facts: Facts, current: Figure) -> Sentence:
    """Why a small figure moves a long way, worded for what the numerator and denominator are:
    a percentage is "n of d" children; an average (days, weeks, a ratio) is a total over d, so
    only d is quoted ("2,209 of 8" would be days of children); a rate counts n children in a
    population, so only n is quoted."""
    n, d = current.numerator, current.denominator
    tail = "so a change of one or two moves it a long way."
    match item.unit.value:
        case "percent" if n is not None and d is not None:
            return say(
                "The figure is based on {n} of {d}, " + tail,
                n=facts.numerator(current),
                d=facts.denominator(current),
            )
        case "days" | "weeks" if d is not None:
            return say(
                "The figure is an average over only {d} children, so one child more or fewer "
                "moves it a long way.",
                d=facts.denominator(current),
            )
        case "ratio" if d is not None:
            return say(
                "The figure is an average over only {d}, " + tail, d=facts.denominator(current)
            )
        case "rate_per_10000" | "rate_per_100000" if n is not None:
            return say("The figure counts only {n} children, " + tail, n=facts.numerator(current))
    return say("The figure is based on small numbers, " + tail)


def _target_text(item: ItemResult) -> str:
    return format_value(item.target, item.unit)


def _tolerance_text(item: ItemResult) -> str:
    return format_value(item.tolerance, item.unit)


def _comparator_text(item: ItemResult) -> str:
    return format_value(item.comparator, item.unit)
