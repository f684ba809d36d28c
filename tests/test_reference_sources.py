"""Reading the public files: EES cells and geography, populations, LA codes, statistical neighbours.

Real files come from ../shared/data/public (or $SCORECARD_PUBLIC_DATA); small hand-made files in
tmp_path cover layouts the public folder does not have (a BOM-less cp1252 file, a 10-17 file).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from csc_scorecard.ingest.values import BadValue
from csc_scorecard.model.batch import FormatError
from csc_scorecard.reference.ees import Record, areas, parse_number, read_ees, read_text_csv
from csc_scorecard.reference.la_codes import read_la_codes
from csc_scorecard.reference.neighbours import MODELS, closeness, read_model, read_neighbours
from csc_scorecard.reference.population import (
    PUBLICATION_FILE,
    population_index,
    read_ons,
    read_population,
)

PUBLIC = Path(
    os.environ.get(
        "SCORECARD_PUBLIC_DATA",
        Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "public",
    )
)
needs_public = pytest.mark.skipif(
    not PUBLIC.is_dir(), reason=f"public data folder {PUBLIC} not present"
)
ONS = "ons_mid_year_population_0_to_17_2012_to_2024.csv"
EES_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,age_group,population_estimate\n"
)


# --- EES cells -------------------------------------------------------------------------------


@pytest.mark.parametrize("symbol", ["c", "x", "z", "k", "u", "low", ":", "~", "-", ".."])
def test_every_suppression_symbol_is_an_empty_value_with_the_symbol_kept(symbol):
    assert parse_number(f" {symbol} ") == (None, symbol)


def test_numbers_lose_float_noise_and_thousands_separators():
    assert parse_number("86.600000000000009") == (86.6, None)
    assert parse_number("17.899999999999999") == (17.9, None)
    assert parse_number("12,183,016") == (12183016.0, None)
    assert parse_number("") == (None, None)
    with pytest.raises(BadValue):
        parse_number("n/k?")


def test_geography_of_national_regional_local_and_joint_rows():
    def rec(**cells):
        return Record(2, cells)

    assert list(areas(rec(geographic_level="National", country_code="E92000001"))) == [
        ("england", "E92000001")
    ]
    assert list(areas(rec(geographic_level="Regional", region_code="E13000001"))) == [
        ("region", "E13000001")
    ]
    assert list(areas(rec(geographic_level="Local authority", old_la_code="371"))) == [
        ("la", "371")
    ]
    assert list(areas(rec(geographic_level="Local authority", old_la_code="314 / 318"))) == [
        ("la", "314"),
        ("la", "318"),
    ]


def test_cp1252_file_without_bom_is_read(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(
        (
            EES_HEADER + "2020,Reporting year,Local authority,E92000001,England,"
            "E12000003,Yorkshire,371,E08000017,Doncaster \u2013 test,0 to 17,1\n"
        ).encode("cp1252")
    )
    (record,) = read_ees(path).records
    assert record["la_name"] == "Doncaster \u2013 test" and record.line == 2


def test_a_file_without_ees_geography_is_refused(tmp_path):
    path = tmp_path / "not_ees.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(FormatError, match="not an EES data file"):
        read_ees(path)


@needs_public
def test_bom_files_have_clean_headers():
    table = read_text_csv(PUBLIC / "dfe_cla_care_leavers_activity_2021_to_2025.csv")
    assert table.header[0] == "time_period"  # the UTF-8 BOM is gone


# --- populations -----------------------------------------------------------------------------


@needs_public
def test_rebased_and_publication_populations():
    pop = read_population(PUBLIC)
    index = population_index(pop.rows)
    assert index[("371", 2020, "0-17", "census2021_rebased")] == 64165
    assert index[("371", 2020, "0-17", "pre_census2021")] == 67362  # published basis for 2020/21
    assert index[("E92000001", 2020, "0-17", "pre_census2021")] == 12093290
    assert index[("E12000003", 2024, "0-17", "census2021_rebased")] > 1_000_000
    pre = sorted({r["mid_year"] for r in pop.rows if r["basis"] == "pre_census2021"})
    assert pre == [2017, 2018, 2019, 2020]  # years ending March 2018-2021
    sources = {r["basis"]: r["source"] for r in pop.rows}
    assert sources["pre_census2021"].startswith(PUBLICATION_FILE)
    assert "Census 2021 rebased" in sources["census2021_rebased"]


@needs_public
def test_areas_without_an_estimate_are_notes_not_rows():
    pop = read_population(PUBLIC)
    index = population_index(pop.rows)
    assert ("837", 2018, "0-17", "census2021_rebased") not in index  # Bournemouth after the merger
    notes = [i for i in pop.issues if i.rule == "suppressed" and i.file == ONS]
    assert len(notes) == 21 and {i.value for i in notes} == {"x"}  # 835-837, mid-2012 to mid-2018
    assert all(i.row and i.field == "population_estimate" for i in notes)


@needs_public
def test_ten_to_seventeen_is_recorded_as_not_available():
    pop = read_population(PUBLIC)
    assert pop.bands() == {"0-17"}
    (missing,) = [i for i in pop.issues if i.rule == "not_available"]
    assert "10-17" in missing.message and missing.severity == "info"


def test_an_ons_ten_to_seventeen_file_in_the_same_layout_is_imported(tmp_path):
    (tmp_path / "ons_mid_year_population_10_to_17_2023.csv").write_text(
        EES_HEADER
        + "2023,Reporting year,National,E92000001,England,,,,,,Children aged 10 to 17 years,5600000\n"
        + "2023,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,"
        "371,E08000017,Doncaster,Children aged 10 to 17 years,30123\n"
    )
    pop = read_population(tmp_path)
    assert pop.bands() == {"10-17"} and not [i for i in pop.issues if i.rule == "not_available"]
    index = population_index(pop.rows)
    assert index[("371", 2023, "10-17", "census2021_rebased")] == 30123
    assert index[("E92000001", 2023, "10-17", "census2021_rebased")] == 5_600_000


@needs_public
def test_dfe_pairs_each_year_with_the_mid_year_before_it():
    """Every LA in the 2025-edition CLA file: population for year T = ONS mid-year T-1."""
    ons = population_index(read_ons(PUBLIC / ONS).rows)
    with (PUBLIC / "dfe_cla_number_and_rate_per_10k_2021_to_2025.csv").open(
        encoding="utf-8-sig"
    ) as f:
        cla = [r for r in csv.DictReader(f) if r["geographic_level"] == "Local authority"]
    pairs = [
        (r["old_la_code"], int(r["time_period"]), float(r["population_estimate"]))
        for r in cla
        if r["population_estimate"] not in ("x", "z", "c")
    ]
    matched = [
        ons.get((code, year - 1, "0-17", "census2021_rebased")) == pop for code, year, pop in pairs
    ]
    assert len(pairs) > 700 and all(matched)


# --- LA codes --------------------------------------------------------------------------------


@needs_public
def test_la_codes_with_gss_region_and_lait_type():
    rows, issues = read_la_codes(
        PUBLIC / "derived_la_codes.csv", PUBLIC / "dfe_lait_la_code_list.xlsx"
    )
    assert not issues  # derived types agree with the LAIT list
    by_code = {}
    for r in rows.to_pylist():
        by_code.setdefault(r["la_code"], []).append(r)
    (doncaster,) = by_code["371"]
    assert (doncaster["gss_code"], doncaster["region_code"], doncaster["la_type"]) == (
        "E08000017",
        "E12000003",
        "MD",
    )
    assert {r["gss_code"] for r in by_code["815"]} == {"E10000023", "E06000065"}  # North Yorkshire
    assert rows.num_rows == 165 and len(by_code) == 160


# --- statistical neighbours ------------------------------------------------------------------


def test_closeness_bands_are_normalised():
    assert [closeness(t) for t in ("Extremely Close", "Very close", "Close ", "Not Close")] == [
        "Extremely close",
        "Very close",
        "Close",
        "Not close",
    ]


@needs_public
def test_doncaster_neighbours_in_both_models():
    rows, _, files = read_neighbours(PUBLIC)
    assert [Path(f).suffix for f in files] == [".xlsx", ".xlsx"]
    got = {
        model: [
            r["neighbour_la_code"]
            for r in rows.to_pylist()
            if r["la_code"] == "371" and r["model"] == model
        ]
        for model in MODELS
    }
    assert got["2021-04"] == ["372", "370", "812", "359", "384", "357", "813", "807", "332", "894"]
    # May 2025: Wigan, Dudley and Redcar and Cleveland out; Walsall, Stoke-on-Trent, Rochdale in.
    assert set(got["2021-04"]) - set(got["2025-05"]) == {"359", "332", "807"}
    assert set(got["2025-05"]) - set(got["2021-04"]) == {"335", "861", "354"}


@needs_public
@pytest.mark.parametrize("model", list(MODELS))
def test_workbook_and_csv_copies_agree(model):
    xlsx, csv_copy = (PUBLIC / f for f in MODELS[model])
    a, a_issues = read_model(xlsx, model)
    b, _ = read_model(csv_copy, model)
    key = lambda r: (r["la_code"], r["rank"])
    a_rows = {key(r): (r["neighbour_la_code"], r["closeness"]) for r in a.to_pylist()}
    b_rows = {key(r): (r["neighbour_la_code"], r["closeness"]) for r in b.to_pylist()}
    assert {k: a_rows[k] for k in b_rows} == b_rows  # the CSV is the workbook (or a subset)
    assert len(b_rows) >= 1530
    if model == "2021-04":  # Cumberland, Westmorland and Furness postdate the model
        assert {i.rule for i in a_issues} == {"no_neighbours"} and len(a_issues) == 2


def test_a_model_without_ten_neighbour_columns_is_refused(tmp_path):
    path = tmp_path / "sn.csv"
    path.write_text("old_la_code,la_name,SN_1,SN_1P\n371,Doncaster,372,Close\n")
    with pytest.raises(FormatError, match="SN1..SN10"):
        read_model(path, "test")
