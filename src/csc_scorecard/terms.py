"""The council's vocabulary: one lookup every generated sentence goes through.

Councils differ in the words they use for the same thing: "children in care" or "children looked
after"; "the council" or "the Trust" (a children's services trust). A council sets its choice in
its paper file (`terminology:` in paper.yaml, docs/committee-paper.md); the report is built with
that vocabulary in force (``using``), and every sentence the product writes passes its words
through ``words`` - ``wording.say`` does it for each generated sentence, and the measure
definitions, chart titles and section titles call it directly - so one report never says both.

The product's own text may use either form; ``words`` rewrites the phrases below into the
council's choice. Cited values (numbers, names) are never rewritten.

This module sits beside ``wording`` below every layer that writes sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

IN_CARE = "children in care"
LOOKED_AFTER = "children looked after"

# Phrases rewritten for each choice: (pattern, replacement). Lower-case patterns also match with
# a capital first letter, which the replacement keeps.
_TO_IN_CARE = (
    (r"looked-after children", "children in care"),
    (r"looked after children", "children in care"),
    (r"children looked after", "children in care"),
    (r"child looked after", "child in care"),
    (r"ceased to be looked after", "left care"),
    (r"ceasing to be looked after", "leaving care"),
    (r"cease to be looked after", "leave care"),
    (r"started to be looked after", "came into care"),
    (r"starting to be looked after", "coming into care"),
    (r"start to be looked after", "come into care"),
    (r"been looked after", "been in care"),
    (r"were looked after", "were in care"),
    (r"was looked after", "was in care"),
    (r"is looked after", "is in care"),
)
_TO_LOOKED_AFTER = (
    (r"children in care", "children looked after"),
    (r"child in care", "child looked after"),
)


class Terms(BaseModel):
    """The paper file's `terminology:` block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    children_in_care: Literal["children in care", "children looked after"] = Field(
        IN_CARE, description="what the council calls looked-after children"
    )
    organisation: str = Field(
        "council",
        description="what the report calls the body whose performance it reports, e.g. 'Trust' "
        "for a children's services trust (the text's 'the council' becomes 'the Trust')",
        min_length=1,
        max_length=60,
    )

    @property
    def short(self) -> tuple[str, str]:
        """The acronym for children in care and its meaning: CiC or CLA."""
        if self.children_in_care == IN_CARE:
            return ("CiC", "Children in care")
        return ("CLA", "Children looked after")


_DEFAULT = Terms()
_CURRENT: ContextVar[Terms | None] = ContextVar("csc_scorecard_terms", default=None)


def current() -> Terms:
    """The vocabulary in force (the default's unless a report is being built with another)."""
    return _CURRENT.get() or _DEFAULT


@contextmanager
def using(terms: Terms | None) -> Iterator[Terms]:
    """Build with ``terms`` in force (the default when None)."""
    chosen = terms or _DEFAULT
    token = _CURRENT.set(chosen)
    try:
        yield chosen
    finally:
        _CURRENT.reset(token)


@cache
def _rules(terms: Terms) -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """Each phrase's pattern and replacement, with the phrase past its first letter: a text
    without it cannot match, and most texts hold none of the phrases."""
    pairs = list(_TO_IN_CARE if terms.children_in_care == IN_CARE else _TO_LOOKED_AFTER)
    if terms.organisation != "council":
        pairs.append((r"the council", f"the {terms.organisation}"))
    out = []
    for pattern, replacement in pairs:
        first = pattern[0]
        out.append(
            (
                pattern[1:],
                re.compile(rf"\b[{first}{first.upper()}]{re.escape(pattern[1:])}\b"),
                replacement,
            )
        )
    return tuple(out)


def words(text: str, terms: Terms | None = None) -> str:
    """``text`` in the council's vocabulary.

    >>> words("Children looked after at the end of the quarter")
    'Children in care at the end of the quarter'
    >>> words("There were 5 children in care.", Terms(children_in_care="children looked after"))
    'There were 5 children looked after.'
    >>> words("the council's own homes", Terms(organisation="Trust"))
    "the Trust's own homes"
    """
    chosen = terms or current()
    for tail, pattern, replacement in _rules(chosen):
        if tail in text:
            text = pattern.sub(lambda m, r=replacement: _case(m.group(0), r), text)
    return text


def _case(found: str, replacement: str) -> str:
    if found[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
