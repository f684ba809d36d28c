"""The measure catalogue: metadata as YAML (`measures/catalogue/*.yaml`), one strict model.

An entry says what a measure is (title, unit, polarity, period type, definition and source,
the fields it depends on) and names the Python function that counts it; the YAML never holds
an expression. Functions live in `measures/functions/<area>.py` and are named in the entry as
`area.function_name`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from csc_scorecard.errors import NotFound
from csc_scorecard.model.codes import codes
from csc_scorecard.model.packaged import parse_yaml
from csc_scorecard.model.periods import PeriodType
from csc_scorecard.model.units import Polarity, Unit

# value = numerator / denominator x scale (count: value = numerator)
SCALE: dict[str, float] = {
    "percent": 100.0,
    "rate_per_10000": 10_000.0,
    "rate_per_100000": 100_000.0,
    "days": 1.0,
    "weeks": 1.0,
    "ratio": 1.0,
}


class Measure(BaseModel):
    # Units and polarities are kept as their plain string values (use_enum_values).
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)
    id: str
    title: str
    unit: Unit
    polarity: Polarity
    period_type: PeriodType
    function: str | None = None  # "area.function" in csc_scorecard.measures.functions
    definition: str  # the exact counting rule, for analysts (docs/measures.md, `explain`)
    source: str  # the developer's citation: return fields, tables, documented choices
    # What committee members read in a report's definitions appendix: plain words, no codes or
    # internal references, and the public title of the DfE (or other) guidance it follows.
    # Every catalogue measure has both (tests/test_catalogue.py); reports never print the two
    # fields above.
    summary: str | None = None
    guidance: str | None = None
    fields: list[str] = Field(default_factory=list)  # "table.column" the measure depends on
    dimension: str | None = None  # name of the breakdown, e.g. "referral_source"
    # The breakdown's categories reported in every period, 0 when none (with a denominator):
    # listed, or every code of a DfE code list named by `dimension_codes` (model/codes). Any
    # other category (a blank recorded as "not recorded") is reported only in the periods that
    # have it, so a period's rows never depend on which other periods are computed with it. A
    # breakdown whose categories no list can name (a council's own, by team) declares none.
    dimension_values: list[str] = Field(default_factory=list)
    dimension_codes: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    population: Literal["0-17", "10-17"] | None = None  # for rates: the population denominator
    annualise: bool = False  # rates over part of a year scaled to a full year (labelled)
    manual: bool = False  # supplied through manual values, not counted from case data
    group: str = ""

    @field_validator("id")
    @classmethod
    def _snake(cls, v: str) -> str:
        if not v.replace("_", "").isalnum() or not v.islower():
            raise ValueError(f"measure id {v!r} must be snake_case")
        return v

    @field_validator("unit")
    @classmethod
    def _counted_unit(cls, v: str) -> str:
        if v != Unit.COUNT and v not in SCALE:
            raise ValueError(f"a catalogue measure's unit is count or one of {', '.join(SCALE)}")
        return v

    @model_validator(mode="before")
    @classmethod
    def _declared_codes(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and data.get("dimension_codes")
            and not data.get("dimension_values")
        ):
            data = {**data, "dimension_values": list(codes(data["dimension_codes"]))}
        return data

    @model_validator(mode="after")
    def _counted_or_manual(self) -> Measure:
        if (self.function is None) != self.manual:
            raise ValueError(f"{self.id}: give a function, or mark it manual (values supplied)")
        return self

    def counter(self) -> Callable[..., Any]:
        if self.function is None:
            raise ValueError(f"{self.id} is a manual measure: its values come from manual_values")
        module, _, name = self.function.rpartition(".")
        mod = importlib.import_module(f"csc_scorecard.measures.functions.{module}")
        return getattr(mod, name)


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    group: str
    description: str = ""
    measures: list[Measure]


@cache
def catalogue() -> dict[str, Measure]:
    """Every measure, in file then entry order."""
    root = resources.files(__package__).joinpath("catalogue")
    out: dict[str, Measure] = {}
    for path in sorted(root.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        body = _File.model_validate(parse_yaml(path.read_text()))
        for m in body.measures:
            if m.id in out:
                raise ValueError(f"measure {m.id} is defined twice")
            out[m.id] = m.model_copy(update={"group": body.group})
    return out


def measure(measure_id: str) -> Measure:
    try:
        return catalogue()[measure_id]
    except KeyError:
        raise NotFound(
            f"no measure {measure_id!r} in the catalogue (see docs/measures.md)"
        ) from None
