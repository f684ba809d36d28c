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


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def used(context: BaseModel, known: Mapping[str, str]) -> list[Acronym]:
    """The acronyms of ``known`` that appear in ``context``'s text (its acronyms left out)."""
    text = "\n".join(_strings(context.model_dump(mode="json", exclude={"acronyms"})))
    if getattr(context, "appendix", None):
        text += "\nRAG"  # the appendix table's column heading, printed by every renderer
    ours, meaning = current().short
    listed = {k: v for k, v in known.items() if k not in _CHILDREN_IN_CARE}
    listed[ours] = meaning
    return [
        Acronym(term=term, meaning=listed[term])
        for term in sorted(listed, key=str.lower)
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text)
    ]
