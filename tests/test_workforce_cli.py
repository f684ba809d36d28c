"""`scorecard caseloads` on the hand-made workforce (tests/workforce_fixture.py; figures worked
in test_workforce_measures.py and test_workforce_caseloads.py)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner
from workforce_fixture import LA, load_fixture

from csc_scorecard.cli import app
from csc_scorecard.store import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    p = tmp_path_factory.mktemp("wfcli") / "store.duckdb"
    with Store(p) as s:
        load_fixture(s)
    return p


def run(path, *args: str) -> str:
    result = runner.invoke(
        app, ["caseloads", "--store", str(path), "--la", LA, *args], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    return result.output


def row(output: str, name: str) -> list[str]:
    line = next(line for line in output.splitlines() if f" {name} " in line)
    return [cell.strip() for cell in line.strip("│┃ ").split("│")]


def test_position_by_team_with_comparison(path):
    out = run(path, "--date", "2022-06-30", "--compare", "2022-03-31", "--by", "team")
    now, then = out.split("Caseloads on 31 March 2022")
    # name, case holders, cases, average, highest, 16+, 20+, 25+
    assert row(now, "All case holders") == [
        "All case holders",
        "9",
        "109",
        "12.8",
        "25",
        "4",
        "2",
        "1",
    ]
    assert row(now, "ACPS South 1") == ["ACPS South 1", "3", "47", "15.7", "25", "2", "1", "1"]
    # 99 cases on 7.3 FTE (L1 0.8 was still in post): 13.6
    assert row(then, "All case holders") == [
        "All case holders",
        "8",
        "99",
        "13.6",
        "25",
        "3",
        "2",
        "1",
    ]
    assert row(then, "ACPS South 1")[1:3] == ["4", "67"]  # A6 was still in ACPS South 1
    assert "1 case is held by workers with no post on the date" in now  # L1-OPEN


def test_fte_and_weighted(path):
    fte = run(path, "--date", "2022-06-30", "--fte")
    assert row(fte, "All case holders")[4:] == ["25", "5", "3", "1"]
    weighted = run(path, "--date", "2022-06-30", "--weighted", "--by", "service_area")
    assert row(weighted, "All case holders")[1:3] == ["7", "104"]
    assert row(weighted, "All case holders")[3] == "17.9"
    assert "Left out: 1 long term absence (3 cases); 1 new starter (2 cases)" in weighted


def test_json(path):
    data = json.loads(run(path, "--date", "2022-06-30", "--json"))
    assert [a["workers"] for a in data[0]["total"]["at_or_above"]] == [4, 2, 1]


def test_bad_options(path):
    result = runner.invoke(
        app,
        [
            "caseloads",
            "--store",
            str(path),
            "--la",
            LA,
            "--date",
            "2022-06-30",
            "--fte",
            "--weighted",
        ],
    )
    assert result.exit_code != 0 and "not both" in result.output
    result = runner.invoke(
        app, ["caseloads", "--store", str(path), "--la", LA, "--date", "30/06/2022"]
    )
    assert result.exit_code != 0 and "2022-06-30" in result.output
