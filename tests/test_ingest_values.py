"""Raw cell parsing and the shared field engine: bad values are kept and reported, never fatal."""

from __future__ import annotations

from datetime import date

import pytest

from csc_scorecard.ingest.fields import FieldSpec, TableSpec, convert, missing_fields
from csc_scorecard.ingest.values import BadValue, parse_bool, parse_date, parse_float, parse_int


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("05/04/2022", date(2022, 4, 5)),
        ("5/4/2022", date(2022, 4, 5)),
        (" 2022-04-05 ", date(2022, 4, 5)),
        ("2022-04-05T00:00:00", date(2022, 4, 5)),
        ("2022-04-05 00:00:00", date(2022, 4, 5)),
        (44656, date(2022, 4, 5)),
        ("44656", date(2022, 4, 5)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_every_form_extracts_use(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw, rule",
    [
        ("31/02/2021", "invalid_date"),
        ("01/01/21", "invalid_date"),
        ("01/01/1850", "implausible_date"),
        ("soon", "invalid_date"),
    ],
)
def test_bad_dates_name_their_rule(raw, rule):
    with pytest.raises(BadValue) as err:
        parse_date(raw)
    assert err.value.rule == rule


def test_numbers_and_booleans():
    assert parse_int("1,182") == 1182 and parse_int("3.0") == 3
    assert parse_float("£1,234.50") == 1234.5
    assert (parse_bool("Y"), parse_bool("false"), parse_bool("1")) == (True, False, True)
    with pytest.raises(BadValue):
        parse_int("2.5")
    with pytest.raises(BadValue):
        parse_bool("maybe")


SPEC = TableSpec(
    canonical="cla_episodes",
    columns={
        "CHILD": FieldSpec(to="child_id", required=True),
        "DECOM": FieldSpec(to="decom", type="date", required=True),
        "RNE": FieldSpec(to="rne", codes="worker_role"),  # any list will do for the engine
        "PLACE": FieldSpec(to="place", map={"OLD": "social_worker"}, codes="worker_role"),
    },
)


def test_convert_keeps_rows_and_reports_each_bad_value():
    records = [
        (2, {" child ": "C1", "DECOM": "01/05/2021", "RNE": "team_manager", "PLACE": "OLD"}),
        (3, {"CHILD": "C2", "DECOM": "31/02/2021", "RNE": "XX", "PLACE": ""}),
        (4, {"CHILD": "", "DECOM": "01/05/2021", "RNE": None, "PLACE": None}),
        (5, {"CHILD": "C1", "DECOM": "2021-05-01", "RNE": None, "PLACE": None}),
    ]
    out = convert(records, SPEC, file="episodes.csv")
    assert out.rows.column("child_id").to_pylist() == ["C1", "C2", None, "C1"]
    assert out.rows.column("decom").to_pylist() == [
        date(2021, 5, 1),
        None,
        date(2021, 5, 1),
        date(2021, 5, 1),
    ]
    assert out.rows.column("place").to_pylist() == [
        "social_worker",
        None,
        None,
        None,
    ]  # old code mapped
    assert out.rows.column("rne").to_pylist() == [
        "team_manager",
        "XX",
        None,
        None,
    ]  # unknown code kept
    found = {(i.rule, i.row, i.field, i.value, i.child_id) for i in out.issues}
    assert found == {
        ("invalid_date", 3, "DECOM", "31/02/2021", "C2"),
        ("unknown_code", 3, "RNE", "XX", "C2"),
        ("missing_value", 4, "CHILD", "", None),
        ("duplicate_key", 2, "child_id,decom", "C1|2021-05-01", "C1"),
        ("duplicate_key", 5, "child_id,decom", "C1|2021-05-01", "C1"),
    }


def test_missing_fields_ignores_case_space_and_bom():
    assert missing_fields(["\ufeffchild", " Decom "], SPEC) == []
    assert missing_fields(["CHILD"], SPEC) == ["DECOM"]
