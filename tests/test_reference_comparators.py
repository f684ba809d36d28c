"""DfE comparators: the map, recomputed rates against published ones, and SN averages.

The public files are read from ../shared/data/public (or $SCORECARD_PUBLIC_DATA); nothing is
copied into the repository. Building every comparator takes about two seconds, once per module.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from pathlib import Path

import pytest

from csc_scorecard.reference.comparator_series import ComparatorMap, comparator_map, sn_label
from csc_scorecard.reference.load import reference_batches

PUBLIC = Path(
    os.environ.get(
        "SCORECARD_PUBLIC_DATA",
        Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "public",
    )
)
pytestmark = pytest.mark.skipif(
    not PUBLIC.is_dir(), reason=f"public data folder {PUBLIC} not present"
)

LAIT = "dfe_lait_csc_indicators_long.csv"
DERIVED = "derived_cin_rates_publication_vs_revised_basis_2018_to_2021.csv"

# The figures counted over a shorter window than DfE's year: unmapped, their rolling 12-month
# variants mapped (issue 18 item 2).
SHORT_WINDOW = [
    "rereferrals_within_12_months",
    "assessments_within_45_working_days",
    "icpc_within_15_working_days",
    "cla_ceased_adopted_pct",
    "cla_ceased_sgo_pct",
    "cla_ceased_cao_pct",
]

# The catalogue ids the measures catalogue uses (brief): each is mapped or listed as unmapped.
CATALOGUE_IDS = [
    "referrals_rate_per_10000",
    "rereferrals_within_12_months",
    "assessments_within_45_working_days",
    "section47_rate_per_10000",
    "icpc_rate_per_10000",
    "icpc_within_15_working_days",
    "cin_rate_per_10000",
    "cp_rate_per_10000",
    "cp_second_plan_ever",
    "cp_plans_ended_2_years_plus",
    "cla_rate_per_10000",
    "cla_three_plus_placements",
    "cla_long_term_stability",
    "cla_ceased_adopted_pct",
    "cla_ceased_sgo_pct",
    "cla_ceased_cao_pct",
    "care_leavers_in_touch",
    "care_leavers_eet",
    "care_leavers_suitable_accommodation",
    "staying_put_19_20",
    "agency_fte_rate",
    "staff_turnover_rate",
    "vacancy_rate",
    "caseload_average",
    "referrals",
    "section47_enquiries",
    "cp_plans_at_period_end",
    "cla_at_period_end",
    "children_in_need",
    # the 12-month variants that carry the comparators of the six-month and quarter figures
    *(f"{m}_rolling_12_months" for m in SHORT_WINDOW),
]


class Rows(list):
    """The comparator rows, with an index by (measure, source, area_type) for fast lookups."""

    def __init__(self, rows: list[dict]) -> None:
        super().__init__(rows)
        self.index: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        for r in rows:
            self.index[(r["measure"], r["source"], r["area_type"])].append(r)


@pytest.fixture(scope="module")
def rows() -> Rows:
    batches, _ = reference_batches(PUBLIC)
    (comparators,) = [b for b in batches if b.source_format == "reference:comparators"]
    return Rows(comparators.tables["comparators"].to_pylist())


def series(rows: Rows, measure, source, basis=None, area_type="la") -> dict[tuple[int, str], dict]:
    """(year, area code) -> row for one series."""
    return {
        (r["year"], r["area_code"]): r
        for r in rows.index[(measure, source, area_type)]
        if basis is None or r["basis"] == basis
    }


def label(measure: str, index: int, basis: str | None = None) -> str:
    m = comparator_map()
    return m.measures[measure].series[index].label(m.sources, basis)


# --- the map --------------------------------------------------------------------------------


def test_every_catalogue_id_is_mapped_or_explained():
    m = comparator_map()
    assert set(CATALOGUE_IDS) <= set(m.measures) | set(m.unmapped)
    assert set(CATALOGUE_IDS) & set(m.unmapped) == {"care_leavers_in_touch", *SHORT_WINDOW}
    assert all(len(why) > 40 for why in m.unmapped.values())


def test_mapped_measures_have_the_catalogue_unit():
    from csc_scorecard.measures.catalogue import catalogue

    known = catalogue()
    m = comparator_map()
    shared = [k for k in m.measures if k in known]
    assert len(shared) >= 30
    assert {k: m.measures[k].unit for k in shared} == {k: known[k].unit for k in shared}
    assert set(m.unmapped) <= set(known)


def test_map_rejects_a_series_with_two_kinds():
    bad = {
        "sources": {"lait": {"file": LAIT, "edition": "x"}},
        "lait_areas": {},
        "measures": {
            "m": {"unit": "percent", "polarity": "-", "series": [{"lait": "A", "file": "lait"}]}
        },
        "unmapped": {},
    }
    with pytest.raises(ValueError, match="exactly one"):
        ComparatorMap.model_validate(bad)


def test_every_mapped_lait_measure_exists_in_the_extract():
    with (PUBLIC / LAIT).open(encoding="utf-8-sig") as f:
        published = {r["measure_short"] for r in csv.DictReader(f)}
    wanted = {s.lait for m in comparator_map().measures.values() for s in m.series if s.lait}
    assert wanted <= published


def test_every_series_produced_rows(rows):
    m = comparator_map()
    produced = {(r["measure"], r["source"]) for r in rows}
    for measure, basis_label in ((k, lab) for k in m.measures for lab, _, _ in m.labels(k)):
        assert (measure, basis_label) in produced, (measure, basis_label)


def test_keys_are_unique(rows):
    keys = [
        (r["measure"], r["year"], r["area_type"], r["area_code"], r["basis"], r["source"])
        for r in rows
    ]
    assert len(keys) == len(set(keys))


# --- recomputed rates reproduce DfE's published rates ---------------------------------------


@pytest.mark.parametrize(
    ("measure", "lait_index", "ees_index"),
    [
        ("section47_rate_per_10000", 0, 1),
        ("cp_rate_per_10000", 0, 1),
        ("cin_rate_per_10000", 0, 1),
        ("icpc_rate_per_10000", 0, 1),
        ("referrals_rate_per_10000", 0, 1),
    ],
)
def test_rates_from_counts_and_rebased_population_reproduce_lait(
    rows, measure, lait_index, ees_index
):
    """Count (B1/C1/C4/D5) / ONS 0-17 of mid-year T-1 x 10,000 = LAIT's rate, every LA and year."""
    published = series(rows, measure, label(measure, lait_index))
    recomputed = series(
        rows, measure, label(measure, ees_index, "census2021_rebased"), "census2021_rebased"
    )
    compared = 0
    for key, pub in published.items():
        rec = recomputed.get(key)
        if pub["value"] is None or rec is None or rec["value"] is None:
            continue
        assert abs(rec["value"] - pub["value"]) <= 0.05 + 1e-9, (key, rec["value"], pub["value"])
        compared += 1
    assert compared > 1400  # about 150 LAs x 10 years


