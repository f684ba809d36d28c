"""Charts: SVG rendered offline by vl-convert, with data, alt text and ids unique per chart."""

from __future__ import annotations

import json
import re

from csc_scorecard.numbers import display
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
    clipped = chart_style.view(
        [{"x": 1, "y": 5}, {"x": 2, "y": 50}],
        {"type": "line", "clip": True},
        {
            "x": {"field": "x", "type": "quantitative"},
            "y": {"field": "y", "scale": {"domain": [0, 10]}, "type": "quantitative"},
        },
    )
    a, b = chart_style.draw_svg(clipped, "a"), chart_style.draw_svg(clipped, "b")
    ids_a, ids_b = set(re.findall(r'id="([^"]+)"', a)), set(re.findall(r'id="([^"]+)"', b))
    assert ids_a and ids_b and not ids_a & ids_b
    for svg, prefix in ((a, "a-"), (b, "b-")):
        refs = re.findall(r"url\(#([^)]+)\)", svg)
        assert refs and all(ref.startswith(prefix) for ref in refs)


def test_the_shared_configuration_and_schema_are_altairs():
    """The charts' specifications are written without Altair (chart_style.py); their shared
    configuration is what Altair's theme and the report's settings gave, and their schema
    Altair's, so an upgrade of either shows here."""
    import altair as alt

    bare = alt.Chart().properties(padding=chart_style.padding())
    configured = (
        bare.configure(font=chart_style.FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(
            labelColor=chart_style.INK,
            titleColor=chart_style.INK,
            gridColor="#e4e7ec",
            domainColor="#9aa3b2",
            tickColor="#9aa3b2",
            labelFontSize=chart_style.LABEL_SIZE,
            titleFontSize=chart_style.LABEL_SIZE,
            labelLimit=0,
            labelPadding=3,
            titlePadding=8,
        )
        .configure_title(
            color=chart_style.INK,
            fontSize=chart_style.TITLE_SIZE,
            anchor="start",
            fontWeight="bold",
            limit=0,
        )
        .configure_legend(
            labelFontSize=chart_style.LABEL_SIZE,
            titleFontSize=chart_style.LABEL_SIZE,
            orient="bottom",
            labelColor=chart_style.INK,
            labelLimit=0,
        )
    )
    spec = configured.to_dict(validate=False)  # a chart with no mark: only its configuration
    assert json.dumps(spec["config"]) == json.dumps(chart_style.CONFIG)
    assert spec["$schema"] == alt.SCHEMA_URL == chart_style.SCHEMA_URL


def test_a_breakdown_is_the_chart_altair_describes():
    """A bar chart by category with a reference line, written directly, is the specification
    Altair gave for the same chart, key for key (so vl-convert draws the same SVG)."""
    import altair as alt

    recorded = {}
    drawn = charts.draw_svg
    charts.draw_svg = lambda spec, chart_id: recorded.setdefault(chart_id, spec) and ""
    try:
        charts.breakdown(
            "b", "Cases per manager", "count", [("A", 12.0), ("B", -3.0), ("C", None)],
            measure="m", reference=10.0, reference_label="standard",
        )  # fmt: skip
    finally:
        charts.draw_svg = drawn
    shown = [
        {"x": x, "y": y, "series": "Cases per manager", "label": display(y, "count"), "sign": sign}
        for x, y, sign in (("A", 12.0, "positive"), ("B", -3.0, "negative"))
    ]
    spec = recorded["b"]
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    lines = chart_style.lines_expr({"A": ["A"], "B": ["B"]})
    base = alt.Chart(alt.Data(values=shown)).encode(
        y=alt.Y(
            "x:N",
            sort=["A", "B"],
            title=None,
            axis=alt.Axis(labelFontSize=chart_style.LABEL_SIZE, labelExpr=lines),
            scale=alt.Scale(paddingInner=0.2),
        ),
        x=alt.X(
            "y:Q",
            title="",
            axis=alt.Axis(format=",.0f", tickCount=5),
            scale=alt.Scale(domain=domain),
        ),
    )
    colour = alt.Scale(
        domain=["positive", "negative"], range=[chart_style.ACCENT, chart_style.NEGATIVE]
    )
    ink = chart_style.INK
    layers = [
        base.mark_bar(height=11).encode(color=alt.Color("sign:N", scale=colour, legend=None)),
        base.transform_filter(alt.datum.y >= 0)
        .mark_text(align="left", dx=3, fontSize=8, color=ink)
        .encode(text="label:N"),
        base.transform_filter(alt.datum.y < 0)
        .mark_text(align="right", dx=-3, fontSize=8, color=ink)
        .encode(text="label:N"),
        alt.Chart(alt.Data(values=[{"y": 10.0}]))
        .mark_rule(color=chart_style.COMPARATOR, strokeDash=[2, 2], strokeWidth=1.3)
        .encode(x="y:Q"),
    ]
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(**spec["title"]),
        width=spec["width"],
        height=spec["height"],
        padding=spec["padding"],
    )
    expected = chart.to_dict()
    expected["config"] = chart_style.CONFIG
    assert json.dumps(spec) == json.dumps(expected)


