"""The report's sections are built through one table, `report.sections.registry.SECTION_BUILDERS`:
the layout names only builders the table holds, every section of the layout resolves to one,
and the fixture report (`tests/report_fixtures.py`) is made of exactly what the builders
returned - no section reaches the context any other way (docs/architecture.md, "Adding a
report section")."""

from __future__ import annotations

from typing import get_args

import pytest
import report_fixtures as rf
from pydantic import ValidationError

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.report.layout import Layout, SectionLayout, layout, placement
from csc_scorecard.report.model import OmittedSection, Section
from csc_scorecard.report.sections import registry
from csc_scorecard.report.sections.registry import SECTION_BUILDERS

BUILDERS = ["measures", "staffing", "finance", "placements_strategy", "regional_comparison"]


def test_the_layout_names_exactly_the_registered_builders():
    (names, _none) = get_args(SectionLayout.model_fields["builder"].annotation)
    assert list(SECTION_BUILDERS) == BUILDERS
    assert ["measures", *get_args(names)] == BUILDERS


def test_a_builder_the_registry_does_not_hold_is_refused_when_the_layout_is_read():
    with pytest.raises(ValidationError, match="builder"):
        Layout.model_validate(
            {"title": "t", "sections": [{"id": "x", "title": "X", "builder": "budget"}]}
        )


def test_every_layout_section_resolves_to_a_builder():
    found = {
        p.section.id: p.section.builder or "measures" for p in placement(layout(), catalogue())
    }
    assert found == {
        "demand": "measures",
        "staffing": "staffing",
        "finance": "finance",
        "placements_strategy": "placements_strategy",
        "regional_comparison": "regional_comparison",
        "operational": "measures",  # the catalogue group no section claims, a section of its own
        "other": "measures",
    }


def test_the_fixture_report_is_exactly_what_the_builders_returned(monkeypatch):
    calls: list[tuple[str, str, Section | OmittedSection | None]] = []

    def recording(name, builder):
        def build(inputs):
            built = builder(inputs)
            calls.append((inputs.spec.id, name, built))
            return built

        return build

    for name, builder in list(SECTION_BUILDERS.items()):
        monkeypatch.setitem(registry.SECTION_BUILDERS, name, recording(name, builder))
    context = rf.report_context.__wrapped__()  # built afresh, through the recording builders

    assert [(section, name) for section, name, _ in calls] == [
        ("demand", "measures"),
        ("staffing", "staffing"),
        ("finance", "finance"),
        ("placements_strategy", "placements_strategy"),
        ("regional_comparison", "regional_comparison"),
        ("operational", "measures"),
        ("other", "measures"),
    ]
    built = {section: b for section, _, b in calls}
    assert built["regional_comparison"] is None  # a one-authority store: left out, no note
    # Between the executive summary and the data quality section (report/executive.py,
    # report/quality_section.py), the report's sections are the builders' own objects, in the
    # layout's order; none is omitted.
    assert [s.id for s in context.sections] == [
        "summary",
        "demand",
        "staffing",
        "finance",
        "placements_strategy",
        "operational",
        "other",
        "data_quality",
    ]
    body = context.sections[1:-1]
    assert all(s is built[s.id] for s in body)
    assert context.omitted == []
    # Each builder wrote its part: the staffing section's own paragraphs and charts, the
    # finance section's variance table, the strategy's homes table, the demand chart.
    assert [c.id for c in built["demand"].charts] == ["chart-demand"]
    caseloads = next(s for s in built["staffing"].subsections if s.id == "caseloads")
    assert [c.id for c in caseloads.charts] == [
        "staffing-caseload-distribution",
        "staffing-team-manager-spans",
    ]
    assert [t.id for t in built["finance"].tables] == ["variance_by_line"]
    assert built["placements_strategy"].paragraphs
