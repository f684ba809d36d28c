"""Issue 16, item 2: an executive summary that leads.

It names the indicators below target with value and target, the largest movements since the
last quarter and a year earlier (only changes the materiality rule counts), the forecast
outturn and its biggest driver, and the indicators that could not be reported and why; every
number is cited. Hand-built appendix rows below; the fixture authority's summary after.
"""

from __future__ import annotations

import re

import report_fixtures as rf

from csc_scorecard.model.periods import Quarter
from csc_scorecard.report import render
from csc_scorecard.report.executive import _quality_paragraph, below_target, movements, not_reported
from csc_scorecard.report.facts import Facts, figure_id
from csc_scorecard.report.model import AppendixGroup, AppendixRow, Counts, DataQuality, Figure
from csc_scorecard.report.quality_section import quality_section
from csc_scorecard.report.subject import period_info

Q1, Q4, Y = "2022-Q1", "2021-Q4", "2021-Q1"
PERIODS = {
    w: period_info(Quarter.parse(p))
    for w, p in (("current", Q1), ("previous", Q4), ("year_earlier", Y))
}


def _row(item, title, unit, current, target, status, direction=None, year=None, reason=None):
    measure = f"m_{item.lower()}"
    return AppendixRow(
        item=item,
        title=title,
        measure=measure,
        unit=unit,
        target=target,
        target_text=target,
        comparator="",
        comparator_label=None,
        comparator_source=None,
        previous="",
        current=current,
        status=status,
        status_label=status,
        rag=status if status in ("green", "amber", "red") else None,
        direction=direction,
        direction_year=year,
        small_numbers=False,
        figure=figure_id(measure, Q1) if current else None,
        reason=reason,
        commentary="",
        commentary_kind="none",
    )


def _figure(measure, period, value, unit, shown):
    return Figure(
        id=figure_id(measure, period),
        measure=measure,
        title=measure,
        unit=unit,
        period=period,
        value=value,
        status="ok",
        display=shown,
        source="case data",
    )


def _group(*rows):
    zero = dict.fromkeys(Counts.model_fields, 0)
    return AppendixGroup(
        id="g", title="Contract", summary=Counts(**zero), summary_lines=[], rows=list(rows)
    )


def test_below_target_names_each_indicator_with_value_and_target():
    rows = [
        _row("C01", "Assessments within 45 working days", "percent", "86.7%", "90%", "amber"),
        _row(
            "C10", "% of cases audited graded as 'good' or better", "percent", "54%", "80%", "red"
        ),
        _row("P14", "Average days from care to adoptive family.", "days", "463", "426", "red"),
    ]
    p = below_target([_group(*rows)])
    assert p.text == "2 indicators are below target:"
    assert [b.text for b in p.bullets] == [
        "C10 % of cases audited graded as 'good' or better stood at 54% against a target of 80%",
        # A title with its own full stop is followed by "This indicator"; days are said.
        (
            "P14 Average days from care to adoptive family. This indicator stood at 463 days "
            "against a target of 426 days"
        ),
    ]
    assert [c.ref for c in p.bullets[0].cites] == [
        "/appendix/0/rows/1/item",
        "/appendix/0/rows/1/title",
        "/appendix/0/rows/1/current",
        "/appendix/0/rows/1/target_text",
    ]
    assert below_target([_group(rows[0])]).text == "No indicator is below target this quarter."


def test_largest_movements_count_only_material_changes_largest_first():
    rows = [
        # 86.9% -> 86.7%: similar under the materiality rule, so "unchanged": left out.
        _row("C01", "Assessments", "percent", "86.7%", "90%", "amber", "unchanged", "worsening"),
        _row("C06", "Three or more moves", "percent", "8.4%", "9%", "green", "improving"),
        _row("C11", "Supervision in timescale", "percent", "63.2%", "90%", "red", "worsening"),
        _row("C12", "Audits good or better", "percent", "60%", "80%", "red", "improving"),
        _row("P14", "Days to adoptive family", "days", "276", "426", "green", "worsening"),
    ]
    values = {  # measure: Q1, Q4, a year earlier, as printed
        "m_c01": (86.7, 86.9, 88.9, "86.9%", "88.9%"),
        "m_c06": (8.4, 10.6, 12.3, "10.6%", "12.3%"),
        "m_c11": (63.2, 65.8, 73.7, "65.8%", "73.7%"),
        "m_c12": (60, 40, 60, "40%", "60%"),
        "m_p14": (276, 169, 235, "169", "235"),
    }
    figures = {}
    for row in rows:
        now, before, year, shown, shown_year = values[row.measure]
        for period, value, text in (
            (Q1, now, row.current),
            (Q4, before, shown),
            (Y, year, shown_year),
        ):
            f = _figure(row.measure, period, value, row.unit, text)
            figures[f.id] = f
    facts = Facts(figures, PERIODS, {}, {}, "A")
    p = movements(facts, [_group(*rows)], "previous")
    assert p.text == (
        "The largest movements since Q4 (changes too small to count under the materiality rule "
        "are left out):"
    )
    # Improvements first, largest first: C12 by 20 points, C06 by 2.2; then the deteriorations:
    # P14 by 63% of 169 days (days are compared as a share of the earlier figure), C11 by 2.6.
    assert [b.text for b in p.bullets] == [
        "C12 Audits good or better went up from 40% to 60% (an improvement)",
        "C06 Three or more moves went down from 10.6% to 8.4% (an improvement)",
        "P14 Days to adoptive family went up from 169 to 276 days (a deterioration)",
        "C11 Supervision in timescale went down from 65.8% to 63.2% (a deterioration)",
    ]
    assert p.bullets[0].cites[2].ref == "/figures/m_c12:2021-Q4/value"
    assert p.bullets[0].cites[3].ref == "/appendix/0/rows/3/current"
    year = movements(facts, [_group(*rows)], "year_earlier")
    assert year.text.startswith("The largest movements since Q1 2021/22, a year earlier")
    # Only C01 moved materially on the year (88.9% -> 86.7%, 2.2 points).
    assert [b.text for b in year.bullets] == [
        "C01 Assessments went down from 88.9% to 86.7% (a deterioration)"
    ]


