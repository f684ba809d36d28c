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
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENTATION, WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from csc_scorecard.report import docx_ooxml as ooxml
from csc_scorecard.report.model import (
    AppendixGroup,
    AppendixRow,
    Breakdown,
    Chart,
    ReportContext,
    Section,
)
from csc_scorecard.report.model import Paragraph as ReportParagraph
from csc_scorecard.report.model import Table as ReportTable
from csc_scorecard.wording import long_date

FONT = "Arial"  # council papers are set in Arial; Liberation Sans stands in where it is missing
INK = "1B1F2A"
NAVY = "1F2A44"
ACCENT = "1F5F8B"
GREY = "6B7280"
RULE = "C9CFD9"
SHADE = "F2F4F7"

# The report's RAG colours (report.css): fill and the text colour that reads on it.
RAG_FILLS: dict[str, tuple[str, str]] = {
    "green": ("2E7D32", "FFFFFF"),
    "amber": ("F0A30A", "2B2100"),
    "red": ("C62828", "FFFFFF"),
}
NO_RAG_FILL = ("D5D9E0", INK)  # information, not available, not reportable
DIRECTIONS = {
    "improving": "\u25b2 Improving",
    "worsening": "\u25bc Worsening",
    "unchanged": "\u25ba Unchanged",
}

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)  # A4
MARGIN = Cm(2.2)
LANDSCAPE_MARGIN = Cm(1.6)
TEXT_WIDTH_CM = 21.0 - 2 * 2.2
LANDSCAPE_TEXT_WIDTH_CM = 29.7 - 2 * 1.6
PNG_SCALE = 2.0  # chart pixels per SVG pixel: sharp on paper at the printed size
SVG_DPI = 96  # an SVG "px" is 1/96 inch


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


