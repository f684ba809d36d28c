"""The report as a PDF: the HTML of ``html.py`` laid out on A4 by WeasyPrint.

WeasyPrint runs no JavaScript (stack.md gotcha 9), which is why charts are pre-rendered SVG;
page size, running header, page numbers and the landscape appendix come from ``report.css``.
For speed the PDF's HTML differs from the HTML report in how, not what, it draws: charts drawn
by vl-convert and spliced into the placeholders WeasyPrint lays out (``pdf_charts.py``) and
``pdf.css``'s cheaper layouts of the same page. The PDF's text is the same page for page
(``tests/test_report_pdf.py``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from csc_scorecard.report.html import environment, to_html
from csc_scorecard.report.model import ReportContext
from csc_scorecard.report.pdf_charts import (
    chart_pdfs,
    charts_as_images,
    with_charts,
    without_charts,
)
from csc_scorecard.report.pdf_parallel import collection_paused, print_in_two


@cache
def print_stylesheet() -> str:
    """``templates/pdf.css``, read through the report's template loader."""
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, "pdf.css")[0]


def pdf_html(context: ReportContext) -> str:
    """The HTML WeasyPrint prints: ``to_html`` with charts as images and ``pdf.css`` last."""
    html = charts_as_images(to_html(context))
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
    with collection_paused():
        printed = HTML(string=without_charts(html)).write_pdf() or b""
    return with_charts(printed, chart_pdfs(html))


def render(context: ReportContext, path: str | Path) -> Path:
    """Write the report as PDF to ``path``."""
    path = Path(path)
    path.write_bytes(to_pdf(context))
    return path
