"""Like for like with DfE: a comparator sits only beside a figure on the same footing (issue: no
England annual total beside a quarter's count), from the latest year published on or before the
figure's period (the workforce census at 30 September), and the measures feed and the report take
it from one function."""

from __future__ import annotations

from datetime import date

import pytest

from csc_scorecard.measures.run import MeasureRun
from csc_scorecard.model.periods import Quarter
from csc_scorecard.rating.rated import comparator_columns
from csc_scorecard.reference.comparators import comparator_year, latest_comparators, year_label
from csc_scorecard.reference.load import import_reference


@pytest.fixture(scope="module")
def reference_store(tmp_path_factory):
    from csc_scorecard.store import Store

    with Store(tmp_path_factory.mktemp("footing") / "ref.duckdb") as store:
        import_reference(store)  # the data shipped with the product
        yield store


COUNTS = (
    "referrals",
    "section47_enquiries",
    "section47_children",
    "cp_plans_started",
    "cla_starts",
    "cla_ceases",
    "adoptions",
)


@pytest.mark.parametrize("measure", COUNTS)
def test_counts_get_no_comparator(reference_store, measure):
    assert latest_comparators(reference_store, measure, "371", date(2022, 6, 30)) == {}


def test_a_rate_gets_the_latest_year_published_on_or_before_the_quarter(reference_store):
    june = latest_comparators(reference_store, "referrals_rate_per_10000", "371", date(2022, 6, 30))
    assert june["year"] == 2022 and june["england"] is not None
    # A quarter ending before 31 March 2022 compares with the year to 31 March 2021.
    december = latest_comparators(
        reference_store, "referrals_rate_per_10000", "371", date(2021, 12, 31)
    )
    assert december["year"] == 2021
    assert year_label("referrals_rate_per_10000", 2021) == "2020/21"


def test_workforce_comparators_come_from_the_census_on_or_before_the_quarter():
    # Q1 2022/23 ends 30 June 2022: the latest census then is 30 September 2021, not 2022.
    assert comparator_year("agency_fte_rate", date(2022, 6, 30)) == 2021
    assert comparator_year("agency_fte_rate", date(2022, 9, 30)) == 2022
    assert comparator_year("agency_fte_rate", date(2022, 12, 31)) == 2022
    assert year_label("agency_fte_rate", 2021) == "30 September 2021"


def test_the_measures_feed_puts_no_comparator_beside_a_count(reference_store):
    q = Quarter.parse("2022-Q1")
    rows = [
        {"measure": m, "period": str(q), "dimension": None, "la_code": "371"}
        for m in ("referrals", "referrals_rate_per_10000")
    ]
    columns = comparator_columns(reference_store, MeasureRun(la_code="371", periods=[q], rows=rows))
    assert set(columns[("referrals", "2022-Q1")].values()) == {None}
    rate = columns[("referrals_rate_per_10000", "2022-Q1")]
    assert rate["comparator_year"] == 2022
    assert rate["comparator_england"] == pytest.approx(
        latest_comparators(reference_store, "referrals_rate_per_10000", "371", q.end)["england"]
    )


def test_the_measures_feed_puts_dfes_year_beside_the_12_month_figure_only(reference_store):
    """Issue 18 item 2: the quarter's re-referral rate gets no comparator; its rolling 12-month
    variant gets DfE's year to 31 March 2022, the latest on or before 30 June 2022. DfE's C1
    table for 2021/22: England 139,500 re-referrals of 650,270 referrals = 21.5%; Doncaster
    (371) 245 of 3,521 = 7.0%."""
    q = Quarter.parse("2022-Q1")
    measures = ("rereferrals_within_12_months", "rereferrals_within_12_months_rolling_12_months")
    rows = [{"measure": m, "period": str(q), "dimension": None, "la_code": "371"} for m in measures]
    columns = comparator_columns(reference_store, MeasureRun(la_code="371", periods=[q], rows=rows))
    assert set(columns[(measures[0], "2022-Q1")].values()) == {None}
    year = columns[(measures[1], "2022-Q1")]
    assert (year["comparator_year"], year["comparator_england"]) == (2022, 21.5)
    found = latest_comparators(reference_store, measures[1], "371", q.end)
    assert (found["la"], found["england"]) == (7.0, 21.5)
