"""Issue 16, item 5: label-value strings ("Title: 12") rewritten as sentences.

Sections with no bespoke template (the operational measures of the fixture authority, see
tests/report_fixtures.py) are written by ``narrative.generic``: one sentence per measure with
the title as its subject, "stood at" (which reads with any title, singular or plural), the
window of the measure's period type, and the previous quarter's figure. Every number is cited
(tests/test_report_narrative.py checks the cites against the context).
"""

from __future__ import annotations

import report_fixtures as rf


def _paragraph_sentences(ctx):
    return [
        s for p in ctx.paragraphs() if p.kind not in ("typed", "placeholder") for s in p.sentences
    ]


def _labelled(ctx, text: str) -> bool:
    """Does the text label a value with a measure's or an item's title ('Title: 12')? A lead
    sentence ending in a colon before a list, or a sentence whose verb comes before the colon
    ("The position on 31 March 2022 was: ..."), is prose."""
    titles = {d.title for d in ctx.definitions.values()}
    titles |= {r.title for g in ctx.appendix for r in g.rows}
    titles |= {"Reported for information", "Value"}
    return any(text.startswith(t + ":") and len(text) > len(t) + 1 for t in titles)


def test_no_paragraph_sentence_is_a_label_and_a_value():
    for context in (rf.report_context(), rf.report_context(publication=True)):
        offending = [s.text for s in _paragraph_sentences(context) if _labelled(context, s.text)]
        assert offending == []
        drafts = [s.text for g in context.appendix for r in g.rows for s in r.commentary_sentences]
        assert drafts and not [t for t in drafts if _labelled(context, t)]


def test_a_generic_sentence_reads_as_a_sentence():
    ctx = rf.report_context()
    now = ctx.figures["early_help_open_at_period_end:2022-Q1"]
    before = ctx.figures["early_help_open_at_period_end:2021-Q4"]
    sentence = next(
        s.text
        for s in _paragraph_sentences(ctx)
        if s.text.startswith("Children with an open early help episode")
    )
    # An as-at measure: "at the end of" the quarter, and of the quarter before.
    assert sentence == (
        f"Children with an open early help episode stood at {now.display} at the end of Q1, "
        f"compared with {before.display} at the end of Q4."
    )
    rate = ctx.figures["contacts_to_referral_within_1_working_day:2022-Q1"]
    earlier = ctx.figures["contacts_to_referral_within_1_working_day:2021-Q4"]
    assert (
        f"Contacts becoming referrals within 1 working day stood at {rate.display} in Q1, "
        f"compared with {earlier.display} in Q4."
    ) in [s.text for s in _paragraph_sentences(ctx)]
