"""Forecast scenarios: assumptions as data, validated by one strict model (design.md, "Facts as
data"; `scenarios.yaml` documents every field).

A scenario changes rates and prices, never the arithmetic: the care-ladder forecast and the
placement projection read the scenario they are given and stamp its name on every figure.

>>> s = scenario("step_down")
>>> s.name, s.step_downs[0].from_line, s.step_downs[0].share
('step_down', 'ooa_residential', 0.1)
>>> scenario("base").line("uasc").starts_factor
1.0
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from csc_scorecard.errors import NotFound
from csc_scorecard.model.packaged import parse_yaml

Budget = Literal["budget"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineAssumption(_Strict):
    """Overrides for one care-ladder line."""

    year_end_placements: float | Budget | None = Field(
        None, description="placements expected at 31 March (a number, or 'budget')"
    )
    starts_factor: float | None = Field(None, ge=0)
    ends_factor: float | None = Field(None, ge=0)
    price_uplift: float | None = Field(None, gt=-1)

    @model_validator(mode="after")
    def _non_negative(self) -> LineAssumption:
        if isinstance(self.year_end_placements, float) and self.year_end_placements < 0:
            raise ValueError("year_end_placements must not be negative")
        return self


class StepDown(_Strict):
    """Placements moved from one line to another, evenly over the coming months."""

    from_line: str
    to_line: str
    placements: float | None = Field(None, gt=0, description="how many placements move")
    share: float | None = Field(
        None, gt=0, le=1, description="or this share of the line's current placements"
    )
    within_months: int | None = Field(
        None, ge=1, le=24, description="months after the as-at date (default: by 31 March)"
    )

    @model_validator(mode="after")
    def _one_size(self) -> StepDown:
        if (self.placements is None) == (self.share is None):
            raise ValueError("a step-down gives exactly one of `placements` and `share`")
        if self.from_line == self.to_line:
            raise ValueError("a step-down moves placements between two different lines")
        return self


class AgencyAssumption(_Strict):
    year_end_fte: float | Budget | None = Field(
        None,
        description="agency FTE reached by March, linearly from the latest month ('budget': the budgeted level)",
    )
    rate_uplift: float = Field(
        0.0, gt=-1, description="rise in the cost per agency FTE from next month"
    )

    @model_validator(mode="after")
    def _non_negative(self) -> AgencyAssumption:
        if isinstance(self.year_end_fte, float) and self.year_end_fte < 0:
            raise ValueError("year_end_fte must not be negative")
        return self


class ProjectionAssumption(_Strict):
    entries_factor: float = Field(
        1.0, ge=0, description="multiplies the fitted rates of entry to care"
    )
    exits_factor: float = Field(
        1.0, ge=0, description="multiplies the fitted rates of leaving care"
    )


class Scenario(_Strict):
    name: str = Field(description="the key it is filed under")
    description: str
    price_uplift: float = Field(0.0, gt=-1)
    starts_factor: float = Field(1.0, ge=0)
    ends_factor: float = Field(1.0, ge=0)
    lines: dict[str, LineAssumption] = {}
    step_downs: list[StepDown] = []
    agency: AgencyAssumption = AgencyAssumption()
    projection: ProjectionAssumption = ProjectionAssumption()
    history_days: int = Field(365, ge=28, le=1096)

    def line(self, line: str) -> ResolvedLine:
        """The assumptions for one line: its overrides over the scenario-wide values."""
        own = self.lines.get(line, LineAssumption())
        return ResolvedLine(
            year_end_placements=own.year_end_placements,
            starts_factor=self.starts_factor if own.starts_factor is None else own.starts_factor,
            ends_factor=self.ends_factor if own.ends_factor is None else own.ends_factor,
            price_uplift=self.price_uplift if own.price_uplift is None else own.price_uplift,
        )


class ResolvedLine(_Strict):
    year_end_placements: float | Budget | None
    starts_factor: float
    ends_factor: float
    price_uplift: float


_File = TypeAdapter(dict[str, dict[str, Any]])


def _parse(parsed: Any, source: str) -> dict[str, Scenario]:
    """Scenarios from a file's parsed YAML; a malformed file raises pydantic's ValidationError
    naming `source`."""
    data = _File.validate_python(parsed or {}, context={"source": source})
    return {
        str(name): Scenario.model_validate({"name": str(name), **body})
        for name, body in data.items()
    }


@cache
def packaged() -> dict[str, Scenario]:
    """The scenarios shipped with the package (`forecast/scenarios.yaml`)."""
    text = resources.files(__package__).joinpath("scenarios.yaml").read_text()
    return _parse(parse_yaml(text), "scenarios.yaml")


def load_scenarios(path: str | Path | None = None) -> dict[str, Scenario]:
    """The packaged scenarios, with an authority's own file (if given) added over them."""
    out = dict(packaged())
    if path is not None:
        out.update(_parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")), str(path)))
    return out


def scenario(name: str | Scenario = "base", path: str | Path | None = None) -> Scenario:
    """One scenario by name (a `Scenario` passes through unchanged)."""
    if isinstance(name, Scenario):
        return name
    known = load_scenarios(path)
    if name not in known:
        raise NotFound(f"no scenario {name!r}; known: {', '.join(sorted(known))}")
    return known[name]
