"""Charts of several counts over time: ``projection`` (a monthly count, actual then projected,
with the projection's band) and ``demand`` (several counts over the last eight quarters)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from csc_scorecard.numbers import display
from csc_scorecard.report.chart_style import (
    ACCENT,
    LABEL_SIZE,
    TOLERANCE,
    draw_svg,
    labelled_x,
    layered,
    padding,
    quarter_labels,
    series_colour,
    text_px,
    title_spec,
    view,
)
from csc_scorecard.report.model import Chart, ChartPoint


def projection(
    chart_id: str,
    title: str,
    actual: Sequence[tuple[str, float]],
    projected: Sequence[tuple[str, float, float | None, float | None]],
    *,
    measures: list[str],
    band_label: str = "likely range",
    width: int = 520,
    height: int = 150,
) -> Chart:
    """A count by month: the actual line, the projection continuing it (dashed) and the
    projection's band (shaded, from its low to its high)."""
    line_data = [{"x": x, "y": y, "series": "Actual"} for x, y in actual] + [
        {"x": x, "y": y, "series": "Projected"} for x, y, _, _ in projected
    ]
    band = [
        {"x": x, "low": lo, "high": hi}
        for x, _, lo, hi in projected
        if lo is not None and hi is not None
    ]
    x = {
        "axis": {
            "format": "%b %Y",
            "labelAngle": 0,
            "labelFontSize": 8,
            "labelOverlap": True,
            "tickCount": {"interval": "month", "step": 6},
        },
        "field": "x",
        "title": None,
        "type": "temporal",
    }
    layers = []
    if band:
        layers.append(
            {
                "data": {"values": band},
                "mark": {"type": "area", "color": ACCENT, "opacity": 0.18},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "title": "children", "type": "quantitative"},
                    "y2": {"field": "high"},
                },
            }
        )
    series = {"domain": ["Actual", "Projected"]}
    layers.append(
        {
            "data": {"values": line_data},
            "mark": {"type": "line", "strokeWidth": 2},
            "encoding": {
                "color": {
                    "field": "series",
                    "scale": {**series, "range": [ACCENT, TOLERANCE]},
                    "title": None,
                    "type": "nominal",
                },
                "strokeDash": {
                    "field": "series",
                    "legend": None,
                    "scale": {**series, "range": [[1, 0], [5, 3]]},
                    "type": "nominal",
                },
                "x": x,
                "y": {
                    "axis": {"format": ",.0f"},
                    "field": "y",
                    "scale": {"zero": False},
                    "title": "children",
                    "type": "quantitative",
                },
            },
        }
    )
    vega_lite = layered(layers, title, width=width, height=height)
    points = [ChartPoint(**d) for d in line_data]
    points += [ChartPoint(x=b["x"], y=b["low"], series=f"{band_label} (low)") for b in band]
    points += [ChartPoint(x=b["x"], y=b["high"], series=f"{band_label} (high)") for b in band]
    return Chart(
        id=chart_id,
        title=title,
        kind="projection",
        unit="count",
        svg=draw_svg(vega_lite, chart_id),
        alt_text=_projection_alt(title, actual, projected),
        data=points,
        measures=measures,
    )


def _projection_alt(
    title: str,
    actual: Sequence[tuple[str, float]],
    projected: Sequence[tuple[str, float, float | None, float | None]],
) -> str:
    """The projection chart's text alternative: the actual line's first and last months, and
    the projection's last month with its likely range."""
    parts = []
    if actual:
        parts.append(
            f"actual from {display(actual[0][1], 'count')} in {_month(actual[0][0])} to "
            f"{display(actual[-1][1], 'count')} in {_month(actual[-1][0])}"
        )
    if projected:
        x_last, y_last, lo, hi = projected[-1]
        between = (
            f" (likely between {display(lo, 'count')} and {display(hi, 'count')})"
            if lo is not None and hi is not None
            else ""
        )
        parts.append(f"projected {display(y_last, 'count')} in {_month(x_last)}{between}")
    return (
        f"{title}: line chart; " + "; ".join(parts) + "."
        if parts
        else f"{title}: no values to chart."
    )


def _legend_columns(names: Sequence[str], width: float) -> int:
    """As many legend columns as the longest name lets fit across the chart (at most 3)."""
    widest = max((text_px(n, LABEL_SIZE) for n in names), default=0) + 30  # symbol and gap
    return max(1, min(3, int(width // widest)))


def _month(iso: str) -> str:
    """'2022-06-30' as 'June 2022'."""
    d = date.fromisoformat(iso)
    return f"{d:%B %Y}"


def demand(
    chart_id: str,
    title: str,
    series: dict[str, Sequence[tuple[str, float | None]]],
    *,
    measures: list[str],
    width: int = 520,
    height: int = 170,
) -> Chart:
    """Several counts over the same quarters, one line each."""
    data = [{"x": x, "y": y, "series": name} for name, points in series.items() for x, y in points]
    order = list(dict.fromkeys(d["x"] for d in data))
    names = list(series)
    labels = quarter_labels(order, width / max(len(order), 1))
    vega_lite = view(
        [d for d in data if d["y"] is not None],
        {"type": "line", "point": {"size": 20}, "strokeWidth": 2},
        {
            "color": series_colour(
                names, legend={"columns": _legend_columns(names, width), "labelLimit": 0}
            ),
            "x": labelled_x(labels, order),
            "y": {
                "axis": {"format": ",.0f", "tickCount": 5},
                "field": "y",
                "title": "count",
                "type": "quantitative",
            },
        },
        height=height,
        padding=padding(),
        title=title_spec(title, width + 30),
        width=width,
    )
    lines = []
    for name, points in series.items():
        known = [(x, y) for x, y in points if y is not None]
        if known:
            lines.append(
                f"{name} from {display(known[0][1], 'count')} in {known[0][0]} to {display(known[-1][1], 'count')} in {known[-1][0]}"
            )
    return Chart(
        id=chart_id,
        title=title,
        kind="demand",
        unit="count",
        svg=draw_svg(vega_lite, chart_id),
        alt_text=f"{title}: line chart. " + "; ".join(lines) + "."
        if lines
        else f"{title}: no values to chart.",
        data=[ChartPoint(**d) for d in data],
        measures=measures,
    )