def test_cla_rates_reproduce_from_the_files_own_counts_and_population(rows):
    """Both CLA editions: children_count (number) / population_estimate x 10,000, whole numbers."""
    for index, basis, minimum in ((1, "census2021_rebased", 700), (2, "pre_census2021", 580)):
        s = series(rows, "cla_rate_per_10000", label("cla_rate_per_10000", index), basis)
        checked = [r for r in s.values() if r["value"] is not None and r["numerator"] is not None]
        assert len(checked) >= minimum
        for r in checked:
            assert abs(r["numerator"] / r["denominator"] * 10_000 - r["value"]) <= 0.5 + 1e-9, r
    doncaster_2021 = series(
        rows, "cla_rate_per_10000", label("cla_rate_per_10000", 2), "pre_census2021"
    )
    assert doncaster_2021[(2021, "371")]["denominator"] == 67362  # the pre-census population
    assert doncaster_2021[(2021, "371")]["value"] == 81


def _derived() -> dict[tuple[int, str], dict[str, str]]:
    with (PUBLIC / DERIVED).open(encoding="utf-8-sig") as f:
        return {(int(r["time_period"]), r["old_la_code"]): r for r in csv.DictReader(f)}


@pytest.mark.parametrize(
    ("measure", "column"),
    [
        ("section47_rate_per_10000", "section47_enquiries"),
        ("cp_rate_per_10000", "cpp_at_31_march"),
        ("cin_rate_per_10000", "cin_at_31_march"),
        ("referrals_rate_per_10000", "referrals"),
    ],
)
def test_publication_basis_rates_and_sn_averages_match_the_derived_file(rows, measure, column):
    """2018-2021 on the pre-census populations, and the April 2021 SN means, for every LA."""
    derived = _derived()
    source = label(measure, 1, "pre_census2021")
    mine = series(rows, measure, source, "pre_census2021")
    sn = series(
        rows, measure, sn_label(source, "2021-04"), "pre_census2021", "statistical_neighbours"
    )
    rates = sns = 0
    for (year, code), d in derived.items():
        if code == "England":
            continue
        if want := d[f"{column}_rate_per_10k_publication_basis"]:
            assert abs(mine[(year, code)]["value"] - float(want)) <= 0.05 + 1e-9, (year, code)
            rates += 1
        if want := d[f"sn2021_mean_{column}_rate_per_10k_publication_basis"]:
            assert abs(sn[(year, code)]["value"] - float(want)) <= 0.05 + 1e-9, (year, code)
            sns += 1
    assert rates > 580 and sns > 400


