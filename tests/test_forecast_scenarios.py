"""Scenarios are data: the packaged file validates, a strict model refuses what it does not know,
and an authority's own file adds to and overrides the packaged scenarios."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from csc_scorecard.forecast.scenarios import Scenario, load_scenarios, packaged, scenario


def test_packaged_scenarios():
    known = packaged()
    assert {"base", "budget_trajectory", "fee_uplift", "step_down", "high_demand"} <= set(known)
    assert all(s.name == name and s.description for name, s in known.items())
    assert known["base"].price_uplift == 0 and not known["base"].step_downs
    assert known["budget_trajectory"].line("ooa_residential").year_end_placements == "budget"
    assert known["budget_trajectory"].agency.year_end_fte == "budget"
    assert known["fee_uplift"].line("uasc").price_uplift == 0.05
    assert known["high_demand"].projection.entries_factor == 1.2


def test_line_overrides_fall_back_to_the_scenario():
    s = Scenario(name="x", description="x", starts_factor=2.0, price_uplift=0.1,
                 lines={"uasc": {"starts_factor": 0.5}})  # fmt: skip
    assert (s.line("uasc").starts_factor, s.line("uasc").price_uplift) == (0.5, 0.1)
    assert s.line("ooa_residential").starts_factor == 2.0


@pytest.mark.parametrize(
    "body, message",
    [
        ({"description": "x", "inflation": 0.05}, "Extra inputs are not permitted"),
        ({"description": "x", "starts_factor": -1}, "greater than or equal to 0"),
        ({"description": "x", "lines": {"uasc": {"year_end_placements": "half"}}}, "year_end_placements"),
        ({"description": "x", "step_downs": [{"from_line": "a", "to_line": "b"}]}, "exactly one of"),
        ({"description": "x", "step_downs": [{"from_line": "a", "to_line": "a", "placements": 2}]}, "two different lines"),
        ({"description": "x", "history_days": 5}, "greater than or equal to 28"),
    ],
)  # fmt: skip
def test_strict_model_refuses_bad_settings(body, message):
    with pytest.raises(ValidationError, match=message):
        Scenario.model_validate({"name": "bad", **body})


def test_authority_file_adds_and_overrides(tmp_path):
    own = tmp_path / "scenarios.yaml"
    own.write_text(
        "base:\n  description: Our base case, with a three per cent fee uplift.\n  price_uplift: 0.03\n"
        "recovery:\n  description: OOA back to thirty by March.\n"
        "  lines: {ooa_residential: {year_end_placements: 30}}\n"
    )
    known = load_scenarios(own)
    assert known["base"].price_uplift == 0.03
    assert known["recovery"].line("ooa_residential").year_end_placements == 30
    assert "step_down" in known
    assert scenario("recovery", own).name == "recovery"
    with pytest.raises(KeyError, match="no scenario 'nope'; known: "):
        scenario("nope")
    own.write_text("- just a list\n")
    with pytest.raises(ValidationError):
        load_scenarios(own)
