"""Issue 12, items 7 and 11: a council's monthly report rates re-referrals for the month, through
a framework whose period is a month, by the same measure and rating rule as the quarter.

Hand-worked fixture (referrals: child, date). A referral is a re-referral when the same child
had an earlier referral on or after its date minus 12 calendar months (catalogue
``rereferrals_within_12_months``; the window of a month is the month itself):

  M1  C1 2021-06-15
  M2  C1 2022-06-10   June 2022; M1 is on or after 2021-06-10          -> re-referral
  M3  C2 2021-06-09
  M4  C2 2022-06-09   June 2022; M3 is exactly 12 months before        -> re-referral
  M5  C3 2021-06-08
  M6  C3 2022-06-09   June 2022; M5 is one day more than 12 months     -> not
  M7  C4 2022-05-20   May 2022; no earlier referral                    -> not
  M8  C4 2022-06-30   June 2022 (its last day); M7 a month before      -> re-referral
  M9  C5 2022-06-01   June 2022; no earlier referral                   -> not
  M10 C6 2022-05-31   May 2022; no earlier referral                    -> not

June 2022: M2, M4, M6, M8, M9 = 5 referrals, 3 re-referrals = 60%.
May 2022: M7, M10 = 2 referrals, none re-referred = 0%.
June 2021 (the same month a year earlier): M1, M3, M5 = 3 referrals, none = 0%.
Q1 2022/23 (April-June): M2, M4, M6, M7, M8, M9, M10 = 7 referrals, 3 re-referrals = 42.857%,
printed 42.9%.

The framework rates the month against "20% (25%)", lower is better: June's 60% is red; against
May (0 of 2) and June 2021 (0 of 3) the change is within what chance moves a percentage on so
few referrals, so similar; May's 0% is green. Its second item counts the month's
referrals against "one more than a year before": June 2021's 3 plus 1 = 4; June 2022's 5 is
green.
"""

from __future__ import annotations

import json
from datetime import date as d

import pytest
from conftest import canonical
from measure_fixtures import LA, load, results
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.measures.run import run_measures
from csc_scorecard.model.periods import parse_periods
from csc_scorecard.rating import Status
from csc_scorecard.rating.framework import parse_framework
from csc_scorecard.rating.rated import rate_run

MEASURE = "rereferrals_within_12_months"
FRAMEWORK = {
    "name": "Monthly performance report",
    "authority": "Test authority",
    "groups": [
        {
            "id": "front_door",
            "title": "Front door",
            "items": [
                {
                    "id": "M01",
                    "title": "Re-referrals within 12 months (month)",
                    "measure": MEASURE,
                    "unit": "percent",
                    "polarity": "lower_better",
                    "target": 20,
                    "tolerance": 25,
                },
                {
                    "id": "M02",
                    "title": "Referrals (month), one more than a year before",
                    "measure": "referrals",
                    "unit": "count",
                    "polarity": "higher_better",
                    "target": {"increase_on": "year_earlier", "by": 1},
                },
            ],
        }
    ],
}


@pytest.fixture
def referrals(store):
    load(
        store,
        {
            "referrals": canonical(
                "referrals",
                child_id=["C1", "C1", "C2", "C2", "C3", "C3", "C4", "C4", "C5", "C6"],
                referral_date=[
                    d(2021, 6, 15),
                    d(2022, 6, 10),
                    d(2021, 6, 9),
                    d(2022, 6, 9),
                    d(2021, 6, 8),
                    d(2022, 6, 9),
                    d(2022, 5, 20),
                    d(2022, 6, 30),
                    d(2022, 6, 1),
                    d(2022, 5, 31),
                ],
                referral_nfa=[False] * 10,
            )
        },
    )
    return store


def test_monthly_rereferrals_by_hand(referrals):
    got = results(referrals, [MEASURE], "2021-06,2022-05:2022-06")
    assert got[(MEASURE, "2022-06", None)][1:] == (3, 5)
    assert got[(MEASURE, "2022-06", None)][0] == pytest.approx(60.0)
    assert got[(MEASURE, "2022-05", None)] == (0.0, 0, 2)
    assert got[(MEASURE, "2021-06", None)] == (0.0, 0, 3)
    quarter = results(referrals, [MEASURE], "2022-Q1")[(MEASURE, "2022-Q1", None)]
    assert quarter[1:] == (3, 7) and quarter[0] == pytest.approx(300 / 7)


def test_a_monthly_framework_rates_the_month(referrals):
    framework = parse_framework(FRAMEWORK)
    run = run_measures(referrals, LA, parse_periods("2022-06"), measures=[MEASURE])
    june = rate_run(run, framework, parse_periods("2022-06")[0]).item("M01")
    assert (june.period, june.value, june.display, june.status) == (
        "2022-06",
        60.0,
        "60%",
        Status.RED,
    )
    assert (june.vs_previous.period, june.vs_previous.value) == ("2022-05", 0.0)
    assert (june.vs_year_earlier.period, june.vs_year_earlier.value) == ("2021-06", 0.0)
    # 3 of 5 against 0 of 2 (and 0 of 3) is within what chance moves a percentage on so few
    # referrals: similar, not worse (the materiality rule, docs/rating.md).
    for comparison in (june.vs_previous, june.vs_year_earlier):
        assert comparison.direction.value == "unchanged" and comparison.similar_reason
    may = rate_run(run, framework, parse_periods("2022-05")[0]).item("M01")
    assert (may.value, may.status) == (0.0, Status.GREEN)


def test_scorecard_measures_for_a_month_with_a_framework(referrals, tmp_path):
    """The feed a monthly report is built from: the item's row for June 2022, rated red, with
    the month as its window."""
    import yaml

    path = tmp_path / "monthly.yaml"
    path.write_text(yaml.safe_dump(FRAMEWORK), encoding="utf-8")
    store_file = referrals.path
    referrals.close()
    result = CliRunner().invoke(
        app,
        ["measures", "--period", "2022-06", "--framework", str(path), "--store", str(store_file)]
        + ["--la", LA, "--format", "json", "--measure", MEASURE],
    )
    assert result.exit_code == 0, result.output
    rows = [r for r in json.loads(result.stdout) if r.get("framework_item") == "M01"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["period"], row["numerator"], row["denominator"], row["rag"]) == (
        "2022-06",
        3,
        5,
        "red",
    )
    assert (row["window_start"], row["window_end"]) == ("2022-06-01", "2022-06-30")
    # June 2022's 5 referrals against June 2021's 3 plus 1: the target 4, said in words.
    result = CliRunner().invoke(
        app,
        ["measures", "--period", "2022-06", "--framework", str(path), "--store", str(store_file)]
        + ["--la", LA, "--format", "json", "--measure", "referrals"],
    )
    assert result.exit_code == 0, result.output
    m02 = next(r for r in json.loads(result.stdout) if r.get("framework_item") == "M02")
    assert (m02["value"], m02["target"], m02["target_rule"], m02["rag"]) == (
        5,
        "4",
        "an additional 1 on a year earlier (3)",
        "green",
    )
