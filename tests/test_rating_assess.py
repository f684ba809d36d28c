"""Rating a framework: how each item gets its status, reason and direction."""

from __future__ import annotations

import pytest

from csc_scorecard.rating import (
    Direction,
    Rag,
    Status,
    ValuesFileError,
    make_reading,
    rate_framework,
    rate_item,
)
from csc_scorecard.rating.framework import parse_framework


def parse_framework_item(item):
    return _framework(item).groups[0].items[0]


def _framework(*items, threshold=None, direction_of_travel=None):
    data = {
        "name": "Test framework",
        "authority": "Test LA",
        "groups": [{"id": "g", "title": "Group", "items": list(items)}],
    }
    if threshold is not None:
        data["small_number_threshold"] = threshold
    if direction_of_travel is not None:
        data["direction_of_travel"] = direction_of_travel
    return parse_framework(data)


ASSESS = {
    "id": "K1",
    "title": "Assessments in 45 working days",
    "unit": "percent",
    "measure": "assessments_within_45_working_days",
    "polarity": "higher_better",
    "target": 90,
    "tolerance": 75,
}
DAYS = {
    "id": "K2",
    "title": "Days to match",
    "unit": "days",
    "polarity": "lower_better",
    "target": 121,
    "tolerance": 200,
}
COUNT = {"id": "K3", "title": "Children looked after", "unit": "count", "polarity": "information"}
BAND = {
    "id": "K4",
    "title": "Caseload",
    "unit": "ratio",
    "polarity": "within_band",
    "target": {"low": 15, "high": 18},
    "tolerance": {"low": 12, "high": 22},
}


def _rate(framework, *readings, period="2022-Q1", **options):
    return rate_framework(framework, [make_reading(*r) for r in readings], period, **options)


def test_an_item_is_found_by_its_catalogue_measure_id():
    result = _rate(_framework(ASSESS), ("assessments_within_45_working_days", "2022-Q1", "91%"))
    item = result.item("K1")
    assert (item.status, item.value, item.measure) == (
        Status.GREEN,
        91.0,
        "assessments_within_45_working_days",
    )


def test_two_values_for_one_item_are_refused():
    with pytest.raises(ValuesFileError, match="K1 has two values for 2022-Q1"):
        _rate(
            _framework(ASSESS),
            ("K1", "2022-Q1", "91%"),
            ("assessments_within_45_working_days", "2022-Q1", "90%"),
        )


def test_the_same_measure_twice_in_a_period_is_refused():
    with pytest.raises(ValuesFileError, match="two values for K1 in 2022-Q1"):
        _rate(_framework(ASSESS), ("K1", "2022-Q1", "91%"), ("K1", "2022-Q1", "92%"))


def test_values_for_unknown_measures_are_listed():
    result = _rate(
        _framework(ASSESS),
        ("K1", "2022-Q1", "91%"),
        ("K9", "2022-Q1", "5"),
        ("typo_measure", "2021-Q4", "1"),
    )
    assert result.unmatched_measures == ["K9", "typo_measure"]


def test_a_value_in_the_wrong_unit_is_not_available():
    result = _rate(_framework(DAYS), ("K2", "2022-Q1", "45%"))
    item = result.item("K2")
    assert (item.status, item.rag) == (Status.NOT_AVAILABLE, None)
    assert item.reason == "'45%' is in percent but K2 is measured in days"


def test_a_bound_that_straddles_a_threshold_is_not_available():
    result = _rate(_framework(ASSESS), ("K1", "2022-Q1", ">80%"))
    item = result.item("K1")
    assert item.status is Status.NOT_AVAILABLE
    assert item.reason == "'>80%' is a bound; values it allows rate differently against 90% (75%)"
    decided = _rate(_framework(ASSESS), ("K1", "2022-Q1", "<70%")).item("K1")
    assert (decided.status, decided.display, decided.value, decided.bound) == (
        Status.RED,
        "<70%",
        None,
        70.0,
    )


def test_a_value_is_rated_as_published_at_the_units_precision():
    # Percentages are published to one place: 89.95 is printed 90%, so it is green, not amber.
    item = _rate(_framework(ASSESS), ("K1", "2022-Q1", 89.95)).item("K1")
    assert (item.status, item.value, item.display) == (Status.GREEN, 90.0, "90%")
    half = _rate(_framework(ASSESS), ("K1", "2022-Q1", 84.85)).item("K1")
    assert half.value == 84.9  # half up; round() would give 84.8 (half to even)
    # An item's own decimals override the unit's: to two places 89.95 stays amber.
    fine = _rate(_framework(ASSESS | {"decimals": 2}), ("K1", "2022-Q1", 89.95)).item("K1")
    assert (fine.status, fine.value, fine.display) == (Status.AMBER, 89.95, "89.95%")


