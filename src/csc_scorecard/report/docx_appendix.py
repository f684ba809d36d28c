"""The Word paper's back: acronyms, Appendix 1 (the framework's indicators, landscape, with
footnoted headings), Appendix 2 (trend charts), Appendix 3 (definitions) and Appendix 4 (data
provenance, as the context writes it)."""

from __future__ import annotations

import re

from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from csc_scorecard.report import docx_ooxml as ooxml
from csc_scorecard.report.docx_style import (
    DIRECTIONS,
    GREY,
    NO_RAG_FILL,
    RAG_FILLS,
)
from csc_scorecard.report.docx_writer import Writer
from csc_scorecard.report.model import (
    AppendixGroup,
    AppendixRow,
)

_TOLERANCE_NOTE = re.compile(r"\btolerance\b", re.IGNORECASE)
# A note *about* comparators ("Comparator information for ...", "... the comparator is ..."),
# not one that merely lists the comparator among other things.
_COMPARATOR_NOTE = re.compile(r"^\s*comparator|\bthe comparator is\b", re.IGNORECASE)
# Column widths (cm) of the provenance appendix's tables (report/provenance_text.py), by table.
_PROVENANCE_WIDTHS = {
    "loads": (1.1, 3.0, 4.4, 2.9, 2.3, 1.4, 1.5),
    "population": (1.6, 1.4, 2.8, 2.0, 4.4, 4.4),
    "comparators": (4.6, 1.6, 5.4, 2.4, 2.6),
    "settings": (9.0, 7.6),
}


class Appendices(Writer):
    """The acronyms and the four appendices."""

    def _acronyms(self) -> None:
        if not self.ctx.acronyms:
            return
        self._heading("Acronyms", 1)
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
        self._heading(f"Appendix 1: Performance against targets, {ctx.period.label}", 1)
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
        self._heading(group.title, 2)
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
            ooxml.text_run(paragraph, r.commentary)
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
        self._heading(f"Appendix 2: Trends over {n} quarters", 1)
        self.doc.add_paragraph(
            f"Each chart shows the indicator for the {n} quarters to {ctx.period.label}, with its target "
            "(solid green), tolerance (dashed amber) and comparator (dotted grey) where it has them. Quarters "
            "before the data begins are left out. Each chart's description (alt text) gives its figures in words."
            + (f" {note}" if (note := ctx.uncharted_note()) else ""),
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

        self._heading("Appendix 3: Definitions and sources", 1)
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
            bold_column=0,  # the measure's title
        )

    def _appendix_provenance(self) -> None:
        prov = self.ctx.provenance
        self._heading("Appendix 4: Data provenance", 1)
        self.doc.add_paragraph(prov.statement, style="Report Paragraph")
        for table in prov.tables:
            self._heading(table.title, 2)
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
