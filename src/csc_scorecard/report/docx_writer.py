"""The Word document being written (report/docx.py) and what every part of the paper writes
with: pages, styled paragraphs, numbered captions, the navy-headed table grid, pictures of
charts and banners."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence

from docx import Document
from docx.enum.section import WD_ORIENTATION, WD_SECTION_START
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.oxml.table import CT_Tc
from docx.parts.image import ImagePart
from docx.shape import InlineShape
from docx.shared import Cm, Length, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from csc_scorecard.report import docx_ooxml as ooxml
from csc_scorecard.report.docx_charts import chart_png
from csc_scorecard.report.docx_style import (
    LANDSCAPE_MARGIN,
    LANDSCAPE_TEXT_WIDTH_CM,
    MARGIN,
    NAVY,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    TEXT_WIDTH_CM,
    set_font,
)
from csc_scorecard.report.model import (
    Chart,
    ReportContext,
)

_TC, _P = qn("w:tc"), qn("w:p")
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


class Writer:
    """One report context being written into one Word document."""

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
        self.pngs: dict[str, tuple[bytes, float]] = {}  # chart id -> (PNG, natural width in cm)
        self.images: dict[str, ImagePart] = {}  # SHA-1 -> the package's part of that image
        self.shape_id: int | None = None  # the last picture's

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

    def _use(self, paragraph: Paragraph, style: str) -> Paragraph:
        """Give ``paragraph`` the style by id: python-docx's look-up by name scans every style
        in the document each time, which was most of the rendering time."""
        paragraph._p.style = self.style_ids[style]
        return paragraph

    def _add(self, text: str = "", style: str | None = None, *, container=None) -> Paragraph:
        paragraph = (container if container is not None else self.doc).add_paragraph()
        if text:  # as add_paragraph(text) writes it (`ooxml.text_run`)
            ooxml.text_run(paragraph, text)
        return self._use(paragraph, style) if style else paragraph

    def _heading(self, text: str, level: int) -> Paragraph:
        """A heading, as ``Document.add_heading`` writes it, its style given by id."""
        return self._add(text, f"Heading {level}")

    def _spacer(self) -> None:
        p = self.doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        set_font(p.add_run().font, size=4)

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

    def _grid(
        self,
        columns: Sequence[tuple[str, float, str]],
        rows: Sequence[Sequence[object]],
        *,
        description: str,
        width_cm: float | None = None,
        size: float | None = None,
        bold_column: int | None = None,
        header_cells: Callable[[int, Paragraph], None] | None = None,
    ) -> Table:
        """A table with a navy header row repeated on every page. A cell is text, a list of
        (style, text) lines, or a function that fills the cell; the first line of each row's
        ``bold_column`` is bold."""
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
        blank = None  # a body row as python-docx makes it, before its text: copied for each row
        lines: dict[tuple[str, str], object] = {}  # (style, align) -> a cell's further line
        for values in rows:
            if blank is None:
                row = table.add_row()
                ooxml.keep_row_together(row)
                for i, cell in enumerate(row.cells):
                    cell.width = widths[i]
                    paragraph = cell.paragraphs[0]
                    self._use(paragraph, "Table Text")
                    paragraph.alignment = _ALIGN[columns[i][2]]
                blank = copy.deepcopy(row._tr)
                tr = row._tr
            else:  # the same elements, copied at once (building each was most of Word's time)
                tr = copy.deepcopy(blank)
                table._tbl.append(tr)
            # Each cell's element and first paragraph read straight from the row: python-docx's
            # cells work out the table's grid for every row asked.
            for i, (tc, value) in enumerate(zip(tr.iterchildren(_TC), values)):
                paragraph = Paragraph(tc.find(_P), table)
                if callable(value):
                    cell = _Cell(tc, table)
                    value(cell)
                    if size:
                        for p in cell.paragraphs:
                            for run in p.runs:
                                if run.font.size is None:
                                    run.font.size = Pt(size)
                elif isinstance(value, list):
                    align = columns[i][2]
                    for j, (style, text) in enumerate(value):
                        if j == 0:  # the cell's paragraph, aligned already
                            target = paragraph
                            if style != "Table Text":
                                self._use(target, style)
                        else:
                            target = self._line(tc, table, style, align, lines)
                        bold = i == bold_column and j == 0
                        ooxml.text_run(target, text, bold=bold, size=size or None)
                else:
                    text = "" if value is None else str(value)
                    ooxml.text_run(paragraph, text, bold=i == bold_column, size=size or None)
        self._spacer()
        return table

    def _line(
        self, tc: CT_Tc, table: Table, style: str, align: str, made: dict[tuple[str, str], object]
    ) -> Paragraph:
        """A further line of a table cell: a paragraph in ``style`` and ``align`` added to the
        cell, as ``_add`` and the alignment write it (the first of each kind through them,
        then copies of it)."""
        key = (style, align)
        if key in made:
            p = copy.deepcopy(made[key])
            tc.append(p)
            return Paragraph(p, table)
        paragraph = self._add(style=style, container=_Cell(tc, table))
        paragraph.alignment = _ALIGN[align]
        made[key] = copy.deepcopy(paragraph._p)
        return paragraph

    def _chart(self, chart: Chart, width_cm: float | None = None, container=None) -> None:
        """The chart as a PNG from its SVG, its alt text on the picture, and a caption."""
        png, natural_cm = self.pngs[chart.id] if chart.id in self.pngs else chart_png(chart)
        width = min(width_cm or natural_cm, self.width_cm)
        paragraph = self._add(style="Figure", container=container)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if container is not None:  # in a grid cell there is no caption to keep it with
            paragraph.paragraph_format.keep_with_next = False
            paragraph.paragraph_format.space_after = Pt(8)
        shape = self._picture(paragraph, png, Cm(width))
        ooxml.alt_text(shape, chart.alt_text, chart.title)
        if container is None:
            caption = self._caption("Figure", chart.title)
            # A caption below a figure: keep it with the figure, not with what follows.
            caption.paragraph_format.keep_with_next = False
            caption.paragraph_format.space_before = Pt(2)

    def _picture(self, paragraph: Paragraph, png: bytes, width: Length) -> InlineShape:
        """``paragraph.add_run().add_picture(png, width=width)``, written as python-docx writes it
        but without the two searches it makes for each picture, which grow with the document:
        the hash of every image already in the package (to find a copy of this one) and the
        largest shape id in the whole document (the ids are counted on from it here)."""
        image = Image.from_blob(png)
        part = self.images.get(image.sha1)
        if part is None:  # named as python-docx names it: the next number of its images
            parts = self.doc.part.package.image_parts
            name = PackURI(f"/word/media/image{len(parts) + 1}.{image.ext}")
            part = self.images[image.sha1] = ImagePart.from_image(image, name)
            parts.append(part)
        rid = self.doc.part.relate_to(part, RT.IMAGE)
        cx, cy = image.scaled_dimensions(width, None)
        self.shape_id = self.doc.part.next_id if self.shape_id is None else self.shape_id + 1
        inline = CT_Inline.new_pic_inline(self.shape_id, rid, image.filename, cx, cy)
        paragraph.add_run()._r.add_drawing(inline)
        return InlineShape(inline)

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
