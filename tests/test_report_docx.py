"""The Word committee paper (report/docx.py) read back with python-docx.

The report is built from a small synthetic authority through the real pipeline (synth ->
statutory files -> ingest -> measures -> report context), once per test process, in an internal
and a publication version. Each test reads the saved .docx and checks it against the context:
the numbered paragraphs carry the context's numbers and text, headings follow its sections,
every appendix cell equals the context's value, RAG cells are filled and worded, charts carry
their alt text, and the Word machinery (repeated header rows, footnotes, page-number fields)
is in the file.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENTATION
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from csc_scorecard.report import docx as word
from csc_scorecard.report import docx_style as style
from csc_scorecard.report.model import ReportContext

LA = "371"
PERIOD = "2022-Q1"
FRAMEWORK = Path(__file__).resolve().parents[1] / "examples" / "doncaster-2022" / "framework.yaml"
GENERATED_AT = datetime(2022, 9, 8, 9, 30, tzinfo=UTC)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@cache
def synthetic_reports() -> dict[str, ReportContext]:
    """Internal and publication report contexts of a tenth-size synthetic authority (2020/21 to
    2022/23, with some data-quality faults), built once per process. Shared with the Excel tests."""
    from csc_scorecard.ingest.run import ingest
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.report.context import build_context, measure
    from csc_scorecard.store import Store
    from csc_scorecard.synth import writers
    from csc_scorecard.synth.authority import SynthConfig, generate

    folder = Path(tempfile.mkdtemp(prefix="report-renderers-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    authority = generate(SynthConfig(size=0.1, first_year=2020, last_year=2022, imperfections=0.02))
    writers.write_all(authority, folder / "extracts")
    extracts = [p for p in sorted((folder / "extracts").iterdir()) if p.is_dir()]
    with Store(folder / "store.duckdb") as store:
        ingest(store, extracts, la_code=LA)
        run = measure(store, LA, Quarter.parse(PERIOD))
        common = {
            "framework": FRAMEWORK,
            "synthetic": True,
            "generated_at": GENERATED_AT,
            "run": run,
        }
        return {
            "internal": build_context(store, LA, PERIOD, **common),
            "publication": build_context(
                store, LA, PERIOD, publication=True, allow_commentary_numbers=True, **common
            ),
        }


@cache
def _document(version: str, synthetic: bool = True):
    context = synthetic_reports()[version]
    if not synthetic:
        context = context.model_copy(update={"synthetic": False})
    folder = Path(tempfile.mkdtemp(prefix="report-docx-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = word.render(context, folder / f"{version}.docx")
    return context, Document(str(path))


@pytest.fixture(scope="module", params=["internal", "publication"])
def paper(request):
    return _document(request.param)


@pytest.fixture(scope="module")
def internal():
    return _document("internal")


# -- reading the document ----------------------------------------------------------------------


def _numbering(doc) -> dict[int, tuple[int, int | None]]:
    """numId -> (abstractNumId, startOverride) from the numbering part."""
    out = {}
    for num in doc.part.numbering_part.element.findall(qn("w:num")):
        abstract = int(num.find(qn("w:abstractNumId")).get(qn("w:val")))
        start = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        out[int(num.get(qn("w:numId")))] = (
            abstract,
            int(start.get(qn("w:val"))) if start is not None else None,
        )
    return out


def _list_kind(doc) -> dict[int, str]:
    """numId -> 'decimal' or 'bullet' (the format of its first level)."""
    kinds = {}
    abstracts = {
        int(a.get(qn("w:abstractNumId"))): a.find(f"{qn('w:lvl')}/{qn('w:numFmt')}").get(
            qn("w:val")
        )
        for a in doc.part.numbering_part.element.findall(qn("w:abstractNum"))
    }
    for num_id, (abstract, _) in _numbering(doc).items():
        kinds[num_id] = abstracts[abstract]
    return kinds


def _num_id(paragraph) -> int | None:
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    return num_pr.numId.val if num_pr is not None and num_pr.numId is not None else None


def _numbered(doc) -> list[tuple[int, str]]:
    """(printed number, text) of every paragraph in a decimal list, as Word numbers them: each
    list instance counts from its start override."""
    starts = _numbering(doc)
    kinds = _list_kind(doc)
    seen: Counter[int] = Counter()
    out = []
    for p in doc.paragraphs:
        num_id = _num_id(p)
        if num_id is None or kinds.get(num_id) != "decimal":
            continue
        out.append(((starts[num_id][1] or 1) + seen[num_id], p.text))
        seen[num_id] += 1
    return out


def _headings(doc) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in doc.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def _appendix_tables(doc) -> list:
    return [t for t in doc.tables if [c.text for c in t.rows[0].cells][:2] == ["Ref", "Measure"]]


def _fill(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return shd.get(qn("w:fill")) if shd is not None else None


# -- paragraphs and headings --------------------------------------------------------------------


def test_paragraphs_carry_the_context_numbers_and_text(paper):
    context, doc = paper
    expected = [(p.number, " ".join(s.text for s in p.sentences)) for p in context.paragraphs()]
    assert len(expected) > 20
    assert [n for n, _ in expected] == list(range(1, len(expected) + 1))  # numbered once, in order
    assert _numbered(doc) == expected


def test_bullets_follow_their_paragraph(internal):
    context, doc = internal
    kinds = _list_kind(doc)
    paragraphs = doc.paragraphs
    checked = 0
    for para in context.paragraphs():
        if not para.bullets:
            continue
        text = " ".join(s.text for s in para.sentences)
        at = next(i for i, p in enumerate(paragraphs) if p.text == text and _num_id(p) is not None)
        following = paragraphs[at + 1 : at + 1 + len(para.bullets)]
        assert [p.text for p in following] == [b.text for b in para.bullets]
        assert all(kinds[_num_id(p)] == "bullet" for p in following)
        checked += 1
    assert checked >= 2  # the executive summary lists each group's counts as bullets


def test_headings_follow_the_committee_paper_and_the_context(paper):
    context, doc = paper
    headings = _headings(doc)
    level_one = [text for level, text in headings if level == 1]
    assert level_one[:3] == [
        "Executive summary",
        "Recommendations",
        "Background and current position",
    ]
    assert level_one[-4:] == [
        f"Appendix 1: Performance against targets, {context.period.label}",
        f"Appendix 2: Trends over {len(context.trend_periods)} quarters",
        "Appendix 3: Definitions and sources",
        "Appendix 4: Data provenance",
    ]
    # Sections at level 2 and their subsections at level 3, in the context's order.
    expected = []
    for section in context.sections[1:]:
        expected.append((2, section.title))
        expected.extend((3, sub.title) for sub in section.subsections)
    body = headings[headings.index((1, "Background and current position")) + 1 :]
    body = body[: body.index((1, "Acronyms"))]
    assert body == expected
    # Main headings print in capitals, as the seed's EXECUTIVE SUMMARY.
    assert doc.styles["Heading 1"].font.all_caps


def test_title_block_and_cover_notes(paper):
    context, doc = paper
    texts = [p.text for p in doc.paragraphs[:8]]
    assert texts[0] == "8 September 2022"
    assert texts[1] == "To the Members of the Committee"
    assert context.title in texts and context.authority.name in texts
    cover = " ".join(c.text for t in doc.tables[:4] for row in t.rows for c in row.cells)
    assert "SYNTHETIC DATA" in cover
    header = doc.sections[0].header.paragraphs[0].text
    assert header.endswith("| SYNTHETIC DATA") and context.period.label in header
    footer = doc.sections[0].footer.paragraphs[0].text
    if context.publication.enabled:
        assert "Publication version." in cover and context.publication.note in cover
        assert footer.startswith("For publication")
    else:
        assert "Internal report." in cover
        assert footer.startswith("Internal: not for publication")
    # The counts on the cover are the framework's.
    strip = next(t for t in doc.tables if "green" in t.rows[0].cells[0].text)
    summary = context.performance.summary
    assert [c.text for c in strip.rows[0].cells] == [
        f"{summary.green}\ngreen",
        f"{summary.amber}\namber",
        f"{summary.red}\nred",
        f"{summary.without_data}\nno data",
    ]


def test_no_synthetic_banner_for_real_data():
    _, doc = _document("internal", synthetic=False)
    everything = " ".join(p.text for p in doc.paragraphs) + " ".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells
    )
    assert "SYNTHETIC DATA" not in everything
    assert "SYNTHETIC" not in doc.sections[0].header.paragraphs[0].text
    assert "SYNTHETIC DATA" not in doc.core_properties.keywords


def test_recommendation_is_unnumbered_so_the_numbers_stay_the_contexts(internal):
    _, doc = internal
    at = next(i for i, p in enumerate(doc.paragraphs) if p.text == "Recommendations")
    recommendation = doc.paragraphs[at + 1]
    assert recommendation.text.startswith("Members are asked to note")
    assert _num_id(recommendation) is None


# -- tables -------------------------------------------------------------------------------------


def test_every_table_repeats_its_header_row_and_keeps_rows_whole(paper):
    _, doc = paper
    data_tables = [
        t for t in doc.tables if len(t.rows) > 1 and _fill(t.rows[0].cells[0]) == style.NAVY
    ]
    assert len(data_tables) > 20
    for table in data_tables:
        tr_pr = table.rows[0]._tr.trPr
        assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_key_figures_tables_print_the_context_figures(internal):
    context, doc = internal
    tables = {t.rows[0].cells[0].text: t for t in doc.tables}
    assert tables  # keyed by first header cell; key-figure tables start "Measure"
    figure_tables = [
        t
        for t in doc.tables
        if [c.text for c in t.rows[0].cells]
        == [
            "Measure",
            context.year_earlier.label,
            context.previous.label,
            context.period.label,
            "Based on",
        ]
    ]
    expected = []

    def walk(section):
        if section.figures:
            expected.append(section.figures)
        for sub in section.subsections:
            walk(sub)

    for section in context.sections:
        walk(section)
    assert len(figure_tables) == len(expected)
    for table, rows in zip(figure_tables, expected):
        for row, fig in zip(table.rows[1:], rows, strict=True):
            cells = [c.paragraphs[0].text for c in row.cells]
            based_on = (
                f"{fig.numerator_display} / {fig.denominator_display}"
                if fig.denominator_display
                else ""
            )
            assert cells == [
                fig.title,
                fig.year_earlier_display,
                fig.previous_display,
                fig.current_display,
                based_on,
            ]
            if fig.note:
                assert row.cells[3].paragraphs[1].text == fig.note


def test_breakdown_tables_print_every_category(internal):
    context, doc = internal
    breakdowns = [
        b for s in context.sections for sub in [s, *s.subsections] for b in sub.breakdowns
    ]
    assert breakdowns
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    for b in breakdowns:
        title = f"{b.title}, {context.period.label}"
        assert any(c.endswith(title) or title in c for c in captions), title
        table = next(
            t
            for t in doc.tables
            if t.rows[0].cells[0].text == "Category"
            and len(t.rows) == len(b.rows) + 1
            and [r.cells[0].text for r in t.rows[1:]] == [r.label for r in b.rows]
        )
        for row, category in zip(table.rows[1:], b.rows):
            printed = [c.text for c in row.cells]
            assert printed[-2:] == [category.display, category.previous_display]


def test_appendix_cells_equal_the_context(paper):
    context, doc = paper
    tables = _appendix_tables(doc)
    assert len(tables) == len(context.appendix)
    for table, group in zip(tables, context.appendix):
        assert [c.paragraphs[0].runs[0].text for c in table.rows[0].cells] == [
            "Ref",
            "Measure",
            "Target (tolerance)",
            "Comparator",
            context.previous.short,
            context.period.short,
            "RAG",
            "Direction",
            "Commentary",
        ]
        assert len(table.rows) == len(group.rows) + 1
        for row, item in zip(table.rows[1:], group.rows):
            cells = row.cells
            assert cells[0].text == item.item
            assert cells[1].text == item.title
            assert [p.text for p in cells[2].paragraphs] == [
                item.target,
                *([item.target_words] if item.target_words else []),
            ]
            # Every comparator: its figure, heading (label and year), basis and window.
            shown = [(c.display or "not published", c.heading, c.note) for c in item.comparators]
            assert [p.text for p in cells[3].paragraphs] == (
                [t for trio in shown for t in trio if t] or [""]
            )
            assert cells[4].text == item.previous
            current = [p.text for p in cells[5].paragraphs]
            assert current[0] == item.current
            if item.numerator and item.denominator:
                assert current[1] == f"{item.numerator} / {item.denominator}"
            assert current[-1] == (item.window or current[-1])
            assert cells[6].text == item.status_label
            assert cells[7].paragraphs[0].text == style.DIRECTIONS.get(item.direction or "", "")
            assert item.commentary in cells[8].text
            assert cells[8].text.startswith("Draft: ") == (item.commentary_kind == "draft")


def test_rag_cells_are_filled_and_worded(internal):
    context, doc = internal
    seen = Counter()
    for table, group in zip(_appendix_tables(doc), context.appendix):
        for row, item in zip(table.rows[1:], group.rows):
            cell = row.cells[6]
            fill, ink = style.RAG_FILLS.get(item.rag or "", style.NO_RAG_FILL)
            assert _fill(cell) == fill
            run = cell.paragraphs[0].runs[0]
            assert run.text == item.status_label  # the word as well as the colour
            assert str(run.font.color.rgb) == ink
            seen[item.status] += 1
    assert {"green", "amber", "red"} <= set(seen)


def test_publication_version_prints_suppressed_figures_as_c():
    context, doc = _document("publication")
    symbol = context.publication.symbol
    suppressed = [
        (g, r) for g in context.appendix for r in g.rows if symbol in (r.current, r.previous)
    ]
    printed = [
        c.paragraphs[0].text
        for t in _appendix_tables(doc)
        for row in t.rows[1:]
        for c in row.cells[4:6]
    ]
    expected = sum((r.current == symbol) + (r.previous == symbol) for _, r in suppressed)
    assert expected > 0 and printed.count(symbol) == expected
    assert context.publication.suppressed > 0


# -- footnotes, fields, charts, layout ----------------------------------------------------------


def test_target_and_comparator_headings_have_footnotes(internal):
    context, doc = internal
    part = doc.part.part_related_by(RT.FOOTNOTES)
    notes = etree.fromstring(part.blob)
    texts = {
        int(n.get(f"{W}id")): "".join(n.itertext()).strip()
        for n in notes.findall(f"{W}footnote")
        if n.get(f"{W}type") is None
    }
    tolerance_note = next(n for n in context.appendix_notes if "tolerance" in n.lower())
    assert texts[1] == tolerance_note
    assert texts[2].startswith(
        next(n for n in context.appendix_notes if n.startswith("Comparator"))
    )
    first, *rest = _appendix_tables(doc)
    header = first.rows[0].cells
    for cell, note_id in ((header[2], "1"), (header[3], "2")):
        refs = cell._tc.findall(f".//{qn('w:footnoteReference')}")
        assert [r.get(qn("w:id")) for r in refs] == [note_id]
    for table in rest:  # later tables repeat the numbers with NOTEREF fields
        instructions = " ".join(
            i.text for c in table.rows[0].cells[2:4] for i in c._tc.iter(qn("w:instrText"))
        )
        assert instructions.count("NOTEREF") == 2
    # Notes that are not about targets or comparators are listed under the tables.
    listed = [p.text for p in doc.paragraphs if p.style.name == "Note"]
    draft_note = next(n for n in context.appendix_notes if n.startswith("Commentary marked Draft"))
    assert draft_note in listed and draft_note not in texts.values()


def test_footer_numbers_the_pages(internal):
    _, doc = internal
    footer = doc.sections[0].footer.paragraphs[0]
    instructions = [i.text.strip() for i in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert all(s.footer.is_linked_to_previous for s in doc.sections[1:])


def test_charts_are_pngs_with_the_context_alt_text(internal):
    context, doc = internal
    charts = [
        c for s in context.sections for sub in [s, *s.subsections] for c in sub.charts
    ] + list(context.trends)
    inline = doc.inline_shapes
    assert len(inline) == len(charts) > 10
    descriptions = Counter(shape._inline.docPr.get("descr") for shape in inline)
    assert descriptions == Counter(c.alt_text for c in charts)
    for shape in inline:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = doc.part.related_parts[blip.embed]
        assert image.blob[:8] == b"\x89PNG\r\n\x1a\n"
        assert shape.width <= doc.sections[0].page_width


def test_appendix_is_landscape_and_the_rest_portrait(internal):
    _, doc = internal
    orientations = [s.orientation for s in doc.sections]
    assert orientations == [
        WD_ORIENTATION.PORTRAIT,
        WD_ORIENTATION.LANDSCAPE,
        WD_ORIENTATION.PORTRAIT,
    ]
    landscape = doc.sections[1]
    assert landscape.page_width > landscape.page_height


def test_definitions_and_provenance_appendices(internal):
    context, doc = internal
    definitions = next(
        t
        for t in doc.tables
        if [c.text for c in t.rows[0].cells] == ["Measure", "Definition", "Source"]
    )
    shown = {
        row.cells[0].paragraphs[1].text: (row.cells[1].text, row.cells[2].text)
        for row in definitions.rows[1:]
    }
    appendix_measures = {
        r.measure for g in context.appendix for r in g.rows if r.measure in context.definitions
    }
    assert appendix_measures <= set(shown)
    for measure, (definition, source) in shown.items():
        assert (definition, source) == (
            context.definitions[measure].definition,
            context.definitions[measure].source,
        )
    loads = next(t for t in doc.tables if t.rows[0].cells[0].text == "Load")
    assert [r.cells[0].text for r in loads.rows[1:]] == [
        str(load.load_id) for load in context.provenance.loads
    ]


def test_document_properties(internal):
    context, doc = internal
    props = doc.core_properties
    assert props.title == f"{context.title} | {context.authority.name}"
    assert props.author == context.authority.name
    assert props.created.replace(tzinfo=None) == GENERATED_AT.replace(tzinfo=None)
    assert "SYNTHETIC DATA" in props.keywords
    assert doc.styles["Normal"].font.name == style.FONT


def test_a_committee_can_be_named(tmp_path):
    context = synthetic_reports()["internal"]
    path = word.render(
        context, tmp_path / "named.docx", committee="Overview and Scrutiny Management Committee"
    )
    assert (
        Document(str(path)).paragraphs[1].text
        == "To the Members of the Overview and Scrutiny Management Committee"
    )
