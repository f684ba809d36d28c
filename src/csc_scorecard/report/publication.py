"""Publication mode: small numbers suppressed, child- and worker-level content left out.

A report marked for publication follows the statistical-disclosure practice DfE uses in its own
releases (standards.md §6.4, symbol ``c``; design.md, "Privacy and security"):

* a count from ``min_count`` to ``max_count`` (default 1 to 5) is printed as ``c``;
* so is a percentage, rate or average built on such a count (its numerator or its
  denominator), because the count can be worked back from it;
* suppressed figures lose their value, numerator and denominator from the context itself, so
  the JSON, charts and every renderer are safe, not just the printed page; a figure that is not
  printed anyway (not reportable, not available) loses its small numbers too;
* breakdowns by individual workers or children, measures about single workers (the
  ``worker_level_*`` lists in ``layout.yaml``) and the file-and-row pointers to data-quality
  issues (which identify a child's record) are left out;
* the nested finance section (`publish_finance`) loses its small counts of placements by line
  and group, and the rates and nights worked out from them, and projected points from 1 to 5;
  the projection's starting counts, history and flows (counts of children by placement group
  that no published sentence cites) are left out whole;
* a not-reportable figure's reason shows its counts of faulty rows from 1 to 5 as the symbol
  (`redact_row_counts`), and a framework's derived item built on a suppressed operand prints
  the symbol (a total less a known part would give the part away);
* data-quality issues carry rule, field and count only, never a recorded message (which can
  quote a raw cell) or a file and row (``provenance.quality_issues``);
* commentary typed by people that states a number in the suppressed range, in digits or in
  words ("2 of the authority's homes", "two of the homes") stops the report with the items
  named, unless the user confirms it (`check_commentary`, ``--allow-commentary-numbers``);
* the cover says so.

All of this happens while the report context is built, before any renderer sees it (figures as
they are made, by `suppress`, so no sentence or chart is written from a small count; the finance
section by `publish_finance` as its last step), so no output format can differ from another;
`is_small` is the one test of a small count, used by the workforce and forecast sections too.

Zero is not suppressed (it discloses nothing about a child). Only primary suppression is
applied: where a total and all but one category of a breakdown are shown, the analyst should
check the breakdown before publishing; the cover note says this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.errors import ScorecardError
from csc_scorecard.report.model import Figure, Publication

if TYPE_CHECKING:
    from csc_scorecard.report.sections.finance.section_model import FinanceSection

M = TypeVar("M", bound=BaseModel)


class PublicationRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min_count: int = Field(1, ge=1)
    max_count: int = Field(5, ge=1)
    symbol: str = "c"


def is_small(value: float | None, rules: PublicationRules) -> bool:
    """
    >>> rules = PublicationRules()
    >>> [is_small(v, rules) for v in (0, 1, 5, 5.4, 6, None)]
    [False, True, True, True, False, False]
    """
    return value is not None and rules.min_count <= round(value) <= rules.max_count and value > 0


def should_suppress(figure: Figure, rules: PublicationRules) -> bool:
    """A small count, or a derived figure whose numerator or denominator is a small count.

    Rates per 10,000 have the population as denominator, which is never small; their numerator
    (the children counted) can be.
    """
    if figure.status != "ok":
        return False
    return _holds_small(figure, rules)


def holds_small(
    unit: str,
    value: float | None,
    numerator: float | None,
    denominator: float | None,
    rules: PublicationRules,
) -> bool:
    """Whether a measure value holds a small count: a count that is small, or a derived value
    whose numerator or denominator is (the one rule; `suppress` and the regional comparison
    apply it)."""
    if unit == "count":
        return is_small(value, rules) or is_small(numerator, rules)
    return is_small(numerator, rules) or is_small(denominator, rules)


def _holds_small(figure: Figure, rules: PublicationRules) -> bool:
    return holds_small(figure.unit, figure.value, figure.numerator, figure.denominator, rules)


def suppress(figure: Figure, rules: PublicationRules) -> Figure:
    """The figure as published: unchanged, or with its numbers removed and shown as the symbol.

    A figure that is not printed anyway (not reportable, not available) keeps its status and
    reason, but loses its small numbers too: the JSON and the spreadsheet carry numerators.
    """
    if not _holds_small(figure, rules):
        return figure
    # A large denominator (all referrals, the population) discloses nothing and stays.
    keep_denominator = figure.unit != "count" and not is_small(figure.denominator, rules)
    update: dict[str, object] = {
        "value": None,
        "numerator": None,
        "denominator": figure.denominator if keep_denominator else None,
        "numerator_display": rules.symbol if figure.numerator_display else "",
        "denominator_display": figure.denominator_display
        if keep_denominator
        else (rules.symbol if figure.denominator_display else ""),
    }
    if figure.status == "ok":
        update |= {
            "status": "suppressed",
            "reason": f"suppressed for publication: based on a count of {rules.min_count} to {rules.max_count}",
            "display": rules.symbol,
            "numerator_display": rules.symbol if figure.numerator is not None else "",
            "denominator_display": figure.denominator_display
            if keep_denominator
            else (rules.symbol if figure.denominator is not None else ""),
        }
    return figure.model_copy(update=update)


# A data-quality reason's counts of rows ("(2 of 19 rows)", "rule 103 x 2"): the faulty rows
# of a small table can be children (measures/availability.py writes these reasons).
_N = r"\d+(?:,\d{3})*"  # 1,234 (a comma after it separates the next item)
_ROW_COUNTS = re.compile(rf"\((?P<n>{_N}) of (?P<m>{_N}) rows\)|(?<= x )(?P<k>{_N})")


def redact_row_counts(text: str, rules: PublicationRules) -> str:
    """The reason as published: its counts of rows from 1 to 5 shown as the symbol.

    >>> rules = PublicationRules()
    >>> redact_row_counts("DfE rule faults on 11% (2 of 1,019 rows): 103 x 2, 8500 x 1,012", rules)
    'DfE rule faults on 11% (c of 1,019 rows): 103 x c, 8500 x 1,012'
    >>> redact_row_counts("DOB missing for 60% of children in the period (3 of 5 rows)", rules)
    'DOB missing for 60% of children in the period (c of c rows)'
    """

    def shown(number: str) -> str:
        return rules.symbol if is_small(int(number.replace(",", "")), rules) else number

    def one(m: re.Match[str]) -> str:
        if m["k"] is not None:
            return shown(m["k"])
        return f"({shown(m['n'])} of {shown(m['m'])} rows)"

    return _ROW_COUNTS.sub(one, text)


def without_small_in_reason(figure: Figure, rules: PublicationRules) -> Figure:
    """The figure with its reason's small row counts redacted (`redact_row_counts`); applied to
    every figure before rating, so no row, note or sentence quotes the unredacted reason."""
    if not figure.reason:
        return figure
    return figure.model_copy(update={"reason": redact_row_counts(figure.reason, rules)})


def without_small(
    model: M, counts: Iterable[str], built_on: Mapping[str, Iterable[str]], rules: PublicationRules
) -> M:
    """`model` with each of its ``counts`` from 1 to 5 set to None, and each field ``built_on``
    such a count (a rate, a number of nights) with it: `suppress` for the finance section's
    nested results, which are not figures."""
    small = {f for f in counts if is_small(getattr(model, f), rules)}
    gone = small | {f for f, bases in built_on.items() if small.intersection(bases)}
    return model.model_copy(update=dict.fromkeys(gone)) if gone else model


# The finance section's counts of children's placements by line and group, and the fields worked
# out from them (forecast/outturn_model.py `LineForecast`, `GroupForecast`).
_PLACEMENTS = (
    "placements_year_start",
    "placements_now",
    "placements_year_end",
    "average_placements",
)
_LINE_COUNTS = (
    *_PLACEMENTS,
    "starts_in_history",
    "ends_in_history",
    "budget_placements_start",
    "budget_placements_end",
)
_LINE_BUILT_ON = {
    "start_rate_per_month": ("starts_in_history",),
    "end_rate_per_month": ("ends_in_history",),
    "nights_to_date": _PLACEMENTS,
    "nights_remaining": _PLACEMENTS,
}
_GROUP_COUNTS = (
    *_PLACEMENTS,
    "budget_placements_start",
    "budget_placements_end",
    "budget_average_placements",
    "above_budget",
    "starts_in_history",
    "starts_last_month",
)
_FOSTERING_COUNTS = ("placements_over_budget_start", "placements_over_budget_end")
_POINT = ("mean", "low", "median", "high")


def publish_finance(section: FinanceSection, rules: PublicationRules) -> FinanceSection:
    """The finance section as published: applied by `report.sections.finance.section.finance_section` as the last
    step of building it with ``publication=True``, so the report (every format) and `scorecard
    forecast --publication` (JSON, CSV) publish the same thing.

    Its sentences were written from figures that went through `is_small` (`report/sections/finance/figures.py`);
    this removes the small counts from the results behind them: placements by line and group
    (and the rates and nights worked out from them), the fostering split's placements over
    budget, and projected points from 1 to 5 (the whole point: its band shows its centre; the
    date stays, sentences cite it). The projection's starting counts, history and flows, which
    no published sentence needs, are left out whole, and so is every projection chart series but
    the total's.
    """
    out = section.outturn
    fostering = out.fostering and without_small(out.fostering, _FOSTERING_COUNTS, {}, rules)
    out = out.model_copy(
        update={
            "lines": [without_small(ln, _LINE_COUNTS, _LINE_BUILT_ON, rules) for ln in out.lines],
            "groups": [without_small(g, _GROUP_COUNTS, {}, rules) for g in out.groups],
            "fostering": fostering,
        }
    )
    projection = section.projection
    if projection is not None:
        points = [
            without_small(p, _POINT, {k: _POINT for k in _POINT}, rules) for p in projection.points
        ]
        projection = projection.model_copy(
            update={"start_counts": {}, "history": [], "flows": [], "points": points}
        )
    chart = [
        p
        for p in section.charts.projection
        if p.group == "total" and not any(is_small(v, rules) for v in (p.value, p.low, p.high))
    ]
    return section.model_copy(
        update={
            "publication": True,
            "outturn": out,
            "projection": projection,
            "charts": section.charts.model_copy(update={"projection": chart}),
        }
    )


def settings(rules: PublicationRules | None, suppressed: int = 0) -> Publication:
    """The cover's publication block (``enabled`` false for an internal report)."""
    if rules is None:
        return Publication(enabled=False, min_count=1, max_count=5, symbol="c")
    return Publication(
        enabled=True,
        min_count=rules.min_count,
        max_count=rules.max_count,
        symbol=rules.symbol,
        suppressed=suppressed,
        note=(
            f"Prepared for publication. Counts from {rules.min_count} to {rules.max_count} are shown as "
            f"'{rules.symbol}', as are percentages, rates and averages built on them. Worker- and "
            "child-level detail and the record references of data-quality issues are left out. "
            "Only primary suppression is applied: check breakdowns whose total is shown before publishing."
        ),
    )


