"""Trend charts written from their numbers (report/svg_trend.py): the SVG vl-convert draws from
the same chart's Vega-Lite, byte for byte, on every trend chart of the demo report and on charts
made to vary every input; and, read back without Vega, each chart shows its own numbers."""

from __future__ import annotations

import json
import random
import re

import pytest
import report_fixtures as rf
import vl_convert as vlc

from csc_scorecard.report import chart_style, charts, svg_trend
from csc_scorecard.report.model import ChartPoint

QUARTERS = [f"Q{q} {y}/{(y + 1) % 100:02d}" for y in range(2015, 2024) for q in (1, 2, 3, 4)]
UNITS = ["percent", "count", "days", "rate_per_10000", "rate_per_100000", "weeks", "ratio"]
TITLES = [
    "C01 Assessment's completed within 45 days or less",
    'P24 Children & young people "entering" the <criminal> justice system',
    "A",
    "Re-referrals (12 months) — rate per 10,000 children; lower is better: Q1 2022/23 AVATAR",
]


@pytest.fixture
def written(monkeypatch):
    """The charts `svg_trend` wrote (the rest fell back to Vega), by chart number."""
    made: list[str] = []
    real = svg_trend.trend_svg

    def counting(*args, **kwargs):
        svg = real(*args, **kwargs)
        made.append(svg)
        return svg

    monkeypatch.setattr(svg_trend, "trend_svg", counting)
    return made


def by_vega(make, *args, **kwargs):
    """``make(*args, **kwargs)`` with its trend charts drawn by vl-convert."""

    def refuse(*a, **k):
        raise svg_trend.Unsupported("drawn by Vega here")

    real, svg_trend.trend_svg = svg_trend.trend_svg, refuse
    try:
        return make(*args, **kwargs)
    finally:
        svg_trend.trend_svg = real


def test_every_demo_trend_chart_is_the_svg_vega_draws():
    trends = rf.report_context().trends
    assert len(trends) >= 30
    for chart in trends:
        again = by_vega(charts.redraw_trend, chart, measure="m", width=250, height=110)
        assert chart.svg == again.svg, chart.id


def _varied(rng: random.Random, k: int) -> tuple[tuple, dict]:
    n = rng.choice([1, 2, 3, 4, 6, 8, 8, 12])
    start = rng.randrange(0, len(QUARTERS) - n)
    scale = rng.choice([1, 10, 100, 1000, 50000, 0.01, 3])
    base = rng.choice([0, 50, -20, 1, 0.5]) * scale
    values = [
        round(
            base + rng.uniform(-1, 1) * scale * rng.choice([0.01, 0.1, 1, 5]),
            rng.choice([0, 1, 10]),
        )
        for _ in range(n)
    ]
    points = [
        (QUARTERS[start + i], v if rng.random() > 0.15 else None) for i, v in enumerate(values)
    ]
    kw: dict = {}
    if rng.random() < 0.6:
        kw["target"] = round(base + rng.uniform(-1, 1) * scale, rng.choice([0, 1, 3]))
    if rng.random() < 0.4:
        kw["tolerance"] = round(base + rng.uniform(-1, 1) * scale, 1)
    if rng.random() < 0.5:
        kw["comparator"] = round(base + rng.uniform(-2, 2) * scale, 2)
        kw["comparator_label"] = "Statistical neighbours"
    width, height = rng.choice([(250, 110), (620, 220), (300, 120), (180, 90)])
    args = (f"trend-v{k}", rng.choice(TITLES), rng.choice(UNITS), points)
    return args, {"measure": "m", "width": width, "height": height, **kw}


def test_charts_varied_in_every_input_are_the_svg_vega_draws(written):
    """Units (a count's axis from zero), negative values (d3's minus sign), quarters missing,
    a single point, thousands, tiny and fractional steps, 1 to 12 quarters, the dashboard's size,
    titles with markup characters and kerned letters."""
    rng = random.Random(20261206)
    for k in range(80):
        args, kw = _varied(rng, k)
        assert charts.trend(*args, **kw).svg == by_vega(charts.trend, *args, **kw).svg, (args, kw)
    assert len(written) >= 70  # all but charts with no value at all were written here


def test_a_moving_target_is_drawn_by_vega(written):
    moving = [ChartPoint(x=QUARTERS[1], y=320.0, series="target")]
    points = list(zip(QUARTERS[:3], [300.0, 318.0, 331.0], strict=True))
    chart = charts.trend("trend-K1", "K1", "count", points, measure="K1", moving_target=moving)
    assert not written  # the stepped lines are drawn by Vega
    assert (
        chart.svg
        == by_vega(
            charts.trend, "trend-K1", "K1", "count", points, measure="K1", moving_target=moving
        ).svg
    )


def _measured_by_vega(text: str, bold: bool) -> float:
    """The width vl-convert gives ``text`` at 9px: an axis label's width, read from where the
    axis title is placed (label padding 3 + tick 5 + title padding 8 from the labels' edge)."""
    spec = {
        "data": {"values": [{"y": 1}]},
        "mark": "point",
        "config": {"font": chart_style.FONT},
        "encoding": {
            "y": {
                "field": "y",
                "type": "quantitative",
                "title": "T",
                "axis": {
                    "labelExpr": json.dumps(text),
                    "labelFontSize": 9,
                    "labelFontWeight": "bold" if bold else "normal",
                    "labelLimit": 0,
                    "titlePadding": 8,
                    "labelPadding": 3,
                    "tickSize": 5,
                },
            }
        },
    }
    svg = vlc.vegalite_to_svg(spec)
    found = re.search(r"role-axis-title.*?translate\(([-\d.e]+),", svg)
    return -float(found.group(1)) - 16


