"""`scorecard rate` end to end on the seed appendix, asserting on the figures it prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app

EXAMPLE = Path(__file__).parents[1] / "examples" / "doncaster-2022"
FILES = ["--framework", str(EXAMPLE / "framework.yaml"), "--values", str(EXAMPLE / "values.csv")]


def invoke(*args: str):
    return CliRunner().invoke(app, ["rate", *args])


@pytest.fixture(scope="module")
def q1():
    result = invoke(*FILES, "--period", "2022-Q1", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_summary_counts_follow_the_seed_table(q1):
    contract, partnership = q1["groups"]
    assert (contract["title"], contract["summary"]["total"]) == (
        "Contract Key Performance Indicators",
        11,
    )
    assert {
        k: contract["summary"][k]
        for k in (
            "green",
            "amber",
            "red",
            "not_available",
            "not_reportable",
            "better_or_within_tolerance",
            "below_target",
            "without_data",
            "rated",
        )
    } == {
        "green": 2,
        "amber": 1,
        "red": 3,
        "not_available": 4,
        "not_reportable": 1,
        "better_or_within_tolerance": 3,
        "below_target": 3,
        "without_data": 5,
        "rated": 6,
    }
    assert {
        k: partnership["summary"][k]
        for k in (
            "green",
            "amber",
            "red",
            "not_available",
            "not_reportable",
            "better_or_within_tolerance",
            "below_target",
            "without_data",
            "total",
        )
    } == {
        "green": 12,
        "amber": 1,
        "red": 3,
        "not_available": 6,
        "not_reportable": 3,
        "better_or_within_tolerance": 13,
        "below_target": 3,
        "without_data": 9,
        "total": 25,
    }
    assert (q1["period"], q1["period_label"], q1["previous_period"]) == (
        "2022-Q1",
        "Q1 2022/23",
        "2021-Q4",
    )


def test_json_items_carry_value_target_rag_and_direction(q1):
    items = {i["id"]: i for g in q1["groups"] for i in g["items"]}
    c08 = items["C08"]
    assert (c08["value"], c08["target"], c08["tolerance"], c08["status"], c08["rag"]) == (
        85.0,
        95.0,
        75.0,
        "amber",
        "amber",
    )
    assert (
        c08["vs_previous"]["value"],
        c08["vs_previous"]["change"],
        c08["vs_previous"]["direction"],
    ) == (94.0, -9.0, "worsening")
    assert (c08["comparator"], c08["comparator_label"]) == (
        94.5,
        "Statistical neighbours, March 2021",
    )
    p22 = items["P22"]
    # 10% -> 9.1% is a change of less than one percentage point: similar, not improving.
    assert (p22["value"], p22["status"], p22["vs_previous"]["direction"]) == (
        9.1,
        "amber",
        "unchanged",
    )
    assert p22["vs_previous"]["similar_reason"] == "a change of less than 1 percentage point"
    assert (items["C05"]["status"], items["C05"]["rag"]) == ("not_reportable", None)
    assert items["P13"]["raw"] == "1 child" and items["P13"]["status"] == "not_available"
    assert [i["id"] for i in q1["groups"][1]["items"]][:3] == ["P01", "P02", "P03"]


def test_table_prints_statuses_and_the_seed_sentences():
    result = invoke(*FILES, "--period", "2022-Q1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "3 of 11 indicators performing better than or within tolerance against target" in out
    assert "3 of 11 indicators are below target (3 of 6 rated)" in out
    assert "Data is not available for 9 of 25 indicators (6 not available, 3 not reportable)" in out
    c07 = next(line for line in out.splitlines() if "│ C07" in line)
    assert "95% (80%)" in c07 and "80%" in c07 and "78%" in c07 and "red" in c07
    assert "worsening" in c07


def test_q4_from_the_same_file():
    result = invoke(*FILES, "--period", "2021-Q4", "--format", "json")
    summary = json.loads(result.stdout)["summary"]
    assert (
        summary["better_or_within_tolerance"],
        summary["below_target"],
        summary["without_data"],
    ) == (20, 7, 9)


def test_errors_name_the_problem_and_exit_2(tmp_path):
    bad_period = invoke(*FILES, "--period", "Q1 2022")
    words = " ".join(bad_period.output.replace("│", " ").split())  # unwrap the error panel
    assert bad_period.exit_code == 2
    assert (
        "period 'Q1 2022' is not a quarter (2022-Q1 = April-June 2022), a month (2022-06)" in words
    )
    framework = tmp_path / "framework.yaml"
    framework.write_text("name: F\nauthority: A\ngroups: []\n")
    result = invoke(
        "--framework",
        str(framework),
        "--values",
        str(EXAMPLE / "values.csv"),
        "--period",
        "2022-Q1",
    )
    assert result.exit_code == 2
    assert f"error: {framework}: invalid framework" in result.stderr
    assert "groups: List should have at least 1 item" in result.stderr


def test_unknown_measures_are_warned_about(tmp_path):
    values = tmp_path / "values.csv"
    values.write_text("measure,period,value\nC01,2022-Q1,91%\nC99,2022-Q1,5%\n")
    result = invoke(
        "--framework",
        str(EXAMPLE / "framework.yaml"),
        "--values",
        str(values),
        "--period",
        "2022-Q1",
        "--format",
        "json",
    )
    assert result.exit_code == 0
    assert "warning: values for measures not in the framework: C99" in result.stderr
    assert json.loads(result.stdout)["summary"]["green"] == 1


def test_table_prints_every_comparator_and_a_moving_target_in_words(tmp_path):
    """A target "within 2 points of England" (England given as 32.3): the band 30.3-34.3% and
    the words; both comparators, each with its year; 33% is green."""
    framework = tmp_path / "f.yaml"
    framework.write_text(
        """
name: F
authority: A
groups:
  - id: g
    title: G
    items:
      - id: K1
        title: Re-referrals
        unit: percent
        polarity: within_band
        target: {relative_to: england, within: 2}
        comparators:
          - {id: england, label: England, year: 2021/22, basis: DfE, value: 32.3}
          - {id: barnsley, label: Barnsley, year: 2020/21, basis: outturn, value: 18.2}
""",
        encoding="utf-8",
    )
    values = tmp_path / "v.csv"
    values.write_text("measure,period,value\nK1,2022-Q1,33%\n", encoding="utf-8")
    result = invoke("--framework", str(framework), "--values", str(values), "--period", "2022-Q1")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.replace("│", " ").split())
    # The table wraps a cell over lines at 44 characters: the words start the target's
    # second line; the rest follows on the table's next lines.
    for shown in (
        "30.3-34.3%",
        "within 2 percentage",
        "England 2021/22: 32.3%",
        "Barnsley 2020/21: 18.2%",
        "green",
    ):
        assert shown in text, shown
    data = json.loads(
        invoke(
            "--framework",
            str(framework),
            "--values",
            str(values),
            "--period",
            "2022-Q1",
            "--format",
            "json",
        ).stdout
    )
    k1 = data["groups"][0]["items"][0]
    assert k1["target_rule"] == "within 2 percentage points of England 2021/22 (32.3%)"
