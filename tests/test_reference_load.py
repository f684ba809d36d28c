"""Importing the whole public folder into a store, re-importing, comparator_values and the CLI."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.reference.comparators import comparator_values
from csc_scorecard.reference.load import import_reference
from csc_scorecard.store import Store

PUBLIC = Path(
    os.environ.get(
        "SCORECARD_PUBLIC_DATA",
        Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "public",
    )
)
pytestmark = pytest.mark.skipif(
    not PUBLIC.is_dir(), reason=f"public data folder {PUBLIC} not present"
)
TABLES = ("calendar", "population", "la_codes", "statistical_neighbours", "comparators")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The public folder imported once, through the CLI; yields the store and what it printed."""
    path = tmp_path_factory.mktemp("reference") / "store.duckdb"
    result = CliRunner().invoke(app, ["reference", "--from", str(PUBLIC), "--store", str(path)])
    assert result.exit_code == 0, result.output
    with Store(path) as store:
        yield store, result.output.splitlines()


def count(store, name: str) -> int:
    return store.con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]


def test_every_reference_table_is_loaded_once(loaded):
    store, _ = loaded
    rows = {name: count(store, name) for name in TABLES}
    assert rows["calendar"] == 5478 and rows["la_codes"] == 165 and rows["population"] == 2765
    assert rows["statistical_neighbours"] == 3140  # 156 + 158 LAs x 10
    assert rows["comparators"] > 200_000
    loads = store.con.execute(
        "SELECT source_format, la_code, period_start, row_count FROM loads ORDER BY load_id"
    ).fetchall()
    assert loads == [(f"reference:{t}", None, None, rows[t]) for t in TABLES]


def test_cli_prints_what_was_loaded(loaded):
    store, lines = loaded
    assert lines[0].startswith("calendar: 5,478 rows")
    assert f"population: {count(store, 'population'):,} rows" in lines[1]
    assert any(
        line.startswith("comparators: ") and "dfe_lait_csc_indicators_long.csv" in line
        for line in lines
    )
    assert "note: population 10-17: not available (no ONS 10-17 file in the folder)" in lines
    assert any(line.startswith("loaded in ") for line in lines)
    # The command then brings the stored measure results up to date (measures/results.py).
    assert lines[-1].startswith("measure results: ")


def test_suppressed_cells_are_kept_as_notes(loaded):
    store, _ = loaded
    symbols = dict(
        store.con.execute(
            "SELECT value, count(*) FROM dq_issues WHERE table_name = 'comparators' "
            "AND rule = 'suppressed' GROUP BY 1"
        ).fetchall()
    )
    assert {"c", "x", "z", "-"} <= symbols.keys()


def test_calendar_in_the_store_counts_working_days(loaded):
    store, _ = loaded
    a, b = (
        store.con.execute("SELECT working_day_index FROM calendar WHERE date = ?", [d]).fetchone()[
            0
        ]
        for d in (date(2022, 4, 1), date(2022, 6, 10))
    )
    assert b - a == 45


def test_comparators_for_doncaster_section47_as_published_in_2021(loaded):
    store, _ = loaded
    published = comparator_values(
        store, "section47_rate_per_10000", "371", 2021, basis="pre_census2021"
    )
    assert round(published["la"], 1) == 248.8
    assert round(published["statistical_neighbours"], 1) == 228.8
    assert round(published["england"], 1) == 164.4
    assert published["region_code"] == "E12000003" and published["region"] is not None
    assert published["basis"] == "pre_census2021" and published["sn_with_data"] == 10
    assert published["source"].startswith(
        "dfe_cin_c4_section47s_and_icpcs_2013_to_2025.csv: Section47"
    )

    current = comparator_values(store, "section47_rate_per_10000", "371", 2021)
    assert (current["la"], current["england"], current["basis"]) == (
        261.2,
        168.6,
        "census2021_rebased",
    )
    assert current["source"] == "dfe_lait_csc_indicators_long.csv: Section_47"
    assert current["statistical_neighbours"] == pytest.approx(233.45)


def test_comparators_report_partial_neighbours_and_other_models(loaded):
    store, _ = loaded
    sgo = comparator_values(store, "cla_ceased_sgo_pct_rolling_12_months", "371", 2021)
    assert round(sgo["statistical_neighbours"]) == 18 and sgo["sn_with_data"] == 9
    assert (
        sgo["sn_neighbours"]["894"] is None and "9 of 10" in sgo["notes"]["statistical_neighbours"]
    )
    strict = comparator_values(
        store, "cla_ceased_sgo_pct_rolling_12_months", "371", 2021, complete_only=True
    )
    assert strict["statistical_neighbours"] is None

    newer = comparator_values(store, "section47_rate_per_10000", "371", 2025, model="2025-05")
    assert newer["sn_model"] == "2025-05" and set(newer["sn_neighbours"]) >= {"335", "861", "354"}
    expected = sum(newer["sn_neighbours"].values()) / 10
    assert newer["statistical_neighbours"] == pytest.approx(expected)


def test_workforce_comparators_use_the_september_year(loaded):
    store, _ = loaded
    turnover = comparator_values(store, "staff_turnover_rate", "371", 2021)
    assert (turnover["la"], turnover["england"]) == (16.1, 15.4)
    assert round(turnover["statistical_neighbours"], 1) == 15.9  # quoted in the 2022 report
    assert "30 September" in turnover["edition"]


def test_suppressed_value_comes_back_with_its_note(loaded):
    store, _ = loaded
    cao = comparator_values(store, "cla_ceased_cao_pct_rolling_12_months", "371", 2021)
    assert cao["la"] is None and cao["england"] == 4
    assert cao["notes"]["la"].startswith("-: value: not available")


def test_unmapped_measures_say_why(loaded):
    store, _ = loaded
    with pytest.raises(KeyError, match="not in touch"):
        comparator_values(store, "care_leavers_in_touch", "371", 2021)


def test_cli_refuses_a_missing_folder(tmp_path):
    result = CliRunner().invoke(
        app,
        ["reference", "--from", str(tmp_path / "nope")],
        env={"COLUMNS": "300", "NO_COLOR": "1"},
    )
    assert result.exit_code == 2 and "does not exist" in result.output


def test_reimport_replaces_the_previous_import(loaded):
    store, _ = loaded
    before = {name: count(store, name) for name in TABLES}
    summary = import_reference(store, PUBLIC)
    assert {name: count(store, name) for name in TABLES} == before == summary.rows
    assert count(store, "loads") == len(TABLES)
    assert sorted(summary.load_ids.values()) == [6, 7, 8, 9, 10]
    assert summary.seconds > 0


def test_a_partial_folder_loads_what_it_has_and_says_what_is_missing(tmp_path):
    ons = "ons_mid_year_population_0_to_17_2012_to_2024.csv"
    (tmp_path / ons).symlink_to(PUBLIC / ons)
    with Store(tmp_path / "store.duckdb") as store:
        summary = import_reference(store, tmp_path)
        assert set(summary.rows) == {"calendar", "population"}
        assert count(store, "comparators") == count(store, "la_codes") == 0
    notes = "\n".join(summary.notes)
    assert "la_codes: derived_la_codes.csv not found" in notes
    assert "statistical_neighbours: no model file found" in notes
    assert "comparators: files not found: dfe_cin_b1_children_in_need_2013_to_2025.csv" in notes
