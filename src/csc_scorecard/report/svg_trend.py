"""A trend chart's SVG written directly from its numbers, as vl-convert draws it from the chart's
Vega-Lite (`charts.trend`), without starting the chart engine.

The appendix's trend charts are all one shape: a line with its points over the quarters, a
value axis with a grid, and a rule for each of target, tolerance and comparator. vl-convert
spent about 28 ms of CPU on each, and its engine 0.45 s to start. Here the same SVG is written
in about a millisecond, element for element and number for number as Vega writes it: the
point scale over the quarters, the value scale made "nice" and its ticks (d3-array's), the
numbers formatted as d3-format formats them, the text measured in the Liberation Sans vl-convert
carries (advances and pair kerning, `chart_font.csv`), and the chart's size and origin from the
bounds of everything drawn, as Vega's "pad" autosize takes them. tests/test_report_chart_svg.py
checks it against vl-convert's SVG, byte for byte, on the demo paper's charts and on charts made
to vary every input. A chart outside that shape (a moving target, money, text in characters
the table lacks, numbers d3 would write in exponent form) is None here and drawn by Vega.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from csc_scorecard.report.chart_style import (
    ACCENT,
    FONT,
    INK,
    LABEL_SIZE,
    SMALL_SIZE,
    TITLE_SIZE,
    axis_format,
    unit_title,
)

# The configuration's colours (chart_style.CONFIG) and the marks' sizes (charts.trend).
GRID = "#e4e7ec"
DOMAIN = "#9aa3b2"
TICK_SIZE = 5
LABEL_PADDING = 3
TITLE_PADDING = 8
TITLE_OFFSET = 4  # Vega's title offset from the chart's bounds
POINT_SIZE = 28
LINE_WIDTH = 2
RULE_WIDTH = 1.3
_MINUS = "\u2212"  # d3-format's minus sign
_UNITS_PER_EM = 2048


class Unsupported(Exception):
    """The chart is not of the shape written here: Vega draws it."""


# --- numbers, as JavaScript and d3 write them -----------------------------------------------


def js_number(x: float) -> str:
    """``String(x)`` in JavaScript: the shortest digits that read back as ``x``."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        raise Unsupported("not finite")
    sign, digits, exponent = Decimal(repr(float(x))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    k = len(text)
    n = exponent + len(digits)  # value = 0.text x 10^n
    if k <= n <= 21:
        out = text + "0" * (n - k)
    elif 0 < n <= 21:
        out = text[:n] + "." + text[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + text
    else:
        raise Unsupported("exponent form")
    return ("-" if sign else "") + out


def _fixed(x: float, places: int) -> str:
    """``x.toFixed(places)`` for ``x`` >= 0: the exact value rounded, a tie upwards."""
    if x >= 1e15:
        raise Unsupported("too large")
    return str(Decimal(x).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _trim(text: str) -> str:
    """d3-format's ``~``: insignificant trailing zeros (and a bare point) dropped."""
    if "." not in text:
        return text
    return text.rstrip("0").rstrip(".")


def _grouped(text: str) -> str:
    whole, point, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ",".join([whole, *groups]) + point + fraction


def d3_format(x: float, spec: str) -> str:
    """d3-format's ``format(spec)(x)`` for the specifiers the trend charts use: ``",.Nf"``,
    ``",.N~f"`` and ``""`` (twelve significant digits, trimmed)."""
    if not math.isfinite(x):
        raise Unsupported("not finite")
    negative = x < 0 or (x == 0 and math.copysign(1, x) < 0)
    if spec == "":
        text = _trim(_precision(abs(x), 12))
    else:
        grouped, _, rest = spec.partition(".")
        trim = rest.endswith("~f")
        if grouped != "," or not rest.endswith("f"):
            raise Unsupported(spec)
        text = _fixed(abs(x), int(rest.removesuffix("f").removesuffix("~")))
        text = _grouped(_trim(text) if trim else text)
    if negative and float(text.replace(",", "")) == 0:
        negative = False
    return (_MINUS if negative else "") + text


def _precision(x: float, digits: int) -> str:
    """``x.toPrecision(digits)`` for ``x`` >= 0, in fixed form only."""
    if x == 0:
        return "0." + "0" * (digits - 1)
    value = Decimal(x)
    exponent = value.adjusted()
    rounded = value.quantize(Decimal(1).scaleb(exponent - digits + 1), rounding=ROUND_HALF_UP)
    exponent = rounded.adjusted()
    if exponent < -6 or exponent >= digits:
        raise Unsupported("exponent form")
    return f"{rounded:.{max(0, digits - 1 - exponent)}f}"


# --- scales and ticks (d3-array 3, d3-scale 4) ----------------------------------------------

_E10, _E5, _E2 = math.sqrt(50), math.sqrt(10), math.sqrt(2)


def _tick_spec(start: float, stop: float, count: float) -> tuple[int, int, float]:
    step = (stop - start) / max(0, count)
    power = math.floor(math.log10(step))
    error = step / 10**power
    factor = 10 if error >= _E10 else 5 if error >= _E5 else 2 if error >= _E2 else 1
    if power < 0:
        inc = 10 ** (-power) / factor
        i1, i2 = _js_round(start * inc), _js_round(stop * inc)
        if i1 / inc < start:
            i1 += 1
        if i2 / inc > stop:
            i2 -= 1
        inc = -inc
    else:
        inc = 10**power * factor
        i1, i2 = _js_round(start / inc), _js_round(stop / inc)
        if i1 * inc < start:
            i1 += 1
        if i2 * inc > stop:
            i2 -= 1
    if i2 < i1 and 0.5 <= count < 2:
        return _tick_spec(start, stop, count * 2)
    return i1, i2, inc


def _js_round(x: float) -> int:
    """JavaScript's Math.round: halves upwards."""
    return math.floor(x + 0.5)


def ticks(start: float, stop: float, count: int) -> list[float]:
    """d3-array's ``ticks(start, stop, count)`` for ``start`` < ``stop``."""
    i1, i2, inc = _tick_spec(start, stop, count)
    if i2 < i1:
        return []
    if inc < 0:
        return [(i1 + i) / -inc for i in range(i2 - i1 + 1)]
    return [(i1 + i) * inc for i in range(i2 - i1 + 1)]


def nice(start: float, stop: float, count: int = 10) -> tuple[float, float]:
    """d3-scale's ``linear.nice(count)`` of the domain [start, stop]."""
    previous = None
    for _ in range(10):
        step = _tick_spec(start, stop, count)[2]
        if step == previous:
            break
        if step > 0:
            start, stop = math.floor(start / step) * step, math.ceil(stop / step) * step
        elif step < 0:
            start, stop = math.ceil(start * step) / step, math.floor(stop * step) / step
        else:
            break
        previous = step
    return start, stop


# --- text, measured as vl-convert measures it --------------------------------------------------


@cache
def _font() -> tuple[dict[str, tuple[int, int]], dict[tuple[str, str], tuple[int, int]]]:
    advances: dict[str, tuple[int, int]] = {}
    kerning: dict[tuple[str, str], tuple[int, int]] = {}
    with (Path(__file__).with_name("chart_font.csv")).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            pair = (int(row["regular"]), int(row["bold"]))
            if row["kind"] == "advance":
                advances[row["first"]] = pair
            else:
                kerning[(row["first"], row["second"])] = pair
    return advances, kerning


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width vl-convert measures ``text`` at (spaces at either end not counted)."""
    advances, kerning = _font()
    face = 1 if bold else 0
    text = text.strip(" ")
    try:
        units = sum(advances[c][face] for c in text)
    except KeyError:
        raise Unsupported("a character without metrics") from None
    units += sum(kerning.get(pair, (0, 0))[face] for pair in itertools.pairwise(text))
    return units * size / _UNITS_PER_EM


def _baseline_offset(baseline: str, size: float) -> int:
    """vega-scenegraph's text offset for a baseline."""
    return _js_round({"top": 0.79, "middle": 0.30, "bottom": -0.21}[baseline] * size)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;")


def _text_body(lines: Sequence[str], line_height: float) -> str:
    if len(lines) == 1:
        return _escape_text(lines[0])
    first, *rest = lines
    dy = js_number(line_height)
    return f"<tspan>{_escape_text(first)}</tspan>" + "".join(
        f'<tspan x="0" dy="{dy}">{_escape_text(line)}</tspan>' for line in rest
    )


class _Bounds:
    def __init__(self) -> None:
        self.x1 = self.y1 = math.inf
        self.x2 = self.y2 = -math.inf

    def add(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.x1, self.y1 = min(self.x1, x1), min(self.y1, y1)
        self.x2, self.y2 = max(self.x2, x2), max(self.y2, y2)


# --- the chart ----------------------------------------------------------------------------------

_GROUP_END = '<path class="foreground" aria-hidden="true" d="" pointer-events="none" display="none"/></g></g>'
_EMPTY_BACKGROUND = (
    '<path class="background" aria-hidden="true" d="M0,0h0v0h0Z" pointer-events="none"/>'
)


def trend_of(
    known: list[tuple[str, float]],
    labels: dict[str, list[str]],
    unit: str,
    vega_lite: dict,
) -> str | None:
    """The SVG Vega draws from `charts.trend`'s ``vega_lite`` (its quarters with a value
    ``known``, their ``labels``, its ``unit``), written here (`trend_svg`); None for a chart of
    another shape (a moving target's stepped lines, money's axis format), which Vega draws."""
    others = vega_lite["layer"][1:]
    if unit == "gbp" or any(layer["mark"]["type"] != "rule" for layer in others):
        return None
    refs = [
        (layer["data"]["values"][0]["y"], layer["mark"]["color"], layer["mark"]["strokeDash"])
        for layer in others
    ]
    try:
        return trend_svg(
            known,
            labels,
            unit_title(unit),
            axis_format(unit),
            unit == "count",
            refs,
            vega_lite["title"]["text"],
            width=vega_lite["width"],
            height=vega_lite["height"],
            padding=vega_lite["padding"],
        )
    except Unsupported:
        return None


def trend_svg(
    points: Sequence[tuple[str, float]],
    labels: dict[str, list[str]],
    unit_title: str,
    axis_format: str,
    zero: bool,
    rules: Sequence[tuple[float, str, Sequence[float]]],
    title: Sequence[str],
    *,
    width: int,
    height: int,
    padding: dict[str, float],
) -> str:
    """vl-convert's SVG of `charts.trend`'s Vega-Lite: ``points`` the quarters with a value,
    in order; ``labels`` each quarter's label lines; ``rules`` each reference line's value,
    colour and dash; ``title`` the title's lines. Raises `Unsupported` for a chart it does
    not write as Vega would."""
    if len(points) < 1 or not title or not all(line.strip() for line in title):
        raise Unsupported("empty")
    values = [y for _, y in points] + [y for y, _, _ in rules]
    if not all(math.isfinite(v) for v in values):
        raise Unsupported("not finite")
    low, high = min(values), max(values)
    if zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if not low < high:
        raise Unsupported("a domain of one value")
    d0, d1 = nice(low, high)
    span = d1 - d0

    def y_of(v: float) -> float:
        t = (v - d0) / span
        return height * (1 - t) + 0 * t

    n = len(points)
    step = width / max(1, n - 1 + 0.5 * 2)
    start = (width - step * (n - 1)) * 0.5
    xs = [start + step * i for i in range(n)]

    y_ticks = ticks(d0, d1, 4)
    tick_labels = [d3_format(v, axis_format) for v in y_ticks]
    bounds = _Bounds()
    out: list[str] = []

    # The grid (an axis of its own, drawn first).
    grid = "".join(
        f'<line transform="translate(0,{_js_round(y_of(v))})" x2="{width}" y2="0"'
        f' stroke="{GRID}" stroke-width="1" opacity="1"/>'
        for v in y_ticks
    )
    # Vega's axis bounds: its ticks, labels and title, and the line it spans (no stroke).
    bounds.add(0, 0, 0, height)
    bounds.add(0, height, width, height)
    out.append(
        '<g class="mark-group role-axis" aria-hidden="true"><g transform="translate(0.5,0.5)">'
        f"{_EMPTY_BACKGROUND}<g>"
        f'<g class="mark-rule role-axis-grid" pointer-events="none">{grid}</g></g>{_GROUP_END}'
    )

    # The quarters' axis.
    domain = [x for x, _ in points]
    out.append(_x_axis(domain, xs, labels, width, height, bounds))

    # The value axis: ticks, labels, domain line, title.
    out.append(_y_axis(y_ticks, tick_labels, y_of, unit_title, axis_format, d0, d1, height, bounds))

    # The line and its points.
    ys = [y_of(v) for _, v in points]
    described = [
        _escape_attribute(f"x: {x}; {unit_title or 'y'}: {d3_format(v, axis_format)}")
        for x, v in points
    ]
    path = "".join(
        f"{'M' if i == 0 else 'L'}{js_number(_round3(x))},{js_number(_round3(y))}"
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    ) + ("Z" if n == 1 else "")  # d3's line closes a path of one point
    out.append(
        '<g class="mark-line role-mark layer_0_layer_0_marks" role="graphics-object"'
        ' aria-roledescription="line mark container">'
        f'<path aria-label="{described[0]}" role="graphics-symbol" aria-roledescription="line mark"'
        f' d="{path}" stroke="{ACCENT}" stroke-width="{LINE_WIDTH}"/></g>'
    )
    radius = math.sqrt(POINT_SIZE) / 2
    r = js_number(_round3(radius))
    circle = f"M{r},0A{r},{r},0,1,1,-{r},0A{r},{r},0,1,1,{r},0"
    out.append(
        '<g class="mark-symbol role-mark layer_0_layer_1_marks" role="graphics-object"'
        ' aria-roledescription="symbol mark container">'
        + "".join(
            f'<path aria-label="{d}" role="graphics-symbol" aria-roledescription="point"'
            f' transform="translate({js_number(x)},{js_number(y)})" d="{circle}"'
            f' fill="{ACCENT}" stroke-width="{LINE_WIDTH}" opacity="1"/>'
            for d, x, y in zip(described, xs, ys, strict=True)
        )
        + "</g>"
    )
    for x, y in zip(xs, ys, strict=True):
        bounds.add(x - LINE_WIDTH, y - LINE_WIDTH, x + LINE_WIDTH, y + LINE_WIDTH)
        bounds.add(x - radius, y - radius, x + radius, y + radius)

    # The reference lines.
    for i, (value, colour, dash) in enumerate(rules, start=1):
        y = y_of(value)
        bounds.add(-RULE_WIDTH, y - RULE_WIDTH, width + RULE_WIDTH, y + RULE_WIDTH)
        said = _escape_attribute(f"y: {d3_format(value, '')}")
        out.append(
            f'<g class="mark-rule role-mark layer_{i}_marks" role="graphics-object"'
            ' aria-roledescription="rule mark container">'
            f'<line aria-label="{said}" role="graphics-symbol" aria-roledescription="rule mark"'
            f' transform="translate({width},{js_number(y)})" x2="-{width}" y2="0"'
            f' stroke="{colour}" stroke-width="{js_number(RULE_WIDTH)}"'
            f' stroke-dasharray="{",".join(js_number(d) for d in dash)}"/></g>'
        )

    # The title, above everything else, from its left edge.
    line_height = TITLE_SIZE + 2
    title_height = TITLE_SIZE + line_height * (len(title) - 1)
    title_width = max(text_width(line, TITLE_SIZE, bold=True) for line in title)
    tx, ty = bounds.x1, bounds.y1 - title_height - TITLE_OFFSET  # in Vega's order
    bounds.add(tx, ty, tx + title_width, ty + title_height)
    caption = _escape_attribute(f"Title text '{' '.join(title)}'")
    out.append(
        f'<g class="mark-group role-title"><g transform="translate({js_number(tx)},{js_number(ty)})">'
        f'{_EMPTY_BACKGROUND}<g><g class="mark-text role-title-text" role="graphics-symbol"'
        f' aria-roledescription="title" aria-label="{caption}" pointer-events="none">'
        f'<text text-anchor="start" transform="translate(0,{_baseline_offset("top", TITLE_SIZE)})"'
        f' font-family="{FONT}" font-size="{TITLE_SIZE}px" font-weight="bold" fill="{INK}"'
        f' opacity="1">{_text_body(title, line_height)}</text></g></g>{_GROUP_END}'
    )

    left = max(0, math.ceil(-bounds.x1))
    top = max(0, math.ceil(-bounds.y1))
    right = max(0, math.ceil(bounds.x2 - width))
    bottom = max(0, math.ceil(bounds.y2 - height))
    full_width = round(width + left + right + padding["left"] + padding["right"])
    full_height = round(height + top + bottom + padding["top"] + padding["bottom"])
    origin = f"translate({js_number(left + padding['left'])},{js_number(top + padding['top'])})"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' version="1.1" class="marks" width="{full_width}" height="{full_height}"'
        f' viewBox="0 0 {full_width} {full_height}">'
        f'<rect width="{full_width}" height="{full_height}" fill="white"/>'
        f'<g fill="none" stroke-miterlimit="10" transform="{origin}">'
        '<g class="mark-group role-frame root" role="graphics-object"'
        ' aria-roledescription="group mark container"><g transform="translate(0,0)">'
        f'<path class="background" aria-hidden="true" d="M0,0h{width}v{height}h-{width}Z"/><g>'
        + "".join(out)
        + '</g><path class="foreground" aria-hidden="true" d="" display="none"/></g></g></g></svg>'
    )


def _round3(x: float) -> float:
    """Vega's path coordinates: to three decimals, halves upwards."""
    return math.floor(x * 1000 + 0.5) / 1000


def _x_axis(
    domain: list[str],
    xs: list[float],
    labels: dict[str, list[str]],
    width: int,
    height: int,
    bounds: _Bounds,
) -> str:
    shown = len(domain) if len(domain) <= 7 else 5
    listed = ", ".join(domain[:shown])
    if len(domain) > 7:
        listed += f", ending with {domain[-1]}"
    caption = _escape_attribute(
        f"X-axis for a discrete scale with {len(domain)} value{'' if len(domain) == 1 else 's'}: {listed}"
    )
    tick_lines = "".join(
        f'<line transform="translate({_js_round(x)},0)" x2="0" y2="{TICK_SIZE}"'
        f' stroke="{DOMAIN}" stroke-width="1" opacity="1"/>'
        for x in xs
    )
    offset = TICK_SIZE + LABEL_PADDING
    line_height = SMALL_SIZE + 2
    dy = _baseline_offset("top", SMALL_SIZE)
    texts = []
    for x, value in zip(xs, domain, strict=True):
        lines = labels.get(value, [value])
        texts.append(
            f'<text text-anchor="middle" transform="translate({js_number(x)},{offset + dy})"'
            f' font-family="{FONT}" font-size="{SMALL_SIZE}px" fill="{INK}" opacity="1">'
            f"{_text_body(lines, line_height)}</text>"
        )
        w = max(text_width(line, SMALL_SIZE) for line in lines)
        top = height + offset + dy - _js_round(0.8 * SMALL_SIZE)
        bounds.add(x - w / 2, top, x + w / 2, top + SMALL_SIZE + line_height * (len(lines) - 1))
    for x in xs:
        bounds.add(_js_round(x) - 1, height - 1, _js_round(x) + 1, height + TICK_SIZE + 1)
    return (
        '<g class="mark-group role-axis" role="graphics-symbol" aria-roledescription="axis"'
        f' aria-label="{caption}"><g transform="translate(0.5,{height}.5)">{_EMPTY_BACKGROUND}<g>'
        f'<g class="mark-rule role-axis-tick" pointer-events="none">{tick_lines}</g>'
        f'<g class="mark-text role-axis-label" pointer-events="none">{"".join(texts)}</g>'
        '<g class="mark-rule role-axis-domain" pointer-events="none">'
        f'<line transform="translate(0,0)" x2="{width}" y2="0" stroke="{DOMAIN}"'
        f' stroke-width="1" opacity="1"/></g></g>{_GROUP_END}'
    )


def _y_axis(
    y_ticks: list[float],
    tick_labels: list[str],
    y_of: Callable[[float], float],
    unit_title: str,
    axis_format: str,
    d0: float,
    d1: float,
    height: int,
    bounds: _Bounds,
) -> str:
    caption_format = axis_format
    titled = f" titled '{unit_title}'" if unit_title else ""
    caption = _escape_attribute(
        f"Y-axis{titled} for a linear scale with values from"
        f" {d3_format(d0, caption_format)} to {d3_format(d1, caption_format)}"
    )
    tick_lines = "".join(
        f'<line transform="translate(0,{_js_round(y_of(v))})" x2="-{TICK_SIZE}" y2="0"'
        f' stroke="{DOMAIN}" stroke-width="1" opacity="1"/>'
        for v in y_ticks
    )
    offset = TICK_SIZE + LABEL_PADDING
    dy = _baseline_offset("middle", LABEL_SIZE)
    texts = []
    widest = 0.0
    for v, text in zip(y_ticks, tick_labels, strict=True):
        y = y_of(v)
        texts.append(
            f'<text text-anchor="end" transform="translate(-{offset},{js_number(y + dy)})"'
            f' font-family="{FONT}" font-size="{LABEL_SIZE}px" fill="{INK}" opacity="1">'
            f"{_escape_text(text)}</text>"
        )
        w = text_width(text, LABEL_SIZE)
        widest = max(widest, w)
        top = y + dy - _js_round(0.8 * LABEL_SIZE)
        bounds.add(-offset - w, top, -offset, top + LABEL_SIZE)
        ty = _js_round(y)
        bounds.add(-TICK_SIZE - 1, ty - 1, 1, ty + 1)
    title = ""
    if unit_title:
        x = -(offset + widest + TITLE_PADDING)
        w = text_width(unit_title, LABEL_SIZE, bold=True)
        bounds.add(x - LABEL_SIZE, height / 2 - w / 2, x, height / 2 + w / 2)
        title = (
            '<g class="mark-text role-axis-title" pointer-events="none">'
            f'<text text-anchor="middle" transform="translate({js_number(x)},{js_number(height / 2)})'
            f' rotate(-90) translate(0,{_baseline_offset("bottom", LABEL_SIZE)})"'
            f' font-family="{FONT}" font-size="{LABEL_SIZE}px" font-weight="bold" fill="{INK}"'
            f' opacity="1">{_escape_text(unit_title)}</text></g>'
        )
    return (
        '<g class="mark-group role-axis" role="graphics-symbol" aria-roledescription="axis"'
        f' aria-label="{caption}"><g transform="translate(0.5,0.5)">{_EMPTY_BACKGROUND}<g>'
        f'<g class="mark-rule role-axis-tick" pointer-events="none">{tick_lines}</g>'
        f'<g class="mark-text role-axis-label" pointer-events="none">{"".join(texts)}</g>'
        '<g class="mark-rule role-axis-domain" pointer-events="none">'
        f'<line transform="translate(0,{height})" x2="0" y2="-{height}" stroke="{DOMAIN}"'
        f' stroke-width="1" opacity="1"/></g>{title}</g>{_GROUP_END}'
    )
