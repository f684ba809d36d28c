"""Every number in the report's generated text equals the context value it came from.

The narrative, bullets and draft commentary are built from cited sentences
(`csc_scorecard/wording.py`). For the fixture authority (`tests/report_fixtures.py`), internal and
publication versions, each cite must sit exactly where it says in its sentence, point (JSON
pointer) at a field holding the value it records, print that value the way the context
displays it, and no digit may appear outside a cite except in a few fixed names ("Section 47").
"""

from __future__ import annotations

import json
from datetime import date

import pytest
import report_fixtures as rf

from csc_scorecard import numbers as fw
from csc_scorecard.numbers import DECIMALS, count, display
from csc_scorecard.report.model import Sentence
from csc_scorecard.wording import Cited, listing, long_date, say, uncited_digits


@pytest.fixture(scope="module", params=[False, True], ids=["internal", "publication"])
def context(request):
    return rf.report_context(publication=request.param)


def _printed(document, cite) -> set[str]:
    """How the context itself prints the value a cite points at (the ways it may)."""
    parent_pointer, _, field = cite.ref.rpartition("/")
    parent = rf.resolve(document, parent_pointer) if parent_pointer else document
    if isinstance(parent, dict):
        if parent_pointer.startswith(("/figures/", "/finance/figures/")) and field == "value":
            return {parent["display"]}
        if f"{field}_display" in parent:
            return {parent[f"{field}_display"]}
    value = rf.resolve(document, cite.ref)
    if isinstance(value, str):
        try:  # a date the finance section prints in words, citing its ISO form
            day = date.fromisoformat(value)
        except ValueError:
            return {value}
        return {value, long_date(day), f"{day:%B %Y}", f"{day:%B}"}
    if cite.ref.startswith(("/staffing/", "/finance/")):
        # The nested sections print a number by its measure's unit (report.sections.staffing uses
        # csc_scorecard.numbers.display) and a suppressed count as "c".
        if value is None:
            return {"c"}
        forms = {display(value, unit) for unit in DECIMALS}
        if cite.ref.startswith(
            "/finance/"
        ):  # money and shares as csc_scorecard.numbers prints them
            forms |= {fw.number(value), fw.number(value, 1), fw.percent(value)}
            forms |= {fw.millions(value), fw.thousands(value), fw.weekly(value), fw.pounds(value)}
        return forms
    return {count(value)}


def test_every_cite_matches_the_context(context):
    document = json.loads(context.model_dump_json())
    sentences = context.sentences()
    assert len(sentences) > 60
    checked = 0
    nested = 0
    for sentence in sentences:
        assert uncited_digits(sentence) == "", f"uncited number in: {sentence.text}"
        for cite in sentence.cites:
            assert sentence.text[cite.start : cite.end] == cite.text, sentence.text
            assert rf.resolve(document, cite.ref) == cite.value, (cite.ref, sentence.text)
            assert cite.text in _printed(document, cite), (cite.ref, sentence.text)
            checked += 1
            nested += cite.ref.startswith(("/staffing/", "/finance/"))
    assert checked > 200
    # The staffing, finance and placements-strategy paragraphs are checked too.
    assert nested > 50


def test_figures_cited_in_sentences_have_values(context):
    """A sentence never prints a missing figure; in publication mode a suppressed one is 'c'."""
    for sentence in context.sentences():
        for cite in sentence.cites:
            if cite.ref.startswith("/figures/") and cite.ref.endswith("/value"):
                figure = context.figures[cite.ref.split("/")[2]]
                assert figure.status in ("ok", "suppressed"), sentence.text
                if figure.status == "suppressed":
                    assert cite.text == context.publication.symbol and cite.value is None


