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


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (["{tmp}/empty"], "not checked: {tmp}/empty: the folder holds no extract files"),
        (["{tmp}/nowhere"], "not checked: {tmp}/nowhere: no such file or folder"),
    ],
)
def test_validate_of_a_folder_of_nothing_or_no_path_says_so_in_one_line(tmp_path, given, said):
    """Both ended in an IngestRefused traceback (the refused paths were expanded again); now
    said as an unreadable file is."""
    (tmp_path / "empty").mkdir()
    args = [g.format(tmp=tmp_path) for g in given]
    r = runner.invoke(app, ["validate", *args, "--format", "csv"])
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        said.format(tmp=tmp_path),
        "no SSDA903 or CIN census rows found in the files: no rule could run",
    ]
    assert "Traceback" not in r.output
