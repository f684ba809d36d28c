"""The WordprocessingML python-docx 1.2 has no API for, written as small functions.

Each helper adds one OOXML construct (ECMA-376 Part 1, §17) to a python-docx object:

* ``shade`` - a cell fill (``w:shd``, §17.4.32);
* ``repeat_header`` / ``keep_row_together`` - a header row repeated on every page a table
  spans (``w:tblHeader``) and rows that never break across pages (``w:cantSplit``);
* ``field`` - a complex field (``PAGE``, ``NUMPAGES``, ``SEQ``, ``NOTEREF``) with its cached
  result, so the text shows before Word updates fields (§17.16);
* ``alt_text`` - the description and title of a picture (``wp:docPr/@descr``), which screen
  readers announce and Word shows as "Alt Text";
* ``ListNumbering`` - Word's own list numbering for the numbered paragraphs and bullets, so
  an officer who adds a paragraph in Word gets the following ones renumbered;
* ``Footnotes`` - a footnotes part and real footnotes (§17.11), which python-docx lacks;
* ``text_run`` - a run of text, bold or sized, as python-docx writes it, in one step.
"""

from __future__ import annotations

from itertools import count

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shape import InlineShape
from docx.shared import Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

TWIPS_PER_CM = 567  # 1,440 twentieths of a point per inch


def shade(cell: _Cell, fill: str) -> None:
    """Fill a table cell with the RGB colour ``fill`` ('2E7D32')."""
    tc_pr = cell._tc.get_or_add_tcPr()
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    # w:shd must precede w:noWrap, w:tcMar, w:textDirection, w:tcFitText, w:vAlign, w:hideMark.
    later = [
        qn(t)
        for t in ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
    ]
    for i, child in enumerate(tc_pr):
        if child.tag in later:
            tc_pr.insert(i, shd)
            return
    tc_pr.append(shd)


_R, _RPR, _B, _SZ, _T, _VAL = (qn(t) for t in ("w:r", "w:rPr", "w:b", "w:sz", "w:t", "w:val"))
_SPACE = qn("xml:space")


def text_run(paragraph: Paragraph, text: str, *, bold: bool = False, size: float | None = None):
    """``paragraph.add_run(text)``, then ``run.bold = True`` and ``run.font.size = Pt(size)``
    when asked, written as python-docx writes them (``<w:r><w:rPr><w:b/><w:sz/></w:rPr><w:t>``)
    but as plain elements: going through python-docx's API for each run (a character at a time
    for the text, a schema look-up for each property) was most of the Word tables' time. Text
    with tabs or line breaks goes through python-docx, which writes them as elements of their
    own."""
    if "\t" in text or "\n" in text or "\r" in text:
        run = paragraph.add_run(text)
        if bold:
            run.bold = True
        if size is not None:
            run.font.size = Pt(size)
        return
    r = etree.SubElement(paragraph._p, _R)
    if bold or size is not None:
        properties = etree.SubElement(r, _RPR)
        if bold:
            etree.SubElement(properties, _B)
        if size is not None:
            etree.SubElement(properties, _SZ).set(_VAL, str(int(Pt(size).pt * 2)))
    if text:
        t = etree.SubElement(r, _T)
        t.text = text
        if len(text.strip()) < len(text):
            t.set(_SPACE, "preserve")


