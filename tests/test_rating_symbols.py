"""Issue 12, defect 6: the symbols councils and DfE print, and fractions for percentages."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.rating import Status, Unit, make_reading, parse_value, rate_item
from csc_scorecard.rating.framework import parse_framework


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("-", "not available (-)"),
        ("..", "not available (..)"),
        ("x", "not available (x)"),
        ("[x]", "not available (x)"),
        ("z", "not applicable (z)"),
        ("[z]", "not applicable (z)"),
        ("n/a", "not applicable (n/a)"),
        ("N/A", "not applicable (n/a)"),
        ("[c]", "suppressed (c)"),
        ("u", "low reliability (u)"),
    ],
)
def test_availability_symbols_are_not_available_with_their_meaning(text, problem):
    parsed = parse_value(text)
    assert (parsed.value, parsed.bound, parsed.problem) == (None, None, problem)


@pytest.mark.parametrize("text", ["low", "[low]", "LOW"])
def test_low_is_a_bound_below_one_half_never_a_number(text):
    parsed = parse_value(text)
    assert (parsed.value, parsed.qualifier, parsed.bound, parsed.unit_hint) == (
        None,
        "<",
        0.5,
        None,
    )


@pytest.mark.parametrize(
    ("text", "value"), [("90 per cent", 90.0), ("12.5 percent", 12.5), ("7 Per Cent", 7.0)]
)
def test_per_cent_in_words_is_a_percentage(text, value):
    parsed = parse_value(text)
    assert (parsed.value, parsed.unit_hint, parsed.problem) == (value, Unit.PERCENT, None)


ITEM = {
    "id": "C01",
    "title": "Assessments in 45 working days",
    "unit": "percent",
    "polarity": "higher_better",
    "target": 90,
    "tolerance": 75,
}


def _item():
    framework = {
        "name": "F",
        "authority": "A",
        "groups": [{"id": "g", "title": "G", "items": [ITEM]}],
    }
    return parse_framework(framework).groups[0].items[0]


def test_a_fraction_for_a_percentage_is_read_as_written_with_a_warning():
    rating = rate_item(_item(), make_reading("C01", "2022-Q1", "0.9"), "2022-Q1")
    assert (rating.status, rating.value, rating.display) == (Status.RED, 0.9, "0.9%")
    assert rating.warning == "C01 2022-Q1: '0.9' is read as 0.9%; if it is a fraction, write 90%"
    for plain in ("0.9%", "90", "0", "45.5"):
        assert rate_item(_item(), make_reading("C01", "2022-Q1", plain), "2022-Q1").warning is None


def test_rate_prints_the_fraction_warning(tmp_path):
    framework = tmp_path / "f.yaml"
    framework.write_text(
        json.dumps(
            {"name": "F", "authority": "A", "groups": [{"id": "g", "title": "G", "items": [ITEM]}]}
        )
    )
    values = tmp_path / "v.csv"
    values.write_text("measure,period,value\nC01,2022-Q1,0.95\nC01,2021-Q4,-\n")
    result = CliRunner().invoke(
        app,
        ["rate", "--framework", str(framework), "--values", str(values), "--period", "2022-Q1"]
        + ["--format", "json"],
    )
    assert result.exit_code == 0, result.output
    assert (
        "warning: C01 2022-Q1: '0.95' is read as 0.95%; if it is a fraction, write 95%"
        in result.output
    )
    item = json.loads(result.stdout)["groups"][0]["items"][0]
    assert (item["status"], item["value"], item["vs_previous"]["reason"]) == (
        "red",
        1.0,
        "2021-Q4: not available (-)",
    )
