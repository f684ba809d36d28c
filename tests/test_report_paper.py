"""The committee paper: the council's paper file and the quarter's narrative file around the
figures, in committee-paper order, numbered, in Word, PDF and HTML; empty mandatory slots are
marked in the internal report and refuse the publication report."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import report_fixtures as rf
from pypdf import PdfReader

from csc_scorecard.report import render
from csc_scorecard.report.paper import (
    IMPLICATION_TITLES,
    PaperError,
    read_narrative,
    read_paper,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "doncaster-2022"
PAPER = EXAMPLES / "paper.yaml"
NARRATIVE = EXAMPLES / "narrative.md"


def _context(
    tmp_path: Path | None = None, *, narrative: Path | None = NARRATIVE, publication=False
):
    return rf.paper_context(PAPER, narrative, publication)


@pytest.fixture(scope="module")
def paper_context():
    return _context()


def _order(ctx) -> list[str]:
    return [s.id for s in ctx.sections]


def test_sections_come_in_committee_paper_order(paper_context):
    ids = _order(paper_context)
    front = ["summary", "paper_exempt", "paper_recommendations", "paper_citizens"]
    assert ids[:4] == front
    assert ids[4:6] == ["background", "management_response"]
    # Strategic developments sit before the finance section, as the seed places them.
    assert ids.index("strategic_developments") == ids.index("finance") - 1
    back = [
        "paper_objectives",
        "paper_options",
        *[f"paper_{k}" for k in IMPLICATION_TITLES],
        "paper_consultation",
        "paper_contacts",
    ]
    assert ids[-len(back) :] == back
    assert ids[-len(back) - 1] == "data_quality"


def test_paragraphs_are_numbered_once_through_the_whole_paper(paper_context):
    numbers = [p.number for p in paper_context.paragraphs()]
    assert numbers == list(range(1, len(numbers) + 1))
    summary = paper_context.sections[0]
    # The paper's purpose leads the executive summary, as officers wrote it.
    assert summary.paragraphs[0].kind == "typed"
    assert summary.paragraphs[0].text.startswith("As part of the governance arrangements")
    (recommendation,) = next(
        s for s in paper_context.sections if s.id == "paper_recommendations"
    ).paragraphs
    assert recommendation.text.startswith("That the committee notes")
    # Officers' words are printed as written and are not checked as generated sentences.
    assert all("As part of the governance" not in s.text for s in paper_context.sentences())


def test_narrative_slots_land_where_the_seed_puts_such_text(paper_context):
    by_id = {s.id: s for s in paper_context.sections}
    quality = by_id["data_quality"]
    assert quality.paragraphs[0].text.startswith(
        "An indicator marked not reportable in the appendix"
    )
    response = by_id["management_response"].paragraphs[0]
    # An action for each indicator the demo paper puts below target (C10, C11, P10, P11, P13,
    # P22, P23), not for green ones: it named open single assessments (C01 amber, P04 green)
    # and child protection visits (C03 green) and none of the red supervision and audit ones.
    assert [b.text.split(":")[0] for b in response.bullets] == [
        "supervision in timescale (C11)",
        "case file audits graded good or better (C10)",
        "placement stability and adoption (P11, P13)",
        "agency staff and staff turnover (P22, P23)",
        "the authority's children's homes (P10)",
    ]
    staffing = by_id["staffing"]
    supervision = next(s for s in staffing.subsections if s.id == "supervision")
    assert supervision.paragraphs[-1].text.startswith(
        "Supervision in timescale is counted from the sessions recorded on the case system: a "
        "team that has yet to add its records for the quarter counts as not supervised"
    )
    demand = by_id["demand"]
    referrals = next(s for s in demand.subsections if s.id == "referrals")
    assert referrals.paragraphs[-1].text.startswith("Referral numbers follow the pattern")
    assert paper_context.paper.committee == "Overview and Scrutiny Management Committee"
    assert paper_context.paper.exemption == "Not exempt."
    assert paper_context.paper.meeting_date_text == "8 September 2022"


def test_an_empty_mandatory_slot_is_marked_internally_and_refuses_publication(tmp_path):
    partial = tmp_path / "narrative.md"
    partial.write_text("# Background\n\nA quiet quarter.\n", encoding="utf-8")
    ctx = _context(narrative=partial)
    marked = [p for p in ctx.paragraphs() if p.kind == "placeholder"]
    assert [p.text.split(".")[0] for p in marked] == [
        "[To be completed: Management response",
        "[To be completed: Data confidence",
    ]
    with pytest.raises(PaperError, match="'Management response', 'Data confidence'"):
        _context(narrative=partial, publication=True)
    with pytest.raises(PaperError, match="'Management response', 'Data confidence'"):
        _context(narrative=None, publication=True)


def test_paper_and_narrative_files_are_refused_naming_the_line_and_field(tmp_path):
    bad = tmp_path / "paper.yaml"
    bad.write_text(PAPER.read_text().replace("recommendations:", "recomendations:"))
    with pytest.raises(PaperError, match="recomendations"):
        read_paper(bad)
    exempt = tmp_path / "exempt.yaml"
    exempt.write_text(PAPER.read_text().replace("exempt: false", "exempt: true"))
    with pytest.raises(PaperError, match="exempt_paragraph"):
        read_paper(exempt)
    # Read first by libyaml's parser; a file it refuses is read again by PyYAML's own.
    broken = tmp_path / "broken.yaml"
    broken.write_text(PAPER.read_text().replace("exempt: false", "exempt: [false"))
    with pytest.raises(PaperError, match=r"not YAML \(while parsing a flow sequence\)"):
        read_paper(broken)
    sections = _context().sections
    for text, message in (
        ("# Outlook\n\nSunny.\n", r"line 1: unknown heading 'Outlook'"),
        ("Loose words.\n", "line 1: text before the first heading"),
        (
            "# Background\n\nA.\n\n# background\n\nB.\n",
            "line 5: heading 'background' appears twice",
        ),
        ("## Reasons: Weather\n\nRain.\n", "no section titled 'Weather'"),
    ):
        path = tmp_path / "n.md"
        path.write_text(text)
        with pytest.raises(PaperError, match=message):
            read_narrative(path, sections)


def _docx_text(path: Path) -> str:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.DOTALL)
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)


def _in_order(text: str, parts: list[str]) -> None:
    at = -1
    for part in parts:
        found = text.find(part, at + 1)
        assert found > at, f"{part!r} missing or out of order"
        at = found


def test_word_and_pdf_carry_every_part_in_order(paper_context, tmp_path):
    parts = [
        "Overview and Scrutiny Management Committee",
        "Executive summary",
        "As part of the governance arrangements",
        # The generated summary leads with what matters (issue 16 item 2), before the front
        # matter, in Word and PDF alike.
        "indicators are below target:",
        "The largest movements since Q4",
        "The forecast outturn for 2022/23",
        "could not be reported for Q1",
        "Exempt information",
        "Not exempt.",
        "Recommendations",
        "That the committee notes",
        "What does this mean for citizens?",
        "Background and current position",
        "Management response",
        "Strategic developments",
        "Financial summary",
        "Data quality",
        "An indicator marked not reportable in the appendix",
        "Impact on the council's key objectives",
        "Recommended options",
        *IMPLICATION_TITLES.values(),
        "Consultation",
        "Contact officers",
        "Performance and Intelligence Lead",
    ]
    docx = render(paper_context, "docx", tmp_path / "paper.docx")
    word = _docx_text(docx)
    _in_order(word, parts)
    assert "Risks and assumptions [PL 16/08/2022]" in word
    # Word numbers its paragraphs itself; the numbering is applied to the officers' paragraphs.
    numbered = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8").count("<w:numId ")
    assert numbered >= len(paper_context.paragraphs())

    pdf = render(paper_context, "pdf", tmp_path / "paper.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    text = re.sub(r"\s+", " ", text)
    _in_order(text, [re.sub(r"\s+", " ", p) for p in parts])
    # The recommendation carries its paragraph number in the PDF.
    rec = next(s for s in paper_context.sections if s.id == "paper_recommendations").paragraphs[0]
    assert f"{rec.number}. That the committee notes" in text
