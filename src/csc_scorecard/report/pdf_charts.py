"""The report's charts as the PDF draws them: the same SVG, leaner, as an image.

The HTML report carries each chart as inline SVG (``charts.py``, drawn by Vega). Printed inline,
WeasyPrint parses every one of its ~4,400 SVG elements as HTML, computes a CSS style for each
and then parses the chart again as SVG; as an ``<img>`` the chart is parsed once, by the SVG
reader alone. Vega's screen-reader structure (``role``, ``aria-*``, ``class``), hidden
elements, empty paths and groups that carry nothing are dropped first: the PDF does not tag
them, and each node costs WeasyPrint a graphics state when drawing. What is drawn is unchanged:
every line, shape and piece of text, at the same size (``tests/test_report_pdf.py`` compares
the text of every page with the inline-SVG rendering).
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET

SVG_NS = "http://www.w3.org/2000/svg"
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
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


def svg_image(svg: str) -> str:
    """An ``<img>`` of the chart ``svg`` at its own width and height (a data URL)."""
    root = ET.fromstring(svg)
    width, height = root.get("width"), root.get("height")
    data = base64.b64encode(lean_svg(svg).encode("utf-8")).decode("ascii")
    size = f' width="{width}" height="{height}"' if width and height else ""
    # The chart's figure carries its accessible name (role="img" and aria-label).
    return f'<img class="chart-image" src="data:image/svg+xml;base64,{data}"{size} alt="">'


def charts_as_images(html: str) -> str:
    """``html`` with each inline ``<svg>`` chart replaced by its ``svg_image``."""
    return _SVG.sub(lambda match: svg_image(match.group(0)), html)
