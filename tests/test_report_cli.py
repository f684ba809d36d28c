"""`scorecard report`: the command writes every requested format from one context.

Uses the fixture authority's store (`tests/report_fixtures.py`); the command measures it
again (about ten seconds), so its figures are compared with the cached context's.
"""

from __future__ import annotations

import html
import json

import pytest
import report_fixtures as rf
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.report.model import ReportContext

runner = CliRunner()


def _args(tmp_path, *extra: str) -> list[str]:
    return [
        "report",
        "--period",
        rf.PERIOD,
        "--store",
        str(rf.store_path()),
        "--out",
        str(tmp_path / "out"),
        *extra,
    ]


def test_report_writes_html_and_json(tmp_path):
    result = runner.invoke(
        app,
        _args(tmp_path, "--framework", str(rf.FRAMEWORK), "--formats", "html,json", "--synthetic"),
    )
    assert result.exit_code == 0, result.output
    stem = tmp_path / "out" / f"{rf.LA}_{rf.PERIOD}_performance_report"
    page = html.unescape(stem.with_suffix(".html").read_text(encoding="utf-8"))
    context = ReportContext.model_validate_json(
        stem.with_suffix(".json").read_text(encoding="utf-8")
    )
    cached = rf.report_context()
    assert context.figures == cached.figures and context.appendix == cached.appendix
    assert "SYNTHETIC DATA" in page and context.title in page
    assert f"{context.authority.name} ({rf.LA}), Q1 2022/23" in result.output
    assert "html" in result.output and "json" in result.output


def test_publication_file_name(tmp_path):
    result = runner.invoke(
        app, _args(tmp_path, "--formats", "json", "--publication", "--not-synthetic")
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "out" / f"{rf.LA}_{rf.PERIOD}_performance_report_publication.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["publication"]["enabled"] is True and data["synthetic"] is False
    assert data["performance"]["framework"] is None  # no framework given: all for information


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--formats", "html,odt"], "unknown format 'odt'"),
        (["--period", "2022-Q5"], "is not a period like 2022-Q1"),
    ],
)
def test_bad_options_are_refused(tmp_path, extra, message):
    result = runner.invoke(app, _args(tmp_path, *extra), env={"COLUMNS": "200"})
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_unreadable_commentary_is_refused_before_writing(tmp_path):
    bad = tmp_path / "commentary.csv"
    bad.write_text("measure,when,commentary\n", encoding="utf-8")
    result = runner.invoke(app, _args(tmp_path, "--commentary", str(bad), "--formats", "json"))
    assert result.exit_code == 2 and "unknown column(s) when" in result.output
    assert not (tmp_path / "out").exists()
