"""The report's charts as the PDF draws them: the same SVG, drawn by vl-convert, not WeasyPrint.

The HTML report carries each chart as inline SVG (``charts.py``, drawn by Vega). WeasyPrint
would draw each of the charts' ~4,400 SVG nodes in Python, laying out every label letter by
letter (a quarter of the appendices' printing time), and in DejaVu Sans, the fallback for the
charts' Liberation Sans, which is wider than the font Vega placed the labels for. So the PDF's
HTML holds, where each chart goes, a placeholder of the chart's size: a plain grey JPEG whose
comment is the chart's number, with the chart's SVG beside it (``data-chart``). WeasyPrint lays
the placeholder out as it would the chart; vl-convert (Rust: resvg and svg2pdf, the same
library and fonts that draw the Word report's charts) draws each chart as a one-page PDF in
milliseconds; and ``splice`` puts each chart's page in place of its placeholder as a form
XObject, scaled to the placeholder's box. What is drawn is the chart: every line, shape and
label, the labels as text in Liberation Sans (searchable and extractable; ``tests/test_report_pdf.py``
checks every chart's text).

Before that, Vega's screen-reader structure (``role``, ``aria-*``, ``class``), hidden elements,
empty paths and groups that carry nothing are dropped (``lean_svg``): the PDF does not tag them.

In ``scorecard report`` the charts' process (``chart_style.Drawer``) draws each chart's page
while the report context is still being built, when it has nothing else to do (``keep``), into
a folder the PDF's process reads (``chart_pdfs``): a page not there yet is drawn where it is
needed, the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import struct
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

SVG_NS = "http://www.w3.org/2000/svg"
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_CHART = re.compile(r'\bdata-chart="(\d+):([A-Za-z0-9+/=]+)"')
_CHART_ATTRIBUTE = re.compile(r' data-chart="[^"]*"')
# Attributes that describe a node to assistive technology or to scripts; none changes a pixel.
_UNDRAWN = frozenset(
    {
        "class",
        "role",
        "focusable",
        "aria-hidden",
        "aria-label",
        "aria-roledescription",
        "pointer-events",
    }
)
# Vega draws an empty background and foreground path for every axis group.
_EMPTY_PATHS = frozenset({"", "M0,0h0v0h0Z"})


def _draws_nothing(node: ET.Element) -> bool:
    if node.get("display") == "none":
        return True
    if node.tag == f"{{{SVG_NS}}}path" and node.get("d") in _EMPTY_PATHS:
        return True
    return node.tag == f"{{{SVG_NS}}}g" and len(node) == 0


def _prune(node: ET.Element) -> None:
    """Drop the undrawn attributes and children of ``node`` and of its descendants; a child
    group left with no attributes is replaced by its own children (it groups nothing)."""
    for name in _UNDRAWN.intersection(node.attrib):
        del node.attrib[name]
    if node.get("opacity") == "1":
        del node.attrib["opacity"]
    kept: list[ET.Element] = []
    for child in node:
        _prune(child)
        if _draws_nothing(child):
            continue
        if child.tag == f"{{{SVG_NS}}}g" and not child.attrib:
            kept.extend(child)
        else:
            kept.append(child)
    node[:] = kept


def lean_svg(svg: str) -> str:
    """``svg`` without the attributes and nodes that draw nothing."""
    root = ET.fromstring(svg)
    _prune(root)
    ET.register_namespace("", SVG_NS)
    return ET.tostring(root, encoding="unicode")


# What a placeholder carries in its JPEG comment before the chart's number.
_COMMENT = b"scorecard chart "
_GREY = 0xE5  # a placeholder's colour: a chart left out would show as a grey box of its size
_APP = range(0xE0, 0xF0)  # the JPEG application segments (JFIF) that come first
_START_OF_SCAN = 0xDA


@cache
def _grey_jpeg(width: int, height: int) -> bytes:
    from PIL import Image  # WeasyPrint's own dependency, already loaded to print

    out = io.BytesIO()
    Image.new("L", (width, height), _GREY).save(out, format="JPEG")
    return out.getvalue()


def placeholder_jpeg(number: int, width: int, height: int) -> bytes:
    """A ``width`` x ``height`` grey JPEG whose comment (a COM segment after its application
    segments) is ``_COMMENT`` and ``number``. WeasyPrint embeds a JPEG's bytes as they are,
    where it decoded and encoded a PNG placeholder again (about a millisecond of a part's printing
    each); the grey image of each size is encoded once."""
    grey = _grey_jpeg(width, height)
    at = 2  # after the start of image
    while grey[at] == 0xFF and grey[at + 1] in _APP:
        at += 2 + int.from_bytes(grey[at + 2 : at + 4], "big")
    comment = _COMMENT + str(number).encode("ascii")
    return grey[:at] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + grey[at:]


def _size(svg: str, name: str) -> int:
    """The root element's ``width`` or ``height`` attribute, rounded (1 without one)."""
    found = re.search(rf'\s{name}="([^"]*)"', svg[: svg.index(">")])
    return round(float(found.group(1))) if found else 1


