"""Sentences whose every number is cited: the guarantee that generated text matches its figures.

A sentence is written as a template with named slots, ``say("In {q} there were {n} referrals.",
q=..., n=...)``. Each slot is filled with a ``Cited`` value (the text as printed, the JSON
pointer to the field it came from, and that field's value) or with plain words. The builder
refuses digits anywhere else: in the template's own words, or in a plain-word slot. So a number
can only reach the text through a cite, and the tests check every cite against the document it
points into (``tests/test_report_narrative.py`` for the report context).

This module sits below every layer that writes sentences (design.md: imports go one way,
measures -> rating -> forecast/workforce -> report), so the finance and staffing sections build
the same ``Sentence``/``Cite`` structure the report prints; a section nested in the report only
prefixes each ``ref`` with its place in the report context (``prefixed``).

A few names contain digits without being figures ("Section 47", "SSDA903", "per 10,000"); they
are listed in ``FIXED_TERMS`` and allowed in the template's words.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from csc_scorecard.terms import words

FIXED_TERMS = (
    "Section 47",
    "SSDA903",
    "per 10,000",
    "per 100,000",
    "26 weeks",  # the statutory limit for care proceedings (Children and Families Act 2014, s14)
)

_DIGIT = re.compile(r"\d")


class Cite(BaseModel):
    """A number (or a name containing digits) printed in a sentence, with where it came from."""

    model_config = ConfigDict(extra="forbid")

    start: int = Field(description="offset of the text in Sentence.text")
    end: int
    text: str = Field(description="as printed, e.g. '1,182' or '42.1%'")
    ref: str = Field(
        description="JSON pointer (RFC 6901) to the field it came from, e.g. "
        "/figures/referrals:2022-Q1/value"
    )
    value: float | int | str | None = Field(description="the value found at ref")


class Sentence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    cites: list[Cite] = []


def _unset(value: object) -> bool:
    return value is None


class Paragraph(BaseModel):
    """A numbered paragraph: generated sentences, then optional bullet points (numbered once, in
    reading order, by the report).

    A section that looks its paragraphs up by name (the finance section) gives each an ``id``,
    and the seed report paragraph it mirrors (``seed_paragraph``, seed paragraphs 36-44); both
    are left out of the JSON when unset, so the report's own paragraphs read as before."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, exclude_if=_unset, description="the section's name for it")
    seed_paragraph: int | None = Field(
        None, exclude_if=_unset, description="the seed report paragraph it mirrors"
    )
    number: int | None = None
    # typed: officers' words from the paper or narrative file, printed as written (cites none);
    # placeholder: a marked gap where a mandatory narrative slot is empty (internal reports).
    kind: Literal["narrative", "summary", "commentary", "note", "typed", "placeholder"] = (
        "narrative"
    )
    sentences: list[Sentence] = []
    bullets: list[Sentence] = []
    text: str = Field("", description="the sentences joined (derived; bullets not included)")

    @model_validator(mode="after")
    def _text(self) -> Paragraph:
        self.text = " ".join(s.text for s in self.sentences)
        return self


@dataclass(frozen=True)
class Cited:
    """A value printed in a sentence: its text, and the field it came from."""

    text: str
    ref: str
    value: Any


def without_fixed_terms(text: str) -> str:
    """The text with the fixed terms blanked out (they may contain digits).

    >>> without_fixed_terms("Section 47 enquiries per 10,000 children")
    ' enquiries  children'
    """
    for term in FIXED_TERMS:
        text = text.replace(term, "")
    return text