class _Paper:
    """Writes one report context into one Word document, top to bottom."""

    def __init__(self, context: ReportContext, committee: str | None) -> None:
        self.ctx = context
        self.committee = committee or "Committee"
        self.doc = Document()
        self.numbering = ooxml.ListNumbering(self.doc)
        self.footnotes = ooxml.Footnotes(self.doc)
        self.tables = 0
        self.figures = 0
        self.bookmarks = 0
        self.width_cm = TEXT_WIDTH_CM
        self.note_refs: dict[str, tuple[str, int]] = {}
        self.style_ids: dict[str, str] = {}
        self.pngs: dict[str, tuple[bytes, float]] = {}  # column -> (bookmark, printed number)

    def write(self) -> DocumentObject:
        self.pngs = chart_pngs(_charts(self.ctx))
        self._styles()
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

    # -- page, styles, properties ---------------------------------------------------------------

    def _page(self, section, *, landscape: bool) -> None:
        section.orientation = WD_ORIENTATION.LANDSCAPE if landscape else WD_ORIENTATION.PORTRAIT
        section.page_width, section.page_height = (
            (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
        )
        margin = LANDSCAPE_MARGIN if landscape else MARGIN
        section.left_margin = section.right_margin = margin
        section.top_margin = section.bottom_margin = Cm(2.0)
        section.header_distance = section.footer_distance = Cm(0.9)
        self.width_cm = LANDSCAPE_TEXT_WIDTH_CM if landscape else TEXT_WIDTH_CM

    def _new_section(self, *, landscape: bool) -> None:
        section = self.doc.add_section(WD_SECTION_START.NEW_PAGE)
        self._page(section, landscape=landscape)

    def _styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        _font(normal.font, size=11, colour=INK)
        # East-Asian and complex-script fonts too, or Word substitutes its theme font.
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        _language(normal, "en-GB")
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.1

        for level, size, caps in ((1, 12, True), (2, 12, False), (3, 11, False)):
            style = styles[f"Heading {level}"]
            _font(style.font, size=size, colour=NAVY, bold=True, italic=False)
            style.font.all_caps = caps
            style.paragraph_format.space_before = Pt(18 if level == 1 else 12)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.keep_with_next = True

        title = styles["Title"]
        _font(title.font, size=18, colour=NAVY, bold=True)
        title.paragraph_format.space_after = Pt(6)
        # The built-in Title style draws a rule under itself; a committee paper's title has none.
        p_pr = title.element.get_or_add_pPr()
        for border in p_pr.findall(qn("w:pBdr")):
            p_pr.remove(border)
        r_pr = title.element.get_or_add_rPr()
        for tag in ("w:spacing", "w:kern"):  # letter-spacing and kerning of the built-in Title
            for found in r_pr.findall(qn(tag)):
                r_pr.remove(found)

        caption = styles["Caption"]
        _font(caption.font, size=9, colour=NAVY, bold=True, italic=False)
        caption.paragraph_format.space_before = Pt(8)
        caption.paragraph_format.space_after = Pt(3)
        caption.paragraph_format.keep_with_next = True

        self._add_style("Report Paragraph", "Normal", space_after=8)
        self._add_style("Report Bullet", "Normal", space_after=3)
        self._add_style("Table Text", "Normal", size=9, space_after=0, line_spacing=1.0)
        self._add_style(
            "Table Small", "Normal", size=7.5, space_after=0, line_spacing=1.0, colour=GREY
        )
        self._add_style(
            "Table Heading",
            "Normal",
            size=9,
            space_after=0,
            line_spacing=1.0,
            bold=True,
            colour="FFFFFF",
        )
        self._add_style("Note", "Normal", size=9, space_after=4, colour=GREY)
        self._add_style("Banner", "Normal", size=10, space_after=0)
        self._add_style("Figure", "Normal", space_after=0, keep_with_next=True)
        # Word's own footnote styles (built-in names are lower case), so footnotes an officer
        # adds in Word look like these.
        self._add_style(
            ooxml.Footnotes.text_style, "Normal", size=8, space_after=0, line_spacing=1.0
        )
        reference = styles.add_style(ooxml.Footnotes.reference_style, WD_STYLE_TYPE.CHARACTER)
        reference.font.superscript = True
        for style, style_id in (
            (styles[ooxml.Footnotes.text_style], "FootnoteText"),
            (reference, "FootnoteReference"),
        ):
            style.element.styleId = style_id
            style.element.attrib.pop(qn("w:customStyle"), None)

        for name in ("Header", "Footer"):
            _font(styles[name].font, size=8, colour=GREY)
        self.style_ids = {s.name: s.style_id for s in styles}

    def _add_style(
        self,
        name: str,
        base: str,
        *,
        size: float | None = None,
        space_after: float | None = None,
        line_spacing: float | None = None,
        bold: bool | None = None,
        colour: str | None = None,
        keep_with_next: bool | None = None,
    ) -> None:
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.doc.styles[base]
        style.quick_style = True
        _font(style.font, size=size, bold=bold, colour=colour)
        if space_after is not None:
            style.paragraph_format.space_after = Pt(space_after)
        if line_spacing is not None:
            style.paragraph_format.line_spacing = line_spacing
        if keep_with_next is not None:
            style.paragraph_format.keep_with_next = keep_with_next

    def _header_footer(self) -> None:
        ctx = self.ctx
        section = self.doc.sections[0]
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        header.add_run(f"{ctx.authority.name} | {ctx.period.label} performance report")
        if ctx.synthetic:
            header.add_run(" | ")
            marker = header.add_run("SYNTHETIC DATA")
            marker.bold = True
            marker.font.color.rgb = RGBColor.from_string(RAG_FILLS["red"][0])
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(
            ("For publication" if ctx.publication.enabled else "Internal: not for publication")
            + "   |   Page "
        )
        ooxml.field(footer, "PAGE", "1")
        footer.add_run(" of ")
        ooxml.field(footer, "NUMPAGES", "1")

    def _properties(self) -> None:
        ctx = self.ctx
        props = self.doc.core_properties
        props.title = f"{ctx.title} | {ctx.authority.name}"
        props.subject = f"{ctx.period.label} ({ctx.period.start_text} to {ctx.period.end_text})"
        props.author = ctx.authority.name
        props.last_modified_by = f"csc-scorecard {ctx.provenance.software_version}"
        props.keywords = "; ".join(
            ["children's social care", "performance report", ctx.period.id]
            + (["SYNTHETIC DATA"] if ctx.synthetic else [])
            + (["for publication"] if ctx.publication.enabled else ["internal"])
        )
        props.comments = (
            f"Generated by csc-scorecard {ctx.provenance.software_version} from report context schema "
            f"{ctx.schema_version}, store {ctx.provenance.store}."
        )
        props.category = "Committee report"
        props.revision = 1
        generated = ctx.provenance.generated_at.replace(tzinfo=None)
        props.created = props.modified = generated

    # -- title block ----------------------------------------------------------------------------

    def _title_block(self) -> None:
        ctx = self.ctx
        if ctx.paper is not None:
            self.doc.add_paragraph(ctx.paper.meeting_date_text)
            self.doc.add_paragraph(ctx.paper.addressed_to)
        else:
            self.doc.add_paragraph(long_date(ctx.provenance.generated_at.date()))
            self.doc.add_paragraph(f"To the Members of the {self.committee}")
        authority = self.doc.add_paragraph()
        authority.paragraph_format.space_before = Pt(12)
        authority.paragraph_format.space_after = Pt(2)
        run = authority.add_run(ctx.authority.name)
        _font(run.font, size=12, bold=True, colour=ACCENT)
        run.font.all_caps = True
        self._add(ctx.paper.title if ctx.paper and ctx.paper.title else ctx.title, "Title")
        if ctx.paper is not None:
            self._grid(
                [
                    ("Relevant cabinet member(s)", 8.6, "left"),
                    ("Wards affected", 4.0, "left"),
                    ("Key decision", 4.0, "left"),
                ],
                [["; ".join(ctx.paper.cabinet_members), ctx.paper.wards, ctx.paper.key_decision]],
                description=f"{ctx.paper.committee}: cabinet member, wards and key decision",
            )
        period = self.doc.add_paragraph(
            f"{ctx.period.label}: {ctx.period.start_text} to {ctx.period.end_text}"
        )
        _font(period.runs[0].font, size=12, colour=GREY)

        facts = [
            (
                "Authority",
                f"{ctx.authority.name} (DfE LA {ctx.authority.la_code}"
                + (f", {ctx.authority.region})" if ctx.authority.region else ")"),
            ),
            ("Period", f"{ctx.period.label} ({ctx.period.start_text} to {ctx.period.end_text})"),
            ("Produced", long_date(ctx.provenance.generated_at.date())),
            (
                "Status",
                (
                    "For publication (small numbers suppressed)"
                    if ctx.publication.enabled
                    else "Internal"
                )
                + ("; synthetic data" if ctx.synthetic else ""),
            ),
        ]
        widths = (5.4, 4.6, 2.8, 3.8)  # authority and period are the longest
        table = self._grid(
            [(label, width, "left") for (label, _), width in zip(facts, widths, strict=True)],
            [[value for _, value in facts]],
            description="Report details",
        )
        table.alignment = WD_TABLE_ALIGNMENT.CENTER

        if ctx.synthetic:
            self._banner(
                "SYNTHETIC DATA",
                "This report was produced from a synthetic local authority generated by scorecard synth. "
                "No figure describes real children.",
                fill="FCE8E6",
                edge=RAG_FILLS["red"][0],
            )
        if ctx.publication.enabled:
            self._banner(
                "Publication version.", ctx.publication.note or "", fill="E8F1FA", edge=ACCENT
            )
        else:
            self._banner(
                "Internal report.",
                "Figures are not suppressed; do not publish this version.",
                fill=SHADE,
                edge=RULE,
            )
        self._rag_strip()

    def _banner(self, label: str, text: str, *, fill: str, edge: str) -> None:
        table = self.doc.add_table(rows=1, cols=1)
        ooxml.borders(table, edge, 8)
        ooxml.fixed_layout(table)
        ooxml.cell_margins(table, top_cm=0.15, bottom_cm=0.15, side_cm=0.25)
        cell = table.cell(0, 0)
        cell.width = Cm(self.width_cm)
        ooxml.shade(cell, fill)
        paragraph = cell.paragraphs[0]
        self._use(paragraph, "Banner")
        paragraph.add_run(label).bold = True
        if text:
            paragraph.add_run(f" {text}")
        self._spacer()

    def _rag_strip(self) -> None:
        """Four coloured boxes with the quarter's counts, each saying what it counts."""
        summary, framework = self.ctx.performance.summary, self.ctx.performance.framework
        if summary is None or not framework:
            return
        lead = self.doc.add_paragraph(f"{framework}: {summary.total} indicators")
        lead.runs[0].bold = True
        lead.paragraph_format.keep_with_next = True
        boxes = [
            (summary.green, "green", RAG_FILLS["green"]),
            (summary.amber, "amber", RAG_FILLS["amber"]),
            (summary.red, "red", RAG_FILLS["red"]),
            (summary.without_data, "no data", NO_RAG_FILL),
        ]
        table = self.doc.add_table(rows=1, cols=len(boxes))
        ooxml.borders(table, "FFFFFF", 24)
        ooxml.fixed_layout(table)
        ooxml.table_description(
            table, "Indicators by rating", ", ".join(f"{n} {word}" for n, word, _ in boxes)
        )
        for cell, (n, word, (fill, ink)) in zip(table.rows[0].cells, boxes):
            cell.width = Cm(self.width_cm / len(boxes))
            ooxml.shade(cell, fill)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            number = paragraph.add_run(f"{n}")
            _font(number.font, size=18, bold=True, colour=ink)
            label = paragraph.add_run(f"\n{word}")
            _font(label.font, size=9, colour=ink)
        self._spacer()

    def _use(self, paragraph: Paragraph, style: str) -> Paragraph:
        """Give ``paragraph`` the style by id: python-docx's look-up by name scans every style
        in the document each time, which was most of the rendering time."""
        paragraph._p.style = self.style_ids[style]
        return paragraph

    def _add(self, text: str = "", style: str | None = None, *, container=None) -> Paragraph:
        paragraph = (container if container is not None else self.doc).add_paragraph(text)
        return self._use(paragraph, style) if style else paragraph

    def _spacer(self) -> None:
        p = self.doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        _font(p.add_run().font, size=4)

    # -- the body: sections, paragraphs, tables, charts -----------------------------------------

    def _body(self) -> None:
        """Committee-paper order: executive summary, the paper's front matter (exemption,
        recommendations, citizens), the body under "Background and current position", then the
        paper's back matter (objectives, implications, consultation, contact officers)."""
        parts: dict[str, list[Section]] = {"summary": [], "front": [], "body": [], "back": []}
        for section in self.ctx.sections:
            parts[self.ctx.part_of(section)].append(section)
        front, rest, back = parts["front"], parts["body"], parts["back"]
        for summary in parts["summary"]:
            self._section(summary, level=1)
        for section in front:
            self._section(section, level=1)
        if self.ctx.paper is None:
            self._recommendations()
        if rest:
            self.doc.add_heading("Background and current position", level=1)
            for section in rest:
                self._section(section, level=2)
        for section in back:
            self._section(section, level=1)

    def _recommendations(self) -> None:
        """The decision asked of members. A performance report asks them to note it; the context
        has no recommendation of its own, and this paragraph is left unnumbered so that the
        numbers stay those of the report context."""
        ctx = self.ctx
        self.doc.add_heading("Recommendations", level=1)
        p = self.doc.add_paragraph(
            f"Members are asked to note the performance of children's social care in {ctx.authority.name} "
            f"for {ctx.period.label}, set out in this report and in Appendix 1.",
            style="Report Paragraph",
        )
        p.paragraph_format.left_indent = Cm(1.0)

    def _section(self, section: Section, level: int) -> None:
        self.doc.add_heading(section.title, level=min(level, 3))
        tied = {b.measure for b in section.breakdowns}
        for chart in section.charts:
            if chart.measures[:1] and chart.measures[0] in tied:
                continue
            self._chart(chart)
        for paragraph in section.paragraphs:
            self._paragraph(paragraph)
        for breakdown in section.breakdowns:
            self._breakdown(breakdown)
            for chart in section.charts:
                if chart.kind == "breakdown" and chart.measures[:1] == [breakdown.measure]:
                    self._chart(chart)
        for table in section.tables:
            self._plain_table(table)
        if section.figures:
            self._figures_table(section)
        for sub in section.subsections:
            self._section(sub, level + 1)
        for note in section.notes:
            self._add(note, "Note")

    def _paragraph(self, paragraph: ReportParagraph) -> None:
        p = self._add(" ".join(s.text for s in paragraph.sentences), "Report Paragraph")
        if paragraph.kind == "placeholder":  # an empty mandatory slot: impossible to miss
            for run in p.runs:
                _font(run.font, bold=True, colour=RAG_FILLS["red"][0])
        if paragraph.number is not None:
            self.numbering.number(p, paragraph.number)
        else:
            p.paragraph_format.left_indent = Cm(1.0)
        if paragraph.bullets:
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.space_after = Pt(3)
        for i, bullet in enumerate(paragraph.bullets):
            b = self._add(bullet.text, "Report Bullet")
            self.numbering.bullet(b)
            if i == len(paragraph.bullets) - 1:
                b.paragraph_format.space_after = Pt(8)

    def _caption(self, kind: str, text: str) -> Paragraph:
        """'Table 3: ...' or 'Figure 2: ...', numbered by a SEQ field (Word's own caption
        numbering, so a table of figures can be generated from them)."""
        if kind == "Table":
            self.tables += 1
            number = self.tables
        else:
            self.figures += 1
            number = self.figures
        p = self._add(style="Caption")
        p.add_run(f"{kind} ")
        ooxml.field(p, f"SEQ {kind} \\* ARABIC", str(number))
        p.add_run(f": {text}")
        return p

    def _figures_table(self, section: Section) -> None:
        ctx = self.ctx
        title = f"Key figures: {section.title[0].lower()}{section.title[1:]}"
        self._caption("Table", title)
        rows = []
        for r in section.figures:
            current: list[tuple[str, str]] = [("Table Text", r.current_display)]
            if r.note:
                current.append(("Table Small", r.note))
            based_on = (
                f"{r.numerator_display} / {r.denominator_display}" if r.denominator_display else ""
            )
            rows.append([r.title, r.year_earlier_display, r.previous_display, current, based_on])
        columns = [
            ("Measure", 7.1, "left"),
            (ctx.year_earlier.label, 2.2, "right"),
            (ctx.previous.label, 2.2, "right"),
            (ctx.period.label, 2.6, "right"),
            ("Based on", 2.5, "right"),
        ]
        self._grid(columns, rows, description=title, bold_current=3)

    def _breakdown(self, b: Breakdown) -> None:
        ctx = self.ctx
        title = f"{b.title}, {ctx.period.label}" + (
            f" (of {b.denominator_display})" if b.denominator_display else ""
        )
        self._caption("Table", title)
        counted = b.unit != "count"
        columns = [("Category", 8.6 if counted else 10.6, "left")]
        if counted:
            columns.append(("Number", 2.0, "right"))
        columns += [(ctx.period.short, 2.0, "right"), (ctx.previous.short, 2.0, "right")]
        rows = [
            [
                row.label,
                *([row.numerator_display] if counted else []),
                row.display,
                row.previous_display,
            ]
            for row in b.rows
        ]
        self._grid(columns, rows, description=title, width_cm=sum(c[1] for c in columns))
        if b.note:
            self._add(b.note, "Note")

    def _plain_table(self, t: ReportTable) -> None:
        self._caption("Table", t.title)
        widths = _widths(t.columns, t.rows, self.width_cm)
        numeric = [
            all(_looks_numeric(r[i]) for r in t.rows if i < len(r) and r[i])
            for i in range(len(t.columns))
        ]
        columns = [(c, w, "right" if n else "left") for c, w, n in zip(t.columns, widths, numeric)]
        self._grid(columns, [list(r) for r in t.rows], description=t.title, size=8.5)
        if t.note:
            self._add(t.note, "Note")

    def _grid(
        self,
        columns: Sequence[tuple[str, float, str]],
        rows: Sequence[Sequence[object]],
        *,
        description: str,
        width_cm: float | None = None,
        size: float | None = None,
        bold_current: int | None = None,
        header_cells: Callable[[int, Paragraph], None] | None = None,
    ) -> Table:
        """A table with a navy header row repeated on every page. A cell is text, a list of
        (style, text) lines, or a function that fills the cell."""
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        ooxml.borders(table, RULE, 4)
        ooxml.fixed_layout(table)
        ooxml.cell_margins(table)
        ooxml.table_description(table, description)
        scale = 1.0
        total = sum(c[1] for c in columns)
        if total > (width_cm or self.width_cm) + 0.01:
            scale = (width_cm or self.width_cm) / total
        widths = [Cm(w * scale) for _, w, _ in columns]
        for column, width in zip(table.columns, widths):
            column.width = width
        header = table.rows[0]
        ooxml.repeat_header(header)
        ooxml.keep_row_together(header)
        for i, (cell, (text, _, align)) in enumerate(zip(header.cells, columns)):
            cell.width = widths[i]
            ooxml.shade(cell, NAVY)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
            paragraph = cell.paragraphs[0]
            self._use(paragraph, "Table Heading")
            paragraph.alignment = _ALIGN[align]
            paragraph.add_run(text)
            if header_cells is not None:
                header_cells(i, paragraph)
        for values in rows:
            row = table.add_row()
            ooxml.keep_row_together(row)
            for i, (cell, value) in enumerate(zip(row.cells, values)):
                cell.width = widths[i]
                paragraph = cell.paragraphs[0]
                self._use(paragraph, "Table Text")
                paragraph.alignment = _ALIGN[columns[i][2]]
                if callable(value):
                    value(cell)
                elif isinstance(value, list):
                    for j, (style, text) in enumerate(value):
                        target = paragraph if j == 0 else self._add(style=style, container=cell)
                        target.alignment = _ALIGN[columns[i][2]]
                        if j == 0 and style != "Table Text":
                            self._use(target, style)
                        run = target.add_run(text)
                        if i == bold_current and j == 0:
                            run.bold = True
                else:
                    run = paragraph.add_run("" if value is None else str(value))
                    if i == bold_current:
                        run.bold = True
                if size:
                    for p in cell.paragraphs:
                        for run in p.runs:
                            if run.font.size is None:
                                run.font.size = Pt(size)
        self._spacer()
        return table

    def _chart(self, chart: Chart, width_cm: float | None = None, container=None) -> None:
        """The chart as a PNG from its SVG, its alt text on the picture, and a caption."""
        png, natural_cm = self.pngs[chart.id] if chart.id in self.pngs else chart_png(chart)
        width = min(width_cm or natural_cm, self.width_cm)
        paragraph = self._add(style="Figure", container=container)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if container is not None:  # in a grid cell there is no caption to keep it with
            paragraph.paragraph_format.keep_with_next = False
            paragraph.paragraph_format.space_after = Pt(8)
        shape = paragraph.add_run().add_picture(BytesIO(png), width=Cm(width))
        ooxml.alt_text(shape, chart.alt_text, chart.title)
        if container is None:
            caption = self._caption("Figure", chart.title)
            # A caption below a figure: keep it with the figure, not with what follows.
            caption.paragraph_format.keep_with_next = False
            caption.paragraph_format.space_before = Pt(2)

    # -- acronyms and appendices ------------------------------------------------------------------

    def _acronyms(self) -> None:
        if not self.ctx.acronyms:
            return
        self.doc.add_heading("Acronyms", level=1)
        table = self.doc.add_table(rows=0, cols=2)
        ooxml.no_borders(table)
        ooxml.fixed_layout(table)
        ooxml.table_description(table, "Acronyms used in this report")
        for a in self.ctx.acronyms:
            cells = table.add_row().cells
            for cell, text, width, bold in (
                (cells[0], a.term, 2.5, True),
                (cells[1], a.meaning, self.width_cm - 2.5, False),
            ):
                cell.width = Cm(width)
                paragraph = cell.paragraphs[0]
                self._use(paragraph, "Table Text")
                paragraph.paragraph_format.space_after = Pt(2)
                paragraph.add_run(text).bold = bold

    def _appendix_performance(self) -> None:
        ctx = self.ctx
        self._new_section(landscape=True)
        self.doc.add_heading(
            f"Appendix 1: Performance against targets, {ctx.period.label}", level=1
        )
        target_note, comparator_note, other_notes = _split_notes(ctx.appendix_notes)
        for group in ctx.appendix:
            self._appendix_group(group, target_note, comparator_note)
        if other_notes:
            heading = self._add("Notes", "Note")
            heading.runs[0].bold = True
            heading.paragraph_format.keep_with_next = True
            for note in other_notes:
                p = self._add(note, "Note")
                self.numbering.bullet(p)

    def _appendix_group(self, group: AppendixGroup, target_note: str, comparator_note: str) -> None:
        ctx = self.ctx
        self.doc.add_heading(group.title, level=2)
        summary = self._add(group.summary_text, "Note")
        summary.paragraph_format.keep_with_next = True
        columns = [
            ("Ref", 1.2, "left"),
            ("Measure", 6.0, "left"),
            ("Target (tolerance)", 2.3, "right"),
            ("Comparator", 2.7, "right"),
            (ctx.previous.short, 1.7, "right"),
            (ctx.period.short, 2.0, "right"),
            ("RAG", 1.9, "center"),
            ("Direction", 2.3, "left"),
            ("Commentary", 6.4, "left"),
        ]
        notes = {2: ("target", target_note), 3: ("comparator", comparator_note)}

        def header(i: int, paragraph: Paragraph) -> None:
            if i not in notes:
                return
            key, text = notes[i]
            if key not in self.note_refs:
                number, run = self.footnotes.add(paragraph, text)
                self.bookmarks += 1
                name = f"_Ref_{key}_note"
                ooxml.bookmark(paragraph, name, [run], self.bookmarks)
                self.note_refs[key] = (name, number)
            else:  # a later table repeats the same note number, as the seed's headings do
                name, number = self.note_refs[key]
                ooxml.field(
                    paragraph,
                    f"NOTEREF {name} \\f \\h",
                    str(number),
                    style=ooxml.Footnotes.reference_style,
                )

        rows = [self._appendix_row(r) for r in group.rows]
        self._grid(
            columns,
            rows,
            description=f"{group.title}: {group.summary_text}",
            size=8.5,
            header_cells=header,
        )

    def _appendix_row(self, r: AppendixRow) -> list[object]:
        current: list[tuple[str, str]] = [("Table Text", r.current)]
        if r.numerator and r.denominator:
            current.append(("Table Small", f"{r.numerator} / {r.denominator}"))
        if r.window:
            current.append(("Table Small", r.window))
        target: list[tuple[str, str]] = [("Table Text", r.target)]
        if r.target_words:
            target.append(("Table Small", r.target_words))
        comparator: list[tuple[str, str]] = [("Table Text", "")] if not r.comparators else []
        for c in r.comparators:  # every comparator: figure, heading, then basis and window
            comparator.append(("Table Text", c.display or "not published"))
            comparator.append(("Table Small", c.heading))
            if c.note:
                comparator.append(("Table Small", c.note))
        direction: list[tuple[str, str]] = [("Table Text", DIRECTIONS.get(r.direction or "", ""))]
        if r.small_numbers:
            direction.append(("Table Small", "small numbers"))

        def rag(cell: _Cell) -> None:
            fill, ink = RAG_FILLS.get(r.rag or "", NO_RAG_FILL)
            ooxml.shade(cell, fill)
            run = cell.paragraphs[0].add_run(r.status_label)
            run.bold = r.rag is not None
            run.font.color.rgb = RGBColor.from_string(ink)

        def commentary(cell: _Cell) -> None:
            paragraph = cell.paragraphs[0]
            if r.commentary_kind == "draft":
                label = paragraph.add_run("Draft: ")
                label.italic = True
                label.font.color.rgb = RGBColor.from_string(GREY)
            paragraph.add_run(r.commentary)
            if r.commentary_author:
                author = paragraph.add_run(f" ({r.commentary_author})")
                author.font.color.rgb = RGBColor.from_string(GREY)

        return [
            r.item,
            r.title,
            target,
            comparator,
            r.previous,
            current,
            rag,
            direction,
            commentary,
        ]

    def _appendix_trends(self) -> None:
        ctx = self.ctx
        if not ctx.trends:
            self._new_section(landscape=False)
            return
        self._new_section(landscape=False)
        n = len(ctx.trend_periods)
        self.doc.add_heading(f"Appendix 2: Trends over {n} quarters", level=1)
        self.doc.add_paragraph(
            f"Each chart shows the indicator for the {n} quarters to {ctx.period.label}, with its target "
            "(solid green), tolerance (dashed amber) and comparator (dotted grey) where it has them. Quarters "
            "before the data begins are left out. Each chart's description (alt text) gives its figures in words.",
            style="Report Paragraph",
        )
        per_row = 2
        table = self.doc.add_table(rows=0, cols=per_row)
        ooxml.no_borders(table)
        ooxml.fixed_layout(table)
        ooxml.table_description(table, f"Trend charts, {n} quarters to {ctx.period.label}")
        cell_width = self.width_cm / per_row
        for start in range(0, len(ctx.trends), per_row):
            row = table.add_row()
            ooxml.keep_row_together(row)
            for cell, chart in zip(row.cells, ctx.trends[start : start + per_row]):
                cell.width = Cm(cell_width)
                # Drop the empty first paragraph python-docx puts in a new cell.
                first = cell.paragraphs[0]
                self._chart(chart, width_cm=cell_width - 0.3, container=cell)
                first._p.getparent().remove(first._p)
            for cell in row.cells[len(ctx.trends[start : start + per_row]) :]:
                cell.width = Cm(cell_width)

    def _appendix_definitions(self) -> None:
        from csc_scorecard.report.html import used_definitions

        self.doc.add_heading("Appendix 3: Definitions and sources", level=1)
        rows = []
        for d in used_definitions(self.ctx):
            rows.append(
                [[("Table Text", d.title), ("Table Small", d.measure)], d.definition, d.source]
            )
        self._grid(
            [("Measure", 4.2, "left"), ("Definition", 8.4, "left"), ("Source", 4.0, "left")],
            rows,
            description="Definitions and sources of the measures in this report",
            size=8,
        )
        for row in self.doc.tables[-1].rows[1:]:
            row.cells[0].paragraphs[0].runs[0].bold = True

    def _appendix_provenance(self) -> None:
        prov = self.ctx.provenance
        self.doc.add_heading("Appendix 4: Data provenance", level=1)
        self.doc.add_paragraph(prov.statement, style="Report Paragraph")
        for table in prov.tables:
            self.doc.add_heading(table.title, level=2)
            widths = _PROVENANCE_WIDTHS[table.id]
            self._grid(
                [
                    (heading, width, "right" if numeric else "left")
                    for heading, width, numeric in zip(
                        table.columns, widths, table.numeric, strict=True
                    )
                ],
                table.rows,
                description=table.description,
                size=8,
            )


# -- helpers ----------------------------------------------------------------------------------------

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}
_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')
_TOLERANCE_NOTE = re.compile(r"\btolerance\b", re.IGNORECASE)
# A note *about* comparators ("Comparator information for ...", "... the comparator is ..."),
# not one that merely lists the comparator among other things.
_COMPARATOR_NOTE = re.compile(r"^\s*comparator|\bthe comparator is\b", re.IGNORECASE)
_NUMERIC = re.compile(r"^[£$]?-?[\d,]+(\.\d+)?%?$")
# Column widths (cm) of the provenance appendix's tables (report/provenance_text.py), by table.
_PROVENANCE_WIDTHS = {
    "loads": (1.1, 3.0, 4.4, 2.9, 2.3, 1.4, 1.5),
    "population": (1.6, 1.4, 2.8, 2.0, 4.4, 4.4),
    "comparators": (4.6, 1.6, 5.4, 2.4, 2.6),
    "settings": (9.0, 7.6),
}


