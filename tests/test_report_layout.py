"""The report outline: every catalogue measure lands in exactly one place, new groups get a
section of their own, and the outline file is validated strictly."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from csc_scorecard.measures.catalogue import Measure, catalogue
from csc_scorecard.report.layout import Layout, layout, placement
from csc_scorecard.report.run_figures import dimension_label


def _placed_measures(placed) -> list[str]:
    return [m for p in placed for sub in p.subsections for m in (*sub.measures, *sub.breakdowns)]


def test_every_catalogue_measure_is_placed_once():
    placed = placement(layout(), catalogue())
    found = _placed_measures(placed)
    assert sorted(found) == sorted(catalogue()) and len(found) == len(set(found))


def test_listed_measures_stay_where_the_layout_puts_them():
    placed = {p.section.id: p for p in placement(layout(), catalogue())}
    referrals = next(s for s in placed["demand"].subsections if s.id == "referrals")
    assert referrals.measures == [
        "referrals",
        "rereferrals_within_12_months",
        "rereferrals_within_12_months_rolling_12_months",
    ] and referrals.breakdowns == ["referral_sources"]


def test_a_new_group_gets_its_own_section_and_a_new_measure_an_other_table():
    measures = dict(catalogue())
    measures["fostering_households"] = Measure(
        id="fostering_households",
        title="Fostering households",
        unit="count",
        polarity="information",
        period_type="as_at_period_end",
        function="demand.referrals",
        definition="d",
        source="s",
        group="Sufficiency",
    )
    measures["referrals_by_need"] = Measure(
        id="referrals_by_need",
        title="Referrals by need",
        unit="percent",
        polarity="information",
        period_type="in_quarter",
        function="demand.referrals",
        definition="d",
        source="s",
        group="Demand and activity",
        dimension="primary_need",
    )
    placed = placement(layout(), measures)
    ids = [p.section.id for p in placed]
    assert ids.index("sufficiency") == ids.index("other") - 1
    sufficiency = placed[ids.index("sufficiency")]
    assert sufficiency.generated and sufficiency.subsections[0].measures == ["fostering_households"]
    demand = placed[ids.index("demand")]
    other = next(s for s in demand.subsections if s.title == "Other demand and activity measures")
    assert "referrals_by_need" in other.breakdowns and "referrals_by_need" not in other.measures


def test_layout_refuses_a_measure_listed_twice_and_unknown_keys():
    data = layout().model_dump()
    data["sections"][0]["subsections"][1]["measures"].append("referrals")
    with pytest.raises(
        ValidationError, match="referrals is listed in both referrals and assessments"
    ):
        Layout.model_validate(data)
    data = layout().model_dump()
    data["sections"][0]["colour"] = "blue"
    with pytest.raises(ValidationError, match="Extra inputs"):
        Layout.model_validate(data)


def test_dimension_labels():
    assert dimension_label("referral_source", "6") == "Police"
    assert (
        dimension_label("sex", "M") == "Boys"
    )  # the layout's wording, over the code list's "Male"
    assert (
        dimension_label("placement_group", "independent_fostering")
        == "Independent fostering agency (IFA) carers"
    )
    assert dimension_label("category_of_abuse", "XX") == "XX (not a DfE code)"
    assert dimension_label("team", "acps_south_1") == "Acps south 1"
    assert layout().source_name("template:supervisions") == "local data templates"
