"""`scorecard report`: the command writes every requested format from one context.

Uses the fixture authority's store (`tests/report_fixtures.py`); the command measures it
again (about ten seconds), so its figures are compared with the cached context's.
"""

from __future__ import annotations

import html

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


@pytest.mark.slow  # measures the store again (about ten seconds)
def test_report_writes_every_requested_format(tmp_path):
    result = runner.invoke(
        app,
        _args(
            tmp_path,
            "--framework",
            str(rf.FRAMEWORK),
            "--formats",
            "html,json",
            "--publication",
            "--allow-commentary-numbers",  # the synthetic homes commentary states "2 of ..."
            "--synthetic",
            "--no-record",  # the shared fixture store stays as it is
        ),
    )
    assert result.exit_code == 0, result.output
    stem = tmp_path / "out" / f"{rf.LA}_{rf.PERIOD}_performance_report_publication"
    page = html.unescape(stem.with_suffix(".html").read_text(encoding="utf-8"))
    context = ReportContext.model_validate_json(
        stem.with_suffix(".json").read_text(encoding="utf-8")
    )
    cached = rf.report_context(publication=True)
    assert context.figures == cached.figures and context.appendix == cached.appendix
    assert context.publication.enabled and context.synthetic
    assert "SYNTHETIC DATA" in page and context.title in page
    assert f"{context.authority.name} ({rf.LA}), Q1 2022/23" in result.output
    assert [line.split()[0] for line in result.output.splitlines()[1:]] == ["html", "json"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--formats", "html,odt"], "unknown format 'odt'"),
        (["--period", "2022-Q5"], "Invalid value for '--period': period '2022-Q5' is not"),
    ],
)
def test_bad_options_are_refused(tmp_path, extra, message):
    result = runner.invoke(app, _args(tmp_path, *extra), env={"COLUMNS": "200"})
    assert result.exit_code == 2 and message in " ".join(result.output.replace("│", " ").split())
    assert not (tmp_path / "out").exists()


def test_unreadable_commentary_is_refused_before_writing(tmp_path):
    bad = tmp_path / "commentary.csv"
    bad.write_text("measure,when,commentary\n", encoding="utf-8")
    result = runner.invoke(app, _args(tmp_path, "--commentary", str(bad), "--formats", "json"))
    assert result.exit_code == 2 and "unknown column(s) when" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # measures the store twice
def test_report_records_what_it_published_and_rebuilds_as_at_a_date(tmp_path):
    import shutil
    from datetime import date

    from csc_scorecard.store import Store

    store = tmp_path / "la.duckdb"
    shutil.copy(rf.store_path(), store)
    args = ["report", "--period", rf.PERIOD, "--store", str(store), "--formats", "json"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "now")])
    assert result.exit_code == 0, result.output
    recorded = result.output.splitlines()[-1]
    assert (
        recorded.startswith("  recorded ")
        and f"as report {rf.LA}-{rf.PERIOD}-internal-" in recorded
    )
    n = int(recorded.split()[1])
    with Store(store, read_only=True) as db:
        assert db.con.execute("SELECT count(*) FROM published_figures").fetchall() == [(n,)]
    # As at today: the same loads, so the same figures; nothing recorded for a reproduction.
    today = date.today().isoformat()
    again = runner.invoke(app, [*args, "--out", str(tmp_path / "then"), "--as-at", today])
    assert again.exit_code == 0, again.output
    assert "recorded" not in again.output
    first, second = (
        ReportContext.model_validate_json(
            (tmp_path / d / f"{rf.LA}_{rf.PERIOD}_performance_report.json").read_text()
        )
        for d in ("now", "then")
    )
    assert first.figures == second.figures
    assert second.provenance.generated_at.date().isoformat() == today
    bad = runner.invoke(app, [*args, "--out", str(tmp_path / "x"), "--as-at", "8/9/2022"])
    assert bad.exit_code == 2 and "is not a date (YYYY-MM-DD)" in bad.output