def chart_png(chart: Chart, scale: float = PNG_SCALE) -> tuple[bytes, float]:
    """The chart's SVG as PNG bytes (vl-convert, offline) and its natural width in cm."""
    import vl_convert as vlc  # imported here: the renderer loads without the chart engine

    png = vlc.svg_to_png(chart.svg, scale=scale)
    found = _SIZE.search(chart.svg)
    width_px = float(found.group(1)) if found else 600.0
    return png, width_px / SVG_DPI * 2.54


def chart_pngs(charts: Iterable[Chart]) -> dict[str, tuple[bytes, float]]:
    """``chart_png`` of each chart by id, converted on a few threads (vl-convert's resvg runs
    outside the GIL): rasterising is most of the time a report takes to write."""
    unique = {c.id: c for c in charts}
    workers = max(1, min(4, os.cpu_count() or 1, len(unique)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(unique, pool.map(chart_png, unique.values()), strict=True))


def _charts(context: ReportContext) -> list[Chart]:
    """Every chart the paper shows: in the sections (and subsections), then the trends."""
    found: list[Chart] = []

    def walk(section: Section) -> None:
        found.extend(section.charts)
        for sub in section.subsections:
            walk(sub)

    for section in context.sections:
        walk(section)
    return found + list(context.trends)


def _font(
    font,
    *,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    colour: str | None = None,
) -> None:
    font.name = FONT
    # A theme font (w:asciiTheme, ...) wins over w:ascii; the built-in heading and title styles
    # name the theme's Calibri Light/Cambria, so drop the theme reference.
    fonts = font._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:cs"), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if colour is not None:
        font.color.rgb = RGBColor.from_string(colour)


def _language(style, tag: str) -> None:
    r_pr = style.element.get_or_add_rPr()
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), tag)


