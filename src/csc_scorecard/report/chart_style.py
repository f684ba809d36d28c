"""The report's chart style: colours, fonts and sizes, text measured and wrapped to fit, the
Vega-Lite configuration every chart shares, axis formats by unit, and the SVG rendering
(vl-convert, offline, with element ids made unique to the chart).

Every chart's Vega-Lite specification is written directly (`styled`, `view`), key for key as
Altair gave it for the chart it describes, so vl-convert draws the same SVG: building the charts
with Altair (importing it, validating each encoding against the schema, copying each layer) cost
more than drawing them. The charts' tests validate the specifications against the schema and
check the shared configuration against Altair's."""

from __future__ import annotations

import collections
import contextlib
import copy
import gc
import itertools
import multiprocessing
import os
import queue
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

import vl_convert as vlc

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

# Text that fits: every title, axis label and value label is laid out here, in Python, to fit
# the chart, wrapped at spaces onto more lines and never cut (Vega's own label limit would end
# it mid-word with an ellipsis). Widths are estimated for the widest font a renderer may fall
# back to (DejaVu Sans, whose letters are wider than Liberation Sans's), in em per character.
TITLE_SIZE = 11
LABEL_SIZE = 9
SMALL_SIZE = 8
_NARROW = set("ijlI.,:;'!|()[]{}/ ")
_WIDE = set("mwMW@%")


