"""The report's charts as pictures for Word: each chart's SVG as a PNG (`chart_style.png`:
made by the chart-drawing process while the context was written, else here, by vl-convert's
resvg, offline), at its natural printed width."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from csc_scorecard.report.model import (
    Chart,
    ReportContext,
    Section,
)

SVG_DPI = 96  # an SVG "px" is 1/96 inch
_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def chart_png(chart: Chart) -> tuple[bytes, float]:
    """The chart's SVG as PNG bytes and its natural width in cm."""
    from csc_scorecard.report import chart_style  # here: the renderer loads without the engine

    found = _SIZE.search(chart.svg)
    width_px = float(found.group(1)) if found else 600.0
    return chart_style.png(chart.svg), width_px / SVG_DPI * 2.54


def chart_pngs(charts: Iterable[Chart]) -> dict[str, tuple[bytes, float]]:
    """``chart_png`` of each chart by id, converted on a few threads (vl-convert's resvg runs
    outside the GIL): rasterising is most of the time a report takes to write."""
    unique = {c.id: c for c in charts}
    workers = max(1, min(4, os.cpu_count() or 1, len(unique)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(unique, pool.map(chart_png, unique.values()), strict=True))


def charts_in(context: ReportContext) -> list[Chart]:
    """Every chart the paper shows: in the sections (and subsections), then the trends."""
    found: list[Chart] = []

    def walk(section: Section) -> None:
        found.extend(section.charts)
        for sub in section.subsections:
            walk(sub)

    for section in context.sections:
        walk(section)
    return found + list(context.trends)
