"""The acronyms list: only the acronyms the paper actually uses, with the council's words.

The layout (layout.yaml `acronyms:`) lists every acronym the product may print with its meaning;
the report lists those found, as whole words, in the report context's text (the sentences,
tables, titles, definitions and notes every renderer prints), alphabetically. The acronym for
children in care follows the council's vocabulary (CiC, or CLA for children looked after).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from csc_scorecard.report.model import Acronym
from csc_scorecard.terms import current

_CHILDREN_IN_CARE = ("CiC", "CLA")


_SCALARS = frozenset({int, float, bool, type(None)})  # nothing to look in


def _strings(value: object, out: list[str]) -> list[str]:
    """Every string in ``value`` (nested mappings and sequences), in order, appended to ``out``.

    A JSON dump's own types are told by ``type`` and its scalars passed over without a call
    (the demo paper's 48,000 values: 19 -> 7 ms); anything else as ``isinstance`` tells it."""
    kind = type(value)
    if kind is dict:
        items: Iterable[object] = value.values()  # type: ignore[attr-defined]
    elif kind is list or kind is tuple:
        items = value  # type: ignore[assignment]
    elif isinstance(value, str):
        out.append(value)
        return out
    elif isinstance(value, (list, tuple)):
        items = value
    elif isinstance(value, Mapping):
        items = value.values()
    else:
        return out
    for v in items:
        if type(v) is str:
            out.append(v)
        elif type(v) not in _SCALARS:
            _strings(v, out)
    return out


def used(context: BaseModel, known: Mapping[str, str]) -> list[Acronym]:
    """The acronyms of ``known`` that appear in ``context``'s text (its acronyms left out)."""
    text = "\n".join(_strings(context.model_dump(mode="json", exclude={"acronyms"}), []))
    if getattr(context, "appendix", None):
        text += "\nRAG"  # the appendix table's column heading, printed by every renderer
    ours, meaning = current().short
    listed = {k: v for k, v in known.items() if k not in _CHILDREN_IN_CARE}
    listed[ours] = meaning
    return [
        Acronym(term=term, meaning=listed[term])
        for term in sorted(listed, key=str.lower)
        if _whole_word(term, text)
    ]


_JOINED = re.compile(r"[\w-]")  # a character that would make a term part of a longer word


def _whole_word(term: str, text: str) -> bool:
    r"""Whether ``term`` appears in ``text`` as a whole word: neither side a word character or
    a hyphen (``(?<![\w-])term(?![\w-])``, found with ``str.find``: the regular expression's
    look-behind made it try every position of the text)."""
    at = text.find(term)
    while at >= 0:
        end = at + len(term)
        if not (at and _JOINED.match(text, at - 1)) and not _JOINED.match(text, end):
            return True
        at = text.find(term, at + 1)
    return False
