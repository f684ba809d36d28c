"""Commentary for each appendix row: the analysts' words, or a generated draft clearly marked.

Analysts write commentary in a plain CSV (UTF-8; an Excel byte-order mark is fine), read as the
local templates are read (`ingest.formats.csv_rows`):

    measure,period,commentary,author,status
    C01,2022-Q1,This is above national and local comparator data.,J Smith,
    rereferrals_within_12_months,2022-Q1,"Initial Q4 data indicated ...",,
    C03,2022-Q1,Further data validation underway.,J Smith,under_validation

``status`` (optional) is blank, ``not_reportable`` or ``under_validation``: the figure is then
not reported for that quarter anywhere in the report, and the reason reads as the seed's
("Data is currently being validated: Further data validation underway.").

``measure`` is a framework item id (``C01``) or a catalogue measure id; ``author`` may be blank.
Where no commentary is given, ``draft`` writes one from the figures - target, trend, comparator,
small numbers and data quality - as cited sentences, and the report marks it "Draft", so a
generated sentence is never mistaken for an analyst's judgement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from csc_scorecard.ingest.formats.csv_rows import csv_rows
from csc_scorecard.model.batch import FormatError
from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating import ItemResult, format_value
from csc_scorecard.report.benchmarks import from_row, in_unit, placed
from csc_scorecard.report.facts import Facts, pointer_part
from csc_scorecard.report.model import AppendixComparator, Figure, Sentence
from csc_scorecard.wording import Cited, say

COLUMNS = ("measure", "period", "commentary", "author", "status")
# What an analyst may set for a figure in the commentary file (optional ``status`` column): the
# figure is then not reported for the quarter, with the reason shown as the seed shows it.
STATUSES = {
    "not_reportable": "This data is not reportable",
    "under_validation": "Data is currently being validated",
}
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
    status: str | None = None  # not_reportable or under_validation (STATUSES)


def read_commentary(path: str | Path) -> dict[tuple[str, str], Commentary]:
    """(item or measure id, period) -> commentary; refuses unknown columns and repeats."""
    path = Path(path)
    try:
        first, rows = csv_rows(path, ("utf-8-sig",))
    except OSError as error:
        raise CommentaryFileError(f"{path}: cannot read commentary file: {error}") from error
    except FormatError as error:
        raise CommentaryFileError(f"{path}: cannot read commentary file: {error.reason}") from None
    if first is None:
        raise CommentaryFileError(f"{path}: empty file; expected a header {','.join(COLUMNS)}")
    header = [h.strip().lower() for h in first]
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
    for number, cells in rows:
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
        status = (record.get("status") or "").strip().lower().replace(" ", "_") or None
        if status is not None and status not in STATUSES:
            raise CommentaryFileError(
                f"{path}: row {number}, field status: {record['status']!r} is not one of "
                f"{', '.join(STATUSES)} (or blank)"
            )
        if (key, period) in out:
            raise CommentaryFileError(
                f"{path}: rows {out[(key, period)].row} and {number} both give commentary for {key} in {period}"
            )
        out[(key, period)] = Commentary(
            key, period, text, (record.get("author") or "").strip() or None, number, status
        )
    return out


def status_reason(c: Commentary) -> str:
    """The reason a figure an analyst marked is not reported: the seed's words, then theirs.

    >>> status_reason(Commentary("C03", "2022-Q1", "Being checked with the teams.", None, 2, "under_validation"))
    'Data is currently being validated: Being checked with the teams.'
    """
    assert c.status is not None
    return f"{STATUSES[c.status]}: {c.text}"


def apply_status(
    figures: dict[str, Figure],
    commentary: dict[tuple[str, str], Commentary],
    keys: dict[str, list[str]],
) -> dict[str, Figure]:
    """The figures with every one an analyst marked (``status``) for its period made not
    reportable, with the reason: before anything is rated or written, so the appendix, the
    drafts, the narrative and the summary all leave it out and say why. ``keys`` maps a
    framework item id to the measure ids whose figures it shows."""
    out = dict(figures)
    for (key, period), c in commentary.items():
        if c.status is None:
            continue
        for name in {key, *keys.get(key, [])}:
            fid = f"{name}:{period}"
            if fid in out:
                out[fid] = out[fid].model_copy(
                    update={
                        "status": "not_reportable",
                        "reason": status_reason(c),
                        "value": None,
                        "display": "",
                        "numerator_display": "",
                        "denominator_display": "",
                    }
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


# What a measure's numerator and denominator count, where it is not children or records: the
# small-number sentence names it ("4 of 31.6 full-time equivalent posts").
COUNTED_IN: dict[str, str] = {
    "agency_fte_rate": "full-time equivalent posts",
    "staff_turnover_rate": "full-time equivalent staff",
    "staff_turnover_rate_local": "full-time equivalent staff",
    "vacancy_rate": "full-time equivalent posts",
    "supervision_in_timescale": "staff",
    "case_audits_good_or_better": "audits",
    "case_audits_requires_improvement_or_better": "audits",
}
# What an average of days or weeks is taken over (default: cases).
AVERAGED_OVER: dict[str, tuple[str, str]] = {
    "adoption_days_care_to_placed": ("child", "children"),
    "adoption_days_authority_to_match": ("child", "children"),
}


def draft(
    row: str,
    item: ItemResult,
    facts: Facts,
    current: Figure | None,
    previous: Figure | None,
    year_earlier: Figure | None,
    comparators: list[AppendixComparator],
    printed: dict[str, str] | None = None,
) -> list[Sentence]:
    """Generated commentary for one appendix row (``row`` is its JSON pointer), written from
    what matters for this item: whether the target is met and by what margin of tolerance, the
    direction of travel against the last quarter and a year earlier under the materiality rule
    (a change too small to call is "similar"), every comparator the row lists and the council's
    own published outturn (``report.benchmarks``), small numbers, and a figure that cannot be
    reported (the analyst's or the quality check's reason). A derived item has no figure of its
    own: its value is the row's printed one. ``printed`` holds the row's printed "current" and
    "previous": the draft quotes them as the row prints them (``Facts.as_printed``)."""

    def field(name: str, value: object) -> Cited:
        return Cited(str(value), f"{row}/{name}", value)

    def quoted(when: str, f: Figure) -> Cited:
        return facts.as_printed(f, (printed or {}).get(when, ""), f"{row}/{when}")

    value = (
        quoted("current", current)
        if current is not None and current.status in ("ok", "suppressed")
        else field("current", item.display)
        if current is None and item.value is not None and item.display
        else None
    )
    if item.status.value == "not_reportable":
        return [
            say(
                "Not reportable for {q}: {why}.", q=facts.period(), why=field("reason", item.reason)
            )
        ]
    if item.status.value == "not_available" or value is None:
        why = item.reason or "no figure"
        return [say("No figure for {q}: {why}.", q=facts.period(), why=field("reason", why))]
    unit = item.unit.value
    small = item.small_number_warning and current is not None and current.status == "ok"
    out: list[Sentence] = [_against_target(item, facts, value, field, unit)]
    if small and current is not None:
        out.append(_small_numbers(item, facts, current))
    travel = _travel(item, facts, previous, year_earlier, small, quoted)
    out.extend(travel)
    if item.value is not None and (current is None or current.status == "ok"):
        # (a suppressed figure is not placed against its benchmarks: that would narrow it down)
        said_year = year_earlier is not None and any(
            c.ref == f"/figures/{pointer_part(year_earlier.id)}/value"
            for s in travel
            if s is not None
            for c in s.cites
        )
        marks = [
            m
            for m in from_row(row, comparators)
            # the travel sentence has placed the figure against a year earlier already
            if not (said_year and m.name == "the figure a year earlier")
        ]
        out.append(placed(item.value, unit, marks, facts.outturn(item.measure)))
    return [s for s in out if s is not None]


def _against_target(item: ItemResult, facts: Facts, value: Cited, field, unit: str) -> Sentence:
    v_unit = in_unit(value.text, unit)
    target = field("target_text", _target_text(item))
    t_unit = in_unit(target.text, unit)
    tolerance = (
        field("tolerance_text", _tolerance_text(item)) if item.tolerance is not None else None
    )
    tol_unit = in_unit(tolerance.text, unit) if tolerance is not None else ""
    at = "At {v}" + v_unit + ", "
    match item.status.value:
        case "green":
            return say(at + "performance meets the target of {t}" + t_unit + ".", v=value, t=target)
        case "amber":
            return say(
                at + "performance is short of the target of {t}" + t_unit + " but within the "
                "tolerance of {tol}" + tol_unit + ".",
                v=value,
                t=target,
                tol=tolerance,
            )
        case "red" if tolerance is not None:
            return say(
                at
                + "performance is outside the tolerance of {tol}"
                + tol_unit
                + " (target {t}"
                + t_unit
                + ").",
                v=value,
                t=target,
                tol=tolerance,
            )
        case "red":
            return say(
                at + "performance is short of the target of {t}" + t_unit + ".", v=value, t=target
            )
    return say("The figure is {v}" + v_unit + ", reported for information.", v=value)


def _moved(comparison, figure: Figure | None) -> str | None:
    """improving, worsening, unchanged or similar (unchanged under the materiality rule though
    the printed figures differ); None when there is no direction to give."""
    if comparison.direction is None or figure is None or figure.status != "ok":
        return None
    if comparison.direction.value == "unchanged" and comparison.similar_reason:
        return "similar"
    return comparison.direction.value


_WORDS = {
    "improving": "better than",
    "worsening": "worse than",
    "unchanged": "the same as in",
    "similar": "similar to",
}


def _travel(
    item: ItemResult,
    facts: Facts,
    previous: Figure | None,
    year_earlier: Figure | None,
    small: bool,
    quoted: Callable[[str, Figure], Cited],
) -> list[Sentence | None]:
    """Direction of travel against the last quarter and a year earlier, in one sentence when
    both say the same, with why a changed figure counts as similar."""
    before, year = _moved(item.vs_previous, previous), _moved(item.vs_year_earlier, year_earlier)
    slots: dict[str, Cited | str] = {}
    if before is not None:
        assert previous is not None
        slots |= {"p_q": facts.period("previous"), "p": quoted("previous", previous)}
    if year is not None:
        assert year_earlier is not None
        slots |= {"ye": facts.period("year_earlier", "label"), "y": facts.value(year_earlier)}
    out: list[Sentence | None] = []
    if before is not None and year is not None and before == year:
        lead = {
            "improving": "This is better than both {p_q} ({p}) and {ye} ({y}).",
            "worsening": "This is worse than both {p_q} ({p}) and {ye} ({y}).",
            "unchanged": "This is the same as in {p_q} ({p}) and {ye} ({y}).",
            "similar": "This is similar to {p_q} ({p}) and {ye} ({y}).",
        }[before]
        out.append(say(lead, **slots))
    elif before is not None:
        lead = {
            "improving": "This is an improvement on {p_q} ({p})",
            "worsening": "This is a deterioration from {p_q} ({p})",
            "unchanged": "This is unchanged from {p_q} ({p})",
            "similar": "This is similar to {p_q} ({p})",
        }[before]
        if year is not None:
            joint = " but " if {before, year} == {"improving", "worsening"} else "; "
            tail = ("it is " if joint == "; " else "") + _WORDS[year] + " {ye} ({y})."
            out.append(say(lead + joint + tail, **slots))
        else:
            out.append(say(lead + ".", **slots))
    elif year is not None:
        out.append(say("It is " + _WORDS[year] + " {ye} ({y}).", **slots))
    if "similar" in (before, year):
        if before == "similar":
            out.append(_why_similar(item, facts, item.vs_previous, previous))
        else:
            out.append(_why_similar(item, facts, item.vs_year_earlier, year_earlier))
    if small and ({before, year} & {"improving", "worsening"}):
        out.append(say("With numbers this small, the change should be read with caution."))
    return out


def _why_similar(
    item: ItemResult, facts: Facts, comparison, earlier: Figure | None
) -> Sentence | None:
    """Why a changed figure is called similar: the materiality rule's allowance, or what chance
    alone moves a percentage of these denominators (docs/rating.md, "Direction of travel")."""
    confidence = facts.chance_confidence()
    if comparison.similar_basis == "chance" and confidence is not None:
        now = facts.ok(earlier.measure) if earlier is not None else None
        if now is not None and earlier is not None and now.denominator and earlier.denominator:
            return say(
                "The change is within what chance alone can produce on {d} and {e} ({c} "
                "confidence), so it is not counted as a change.",
                d=facts.denominator(now),
                e=facts.denominator(earlier),
                c=confidence,
            )
        return None
    allowance = facts.allowance(item.id)
    if allowance is None:
        return None
    words = {"percent": " percentage point", "days": " day", "weeks": " week"}.get(
        item.unit.value, ""
    )
    plural = "" if allowance.value == 1 or not words else "s"
    return say("Changes of up to {a}" + words + plural + " are treated as no change.", a=allowance)


def _small_numbers(item: ItemResult, facts: Facts, current: Figure) -> Sentence:
    """Why a small figure moves a long way, worded for what the numerator and denominator are:
    a percentage is "n of d" (of what, where it is not records: "full-time equivalent posts");
    an average (days, weeks, a ratio) is a total over d, so only d is quoted ("2,209 of 8"
    would be days of children); a rate counts n children in a population, so only n is quoted."""
    n, d = current.numerator, current.denominator
    tail = "so a change of one or two moves it a long way."
    match item.unit.value:
        case "percent" if n is not None and d is not None:
            what = COUNTED_IN.get(item.measure or "", "")
            return say(
                "The figure is based on {n} of {d}" + (" " + what if what else "") + ", " + tail,
                n=facts.numerator(current),
                d=facts.denominator(current),
            )
        case "days" | "weeks" if d is not None:
            one, many = AVERAGED_OVER.get(item.measure or "", ("case", "cases"))
            return say(
                "The figure is an average over only {d} "
                + (one if d == 1 else many)
                + ", so one "
                + one
                + " more or fewer moves it a long way.",
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
