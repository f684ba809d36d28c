"""The Word paper's look (report/docx.py): the font, the colours and RAG fills of report.css,
the A4 page and its margins, and the paragraph styles every part of the paper writes with."""

from __future__ import annotations

from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from csc_scorecard.report import docx_ooxml as ooxml

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


def styles(doc: DocumentObject) -> dict[str, str]:
    """Set the document's fonts and add the paper's paragraph styles; their ids by name."""
    styles = doc.styles
    normal = styles["Normal"]
    set_font(normal.font, size=11, colour=INK)
    # East-Asian and complex-script fonts too, or Word substitutes its theme font.
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    set_language(normal, "en-GB")
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1

    for level, size, caps in ((1, 12, True), (2, 12, False), (3, 11, False)):
        style = styles[f"Heading {level}"]
        set_font(style.font, size=size, colour=NAVY, bold=True, italic=False)
        style.font.all_caps = caps
        style.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True

    title = styles["Title"]
    set_font(title.font, size=18, colour=NAVY, bold=True)
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
    set_font(caption.font, size=9, colour=NAVY, bold=True, italic=False)
    caption.paragraph_format.space_before = Pt(8)
    caption.paragraph_format.space_after = Pt(3)
    caption.paragraph_format.keep_with_next = True

    add_style(doc, "Report Paragraph", "Normal", space_after=8)
    add_style(doc, "Report Bullet", "Normal", space_after=3)
    add_style(doc, "Table Text", "Normal", size=9, space_after=0, line_spacing=1.0)
    add_style(doc, "Table Small", "Normal", size=7.5, space_after=0, line_spacing=1.0, colour=GREY)
    add_style(
        doc,
        "Table Heading",
        "Normal",
        size=9,
        space_after=0,
        line_spacing=1.0,
        bold=True,
        colour="FFFFFF",
    )
    add_style(doc, "Note", "Normal", size=9, space_after=4, colour=GREY)
    add_style(doc, "Banner", "Normal", size=10, space_after=0)
    add_style(doc, "Figure", "Normal", space_after=0, keep_with_next=True)
    # Word's own footnote styles (built-in names are lower case), so footnotes an officer
    # adds in Word look like these.
    add_style(doc, ooxml.Footnotes.text_style, "Normal", size=8, space_after=0, line_spacing=1.0)
    reference = styles.add_style(ooxml.Footnotes.reference_style, WD_STYLE_TYPE.CHARACTER)
    reference.font.superscript = True
    for style, style_id in (
        (styles[ooxml.Footnotes.text_style], "FootnoteText"),
        (reference, "FootnoteReference"),
    ):
        style.element.styleId = style_id
        style.element.attrib.pop(qn("w:customStyle"), None)

    for name in ("Header", "Footer"):
        set_font(styles[name].font, size=8, colour=GREY)
    return {s.name: s.style_id for s in styles}


def add_style(
    doc: DocumentObject,
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
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    set_font(style.font, size=size, bold=bold, colour=colour)
    if space_after is not None:
        style.paragraph_format.space_after = Pt(space_after)
    if line_spacing is not None:
        style.paragraph_format.line_spacing = line_spacing
    if keep_with_next is not None:
        style.paragraph_format.keep_with_next = keep_with_next


def set_font(
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


def set_language(style, tag: str) -> None:
    r_pr = style.element.get_or_add_rPr()
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), tag)
