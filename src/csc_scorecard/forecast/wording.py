"""Sentences whose every number is cited, and the way the finance section prints money.

The same discipline as the report's narrative (`report/sentences.py`): a sentence is a template
with named slots; a number can only enter the text through a `Cited` slot (its printed text, a
JSON pointer into the finance section, and the value there), and the builder refuses digits in
the template's words or in plain-word slots. The forecast layer sits below the report (design.md:
imports go one way), so it has its own small builder; its `Sentence` has the report's shape
(text, cites with start, end, text, ref, value), so the report can take it over by prefixing
each `ref` with the section's place in the report context.

Money is printed as the seed report prints it: totals in millions to two places ("£4.93m",
"£0.62m"), annual package costs in thousands ("£289k"), weekly packages in thousands to one
place from £10,000 ("£10.5k") and in pounds below ("£2,170").
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

_DIGIT = re.compile(r"\d")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Cite(_Model):
    start: int
    end: int
    text: str
    ref: str = Field(
        description="JSON pointer into the finance section, e.g. /figures/total:variance/value"
    )
    value: float | int | str | None


class Sentence(_Model):
    text: str
    cites: list[Cite] = []


class Paragraph(_Model):
    """A paragraph of generated sentences, with optional bullets (seed paragraphs 36-44)."""

    id: str
    seed_paragraph: int | None = Field(None, description="the seed report paragraph it mirrors")
    sentences: list[Sentence] = []
    bullets: list[Sentence] = []
    text: str = ""

    @model_validator(mode="after")
    def _text(self) -> Paragraph:
        self.text = " ".join(s.text for s in self.sentences)
        return self


@dataclass(frozen=True)
class Cited:
    text: str
    ref: str
    value: Any


def say(template: str, **slots: Cited | str) -> Sentence:
    """Fill `template`, recording where each cited value sits in the text.

    >>> s = say("The overspend is {v}.", v=Cited("£4.93m", "/figures/total:variance/value", 4930000.0))
    >>> s.text, s.cites[0].start, s.cites[0].end
    ('The overspend is £4.93m.', 17, 23)
    >>> say("There are 12 homes.")
    Traceback (most recent call last):
    ...
    ValueError: uncited digits in the words of 'There are 12 homes.'
    """
    text: list[str] = []
    cites: list[Cite] = []
    pos = 0
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if _DIGIT.search(literal):
            raise ValueError(f"uncited digits in the words of {template!r}")
        text.append(literal)
        pos += len(literal)
        if name is None:
            continue
        if spec or conversion:
            raise ValueError(f"{template!r}: slot {name!r} takes no format; pass the printed text")
        slot = slots[name]
        if isinstance(slot, Cited):
            cites.append(
                Cite(
                    start=pos,
                    end=pos + len(slot.text),
                    text=slot.text,
                    ref=slot.ref,
                    value=slot.value,
                )
            )
            piece = slot.text
        else:
            if _DIGIT.search(slot):
                raise ValueError(f"{template!r}: slot {name!r} has uncited digits: {slot!r}")
            piece = slot
        text.append(piece)
        pos += len(piece)
    return Sentence(text="".join(text), cites=cites)


def join(*parts: Sentence | None) -> Sentence:
    """Sentences run together with a space (cites moved to their new places); None skipped."""
    text = ""
    cites: list[Cite] = []
    for part in parts:
        if part is None:
            continue
        if text:
            text += " "
        shift = len(text)
        cites += [
            c.model_copy(update={"start": c.start + shift, "end": c.end + shift})
            for c in part.cites
        ]
        text += part.text
    return Sentence(text=text, cites=cites)


def listing(
    items: list[tuple[str, dict[str, Cited | str]]],
    last: str = " and ",
    prefix: str = "",
    sep: str = ", ",
) -> tuple[str, dict]:
    """A template listing several filled fragments ('a, b and c'); slot names made unique
    (`prefix` keeps two listings in one sentence apart).

    >>> listing([("{x} a", {"x": "one"}), ("{x} b", {"x": "two"}), ("{x} c", {"x": "three"})])[0]
    '{x_0} a, {x_1} b and {x_2} c'
    """
    frags, slots = [], {}
    for i, (frag, values) in enumerate(items):
        for k, v in values.items():
            frag = frag.replace("{" + k + "}", "{" + f"{prefix}{k}_{i}" + "}")
            slots[f"{prefix}{k}_{i}"] = v
        frags.append(frag)
    if len(frags) <= 1:
        return "".join(frags), slots
    return sep.join(frags[:-1]) + last + frags[-1], slots


# --------------------------------------------------------------------------- numbers


def _half_up(value: float, places: int) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: float, places: int = 0) -> str:
    """Half-up rounding, thousands separators, no trailing '.0'.

    >>> number(1182.0), number(9.44, 1), number(38.0, 1), number(2.5)
    ('1,182', '9.4', '38', '3')
    """
    d = _half_up(value, places)
    text = f"{d:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def millions(value: float) -> str:
    """A total or variance: '£4.93m'; under £100k in thousands ('£54k'). Sign is worded, not printed.

    >>> millions(4_930_000), millions(-620_400), millions(54_321), millions(0)
    ('£4.93m', '£0.62m', '£54k', '£0')
    """
    v = abs(value)
    if v < 500:
        return "£0"
    if v < 100_000:
        return f"£{number(v / 1000)}k"
    return f"£{_half_up(v / 1e6, 2)}m"


def thousands(value: float) -> str:
    """An annual cost: '£289k'.

    >>> thousands(289_400), thousands(35_000)
    ('£289k', '£35k')
    """
    return f"£{number(abs(value) / 1000)}k"


def weekly(value: float) -> str:
    """A weekly package: '£13.1k' from £10,000, else '£2,170'.

    >>> weekly(13_090), weekly(2_170.4), weekly(6_772)
    ('£13.1k', '£2,170', '£6,772')
    """
    if abs(value) >= 10_000:
        return f"£{number(value / 1000, 1)}k"
    return f"£{number(value)}"


def pounds(value: float) -> str:
    """
    >>> pounds(114.0), pounds(150_000)
    ('£114', '£150,000')
    """
    return f"£{number(value)}"


def percent(share: float) -> str:
    """
    >>> percent(0.425), percent(0.375)
    ('42.5%', '37.5%')
    """
    return f"{number(share * 100, 1)}%"


def long_date(d: date) -> str:
    """
    >>> long_date(date(2022, 4, 1))
    '1 April 2022'
    """
    return f"{d.day} {d:%B %Y}"


def month_year(d: date) -> str:
    return f"{d:%B %Y}"


def plural(n: float, one: str, many: str) -> str:
    return one if round(n) == 1 else many
