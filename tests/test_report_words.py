"""Words for readers (issue 16 item 5): a committee paper names none of the project's own files
or markers, its definitions are written for members and cite public guidance, it uses the
council's chosen vocabulary throughout, and its acronyms list holds the acronyms it uses."""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import report_fixtures as rf
from pypdf import PdfReader

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.report import render
from csc_scorecard.report.paper import read_paper
from csc_scorecard.terms import Terms, using, words
from csc_scorecard.wording import say

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "doncaster-2022"
PAPER = EXAMPLES / "paper.yaml"
NARRATIVE = EXAMPLES / "narrative.md"

# What a reader must never see: the project's documents and source files, its markers for
# unconfirmed choices, and the seed report it was modelled on.
INTERNAL = re.compile(
    r"standards\.md|design\.md|README\.md|\b[\w./-]+\.(?:py|ya?ml)\b|\[[UD]\b|\bseed\b",
    re.IGNORECASE,
)


def internal_references(text: str) -> list[str]:
    return sorted({m.group(0) for m in INTERNAL.finditer(text)})


def _context(paper=PAPER, publication=False):
    return rf.paper_context(paper, NARRATIVE, publication)


def _text(path: Path) -> str:
    """Everything a reader can see in the file."""
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            xml = (z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
            return "\n".join(re.sub(r"<[^>]+>", "", x) for x in xml)
    if path.suffix == ".xlsx":
        cells = []
        for ws in openpyxl.load_workbook(path, read_only=True):
            cells.append(ws.title)
            for row in ws.iter_rows(values_only=True):
                cells.extend(str(v) for v in row if v is not None)
        return "\n".join(cells)
    if path.suffix == ".json":  # what a reader of the data sees: the values, not the keys
        return "\n".join(_values(json.loads(path.read_text(encoding="utf-8"))))
    return html.unescape(path.read_text(encoding="utf-8"))


def _values(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _values(v)
    elif isinstance(value, list):
        for v in value:
            yield from _values(v)
    elif value is not None:
        yield str(value)


@pytest.fixture(scope="module")
def contexts():
    return {publication: _context(publication=publication) for publication in (False, True)}


@pytest.fixture(scope="module")
def outputs(contexts, tmp_path_factory):
    out = tmp_path_factory.mktemp("words")
    files = {}
    for publication, ctx in contexts.items():
        for fmt in ("html", "pdf", "docx", "xlsx", "json"):
            name = f"{'publication' if publication else 'internal'}.{fmt}"
            files[name] = _text(render(ctx, fmt, out / name))
    return files


def test_no_output_names_an_internal_file_or_marker(outputs):
    assert len(outputs) == 10
    found = {name: internal_references(text) for name, text in outputs.items()}
    assert found == {name: [] for name in outputs}


def test_the_check_finds_what_it_looks_for():
    # The pattern is not vacuous: each kind of internal reference is caught.
    text = "Chosen boundary (standards.md [U]); as the Seed reports; see charts.py and paper.yaml"
    assert internal_references(text) == ["Seed", "[U", "charts.py", "paper.yaml", "standards.md"]
    assert internal_references("Working Together to Safeguard Children 2018") == []


def test_every_measure_has_a_definition_for_members_citing_public_guidance():
    for m in catalogue().values():
        assert m.summary and m.guidance, m.id
        for text in (m.summary, m.guidance):
            assert internal_references(text) == [], (m.id, text)
            # no return codes or field names (PLACE U1-U6, CINreferralDate, include_rc9)
            assert not re.search(r"\b[A-Z]{1,3}\d\b|[a-z][A-Z][a-z]+[A-Z]|_", text), (m.id, text)
        assert m.summary.rstrip().endswith("."), m.id


def test_definitions_appendix_prints_the_members_text_not_the_analysts(outputs):
    html = outputs["internal.html"]
    referrals = catalogue()["referrals"]
    assert " ".join(referrals.summary.split()) in html
    assert "Children in need census guide" in html
    assert " ".join(referrals.definition.split()) not in html  # the analyst's counting rule


def test_vocabulary_rewrites_phrases_and_keeps_case():
    trust = Terms(children_in_care="children looked after", organisation="Trust")
    assert words("Children in care at the end of Q1.", trust) == (
        "Children looked after at the end of Q1."
    )
    assert words("The council's homes; the council", trust) == "The Trust's homes; the Trust"
    in_care = Terms()
    assert words("Children looked after who ceased to be looked after", in_care) == (
        "Children in care who left care"
    )
    assert words("the council", in_care) == "the council"


def test_every_generated_sentence_goes_through_the_vocabulary():
    with using(Terms(children_in_care="children looked after", organisation="Trust")):
        s = say("There were {n} children in care, the council says.", n="no")
    assert s.text == "There were no children looked after, the Trust says."
    s = say("There were {n} children looked after.", n="no")
    assert s.text == "There were no children in care."


def test_a_council_that_says_looked_after_gets_it_everywhere(tmp_path):
    paper = read_paper(PAPER).model_copy(
        update={
            "terminology": Terms(children_in_care="children looked after", organisation="Trust")
        }
    )
    ctx = _context(paper=paper)
    text = ctx.model_dump_json()
    generated = " ".join(p.text for p in ctx.paragraphs() if p.kind not in ("typed", "placeholder"))
    assert "children looked after" in generated.lower()
    assert "children in care" not in generated.lower()
    definitions = " ".join(d.definition for d in ctx.definitions.values())
    assert "children in care" not in definitions.lower()
    assert "Children looked after" in {a.meaning for a in ctx.acronyms} or "CLA" not in text
    assert "CiC" not in {a.term for a in ctx.acronyms}


def test_acronyms_list_holds_only_the_acronyms_the_paper_uses(contexts):
    ctx = contexts[False]
    terms = {a.term for a in ctx.acronyms}
    body = ctx.model_dump_json(exclude={"acronyms"})
    for term in terms - {"RAG"}:  # RAG: the appendix's column heading
        assert re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", body), term
    assert {"DfE", "CIN", "UASC", "RAG"} <= terms
    assert not {"ICPC", "MoJ", "KPI"} & terms  # listed in the layout, used nowhere in this paper


def test_the_acronyms_a_member_meets_unexplained_are_listed(contexts):
    # The demo paper printed "DSG high needs contribution", "Front door (MASH)", "YJS comparator
    # authority group", "Percentage of LAC reviews" and "(SSDA903, DEC)" with none of them in its
    # acronyms list (the seed lists DSG, MASH and OOA); OOA is used alone after its first use.
    listed = {a.term: a.meaning for a in contexts[False].acronyms}
    assert {k: listed.get(k) for k in ("DSG", "MASH", "OOA", "YJS", "LAC", "SSDA903")} == {
        "DSG": "Dedicated Schools Grant",
        "MASH": "Multi-Agency Safeguarding Hub",
        "OOA": "Out of authority",
        "YJS": "Youth Justice Service",
        "LAC": "Looked-after children",
        "SSDA903": "Children looked after return (DfE)",
    }