def test_the_issue_examples_rate_the_printed_figure():
    """Issue 12, defect 1. P22 "8% (12%)", lower is better: the demo's unrounded 12.0069% is
    printed 12%, which is the tolerance itself, so amber (raw it would be red). A manual
    89.96% against "90% (75%)" is printed 90%: green (raw it would be amber)."""
    agency = ASSESS | {"id": "P22", "polarity": "lower_better", "target": 8, "tolerance": 12}
    agency.pop("measure")
    p22 = rate_item(
        parse_framework_item(agency), make_reading("P22", "2021-Q1", 12.006861063464838), "2021-Q1"
    )
    assert (p22.status, p22.rag, p22.value, p22.display) == (Status.AMBER, Rag.AMBER, 12.0, "12%")
    c01 = rate_item(parse_framework_item(ASSESS), make_reading("K1", "2022-Q1", "89.96"), "2022-Q1")
    assert (c01.status, c01.value, c01.display) == (Status.GREEN, 90.0, "90%")
    assert rate_item(parse_framework_item(ASSESS), None, "2022-Q1").reason == "no value for 2022-Q1"


def test_information_items_report_a_change_but_no_rating_or_direction():
    result = _rate(_framework(COUNT), ("K3", "2022-Q1", "512"), ("K3", "2021-Q4", "498"))
    item = result.item("K3")
    assert (item.status, item.rag, item.value, item.target_display) == (
        Status.INFORMATION,
        None,
        512.0,
        "",
    )
    assert (item.vs_previous.change, item.vs_previous.direction, item.vs_previous.reason) == (
        14.0,
        None,
        "information item",
    )
    assert result.groups[0].summary.information == 1
    assert result.groups[0].summary.with_data == 1 and result.groups[0].summary.rated == 0


def test_within_band_items_and_their_direction():
    result = _rate(
        _framework(BAND), ("K4", "2022-Q1", "20"), ("K4", "2021-Q4", "23"), ("K4", "2021-Q1", "17")
    )
    item = result.item("K4")
    assert (item.status, item.target_display) == (Status.AMBER, "15-18 (12-22)")
    assert item.vs_previous.direction is Direction.IMPROVING  # 5 outside the band, now 2
    assert item.vs_year_earlier.direction is Direction.WORSENING  # was inside the band
    assert item.vs_year_earlier.period == "2021-Q1"


def test_small_numbers_are_flagged_on_the_item_and_its_comparisons():
    framework = _framework(ASSESS)
    readings = [
        make_reading("K1", "2022-Q1", "88.9%", numerator=8, denominator=9),
        make_reading("K1", "2021-Q4", "95%", numerator=95, denominator=100),
        make_reading("K1", "2021-Q1", "92%", numerator=92, denominator=100),
    ]
    item = rate_framework(framework, readings, "2022-Q1").item("K1")
    assert item.small_number_warning and item.vs_previous.small_number_warning
    # 95 of 100 -> 8 of 9 (88.9%) is within what chance moves a percentage of 9: similar.
    assert item.vs_previous.direction is Direction.UNCHANGED
    assert item.vs_previous.similar_reason == (
        "within what chance alone moves a percentage of 9 and 100 (95% confidence)"
    )
    no_chance = _framework(ASSESS, direction_of_travel={"chance": None})
    assert rate_framework(no_chance, readings, "2022-Q1").item("K1").vs_previous.direction is (
        Direction.WORSENING
    )
    relaxed = rate_framework(framework, readings, "2022-Q1", small_number_threshold=5).item("K1")
    assert not relaxed.small_number_warning and not relaxed.vs_previous.small_number_warning
    strict = rate_framework(_framework(ASSESS, threshold=100), readings[1:], "2021-Q4")
    assert strict.small_number_threshold == 100
    assert strict.item("K1").small_number_warning  # 95 of 100: numerator below 100


