"""The Word paper's body: the sections in committee-paper order, with their numbered
paragraphs, key-figure tables, breakdowns, plain tables and charts."""

from __future__ import annotations

import re

from docx.shared import Cm, Pt

from csc_scorecard.report.docx_style import (
    RAG_FILLS,
    set_font,
)
from csc_scorecard.report.docx_writer import Writer
from csc_scorecard.report.model import (
    Breakdown,
    Section,
)
from csc_scorecard.report.model import Paragraph as ReportParagraph
from csc_scorecard.report.model import Table as ReportTable

_NUMERIC = re.compile(r"^[£$]?-?[\d,]+(\.\d+)?%?$")


class Body(Writer):
    """The sections of the report context, in reading order."""

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
            self._heading("Background and current position", 1)
            for section in rest:
                self._section(section, level=2)
        for section in back:
            self._section(section, level=1)

    def _recommendations(self) -> None:
        """The decision asked of members. A performance report asks them to note it; the context
        has no recommendation of its own, and this paragraph is left unnumbered so that the
        numbers stay those of the report context."""
        ctx = self.ctx
        self._heading("Recommendations", 1)
        p = self.doc.add_paragraph(
            f"Members are asked to note the performance of children's social care in {ctx.authority.name} "
            f"for {ctx.period.label}, set out in this report and in Appendix 1.",
            style="Report Paragraph",
        )
        p.paragraph_format.left_indent = Cm(1.0)

    def _section(self, section: Section, level: int) -> None:
        self._heading(section.title, min(level, 3))
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
                set_font(run.font, bold=True, colour=RAG_FILLS["red"][0])
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
        self._grid(columns, rows, description=title, bold_column=3)

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