_ASIDE = """
import json
from csc_scorecard.report import chart_style, context

spec = json.loads({spec!r})
with chart_style.drawing_aside(True) as drawn:
    first = chart_style.draw_svg(spec, "c")
    bad = chart_style.draw_svg({{"mark": "no such mark"}}, "bad")
    last = chart_style.draw_svg(spec, "d")
    waited = first != drawn(first)
    aside = drawn(first)
    try:
        drawn(bad)
    except ValueError:
        refused = True
    after = drawn(last)
engine_here = context._charts_drawn()
print(json.dumps([aside == chart_style.draw_svg(spec, "c"), waited, refused,
                  after == chart_style.draw_svg(spec, "d"), engine_here]))
"""


def test_charts_drawn_aside_are_the_charts_drawn_here():
    """`drawing_aside`: `draw_svg` returns a stand-in at once, and the charts the drawer process
    drew for it are the SVG this process draws; a spec vl-convert refuses is refused when its
    SVG is asked for, the charts after it still drawn; this process has not started the
    engine (so it may still fork: `context._charts_drawn`). In a new process, which has drawn
    nothing."""
    import subprocess
    import sys

    spec = json.dumps(chart_style.view([{"x": 1, "y": 2}], {"type": "bar"}, {}))
    script = _ASIDE.format(spec=spec)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [True, True, True, True, False]


_PICTURES = """
import json
from csc_scorecard.report import chart_style, charts, context

spec = json.loads({spec!r})
points = [("Q1 2021/22", 10.0), ("Q2 2021/22", 12.5), ("Q3 2021/22", 11.0)]
with chart_style.drawing_aside(True, pictures=True) as drawn:
    bar = chart_style.draw_svg(spec, "c")
    trend = charts.trend("trend-t", "T", "percent", points, measure="m", target=12.0).svg
    bar, trend = drawn(bar), drawn(trend)
    made_aside = [chart_style.png(bar), chart_style.png(trend)]
    collected = len(chart_style._PICTURES)
engine_here = context._charts_drawn()
here = charts.trend("trend-t", "T", "percent", points, measure="m", target=12.0).svg
print(json.dumps([made_aside == [chart_style._png(bar), chart_style._png(trend)], collected,
                  engine_here, trend == here, "scorecard-chart" not in trend]))
"""


def test_word_pictures_made_aside_are_the_pictures_made_here():
    """`drawing_aside(pictures=True)`: the drawing process also makes each chart's PNG for Word,
    the charts it drew and those it wrote from their numbers (`svg_trend`: the SVG written
    here); `png` gives the same bytes as making it here (the element ids the report adds draw
    nothing). In a new process."""
    import subprocess
    import sys

    spec = json.dumps(chart_style.view([{"x": 1, "y": 2}], {"type": "bar"}, {}))
    script = _PICTURES.format(spec=spec)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [True, 2, False, True, True]


