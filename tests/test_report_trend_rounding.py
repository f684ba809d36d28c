"""A trend chart's description gives a figure as its appendix row prints it: the demo paper's
P25 (re-offending, which the framework publishes to two places, `decimals: 2`) printed 23.14%
and 24.17% in Appendix 1 while Appendix 2's chart description (the screen reader's text, the
Word and PDF alt text) said '24.2% in Q4 2021/22, 23.1% in Q1 2022/23; lowest 23.1%'."""

from __future__ import annotations

from pathlib import Path

from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating.framework import load_framework
from csc_scorecard.report.appendix import own_rounding
from csc_scorecard.report.figure_model import Figure
from csc_scorecard.report.trend_charts import trend_charts

FRAMEWORK = Path(__file__).parents[1] / "examples" / "doncaster-2022" / "framework.yaml"


def figure(period: str, value: float) -> Figure:
    return Figure(id=f"reoffending_rate:{period}", measure="reoffending_rate",
                  title="Re-offending rate", unit="percent", period=period, value=value,
                  status="ok", display="", source="case data")  # fmt: skip


def test_the_chart_says_a_figure_with_its_rows_rounding():
    framework = load_framework(FRAMEWORK)
    item = next(i for i in framework.all_items() if i.id == "P25")
    values = {"2021-Q4": 29 / 120, "2022-Q1": 28 / 121}
    figures = {f.id: f for p, v in values.items() if (f := figure(p, 100 * v))}
    trend = [Quarter.parse(p) for p in values]
    charts = trend_charts(framework, None, figures, trend, {}, {}, {})
    (chart,) = [c for c in charts if c.id == "trend-P25"]
    assert chart.alt_text.startswith(
        "P25 Re-offending rates: line chart over 2 quarters. 24.17% in Q4 2021/22, 23.14% in "
        "Q1 2022/23; lowest 23.14% (Q1 2022/23), highest 24.17% (Q4 2021/22). Reference lines: "
        "target 25%;"
    )
    # the row's figure, by the same function
    assert own_rounding(item, 100 * 28 / 121) == "23.14%"
