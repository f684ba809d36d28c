"""Publication mode: counts 1-5 and figures built on them shown as 'c', their numbers removed
from the context itself; worker-level measures and data-quality row references left out."""

from __future__ import annotations

import pytest
import report_fixtures as rf
from lxml import html as lxml_html

from csc_scorecard.report.html import to_html
from csc_scorecard.report.model import Figure
from csc_scorecard.report.publication import PublicationRules, settings, should_suppress, suppress

RULES = PublicationRules()


def figure(
    unit: str, value: float | None, numerator: float | None = None, denominator: float | None = None
) -> Figure:
    return Figure(
        id="m:2022-Q1",
        measure="m",
        title="t",
        unit=unit,
        period="2022-Q1",
        value=value,
        numerator=numerator,
        denominator=denominator,
        status="ok",
        display=str(value),
        numerator_display=str(numerator),
        denominator_display=str(denominator),
        source="case data",
    )


@pytest.mark.parametrize(
    ("unit", "value", "numerator", "denominator", "suppressed"),
    [
        ("count", 3, 3, None, True),
        ("count", 5, 5, None, True),
        ("count", 6, 6, None, False),
        ("count", 0, 0, None, False),  # zero discloses nothing
        ("percent", 4.0, 2, 50, True),  # 2 of 50 children
        ("percent", 60.0, 3, 5, True),
        ("percent", 42.0, 21, 50, False),
        ("percent", 0.0, 0, 4, True),  # 0 of 4: the denominator is a small count
        ("rate_per_10000", 5.9, 4, 6_736, True),
        ("rate_per_10000", 59.4, 40, 6_736, False),
    ],
)
def test_which_figures_are_suppressed(unit, value, numerator, denominator, suppressed):
    assert should_suppress(figure(unit, value, numerator, denominator), RULES) is suppressed


def test_a_suppressed_figure_keeps_no_small_number():
    out = suppress(figure("percent", 4.0, 2, 50), RULES)
    assert (out.status, out.display, out.value, out.numerator, out.numerator_display) == (
        "suppressed",
        "c",
        None,
        None,
        "c",
    )
    assert (out.denominator, out.denominator_display) == (50, "50")  # all the children: safe
    small = suppress(figure("percent", 60.0, 3, 5), RULES)
    assert (small.denominator, small.denominator_display) == (None, "c")
    assert settings(PublicationRules(max_count=9, symbol="*")).note.startswith(
        "Prepared for publication. Counts from 1 to 9 are shown as '*'"
    )


@pytest.fixture(scope="module")
def published():
    return rf.report_context(publication=True)


def test_no_small_count_survives_in_the_context(published):
    assert published.publication.enabled and published.publication.suppressed > 0
    for f in published.figures.values():
        if f.status == "suppressed":
            assert f.value is None and f.numerator is None and f.display == "c"
        elif f.status == "ok":
            for n in (f.value if f.unit == "count" else None, f.numerator):
                assert n is None or n == 0 or n > 5, f.id
    for chart in [
        *published.trends,
        *(c for s in published.sections for sub in (s, *s.subsections) for c in sub.charts),
    ]:
        for point in chart.data:
            if chart.unit == "count" and point.y is not None:
                assert point.y == 0 or point.y > 5, chart.id


def test_suppressed_figures_are_c_in_tables_and_text(published):
    internal = rf.report_context()
    changed = [fid for fid, f in published.figures.items() if f.status == "suppressed"]
    assert changed and all(internal.figures[fid].status == "ok" for fid in changed)
    rows = [r for s in published.sections for sub in (s, *s.subsections) for r in sub.figures]
    for row in rows:
        if row.current and published.figures[row.current].status == "suppressed":
            assert row.current_display == "c" and row.note is None


def test_worker_and_child_level_content_is_left_out(published):
    assert not any(
        f.measure in ("caseload_max", "team_manager_span_max") for f in published.figures.values()
    )
    assert rf.report_context().figures.get("caseload_max:2022-Q1") is not None
    assert published.data_quality.issues and all(
        i.rows == [] for i in published.data_quality.issues
    )
    assert any(i.rows for i in rf.report_context().data_quality.issues)
    tree = lxml_html.fromstring(to_html(published).encode("utf-8"))
    assert tree.xpath("//p[contains(@class, 'banner-publication')]")
    assert not tree.xpath("//p[contains(@class, 'banner-internal')]")
    assert "Highest caseload held by a worker" not in tree.xpath("string(//body)")
