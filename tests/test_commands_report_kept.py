"""`scorecard report` on a store loaded through the Python API (`ingest.run.ingest`, as the
report fixture is), not `scorecard ingest`: the store keeps neither the DfE rules' faults nor
the measure results, and the report reads the store read-only, so every report ran every rule
again (twice: for the measures' reportability and for the data-quality section) and computed
every measure again. The first report now keeps them, as `scorecard ingest` does
(`commands.report._keep_as_ingest_does`); the next runs no rule. With `--no-record` the report
writes nothing, so each one still runs them."""

from __future__ import annotations

import shutil

import pytest
import report_fixtures as rf
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.quality import history

runner = CliRunner()


@pytest.fixture
def rule_runs(monkeypatch):
    """The authorities each run of every DfE rule was over, in order."""
    runs: list[list[str]] = []
    run_rules = history.run_rules

    def counted(*args, **kwargs):
        runs.append(list(kwargs.get("la_codes") or []))
        return run_rules(*args, **kwargs)

    monkeypatch.setattr(history, "run_rules", counted)
    return runs


@pytest.mark.slow  # measures the fixture store and keeps its results (about twenty seconds)
def test_a_store_loaded_through_the_api_is_kept_by_its_first_report(tmp_path, rule_runs):
    store = tmp_path / "api.duckdb"
    shutil.copy(rf.store_path(), store)
    args = ["report", "--period", rf.PERIOD, "--store", str(store), "--formats", "json"]
    args += ["--framework", str(rf.FRAMEWORK), "--synthetic"]

    first = runner.invoke(app, [*args, "--out", str(tmp_path / "first")])
    assert first.exit_code == 0, first.output
    assert rule_runs and all(r == [rf.LA] for r in rule_runs)
    said = first.output.splitlines()
    assert any(line.startswith("  DfE validation rules: ") for line in said), said
    assert any(line.startswith("  measure results: ") for line in said), said
    assert said[-1].startswith("  recorded ")

    rule_runs.clear()
    second = runner.invoke(app, [*args, "--out", str(tmp_path / "second")])
    assert second.exit_code == 0, second.output
    assert rule_runs == []
    assert not any("DfE validation rules" in line for line in second.output.splitlines())
    made = [
        tmp_path / d / f"{rf.LA}_{rf.PERIOD}_performance_report.json" for d in ("first", "second")
    ]
    # The same headline figures, computed on reading and read from the results kept. (A
    # breakdown kept by the refresh, over every quarter the loads cover, also lists a category
    # seen in any of them, as 0 where it is absent; computed on reading the report's quarters,
    # only the categories seen in those.)
    assert _headlines(made[0]) == _headlines(made[1])


@pytest.mark.slow
def test_a_report_that_records_nothing_keeps_nothing(tmp_path, rule_runs):
    store = tmp_path / "api.duckdb"
    shutil.copy(rf.store_path(), store)
    args = ["report", "--period", rf.PERIOD, "--store", str(store), "--formats", "json"]
    args += ["--framework", str(rf.FRAMEWORK), "--synthetic", "--no-record"]
    for n in (1, 2):
        rule_runs.clear()
        done = runner.invoke(app, [*args, "--out", str(tmp_path / str(n))])
        assert done.exit_code == 0, done.output
        assert rule_runs, "the rules run on every report of a store that keeps no faults"
        assert "DfE validation rules" not in done.output


def _headlines(path):
    from csc_scorecard.report.model import ReportContext

    figures = ReportContext.model_validate_json(path.read_text(encoding="utf-8")).figures
    return {k: f for k, f in figures.items() if f.dimension is None}
