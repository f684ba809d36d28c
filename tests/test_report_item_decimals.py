"""A framework item printed to its own rounding (``decimals``: the seed prints re-offending as
"16.27 %") is quoted at that rounding wherever a sentence is about its appendix row: the row's
drafted commentary and the executive summary's movements said "At 23.1%" and "Q4 (24.2%)"
beside a row printing 23.14% and 24.17%. The figures (measure-level, the body's sections) keep
their own display. Built from a one-item framework and hand-made figures, as
``test_report_commentary_drafts`` builds its drafts.
"""

from __future__ import annotations

from csc_scorecard.model.periods import Quarter
from csc_scorecard.numbers import count, display
from csc_scorecard.rating import make_reading, rate_framework
from csc_scorecard.rating.framework import parse_framework
from csc_scorecard.report import appendix
from csc_scorecard.report.executive import materiality, movements
from csc_scorecard.report.facts import Facts, figure_id
from csc_scorecard.report.model import Figure
from csc_scorecard.report.subject import period_info

Q1, Q4, Y = "2022-Q1", "2021-Q4", "2021-Q1"
REOFFENDING = {
    "id": "P25",
    "title": "Re-offending rates",
    "measure": "reoffending_rate",
    "unit": "percent",
    "polarity": "lower_better",
    "target": 25,
    "decimals": 2,
}


def _appendix(values):
    """The appendix of a one-item framework over hand-made figures, and its facts."""
    data = {
        "name": "F",
        "authority": "A",
        "groups": [{"id": "g", "title": "G", "items": [REOFFENDING]}],
    }
    framework = parse_framework(data)
    key = REOFFENDING["measure"]
    figures = {
        figure_id(key, p): Figure(
            id=figure_id(key, p),
            measure=key,
            title=key,
            unit="percent",
            period=p,
            value=v,
            numerator=n,
            denominator=d,
            status="ok",
            display=display(v, "percent"),
            numerator_display=count(n),
            denominator_display=count(d),
            source="template",
        )
        for p, (v, n, d) in values.items()
    }
    readings = [
        make_reading("P25", p, v, numerator=n, denominator=d) for p, (v, n, d) in values.items()
    ]
    result = rate_framework(framework, readings, Q1)
    periods = {
        w: period_info(Quarter.parse(p))
        for w, p in (("current", Q1), ("previous", Q4), ("year_earlier", Y))
    }
    allowances, chance = materiality(framework)
    facts = Facts(figures, periods, {}, {}, "A", 10, allowances, chance)
    return appendix.build(result, framework, facts, {}, {}, {}), facts


def test_the_draft_quotes_the_row_as_the_row_prints_it():
    groups, _ = _appendix({Q1: (23.1428, 28, 121), Q4: (24.1667, 29, 120)})
    row = groups[0].rows[0]
    assert (row.current, row.previous) == ("23.14%", "24.17%")
    assert row.commentary.startswith(
        "At 23.14%, performance meets the target of 25%. This is similar to Q4 (24.17%)."
    )
    cites = [(c.text, c.ref) for s in row.commentary_sentences for c in s.cites]
    assert ("23.14%", "/appendix/0/rows/0/current") in cites
    assert ("24.17%", "/appendix/0/rows/0/previous") in cites


def test_a_movement_since_last_quarter_is_quoted_as_the_row_prints_it():
    groups, facts = _appendix({Q1: (23.1428, None, None), Q4: (30.4567, None, None)})
    assert groups[0].rows[0].direction == "improving"
    moved = movements(facts, groups, "previous")
    assert moved is not None
    assert moved.bullets[0].text == (
        "P25 Re-offending rates went down from 30.46% to 23.14% (an improvement)"
    )
