"""Publication mode: small numbers suppressed, child- and worker-level content left out.

A report marked for publication follows the statistical-disclosure practice DfE uses in its own
releases (standards.md §6.4, symbol ``c``; design.md, "Privacy and security"):

* a count from ``min_count`` to ``max_count`` (default 1 to 5) is printed as ``c``;
* so is a percentage, rate or average built on such a count (its numerator or its
  denominator), because the count can be worked back from it;
* suppressed figures lose their value, numerator and denominator from the context itself, so
  the JSON, charts and every renderer are safe, not just the printed page;
* breakdowns by individual workers or children, measures about single workers (the
  ``worker_level_*`` lists in ``layout.yaml``) and the file-and-row pointers to data-quality
  issues (which identify a child's record) are left out;
* the nested finance section's per-group projection of children (start counts, history
  simulated points, flows and the projection chart's data) is left out: it holds counts of
  children by placement group, and its sentences cite only figures that went through `suppress`;
* data-quality issues carry rule, field and count only, never a recorded message (which can
  quote a raw cell) or a file and row (``provenance.quality_issues``);
* commentary typed by people that holds a number in the suppressed range ("2 of the
  authority's homes...") stops the report with the items named, unless the user confirms it
  (`check_commentary`, ``--allow-commentary-numbers``);
* the cover says so.

`publish` applies all of this to the whole report context once, before any renderer sees it,
so no output format can differ from another; `is_small` is the one test of a small count, used
by the workforce and forecast sections too.

Zero is not suppressed (it discloses nothing about a child). Only primary suppression is
applied: where a total and all but one category of a breakdown are shown, the analyst should
check the breakdown before publishing; the cover note says this.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.errors import ScorecardError
from csc_scorecard.report.model import Figure, Publication, ReportContext


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
    if figure.unit == "count":
        return is_small(figure.value, rules)
    return is_small(figure.numerator, rules) or is_small(figure.denominator, rules)


def suppress(figure: Figure, rules: PublicationRules) -> Figure:
    """The figure as published: unchanged, or with its numbers removed and shown as the symbol."""
    if not should_suppress(figure, rules):
        return figure
    # A large denominator (all referrals, the population) discloses nothing and stays.
    keep_denominator = figure.unit != "count" and not is_small(figure.denominator, rules)
    return figure.model_copy(
        update={
            "value": None,
            "numerator": None,
            "denominator": figure.denominator if keep_denominator else None,
            "status": "suppressed",
            "reason": f"suppressed for publication: based on a count of {rules.min_count} to {rules.max_count}",
            "display": rules.symbol,
            "numerator_display": rules.symbol if figure.numerator is not None else "",
            "denominator_display": figure.denominator_display
            if keep_denominator
            else (rules.symbol if figure.denominator is not None else ""),
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


def small_numbers_in(text: str, rules: PublicationRules) -> list[int]:
    """Numbers in the suppressed range that a piece of free text states.

    >>> small_numbers_in("2 of the authority's homes; Q1 2022-23 rose 5% to 1.5 (3)", PublicationRules())
    [2, 3]
    """
    return [int(n) for n in _BARE_NUMBER.findall(text) if is_small(int(n), rules)]


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


def publish(context: ReportContext, rules: PublicationRules) -> ReportContext:
    """The context as published: the last step of building it, before any renderer.

    Figures were suppressed as they were built (`suppress`, so that no sentence or chart was
    written from a small count); this removes the nested sections' child-level data that no
    published sentence needs (see the module docstring).
    """
    finance = context.finance
    if finance is not None and finance.projection is not None:
        projection = finance.projection.model_copy(
            update={"start_counts": {}, "history": [], "flows": []}  # points: sentences cite dates
        )
        charts = finance.charts.model_copy(update={"projection": []})
        finance = finance.model_copy(update={"projection": projection, "charts": charts})
    return context.model_copy(update={"finance": finance})
