"""Issue 12, items 8-10: strict, relative and incremental targets; derived items; several
comparators per item. Every expected value is worked out by hand in the test's docstring."""

from __future__ import annotations

import pytest

from csc_scorecard.rating import FrameworkError, Status, make_reading, rate_framework
from csc_scorecard.rating.framework import parse_framework


def _framework(*items):
    return parse_framework(
        {"name": "F", "authority": "A", "groups": [{"id": "g", "title": "G", "items": list(items)}]}
    )


def _item(**fields):
    return {"id": "K1", "title": "A measure", "unit": "percent"} | fields


def _rate(items, readings, period="2022-Q1", **options):
    framework = _framework(*items)
    return rate_framework(framework, [make_reading(*r) for r in readings], period, **options)


def test_a_strict_target_is_not_met_by_an_equal_value():
    """ "Less than 22%" with tolerance 28%: 22 is not less than 22, so amber (within 28);
    21.9 is green. "More than 85" with no tolerance: 85 is red, 85.1 green."""
    less = _item(polarity="lower_better", target=22, tolerance=28, strict=True)
    more = _item(id="K2", polarity="higher_better", target=85, strict=True)
    result = _rate(
        [less, more],
        [("K1", "2022-Q1", "22%"), ("K2", "2022-Q1", "85%"), ("K1", "2021-Q4", "21.9%")],
    )
    assert (result.item("K1").status, result.item("K1").target_display) == (
        Status.AMBER,
        "< 22% (28%)",
    )
    assert (result.item("K2").status, result.item("K2").target_display) == (Status.RED, "> 85%")
    earlier = _rate([less], [("K1", "2021-Q4", "21.9%")], period="2021-Q4").item("K1")
    assert earlier.status is Status.GREEN


SN = {
    "id": "statistical_neighbours",
    "label": "Statistical neighbours",
    "year": "2020/21",
    "basis": "average of 10 statistical neighbours, DfE LAIT",
}
ENGLAND = {"id": "england", "label": "England", "year": "2021/22", "basis": "DfE CIN census"}


def test_a_target_relative_to_a_fixed_comparator():
    """ "At or above the statistical-neighbour average" (21.19, printed 21.2%), amber within 2
    points: 21.2 green, 21.1 amber (21.2 - 2 = 19.2 is the tolerance), 19.1 red."""
    item = _item(
        polarity="higher_better",
        target={"relative_to": "statistical_neighbours", "tolerance": 2},
        comparators=[SN | {"value": 21.19}],
    )
    statuses = {
        v: _rate([item], [("K1", "2022-Q1", v)]).item("K1").status for v in ("21.2", "21.1", "19.1")
    }
    assert statuses == {"21.2": Status.GREEN, "21.1": Status.AMBER, "19.1": Status.RED}
    rated = _rate([item], [("K1", "2022-Q1", "21.2")]).item("K1")
    assert (rated.target, rated.tolerance, rated.target_display, rated.target_rule) == (
        21.2,
        19.2,
        "21.2% (19.2%)",
        "at or above Statistical neighbours 2020/21 (21.2%)",
    )
    assert [(c.label, c.year, c.basis, c.display) for c in rated.comparators] == [
        ("Statistical neighbours", "2020/21", SN["basis"], "21.2%")
    ]


def test_within_points_of_a_published_comparator():
    """ "Within 2 points of England": England's published 32.3 gives the band 30.3-34.3 (green);
    34.4 is outside it, red. With no England figure published the item cannot be rated."""
    item = _item(
        polarity="within_band",
        target={"relative_to": "england", "within": 2},
        comparators=[ENGLAND],
    )
    published = {"K1": {"england": 32.3}}
    inside = _rate([item], [("K1", "2022-Q1", "34.3")], published=published).item("K1")
    # A framework's "latest published" is labelled with the year of the figure it is given.
    latest = _item(
        polarity="within_band",
        target={"relative_to": "england", "within": 2},
        comparators=[ENGLAND | {"year": "latest published"}],
    )
    dated = {"K1": {"england": 32.3, "year_label": "2021/22"}}
    labelled = _rate([latest], [("K1", "2022-Q1", "34.3")], published=dated).item("K1")
    assert (labelled.comparators[0].year, labelled.target_rule) == (
        "2021/22",
        "within 2 percentage points of England 2021/22 (32.3%)",
    )
    outside = _rate([item], [("K1", "2022-Q1", "34.4")], published=published).item("K1")
    assert (inside.status, inside.target_display) == (Status.GREEN, "30.3-34.3%")
    assert inside.target_rule == "within 2 percentage points of England 2021/22 (32.3%)"
    assert outside.status is Status.RED
    missing = _rate([item], [("K1", "2022-Q1", "34.3")]).item("K1")
    assert (missing.status, missing.reason, missing.target_rule) == (
        Status.NOT_AVAILABLE,
        "no England value (2021/22) to set the target from",
        "within 2 percentage points of England 2021/22",
    )


