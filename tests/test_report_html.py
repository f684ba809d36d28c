"""The HTML report, parsed: self-contained, numbered paragraphs, cited figures, RAG cells, charts.

Built from the fixture authority's context (`tests/report_fixtures.py`).
"""

from __future__ import annotations

import json
import re

import pytest
import report_fixtures as rf
from lxml import html as lxml_html

from csc_scorecard.report.html import to_html


@pytest.fixture(scope="module")
def context():
    return rf.report_context()


@pytest.fixture(scope="module")
def page(context):
    return to_html(context)


@pytest.fixture(scope="module")
def tree(page):
    return lxml_html.fromstring(page.encode("utf-8"))


def test_self_contained_and_offline(page, tree):
    assert not tree.xpath("//script") and not tree.xpath("//link[@rel='stylesheet']")
    assert len(tree.xpath("//style")) == 1 and "@page" in tree.xpath("//style")[0].text
    external = [v for v in tree.xpath("//@src | //@href") if re.match(r"(https?:)?//", v)]
    assert external == []
    assert "&#34;" not in tree.xpath("//style")[0].text  # CSS is not HTML-escaped


def test_cover(context, tree):
    assert tree.xpath("string(//h1)") == context.title
    assert tree.xpath("string(//p[@class='cover-authority'])") == context.authority.name
    banner = tree.xpath("//p[contains(@class, 'banner-synthetic')]")
    assert banner and "SYNTHETIC DATA" in banner[0].text_content()
    boxes = {
        b.get("class").split()[-1]: int(b.xpath("string(span)"))
        for b in tree.xpath("//li[contains(@class, 'rag-box')]")
    }
    counts = context.performance.summary
    assert boxes == {
        "rag-green": counts.green,
        "rag-amber": counts.amber,
        "rag-red": counts.red,
        "rag-none": counts.without_data,
    }


def test_no_banner_when_not_synthetic():
    tree = lxml_html.fromstring(to_html(rf.report_context(synthetic=False)).encode("utf-8"))
    assert not tree.xpath("//*[contains(@class, 'banner-synthetic')]")
    assert "SYNTHETIC DATA" not in tree.xpath("string(//body)")


def test_paragraphs_are_numbered_in_order(context, tree):
    numbers = [
        n.text_content().rstrip(".")
        for n in tree.xpath("//div[contains(@class, 'para ')]/span[@class='para-number']")
    ]
    assert numbers == [str(p.number) for p in context.paragraphs()]
    first = tree.xpath("//div[@id='para-1']//p")[0].text_content()
    assert first == context.paragraphs()[0].text


def test_cited_numbers_carry_their_source(context, tree):
    document = json.loads(context.model_dump_json())
    spans = tree.xpath("//span[contains(@class, 'fig')][@data-ref]")
    cites = [c for s in context.sentences() for c in s.cites]
    assert len(spans) == len(cites) > 200
    for span, cite in zip(spans, cites, strict=True):
        assert span.get("data-ref") == cite.ref and span.text_content() == cite.text
        assert rf.resolve(document, cite.ref) == cite.value


def test_appendix_rows_and_rag_cells(context, tree):
    for group in context.appendix:
        rows = tree.xpath(f"//table[@id='appendix-{group.id}']/tbody/tr")
        assert len(rows) == len(group.rows)
        for tr, row in zip(rows, group.rows, strict=True):
            cells = tr.xpath("td")
            assert cells[0].text_content() == row.item
            assert cells[2].text_content() == row.target
            assert cells[5].text_content().startswith(row.current)
            assert (
                cells[6].get("class") == f"rag rag-{row.status}"
                and cells[6].text_content() == row.status_label
            )
            if row.commentary_kind == "draft":
                assert cells[8].text_content().startswith("Draft ")


def test_key_figures_tables_match_the_figures(context, tree):
    demand = next(s for s in context.sections if s.id == "demand")
    referrals = next(s for s in demand.subsections if s.id == "referrals")
    table = tree.xpath("//table[@id='figures-referrals']")[0]
    first = table.xpath("tbody/tr")[0]
    assert first.get("data-measure") == "referrals"
    assert [td.text_content() for td in first.xpath("td")][:3] == [
        referrals.figures[0].year_earlier_display,
        referrals.figures[0].previous_display,
        referrals.figures[0].current_display,
    ]


def test_charts_inline_with_alt_text(context, tree):
    charts = [
        c for s in context.sections for sub in (s, *s.subsections) for c in sub.charts
    ] + context.trends
    figures = tree.xpath("//figure[contains(@class, 'chart')]")
    assert len(figures) == len(charts) > 10
    for figure in figures:
        holder = figure.xpath("div[@class='chart-svg']")[0]
        assert holder.get("role") == "img" and len(holder.get("aria-label")) > 20
        assert holder.xpath("*[local-name()='svg']")
    ids = tree.xpath("//*[local-name()='svg']//@id")
    assert len(ids) == len(set(ids))


def test_rendering_twice_gives_the_same_page(context, page):
    assert to_html(context) == page
