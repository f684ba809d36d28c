"""Charts that fit the page (issue 16 item 8): every chart of the demo report, laid out by Vega,
has its titles, category labels, axis labels and value labels whole (wrapped at spaces, never
cut or ended with an ellipsis), inside the chart, and not overlapping one another.

Text widths are estimated generously (``chart_style.text_px``, for the widest font a renderer may fall
back to), so a chart that passes here still fits when printed in a wider font than Vega measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import pytest
import report_fixtures as rf
import vl_convert as vlc
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from csc_scorecard.report import chart_style, charts, context, series_charts, svg_trend
from csc_scorecard.report.chart_style import text_px, wrap


@dataclass(frozen=True)
class Box:
    text: str
    x1: float
    y1: float
    x2: float
    y2: float
    item: int  # the text mark item it belongs to (the lines of one label are one item)

    def overlaps(self, other: Box, slack: float = 1.0) -> bool:
        return (
            self.x1 + slack < other.x2
            and other.x1 + slack < self.x2
            and self.y1 + slack < other.y2
            and other.y1 + slack < self.y2
        )


def text_boxes(spec: dict) -> tuple[list[Box], float, float]:
    """Every printed line of text in the chart, in the SVG's coordinates, and its size."""
    scene = vlc.vegalite_to_scenegraph(spec)
    ox, oy = scene["origin"]
    boxes: list[Box] = []

    def walk(node: dict, x0: float, y0: float) -> None:
        kind = node.get("marktype")
        for item in node.get("items", []):
            if kind == "text":
                _add(item, x0, y0)
            if "items" in item:
                if kind == "group":
                    walk(item, x0 + (item.get("x") or 0), y0 + (item.get("y") or 0))
                else:
                    walk(item, x0, y0)

    def _add(item: dict, x0: float, y0: float) -> None:
        lines = item.get("text")
        lines = lines if isinstance(lines, list) else [lines]
        lines = [str(t) for t in lines if t not in (None, "")]
        if not lines:
            return
        size = item.get("fontSize") or 9
        bold = item.get("fontWeight") == "bold"
        height = size * (1.15 * len(lines) - 0.15)  # glyphs, and the leading between lines
        width = max(text_px(t, size, bold) for t in lines)
        if (item.get("angle") or 0) % 180 == 90:
            width, height = height, width
        x, y = x0 + (item.get("x") or 0) + ox, y0 + (item.get("y") or 0) + oy
        x1 = {"left": x, "center": x - width / 2, "right": x - width}[item.get("align") or "left"]
        baseline = item.get("baseline") or "alphabetic"
        y1 = {"top": y, "middle": y - height / 2}.get(baseline, y - height)
        boxes.append(Box(" / ".join(lines), x1, y1, x1 + width, y1 + height, len(boxes)))

    walk(scene["scenegraph"], 0, 0)
    return boxes, scene["width"], scene["height"]


@pytest.fixture(scope="module")
def demo_specs():
    """The Vega-Lite specification of every chart the demo report draws, by chart id, each
    validated against the schema as it is drawn."""
    specs: dict[str, dict] = {}
    drawn = chart_style.draw_svg
    drawers = (charts, series_charts)  # the modules whose charts are drawn by draw_svg

    def recording(spec, chart_id, writer=None):
        validate_jsonschema(spec, load_schema())
        specs[chart_id] = spec
        return drawn(spec, chart_id, writer)

    def by_vega(*args, **kwargs):
        raise svg_trend.Unsupported("laid out by Vega here")

    for m in drawers:
        m.draw_svg = recording
    # Drawn in this process: a forked child's recordings would be lost. The trend charts
    # written from their numbers (svg_trend: the same SVG, tests/test_report_chart_svg.py)
    # are drawn by Vega here, so that their specifications are laid out and checked too.
    forks, context.can_fork = context.can_fork, lambda: False
    written, svg_trend.trend_svg = svg_trend.trend_svg, by_vega
    try:
        rf.report_context.__wrapped__()  # built afresh (the cached one drew its charts already)
    finally:
        for m in drawers:
            m.draw_svg = drawn
        context.can_fork = forks
        svg_trend.trend_svg = written
    return specs


def _charts(value):
    if isinstance(value, dict):
        if "svg" in value and "kind" in value:
            yield value
            return
        for v in value.values():
            yield from _charts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _charts(v)


def test_every_chart_of_the_report_is_checked(demo_specs):
    drawn = list(_charts(rf.report_context().model_dump(mode="json")))
    assert {c["kind"] for c in drawn} == {"trend", "breakdown", "demand", "projection"}
    assert {c["id"] for c in drawn} <= set(demo_specs)
    assert len(drawn) >= 30


def test_no_text_is_cut_short(demo_specs):
    for cid, spec in demo_specs.items():
        boxes, _, _ = text_boxes(spec)
        cut = [b.text for b in boxes if "…" in b.text or "..." in b.text]
        assert cut == [], cid


def test_all_text_lies_inside_the_chart(demo_specs):
    for cid, spec in demo_specs.items():
        boxes, width, height = text_boxes(spec)
        outside = [
            (b.text, round(b.x1), round(b.x2), width)
            for b in boxes
            if b.x1 < -0.5 or b.x2 > width + 0.5 or b.y1 < -0.5 or b.y2 > height + 0.5
        ]
        assert outside == [], cid


def test_no_two_pieces_of_text_overlap(demo_specs):
    for cid, spec in demo_specs.items():
        boxes, _, _ = text_boxes(spec)
        clashes = [(a.text, b.text) for a, b in combinations(boxes, 2) if a.overlaps(b)]
        assert clashes == [], cid


def test_titles_are_whole_and_no_wider_than_the_chart(demo_specs):
    for cid, spec in demo_specs.items():
        title = spec.get("title") or {}
        lines = title.get("text") if isinstance(title, dict) else title
        assert isinstance(lines, list) and lines, cid
        _, width, _ = text_boxes(spec)
        assert all(text_px(line, chart_style.TITLE_SIZE, bold=True) <= width for line in lines), cid


def test_wrap_breaks_only_at_spaces():
    text = "Other (children's centres, independent agencies, voluntary organisations)"
    lines = wrap(text, 120, 9)
    assert " ".join(lines) == text
    assert lines == [
        "Other (children's",
        "centres, independent",
        "agencies, voluntary",
        "organisations)",
    ]
    assert all(text_px(line, 9) <= 120 for line in lines)
    # A word wider than the line is kept whole on a line of its own, never cut.
    assert wrap("Unaccompanied asylum-seeking", 40, 9) == ["Unaccompanied", "asylum-seeking"]


def test_quarter_labels_shorten_only_when_they_would_collide():
    order = [f"Q{q} {y}" for y in ("2020/21", "2021/22") for q in (2, 3, 4, 1)]
    assert chart_style.quarter_labels(order, 80) == {x: [x] for x in order}
    narrow = chart_style.quarter_labels(order, 31)
    assert narrow["Q2 2020/21"] == ["Q2", "2020/21"]  # the first carries its year
    assert narrow["Q3 2020/21"] == ["Q3"]
    assert narrow["Q1 2020/21"] == ["Q1", "2020/21"]  # and each Q1
