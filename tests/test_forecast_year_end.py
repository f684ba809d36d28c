"""A forecast made at the financial year's end counts the placements charging its last night.

Finance systems split a placement's cost period at the year end (the new year's rate starts on
1 April), so on 31 March every open placement has a period whose last night is that day and a
next one starting the day after, which is not yet known at 31 March. The demo paper for Q4
2021/22 (month 12) said 'the projection assumes that numbers reduce to 0 at 31 March 2022',
'at 31 March 2022 there are 0' (16+) and 'ending the year at 435 below budget' (fostering).
A placement whose last night is 31 March and that no period follows has ended, as before.
"""

from __future__ import annotations

from datetime import date

import pytest

from csc_scorecard.forecast.care_ladder import forecast_outturn
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.report.sections.finance.figures import Figures
from csc_scorecard.report.sections.finance.group_paragraphs import group_paragraph
from tests.conftest import PLACEMENT_COLUMNS, canonical, canonical_rows

LA = "999"
D = date


def _tables():
    periods = [  # P1 and P2 go on after the year end, their periods split at 31 March; P3 ends
        ("P1", "C1", "ooa_residential", "Oak Homes", D(2021, 3, 1), D(2022, 3, 31), 7000.0),
        ("P1", "C1", "ooa_residential", "Oak Homes", D(2022, 4, 1), None, 7300.0),
        ("P2", "C2", "ooa_residential", "Elm Care", D(2021, 6, 1), D(2022, 3, 31), 5600.0),
        ("P2", "C2", "ooa_residential", "Elm Care", D(2022, 4, 1), None, 5800.0),
        ("P3", "C3", "ooa_residential", "Ash Care", D(2021, 5, 1), D(2022, 3, 31), 6300.0),
    ]
    return {
        "placement_costs": canonical_rows("placement_costs", PLACEMENT_COLUMNS, periods),
        "budget_lines": canonical(
            "budget_lines",
            financial_year=[2021],
            line=["ooa_residential"],
            line_name=["Out of authority residential"],
            budget=[800_000.0],
            budget_placements_start=[3.0],
            budget_placements_end=[3.0],
            budget_unit_cost=[266_000.0],
        ),
    }


@pytest.fixture
def split_store(store):
    store.load([LoadBatch("fixture", LA, None, None, ["fixture"], tables=_tables())])
    return store


def test_placements_charging_the_last_night_are_in_the_year_end_count(split_store):
    out = forecast_outturn(split_store, LA, "2021-Q4")
    (ooa,) = (ln for ln in out.lines if ln.line == "ooa_residential")
    assert (ooa.placements_year_start, ooa.placements_now, ooa.placements_year_end) == (1, 2, 2)
    assert ooa.committed == 0.0  # nothing of the year is left to come
    i, group = next((i, g) for i, g in enumerate(out.groups) if g.id == "ooa")
    text = group_paragraph(out, i, group, Figures("base", publication=False)).text
    assert (
        "The number of OOA placements at 1 April 2021 was 1; the projection assumes that "
        "numbers increase to 2 at 31 March 2022." in text
    )
