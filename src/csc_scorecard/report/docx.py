"""The report as a Word committee paper (.docx), laid out the way English councils write them.

The seed report (``shared/seed/000_687d612fc8bff2f1.txt``) is the model: a title block (date,
"To the Members of ...", the title with the authority and quarter), upper-case main headings
(EXECUTIVE SUMMARY, RECOMMENDATIONS, BACKGROUND AND CURRENT POSITION), paragraphs numbered
once across the whole paper, bullet points under a paragraph where the seed lists, and
Appendix 1 as a landscape table of indicators whose "Target" and "Comp" headings carry
footnotes. Like every renderer it prints the report context and computes nothing: each
number, sentence and RAG comes from ``ReportContext`` (design.md, "One report context"), and
paragraph numbers are the context's, so a member quoting "paragraph 14" means the same
paragraph in the Word, PDF and HTML versions.

Word conventions kept so the paper can be edited and published as a council document:

* paragraph numbers and bullets are Word list numbering, not typed text;
* headings use Word's Heading 1-3 styles (navigation pane, table of contents);
* table header rows repeat on every page and rows do not split across pages;
* RAG cells are filled green, amber or red *and* say the word (never colour alone, WCAG 1.4.1);
* every chart is a PNG rendered offline from the context's SVG, with the context's alt text as
  the picture's description; tables carry a caption and a description for screen readers;
* the footer numbers the pages ("Page 3 of 24"); the header names the authority and quarter
  and says SYNTHETIC DATA when the figures are synthetic.

The paper is written by one object built from its parts, each a module: the document and what
everything writes with (``docx_writer.py``: pages, paragraphs, captions, the table grid,
charts), its look (``docx_style.py``), the front (``docx_cover.py``), the sections
(``docx_body.py``), the acronyms and appendices (``docx_appendix.py``), the charts as PNG
(``docx_charts.py``) and the raw OOXML python-docx has no API for (``docx_ooxml.py``).
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentObject

from csc_scorecard.report.docx_appendix import Appendices
from csc_scorecard.report.docx_body import Body
from csc_scorecard.report.docx_charts import chart_pngs, charts_in
from csc_scorecard.report.docx_cover import Cover
from csc_scorecard.report.docx_style import styles
from csc_scorecard.report.model import ReportContext


def render(context: ReportContext, path: str | Path, *, committee: str | None = None) -> Path:
    """Write the report as a Word document to ``path``.

    ``committee`` names the meeting the paper goes to ("To the Members of the ..."); the
    report context does not carry it, so without it the paper is addressed to "the Committee".
    """
    path = Path(path)
    build(context, committee=committee).save(str(path))
    return path


def build(context: ReportContext, *, committee: str | None = None) -> DocumentObject:
    """The report as a python-docx ``Document`` (not yet saved)."""
    return _Paper(context, committee).write()


class _Paper(Cover, Body, Appendices):
    """Writes one report context into one Word document, top to bottom."""

    def write(self) -> DocumentObject:
        self.pngs = chart_pngs(charts_in(self.ctx))
        self.style_ids = styles(self.doc)
        self._page(self.doc.sections[0], landscape=False)
        self._header_footer()
        self._properties()
        self._title_block()
        self._body()
        self._acronyms()
        self._appendix_performance()
        self._appendix_trends()
        self._appendix_definitions()
        self._appendix_provenance()
        return self.doc
