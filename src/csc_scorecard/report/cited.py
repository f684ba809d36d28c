"""A value cited in a sentence by the JSON pointer of the context field it was read from: a
count as the report prints it, or text as it stands (the summary and data-quality sections)."""

from __future__ import annotations

from csc_scorecard.numbers import count
from csc_scorecard.wording import Cited


def cited_count(ref: str, value: float) -> Cited:
    return Cited(count(value), ref, value)


def cited_text(ref: str, value: str) -> Cited:
    return Cited(value, ref, value)
