"""Reading values as printed, and the values CSV format."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csc_scorecard.rating import (
    Status,
    Unit,
    ValuesFileError,
    format_value,
    make_reading,
    parse_value,
    read_values,
)

EXAMPLE = Path(__file__).parents[1] / "examples" / "doncaster-2022" / "values.csv"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("90%", 90.0, Unit.PERCENT),
        ("16.27%", 16.27, Unit.PERCENT),
        ("90 %", 90.0, Unit.PERCENT),
        ("1,182", 1182.0, None),
        ("463", 463.0, None),
        ("124 per 100,000 of 10-17 year olds", 124.0, Unit.RATE_PER_100000),
        ("52 per 10,000 children", 52.0, Unit.RATE_PER_10000),
        ("45 working days", 45.0, Unit.DAYS),
        ("26 weeks", 26.0, Unit.WEEKS),
        ("£1,234.50", 1234.5, Unit.GBP),
        ("-2.5", -2.5, None),
        (62.7, 62.7, None),
    ],
)
def test_numbers_as_printed(text, value, unit):
    parsed = parse_value(text)
    assert (parsed.value, parsed.unit_hint, parsed.problem, parsed.qualifier) == (
        value,
        unit,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("text", "qualifier", "bound", "unit"),
    [
        ("<1%", "<", 1.0, Unit.PERCENT),  # P09 in Q4
        ("≤ 2%", "<", 2.0, Unit.PERCENT),
        (">95%", ">", 95.0, Unit.PERCENT),
        (">= 10", ">", 10.0, None),
        ("k", "<", 0.5, Unit.PERCENT),  # DfE: rounds to 0% but is not zero
    ],
)
def test_bounds_are_kept_as_bounds_not_invented_values(text, qualifier, bound, unit):
    parsed = parse_value(text)
    assert (parsed.value, parsed.qualifier, parsed.bound, parsed.unit_hint) == (
        None,
        qualifier,
        bound,
        unit,
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no value"),
        (None, "no value"),
        ("4 children", "'4 children' is not a number"),  # P13 in Q4
        ("1 child", "'1 child' is not a number"),  # P13 in Q1
        ("n/a", "not applicable (n/a)"),
        ("90% (75%)", "'90% (75%)' is not a number"),
        ("£5 per week", "'£5 per week' is not a number"),
        ("c", "suppressed (c)"),
        ("x", "not available (x)"),
    ],
)
def test_text_that_is_not_a_number_is_not_available(text, problem):
    assert parse_value(text).value is None
    assert parse_value(text).problem == problem


@given(
    st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
    st.sampled_from(list(Unit)),
)
def test_formatted_values_read_back(number, unit):
    parsed = parse_value(format_value(float(number), unit))
    assert parsed.value == float(number)
    assert parsed.unit_hint in (unit, None)


def test_seed_values_file():
    readings = read_values(EXAMPLE)
    assert len(readings) == 72  # 36 appendix rows, Q4 and Q1
    by_key = {(r.measure, r.period): r for r in readings}
    assert by_key[("C01", "2022-Q1")].value == 90.0
    assert by_key[("C01", "2022-Q1")].commentary.startswith("This is above national")
    assert by_key[("P13", "2021-Q4")].raw == "4 children"
    assert by_key[("P09", "2021-Q4")].bound == 1.0
    assert by_key[("P24", "2021-Q4")].unit_hint is Unit.RATE_PER_100000
    assert by_key[("C05", "2022-Q1")].status is Status.NOT_REPORTABLE
    assert {r.measure for r in readings if r.status} == {"C05", "P02", "P03", "P08"}
    assert by_key[("C03", "2022-Q1")].raw == "" and by_key[("C03", "2022-Q1")].row == 39


def _write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "values.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_optional_columns_bom_multiline_commentary_and_blank_rows(tmp_path):
    path = _write(
        tmp_path,
        "\ufeffMeasure,Period,Value,Numerator,Denominator,Commentary\n"
        'C10,2022-q1,58%,53,92,"92 audits,\n53 good or better"\n,,,,,\n'
        "P13,2022-Q1,1 child,1,21,\n",
    )
    audits, adopted = read_values(path)
    assert (audits.period, audits.value, audits.numerator, audits.denominator) == (
        "2022-Q1",
        58.0,
        53.0,
        92.0,
    )
    assert audits.commentary == "92 audits,\n53 good or better"
    assert (adopted.row, adopted.value, adopted.problem) == (4, None, "'1 child' is not a number")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("measure,value\n", r"row 1: missing column\(s\) period"),
        ("measure,period,value,comentary\n", r"row 1: unknown column\(s\) comentary"),
        ("measure,period,value,value\n", r"row 1: repeated column\(s\) value"),
        (
            "measure,period,value\nC01,Q1 2022,90%\n",
            r"row 2, field period: period 'Q1 2022' is not",
        ),
        (
            "measure,period,value,numerator\nC01,2022-Q1,90%,ninety\n",
            r"row 2, field numerator: 'ninety' is not a number",
        ),
        ("measure,period,value,status\nC01,2022-Q1,90%,dubious\n", r"row 2, field status: status"),
        ("measure,period,value\n,2022-Q1,90%\n", r"row 2, field measure: blank"),
        ("measure,period,value\nC01,2022-Q1,90%,extra\n", r"row 2: 4 cells, header has 3"),
        (
            "measure,period,value\nC01,2022-Q1,90%\nC01,2022-Q1,91%\n",
            r"rows 2 and 3 both give C01 for 2022-Q1",
        ),
        ("", r"empty file"),
    ],
)
def test_unreadable_files_are_refused_naming_row_and_field(tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(ValuesFileError, match=message) as error:
        read_values(path)
    assert str(path) in str(error.value)


def test_wrong_encoding_is_refused(tmp_path):
    path = _write(
        tmp_path, "measure,period,value,commentary\nC01,2022-Q1,90%,café\n", encoding="cp1252"
    )
    with pytest.raises(ValuesFileError, match="cannot read values file"):
        read_values(path)


def test_make_reading_accepts_computed_values_and_statuses():
    reading = make_reading(
        "assessments_within_45_working_days",
        "2022-Q1",
        89.96,
        numerator=1040,
        denominator=1156,
        status="Not reportable",
    )
    assert (reading.value, reading.raw, reading.status) == (89.96, "89.96", Status.NOT_REPORTABLE)
