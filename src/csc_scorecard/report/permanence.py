"""The care proceedings and permanence paragraph: children and families in care proceedings now
and at the last report, how many are on track to conclude within 26 weeks, and children on their
way to permanence (matched with adopters or placed for adoption; special guardianship orders
expected).

The seed report writes these in its appendix commentary for "% of care proceedings on track to
be completed within 26 weeks" ("At the end of Q1 there were 258 children from 154 families
subject to proceedings ... At that point there were 252 children from 139 families"), its
adoption paragraph ("number of children matched or placed") and its special guardianship
commentary ("At the end of Q1 29 children in care were expected to be discharged through the
granting of an SGO"). Here they are one paragraph of the children-in-care part of the report,
written from the figures like every other narrative (``narrative.py``): every number cited, a
suppressed count printed as the publication symbol.
"""

from __future__ import annotations

from csc_scorecard.report.facts import Facts, When
from csc_scorecard.report.model import Paragraph, Sentence
from csc_scorecard.report.phrases import paragraph, plural, previous_bracket
from csc_scorecard.wording import Cited, say

# The statutory limit (Children and Families Act 2014) as the catalogue counts it, in days: the
# sentence names it "26 weeks" only when the authority has not changed the setting.
_TWENTY_SIX_WEEKS = 182


def _in_proceedings(f: Facts, when: When) -> tuple[str, dict[str, Cited | str]] | None:
    """'{c} children from {fam} families' (or '{c} children' with no family figure)."""
    children = f.shown("care_proceedings_children", when)
    if children is None:
        return None
    key = when[0]
    slots: dict[str, Cited | str] = {
        f"{key}_c": f.value(children),
        f"{key}_children": plural(children, "child", "children"),
    }
    text = "{" + key + "_c} {" + key + "_children}"
    families = f.shown("care_proceedings_families", when)
    if families is not None:
        text += " from {" + key + "_f} {" + key + "_families}"
        slots[f"{key}_f"] = f.value(families)
        slots[f"{key}_families"] = plural(families, "family", "families")
    return text, slots


def _proceedings(f: Facts) -> Sentence | None:
    children, now = f.shown("care_proceedings_children"), _in_proceedings(f, "current")
    if children is None or now is None:
        return None
    text, slots = now
    slots["were"] = plural(children, "was", "were")
    template = "At the end of {q} there {were} " + text + " subject to care proceedings"
    before = _in_proceedings(f, "previous")
    if before is not None:
        template += ", compared with " + before[0] + " at the end of {p_q}"
        slots |= before[1] | {"p_q": f.period("previous")}
    return say(template + ".", q=f.period(), **slots)


def _on_track(f: Facts) -> Sentence | None:
    share = f.shown("care_proceedings_on_track_pct")
    days = f.setting("care_proceedings_on_track_pct", "max_days")
    if share is None or days is None or not share.denominator:
        return None
    slots: dict[str, Cited | str] = {
        "pct": f.value(share),
        "were": "was" if share.numerator == 1 else "were",
    }
    template = "Of these, {pct} {were} on track to conclude within "
    if share.status == "ok":  # suppressed, the count is the symbol twice: said once
        template = "Of these, {pct} ({n}) {were} on track to conclude within "
        slots["n"] = f.numerator(share)
    if days.value == _TWENTY_SIX_WEEKS:
        template += "26 weeks"
    else:  # an authority's own limit: printed in days, cited from the setting
        template += "{d} days"
        slots["d"] = days
    template += " of the application to court"
    before = f.shown("care_proceedings_on_track_pct", "previous")
    if before is not None:
        template += " ({p_q}: {p_pct})"
        slots |= {"p_q": f.period("previous"), "p_pct": f.value(before)}
    return say(template + ".", **slots)


def _children_who(f: Facts, measure: str, what: str) -> Sentence | None:
    """'At the end of Q1, {n} children in care were {what}' with the last report's figure in
    brackets. "children in care" stays in the template's words, where the council's terminology
    (terms.py) finds it."""
    now = f.shown(measure)
    if now is None:
        return None
    bracket, slots = previous_bracket(f, measure)
    who = plural(now, "child in care was", "children in care were")
    return say(
        "At the end of {q}, {n} " + who + " " + what + bracket + ".",
        q=f.period(),
        n=f.value(now),
        **slots,
    )


def care_proceedings_and_permanence(f: Facts) -> list[Paragraph | None]:
    matched = _children_who(
        f, "adoption_matched_or_placed", "matched with adopters or placed for adoption"
    )
    sgo = _children_who(
        f, "sgo_expected", "expected to leave care through a special guardianship order"
    )
    return [paragraph(_proceedings(f), _on_track(f)), paragraph(matched, sgo)]


NARRATIVES = {"care_proceedings_and_permanence": care_proceedings_and_permanence}
