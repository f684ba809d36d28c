"""The dashboard's measure page says what each figure counts (issue 18 item 2) and the target
as the report's appendix writes it (issue 12 item 8): the figure's window in words, each
comparator with its heading and its window, and a relative or incremental target in words
beside the target it sets this quarter.

The fixture authority (tests/report_fixtures.py) reports Q1 2022/23 (1 April - 30 June 2022),
with published DfE comparators for the year to 31 March 2022 (2021/22): re-referrals England
21.5%, statistical neighbours 22.4%; assessments within 45 working days England 84.5%,
statistical neighbours 86.1%. The seed's C01 counts assessments over six months against a
printed comparator of 84.8% (statistical neighbours, March 2021); the 12-month variant has no
framework item, so its page shows DfE's published figures.
"""

from __future__ import annotations

import html
import re

import pytest
import report_fixtures as rf
import yaml
from web_fixtures import add_users, client_for, copy_store, dashboard

from csc_scorecard.model.periods import Quarter
from csc_scorecard.web.app import create_app
from csc_scorecard.web.data import Config
from csc_scorecard.web.state import state_path

P = rf.PERIOD
SN_NOTE = (
    "average of the statistical neighbours' published figures (DfE, neighbours model "
    "2021-04), year to 31 March 2022"
)


def facts(page: str) -> dict[str, str]:
    """The page's facts list as {term: definition text}, tags and spaces collapsed."""
    block = re.search(r'<dl class="facts">(.*?)</dl>', page, re.DOTALL).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", block, re.DOTALL)

    def text(s: str) -> str:
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " | ", s)).split()).strip(" |")

    return {text(dt): text(dd) for dt, dd in pairs}


@pytest.fixture(scope="module")
def viewer():
    return client_for(dashboard()[0], "viewer")


def test_a_framework_item_shows_its_window_target_and_printed_comparator(viewer):
    page = viewer.get(f"/measures/assessments_within_45_working_days?period={P}")
    assert page.status_code == 200
    got = facts(page.text)
    assert got["Counted over"] == "6 months to 30 June 2022"
    assert got["Target (tolerance)"] == "90% (75%)"
    # The seed's printed comparator, as printed; no DfE figure for a year beside six months.
    assert got["Statistical neighbours, March 2021"] == "84.8%"
    assert not any(k.startswith("England") for k in got)


def test_the_12_month_variant_shows_dfes_figures_each_with_its_window(viewer):
    page = viewer.get(f"/measures/assessments_within_45_working_days_rolling_12_months?period={P}")
    assert page.status_code == 200
    got = facts(page.text)
    assert got["Counted over"] == "year to 30 June 2022"
    assert got["Statistical neighbours 2021/22"] == f"86.1% | {SN_NOTE}"
    assert got["England 2021/22"] == "84.5% | DfE published figure, year to 31 March 2022"
    assert "Target (tolerance)" not in got  # no framework item, so not rated


def test_the_quarters_rereferral_rate_has_no_annual_comparator(viewer):
    """The seed's P01 is the quarter's rate with the framework's printed comparator; DfE's
    figures for the year are on the 12-month variant's page only."""
    quarter = facts(viewer.get(f"/measures/rereferrals_within_12_months?period={P}").text)
    assert quarter["Counted over"] == "3 months to 30 June 2022"
    assert quarter["Statistical neighbours, March 2021"] == "21.8%"
    assert not any(k.startswith(("England", "Statistical neighbours 20")) for k in quarter)
    page = viewer.get(f"/measures/rereferrals_within_12_months_rolling_12_months?period={P}")
    year = facts(page.text)
    assert year["Counted over"] == "year to 30 June 2022"
    assert year["Statistical neighbours 2021/22"] == f"22.4% | {SN_NOTE}"
    assert year["England 2021/22"] == "21.5% | DfE published figure, year to 31 March 2022"


MOVING = {
    "name": "Moving targets",
    "authority": "Fixture authority",
    "groups": [
        {
            "id": "g",
            "title": "Front door",
            "items": [
                {
                    "id": "K1",
                    "title": "Re-referrals, a point below the neighbours",
                    "measure": "rereferrals_within_12_months_rolling_12_months",
                    "unit": "percent",
                    "polarity": "lower_better",
                    "target": {"relative_to": "statistical_neighbours", "by": -1, "tolerance": 2},
                    "comparators": [
                        {
                            "id": "statistical_neighbours",
                            "label": "Statistical neighbours",
                            "year": "latest published",
                            "basis": "DfE",
                        }
                    ],
                },
                {
                    "id": "K2",
                    "title": "Referrals, 50 more than a year earlier",
                    "measure": "referrals",
                    "unit": "count",
                    "polarity": "higher_better",
                    "target": {"increase_on": "year_earlier", "by": 50, "tolerance": 10},
                },
            ],
        }
    ],
}


@pytest.fixture(scope="module")
def moving(tmp_path_factory):
    framework = tmp_path_factory.mktemp("framework") / "moving.yaml"
    framework.write_text(yaml.safe_dump(MOVING, sort_keys=False), encoding="utf-8")
    store = copy_store()
    config = Config(store=store, state=state_path(store), framework=framework, background=False)
    app = create_app(config)
    app.state.web.data.use_run(Quarter.parse(P), rf.measure_run())
    add_users(app, None)
    return app


def test_relative_and_incremental_targets_in_the_appendixs_words(moving):
    """K1: statistical neighbours 22.4% less 1 point = a target of 21.4%, amber to 23.4%.
    K2: a year earlier's referrals (Q1 2021/22) plus 50, amber 10 short of it."""
    viewer = client_for(moving, "viewer")
    got = facts(
        viewer.get(f"/measures/rereferrals_within_12_months_rolling_12_months?period={P}").text
    )
    assert got["Target (tolerance)"] == (
        "21.4% (23.4%) | 1 percentage point below Statistical neighbours 2021/22 (22.4%)"
    )
    assert got["Counted over"] == "year to 30 June 2022"
    # The framework's comparator: its own basis, the published value's year and window.
    assert got["Statistical neighbours 2021/22"] == "22.4% | DfE, year to 31 March 2022"

    context = moving.state.web.data.context(Quarter.parse(P), False)
    before = context.figures[f"referrals:{Quarter.parse(P).same_quarter_last_year()}"]
    target = before.value + 50
    got = facts(viewer.get(f"/measures/referrals?period={P}").text)
    assert got["Target (tolerance)"] == (
        f"{target:,.0f} ({target - 10:,.0f}) | an additional 50 on a year earlier "
        f"({before.value:,.0f})"
    )
    assert got["Counted over"] == "3 months to 30 June 2022"
    # The same words as the appendix row the report prints.
    (row,) = [r for g in context.appendix for r in g.rows if r.item == "K2"]
    assert got["Target (tolerance)"] == f"{row.target} | {row.target_words}"