def test_an_earlier_figure_that_is_not_reportable_gives_no_direction():
    result = rate_framework(
        _framework(ASSESS),
        [
            make_reading("K1", "2022-Q1", "91%"),
            make_reading("K1", "2021-Q4", "80%", status="not_reportable", commentary="Mosaic move"),
        ],
        "2022-Q1",
    )
    item = result.item("K1")
    assert (item.vs_previous.direction, item.vs_previous.reason, item.vs_previous.raw) == (
        None,
        "2021-Q4 figure not reportable",
        "80%",
    )
    marked = rate_framework(
        _framework(ASSESS),
        [make_reading("K1", "2022-Q1", "", status="not_available", commentary="System outage")],
        "2022-Q1",
    ).item("K1")
    assert (marked.status, marked.reason) == (Status.NOT_AVAILABLE, "System outage")


def test_overlapping_bounds_cannot_be_ordered():
    result = _rate(_framework(ASSESS), ("K1", "2022-Q1", "<80%"), ("K1", "2021-Q4", "78%"))
    assert result.item("K1").vs_previous.reason == "'<80%' and '78%' cannot be ordered"


def test_period_metadata_and_bad_threshold():
    result = _rate(_framework(ASSESS), ("K1", "2022-Q1", "91%"), period="2022-q1")
    assert (
        result.period,
        result.period_label,
        result.previous_period,
        result.year_earlier_period,
    ) == ("2022-Q1", "Q1 2022/23", "2021-Q4", "2021-Q1")
    with pytest.raises(ValueError, match="above 0"):
        _rate(_framework(ASSESS), period="2022-Q1", small_number_threshold=0)


def _k1(now, then, **rule):
    framework = _framework(ASSESS, direction_of_travel=rule or None)
    if not isinstance(now, tuple):
        readings = [make_reading("K1", "2022-Q1", now), make_reading("K1", "2021-Q4", then)]
    else:
        readings = [
            make_reading("K1", "2022-Q1", f"{now[0]}%", numerator=now[1], denominator=now[2]),
            make_reading("K1", "2021-Q4", f"{then[0]}%", numerator=then[1], denominator=then[2]),
        ]
    return rate_framework(framework, readings, "2022-Q1").item("K1").vs_previous


def test_a_change_under_one_percentage_point_is_similar_not_a_deterioration():
    # Issue 16: 86.9% -> 86.7% read as worsening. Under the materiality rule it is similar.
    moved = _k1("86.7%", "86.9%")
    assert (moved.change, moved.direction, moved.similar_within, moved.similar_reason) == (
        -0.2,
        Direction.UNCHANGED,
        1.0,
        "a change of less than 1 percentage point",
    )
    # 1 point exactly is still similar ("no bigger than"); 1.1 points is a change.
    assert _k1("85.9%", "86.9%").direction is Direction.UNCHANGED
    assert _k1("85.8%", "86.9%").direction is Direction.WORSENING
    # An unchanged figure is unchanged, with no "similar" reason to give.
    assert (_k1("86.9%", "86.9%").direction, _k1("86.9%", "86.9%").similar_reason) == (
        Direction.UNCHANGED,
        None,
    )


def test_the_materiality_rule_is_configurable_per_framework_and_item():
    assert _k1("86.7%", "86.9%", similar_within={"percent": 0}).direction is Direction.WORSENING
    assert _k1("84%", "86.9%", similar_within={"percent": 3}).direction is Direction.UNCHANGED
    item = {**ASSESS, "similar_within": 0.1}
    framework = _framework(item)
    readings = [make_reading("K1", "2022-Q1", "86.7%"), make_reading("K1", "2021-Q4", "86.9%")]
    assert rate_framework(framework, readings, "2022-Q1").item("K1").vs_previous.direction is (
        Direction.WORSENING
    )


def test_within_what_chance_moves_the_figure_is_similar():
    # 812 of 1,000 -> 790 of 1,000: 2.2 points, but chance alone moves a percentage of 1,000
    # by 1.96 * sqrt(p(1-p)(1/1000 + 1/1000)) = 3.5 points (p = 0.801 pooled): similar.
    moved = _k1((79, 790, 1000), (81.2, 812, 1000))
    assert moved.direction is Direction.UNCHANGED
    assert round(moved.similar_within, 2) == 3.5
    # On 10,000 each the same fall is outside chance (1.1 points): a deterioration.
    assert _k1((79, 7900, 10000), (81.2, 8120, 10000)).direction is Direction.WORSENING
    # With the chance test off only the 1-point allowance applies.
    assert _k1((79, 790, 1000), (81.2, 812, 1000), chance=None).direction is Direction.WORSENING
