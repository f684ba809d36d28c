"""docs/report-context.md is generated from the context models and lists every part."""

from __future__ import annotations

from csc_scorecard.report.model import SCHEMA_VERSION, ReportContext
from csc_scorecard.report.schema_doc import context_schema_md

# That docs/report-context.md matches the models is checked with the other generated
# references in tests/test_docs_current.py.


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
