"""The data-quality section says from the data whether any measure is not reportable this
quarter; the example narrative (examples/doncaster-2022/narrative.md) only explains what the mark
means, so it cannot contradict a quarter with none (the demo's: 0 of 36 indicators)."""

from __future__ import annotations

from pathlib import Path

from csc_scorecard.model.periods import Quarter
from csc_scorecard.report.facts import Facts
from csc_scorecard.report.model import DataQuality
from csc_scorecard.report.quality_section import quality_section
from csc_scorecard.report.subject import period_info

NARRATIVE = Path(__file__).parents[1] / "examples" / "doncaster-2022" / "narrative.md"


def test_a_quarter_with_nothing_not_reportable_says_so_from_the_data():
    clean = DataQuality(not_reportable=[], not_available=[], issues=[], issue_total=0)
    facts = Facts({}, {"current": period_info(Quarter.parse("2022-Q1"))}, {}, {}, "A")
    first = quality_section(facts, clean).paragraphs[0]
    assert first.text == (
        "Every measure is reportable for Q1: no field a figure depends on is "
        "missing or invalid in more of the records than the quality threshold allows."
    )


def test_the_example_narrative_states_no_count_of_not_reportable_indicators():
    text = NARRATIVE.read_text()
    assert "fail the product's data-quality checks this quarter" not in text
    assert "the paragraphs that follow say which, if any, this quarter" in text
