"""The README's commands on a store holding no authority's data (made, nothing ingested): one
line saying to ingest first, not 'the store holds 0 authorities (none): pass --la', which sent
users looking for an --la that no value of could help."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def empty(tmp_path_factory):
    path = tmp_path_factory.mktemp("empty") / "store.duckdb"
    with Store(path):
        pass
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["quality", "--period", "2022-Q1"],
        ["measures", "--period", "2022-Q1", "--format", "csv"],
        ["drill", "assessments_within_45_working_days", "--period", "2022-Q1"],
        ["caseloads", "--date", "2022-06-30"],
        ["lists", "overdue-visits", "--date", "2022-06-30"],
        ["forecast", "--period", "2022-Q1"],
    ],
)
def test_a_command_on_an_empty_store_says_to_ingest_first(empty, args):
    r = runner.invoke(app, [*args, "--store", str(empty)], env={"COLUMNS": "200"})
    assert r.exit_code != 0
    assert "the store holds no authority's data: run `scorecard ingest` first" in r.output
    assert "pass --la" not in r.output and "Traceback" not in r.output