def test_doncaster_2020_21_published_figures(rows):
    """The figures Doncaster's 2022 report quotes: S47 248.8 (249), CPP 64.3, SN 228.8 and 59.4."""
    s47 = label("section47_rate_per_10000", 1, "pre_census2021")
    cpp = label("cp_rate_per_10000", 1, "pre_census2021")
    value = {
        name: series(rows, m, src, "pre_census2021", area)[(2021, "371")]["value"]
        for name, m, src, area in (
            ("s47", "section47_rate_per_10000", s47, "la"),
            ("cpp", "cp_rate_per_10000", cpp, "la"),
            (
                "s47_sn",
                "section47_rate_per_10000",
                sn_label(s47, "2021-04"),
                "statistical_neighbours",
            ),
            ("cpp_sn", "cp_rate_per_10000", sn_label(cpp, "2021-04"), "statistical_neighbours"),
        )
    }
    assert {k: round(v, 1) for k, v in value.items()} == {
        "s47": 248.8,
        "cpp": 64.3,
        "s47_sn": 228.8,
        "cpp_sn": 59.4,
    }
    england = series(rows, "cp_rate_per_10000", cpp, "pre_census2021", "england")[
        (2021, "E92000001")
    ]
    assert round(england["value"], 1) == 41.4  # England CPP rate published for 2021


# --- percentages and counts -----------------------------------------------------------------


def test_published_percentages_agree_with_their_counts(rows):
    """Each EES percentage = numerator / denominator within its rounding (1 dp CIN, whole CLA)."""
    units = {k: m.unit for k, m in comparator_map().measures.items()}
    checked = defaultdict(int)
    for r in rows:
        if r["area_type"] != "la" or r["basis"] != "published" or units[r["measure"]] != "percent":
            continue
        if None in (r["value"], r["numerator"]) or not r["denominator"] or "csww" in r["source"]:
            continue
        tolerance = 0.05 if "dfe_cin_" in r["source"] else 0.5
        assert abs(r["numerator"] / r["denominator"] * 100 - r["value"]) <= tolerance + 1e-9, r
        checked[r["measure"]] += 1
    assert set(checked) == {
        "rereferrals_within_12_months_rolling_12_months",
        "cp_second_plan_ever",
        "cla_three_plus_placements",
        "cla_long_term_stability",
        "care_leavers_eet",
        "care_leavers_suitable_accommodation",
    }