def chart_placeholder(number: int, svg: str) -> str:
    """An ``<img>`` the size of the chart ``svg`` (its own width and height, in CSS pixels as
    the SVG's), drawn as ``placeholder_png(number)``, carrying the SVG in ``data-chart``. The
    SVG is read and made lean only when the chart is drawn (``chart_pdfs``): in the PDF's
    first process while the second prints, not before the two are forked."""
    width, height = _size(svg, "width"), _size(svg, "height")
    image = base64.b64encode(placeholder_jpeg(number, width, height)).decode("ascii")
    chart = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    # The chart's figure carries its accessible name (role="img" and aria-label).
    return (
        f'<img class="chart-image" src="data:image/jpeg;base64,{image}" width="{width}"'
        f' height="{height}" alt="" data-chart="{number}:{chart}">'
    )


def charts_as_images(html: str) -> str:
    """``html`` with each inline ``<svg>`` chart replaced by its ``chart_placeholder``,
    numbered from 1 in document order."""
    numbers = iter(range(1, 1 << 24))
    return _SVG.sub(lambda match: chart_placeholder(next(numbers), match.group(0)), html)


def without_charts(html: str) -> str:
    """``html`` without the placeholders' charts (``data-chart``), for WeasyPrint to parse: it
    lays out and draws the placeholders only."""
    return _CHART_ATTRIBUTE.sub("", html)


def chart_pdf(svg: str) -> bytes:
    """The chart ``svg`` (as the report carries it) made lean and drawn as a one-page PDF by
    vl-convert."""
    import vl_convert

    return vl_convert.svg_to_pdf(lean_svg(svg))


def _kept(folder: str, svg: str) -> str:
    """Where ``keep`` puts the page of the chart ``svg``: named by the digest of its text."""
    return os.path.join(folder, hashlib.blake2b(svg.encode("utf-8"), digest_size=16).hexdigest())


def keep(folder: str, svg: str) -> None:
    """``chart_pdf`` of ``svg`` written into ``folder`` for ``chart_pdfs`` to take; whole or not
    at all (written aside, then renamed), as another process may look for it meanwhile."""
    path = _kept(folder, svg)
    with open(f"{path}.part", "wb") as out:
        out.write(chart_pdf(svg))
    os.replace(f"{path}.part", path)


def chart_pdfs(html: str) -> dict[int, bytes]:
    """Each chart placeholder's chart in ``html``, by number, as its one-page PDF: the one the
    charts' process kept (``keep``), else ``chart_pdf`` here."""
    from csc_scorecard.report.chart_style import pdf_folder

    folder = pdf_folder()
    out: dict[int, bytes] = {}
    for number, text in _CHART.findall(html):
        svg = base64.b64decode(text).decode("utf-8")
        kept = _kept(folder, svg) if folder is not None else None
        if kept is not None and os.path.exists(kept):  # once there, there until the report ends
            with open(kept, "rb") as made:
                out[int(number)] = made.read()
        else:
            out[int(number)] = chart_pdf(svg)
    return out


def splice(pdf: Any, charts: dict[int, bytes]) -> list[Any]:
    """In ``pdf`` (an open pikepdf document), each placeholder image of a chart in ``charts``
    replaced by that chart's page as a form XObject mapped onto the image's unit square, so
    it fills the placeholder's box (the placeholders' images are then unused and not written).
    Returns the charts' documents, to be kept open until ``pdf`` is saved: qpdf copies their
    streams' data when it writes."""
    forms: dict[tuple[int, int], Any] = {}
    sources: list[Any] = []
    for page in pdf.pages:
        objects = page.obj.get("/Resources", {}).get("/XObject", {})
        for name in list(objects.keys()):
            image = objects[name]
            if image.objgen not in forms:
                number = _placeholder_number(image)
                if number not in charts:
                    continue
                forms[image.objgen] = _form(pdf, charts[number], sources)
            objects[name] = forms[image.objgen]
    return sources


def _placeholder_number(image: Any) -> int | None:
    """The chart number a placeholder image carries in its JPEG comment (``placeholder_jpeg``:
    WeasyPrint writes a JPEG's bytes as they are); None for another object."""
    if image.get("/Subtype") != "/Image" or image.get("/Filter") != "/DCTDecode":
        return None
    data = image.read_raw_bytes()
    at = 2
    while at + 4 <= len(data) and data[at] == 0xFF and data[at + 1] != _START_OF_SCAN:
        end = at + 2 + int.from_bytes(data[at + 2 : at + 4], "big")
        if data[at + 1] == 0xFE and data[at + 4 : end].startswith(_COMMENT):
            return int(data[at + 4 + len(_COMMENT) : end])
        at = end
    return None


def _form(pdf: Any, chart: bytes, sources: list[Any]) -> Any:
    """``chart``'s first page as a form XObject of ``pdf`` whose box maps onto the unit square
    (where an image XObject is drawn); its document is added to ``sources``."""
    import pikepdf

    sources.append(pikepdf.open(io.BytesIO(chart)))
    page = sources[-1].pages[0]
    form = pdf.copy_foreign(page.as_form_xobject())
    left, bottom, right, top = (float(value) for value in form.BBox)
    width, height = right - left, top - bottom
    form.Matrix = pikepdf.Array([1 / width, 0, 0, 1 / height, -left / width, -bottom / height])
    return form


def with_charts(printed: bytes, charts: dict[int, bytes]) -> bytes:
    """The PDF ``printed`` (by WeasyPrint, from HTML with chart placeholders) with the charts
    spliced in."""
    import pikepdf

    if not charts:
        return printed
    pdf = pikepdf.open(io.BytesIO(printed))
    sources = splice(pdf, charts)  # noqa: F841 - open until saved
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