_PAGES = """
import io, json, os, time
import pikepdf
from csc_scorecard.report import chart_style, charts, context, pdf_charts

def drawn_as(pdf):  # vl-convert writes a page's fonts in either order, with random subset tags
    page = (document := pikepdf.open(io.BytesIO(pdf))).pages[0]
    fonts = {str(k): str(v.BaseFont).split("+")[-1] for k, v in page.Resources.Font.items()}
    return [page.Contents.read_bytes().decode("latin-1"), fonts, len(pdf)]

points = [("Q1 2021/22", 10.0), ("Q2 2021/22", 12.5), ("Q3 2021/22", 11.0)]
with chart_style.drawing_aside(True, pdfs=True) as drawn:
    bar = charts.breakdown("b", "B", "count", [("a", 3.0), ("b", -1.0)], measure="m").svg
    trend = charts.trend("trend-t", "T", "percent", points, measure="m", target=12.0).svg
    bar, trend = drawn(bar), drawn(trend)
    folder = chart_style.pdf_folder()
    paths = [pdf_charts._kept(folder, svg) for svg in (bar, trend)]
    waited = time.monotonic()
    while not all(map(os.path.exists, paths)) and time.monotonic() < waited + 60:
        time.sleep(0.05)
    kept = [open(path, "rb").read() for path in paths]
    with open(paths[0], "wb") as out:  # what is kept is what is taken
        out.write(b"kept")
    taken = pdf_charts.chart_pdfs(pdf_charts.charts_as_images(bar + trend))
here = [pdf_charts.chart_pdf(bar), pdf_charts.chart_pdf(trend)]
print(json.dumps([list(map(drawn_as, kept)) == list(map(drawn_as, here)),
                  taken == {1: b"kept", 2: kept[1]}, os.path.exists(folder),
                  context._charts_drawn()]))
"""


def test_pdf_pages_made_aside_are_the_pages_drawn_here():
    """`drawing_aside(pdfs=True)`: the drawing process also draws each chart's PDF page, the
    charts it drew and those it wrote (`svg_trend`), into a folder where each is named by
    its chart's SVG: the page `pdf_charts.chart_pdf` draws here (its drawing and fonts; the
    file's order of fonts and their subset tags vary from call to call), and what `chart_pdfs`
    takes; the folder goes with the drawer. In a new process."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _PAGES], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [True, True, False, False]


_THREADS = """
import json
from concurrent.futures import ThreadPoolExecutor
from csc_scorecard.report import chart_style


def writer(spec):  # a chart written from its specification (as svg_trend writes the trends')
    return '<svg id="s"><text>' + spec["data"]["values"][0]["x"][:40] + "</text></svg>"


def charts(thread):
    return [
        chart_style.draw_svg({{"data": {{"values": [{{"x": f"{{thread}}-{{n}}-" + "x" * 40000}}]}}}},
                             f"c{{thread}}-{{n}}", writer)
        for n in range(40)
    ]


with chart_style.drawing_aside(True) as drawn:
    with ThreadPoolExecutor(4) as pool:
        sent = list(pool.map(charts, range(4)))
    made = [[drawn(svg) for svg in svgs] for svgs in sent]
here = [[chart_style.draw_svg({{"data": {{"values": [{{"x": f"{{t}}-{{n}}-" + "x" * 40000}}]}}}},
                              f"c{{t}}-{{n}}", writer) for n in range(40)] for t in range(4)]
print(json.dumps([made == here, len({{svg for svgs in made for svg in svgs}})]))
"""


def test_charts_sent_from_several_threads_are_each_drawn():
    """`drawing_aside`: charts made by several threads at once (the staffing section is written
    in a thread of its own), their specifications larger than one write to the pipe, each come
    back as its own chart. In a new process."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _THREADS.format()],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == [True, 160]