def test_an_incremental_target_adds_to_the_year_earlier_figure():
    """ "An additional 800" foster placements on a year earlier: 5,000 in 2021-Q1 makes the
    target 5,800; 5,800 green, 5,750 amber (tolerance 100: 5,700), 5,699 red."""
    item = _item(
        unit="count",
        polarity="higher_better",
        target={"increase_on": "year_earlier", "by": 800, "tolerance": 100},
    )
    base = ("K1", "2021-Q1", "5,000")
    got = {
        v: _rate([item], [base, ("K1", "2022-Q1", v)]).item("K1") for v in ("5800", "5750", "5699")
    }
    assert [got[v].status for v in ("5800", "5750", "5699")] == [
        Status.GREEN,
        Status.AMBER,
        Status.RED,
    ]
    assert (got["5800"].target_display, got["5800"].target_rule) == (
        "5,800 (5,700)",
        "an additional 800 on a year earlier (5,000)",
    )
    alone = _rate([item], [("K1", "2022-Q1", "5800")]).item("K1")
    assert (alone.status, alone.reason, alone.target_rule) == (
        Status.NOT_AVAILABLE,
        "no figure for a year earlier to add 800 to",
        "an additional 800 on a year earlier",
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (  # "no more than 2 points below England": 32.3 - 2 = 30.3
            {"polarity": "higher_better", "target": {"relative_to": "england", "by": -2}},
            "2 percentage points below England 2021/22 (32.3%)",
        ),
        (  # "below the England average" (strict, lower is better)
            {"polarity": "lower_better", "strict": True, "target": {"relative_to": "england"}},
            "below England 2021/22 (32.3%)",
        ),
        (  # a fall of 1.5 points on the previous quarter's 40%
            {
                "polarity": "lower_better",
                "target": {"increase_on": "previous_period", "by": -1.5},
            },
            "1.5 percentage points less than the period before (40%)",
        ),
    ],
)
def test_a_moving_target_is_said_in_words(fields, words):
    """The words name the comparator or earlier figure the target is set from, with its value;
    a difference in a percentage is in percentage points."""
    item = _item(comparators=[ENGLAND], **fields)
    readings = [("K1", "2021-Q4", "40"), ("K1", "2022-Q1", "31")]
    rated = _rate([item], readings, published={"K1": {"england": 32.3}}).item("K1")
    assert rated.target_rule == words


def test_own_year_earlier_comparator_is_the_items_own_figure():
    item = _item(
        polarity="information",
        comparators=[
            {"id": "own_year_earlier", "label": "Our figure", "year": "Q1 2021/22", "basis": "own"}
        ],
    )
    rated = _rate([item], [("K1", "2021-Q1", "18.25"), ("K1", "2022-Q1", "20")]).item("K1")
    assert [(c.id, c.value, c.display) for c in rated.comparators] == [
        ("own_year_earlier", 18.3, "18.3%")
    ]


CLA = {
    "id": "L1",
    "title": "Children looked after",
    "measure": "cla_count",
    "unit": "count",
    "polarity": "information",
}


def test_derived_items_by_name_and_operation():
    """Children looked after excluding UASC: 412 - 38 = 374 (a difference). UASC as a
    percentage of CLA: 38 / 412 x 100 = 9.22..., published 9.2%. The operand cla_count is also
    item L1's measure: it is read once, never as a second value for L1."""
    excluding = {
        "id": "L2",
        "title": "CLA excluding UASC",
        "unit": "count",
        "polarity": "information",
        "derived": {"operation": "difference", "of": ["cla_count", "cla_uasc_count"]},
    }
    share = excluding | {
        "id": "L3",
        "title": "UASC share",
        "unit": "percent",
        "polarity": "lower_better",
        "target": 10,
        "derived": {"operation": "percentage", "of": ["cla_uasc_count", "cla_count"]},
    }
    total = excluding | {
        "id": "L4",
        "derived": {"operation": "sum", "of": ["L1", "cla_uasc_count", "cla_uasc_count"]},
    }
    result = _rate(
        [CLA, excluding, share, total],
        [("cla_count", "2022-Q1", "412"), ("cla_uasc_count", "2022-Q1", "38")],
    )
    assert result.item("L1").value == 412
    assert (result.item("L2").value, result.item("L2").status) == (374, Status.INFORMATION)
    l3 = result.item("L3")
    assert (l3.value, l3.display, l3.status, l3.numerator, l3.denominator) == (
        9.2,
        "9.2%",
        Status.GREEN,
        38,
        412,
    )
    assert result.item("L4").value == 412 + 38 + 38
    assert result.unmatched_measures == []