def _split_notes(notes: list[str]) -> tuple[str, str, list[str]]:
    """The appendix notes as the seed prints them: the one about tolerances becomes the footnote
    on "Target (tolerance)", those about comparators the footnote on "Comparator", the rest are
    listed under the tables. (The context gives notes as plain text, so this goes by their words.)"""
    target = next((n for n in notes if _TOLERANCE_NOTE.search(n)), None)
    comparators = [n for n in notes if n != target and _COMPARATOR_NOTE.search(n)]
    rest = [n for n in notes if n != target and n not in comparators]
    target_text = (
        target or "Figure in brackets is the tolerance. Not all measures have a tolerance."
    )
    comparator_text = " ".join(comparators) or "Not all measures have comparator data."
    return target_text, comparator_text, rest


def _looks_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text.strip()))


def _widths(header: list[str], rows: list[list[str]], total: float) -> list[float]:
    """Column widths in cm summing to ``total``: each column gets room for its longest word
    (so nothing breaks mid-word) plus a share for its typical text length."""

    def words(text: str) -> int:
        return max((len(w) for w in text.split()), default=0)

    weights = []
    for i, title in enumerate(header):
        cells = [r[i] for r in rows if i < len(r)]
        longest_word = max([words(title)] + [words(c) for c in cells])
        typical = sum(len(c) for c in cells) / len(cells) if cells else len(title)
        weights.append(max(longest_word + 1.5, min(typical, 45) * 0.9))
    whole = sum(weights) or 1
    return [total * w / whole for w in weights]
