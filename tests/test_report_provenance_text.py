"""The provenance appendix and the appendix groups' count lines are written once in the context
(`report/provenance_text.py`): the Word document and the HTML page (the PDF is printed from it)
print the same sentences and the same table cells.

Built from the fixture authority's publication context (`tests/report_fixtures.py`), whose
settings table includes the suppression line.
"""

from __future__ import annotations

import pytest
import report_fixtures as rf
from docx import Document
from lxml import html as lxml_html

from csc_scorecard.report import docx as word
from csc_scorecard.report.html import to_html
from csc_scorecard.report.provenance_text import counts_line


@pytest.fixture(scope="module")
def context():
    return rf.report_context(publication=True)


@pytest.fixture(scope="module")
def tree(context):
    return lxml_html.fromstring(to_html(context).encode("utf-8"))


@pytest.fixture(scope="module")
def document(context, tmp_path_factory):
    return Document(str(word.render(context, tmp_path_factory.mktemp("docx") / "r.docx")))


def test_the_context_writes_the_statement_and_tables(context):
    prov = context.provenance
    assert prov.statement == (
        f"Produced 8 September 2022 at 09:00 UTC by csc-scorecard {prov.software_version} "
        f"(report context schema {context.schema_version}) from the store {prov.store}, "
        f"framework {prov.framework_file}."
    )
    tables = {t.id: t for t in prov.tables}
    assert list(tables) == ["loads", "population", "comparators", "settings"]
    assert [r[0] for r in tables["loads"].rows] == [str(x.load_id) for x in prov.loads]
    first = prov.loads[0]
    assert tables["loads"].rows[0][3] == (
        f"{first.period_start:%d/%m/%Y} to {first.period_end:%d/%m/%Y}"
    )
    pub = context.publication
    shown = f"counts {pub.min_count} to {pub.max_count} shown as '{pub.symbol}'"
    assert tables["settings"].rows[-1] == [
        "Suppressed for publication",
        f"{pub.suppressed} figures ({shown})",
    ]
    assert all(len(row) == len(t.columns) == len(t.numeric) for t in prov.tables for row in t.rows)


def test_counts_line_gives_both_denominators(context):
    group = context.appendix[0]
    c = group.summary
    assert group.summary_text == counts_line(c)
    assert group.summary_text.startswith(f"{c.green} green, {c.amber} amber, {c.red} red, ")
    assert group.summary_text.endswith(f" ({c.total} indicators, {c.rated} rated)")


def test_word_and_html_print_the_same_statement(context, tree, document):
    statement = context.provenance.statement
    html_paragraphs = [
        " ".join(p.text_content().split())
        for p in tree.xpath("//section[@id='appendix-provenance']/p")
    ]
    assert html_paragraphs == [statement]
    assert sum(p.text == statement for p in document.paragraphs) == 1


def test_word_and_html_print_the_same_count_lines(context, tree, document):
    lines = [g.summary_text for g in context.appendix]
    html_lines = [s.text_content() for s in tree.xpath("//span[@class='caption-summary']")]
    word_lines = [p.text for p in document.paragraphs if p.text in lines]
    assert html_lines == word_lines == lines


def test_word_and_html_print_the_same_provenance_tables(context, tree, document):
    html_tables = [
        [[c.text_content() for c in tr.xpath("th|td")] for tr in t.xpath(".//tr")]
        for t in tree.xpath("//section[@id='appendix-provenance']//table")
    ]
    headers = [t.columns for t in context.provenance.tables]
    word_tables = [
        [[c.text for c in row.cells] for row in t.rows]
        for t in document.tables
        if [c.text for c in t.rows[0].cells] in headers
    ]
    expected = [[t.columns, *t.rows] for t in context.provenance.tables]
    assert html_tables == word_tables == expected
