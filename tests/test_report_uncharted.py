"""Appendix 2 says which framework items it has no trend chart for, and why: the demo paper
charted C01 to C06 then C08, with no word on C07 (a measure first counted this quarter, one
quarter of data); a member looking for it could not tell it had been left out."""

from __future__ import annotations

import docx
from report_fixtures import paper_context

from csc_scorecard.report import docx as docx_report
from csc_scorecard.report import html as html_report

NOTE = "C07, C09, P14 and P15 have fewer than two quarters with a figure, so they have no chart."


def test_the_items_without_a_trend_chart_are_named(tmp_path):
    ctx = paper_context()
    charted = {c.id for c in ctx.trends}
    rows = [r.item for g in ctx.appendix for r in g.rows]
    assert [i for i in rows if f"trend-{i}" not in charted] == ["C07", "C09", "P14", "P15"]
    assert ctx.uncharted_note() == NOTE
    html = html_report.render(ctx, tmp_path / "paper.html").read_text(encoding="utf-8")
    assert "are left out. " + NOTE + "</p>" in html
    word = docx.Document(str(docx_report.render(ctx, tmp_path / "paper.docx")))
    assert any(p.text.endswith("gives its figures in words. " + NOTE) for p in word.paragraphs)
