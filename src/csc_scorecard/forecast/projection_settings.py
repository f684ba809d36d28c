"""The placement projection's settings (`projection.yaml`): the placement groups, the age
bands, the fit window and the simulations; and each episode's group."""

from __future__ import annotations

from functools import cache
from importlib import resources
from itertools import pairwise

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from csc_scorecard.model.packaged import parse_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GroupSpec(_Strict):
    id: str
    name: str
    places: list[str]
    providers: list[str] | None = None


class OtherGroup(_Strict):
    id: str
    name: str


class ProjectionSettings(_Strict):
    groups: list[GroupSpec]
    other: OtherGroup
    age_bands: list[float] = Field(min_length=1)
    leaving_age: float = 18
    short_breaks: list[str] = []
    fit_days: int = Field(365, ge=28)
    prior_days: float = Field(180, ge=0)
    simulations: int = Field(200, ge=1)
    interval: float = Field(0.8, gt=0, lt=1)
    variability_quarters: int = Field(12, ge=0, le=40)

    @property
    def group_ids(self) -> list[str]:
        return [g.id for g in self.groups] + [self.other.id]

    @property
    def group_names(self) -> list[str]:
        return [g.name for g in self.groups] + [self.other.name]

    def band_labels(self) -> list[str]:
        """
        >>> projection_settings().band_labels()
        ['under 1', '1-4', '5-9', '10-15', '16-17']
        """
        edges = [*self.age_bands, self.leaving_age]
        out = []
        for lo, hi in pairwise(edges):
            out.append(f"under {hi:g}" if lo == 0 else f"{lo:g}-{hi - 1:g}")
        return out


@cache
def projection_settings() -> ProjectionSettings:
    text = resources.files(__package__).joinpath("projection.yaml").read_text()
    return ProjectionSettings.model_validate(parse_yaml(text))


def group_index(cfg: ProjectionSettings, place: np.ndarray, provider: np.ndarray) -> np.ndarray:
    """Index into `cfg.group_ids` of each episode's placement group (the first group matching)."""
    out = np.full(len(place), len(cfg.groups), dtype=np.int64)
    undecided = np.ones(len(place), dtype=bool)
    for i, g in enumerate(cfg.groups):
        hit = undecided & np.isin(place, g.places)
        if g.providers is not None:
            hit &= np.isin(provider, g.providers)
        out[hit] = i
        undecided &= ~hit
    return out
