"""The report as a PDF: the HTML of ``html.py`` laid out on A4 by WeasyPrint.

WeasyPrint runs no JavaScript (stack.md gotcha 9), which is why charts are pre-rendered SVG;
page size, running header, page numbers and the landscape appendix come from ``report.css``.
For speed the PDF's HTML differs from the HTML report in how, not what, it draws: charts drawn
by vl-convert and spliced into the placeholders WeasyPrint lays out (``pdf_charts.py``) and
``pdf.css``'s cheaper layouts of the same page. The PDF's text is the same page for page
(``tests/test_report_pdf.py``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from csc_scorecard.collector import paused
from csc_scorecard.report.html import environment, stylesheet, to_html
from csc_scorecard.report.model import ReportContext
from csc_scorecard.report.pdf_charts import (
    chart_pdfs,
    charts_as_images,
    with_charts,
    without_charts,
)
from csc_scorecard.report.pdf_parallel import print_in_two


@cache
def print_stylesheet() -> str:
    """``templates/pdf.css``, read through the report's template loader."""
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, "pdf.css")[0]


_VARIABLE = re.compile(r"^\s*(--[\w-]+):\s*([^;]+);", re.MULTILINE)
_VAR = re.compile(r"var\((--[\w-]+)\)")


@cache
def stylesheet_without_variables() -> str:
    """``report.css`` with each ``var(--name)`` written as the value its ``:root`` gives the
    name: the same colours, but WeasyPrint resolves a ``var()`` again for every element a rule
    matches (every table cell's border), about a fiftieth of each part's printing."""
    css = stylesheet()
    values = dict(_VARIABLE.findall(css))
    return _VAR.sub(lambda match: values[match.group(1)], css)


# A cited figure (``html.sentence_html``) whose text cannot break but at its spaces: letters,
# digits, "_", ".", ",", "%", "£", brackets, a "/" between digits, single inner spaces.
_UNBREAKABLE_CITE = re.compile(
    r'<span class="fig" data-ref="[^"]*">([\w.,%£()]+(?:(?: |(?<=\d)/(?=\d))[\w.,%£()]+)*)</span>'
)


# A cited text long enough to wrap (``html.sentence_html``): ``.fig-long`` gives it back the
# ``white-space: normal`` of the sentence around it, so its span changes nothing printed.
_WRAPPING_CITE = re.compile(r'<span class="fig fig-long" data-ref="[^"]*">([^<]*)</span>')


def cites_as_text(html: str) -> str:
    """``html`` with each unbreakable cited figure printed as its text, its spaces no-break
    spaces: how ``.fig { white-space: nowrap }`` prints it, without an inline box of its own.
    WeasyPrint breaks a line around every inline box in Python, so the ~1,000 cited figures of
    the demo paper cost about a sixth of the body's printing and a twelfth of the appendices'.
    A long cited text, which may wrap, is printed as its text too. The text is the same (a
    no-break space is extracted as a space); a line may now hold a word more (WeasyPrint had
    broken some lines early beside a box)."""
    html = _WRAPPING_CITE.sub(r"\1", html)
    return _UNBREAKABLE_CITE.sub(lambda match: match.group(1).replace(" ", "\u00a0"), html)


# A repeated element of the body or an appendix table with its anchor (id) and its first child.
_ANCHORED = re.compile(
    r'(<(?:section|div|table|figure) class="(?:report-section|para|key-figures|breakdown'
    r'|plain-table|appendix-table|chart)\b[^"]*") id="([^"]+)">(\s*<(?:h[2-6]|span|caption|div)\b)'
)


def anchors_inside(html: str) -> str:
    """``html`` with the anchor of each section, numbered paragraph, table and chart on its
    first child (heading, number, caption, picture), which begins where it begins. WeasyPrint
    shares a computed style only between elements with the same declarations and parent style,
    and an id is a declaration of its own: the demo paper's 41 sections, 74 paragraphs, 27
    tables and 44 charts each had every element inside them compute its styles again. The
    same named destinations (each at its element's first line) and links; ``pdf.css`` breaks
    the page before the summary's heading where ``report.css`` breaks it before its section."""
    return _ANCHORED.sub(r'\1>\3 id="\2"', html)


def pdf_html(context: ReportContext) -> str:
    """The HTML WeasyPrint prints: ``to_html`` with charts as images, unbreakable cited figures
    as text, anchors inside repeated elements, the stylesheet's variables as their values and
    ``pdf.css`` last."""
    html = anchors_inside(cites_as_text(charts_as_images(to_html(context))))
    html = html.replace(stylesheet(), stylesheet_without_variables(), 1)
    return html.replace("</head>", f"<style>\n{print_stylesheet()}</style>\n</head>", 1)


def to_pdf(context: ReportContext, *, processes: int = 2) -> bytes:
    """The report as PDF bytes. With ``processes=2`` (and where this process may fork) the
    paper's body and its appendices are printed side by side and joined (``pdf_parallel.py``):
    the same pages, in about the time of the longer part."""
    html = pdf_html(context)
    if processes > 1 and (joined := print_in_two(html)) is not None:
        return joined
    return print_in_one(html)


def print_in_one(html: str) -> bytes:
    """``html`` printed by WeasyPrint in this process, its charts spliced in."""
    from weasyprint import HTML  # imported here: loading Pango costs about a second

    # Title and author come from the page's <title> and <meta name="author">.
    with paused():
        printed = HTML(string=without_charts(html)).write_pdf() or b""
    return with_charts(printed, chart_pdfs(html))


def render(context: ReportContext, path: str | Path) -> Path:
    """Write the report as PDF to ``path``."""
    path = Path(path)
    path.write_bytes(to_pdf(context))
    return path