def _row_flag(row: _Row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        tr_pr.append(OxmlElement(tag))


def repeat_header(row: _Row) -> None:
    """Repeat ``row`` at the top of every page the table runs onto."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row: _Row) -> None:
    """Never split ``row`` across a page break (Word still splits a row taller than a page)."""
    _row_flag(row, "w:cantSplit")


_TBL_PR_ORDER = [
    qn(f"w:{t}")
    for t in (
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
    )
]


def _set_tbl_pr(table: Table, element) -> None:
    """Put ``element`` into the table properties in schema order (CT_TblPr is a sequence),
    replacing one of the same name."""
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(element.tag):
        tbl_pr.remove(old)
    rank = _TBL_PR_ORDER.index(element.tag)
    for child in tbl_pr:
        if child.tag in _TBL_PR_ORDER and _TBL_PR_ORDER.index(child.tag) > rank:
            child.addprevious(element)
            return
    tbl_pr.append(element)


def borders(
    table: Table, colour: str = "C9CFD9", size: int = 4, *, inside_vertical: bool = True
) -> None:
    """Single-line borders in ``colour`` (``size`` in eighths of a point) on every edge."""
    edges = ["top", "left", "bottom", "right", "insideH"] + (["insideV"] if inside_vertical else [])
    xml = "".join(
        f'<w:{e} w:val="single" w:sz="{size}" w:space="0" w:color="{colour}"/>' for e in edges
    )
    if not inside_vertical:
        xml += '<w:insideV w:val="nil"/>'
    _set_tbl_pr(table, parse_xml(f"<w:tblBorders {nsdecls('w')}>{xml}</w:tblBorders>"))


def no_borders(table: Table) -> None:
    """A layout table (chart grid, title block): no lines at all."""
    edges = "".join(
        f'<w:{e} w:val="nil"/>' for e in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    _set_tbl_pr(table, parse_xml(f"<w:tblBorders {nsdecls('w')}>{edges}</w:tblBorders>"))


def table_description(table: Table, caption: str, description: str | None = None) -> None:
    """The table's title and summary for assistive technology (``w:tblCaption``, Word 2010+)."""
    for tag, text in (("w:tblCaption", caption), ("w:tblDescription", description)):
        if text:
            element = OxmlElement(tag)
            element.set(qn("w:val"), text[:255])
            _set_tbl_pr(table, element)


def fixed_layout(table: Table) -> None:
    """Column widths as given, not re-fitted to content (Word and LibreOffice agree then)."""
    element = OxmlElement("w:tblLayout")
    element.set(qn("w:type"), "fixed")
    _set_tbl_pr(table, element)


def cell_margins(
    table: Table, *, top_cm: float = 0.05, bottom_cm: float = 0.05, side_cm: float = 0.15
) -> None:
    """Padding inside every cell of ``table``."""
    sizes = {"top": top_cm, "left": side_cm, "bottom": bottom_cm, "right": side_cm}
    xml = "".join(
        f'<w:{e} w:w="{round(v * TWIPS_PER_CM)}" w:type="dxa"/>' for e, v in sizes.items()
    )
    _set_tbl_pr(table, parse_xml(f"<w:tblCellMar {nsdecls('w')}>{xml}</w:tblCellMar>"))


def field(
    paragraph: Paragraph, instruction: str, result: str = "", *, style: str | None = None
) -> Run:
    """Append a complex field to ``paragraph``: ``PAGE``, ``NUMPAGES``, ``SEQ Table``,
    ``NOTEREF _Ref1 \\f``. ``result`` is the text shown until Word updates the field.
    Returns the run holding the result (for formatting)."""

    def run_with(element):
        run = paragraph.add_run(style=style)
        run._r.append(element)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    shown = paragraph.add_run(result, style=style)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)
    return shown


def alt_text(shape: InlineShape, description: str, title: str | None = None) -> None:
    """The picture's text alternative (``descr``) and title, as Word's Alt Text pane sets them."""
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", description)
    if title:
        doc_pr.set("title", title)