def test_workforce_rates_agree_with_fte_counts_within_their_rounding(rows):
    """CSWW FTEs are published to 1 dp, so a rate recomputed from them carries that error:
    at most 0.05 on the numerator and 0.1 on a denominator of two FTEs, plus the rate's own
    rounding. A wrong column in the map would miss by far more."""
    checked = 0
    for r in rows:
        if (
            "csww" not in r["source"]
            or r["area_type"] != "la"
            or None in (r["value"], r["numerator"])
        ):
            continue
        n, d = r["numerator"], r["denominator"]
        scale = 1 if r["measure"] == "caseload_average" else 100
        bound = (0.05 / d + n * 0.1 / d**2) * scale + 0.05
        assert abs(n / d * scale - r["value"]) <= bound + 1e-9, r
        checked += 1
    assert checked > 4 * 1000


def test_lait_and_ees_agree_where_both_publish(rows):
    for measure in (
        "rereferrals_within_12_months_rolling_12_months",
        "cp_second_plan_ever",
        "care_leavers_eet",
    ):
        lait = series(rows, measure, label(measure, 0))
        ees = series(rows, measure, label(measure, 1))
        both = [k for k in lait if k in ees and None not in (lait[k]["value"], ees[k]["value"])]
        assert len(both) > 600
        assert all(abs(lait[k]["value"] - ees[k]["value"]) <= 0.05 + 1e-9 for k in both), measure


def test_icpc_within_15_days_from_c4_bands_matches_lait(rows):
    """(0-10 + 11-15 working days) / all ICPCs (standards.md 5.2) = LAIT CP_conf_15days."""
    lait = series(
        rows,
        "icpc_within_15_working_days_rolling_12_months",
        label("icpc_within_15_working_days_rolling_12_months", 0),
    )
    c4 = series(
        rows,
        "icpc_within_15_working_days_rolling_12_months",
        label("icpc_within_15_working_days_rolling_12_months", 1),
    )
    england = series(
        rows,
        "icpc_within_15_working_days_rolling_12_months",
        label("icpc_within_15_working_days_rolling_12_months", 1),
        area_type="england",
    )
    assert round(england[(2025, "E92000001")]["value"], 1) == 81.4
    both = [k for k in lait if k in c4 and None not in (lait[k]["value"], c4[k]["value"])]
    differ = {k for k in both if abs(lait[k]["value"] - c4[k]["value"]) > 0.05 + 1e-9}
    assert len(both) > 1400
    # LAIT keeps an earlier edition's figure for 8 LAs in 2016-2017 (and one in 2020): < 1 point.
    assert len(differ) <= 10 and all(abs(lait[k]["value"] - c4[k]["value"]) < 1 for k in differ)


def test_joint_workforce_returns_describe_both_authorities(rows):
    s = series(rows, "staff_turnover_rate", label("staff_turnover_rate", 0))
    assert s[(2021, "314")]["value"] == s[(2021, "318")]["value"] == 14.1  # Kingston / Richmond
    assert s[(2021, "940")]["value"] == s[(2021, "941")]["value"] == 16.2  # North / West Northants


def test_suppressed_values_are_empty_rows_not_zeros(rows):
    s = series(
        rows,
        "cla_ceased_cao_pct_rolling_12_months",
        label("cla_ceased_cao_pct_rolling_12_months", 0),
    )
    assert s[(2021, "371")]["value"] is None  # LAIT "-"
    assert s[(2022, "371")]["value"] == 12


# --- statistical-neighbour averages ---------------------------------------------------------

# Comparators in Doncaster's Q1 2022/23 report ("statutory near neighbours, March 2021"), and
# the LAIT measure each comes from: the SN mean of the 2020/21 (workforce: Sept 2021) values.
REPORT_SN = {
    "cp_second_plan_ever": 21.19,
    "rereferrals_within_12_months_rolling_12_months": 21.8,
    "icpc_within_15_working_days_rolling_12_months": 83.3,
    "assessments_within_45_working_days_rolling_12_months": 84.8,
    "cla_three_plus_placements": 8,
    "agency_fte_rate": 14.2,
    "staff_turnover_rate": 15.9,
    "cin_open_6_to_12_months": 13.7,
    "cin_open_12_to_24_months": 15.9,  # the report truncates 15.96
    "cin_open_2_years_plus": 33.1,  # and 33.18
}


