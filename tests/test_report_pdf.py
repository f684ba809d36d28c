"""The PDF report: WeasyPrint's A4 layout of the same HTML, read back with pypdf.

Checks what a committee member sees: the cover, page numbers, the landscape appendix and the
figures themselves in the extracted text. One PDF is rendered for the module (about five
seconds, in two processes: ``pdf_parallel.py``), once more straight from the HTML report to show
that the PDF's faster layout (``pdf.css``, charts drawn by vl-convert) prints the same text on
the same pages, and once more from the same HTML in one process to show that the two parts joined are
the one-process PDF: text, page sizes, pixels, links, named destinations and bookmarks.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from html import unescape as html_unescape

import pytest
import report_fixtures as rf
from pypdf import PdfReader
from pypdf.generic import ContentStream

from csc_scorecard.forked import can_fork
from csc_scorecard.report import pdf_parallel
from csc_scorecard.report.html import sentence_html, stylesheet, to_html
from csc_scorecard.report.pdf import (
    anchors_inside,
    cites_as_text,
    pdf_html,
    print_in_one,
    print_stylesheet,
    render,
    stylesheet_without_variables,
    to_pdf,
)
from csc_scorecard.report.pdf_charts import (
    chart_pdfs,
    chart_placeholder,
    lean_svg,
    placeholder_jpeg,
)
from csc_scorecard.report.pdf_parallel import CROSS, PrintFailed, print_in_two, split
from csc_scorecard.wording import Cite, Sentence

A4 = (595.28, 841.89)  # points


@pytest.fixture(scope="module")
def context():
    return rf.report_context()


@pytest.fixture(scope="module")
def pdf(context):
    return to_pdf(context)


@pytest.fixture(scope="module")
def pages(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader.pages


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def test_cover_and_page_numbers(context, pages):
    assert len(pages) >= 12
    cover = _text(pages[0])
    assert context.authority.name.upper() in cover.upper() and "SYNTHETIC DATA" in cover
    assert "Quarter 1, 2022/23" in cover and "Internal report" in cover
    assert "Page" not in cover  # the cover has no running header or footer
    total = len(pages)
    for number in (2, total):
        assert f"Page {number} of {total}" in _text(pages[number - 1])


def test_portrait_a4_with_landscape_appendix(pages):
    sizes = [(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in pages]
    portrait, landscape = (round(A4[0], 1), round(A4[1], 1)), (round(A4[1], 1), round(A4[0], 1))
    assert sizes[0] == portrait and set(sizes) == {portrait, landscape}
    first_landscape = next(i for i, size in enumerate(sizes) if size == landscape)
    assert "Appendix 1: Performance against targets" in _text(pages[first_landscape])


def test_figures_reach_the_page(context, pages):
    text = " ".join(_text(p) for p in pages)
    referrals = context.figures["referrals:2022-Q1"].display
    assert re.search(rf"In Quarter 1 there were {referrals} referrals", text)
    for group in context.appendix:
        for row in group.rows:
            assert row.item in text
    c01 = next(r for r in context.appendix[0].rows if r.item == "C01")
    assert c01.current in text and "90% (75%)" in text


def test_render_writes_a_pdf_that_renders(tmp_path, context, pdf):
    path = render(context, tmp_path / "report.pdf")
    assert (
        path.read_bytes()[:5] == b"%PDF-"
        and abs(len(path.read_bytes()) - len(pdf)) < len(pdf) * 0.01
    )
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "30",
                "-f",
                "1",
                "-l",
                "1",
                str(path),
                str(tmp_path / "page"),
            ],
            check=True,
        )
        assert (tmp_path / "page-01.png").stat().st_size > 2_000


def test_the_faster_print_layout_prints_the_same_text_on_the_same_pages(context, pages):
    """The PDF printed from the HTML report itself (inline SVG charts, report.css's flex rows)
    is the reference: every page's text, chart labels included, and every page's size are the
    same in the PDF ``to_pdf`` writes up to the provenance appendix (but for the page count).
    There ``pdf.css`` fixes the long tables' column widths, so a file name may wrap at another
    character and a table row fall on another page: the appendix's text is the same once the line breaks, page
    breaks, running header and footer and repeated table heads are taken out.

    The reference's numbered paragraphs are laid out as ``pdf.css`` lays them out (blocks, not
    report.css's flex rows): WeasyPrint splits a flex row that does not fit what is left of a
    page (report.css asks for no break inside a paragraph) and prints the rest of its list on
    the next page without the paragraph's indent, so a paragraph with a long list broke where
    the PDF now keeps it whole (this fixture's data-quality list: one page more)."""
    from weasyprint import HTML

    html = to_html(context)
    printed = pdf_html(context)
    assert html.count("<svg ") > 10 and "<svg " not in printed
    assert printed.count('class="chart-image"') == html.count("<svg ")
    paragraphs = "\n".join(re.findall(r"^\.para\b.*$", print_stylesheet(), re.MULTILINE))
    assert paragraphs.count("{") == 3
    as_blocks = html.replace("</head>", f"<style>{paragraphs}</style></head>", 1)
    reference = PdfReader(io.BytesIO(HTML(string=as_blocks).write_pdf())).pages
    start = _appendix_page("Appendix 4: Data provenance", reference)
    assert start == _appendix_page("Appendix 4: Data provenance", pages) > 10
    assert abs(len(pages) - len(reference)) <= 1
    for number, (ours, theirs) in enumerate(zip(pages[:start], reference[:start]), start=1):
        if _charts_on(ours):  # drawn by vl-convert: the same labels, extracted in another order
            assert (number, _letters(ours)) == (number, _letters(theirs))
        else:
            assert (number, _numbered(ours)) == (number, _numbered(theirs))
        assert ours.mediabox == theirs.mediabox
    margins = [
        re.search(rf'<div class="running-{part}">(.*?)</div>', html).group(1)
        for part in ("header", "footer")
    ]
    heads = ["".join(table.columns) for table in context.provenance.tables]  # repeat per page
    ours, theirs = (_unpaged(p[start:], margins + heads) for p in (pages, reference))
    assert ours.startswith("Appendix4:Dataprovenance") and ours == theirs


def _charts_on(page) -> int:
    """The number of charts drawn on ``page`` (form XObjects spliced in by ``pdf_charts``)."""
    objects = page["/Resources"].get("/XObject", {})
    drawn = [
        operands[0]
        for operands, operator in ContentStream(page.get_contents(), page.pdf).operations
        if operator == b"Do"
    ]
    return sum(objects[name].get_object()["/Subtype"] == "/Form" for name in drawn)


def _letters(page) -> list[str]:
    """A page's characters but whitespace, sorted, its page number but not the page count."""
    return sorted("".join(_numbered(page).split()))


def _numbered(page) -> str:
    """A page's text with its number but not the page count, which the appendix may change."""
    return re.sub(r"(Page \d+) of \d+", r"\1", _text(page))


def _appendix_page(text: str, pages) -> int:
    """The index of the last page holding ``text`` (the first is the contents page's)."""
    return max(i for i, page in enumerate(pages) if text in _text(page))


def _unpaged(pages, repeated: list[str]) -> str:
    """Pages' text run together without whitespace, page numbers or the text repeated on
    every page (the running header and footer, a long table's head)."""
    text = "".join("".join(re.sub(r"Page \d+ of \d+", "", _text(page)).split()) for page in pages)
    for each in repeated:
        text = text.replace("".join(html_unescape(each).split()), "")
    return text


def test_unbreakable_cited_figures_are_printed_as_text_that_does_not_break():
    """A cited figure that can break only at its spaces loses its span and its spaces become
    no-break spaces (as ``white-space: nowrap`` printed it); one that could break elsewhere (a
    hyphen, a slash between words) or holds an escaped character keeps its span. A long cited
    text (``fig-long``, which wraps as the sentence does) is printed as its text, escaped."""
    kept = ["In-house foster carers", "Multiple/not recommended", "children's homes"]
    plain = ["86.7%", "2,062", "Q1 2021/22", "(95%)", "DATE_PLACED", "£1,234.50"]
    long = "Statistical neighbours' average, March 2021"
    text = " and ".join([*plain, *kept, long])
    cites, start = [], 0
    for n, figure in enumerate([*plain, *kept, long]):
        start = text.index(figure, start)
        cites.append(
            Cite(start=start, end=start + len(figure), text=figure, ref=f"/f/{n}", value=figure)
        )
    html = str(sentence_html(Sentence(text=text, cites=cites)))
    assert html.count('<span class="fig fig-long"') == 1
    printed = cites_as_text(html)
    assert "fig-long" not in printed and printed.endswith(
        " and Statistical neighbours&#39; average, March 2021"
    )
    assert printed.count('<span class="fig"') == len(kept)
    for figure in plain:
        assert f">{figure}<" not in printed and figure.replace(" ", "\u00a0") in printed
    assert "Q1\u00a02021/22 and (95%) and" in printed
    assert printed.count("\u00a0") == 1  # the space inside "Q1 2021/22" only
    for figure in kept[:2]:
        assert f">{figure}</span>" in printed
    assert "children&#39;s homes</span>" in printed


def test_anchors_of_repeated_elements_are_printed_on_their_first_child(context):
    """Every id of the HTML report is in the PDF's HTML once, in the same order; no section of
    the report, numbered paragraph, table or chart keeps one (WeasyPrint would compute every
    style inside it again), each now on the element's first child; the page break before the
    summary's section follows its anchor to its heading."""
    html = to_html(context)
    printed = pdf_html(context)
    ids = re.compile(r'\bid="([^"]+)"')
    assert ids.findall(printed) == ids.findall(html) and len(ids.findall(html)) > 150
    repeated = re.compile(
        r'<(?:section class="report-section|div class="para|table class="(?:key-figures|breakdown'
        r'|plain-table|appendix-table)|figure class="chart)[^>]*>'
    )
    assert len(repeated.findall(html)) > 100 and not any(
        "id=" in tag for tag in repeated.findall(printed)
    )
    assert anchors_inside(
        '<div class="para para-typed" id="para-3">\n  <span class="para-number">3.</span>'
        '<table class="breakdown" id="breakdown-x">\n  <caption>X</caption>'
        '<figure class="chart chart-trend" id="chart-x">\n  <div class="chart-svg">'
    ) == (
        '<div class="para para-typed">\n  <span id="para-3" class="para-number">3.</span>'
        '<table class="breakdown">\n  <caption id="breakdown-x">X</caption>'
        '<figure class="chart chart-trend">\n  <div id="chart-x" class="chart-svg">'
    )
    assert "main > #summary { break-before: page; }" in stylesheet()
    assert '<h2 id="summary">' in printed
    assert "main > .report-section > h2#summary { break-before: page; }" in print_stylesheet()


def test_the_pdfs_stylesheet_has_each_variables_value_where_report_css_uses_it(context):
    """Every ``var(--name)`` of report.css is printed as the value its ``:root`` gives, and
    nothing else in the stylesheet changes; the PDF's HTML holds no ``var()``."""
    css, printed = stylesheet(), stylesheet_without_variables()
    values = dict(re.findall(r"(--[\w-]+):\s*([^;]+);", css))
    assert values["--rule"] == "#c9cfd9" and len(values) >= 9 and "var(--rule)" in css
    expected = css
    for name, value in values.items():
        expected = expected.replace(f"var({name})", value)
    assert printed == expected and "var(" not in printed
    html = pdf_html(context)
    assert "var(" not in html and printed in html


def test_lean_chart_keeps_what_is_drawn_and_drops_what_is_not():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" class="marks">'
        '<g class="mark-group" role="graphics-object" aria-roledescription="group mark">'
        '<path class="background" aria-hidden="true" d="M0,0h0v0h0Z"/>'
        '<g transform="translate(1,2)"><line x2="5" stroke="#e4e7ec" opacity="1"/>'
        '<text fill="#1f2a44" opacity="0.5">Q1 2022/23</text></g>'
        '<path class="foreground" d="" display="none"/><g class="empty"></g>'
        "</g></svg>"
    )
    assert lean_svg(svg) == (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<g transform="translate(1,2)"><line x2="5" stroke="#e4e7ec" />'
        '<text fill="#1f2a44" opacity="0.5">Q1 2022/23</text></g></svg>'
    )


def test_every_chart_is_drawn_in_its_placeholder(context, pdf):
    """Each chart is printed as a placeholder of its size whose comment is its number, then
    replaced by the chart vl-convert draws: every chart's labels are the PDF's text, in the
    chart's order, and no placeholder is left in the PDF."""
    html = to_html(context)
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)
    printed = pdf_html(context)
    charts = chart_pdfs(printed)
    assert sorted(charts) == list(range(1, len(svgs) + 1)) and len(svgs) > 10
    for number, svg in enumerate(svgs, start=1):
        labels = re.findall(r"<(?:text|tspan)\b[^>]*>([^<]+)<", svg)
        drawn = PdfReader(io.BytesIO(charts[number])).pages[0].extract_text()
        assert "".join(drawn.split()) == html_unescape("".join("".join(labels).split()))
    reader = PdfReader(io.BytesIO(pdf))
    assert sum(_charts_on(page) for page in reader.pages) == len(svgs)
    for page in reader.pages:
        objects = page["/Resources"].get("/XObject", {})
        assert all(objects[name].get_object()["/Subtype"] == "/Form" for name in objects)