def bookmark(paragraph: Paragraph, name: str, runs: list[Run], bookmark_id: int) -> None:
    """Wrap ``runs`` (consecutive, in ``paragraph``) in the bookmark ``name``."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    runs[0]._r.addprevious(start)
    runs[-1]._r.addnext(end)


class ListNumbering:
    """Two lists in the numbering part: the report's numbered paragraphs ("1.", hanging at the
    margin, as the seed report numbers 1 to 54 across the whole paper) and bullet points set
    in under the paragraph text."""

    def __init__(
        self, document: Document, *, indent_cm: float = 1.0, bullet_indent_cm: float = 0.6
    ) -> None:
        self._numbering = document.part.numbering_part.element
        existing = [
            int(a.get(qn("w:abstractNumId"))) for a in self._numbering.findall(qn("w:abstractNum"))
        ]
        self._ids = count(max(existing, default=0) + 1)
        nums = [int(n.get(qn("w:numId"))) for n in self._numbering.findall(qn("w:num"))]
        self._num_ids = count(max(nums, default=0) + 1)
        indent = round(indent_cm * TWIPS_PER_CM)
        bullet = round(bullet_indent_cm * TWIPS_PER_CM)
        self._paragraph_abstract = self._abstract(
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:tabs><w:tab w:val="num" w:pos="{indent}"/></w:tabs>'
            f'<w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr><w:rPr><w:b w:val="0"/></w:rPr></w:lvl>'
        )
        self._bullet_abstract = self._abstract(
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:tabs><w:tab w:val="num" w:pos="{indent + bullet}"/></w:tabs>'
            f'<w:ind w:left="{indent + bullet}" w:hanging="{bullet}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:hint="default"/></w:rPr></w:lvl>'
        )
        self.bullets = self._num(self._bullet_abstract)
        self._paragraphs: int | None = None
        self._next_number = 1

    def _abstract(self, level_xml: str) -> int:
        abstract_id = next(self._ids)
        element = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="singleLevel"/>{level_xml}</w:abstractNum>'
        )
        # Every w:abstractNum precedes every w:num (CT_Numbering).
        first_num = self._numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            self._numbering.append(element)
        return abstract_id

    def _num(self, abstract_id: int, start: int | None = None) -> int:
        num_id = next(self._num_ids)
        override = (
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            if start
            else ""
        )
        self._numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
            )
        )
        return num_id

    def number(self, paragraph: Paragraph, number: int) -> None:
        """Number ``paragraph`` in the report's list so that Word prints ``number``: the list
        continues while the numbers run on, and restarts at ``number`` if they ever jump."""
        if self._paragraphs is None or number != self._next_number:
            self._paragraphs = self._num(self._paragraph_abstract, start=number)
        self._next_number = number + 1
        apply_numbering(paragraph, self._paragraphs)

    def bullet(self, paragraph: Paragraph) -> None:
        apply_numbering(paragraph, self.bullets)


def apply_numbering(paragraph: Paragraph, num_id: int, level: int = 0) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = p_pr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


_FOOTNOTES_XML = (
    f"<w:footnotes {nsdecls('w')}>"
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
    "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


class Footnotes:
    """The document's footnotes part, created on first use, and the footnotes in it.

    Word numbers footnotes in the order their references appear, so the n-th footnote added
    (references added in reading order) prints as n; ``number`` returns it for NOTEREF
    fields that repeat a reference (a repeated table header)."""

    text_style = "footnote text"  # Word's built-in style names
    reference_style = "footnote reference"

    def __init__(self, document: Document) -> None:
        self._document = document
        self._part: XmlPart | None = None
        self._next = 1

    def _footnotes(self):
        if self._part is None:
            self._part = XmlPart(
                PackURI("/word/footnotes.xml"),
                CT.WML_FOOTNOTES,
                parse_xml(_FOOTNOTES_XML),
                self._document.part.package,
            )
            self._document.part.relate_to(self._part, RT.FOOTNOTES)
            self._declare_separators()
        return self._part.element

    def _declare_separators(self) -> None:
        """Name the separator notes in the settings (``w:footnotePr``), as Word writes them."""
        settings = self._document.settings.element
        if settings.find(qn("w:footnotePr")) is not None:
            return
        element = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
        )
        # CT_Settings is a sequence: footnotePr comes before endnotePr, compat, rsids, ...
        later = {
            qn(f"w:{t}")
            for t in (
                "endnotePr",
                "compat",
                "docVars",
                "rsids",
                "attachedSchema",
                "themeFontLang",
                "clrSchemeMapping",
                "doNotIncludeSubdocsInStats",
                "doNotAutoCompressPictures",
                "forceUpgrade",
                "captions",
                "readModeInkLockDown",
                "smartTagType",
                "schemaLibrary",
                "shapeDefaults",
                "doNotEmbedSmartTags",
                "decimalSymbol",
                "listSeparator",
            )
        } | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}
        for child in settings:
            if child.tag in later:
                child.addprevious(element)
                return
        settings.append(element)

    def add(self, paragraph: Paragraph, text: str) -> tuple[int, Run]:
        """Append a footnote reference to ``paragraph`` with ``text`` as the note; returns the
        note's printed number and the reference run."""
        style_ids = {s.name: s.style_id for s in self._document.styles}
        note_id = self._next
        self._next += 1
        text_style = style_ids.get(self.text_style, "FootnoteText")
        ref_style = style_ids.get(self.reference_style, "FootnoteReference")
        note = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>'
            f'<w:r><w:rPr><w:rStyle w:val="{ref_style}"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
        )
        run = note.findall(qn("w:p"))[0].findall(qn("w:r"))[-1]
        run.find(qn("w:t")).text = f" {text}"
        self._footnotes().append(note)
        reference = paragraph.add_run(style=self.reference_style)
        element = OxmlElement("w:footnoteReference")
        element.set(qn("w:id"), str(note_id))
        reference._r.append(element)
        return note_id, reference
