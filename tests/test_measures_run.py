"""Measure runs: availability from data quality, manual values, rating, the CLI's tidy output.

Fixture: 10 referrals in 2022-Q1 (1-10 April 2022), children C0-C9; two of them (C8, C9)
carry an unknown-code issue on referral_source. 2/10 = 20% of the quarter's referrals have a
bad source, above the default 10% threshold: `referral_sources` is not reportable, while
`referrals` (which depends only on referral_date, with no issues) is reported as 10.
Manual values: re-offending 16.27 ("16.27%"); adoptions-style text "1 child" for
residential_homes_good_or_better, which is not a number -> not available with that reason.
"""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pytest
from conftest import canonical
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.measures.run import run_measures
from csc_scorecard.model.batch import Issue, LoadBatch
from csc_scorecard.model.periods import Quarter

Q1 = Quarter.parse("2022-Q1")


@pytest.fixture
def loaded(store):
    children = [f"C{i}" for i in range(10)]
    rows = canonical(
        "referrals",
        child_id=children,
        referral_date=[date(2022, 4, 1 + i) for i in range(10)],
        referral_source=["6"] * 8 + ["Q", "Q"],
    ).append_column("source_row", pa.array(range(2, 12), pa.int32()))
    issues = [
        Issue(
            "unknown_code",
            "bad source",
            table="referrals",
            row=r,
            child_id=c,
            field="ReferralSource",
            value="Q",
            column="referral_source",
        )
        for r, c in ((10, "C8"), (11, "C9"))
    ]
    manual = canonical(
        "manual_values",
        measure=["reoffending_rate", "residential_homes_good_or_better"],
        period=["2022-Q1", "2022-Q1"],
        value=[16.27, None],
        value_text=["16.27%", "1 child"],
        source=["YJS", "Ofsted"],
    )
    store.load(
        [
            LoadBatch(
                "cin_census",
                "999",
                date(2022, 4, 1),
                date(2023, 3, 31),
                ["cin.xml"],
                tables={"referrals": rows},
                issues=issues,
            ),
            LoadBatch(
                "template:manual_values",
                "999",
                None,
                None,
                ["m.csv"],
                tables={"manual_values": manual},
            ),
        ]
    )
    return store


def test_quality_makes_a_measure_not_reportable(loaded):
    run = run_measures(loaded, "999", [Q1], measures=["referrals", "referral_sources"])
    assert (run.value("referrals", Q1)["value"], run.value("referrals", Q1)["status"]) == (10, "ok")
    police = run.value("referral_sources", Q1, "6")
    assert police["status"] == "not_reportable"
    assert (
        police["reason"]
        == "referral_source missing or invalid for 20% of referrals in the period (2 of 10 rows)"
    )


def test_manual_values(loaded):
    run = run_measures(
        loaded, "999", [Q1], measures=["reoffending_rate", "residential_homes_good_or_better"]
    )
    assert (
        run.value("reoffending_rate", Q1)["value"],
        run.value("reoffending_rate", Q1)["source"],
    ) == (16.27, "YJS")
    homes = run.value("residential_homes_good_or_better", Q1)
    assert (homes["status"], homes["reason"]) == (
        "not_available",
        "supplied as '1 child', not a number",
    )
    # The quarter before has no manual value at all.
    assert run.value("reoffending_rate", Q1.previous())["reason"] == "no manual value supplied"


def test_cli_tidy_json(loaded, tmp_path):
    loaded.close()
    result = CliRunner().invoke(
        app,
        [
            "measures",
            "--period",
            "2022-Q1",
            "--store",
            str(loaded.path),
            "--format",
            "json",
            "--measure",
            "referrals",
            "--measure",
            "reoffending_rate",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {r["measure"]: r for r in json.loads(result.stdout)}
    assert set(rows) == {"referrals", "reoffending_rate"}
    assert (
        rows["referrals"]["value"],
        rows["referrals"]["la_code"],
        rows["referrals"]["period"],
    ) == (10.0, "999", "2022-Q1")
    assert rows["reoffending_rate"]["value"] == 16.27