def test_a_chart_placeholder_is_a_grey_jpeg_of_the_charts_size_naming_the_chart():
    from PIL import Image

    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text>A</text></svg>'
    tag = chart_placeholder(66051, svg)
    assert 'width="40" height="20" alt=""' in tag and 'data-chart="66051:' in tag
    assert 'src="data:image/jpeg;base64,' in tag
    image = Image.open(io.BytesIO(placeholder_jpeg(66051, 40, 20)))
    assert image.size == (40, 20) and image.info["comment"] == b"scorecard chart 66051"
    assert image.getextrema() == (0xE5, 0xE5)  # one grey


def test_two_processes_print_the_one_process_pdf(context, pdf, tmp_path):
    """The body and the appendices printed side by side and joined: every page's text and size,
    every pixel (30 dpi), every link's place and target, every named destination and every
    bookmark (title, depth, page, position) as WeasyPrint prints the same HTML in one process."""
    assert can_fork() and print_in_two(pdf_html(context)) is not None  # the path under test
    one = print_in_one(pdf_html(context))
    joined, single = PdfReader(io.BytesIO(pdf)), PdfReader(io.BytesIO(one))
    assert len(joined.pages) == len(single.pages) > 12
    for number, (ours, theirs) in enumerate(zip(joined.pages, single.pages), start=1):
        assert (number, ours.extract_text()) == (number, theirs.extract_text())
        assert ours.mediabox == theirs.mediabox
    assert _links(joined) == _links(single) and len(_links(single)) > 20
    assert any(page > 1 and target.startswith("appendix-") for page, _, target in _links(single))
    assert _destinations(joined) == _destinations(single)
    assert _outline(joined) == _outline(single)
    # the appendices, printed by the child, stay under the paper's title as in one document
    assert {depth for depth, title, *_ in _outline(single) if title.startswith("Appendix")} == {1}
    if shutil.which("pdftoppm"):
        for name, data in (("joined", pdf), ("single", one)):
            (tmp_path / f"{name}.pdf").write_bytes(data)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "30",
                    str(tmp_path / f"{name}.pdf"),
                    str(tmp_path / name),
                ],
                check=True,
            )
        images = sorted(tmp_path.glob("joined-*.png"))
        assert len(images) == len(single.pages)
        for image in images:
            twin = tmp_path / image.name.replace("joined-", "single-")
            assert image.read_bytes() == twin.read_bytes(), image.name