class CommentaryNumbers(ScorecardError):
    """Publication commentary quotes numbers in the suppressed range; nothing was written."""


# A whole number standing alone ("2 of", "(3)"), not part of a date, code, money, a percentage
# or a decimal ("Q1", "2022-23", "£2m", "5%", "1.5").
_BARE_NUMBER = re.compile(r"(?<![\w.,£$/:-])(\d+)(?![\w%,:]|\.\d)")
# A number written as a word ("two of the homes", "five children"), not part of a compound
# ("two-thirds", "a four-week review"). "One" is a pronoun as often as a number ("one of our
# priorities" is no count), so it counts only before a word for what is counted: "one child",
# "one of the authority's homes".
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10}  # fmt: skip
_COUNTED = (
    r"(?:child|children|young|family|families|home|homes|carer|carers|case|cases|sibling|"
    r"siblings|girl|girls|boy|boys|baby|babies|person|people|placement|placements|adopt\w*|"
    r"foster\w*|care\s+leavers?|referrals?|plans?|unaccompanied|worker|workers)\b"
)
_NUMBER_WORD = re.compile(
    r"(?<![\w-])(two|three|four|five|six|seven|eight|nine|ten|"
    rf"one(?=\s+(?:of\s+(?:the|our|these|those)\s+(?:[\w']+\s+){{0,2}})?{_COUNTED}))"
    r"(?![\w-])",
    re.IGNORECASE,
)


