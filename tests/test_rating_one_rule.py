"""Issue 12, defects 1-3 and 5: one rating, every item listed, framework checked, clean errors.

Every output rates through ``rating.rate_item`` at the published precision, so the report's
appendix, ``scorecard measures --framework`` and ``scorecard rate`` give the same item the same
status. Uses the report fixture authority (``tests/report_fixtures.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import report_fixtures as rf
import yaml
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.rating import load_framework
from csc_scorecard.rating.rated import framework_manual_rows, tidy
from csc_scorecard.store import Store

runner = CliRunner()


def _tidy_items(framework):
    run = rf.measure_run()
    with Store(rf.store_path(), read_only=True) as store:
        periods = {str(q) for q in run.periods}
        extra = framework_manual_rows(store, rf.LA, framework, catalogue(), periods)
        rows = tidy(store, run, framework, extra).to_pylist()
    return [r for r in rows if r["framework_item"] and r["period"] == rf.PERIOD]


def test_measures_table_and_report_appendix_rate_every_item_alike():
    framework = load_framework(rf.FRAMEWORK)
    items = _tidy_items(framework)
    appendix = {row.item: row for g in rf.report_context().appendix for row in g.rows}
    # Every item is listed once, in framework order, including C09 (a manual value under the
    # item id: the case data has no adoptions to count).
    assert [r["framework_item"] for r in items] == [i.id for i in framework.all_items()]
    assert [(r["framework_item"], r["rag"]) for r in items] == [
        (key, row.rag) for key, row in appendix.items()
    ]
    c09 = next(r for r in items if r["framework_item"] == "C09")
    assert (c09["measure"], c09["value"], c09["rag"]) == ("C09", 50.0, "red")  # 50% vs 60%
    assert appendix["C09"].current == "50%"
    # Rated at the printed precision: percentages to one decimal place, half up.
    for r in items:
        if r["value"] is not None and r["unit"] == "percent":
            assert round(r["rated_value"] * 10, 6).is_integer(), r
            assert abs(r["rated_value"] - r["value"]) <= 0.05 + 1e-9, r


def test_two_items_on_one_measure_are_both_listed(tmp_path):
    data = yaml.safe_load(rf.FRAMEWORK.read_text())
    first = data["groups"][0]["items"][0]
    data["groups"][0]["items"].append(first | {"id": "C01b", "target": 99, "tolerance": 98})
    framework = load_framework(_write(tmp_path, data))
    items = {r["framework_item"]: r for r in _tidy_items(framework)}
    assert items["C01"]["measure"] == items["C01b"]["measure"] == first["measure"]
    assert items["C01"]["value"] == items["C01b"]["value"] is not None
    assert items["C01b"]["target"] == "99% (98%)"


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _measures(*args: str):
    return runner.invoke(
        app, ["measures", "--store", str(rf.store_path()), "--period", rf.PERIOD, *args]
    )


def test_a_misspelt_measure_id_a_wrong_unit_and_another_authority_are_refused(tmp_path):
    data = yaml.safe_load(rf.FRAMEWORK.read_text())
    data["la_code"] = "372"
    data["groups"][0]["items"][0]["measure"] = "asessments_within_45_working_days"
    data["groups"][1]["items"][0]["unit"] = "days"  # P01, re-referrals, is a percentage
    result = _measures("--framework", str(_write(tmp_path, data)))
    assert result.exit_code == 2
    assert result.output.splitlines()[1:] == [
        (
            "  la_code: the framework is for authority 372 (Doncaster Children's Services Trust) "
            "but the store's authority is 371"
        ),
        (
            "  C01.measure: 'asessments_within_45_working_days' is not in the measure catalogue; "
            "did you mean 'assessments_within_45_working_days'?"
        ),
        "  P01.unit: 'days', but measure rereferrals_within_12_months is counted in 'percent'",
    ]
    assert "Traceback" not in result.output


def test_an_unknown_local_measure_is_a_warning_naming_the_item(tmp_path):
    data = yaml.safe_load(rf.FRAMEWORK.read_text())
    data["groups"][0]["items"][2]["measure"] = "local_audit_score"
    result = _measures(
        "--framework",
        str(_write(tmp_path, data)),
        "--measure",
        "icpc_within_15_working_days",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert (
        "warning: C03.measure: 'local_audit_score' is not in the measure catalogue; C03 shows "
        "only manual values supplied under C03 or local_audit_score"
    ) in result.output


def test_measures_errors_are_one_line_never_a_traceback(tmp_path):
    for args, expected in [
        (["--period", "2022-Q9"], "Invalid value for --period: period '2022-Q9'"),
        (["--measure", "no_such_measure"], "not in the measure catalogue: no_such_measure"),
        (["--framework", str(tmp_path / "missing.yaml")], "cannot read framework"),
        (["--format", "xml"], "format must be table, json, csv or parquet"),
    ]:
        result = _measures(*args)
        assert result.exit_code == 2, args
        assert expected in " ".join(result.output.split()), result.output
        assert "Traceback" not in result.output
    missing = runner.invoke(
        app, ["measures", "--store", str(tmp_path / "none.duckdb"), "--period", "2022-Q1"]
    )
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    assert f"no store at {tmp_path / 'none.duckdb'}" in missing.output


def test_framework_errors_echo_the_bad_value_not_validation_internals(tmp_path):
    data = yaml.safe_load(rf.FRAMEWORK.read_text())
    c01 = data["groups"][0]["items"][0]
    c01.update(target="90%", unit="percnt", colour="red")
    values = tmp_path / "values.csv"
    values.write_text("measure,period,value\nC02,2022-Q1,90%\n")
    result = runner.invoke(
        app,
        ["rate", "--framework", str(_write(tmp_path, data)), "--values", str(values)]
        + ["--period", "2022-Q1"],
    )
    assert result.exit_code == 2
    assert result.output.splitlines()[1:] == [
        (
            "  groups[0] (contract).items[0] (C01).unit: must be one of percent, count, days, "
            "weeks, rate_per_10000, rate_per_100000, ratio or gbp, got 'percnt'"
        ),
        (
            "  groups[0] (contract).items[0] (C01).target: expected a number or a band "
            "{low, high}, got '90%'"
        ),
        (
            "  groups[0] (contract).items[0] (C01).colour: unknown field (check its spelling in "
            "docs/frameworks.md)"
        ),
    ]


def test_rate_rates_the_published_figure_as_the_report_does(tmp_path):
    values = tmp_path / "values.csv"
    values.write_text("measure,period,value\nC01,2022-Q1,89.96%\nP22,2022-Q1,12.0069%\n")
    result = runner.invoke(
        app,
        ["rate", "--framework", str(rf.FRAMEWORK), "--values", str(values)]
        + ["--period", "2022-Q1", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    items = {i["id"]: i for g in json.loads(result.stdout)["groups"] for i in g["items"]}
    assert (items["C01"]["status"], items["C01"]["value"], items["C01"]["display"]) == (
        "green",
        90.0,
        "90%",
    )
    assert (items["P22"]["status"], items["P22"]["value"], items["P22"]["display"]) == (
        "amber",
        12.0,
        "12%",
    )


def test_a_derived_item_is_listed_with_its_figure(tmp_path):
    data = yaml.safe_load(rf.FRAMEWORK.read_text())
    data["groups"][0]["items"].append(
        {
            "id": "X1",
            "title": "Children looked after excluding UASC",
            "derived": {
                "operation": "difference",
                "of": ["cla_at_period_end", "cla_uasc_at_period_end"],
            },
            "unit": "count",
            "polarity": "information",
        }
    )
    items = {r["framework_item"]: r for r in _tidy_items(load_framework(_write(tmp_path, data)))}
    run = rf.measure_run()
    cla = run.value("cla_at_period_end", rf.PERIOD)["value"]
    uasc = run.value("cla_uasc_at_period_end", rf.PERIOD)["value"]
    assert (items["X1"]["measure"], items["X1"]["value"], items["X1"]["status"]) == (
        "X1",
        cla - uasc,
        "ok",
    )
