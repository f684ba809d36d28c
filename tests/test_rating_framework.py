"""The framework file: the shipped seed appendix, and the strict model refusing bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from csc_scorecard.rating import Band, FrameworkError, Polarity, Unit, load_framework
from csc_scorecard.rating.framework import parse_framework

EXAMPLE = Path(__file__).parents[1] / "examples" / "doncaster-2022" / "framework.yaml"


@pytest.fixture(scope="module")
def seed():
    return load_framework(EXAMPLE)


def test_seed_framework_has_every_appendix_row_in_order(seed):
    contract, partnership = seed.groups
    assert (contract.title, partnership.title) == (
        "Contract Key Performance Indicators",
        "Partnership Performance Measures",
    )
    assert [i.id for i in contract.items] == [f"C{n:02d}" for n in range(1, 12)]
    # The appendix prints 25 partnership rows, as paragraph 11 counts (the last is re-offending).
    assert [i.id for i in partnership.items] == [f"P{n:02d}" for n in range(1, 26)]
    assert seed.la_code == "371" and seed.small_number_threshold == 10


@pytest.mark.parametrize(
    ("item_id", "unit", "polarity", "target", "tolerance", "comparator"),
    [
        ("C01", Unit.PERCENT, Polarity.HIGHER_BETTER, 90, 75, 84.8),  # "90% (75%)", comp 84.8%
        ("C06", Unit.PERCENT, Polarity.LOWER_BETTER, 9, 15, 8),  # "9% (15%)", "lower the better"
        ("C09", Unit.PERCENT, Polarity.HIGHER_BETTER, 60, None, None),  # "60%"
        ("C11", Unit.PERCENT, Polarity.HIGHER_BETTER, 90, None, None),
        ("P01", Unit.PERCENT, Polarity.LOWER_BETTER, 22, 28, 21.8),
        ("P03", Unit.DAYS, Polarity.LOWER_BETTER, 140, 180, None),  # "140 (180)"
        ("P04", Unit.PERCENT, Polarity.HIGHER_BETTER, 25, 15, None),
        ("P09", Unit.PERCENT, Polarity.LOWER_BETTER, 3, 5, 3.6),
        ("P10", Unit.PERCENT, Polarity.HIGHER_BETTER, 100, 80, None),
        ("P13", Unit.PERCENT, Polarity.HIGHER_BETTER, 19, 14, 14),
        ("P14", Unit.DAYS, Polarity.LOWER_BETTER, 426, 460, 420),  # "426 (460)"
        ("P15", Unit.DAYS, Polarity.LOWER_BETTER, 121, 200, None),  # "121 (200)"
        ("P18", Unit.PERCENT, Polarity.HIGHER_BETTER, 85, 80, 91.4),  # printed "85% (80%"
        ("P22", Unit.PERCENT, Polarity.LOWER_BETTER, 8, 12, 14.2),
        ("P24", Unit.RATE_PER_100000, Polarity.LOWER_BETTER, 194, None, 162),
    ],
)
def test_seed_targets_are_as_printed(seed, item_id, unit, polarity, target, tolerance, comparator):
    item = seed.item(item_id)
    assert (item.unit, item.polarity, item.target, item.tolerance, item.comparator) == (
        unit,
        polarity,
        target,
        tolerance,
        comparator,
    )


def test_seed_items_without_tolerance_and_comparator_labels(seed):
    items = list(seed.all_items())
    assert [i.id for i in items if i.tolerance is None] == [
        "C09",
        "C10",
        "C11",
        "P16",
        "P17",
        "P21",
        "P24",
        "P25",
    ]
    labels = {i.comparator_label for i in items if i.comparator is not None}
    assert labels == {
        "Statistical neighbours, March 2021",
        "Regional Adoption Agency authorities",
        "YJS comparator authority group",
    }
    assert sum(i.comparator is not None for i in items) == 19
    assert seed.item("P13").comparator_label == "Regional Adoption Agency authorities"
    assert all(i.measure for i in items)
    assert len({i.measure for i in items}) == 36


def _minimal(**item):
    base = {
        "id": "K1",
        "title": "A measure",
        "unit": "percent",
        "polarity": "higher_better",
        "target": 90,
        "tolerance": 75,
    }
    return {
        "name": "F",
        "authority": "A",
        "groups": [{"id": "g", "title": "G", "items": [base | item]}],
    }


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"tolerence": 70}, r"groups\[0\] \(g\).items\[0\] \(K1\).tolerence: unknown field"),
        ({"tolerance": 95}, r"\(K1\): higher_better tolerance 95 must not be above the target 90$"),
        (
            {"target": "90%"},
            r"\(K1\).target: expected a number or a band \{low, high\}, got '90%'$",
        ),
        ({"unit": "percentage"}, r"\(K1\).unit: must be one of percent, .* got 'percentage'$"),
        ({"comparator": 84.8}, r"comparator and comparator_label go together"),
        ({"polarity": "within_band"}, r"within_band needs a target band"),
        ({"polarity": "information"}, r"information items have no target"),
        (
            {"measure": "Assessments 45"},
            r"\(K1\).measure: does not have the form \^\[a-z\]\[a-z0-9_\]\*\$, got 'Assessments 45'",
        ),
        ({"decimals": 9}, r"\(K1\).decimals: Input should be less than or equal to 6, got 9$"),
    ],
)
def test_bad_items_are_refused_with_their_place(item, message):
    with pytest.raises(FrameworkError, match=message):
        parse_framework(_minimal(**item))


def test_a_band_target_is_accepted_for_within_band():
    data = _minimal(
        polarity="within_band", target={"low": 10, "high": 20}, tolerance={"low": 5, "high": 25}
    )
    item = parse_framework(data).item("K1")
    assert item.target == Band(low=10, high=20) and item.tolerance == Band(low=5, high=25)


def test_repeated_ids_are_refused():
    data = _minimal()
    data["groups"][0]["items"].append(dict(data["groups"][0]["items"][0]))
    with pytest.raises(FrameworkError, match="item ids must be unique; repeated: K1"):
        parse_framework(data)


def test_file_errors_name_the_file(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(yaml.safe_dump(_minimal(tolerance=95)))
    with pytest.raises(FrameworkError, match=f"^{path}: invalid framework"):
        load_framework(path)
    path.write_text("name: F\nname: G\n")
    with pytest.raises(FrameworkError, match="key 'name' appears twice"):
        load_framework(path)
    with pytest.raises(FrameworkError, match="cannot read framework"):
        load_framework(tmp_path / "missing.yaml")
    path.write_text("- just\n- a list\n")
    with pytest.raises(FrameworkError, match="invalid framework"):
        load_framework(path)
