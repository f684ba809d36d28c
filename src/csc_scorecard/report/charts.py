"""Charts for the report: Altair specifications rendered to SVG by vl-convert, offline.

vl-convert embeds its own JavaScript engine, so no chart needs a network or a CDN (stack.md §5,
gotcha 10), and the SVG is inlined in the HTML and printed by WeasyPrint as vector graphics.
Every chart carries its data points and a text alternative (``alt_text``) written from the same
data, for screen readers and for the Word and Excel renderers.

Kinds:
* ``trend`` - one KPI over the last eight quarters, with its target, tolerance and comparator;
* ``breakdown`` - a measure by category for the quarter (referral sources, categories of abuse,
  placements; caseload bands, team spans of control or care-ladder variance when those
  measures exist), negative values drawn in a contrasting colour;
* ``demand`` - several counts over the last eight quarters on one chart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import altair as alt
import vl_convert as vlc

from csc_scorecard.report.formatting import display
from csc_scorecard.report.model import Chart, ChartPoint

FONT = (
    "Liberation Sans"  # Arial-metric, as council papers; installed with the PDF fonts (stack.md §5)
)
INK = "#1f2a44"
ACCENT = "#1f5f8b"
NEGATIVE = "#b4442f"
TARGET = "#2e7d32"
TOLERANCE = "#c77700"
COMPARATOR = "#6b6b6b"
PALETTE = [ACCENT, "#c77700", "#2e7d32", "#7b3f8c", "#b4442f", "#4a4a4a"]

_ID = re.compile(r'\bid="([^"]+)"')


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT, background="white")
        .configure_view(stroke=None)
        .configure_axis(
            labelColor=INK,
            titleColor=INK,
            gridColor="#e4e7ec",
            domainColor="#9aa3b2",
            tickColor="#9aa3b2",
            labelFontSize=9,
            titleFontSize=9,
        )
        .configure_title(color=INK, fontSize=11, anchor="start", fontWeight="bold")
        .configure_legend(labelFontSize=9, titleFontSize=9, orient="bottom", labelColor=INK)
    )


def render_svg(chart: alt.TopLevelMixin, chart_id: str) -> str:
    """SVG text with element ids made unique to the chart (several SVGs share one HTML page)."""
    svg = vlc.vegalite_to_svg(_config(chart).to_dict())
    ids = set(_ID.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{chart_id}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    # Accessible when inlined: the alt text goes in <title> by the template; mark as an image.
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


def _axis_format(unit: str) -> str:
    return ",.0f" if unit in ("count", "days") else ",.1~f"


def _unit_title(unit: str) -> str:
    return {
        "percent": "%",
        "rate_per_10000": "per 10,000",
        "rate_per_100000": "per 100,000",
        "days": "days",
        "weeks": "weeks",
    }.get(unit, "")


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
    width: int = 250,
    height: int = 110,
) -> Chart:
    """A KPI over the quarters ``points`` (label, value), with reference lines."""
    data = [{"x": x, "y": y, "series": "value"} for x, y in points]
    order = [x for x, _ in points]
    base = alt.Chart(alt.Data(values=[d for d in data if d["y"] is not None]))
    y_scale = alt.Scale(zero=unit == "count", nice=True)
    line = base.mark_line(
        color=ACCENT, strokeWidth=2, point=alt.OverlayMarkDef(color=ACCENT, size=28)
    ).encode(
        x=alt.X("x:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=8)),
        y=alt.Y(
            "y:Q",
            title=_unit_title(unit),
            scale=y_scale,
            axis=alt.Axis(format=_axis_format(unit), tickCount=4),
        ),
    )
    layers: list[alt.Chart] = [line]
    refs = [
        ("Target", target, TARGET, [1, 0]),
        ("Tolerance", tolerance, TOLERANCE, [4, 3]),
        (comparator_label or "Comparator", comparator, COMPARATOR, [2, 2]),
    ]
    for name, value, colour, dash in refs:
        if value is None:
            continue
        layers.append(
            alt.Chart(alt.Data(values=[{"y": value, "name": name}]))
            .mark_rule(color=colour, strokeDash=dash, strokeWidth=1.3)
            .encode(y="y:Q")
        )
    chart = alt.layer(*layers).properties(title=title, width=width, height=height)
    known = [(x, y) for x, y in points if y is not None]
    return Chart(
        id=chart_id,
        title=title,
        kind="trend",
        unit=unit,
        svg=render_svg(chart, chart_id),
        alt_text=_trend_alt(title, unit, known, target, tolerance, comparator, comparator_label),
        data=[ChartPoint(**d) for d in data],
        measures=[measure],
        target=target,
        tolerance=tolerance,
        comparator=comparator,
        comparator_label=comparator_label,
    )


def _trend_alt(title, unit, known, target, tolerance, comparator, comparator_label) -> str:
    if not known:
        return f"{title}: no values to chart."
    (first_x, first_y), (last_x, last_y) = known[0], known[-1]
    low = min(known, key=lambda p: p[1])
    high = max(known, key=lambda p: p[1])
    text = (
        f"{title}: line chart over {len(known)} quarters. {display(first_y, unit)} in {first_x}, "
        f"{display(last_y, unit)} in {last_x}; lowest {display(low[1], unit)} ({low[0]}), "
        f"highest {display(high[1], unit)} ({high[0]})."
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
) -> Chart:
    """Horizontal bars, largest first, labelled with their printed values."""
    data = [{"x": label, "y": value, "series": title} for label, value in rows]
    shown = [d for d in data if d["y"] is not None]
    for d in shown:
        d["label"] = display(d["y"], unit)
        d["sign"] = "negative" if d["y"] < 0 else "positive"
    order = [d["x"] for d in shown]
    base = alt.Chart(alt.Data(values=shown)).encode(
        y=alt.Y("x:N", sort=order, title=None, axis=alt.Axis(labelLimit=150, labelFontSize=9)),
        x=alt.X(
            "y:Q", title=_unit_title(unit), axis=alt.Axis(format=_axis_format(unit), tickCount=5)
        ),
    )
    bars = base.mark_bar(height=11).encode(
        color=alt.Color(
            "sign:N",
            scale=alt.Scale(domain=["positive", "negative"], range=[ACCENT, NEGATIVE]),
            legend=None,
        )
    )
    labels = base.mark_text(align="left", dx=3, fontSize=8, color=INK).encode(text="label:N")
    chart = alt.layer(bars, labels).properties(
        title=title, width=width, height=max(len(shown), 1) * 17
    )
    parts = "; ".join(f"{d['x']} {d['label']}" for d in shown)
    return Chart(
        id=chart_id,
        title=title,
        kind="breakdown",
        unit=unit,
        svg=render_svg(chart, chart_id),
        alt_text=f"{title}: bar chart, largest first. {parts}."
        if shown
        else f"{title}: no values to chart.",
        data=[ChartPoint(x=d["x"], y=d["y"], series=d["series"]) for d in data],
        measures=[measure],
    )


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
    chart = (
        alt.Chart(alt.Data(values=[d for d in data if d["y"] is not None]))
        .mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=20))
        .encode(
            x=alt.X("x:O", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelFontSize=8)),
            y=alt.Y("y:Q", title="count", axis=alt.Axis(format=",.0f", tickCount=5)),
            color=alt.Color(
                "series:N",
                sort=names,
                title=None,
                scale=alt.Scale(domain=names, range=PALETTE[: len(names)]),
                legend=alt.Legend(columns=3, labelLimit=220),
            ),
        )
        .properties(title=title, width=width, height=height)
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
        svg=render_svg(chart, chart_id),
        alt_text=f"{title}: line chart. " + "; ".join(lines) + "."
        if lines
        else f"{title}: no values to chart.",
        data=[ChartPoint(**d) for d in data],
        measures=measures,
    )
