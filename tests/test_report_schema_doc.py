"""docs/report-context.md is generated from the context models and must match them."""

from __future__ import annotations

from pathlib import Path

from csc_scorecard.report.model import SCHEMA_VERSION, ReportContext
from csc_scorecard.report.schema_doc import FILE, context_schema_md

DOC = Path(__file__).resolve().parents[1] / "docs" / FILE


def test_schema_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == context_schema_md(), (
        "docs/report-context.md is stale: run `python -m csc_scorecard.report.schema_doc docs`"
    )


def test_schema_doc_lists_every_part_and_field():
    text = context_schema_md()
    schema = ReportContext.model_json_schema(mode="serialization")
    assert f"schema version {SCHEMA_VERSION}" in text
    for name, part in schema["$defs"].items():
        assert f"\n### {name}\n" in text
        for field in part.get("properties", {}):
            assert f"| `{field}` |" in text, (name, field)
    for field in ReportContext.model_fields:
        assert f"| `{field}` |" in text
