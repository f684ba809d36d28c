"""The care ladder's settings (`care_ladder.yaml`): the groups of budget lines the finance
section reports together, the fostering split, the grant-funded lines and the staffing lines."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.model.packaged import parse_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineGroup(_Strict):
    id: str
    name: str
    short: str
    lines: list[str]
    narrative: Literal["numbers_and_costs", "fostering_split", "average_placements", "grant"] = (
        "numbers_and_costs"
    )


class FosteringSplit(_Strict):
    independent: str
    in_house: str


class LadderSettings(_Strict):
    groups: list[LineGroup]
    fostering_split: FosteringSplit | None = None
    grant_funded_lines: list[str] = []
    agency_line: str | None = None
    establishment_line: str | None = None
    top_packages: int = Field(10, ge=0)

    def group_of(self, line: str) -> LineGroup | None:
        return next((g for g in self.groups if line in g.lines), None)


@cache
def settings() -> LadderSettings:
    text = resources.files(__package__).joinpath("care_ladder.yaml").read_text()
    return LadderSettings.model_validate(parse_yaml(text))