@pytest.mark.parametrize("bold", [False, True])
def test_text_is_measured_as_vl_convert_measures_it(bold):
    """The font table (scripts/chart_font_metrics.py): advances and pair kerning ("11", "AV",
    "Te"), as vl-convert shapes Liberation Sans."""
    for text in [
        "90",
        "1,111",
        "−12.5",
        "AVATAR Type",
        "Yo To",
        "P24 Children's “care” – £5",
        "Wy, 7/11",
    ]:
        assert svg_trend.text_width(text, 9, bold) == pytest.approx(
            _measured_by_vega(text, bold), abs=1e-9
        ), text


def test_numbers_are_written_as_javascript_and_d3_write_them():
    assert svg_trend.js_number(0.1 + 0.2) == "0.30000000000000004"
    assert svg_trend.js_number(24.0) == "24"
    assert svg_trend.js_number(-0.000001) == "-0.000001"
    assert svg_trend.js_number(123456789012345680000.0) == "123456789012345680000"
    with pytest.raises(svg_trend.Unsupported):
        svg_trend.js_number(1e-7)  # "1e-7" in JavaScript: drawn by Vega
    assert svg_trend.d3_format(1234567.891, ",.1~f") == "1,234,567.9"
    assert svg_trend.d3_format(2.5, ",.0f") == "3"  # toFixed: a tie upwards
    assert svg_trend.d3_format(-1500, ",.0f") == "\u22121,500"
    assert svg_trend.d3_format(-0.04, ",.1~f") == "0"  # no minus on a zero
    assert svg_trend.d3_format(84.8, "") == "84.8"
    assert svg_trend.d3_format(1 / 3, "") == "0.333333333333"
    assert svg_trend.nice(75, 90) == (74, 90)
    assert svg_trend.ticks(74, 90, 4) == [75, 80, 85, 90]
    assert svg_trend.ticks(0.5, 2, 4) == [0.5, 1, 1.5, 2]


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("\u2212", "-"))


def test_each_demo_trend_chart_shows_its_own_numbers():
    """Read back without Vega: each point where its value falls on the value axis (placed by
    the axis's own tick labels), in its quarter's place, named with its quarter and value; each
    reference line at its value; the quarter labels and the title as the chart wrote them."""
    for chart in rf.report_context().trends:
        svg = chart.svg
        unit_title = chart_style.unit_title(chart.unit)
        known = [(p.x, p.y) for p in chart.data if p.y is not None]
        # The value axis: tick label values and where they are printed (3 px below the tick).
        axis = re.search(r'aria-label="Y-axis.*?role-axis-label"(.*?)</g>', svg).group(1)
        ticks = [
            (_number(t), float(y) - 3)
            for y, t in re.findall(r'translate\(-8,([-\d.e]+)\)"[^>]*>([^<]+)</text>', axis)
        ]
        assert len(ticks) >= 2, chart.id
        (v0, y0), (v1, y1) = ticks[0], ticks[-1]

        def y_of(value: float, v0=v0, y0=y0, v1=v1, y1=y1) -> float:
            return y0 + (value - v0) * (y1 - y0) / (v1 - v0)

        points = re.findall(
            r'<path aria-label="x: ([^;]+); [^:]+: ([^"]+)" role="graphics-symbol"'
            r' aria-roledescription="point" transform="translate\(([-\d.e]+),([-\d.e]+)\)"',
            svg,
        )
        assert [p[0] for p in points] == [x for x, _ in known], chart.id
        step = 250 / len(known)
        for i, ((x, value), (_, said, px, py)) in enumerate(zip(known, points, strict=True)):
            assert float(px) == pytest.approx(step * (i + 0.5)), (chart.id, x)
            assert float(py) == pytest.approx(y_of(value), abs=1e-6), (chart.id, x)
            assert _number(said) == pytest.approx(
                value, abs=0.051 if "." in said or chart.unit != "days" else 0.51
            )
        rules = re.findall(
            r'transform="translate\(250,([-\d.e]+)\)" x2="-250" y2="0" stroke="(#\w+)"', svg
        )
        wanted = [
            (value, colour)
            for value, colour in (
                (chart.target, chart_style.TARGET),
                (chart.tolerance, chart_style.TOLERANCE),
                (chart.comparator, chart_style.COMPARATOR),
            )
            if value is not None
        ]
        assert [c for _, c in rules] == [c for _, c in wanted], chart.id
        for (y, _), (value, _) in zip(rules, wanted, strict=True):
            assert float(y) == pytest.approx(y_of(value), abs=1e-6), chart.id
        # The quarters' labels and the title, line by line.
        labels = chart_style.quarter_labels([p.x for p in chart.data], 250 / len(chart.data))
        x_axis = re.search(r'aria-label="X-axis.*?role-axis-label"(.*?)</g>', svg).group(1)
        printed = [re.findall(r">([^<>]+)<", t) for t in re.findall(r"<text.*?</text>", x_axis)]
        assert printed == [labels[x] for x, _ in known], chart.id
        title = re.search(r'role-title-text".*?<text[^>]*>(.*?)</text>', svg).group(1)
        lines = re.findall(r">([^<>]+)<", f">{title}<")
        wrapped = chart_style.wrap(chart.title, 280, chart_style.TITLE_SIZE, bold=True)
        assert [t.replace("&amp;", "&") for t in lines] == wrapped, chart.id
        assert f"Y-axis titled '{unit_title}'" in svg