def say(template: str, **slots: Cited | str) -> Sentence:
    """Fill ``template`` and record where each cited value sits in the text.

    >>> s = say("In {q} there were {n} referrals.", q=Cited("Q1", "/period/short", "Q1"),
    ...         n=Cited("1,182", "/figures/referrals:2022-Q1/value", 1182.0))
    >>> s.text, [(c.start, c.end, c.text) for c in s.cites]
    ('In Q1 there were 1,182 referrals.', [(3, 5, 'Q1'), (17, 22, '1,182')])
    >>> say("There were 12 referrals.")
    Traceback (most recent call last):
    ...
    ValueError: uncited digits in the words of 'There were 12 referrals.'
    """
    text: list[str] = []
    cites: list[Cite] = []
    position = 0
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if _DIGIT.search(without_fixed_terms(literal)):
            raise ValueError(f"uncited digits in the words of {template!r}")
        literal = words(literal)  # the council's vocabulary (terms.py)
        text.append(literal)
        position += len(literal)
        if name is None:
            continue
        if spec or conversion:
            raise ValueError(f"{template!r}: slot {name!r} takes no format; pass the printed text")
        if name not in slots:
            raise KeyError(f"{template!r}: no value for slot {name!r}")
        slot = slots[name]
        if isinstance(slot, Cited):
            cites.append(
                Cite(
                    start=position,
                    end=position + len(slot.text),
                    text=slot.text,
                    ref=slot.ref,
                    value=slot.value,
                )
            )
            piece = slot.text
        else:
            if _DIGIT.search(without_fixed_terms(slot)):
                raise ValueError(f"{template!r}: slot {name!r} has uncited digits: {slot!r}")
            piece = words(slot)
        text.append(piece)
        position += len(piece)
    return Sentence(text="".join(text), cites=cites)


def join(*parts: Sentence | None, separator: str = " ") -> Sentence:
    """Several sentences as one (cites shifted to their new places); None parts are skipped."""
    text = ""
    cites: list[Cite] = []
    for part in parts:
        if part is None:
            continue
        if text:
            text += separator
        shift = len(text)
        cites.extend(
            c.model_copy(update={"start": c.start + shift, "end": c.end + shift})
            for c in part.cites
        )
        text += part.text
    return Sentence(text=text, cites=cites)


def listing(
    items: list[tuple[str, dict[str, Cited | str]]],
    last: str = " and ",
    prefix: str = "",
    sep: str = ", ",
) -> tuple[str, dict[str, Cited | str]]:
    """A template fragment listing several filled fragments: 'a, b and c'.

    Each item is (fragment template, its slots); slot names are made unique (``prefix`` keeps
    two listings in one sentence apart).

    >>> t, s = listing([("{x} dogs", {"x": "no"}), ("{x} cats", {"x": "some"})])
    >>> t, sorted(s.items())
    ('{x_0} dogs and {x_1} cats', [('x_0', 'no'), ('x_1', 'some')])
    """
    fragments: list[str] = []
    slots: dict[str, Cited | str] = {}
    for i, (fragment, values) in enumerate(items):
        renamed = fragment
        for name, value in values.items():
            unique = f"{prefix}{name}_{i}"
            renamed = renamed.replace("{" + name + "}", "{" + unique + "}")
            slots[unique] = value
        fragments.append(renamed)
    if len(fragments) <= 1:
        return "".join(fragments), slots
    return sep.join(fragments[:-1]) + last + fragments[-1], slots


def prefixed(sentence: Sentence, prefix: str) -> Sentence:
    """The sentence with ``prefix`` put before every cite's pointer (a section nested in a
    larger document: '/figures/x/value' under '/finance' is '/finance/figures/x/value').

    >>> s = say("{n} homes.", n=Cited("3", "/totals/homes", 3))
    >>> prefixed(s, "/finance").cites[0].ref
    '/finance/totals/homes'
    """
    return sentence.model_copy(
        update={"cites": [c.model_copy(update={"ref": prefix + c.ref}) for c in sentence.cites]}
    )


def uncited_digits(sentence: Sentence) -> str:
    """The sentence's text outside its cites and fixed terms, if it holds a digit ('' if not)."""
    outside = []
    position = 0
    for cite in sorted(sentence.cites, key=lambda c: c.start):
        outside.append(sentence.text[position : cite.start])
        position = cite.end
    outside.append(sentence.text[position:])
    rest = without_fixed_terms(" ".join(outside))
    return rest if _DIGIT.search(rest) else ""


def long_date(d: date) -> str:
    """A date as committee papers write it, no leading zero.

    >>> long_date(date(2022, 6, 3))
    '3 June 2022'
    """
    return f"{d.day} {d:%B %Y}"


def month_year(d: date) -> str:
    """
    >>> month_year(date(2022, 4, 1))
    'April 2022'
    """
    return f"{d:%B %Y}"


def plural(n: float, one: str, many: str) -> str:
    """The word for ``n`` things, ``n`` as printed (rounded to a whole number).

    >>> plural(1, "home", "homes"), plural(2, "home", "homes"), plural(1.2, "home", "homes")
    ('home', 'homes', 'home')
    """
    return one if round(n) == 1 else many