def test_a_derived_item_says_which_operand_is_missing_or_zero():
    ratio = {
        "id": "R1",
        "title": "Ratio",
        "unit": "ratio",
        "polarity": "information",
        "derived": {"operation": "ratio", "of": ["a_count", "b_count"]},
    }
    missing = _rate([ratio], [("a_count", "2022-Q1", "5")]).item("R1")
    assert (missing.status, missing.reason) == (
        Status.NOT_AVAILABLE,
        "derived from b_count: no value for 2022-Q1",
    )
    zero = _rate([ratio], [("a_count", "2022-Q1", "5"), ("b_count", "2022-Q1", "0")]).item("R1")
    assert zero.reason == "cannot divide by b_count, which is 0"
    suppressed = _rate([ratio], [("a_count", "2022-Q1", "5"), ("b_count", "2022-Q1", "c")])
    assert suppressed.item("R1").reason == "derived from b_count: suppressed (c)"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"polarity": "higher_better", "target": {"relative_to": "england"}},
            "relative_to 'england' is not one of the item's comparators (none given)",
        ),
        (
            {
                "polarity": "higher_better",
                "target": {"relative_to": "england"},
                "tolerance": 5,
                "comparators": [ENGLAND],
            },
            "a relative or incremental target gives its tolerance inside target",
        ),
        (
            {
                "polarity": "higher_better",
                "target": {"relative_to": "england", "within": 2},
                "comparators": [ENGLAND],
            },
            "a target with 'within' needs polarity within_band",
        ),
        (
            {
                "polarity": "information",
                "comparators": [
                    {"id": "barnsley", "label": "Barnsley", "year": "2021/22", "basis": "published"}
                ],
            },
            "comparator barnsley needs a value",
        ),
        (
            {
                "polarity": "information",
                "comparators": [{"id": "england", "label": "England", "value": 3}],
            },
            "comparators[0] (england).year: required, but not given",
        ),
        (
            {
                "polarity": "information",
                "measure": "cla_count",
                "derived": {"operation": "sum", "of": ["a", "b"]},
            },
            "give measure or derived, not both",
        ),
        (
            {
                "polarity": "information",
                "derived": {"operation": "difference", "of": ["a", "b", "c"]},
            },
            "difference takes exactly two ids, got 3",
        ),
        (
            {"polarity": "information", "derived": {"operation": "total", "of": ["a", "b"]}},
            "derived.operation: must be one of sum, difference, ratio or percentage, got 'total'",
        ),
        (
            {"polarity": "within_band", "target": {"low": 1, "high": 2}, "strict": True},
            "strict applies to higher_better and lower_better targets only",
        ),
    ],
)
def test_framework_refuses_what_it_cannot_rate(fields, message):
    with pytest.raises(FrameworkError) as refused:
        _framework(_item(**fields))
    assert message in str(refused.value)


def test_derived_operands_are_checked_against_the_catalogue():
    from csc_scorecard.rating.checks import check_framework

    item = {
        "id": "L2",
        "title": "CLA excluding UASC",
        "unit": "count",
        "polarity": "information",
        "derived": {"operation": "difference", "of": ["cla_count", "cla_uasc_cout"]},
    }
    check = check_framework(_framework(item), {"cla_count": "count", "cla_uasc_count": "count"})
    assert check.errors == [
        (
            "L2.derived.of: 'cla_uasc_cout' is neither a catalogue measure nor an item id; "
            "did you mean 'cla_uasc_count'?"
        )
    ]


def test_a_published_comparator_beside_a_short_window_measure_is_warned_about():
    """Issue 18: DfE's published figures are for a year; a quarter's re-referral rate carries
    none, so an item asking for them is told to name the rolling 12-month variant. A fixed
    comparator the council printed, and the 12-month variant itself, are not warned about."""
    from csc_scorecard.rating.checks import check_framework

    england = {"id": "england", "label": "England", "year": "2021/22", "basis": "DfE"}
    units = {
        "rereferrals_within_12_months": "percent",
        "rereferrals_within_12_months_rolling_12_months": "percent",
    }
    quarter = _item(
        id="D03",
        measure="rereferrals_within_12_months",
        polarity="information",
        comparators=[england, {**england, "id": "barnsley", "label": "Barnsley", "value": 18.2}],
    )
    year = _item(
        id="D04",
        measure="rereferrals_within_12_months_rolling_12_months",
        polarity="information",
        comparators=[england],
    )
    printed = _item(
        id="P01",
        measure="rereferrals_within_12_months",
        polarity="information",
        comparator=21.8,
        comparator_label="Statistical neighbours, March 2021",
    )
    check = check_framework(_framework(quarter, year, printed), units)
    assert check.errors == []
    assert check.warnings == [
        (
            "D03.comparators: england is DfE's published figure for a year, but "
            "rereferrals_within_12_months is counted over a shorter window and carries none; "
            "name rereferrals_within_12_months_rolling_12_months (the 12 months to the "
            "period's end) to compare on DfE's footing"
        )
    ]
