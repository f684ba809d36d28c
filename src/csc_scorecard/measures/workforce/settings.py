"""Workforce settings (thresholds, role weights, spans, supervision) as one strict model.

The defaults live in `settings.yaml` next to this module; an authority's own file overrides any
part of them (`load_settings(path)`: nested keys are merged, unknown keys refused). Roles are
checked against the `worker_role` code list, so a misspelt role fails loudly instead of
silently weighing nothing.

>>> s = default_settings()
>>> s.caseloads.thresholds, s.spans.standard_cases, s.supervision.standard_days
([16, 20, 25], 100, 30)
>>> s.weighted.weight("advanced_practitioner"), s.weighted.weight("team_manager", holds_cases=True)
(0.5, 1.0)
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from csc_scorecard.model.codes import codes
from csc_scorecard.model.packaged import parse_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_role(role: str) -> str:
    if role not in codes("worker_role"):
        raise ValueError(
            f"unknown role {role!r}; roles are the worker_role codes {sorted(codes('worker_role'))}"
        )
    return role


Role = Annotated[str, AfterValidator(_known_role)]


class CaseloadSettings(_Strict):
    thresholds: list[int] = Field(min_length=1)
    front_line_only: bool = True
    qualified_only: bool = False

    @field_validator("thresholds")
    @classmethod
    def _ascending(cls, v: list[int]) -> list[int]:
        if sorted(set(v)) != v or v[0] <= 0:
            raise ValueError("thresholds must be positive and in ascending order, without repeats")
        return v


class WeightedSettings(_Strict):
    role_weights: dict[Role, float]
    case_holding_manager_weight: float = Field(1.0, gt=0)
    asye_weight: float = Field(0.8, gt=0, le=1)
    asye_months: int = Field(12, ge=1)
    long_term_absence_days: int = Field(28, ge=1)
    new_starter_days: int = Field(28, ge=0)
    leaving_within_days: int = Field(28, ge=0)

    @field_validator("role_weights")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        if any(w < 0 for w in v.values()):
            raise ValueError("role weights cannot be negative")
        return v

    def weight(self, role: str, *, holds_cases: bool = False, asye: bool = False) -> float:
        """The share of a full caseload a worker in `role` is expected to carry."""
        w = self.role_weights.get(role, 1.0)
        if w == 0 and holds_cases:
            w = self.case_holding_manager_weight
        return w * (self.asye_weight if asye else 1.0)


class SpanSettings(_Strict):
    standard_cases: int = Field(100, gt=0)
    manager_roles: list[Role] = Field(default_factory=lambda: ["team_manager"], min_length=1)
    front_line_only: bool = True


class SupervisionSettings(_Strict):
    standard_days: int = Field(30, ge=1)
    roles: list[Role] = Field(min_length=1)
    front_line_only: bool = True
    exclude_long_term_absent: bool = True


class RateSettings(_Strict):
    qualified_only: bool = True


class WorkforceSettings(_Strict):
    caseloads: CaseloadSettings
    weighted: WeightedSettings
    spans: SpanSettings
    supervision: SupervisionSettings
    rates: RateSettings = RateSettings()


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "role_weights":
            out[key] = _merge(out[key], value)
        elif key == "role_weights" and isinstance(value, dict):
            out[key] = {**out.get(key, {}), **value}
        else:
            out[key] = value
    return out


def _defaults_dict() -> dict[str, Any]:
    return parse_yaml(resources.files(__package__).joinpath("settings.yaml").read_text())


@cache
def default_settings() -> WorkforceSettings:
    return WorkforceSettings.model_validate(_defaults_dict())


def load_settings(path: str | Path | None = None, **overrides: Any) -> WorkforceSettings:
    """The defaults, with an authority's YAML file (if any) and keyword overrides merged on top.

    >>> load_settings(spans={"standard_cases": 90}).spans.standard_cases
    90
    """
    data = _defaults_dict()
    if path is not None:
        own = yaml.safe_load(Path(path).read_text()) or {}
        if not isinstance(own, dict):
            raise ValueError(f"{path}: expected a mapping of workforce settings")
        data = _merge(data, own)
    if overrides:
        data = _merge(data, overrides)
    return WorkforceSettings.model_validate(data)