def test_indicators_not_reported_say_why():
    rows = [
        _row(
            "C05",
            "Reviews in timescale",
            "percent",
            "",
            "95%",
            "not_reportable",
            reason="Data is currently being validated",
        ),
        _row(
            "P15",
            "Days from court authority to match.",
            "days",
            "",
            "121",
            "not_available",
            reason="no records in the period to count",
        ),
        _row("C01", "Assessments", "percent", "86.7%", "90%", "amber"),
    ]
    facts = Facts({}, PERIODS, {}, {}, "A")
    p = not_reported(facts, [_group(*rows)])
    assert p.text == "2 indicators could not be reported for Q1:"
    assert [b.text for b in p.bullets] == [
        "C05 Reviews in timescale could not be reported: Data is currently being validated",
        (
            "P15 Days from court authority to match. This indicator had no figure to report: no "
            "records in the period to count"
        ),
    ]
    assert (
        not_reported(facts, [_group(rows[2])]).text == "Every indicator could be reported for Q1."
    )


def test_the_fixture_summary_leads_with_what_matters_and_cites_every_number():
    ctx = rf.report_context()
    summary = ctx.sections[0]
    assert summary.id == "summary"
    texts = [p.text for p in summary.paragraphs]
    red = [r for g in ctx.appendix for r in g.rows if r.status == "red"]
    below = next(p for p in summary.paragraphs if p.text.endswith("below target:"))
    assert below.text == f"{len(red)} indicators are below target:"
    assert [b.text for b in below.bullets] == [
        f"{r.item} {r.title}{' This indicator' if r.title.endswith('.') else ''} "
        f"stood at {r.current} against a target of {r.target_text}"
        for r in red
    ]
    # The forecast: the total variance and the largest care-ladder group (or agency) variance.
    finance = ctx.finance
    total = finance.figures["total:variance"]
    named = [
        (g.name, finance.figures.get(f"group:{g.id}:variance")) for g in finance.outturn.groups
    ]
    named.append(("agency worker costs", finance.figures.get("agency:variance")))
    groups = {n: f for n, f in named if f is not None and f.value is not None}
    name, biggest = max(
        ((n, f) for n, f in groups.items() if (f.value > 0) == (total.value > 0)),
        key=lambda x: abs(x[1].value),
    )
    over = "over" if total.value > 0 else "under"
    assert (
        f"The forecast outturn for {finance.financial_year} at month {finance.month} is an "
        f"{over}spend of {total.display} against the budget; the biggest driver is {name} "
        f"({biggest.display} {over} budget)."
    ) in texts
    # The order: counts, below target, movements, forecast, not reported, then availability.
    order = [
        next(i for i, t in enumerate(texts) if t.startswith(start))
        for start in (
            "Performance against the Contract",
            f"{len(red)} indicators are below target",
            "The largest movements since Q4",
            "The forecast outturn",
            "2 indicators could not be reported",
            "Data is not available or not reportable",
        )
    ]
    assert order == sorted(order)


def test_the_summary_leads_the_html_report(tmp_path):
    ctx = rf.report_context()
    html = render(ctx, "html", tmp_path / "r.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\s+", " ", text)
    # After the contents list: the summary's opening sentence, then its leading paragraphs, all
    # before the first service section.
    at = text.find("This report sets out the performance")
    assert at > text.find("Executive summary") >= 0
    for part in (
        "indicators are below target:",
        "The largest movements since Q4",
        "The forecast outturn for",
        "could not be reported for",
    ):
        found = text.find(part, at)
        assert found > at, part
        assert found < text.find("Current demand and activity levels", at), part


def test_no_load_issue_is_said_in_words_as_the_data_quality_section_says_it():
    # The demo paper's summary said "0 data-quality issues were recorded when the files were
    # loaded." where its data-quality section said "No data-quality issues were recorded ...".
    clean = DataQuality(not_reportable=[], not_available=[], issues=[], issue_total=0)
    facts = Facts({}, {"current": period_info(Quarter.parse("2022-Q1"))}, {}, {}, "A")
    said = _quality_paragraph(facts, clean)
    assert said is not None
    assert (
        said.text == "No data-quality issues were recorded when the authority's files were loaded."
    )
    section = [p.text for p in quality_section(facts, clean).paragraphs]
    assert said.text in section


def test_the_load_issues_the_summary_counts_are_the_authority_s_own():
    # Appendix 4 lists every load with its issues, the published reference data's among them
    # (other authorities' suppressed figures: 5,801 in the demo paper beside "No data-quality
    # issues were recorded when the files were loaded"); the count is of the authority's files.
    ctx = rf.report_context()
    total = ctx.data_quality.issue_total
    said = next(p.text for p in ctx.paragraphs() if "data-quality issue" in p.text)
    assert said.startswith(
        f"{total} data-quality issues were recorded when the authority's files were loaded."
    )
