"""Charts for the report: Vega-Lite specifications rendered to SVG by vl-convert, offline.

vl-convert embeds its own JavaScript engine, so no chart needs a network or a CDN (stack.md §5,
gotcha 10), and the SVG is inlined in the HTML and printed by WeasyPrint as vector graphics.
Every chart carries its data points and a text alternative (``alt_text``) written from the same
data, for screen readers and for the Word and Excel renderers.

Kinds:
* ``trend`` - one KPI over the last eight quarters, with its target, tolerance and comparator
  (written as SVG from its numbers by svg_trend.py, the SVG Vega draws, without the engine);
* ``breakdown`` - a measure by category for the quarter (referral sources, categories of abuse,
  placements; caseload bands, team spans of control or care-ladder variance when those
  measures exist), negative values drawn in a contrasting colour;
* ``demand`` - several counts over the last eight quarters on one chart, and ``projection`` - a
  monthly count, actual then projected, with the projection's band (both in series_charts.py).

The colours, fonts, text measures and the SVG rendering they share are in chart_style.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from csc_scorecard.numbers import display
from csc_scorecard.report import svg_trend
from csc_scorecard.report.chart_style import (
    ACCENT,
    COMPARATOR,
    INK,
    LABEL_SIZE,
    NEGATIVE,
    SMALL_SIZE,
    TARGET,
    TOLERANCE,
    axis_format,
    draw_svg,
    labelled_x,
    layered,
    lines_expr,
    padding,
    quarter_labels,
    series_colour,
    styled,
    text_px,
    title_spec,
    unit_title,
    view,
    wrap,
)
from csc_scorecard.report.model import Chart, ChartPoint


def trend(
    chart_id: str,
    title: str,
    unit: str,
    points: Sequence[tuple[str, float | None]],
    *,
    measure: str,
    target: float | None = None,
    tolerance: float | None = None,
    comparator: float | None = None,
    comparator_label: str | None = None,
    moving_target: Sequence[ChartPoint] = (),
    target_words: str | None = None,
    printed: Callable[[float], str] | None = None,
    width: int = 250,
    height: int = 110,
) -> Chart:
    """A KPI over the quarters ``points`` (label, value), with reference lines; the values said
    in the alt text as ``printed`` prints them (default ``numbers.display`` in the unit).

    A target relative to a comparator or to an earlier figure (``moving_target``: the target
    and tolerance set for each quarter, series ``target`` and ``tolerance``) is drawn as a
    stepped line in the target's and tolerance's colours, and said in words in the alt text
    (``target_words``, as the appendix prints it)."""
    data = [{"x": x, "y": y, "series": "value"} for x, y in points]
    order = [x for x, _ in points]
    labels = quarter_labels(order, width / max(len(order), 1))
    line = {
        "data": {"values": [d for d in data if d["y"] is not None]},
        "mark": {
            "type": "line",
            "color": ACCENT,
            "point": {"color": ACCENT, "size": 28},
            "strokeWidth": 2,
        },
        "encoding": {
            "x": labelled_x(labels, order),
            "y": {
                "axis": {"format": axis_format(unit), "tickCount": 4},
                "field": "y",
                "scale": {"nice": True, "zero": unit == "count"},
                "title": unit_title(unit),
                "type": "quantitative",
            },
        },
    }
    layers = [
        line,
        *_reference_layers(order, target, tolerance, comparator, comparator_label, moving_target),
    ]
    vega_lite = layered(layers, title, width=width, height=height)
    known = [(x, y) for x, y in points if y is not None]
    # Written from the numbers (svg_trend) where it can be, as Vega would draw it: by the
    # drawing process while one draws for this one (`draw_svg`), off the context's way.
    svg = draw_svg(vega_lite, chart_id, partial(svg_trend.trend_of, known, labels, unit))
    alt_text = _trend_alt(
        title, unit, known, target, tolerance, comparator, comparator_label, printed
    )
    if moving_target and known:
        alt_text += " " + _moving_alt(moving_target, unit, target_words)
    return Chart(
        id=chart_id,
        title=title,
        kind="trend",
        unit=unit,
        svg=svg,
        alt_text=alt_text,
        data=[ChartPoint(**d) for d in data],
        measures=[measure],
        target=target,
        tolerance=tolerance,
        comparator=comparator,
        comparator_label=comparator_label,
        moving_target=list(moving_target),
        target_words=target_words,
    )


def _reference_layers(
    order: list[str],
    target: float | None,
    tolerance: float | None,
    comparator: float | None,
    comparator_label: str | None,
    moving_target: Sequence[ChartPoint],
) -> list[dict]:
    """A trend's reference lines: target, tolerance and comparator as rules, and a moving
    target and tolerance as stepped lines in the same colours (Vega-Lite layers)."""
    layers: list[dict] = []
    refs = [
        ("Target", target, TARGET, [1, 0]),
        ("Tolerance", tolerance, TOLERANCE, [4, 3]),
        (comparator_label or "Comparator", comparator, COMPARATOR, [2, 2]),
    ]
    y = {"field": "y", "type": "quantitative"}
    for name, value, colour, dash in refs:
        if value is None:
            continue
        layers.append(
            {
                "data": {"values": [{"y": value, "name": name}]},
                "mark": {"type": "rule", "color": colour, "strokeDash": dash, "strokeWidth": 1.3},
                "encoding": {"y": dict(y)},
            }
        )
    for series, colour, dash in (("target", TARGET, [1, 0]), ("tolerance", TOLERANCE, [4, 3])):
        steps = [
            {"x": p.x, "y": p.y} for p in moving_target if p.series == series and p.y is not None
        ]
        if steps:
            layers.append(
                {
                    "data": {"values": steps},
                    "mark": {
                        "type": "line",
                        "color": colour,
                        "interpolate": "step",
                        "strokeDash": dash,
                        "strokeWidth": 1.3,
                    },
                    "encoding": {
                        "x": {"axis": None, "field": "x", "sort": order, "type": "ordinal"},
                        "y": dict(y),
                    },
                }
            )
    return layers


def redraw_trend(chart: Chart, *, measure: str, width: int, height: int) -> Chart:
    """A report's trend chart drawn again at another size (the dashboard's), with the same
    points, target (fixed or moving), tolerance and comparator."""
    return trend(
        chart.id,
        chart.title,
        chart.unit,
        [(p.x, p.y) for p in chart.data],
        measure=measure,
        target=chart.target,
        tolerance=chart.tolerance,
        comparator=chart.comparator,
        comparator_label=chart.comparator_label,
        moving_target=chart.moving_target,
        target_words=chart.target_words,
        width=width,
        height=height,
    )


def _moving_alt(moving: Sequence[ChartPoint], unit: str, words: str | None) -> str:
    """ "Target line (an additional 800 on a year earlier): 5,800 in Q1 2022/23, ..." """
    targets = [(p.x, p.y) for p in moving if p.series == "target" and p.y is not None]
    if not targets:
        return f"Target ({words}): not set for any quarter shown." if words else ""
    steps = ", ".join(f"{display(y, unit)} in {x}" for x, y in targets)
    return f"Target line{f' ({words})' if words else ''}: {steps}."


def _trend_alt(
    title, unit, known, target, tolerance, comparator, comparator_label, printed=None
) -> str:
    if not known:
        return f"{title}: no values to chart."
    shown = printed or partial(display, unit=unit)
    (first_x, first_y), (last_x, last_y) = known[0], known[-1]
    low = min(known, key=lambda p: p[1])
    high = max(known, key=lambda p: p[1])
    text = (
        f"{title}: line chart over {len(known)} quarters. {shown(first_y)} in {first_x}, "
        f"{shown(last_y)} in {last_x}; lowest {shown(low[1])} ({low[0]}), "
        f"highest {shown(high[1])} ({high[0]})."
    )
    refs = [
        f"target {display(target, unit)}" if target is not None else "",
        f"tolerance {display(tolerance, unit)}" if tolerance is not None else "",
        f"{(comparator_label or 'comparator')} {display(comparator, unit)}"
        if comparator is not None
        else "",
    ]
    refs = [r for r in refs if r]
    return text + (f" Reference lines: {'; '.join(refs)}." if refs else "")


def breakdown(
    chart_id: str,
    title: str,
    unit: str,
    rows: Sequence[tuple[str, float | None]],
    *,
    measure: str,
    width: int = 230,
    printed: Sequence[str] | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
) -> Chart:
    """Horizontal bars in the order given (largest first), labelled with their printed values
    (``printed``, one per row, when the unit is not one ``numbers.display`` knows, e.g. the
    finance section's money), with an optional reference line (a standard, e.g. 100 cases per
    team manager)."""
    data = [{"x": label, "y": value, "series": title} for label, value in rows]
    texts = list(printed) if printed is not None else [display(v, unit) for _, v in rows]
    for d, text in zip(data, texts, strict=True):
        d["label"] = text
    shown = [d for d in data if d["y"] is not None]
    for d in shown:
        d["sign"] = "negative" if d["y"] < 0 else "positive"
    order = [d["x"] for d in shown]
    # Category names wrapped onto lines of at most CATEGORY_PX (a row is as tall as its lines);
    # the value scale runs far enough past the longest bar for its label to fit inside the chart.
    lines = {x: wrap(x, CATEGORY_PX, LABEL_SIZE) for x in order}
    row_px = max([17] + [11 * len(lines[x]) + 6 for x in order])
    layers = _bar_layers(shown, order, lines, unit, width, reference)
    widest = max((text_px(line, LABEL_SIZE) for x in order for line in lines[x]), default=0)
    # The bars and their labels share the data: without a reference line it is the chart's.
    shared = {} if reference is not None else {"data": {"values": shown}}
    vega_lite = styled(
        layers,
        **shared,
        height=row_px * max(len(shown), 1),
        padding=padding(8 + 0.2 * widest),
        title=title_spec(title, width + widest),
        width=width,
    )
    parts = "; ".join(f"{d['x']} {d['label']}" for d in shown)
    line = (
        f" Reference line: {reference_label or 'reference'} {display(reference, unit)}."
        if reference is not None
        else ""
    )
    return Chart(
        id=chart_id,
        title=title,
        kind="breakdown",
        unit=unit,
        svg=draw_svg(vega_lite, chart_id),
        alt_text=(
            f"{title}: bar chart, largest first. {parts}."
            if shown
            else f"{title}: no values to chart."
        )
        + line,
        data=[ChartPoint(x=d["x"], y=d["y"], series=d["series"]) for d in data],
        measures=[measure],
        comparator=reference,
        comparator_label=reference_label if reference is not None else None,
    )


def _bar_layers(
    shown: list[dict],
    order: list[str],
    lines: dict[str, list[str]],
    unit: str,
    width: int,
    reference: float | None,
) -> list[dict]:
    """The breakdown's layers: the bars (negative ones in a contrasting colour), their value
    labels outside each bar's end, and the reference line when there is one. With a reference
    line each layer carries its own data (the bars' layers theirs, the line its value)."""
    encoding = {
        "x": {
            "axis": {"format": axis_format(unit), "tickCount": 5},
            "field": "y",
            "scale": {"domain": _room_for_labels(shown, width, reference)},
            "title": unit_title(unit),
            "type": "quantitative",
        },
        "y": {
            "axis": {"labelExpr": lines_expr(lines), "labelFontSize": LABEL_SIZE},
            "field": "x",
            "scale": {"paddingInner": 0.2},
            "sort": order,
            "title": None,
            "type": "nominal",
        },
    }
    data = {"data": {"values": shown}} if reference is not None else {}
    colour = {
        "field": "sign",
        "legend": None,
        "scale": {"domain": ["positive", "negative"], "range": [ACCENT, NEGATIVE]},
        "type": "nominal",
    }
    bars = {
        **data,
        "mark": {"type": "bar", "height": 11},
        "encoding": {"color": colour, **encoding},
    }
    label = {"text": {"field": "label", "type": "nominal"}, **encoding}
    # Labels outside the bar's end: right of a positive bar, left of a negative one.
    right = {
        **data,
        "mark": {"type": "text", "align": "left", "color": INK, "dx": 3, "fontSize": 8},
        "encoding": label,
        "transform": [{"filter": "(datum.y >= 0)"}],
    }
    left = {
        **data,
        "mark": {"type": "text", "align": "right", "color": INK, "dx": -3, "fontSize": 8},
        "encoding": label,
        "transform": [{"filter": "(datum.y < 0)"}],
    }
    layers = [bars, right, left]
    if reference is not None:
        layers.append(
            {
                "data": {"values": [{"y": reference}]},
                "mark": {
                    "type": "rule",
                    "color": COMPARATOR,
                    "strokeDash": [2, 2],
                    "strokeWidth": 1.3,
                },
                "encoding": {"x": {"field": "y", "type": "quantitative"}},
            }
        )
    return layers


CATEGORY_PX = 160  # the widest a bar chart's category name is printed before it wraps


def _room_for_labels(shown: Sequence[dict], width: float, reference: float | None) -> list[float]:
    """The value axis's domain: from the smallest to the largest value (0 included), stretched
    so that the printed label beside each bar's end fits inside the chart's width."""
    values = [d["y"] for d in shown] + ([reference] if reference is not None else [])
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    for _ in range(3):  # the stretch changes the scale, so settle it in a few passes
        px_per_unit = width / span
        need_high = max(
            [high]
            + [
                d["y"] + (text_px(d["label"], SMALL_SIZE) + 6) / px_per_unit
                for d in shown
                if d["y"] >= 0
            ]
        )
        need_low = min(
            [low]
            + [
                d["y"] - (text_px(d["label"], SMALL_SIZE) + 6) / px_per_unit
                for d in shown
                if d["y"] < 0
            ]
        )
        span = need_high - need_low
    return [need_low, need_high]


def grouped_bars(
    chart_id: str,
    title: str,
    unit: str,
    points: Sequence[ChartPoint],
    *,
    measures: list[str],
    width: int = 300,
    height: int = 120,
) -> Chart:
    """Vertical bars by category, one bar per series side by side (e.g. workers by caseload
    band at two dates), in the order the points come."""
    data = [p.model_dump() for p in points]
    order = list(dict.fromkeys(d["x"] for d in data))
    names = list(dict.fromkeys(d["series"] for d in data))
    shown = [d for d in data if d["y"] is not None]
    band = width / max(len(order), 1)
    lines = {x: wrap(x, band - 6, SMALL_SIZE) for x in order}
    vega_lite = view(
        shown,
        {"type": "bar"},
        {
            "color": series_colour(names),
            "x": labelled_x(lines, order, "nominal"),
            "xOffset": {"field": "series", "sort": names, "type": "nominal"},
            "y": {
                "axis": {"format": axis_format(unit), "tickCount": 4},
                "field": "y",
                "title": unit_title(unit),
                "type": "quantitative",
            },
        },
        height=height,
        padding=padding(),
        title=title_spec(title, width + 30),
        width=width,
    )
    parts = [
        f"{name}: "
        + ", ".join(f"{d['x']} {display(d['y'], unit)}" for d in shown if d["series"] == name)
        for name in names
        if any(d["series"] == name for d in shown)
    ]
    return Chart(
        id=chart_id,
        title=title,
        kind="breakdown",
        unit=unit,
        svg=draw_svg(vega_lite, chart_id),
        alt_text=f"{title}: grouped bar chart. " + "; ".join(parts) + "."
        if parts
        else f"{title}: no values to chart.",
        data=[ChartPoint(**d) for d in data],
        measures=measures,
    )
