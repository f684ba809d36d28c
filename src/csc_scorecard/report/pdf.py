"""The report as a PDF: the HTML of ``html.py`` laid out on A4 by WeasyPrint.

WeasyPrint runs no JavaScript (stack.md gotcha 9), which is why charts are pre-rendered SVG;
page size, running header, page numbers and the landscape appendix come from ``report.css``.
"""

from __future__ import annotations

from pathlib import Path

from csc_scorecard.report.html import to_html
from csc_scorecard.report.model import ReportContext


def to_pdf(context: ReportContext) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs about a second

    # Title and author come from the page's <title> and <meta name="author">.
    return HTML(string=to_html(context)).write_pdf() or b""


def render(context: ReportContext, path: str | Path) -> Path:
    """Write the report as PDF to ``path``."""
    path = Path(path)
    path.write_bytes(to_pdf(context))
    return path
