"""Issue 12, item 7: monthly, year-to-date, rolling-12-month and whole-year periods, beside the
quarter (model/periods.py ``Span``, ``parse_period``)."""

from __future__ import annotations

import json
from datetime import date

import pytest
import report_fixtures as rf
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.measures.run import run_measures
from csc_scorecard.model.periods import Quarter, Span, parse_period, parse_periods
from csc_scorecard.store import Store


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "previous", "year_earlier"),
    [
        ("2022-06", date(2022, 6, 1), date(2022, 6, 30), "June 2022", "2022-05", "2021-06"),
        ("2022-01", date(2022, 1, 1), date(2022, 1, 31), "January 2022", "2021-12", "2021-01"),
        (
            "2022-06-YTD",
            date(2022, 4, 1),
            date(2022, 6, 30),
            "April-June 2022 (year to date)",
            "2022-05-YTD",
            "2021-06-YTD",
        ),
        (
            "2023-02-R12",
            date(2022, 3, 1),
            date(2023, 2, 28),
            "12 months to February 2023",
            "2023-01-R12",
            "2022-02-R12",
        ),
        ("2022/23", date(2022, 4, 1), date(2023, 3, 31), "2022/23", "2021/22", "2021/22"),
        (
            "AY2021/22",
            date(2021, 9, 1),
            date(2022, 8, 31),
            "academic year 2021/22",
            "AY2020/21",
            "AY2020/21",
        ),
    ],
)
def test_each_kind_of_period(text, start, end, label, previous, year_earlier):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert (str(period.previous()), str(period.same_quarter_last_year())) == (
        previous,
        year_earlier,
    )
    assert str(parse_period(str(period))) == text


def test_quarters_are_unchanged_and_ranges_work_for_months():
    assert parse_period("2022-Q1") == Quarter(2022, 1)
    assert [str(p) for p in parse_periods("2022-11:2023-02")] == [
        "2022-11",
        "2022-12",
        "2023-01",
        "2023-02",
    ]
    for bad, message in [
        ("2022-13", "month 13 is not 01-12"),
        ("2022/24", "24 does not follow 2022"),
        ("June 2022", "is not a quarter (2022-Q1 = April-June 2022), a month (2022-06)"),
        ("2022-06:2022-Q2", "mixes two kinds of period"),
        ("2022-06:2022-04", "ends before it starts"),
    ]:
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
            parse_periods(bad)


def test_windows_follow_the_measures_period_type():
    june = Span.parse("2022-06")
    assert june.window("in_quarter") == (date(2022, 6, 1), date(2022, 6, 30))
    assert june.window("rolling_12_months") == (date(2021, 7, 1), date(2022, 6, 30))
    assert june.window("year_to_date") == (date(2022, 4, 1), date(2022, 6, 30))
    assert june.window("as_at_period_end") == (date(2022, 6, 30), date(2022, 6, 30))
    assert june.year == 2022 and Span.parse("2023-02").year == 2022


def test_three_months_of_referrals_add_up_to_the_quarter():
    """Referrals are counted in the period: April + May + June 2022 is Q1 2022/23 exactly, and
    each month's numerator is its value (a count)."""
    with Store(rf.store_path(), read_only=True) as store:
        months = run_measures(
            store, rf.LA, parse_periods("2022-04:2022-06"), measures=["referrals"]
        )
        quarter = run_measures(store, rf.LA, [Quarter(2022, 1)], measures=["referrals"])
    by_month = [months.value("referrals", m)["value"] for m in ("2022-04", "2022-05", "2022-06")]
    assert all(v > 0 for v in by_month)
    assert sum(by_month) == quarter.value("referrals", "2022-Q1")["value"]
    # The year earlier and the month before are computed for direction of travel.
    assert months.value("referrals", "2021-06") is not None
    assert months.value("referrals", "2022-03") is not None


def test_rate_a_month(tmp_path):
    values = tmp_path / "values.csv"
    values.write_text("measure,period,value\nC01,2022-06,91%\nC01,2022-05,88%\nC01,2021-06,80%\n")
    result = CliRunner().invoke(
        app,
        ["rate", "--framework", str(rf.FRAMEWORK), "--values", str(values)]
        + ["--period", "2022-06", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["period"], data["period_label"], data["previous_period"]) == (
        "2022-06",
        "June 2022",
        "2022-05",
    )
    c01 = data["groups"][0]["items"][0]
    assert (
        c01["status"],
        c01["vs_previous"]["direction"],
        c01["vs_year_earlier"]["direction"],
    ) == (
        "green",
        "improving",
        "improving",
    )