@pytest.mark.parametrize(("measure", "quoted"), REPORT_SN.items())
def test_sn_averages_reproduce_the_seed_report(rows, measure, quoted):
    lait_index = next(i for i, s in enumerate(comparator_map().measures[measure].series) if s.lait)
    source = sn_label(label(measure, lait_index), "2021-04")
    value = series(rows, measure, source, area_type="statistical_neighbours")[(2021, "371")][
        "value"
    ]
    decimals = len(str(quoted).split(".")[1]) if "." in str(quoted) else 0
    # 84.85 is quoted as 84.8: allow one unit in the last place for half-way rounding.
    assert abs(round(value, decimals) - quoted) <= 10**-decimals + 1e-9, value


def test_sn_average_is_the_mean_of_the_neighbours_with_data(rows):
    """LAIT's rule (mean with na.rm): Doncaster's 2022 report quotes SGO 18% from 9 of 10."""
    source = sn_label(label("cla_ceased_sgo_pct_rolling_12_months", 0), "2021-04")
    sn = series(
        rows, "cla_ceased_sgo_pct_rolling_12_months", source, area_type="statistical_neighbours"
    )
    assert sn[(2021, "371")]["value"] == pytest.approx(
        (12 + 16 + 22 + 20 + 19 + 24 + 19 + 26 + 5) / 9
    )
    assert round(sn[(2021, "371")]["value"]) == 18
    assert sn[(2020, "371")]["value"] == pytest.approx(15.7)


def test_sn_average_can_require_every_neighbour():
    import pyarrow as pa

    from csc_scorecard.reference.comparator_build import neighbour_averages

    base = pa.table(
        {
            "measure": ["m"] * 10,
            "year": [2021] * 10,
            "area_type": ["la"] * 10,
            "area_code": [str(c) for c in range(1, 11)],
            "value": [float(c) + 0.04 for c in range(1, 10)] + [None],
            "numerator": [None] * 10,
            "denominator": [None] * 10,
            "basis": ["published"] * 10,
            "source": ["s"] * 10,
            "source_row": [None] * 10,
            "_decimals": [1] * 10,
        }
    )
    neighbours = pa.table(
        {
            "model": ["x"] * 10,
            "la_code": ["99"] * 10,
            "neighbour_la_code": [str(c) for c in range(1, 11)],
        }
    )
    (lenient,) = neighbour_averages(base, neighbours, min_neighbours=1).to_pylist()
    (strict,) = neighbour_averages(base, neighbours, min_neighbours=10).to_pylist()
    # Each figure is rounded to 1 dp before averaging: mean(1.0 ... 9.0) = 5.0, not 5.04.
    assert lenient["value"] == pytest.approx(5.0) and strict["value"] is None
    assert lenient["area_type"] == "statistical_neighbours" and lenient["area_code"] == "99"
    assert lenient["source"] == sn_label("s", "x")


def test_each_model_averages_its_own_neighbours(rows):
    lait = label("section47_rate_per_10000", 0)
    la = series(rows, "section47_rate_per_10000", lait)
    for model, neighbours in (
        ("2021-04", ["372", "370", "812", "359", "384", "357", "813", "807", "332", "894"]),
        # May 2025: Wigan, Redcar and Cleveland and Dudley out; Walsall, Stoke, Rochdale in.
        ("2025-05", ["372", "370", "384", "894", "357", "812", "335", "861", "354", "813"]),
    ):
        sn = series(
            rows,
            "section47_rate_per_10000",
            sn_label(lait, model),
            area_type="statistical_neighbours",
        )
        expected = sum(la[(2024, n)]["value"] for n in neighbours) / 10
        assert sn[(2024, "371")]["value"] == pytest.approx(expected), model