def test_referrals_sentence_as_the_seed_writes_it():
    ctx = rf.report_context()
    now, before = ctx.figures["referrals:2022-Q1"], ctx.figures["referrals:2021-Q4"]
    police = ctx.figures["referral_sources:6:2022-Q1"]
    text = next(p.text for p in ctx.paragraphs() if p.text.startswith("In Quarter 1 there were"))
    if now.value == before.value:
        first = f"In Quarter 1 there were {now.display} referrals, the same number as in Q4. "
    else:
        word = "a decrease from" if now.value < before.value else "an increase from"
        first = f"In Quarter 1 there were {now.display} referrals, {word} {before.display} in Q4. "
    assert text.startswith(
        first + "The most significant source of referrals continues to be Police, with "
        f"{police.numerator_display} ({police.display}) of referrals in Q1."
    )
    # The police share is the largest category, as the sentence claims.
    shares = [
        f for f in ctx.figures.values() if f.measure == "referral_sources" and f.period == "2022-Q1"
    ]
    assert max(shares, key=lambda f: f.numerator or 0).dimension == "6"


def test_summary_bullets_count_the_appendix():
    ctx = rf.report_context()
    paragraph = next(
        p for p in ctx.paragraphs() if p.text.startswith("Performance against the Contract")
    )
    group = ctx.appendix[0]
    counts = group.summary
    assert counts.total == len(group.rows) == 11
    statuses = [r.status for r in group.rows]
    assert counts.green + counts.amber == sum(s in ("green", "amber") for s in statuses)
    assert [b.text for b in paragraph.bullets][:2] == [
        (
            f"{counts.better_or_within_tolerance} of 11 indicators are performing better than or within "
            f"tolerance against target ({counts.better_or_within_tolerance} of {counts.rated} rated)"
        ),
        f"{counts.red} of 11 are below target",
    ]


def test_not_reportable_measure_is_explained():
    ctx = rf.report_context()
    notes = {n.measure: n for n in ctx.data_quality.not_reportable}
    assert "cp_plans_by_category" in notes
    assert notes["cp_plans_by_category"].reason.startswith("latest_category missing or invalid for")
    quality = next(s for s in ctx.sections if s.id == "data_quality")
    bullets = [b.text for p in quality.paragraphs for b in p.bullets]
    assert any(
        b.startswith("Child protection plans by category of abuse: latest_category missing")
        for b in bullets
    )
    # No sentence names a category share once the breakdown failed its quality check.
    assert not any("most common category of abuse" in s.text for s in ctx.sentences())


def test_say_refuses_uncited_numbers():
    with pytest.raises(ValueError, match="uncited digits"):
        say("There were 12 referrals.")
    with pytest.raises(ValueError, match="slot 'n' has uncited digits"):
        say("There were {n} referrals.", n="12")
    with pytest.raises(KeyError):
        say("There were {n} referrals.")
    ok = say("A Section 47 enquiry per 10,000 children: {n}.", n=Cited("7", "/x", 7))
    assert ok.text == "A Section 47 enquiry per 10,000 children: 7." and uncited_digits(ok) == ""


def test_listing_keeps_cites_apart():
    body, slots = listing(
        [("{v} boys", {"v": Cited("53%", "/a", 53)}), ("{v} girls", {"v": Cited("45%", "/b", 45)})]
    )
    sentence = say("Of them, " + body + ".", **slots)
    assert sentence.text == "Of them, 53% boys and 45% girls."
    assert [(c.text, c.ref) for c in sentence.cites] == [("53%", "/a"), ("45%", "/b")]
    assert uncited_digits(Sentence(text="12 of them", cites=[])) == "12 of them"


def test_the_plans_rate_is_said_of_the_quarter_s_plans_not_of_the_two_year_children():
    # The rate follows the sentence about the children on a plan for two years or longer; "This
    # equates to a rate of 47.3" read as the rate of those 4 children. The seed: "The Q1 position
    # equates to a rate per 10,000 of 52".
    ctx = rf.report_context()
    text = next(
        p.text
        for p in ctx.paragraphs()
        if p.text.startswith("The number of children subject to a child protection plan")
    )
    rate = ctx.figures["cp_rate_per_10000:2022-Q1"]
    two_years = "None of these children had been subject to a plan for two years or longer. "
    assert two_years + f"The Q1 position equates to a rate of {rate.display} per 10,000" in text
    assert "This equates" not in text
