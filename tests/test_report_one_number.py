"""Issue 16, item 4: one number for one thing.

The narrative and the appendix use the same comparator for a measure. The framework's
comparator wins where it gives one (the committee agreed it; it is the appendix's "Comp"
column); DfE's published figures are quoted only for measures the framework does not benchmark.
Before this, the re-referral statistical-neighbour figure was 20.1% in the text (DfE's file) and
21.8% in the appendix (the framework). Fixture authority: tests/report_fixtures.py.
"""

from __future__ import annotations

import re

import report_fixtures as rf

from csc_scorecard.numbers import rounded


def _rows_by_measure(ctx):
    return {r.measure: r for g in ctx.appendix for r in g.rows if r.measure}


def _comparator_displays(row) -> set[str]:
    shown = {row.comparator} if row.comparator else set()
    for c in getattr(row, "comparators", []) or []:  # every comparator the appendix prints
        if c.display:
            shown.add(c.display)
    return shown


def _measure_of(ctx, ref: str) -> str | None:
    """The measure a comparator cite is about: /comparators/<m>/..., or an appendix row's (its
    headline comparator or one of its list)."""
    found = re.match(r"^/comparators/([^/]+)/(england|region|statistical_neighbours)$", ref)
    if found:
        return found.group(1)
    found = re.match(r"^/appendix/(\d+)/rows/(\d+)/(comparator|comparators/\d+/display)$", ref)
    if found:
        return ctx.appendix[int(found.group(1))].rows[int(found.group(2))].measure
    return None


def test_every_comparator_the_text_gives_for_a_measure_is_the_appendix_one():
    ctx = rf.report_context()
    rows = _rows_by_measure(ctx)
    checked = 0
    for sentence in ctx.sentences():
        for cite in sentence.cites:
            measure = _measure_of(ctx, cite.ref)
            if measure is None or measure not in rows:
                continue
            assert cite.text in _comparator_displays(rows[measure]), (
                f"{sentence.text!r} gives {cite.text} for {measure}; the appendix gives "
                f"{sorted(_comparator_displays(rows[measure]))}"
            )
            checked += 1
    assert checked >= 10  # the narrative's comparisons and the appendix drafts


def test_the_rereferral_comparator_is_the_frameworks_in_text_and_appendix():
    ctx = rf.report_context()
    row = _rows_by_measure(ctx)["rereferrals_within_12_months"]
    assert (row.comparator, row.comparator_label, row.comparator_source) == (
        "21.8%",
        "Statistical neighbours, March 2021",
        "framework",
    )
    rr = ctx.figures["rereferrals_within_12_months:2022-Q1"]
    before = ctx.figures["rereferrals_within_12_months:2021-Q4"]
    text = next(p.text for p in ctx.paragraphs() if "were re-referrals within" in p.text)
    assert text == (
        f"{rr.display} of referrals in Q1 were re-referrals within 12 months of a previous "
        f"referral (Q4: {before.display}). This compares with 21.8% for Statistical "
        "neighbours, March 2021, the framework's comparator."
    )
    # DfE's published statistical-neighbour figure (for the year, so on the 12-month variant,
    # issue 18) is not quoted for it anywhere in the text; the quarter's rate carries none.
    assert "rereferrals_within_12_months" not in ctx.comparators
    year = "rereferrals_within_12_months_rolling_12_months"
    published = ctx.comparators[year].statistical_neighbours_display
    assert published != "21.8%"
    quoted = [
        c.text
        for s in ctx.sentences()
        for c in s.cites
        if c.ref.startswith("/comparators/rereferrals_within_12_months/")
    ]
    assert quoted == []


def test_a_measure_the_framework_does_not_benchmark_quotes_dfe():
    ctx = rf.report_context()
    assert "cp_rate_per_10000" not in _rows_by_measure(ctx)
    c = ctx.comparators["cp_rate_per_10000"]
    text = next(p.text for p in ctx.paragraphs() if "child protection plan at the end" in p.text)
    assert (
        f"The most recent comparators are {c.statistical_neighbours_display} for statistical "
        f"neighbours and {c.england_display} for England ({c.year_label})."
    ) in text


def test_the_data_quality_paragraph_agrees_with_the_provenance_appendix():
    ctx = rf.report_context()
    own = [x for x in ctx.provenance.loads if not x.source_format.startswith("reference")]
    loaded = sum(load.issues for load in own)  # the reference loads' are the publishers'
    listed = sum(issue.count for issue in ctx.data_quality.issues)
    assert ctx.data_quality.issue_total == loaded == listed
    text = next(p.text for p in ctx.sections[0].paragraphs if "data-quality issue" in p.text)
    assert text.startswith(
        f"{loaded:,} data-quality issues were recorded when the authority's files were"
    )


def test_case_holders_say_their_basis():
    ctx = rf.report_context()
    total = ctx.staffing.caseloads.total
    text = next(p.text for p in ctx.paragraphs() if "on the case system held" in p.text)
    assert (
        f"In all {total.case_holders:,} front-line case holders of every role on the case system "
        f"held {total.cases:,} cases."
    ) in text


def test_the_councils_own_outturn_is_quoted_as_published():
    """The fixture publishes the authority's own 2021/22 figures: Section 47 enquiries 248.8 per
    10,000 and child protection plans 64 per 10,000 (tests/report_fixtures.py). Each sentence
    that quotes an outturn quotes that figure and year, and places the quarter's figure on the
    printed values."""
    ctx = rf.report_context()
    quoted = {}
    for sentence in ctx.sentences():
        for cite in sentence.cites:
            found = re.match(r"^/comparators/([^/]+)/outturn$", cite.ref)
            if found:
                c = ctx.comparators[found.group(1)]
                assert (cite.text, cite.value) == (c.outturn_display, c.outturn)
                assert f"the {c.year_label} outturn of {c.outturn_display}" in sentence.text
                quoted[found.group(1)] = sentence.text
    assert set(quoted) >= {"section47_rate_per_10000", "cp_rate_per_10000"}
    s47 = ctx.figures["section47_rate_per_10000:2022-Q1"]
    printed = rounded(s47.value, "rate_per_10000")  # as the report prints it
    side = "below" if printed < 248.8 else "above" if printed > 248.8 else "in line with"
    assert (
        quoted["section47_rate_per_10000"]
        == f"This is {side} the 2021/22 outturn of 248.8 per 10,000."
    )


def test_without_the_frameworks_comparator_the_years_rereferrals_carry_dfes():
    """No framework comparator for the quarter's re-referrals: the narrative quotes DfE's
    published figures beside the twelve months' rate, the footing DfE publishes (issue 18)."""
    ctx = rf.report_context(framework=False)
    year = ctx.figures["rereferrals_within_12_months_rolling_12_months:2022-Q1"]
    c = ctx.comparators["rereferrals_within_12_months_rolling_12_months"]
    text = next(p.text for p in ctx.paragraphs() if "were re-referrals within" in p.text)
    assert text.endswith(
        f"Over the twelve months to the end of Q1, {year.display} of referrals were "
        f"re-referrals. This compares with {c.statistical_neighbours_display} for statistical "
        f"neighbours and {c.england_display} for England ({c.year_label})."
    )
