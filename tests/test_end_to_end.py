"""The main job end to end through the CLI, on a small synthetic authority: synth -> reference ->
ingest -> status -> measures. Asserts on figures, not exit codes alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PUBLIC_DATA
from typer.testing import CliRunner

from csc_scorecard.cli import app

pytestmark = pytest.mark.slow
RUN = CliRunner()


def cli(*args: str) -> str:
    result = RUN.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    store = str(root / "store.duckdb")
    out = cli("synth", "--out", str(root / "extracts"), "--size", "0.2", "--years", "2019-2022")
    assert "Synthetic authority 371" in out
    if PUBLIC_DATA.is_dir():
        cli("reference", "--from", str(PUBLIC_DATA), "--store", store)
    folders = [
        str(root / "extracts" / f)
        for f in ("ssda903", "cin_census", "annex_a", "csww", "templates")
    ]
    loaded = cli("ingest", *folders, "--la", "371", "--store", store)
    assert "ssda903 LA 371 01/04/2019-31/03/2020" in loaded
    return root


def test_status_lists_every_canonical_table_loaded(demo):
    report = json.loads(cli("status", "--store", str(demo / "store.duckdb"), "--json"))
    assert report["authorities"] == ["371"]
    rows = {t["table"]: t["rows"] for t in report["tables"] if t["la_code"] == "371"}
    for name in (
        "children",
        "referrals",
        "assessments",
        "section47s",
        "cp_plans",
        "cla_episodes",
        "care_leavers",
        "case_allocations",
        "placement_costs",
        "homes_pipeline",
    ):
        assert rows.get(name, 0) > 0, name


def test_measures_from_the_store(demo):
    rows = json.loads(
        cli(
            "measures",
            "--period",
            "2022-Q1",
            "--store",
            str(demo / "store.duckdb"),
            "--format",
            "json",
            "--framework",
            str(Path(__file__).parents[1] / "examples" / "doncaster-2022" / "framework.yaml"),
        )
    )
    by = {(r["measure"], r["dimension"]): r for r in rows}
    referrals = by[("referrals", None)]["value"]
    police = by[("referral_sources", "6")]
    # A fifth-size authority: about 240 referrals a quarter, roughly 40% from the police.
    assert 150 < referrals < 350
    assert police["denominator"] == referrals and 30 < police["value"] < 50
    c01 = by[("assessments_within_45_working_days", None)]
    assert c01["framework_item"] == "C01" and c01["rag"] in {"green", "amber", "red"}
    assert c01["target"] == "90% (75%)"
    assert 0 < by[("cla_at_period_end", None)]["value"] < 200
