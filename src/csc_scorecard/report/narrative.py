"""Sentence templates for the report's narrative, one small function per topic.

Each function reads ``Facts`` and returns paragraphs of cited sentences (``csc_scorecard.wording.say``), in
the style of the seed report: "In Quarter 1 there were 1,182 referrals (Q4: 1,257). The most
significant source of referrals continues to be the Police, who made 498 (42%) of referrals in
Q1." A sentence is written only when the figures it needs have values; a figure that is not
available is left to the tables and the data-quality section, which say why.

``NARRATIVES`` maps the names used in ``layout.yaml`` to the functions; ``generic`` writes one
sentence per measure for sections with no bespoke template (e.g. workforce measures added to the
catalogue later).

The topics are written in ``narrative_front_door.py`` (referrals, assessments, children in
need), ``narrative_protection.py`` (child protection) and ``narrative_care.py`` (children in
care, adoption, care leavers), from the building blocks in ``phrases.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from csc_scorecard.report.benchmarks import in_unit
from csc_scorecard.report.facts import Facts
from csc_scorecard.report.model import Paragraph
from csc_scorecard.report.narrative_care import adoption, care_leavers, children_in_care
from csc_scorecard.report.narrative_front_door import assessments, children_in_need, referrals
from csc_scorecard.report.narrative_protection import child_protection
from csc_scorecard.report.phrases import (
    outturn,
    paragraph,
    window,
)
from csc_scorecard.wording import say


def generic(f: Facts, measures: list[str]) -> list[Paragraph | None]:
    """One sentence per measure, for sections with no bespoke template: 'Contacts becoming
    referrals within 1 working day stood at 95.2% in Q1, compared with 88.1% in Q4.' ("stood
    at" reads with any title, singular or plural); the council's own outturn follows where DfE
    publishes one."""
    sentences = []
    for m in measures:
        now = f.shown(m)
        if now is None:
            continue
        where, slots = window(f, m)
        before = f.ok(m, "previous") if now.status == "ok" else None
        then = ""
        if before is not None:
            earlier, earlier_slots = window(f, m, "previous", prefix="p")
            then = ", compared with {p}" + in_unit(before.display, before.unit) + " " + earlier
            slots |= {"p": f.value(before), **earlier_slots}
        sentences.append(
            say(
                "{title} stood at {v}" + in_unit(now.display, now.unit) + " " + where + then + ".",
                title=f.title(m),
                v=f.value(now),
                **slots,
            )
        )
        if now.status == "ok":
            sentences.append(outturn(f, m))
    return [paragraph(*sentences)] if sentences else []


NARRATIVES: dict[str, Callable[[Facts], list[Paragraph | None]]] = {
    "referrals": referrals,
    "assessments": assessments,
    "children_in_need": children_in_need,
    "child_protection": child_protection,
    "children_in_care": children_in_care,
    "adoption": adoption,
    "care_leavers": care_leavers,
}
