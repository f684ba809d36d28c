"""Charts: SVG rendered offline by vl-convert, with data, alt text and ids unique per chart."""

from __future__ import annotations

import re

from csc_scorecard.report import chart_style, charts, series_charts
from csc_scorecard.report.model import ChartPoint

QUARTERS = ["Q2 2020/21", "Q3 2020/21", "Q4 2020/21", "Q1 2021/22"]


def test_trend_chart_with_reference_lines():
    chart = charts.trend(
        "trend-C01",
        "C01 Assessments within 45 days",
        "percent",
        list(zip(QUARTERS, [84.0, None, 88.5, 90.25], strict=True)),
        measure="assessments_within_45_working_days",
        target=90,
        tolerance=75,
        comparator=84.8,
        comparator_label="Statistical neighbours, March 2021",
    )
    assert chart.svg.startswith('<svg role="img"') and chart.svg.rstrip().endswith("</svg>")
    assert [(p.x, p.y) for p in chart.data] == list(
        zip(QUARTERS, [84.0, None, 88.5, 90.25], strict=True)
    )
    assert chart.alt_text == (
        "C01 Assessments within 45 days: line chart over 3 quarters. 84% in Q2 2020/21, 90.3% in Q1 2021/22; "
        "lowest 84% (Q2 2020/21), highest 90.3% (Q1 2021/22). Reference lines: target 90%; tolerance 75%; "
        "Statistical neighbours, March 2021 84.8%."
    )
    # Three reference lines in their colours.
    for colour in (chart_style.TARGET, chart_style.TOLERANCE, chart_style.COMPARATOR):
        assert colour in chart.svg


def test_a_moving_target_is_a_stepped_line_and_said_in_words():
    """ "An additional 20 on a year earlier": the target each quarter had (none in the first,
    whose year-earlier figure is not known) is drawn in the target's and tolerance's colours,
    and listed in the alt text; drawn again at another size it keeps them."""
    moving = [
        ChartPoint(x=QUARTERS[1], y=320.0, series="target"),
        ChartPoint(x=QUARTERS[2], y=330.0, series="target"),
        ChartPoint(x=QUARTERS[2], y=325.0, series="tolerance"),
    ]
    chart = charts.trend(
        "trend-K1",
        "K1 Foster carers",
        "count",
        list(zip(QUARTERS, [300.0, 318.0, 331.0, None], strict=True)),
        measure="K1",
        moving_target=moving,
        target_words="an additional 20 on a year earlier",
    )
    assert chart.target is None and chart.moving_target == moving
    assert chart.alt_text.endswith(
        "Target line (an additional 20 on a year earlier): 320 in Q3 2020/21, 330 in Q4 2020/21."
    )
    assert chart_style.TARGET in chart.svg and chart_style.TOLERANCE in chart.svg
    plain = charts.trend(
        "trend-K1",
        "K1 Foster carers",
        "count",
        list(zip(QUARTERS, [300.0, 318.0, 331.0, None], strict=True)),
        measure="K1",
    )
    assert chart_style.TARGET not in plain.svg
    again = charts.redraw_trend(chart, measure="K1", width=500, height=200)
    assert (again.moving_target, again.alt_text) == (chart.moving_target, chart.alt_text)
    assert 'width="5' in again.svg and again.svg != chart.svg


def test_breakdown_largest_first_and_negative_in_contrast():
    chart = charts.breakdown(
        "chart-variance",
        "Care-ladder variance",
        "count",
        [("Fostering", 620.0), ("UASC", -340.0), ("16+", 760.0)],
        measure="care_ladder_variance",
    )
    assert (
        chart.alt_text
        == "Care-ladder variance: bar chart, largest first. Fostering 620; UASC -340; 16+ 760."
    )
    assert chart_style.NEGATIVE in chart.svg and chart_style.ACCENT in chart.svg
    assert "UASC" in chart.svg


def test_demand_chart_describes_each_series():
    chart = series_charts.demand(
        "chart-demand",
        "Demand",
        {
            "Referrals": [(q, v) for q, v in zip(QUARTERS, [300, 320, 310, 290], strict=True)],
            "Children in care": [(q, v) for q, v in zip(QUARTERS, [50, 52, None, 55], strict=True)],
        },
        measures=["referrals", "cla_at_period_end"],
    )
    assert chart.alt_text == (
        "Demand: line chart. Referrals from 300 in Q2 2020/21 to 290 in Q1 2021/22; "
        "Children in care from 50 in Q2 2020/21 to 55 in Q1 2021/22."
    )
    assert {p.series for p in chart.data} == {"Referrals", "Children in care"}


def test_ids_are_unique_across_charts():
    """Clipped marks give SVG clip paths with ids ('clip1') that would collide on one page."""
    import altair as alt

    clipped = (
        alt.Chart(alt.Data(values=[{"x": 1, "y": 5}, {"x": 2, "y": 50}]))
        .mark_line(clip=True)
        .encode(x="x:Q", y=alt.Y("y:Q", scale=alt.Scale(domain=[0, 10])))
    )
    a, b = chart_style.render_svg(clipped, "a"), chart_style.render_svg(clipped, "b")
    ids_a, ids_b = set(re.findall(r'id="([^"]+)"', a)), set(re.findall(r'id="([^"]+)"', b))
    assert ids_a and ids_b and not ids_a & ids_b
    for svg, prefix in ((a, "a-"), (b, "b-")):
        refs = re.findall(r"url\(#([^)]+)\)", svg)
        assert refs and all(ref.startswith(prefix) for ref in refs)
