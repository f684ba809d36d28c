"""The report context as JSON: the machine-readable twin of the report (dashboard, other tools).

Read it back with ``ReportContext.model_validate_json(text)``; the schema is
``docs/report-context.md`` and ``schema_version`` says which.
"""

from __future__ import annotations

from pathlib import Path

from csc_scorecard.report.model import ReportContext


def render(context: ReportContext, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(context.model_dump_json(indent=1), encoding="utf-8")
    return path