def _links(reader) -> list[tuple[int, tuple[float, ...], str]]:
    """(page, rectangle, internal target or URI) of every link annotation."""
    found = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots", []):
            link = annotation.get_object()
            target = link.get("/Dest") or link["/A"].get_object()["/URI"]
            found.append((number, tuple(round(float(v), 2) for v in link["/Rect"]), str(target)))
    return found


def _destinations(reader) -> dict[str, tuple[int, float, float]]:
    return {
        name: (reader.get_destination_page_number(d), float(d.left), float(d.top))
        for name, d in reader.named_destinations.items()
    }


def _outline(reader, items=None, depth=0) -> list[tuple]:
    found = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found += _outline(reader, item, depth + 1)
        else:
            page = reader.get_destination_page_number(item)
            found.append((depth, item.title, page, float(item.left), float(item.top)))
    return found


def test_the_split_keeps_head_and_running_margins_and_crosses_links():
    html = (
        "<html><head><title>T</title></head><body>"
        '<div class="running-header">H</div>'
        '<section class="cover" id="cover"><a href="#appendix-performance">A1</a>'
        '<a href="#cover">top</a></section>'
        '<section class="appendix appendix-performance" id="appendix-performance">'
        '<a href="#cover">back</a><a href="#appendix-performance">self</a></section>'
        "</body></html>"
    )
    first, second = split(html)
    assert first == (
        "<html><head><title>T</title></head><body>"
        '<div class="running-header">H</div>'
        f'<section class="cover" id="cover"><a href="{CROSS}appendix-performance">A1</a>'
        '<a href="#cover">top</a></section>'
        "</body>\n</html>\n"
    )
    assert second == (
        "<html><head><title>T</title></head><body>"
        '<div class="running-header">H</div>'
        '<section class="appendix appendix-performance" id="appendix-performance">'
        f'<a href="{CROSS}cover">back</a><a href="#appendix-performance">self</a></section>'
        "</body></html>"
    )
    assert split(html.replace("appendix-performance", "appendix-other")) is None


def test_a_failure_in_the_appendices_process_is_one_line(context, monkeypatch):
    """The child's failure comes back as one line naming the part; the child is waited for."""
    rendering = pdf_parallel._render

    def failing(html, agree):
        if html.count('id="cover"') == 0:  # the appendices' part, in the child
            raise RuntimeError("no fonts\nfound")
        return rendering(html, agree)

    forked, fork = [], os.fork

    def recording_fork() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(pdf_parallel, "_render", failing)
    monkeypatch.setattr(os, "fork", recording_fork)
    with pytest.raises(PrintFailed) as caught:
        to_pdf(context)
    assert str(caught.value) == "the PDF's appendices: RuntimeError: no fonts found"
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)  # the child was waited for: none left behind