def text_px(text: str, size: float, bold: bool = False) -> float:
    """The printed width of ``text`` at ``size`` px, generously estimated."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.36
        elif ch in _WIDE:
            em += 0.95
        elif ch.isupper():
            em += 0.72
        else:
            em += 0.63
    return em * size * (1.08 if bold else 1.0)


def wrap(text: str, max_px: float, size: float, bold: bool = False) -> list[str]:
    """``text`` on as few lines as fit ``max_px``, broken only at spaces (a single word wider
    than the line keeps a line of its own, whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_px(f"{lines[-1]} {word}", size, bold) <= max_px:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def title_spec(text: str, width_px: float) -> dict:
    """The chart's title wrapped to the chart's width."""
    return {"text": wrap(text, width_px, TITLE_SIZE, bold=True), "fontSize": TITLE_SIZE, "limit": 0}


def lines_expr(lines: dict[str, list[str]]) -> str:
    """A Vega label expression printing each axis value as the lines given for it."""
    expr = "datum.value"
    for value, parts in reversed(list(lines.items())):
        shown = "[" + ", ".join(js(p) for p in parts) + "]"
        expr = f"datum.value === {js(value)} ? {shown} : ({expr})"
    return expr


def labelled_x(lines: dict[str, list[str]], order: list[str], kind: str = "ordinal") -> dict:
    """The x encoding of a chart of categories in ``order``, each labelled on the lines given
    for it (`wrap`, `quarter_labels`)."""
    return {
        "axis": {"labelAngle": 0, "labelExpr": lines_expr(lines), "labelFontSize": SMALL_SIZE},
        "field": "x",
        "sort": order,
        "title": None,
        "type": kind,
    }


def series_colour(names: list[str], legend: dict | None = None) -> dict:
    """The colour encoding of several series, in ``names``' order, from the palette."""
    out: dict = {"field": "series"}
    if legend is not None:
        out["legend"] = legend
    out |= {
        "scale": {"domain": names, "range": PALETTE[: len(names)]},
        "sort": names,
        "title": None,
        "type": "nominal",
    }
    return out


def js(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quarter_labels(order: Sequence[str], band_px: float) -> dict[str, list[str]]:
    """Quarter labels ('Q2 2021/22') that fit a band of ``band_px`` each: whole when they fit,
    else the quarter alone with the year under the first and under each Q1."""
    if all(text_px(x, SMALL_SIZE) + 6 <= band_px for x in order):
        return {x: [x] for x in order}
    out: dict[str, list[str]] = {}
    for i, x in enumerate(order):
        quarter, _, year = x.partition(" ")
        out[x] = [quarter, year] if year and (i == 0 or quarter == "Q1") else [quarter]
    return out


def padding(left: float = 8) -> dict[str, float]:
    """Room round the chart, more on the side of long labels: a renderer drawing the text in a
    wider font than Vega measured (DejaVu Sans for Liberation Sans) still has room at the edge."""
    return {"left": round(left), "right": 12, "top": 4, "bottom": 4}


# The Vega-Lite schema the specifications follow (Altair 6's), and the configuration every chart
# carries: Altair's theme (the view's size) with the report's fonts, colours and label rules
# (tests/test_report_charts.py checks both against Altair's).
SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
CONFIG: dict = {
    "view": {"continuousWidth": 300, "continuousHeight": 300, "stroke": None},
    "axis": {
        "domainColor": "#9aa3b2",
        "gridColor": "#e4e7ec",
        "labelColor": INK,
        "labelFontSize": LABEL_SIZE,
        "labelLimit": 0,  # never cut a label: they are wrapped to fit instead
        "labelPadding": 3,
        "tickColor": "#9aa3b2",
        "titleColor": INK,
        "titleFontSize": LABEL_SIZE,
        "titlePadding": 8,
    },
    "background": "white",
    "font": FONT,
    "legend": {
        "labelColor": INK,
        "labelFontSize": LABEL_SIZE,
        "labelLimit": 0,
        "orient": "bottom",
        "titleFontSize": LABEL_SIZE,
    },
    "title": {
        "anchor": "start",
        "color": INK,
        "fontSize": TITLE_SIZE,
        "fontWeight": "bold",
        "limit": 0,
    },
}


def styled(layers: list[dict], **top: object) -> dict:
    """A layered chart's Vega-Lite specification (``top``: the top-level keys, in the order
    Altair wrote them: ``data`` when every layer shares it, then height, padding, title, width)."""
    return {"config": copy.deepcopy(CONFIG), "layer": layers, **top, "$schema": SCHEMA_URL}


def layered(layers: list[dict], title: str, *, width: int, height: int) -> dict:
    """A layered chart over categories or quarters, its axis labels with room to the left: a
    single layer's data lifted to the top, as Altair lifted it."""
    shared = {"data": layers[0].pop("data")} if len(layers) == 1 else {}
    return styled(
        layers,
        **shared,
        height=height,
        padding=padding(),
        title=title_spec(title, width + 30),
        width=width,
    )


def view(data: list[dict], mark: dict, encoding: dict, **top: object) -> dict:
    """A single view's Vega-Lite specification (``top`` as for `styled`)."""
    return {
        "config": copy.deepcopy(CONFIG),
        "data": {"values": data},
        "mark": mark,
        "encoding": encoding,
        **top,
        "$schema": SCHEMA_URL,
    }


Writer = Callable[[dict], str | None]  # a chart's SVG written from its specification, or None


def draw_svg(vega_lite: dict, chart_id: str, writer: Writer | None = None) -> str:
    """SVG text with element ids made unique to the chart (several SVGs share one HTML page):
    ``writer``'s (the SVG Vega would draw, written without the engine: `svg_trend`), else
    vl-convert's. While this process's `Drawer` draws for it (`drawing_aside`), a stand-in
    that the block's ``drawn`` turns into the SVG: written or drawn on the other core while
    this process goes on (``writer`` must then pickle: a module's function or its partial)."""
    drawer = _DRAWING[0] if _DRAWING else None
    if drawer is not None and drawer.owner == os.getpid():
        return drawer.later(vega_lite, chart_id, writer)
    return finished(_svg(vega_lite, writer), chart_id)


def _svg(vega_lite: dict, writer: Writer | None = None) -> str:
    """``writer``'s SVG of ``vega_lite``, else vl-convert's (``vegalite_to_svg``; a
    specification it refuses is refused with its words). The appendix's trend charts, the
    many of one shape, are written by `svg_trend` without it; the few charts left are each of
    their own shape, so compiling shapes once (as before) no longer paid."""
    written = writer(vega_lite) if writer is not None else None
    return written if written is not None else vlc.vegalite_to_svg(vega_lite)


def finished(svg: str, chart_id: str) -> str:
    """vl-convert's SVG with its element ids prefixed by the chart's, marked as an image."""
    ids = set(_ID.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        new = f"{chart_id}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"').replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    # Accessible when inlined: the alt text goes in <title> by the template; mark as an image.
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


def axis_format(unit: str) -> str:
    if unit == "gbp":
        return "~s"  # 200k, 1.2M: money axes in the finance section
    return ",.0f" if unit in ("count", "days") else ",.1~f"


def unit_title(unit: str) -> str:
    return {
        "percent": "%",
        "rate_per_10000": "per 10,000",
        "rate_per_100000": "per 100,000",
        "days": "days",
        "weeks": "weeks",
        "gbp": "£",
    }.get(unit, "")


class Drawer:
    """vl-convert in a forked process of its own, drawing the specifications it is sent while
    this process goes on (and, for the Word report, each chart's picture; for the PDF, each
    chart's page).

    vl-convert's JavaScript engine costs about 0.5 s of CPU to start in each process that
    draws, and each chart about 0.03 s. Started in this process's child while the report
    context is being gathered, the engine starts on the other core, and every chart is drawn
    there while this process writes the rest of the report: `later` sends a chart and returns
    a stand-in at once, `drawn` gives its SVG (asking the child for what it has drawn, which is
    every chart sent before, since it draws them in order). A chart written from its numbers
    (`svg_trend`, about a millisecond each) is written there too, off the context's way. With
    ``pictures`` the child also makes each chart's PNG for Word (`png`) in the time it would
    otherwise wait for the context. With ``pdfs`` it then draws each
    chart as the PDF prints it (`pdf_charts.keep`) into ``folder``, where the PDF's process,
    forked from this one, takes it (`pdf_charts.chart_pdfs`) instead of drawing it after its
    pages are printed. The child is forked before this process has drawn anything: once the
    engine runs here, its threads would be missing from any child forked afterwards."""

    def __init__(self, pictures: bool = False, pdfs: bool = False) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, theirs = context.Pipe()
        self.owner = os.getpid()  # a child forked from here draws for itself
        self.pictures = pictures
        self.folder = tempfile.mkdtemp(prefix="scorecard-charts-") if pdfs else None
        self._numbers = itertools.count()
        self._sent: dict[int, tuple[dict, str, Writer | None]] = {}  # (spec, chart id, writer)
        self._done: dict[int, tuple[str, str]] = {}  # number -> (status, SVG or error)
        self._awaited: set[int] = set()  # the numbers whose pictures are still to come
        # The pipe is written by whichever thread makes a chart (the staffing section is written
        # in a thread of its own): one message, or one request and its answer, at a time, each
        # chart numbered in the order it is sent.
        self._pipe = threading.Lock()
        sys.stdout.flush()  # the child would otherwise write this process's pending output again
        sys.stderr.flush()
        self._process = context.Process(
            target=_serve,
            args=(theirs, self._conn, pictures, self.folder),
            name="scorecard charts",
            daemon=True,
        )
        self._process.start()
        theirs.close()

    def later(self, vega_lite: dict, chart_id: str, writer: Writer | None = None) -> str:
        """A stand-in for the chart's SVG, written or drawn in the child meanwhile (`drawn`)."""
        with self._pipe:
            number = next(self._numbers)
            self._sent[number] = (vega_lite, chart_id, writer)
            if self.pictures:
                self._awaited.add(number)
            try:
                self._conn.send((number, vega_lite, chart_id, writer))
            except OSError:  # the child has gone: `drawn` draws it here, `png` makes it here
                pass
        return f"{_PENDING}{number}"

    def drawn(self, svg: str) -> str:
        """The SVG that ``svg`` (`draw_svg`'s text) stands for; vl-convert's error raised here
        as its ValueError. Drawn here if the child has gone (killed): the same SVG, later."""
        if not svg.startswith(_PENDING):
            return svg
        number = int(svg.removeprefix(_PENDING))
        if number not in self._done:
            self.collect()
        status, value = self._done[number]
        if status == "error":
            raise ValueError(value)
        return value

    def collect(self, pictures: bool = False) -> None:
        """What the child has made: every chart sent so far drawn (as the report carries it),
        and the pictures made so far (`_PICTURES`), or, with ``pictures``, all of them."""
        try:
            with self._pipe:
                self._conn.send(_ALL if pictures else None)
                svgs, pngs = self._conn.recv()
        except (EOFError, OSError):
            for n, (spec, chart_id, writer) in self._sent.items():
                if n not in self._done:
                    status, value = _drawing(spec, writer)
                    self._done[n] = (status, finished(value, chart_id) if status == "ok" else value)
            self._awaited.clear()  # `png` makes them here
            return
        for n, (status, value) in svgs.items():
            if status == "ok":
                value = finished(value, self._sent[n][1])
            else:
                self._awaited.discard(n)
            self._done[n] = (status, value)
        for n, png in pngs.items():
            _PICTURES[self._done[n][1]] = png
            self._awaited.discard(n)

    def awaits(self) -> bool:
        """Whether the child is making pictures for this process still to be collected."""
        return bool(self._awaited) and self.owner == os.getpid()

    def close(self) -> None:
        self._conn.close()  # the child sees the end of the pipe and ends
        self._process.join()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _drawing(vega_lite: dict, writer: Writer | None = None) -> tuple[str, str]:
    try:
        return "ok", _svg(vega_lite, writer)
    except Exception as error:  # noqa: BLE001 - the drawing's error, raised in the parent
        return "error", str(error)


def _serve(conn: Connection, parent_end: Connection, pictures: bool, folder: str | None) -> None:
    """The drawing child: a thread takes each message off the pipe as it comes (the parent
    never waits to send), this one draws the charts in order, makes the pictures when no chart
    is waiting (so a chart's SVG, which the context waits for, never waits for a picture), the
    PDF's pages into ``folder`` when no picture is waiting either (Word is written first), and
    sends what it has made when asked (None; `_ALL`: once every picture is made)."""
    from csc_scorecard.report import pdf_charts

    parent_end.close()  # else the end of the parent's pipe would never be seen here
    gc.freeze()  # the parent's objects stay shared, their finalisers never run here
    inbox: queue.SimpleQueue = queue.SimpleQueue()

    def receive() -> None:
        try:
            while True:
                inbox.put(conn.recv())
        except (EOFError, OSError):
            inbox.put(_END)

    threading.Thread(target=receive, name="scorecard charts inbox", daemon=True).start()
    vlc.vegalite_to_svg(_FIRST)  # the engine started before the first chart is asked for
    svgs: dict[int, tuple[str, str]] = {}
    pngs: dict[int, bytes] = {}
    due: collections.deque[tuple[int, str]] = collections.deque()
    pages: collections.deque[tuple[str, str]] = collections.deque()  # (SVG, chart id)
    while True:
        if (due or pages) and inbox.empty():
            if due:
                number, svg = due.popleft()
                pngs[number] = _png(svg)
            elif folder is not None:
                pdf_charts.keep(folder, finished(*pages.popleft()))
            continue
        message = inbox.get()
        if message is _END:
            return
        if message is None or message == _ALL:
            while message == _ALL and due:
                number, svg = due.popleft()
                pngs[number] = _png(svg)
            conn.send((svgs, pngs))
            svgs, pngs = {}, {}
            continue
        number, vega_lite, chart_id, writer = message
        svgs[number] = status, svg = _drawing(vega_lite, writer)
        if status != "ok":
            continue
        if pictures:
            due.append((number, svg))
        if folder is not None:
            pages.append((svg, chart_id))


PNG_SCALE = 2.0  # picture pixels per SVG pixel: sharp on paper at the printed size


def _png(svg: str) -> bytes:
    return vlc.svg_to_png(svg, scale=PNG_SCALE)


def png(svg: str) -> bytes:
    """The chart ``svg`` (as the report carries it) as a PNG for Word: the one the `Drawer`
    made while the context was written, else made here (resvg, offline; element ids draw
    nothing, so the picture is the same)."""
    drawer = _DRAWING[0] if _DRAWING else None
    with _COLLECTING:  # Word's threads ask together: one collects
        if svg not in _PICTURES and drawer is not None and drawer.awaits():
            drawer.collect(pictures=True)
    made = _PICTURES.get(svg)
    return made if made is not None else _png(svg)


_FIRST = {"data": {"values": [{"x": 0}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}
_PENDING = "scorecard-chart-drawing:"  # `draw_svg`'s stand-in for a chart the `Drawer` draws
_END = object()
_ALL = "all"  # `Drawer.collect`'s request for every picture too
_DRAWING: list[Any] = []  # the Drawer drawing for this process, while one is
_PICTURES: dict[str, bytes] = {}  # a chart's SVG (as the report carries it) -> its PNG
_COLLECTING = threading.Lock()


@contextlib.contextmanager
def drawing_aside(
    may_fork: bool, pictures: bool = False, pdfs: bool = False
) -> Iterator[Callable[[str], str]]:
    """Charts drawn by a `Drawer` while inside (``may_fork``: this process may fork and has not
    drawn a chart itself; otherwise they are drawn here, as outside), with their pictures for
    Word (``pictures``: `png`) and their pages for the PDF (``pdfs``: `pdf_folder`). Yields
    ``drawn``, which gives the SVG a `draw_svg` text stands for (the text itself when drawn
    here)."""
    if not may_fork or _DRAWING:
        yield _DRAWING[0].drawn if _DRAWING else _as_drawn
        return
    drawer = Drawer(pictures, pdfs)
    _DRAWING.append(drawer)
    try:
        yield drawer.drawn
    finally:
        _DRAWING.clear()
        _PICTURES.clear()
        drawer.close()


def _as_drawn(svg: str) -> str:
    return svg


def pdf_folder() -> str | None:
    """Where the `Drawer` drawing for this process, or for the process it was forked from (the
    PDF's), puts the charts' PDF pages (`pdf_charts.keep`); None when none does."""
    return _DRAWING[0].folder if _DRAWING else None


def drawing_later() -> bool:
    """Whether `draw_svg` here returns stand-ins, drawn by a `Drawer` meanwhile."""
    return bool(_DRAWING) and _DRAWING[0].owner == os.getpid()