def small_numbers_in(text: str, rules: PublicationRules) -> list[int]:
    """Numbers in the suppressed range that a piece of free text states, in digits or words.

    >>> small_numbers_in("2 of the authority's homes; Q1 2022-23 rose 5% to 1.5 (3)", PublicationRules())
    [2, 3]
    >>> small_numbers_in("Two of the homes; one child; five children; one of our priorities; "
    ...                  "one of the authority's homes; a four-week review; two-thirds; ten carers",
    ...                  PublicationRules())
    [2, 1, 5, 1]
    """
    digits = [(m.start(), int(m[1])) for m in _BARE_NUMBER.finditer(text)]
    words = [(m.start(), _WORDS[m[1].lower()]) for m in _NUMBER_WORD.finditer(text)]
    return [n for _, n in sorted(digits + words) if is_small(n, rules)]


def check_commentary(
    texts: Mapping[str, str], rules: PublicationRules, *, allowed: bool = False
) -> None:
    """Refuse publication commentary that states a number in the suppressed range, naming each
    item, unless the user has confirmed it (``allowed``): a typed sentence can reveal the count
    a table shows as the symbol."""
    found = {item: small_numbers_in(text, rules) for item, text in texts.items()}
    found = {item: ns for item, ns in found.items() if ns}
    if found and not allowed:
        listed = "; ".join(
            f"{item} ({', '.join(map(str, ns))})" for item, ns in sorted(found.items())
        )
        raise CommentaryNumbers(
            f"commentary for publication states numbers from {rules.min_count} to "
            f"{rules.max_count}, which could reveal a suppressed count: {listed}. Reword or redact "
            "it, or pass --allow-commentary-numbers once you have checked each"
        )
