"""What rating a framework produces: per item, per group and overall. Serialises to JSON as is."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from csc_scorecard.model.units import Polarity, Unit
from csc_scorecard.rating.summary import Summary
from csc_scorecard.rating.vocabulary import Band, Direction, Rag, Status

_FROZEN = ConfigDict(extra="forbid", frozen=True)


class Comparison(BaseModel):
    """Direction of travel against one earlier period."""

    model_config = _FROZEN

    period: str
    raw: str | None = None  # the earlier value as written, if any
    value: float | None = None
    change: float | None = None  # current minus earlier, in the item's unit (exact values only)
    direction: Direction | None = None
    reason: str | None = None  # why there is no direction
    # The materiality rule's allowance (item's unit) and its words: a change no bigger than
    # ``similar_within`` is "unchanged" ("similar" when the figures differ).
    similar_within: float | None = None
    similar_reason: str | None = None
    similar_basis: Literal["fixed", "chance"] | None = None  # the part of the rule that applied
    small_number_warning: bool = False  # a numerator or denominator in either period is small


class ComparatorValue(BaseModel):
    """One benchmark as the item shows it: label, year, basis and value (None: not published)."""

    model_config = _FROZEN

    id: str
    label: str
    year: str
    basis: str
    value: float | None
    display: str


class ItemResult(BaseModel):
    model_config = _FROZEN

    id: str
    title: str
    measure: str | None
    unit: Unit
    polarity: Polarity
    target: float | Band | None
    tolerance: float | Band | None
    target_display: str  # "90% (75%)"; "> 85%" when strict
    target_rule: str | None = None  # how a relative or incremental target was set this period
    strict: bool = False  # equal to the target does not meet it
    comparators: list[ComparatorValue] = []  # the framework's benchmarks, with year and basis
    comparator: float | None
    comparator_label: str | None
    period: str
    status: Status
    rag: Rag | None
    reason: str | None  # why not available / not reportable
    raw: str  # the value as written ("" when there is none)
    value: float | None  # the exact value rated (after ``decimals`` rounding)
    qualifier: Literal["<", ">"] | None = None  # value known only as a bound ("<1%")
    bound: float | None = None
    display: str  # the value in its unit, or the raw text when it is not a number
    warning: str | None = None  # e.g. a bare 0.9 for a percentage item (read as 0.9%)
    numerator: float | None = None
    denominator: float | None = None
    small_number_warning: bool = False
    commentary: str | None = None
    vs_previous: Comparison
    vs_year_earlier: Comparison


class GroupResult(BaseModel):
    model_config = _FROZEN

    id: str
    title: str
    summary: Summary
    items: list[ItemResult]


class FrameworkResult(BaseModel):
    model_config = _FROZEN

    framework: str
    authority: str
    la_code: str | None
    period: str  # "2022-Q1"
    period_label: str  # "Q1 2022/23"
    previous_period: str
    year_earlier_period: str
    small_number_threshold: float
    summary: Summary  # all groups together
    groups: list[GroupResult]
    unmatched_measures: list[str]  # values-file measures that name no item (typos show here)

    def group(self, key: str) -> GroupResult:
        for group in self.groups:
            if group.id == key:
                return group
        raise KeyError(key)

    def item(self, key: str) -> ItemResult:
        for group in self.groups:
            for item in group.items:
                if item.id == key:
                    return item
        raise KeyError(key)


class Rating(BaseModel):
    """One item's rating for one period (``assess.rate_item``): the part every output shares."""

    model_config = _FROZEN

    status: Status
    rag: Rag | None
    reason: str | None  # why there is no RAG (not available, not reportable, a bound)
    value: float | None  # the published value rated: rounded to the item's precision
    display: str  # the value in its unit, or the raw text when it is not a number
    warning: str | None = None  # e.g. a bare 0.9 for a percentage item (read as 0.9%)
    target: float | Band | None = None  # the target for the period (relative ones resolved)
    tolerance: float | Band | None = None
    target_display: str = ""
    target_rule: str | None = None
    comparators: list[ComparatorValue] = []
