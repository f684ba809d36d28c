"""The synthetic local authority: configuration and the generated canonical tables.

`generate(config)` simulates children's journeys (`synth.children`) and then the workforce,
finance and sufficiency data that hang off them (`synth.workforce`, `synth.finance`), then the
casework records the daily lists need: visits, review due dates, the worker and team on each
event (`synth.casework`). The result is plain canonical tables (tables.yaml data columns, no
lineage), which the writers in `synth.writers` turn into each statutory format (the SSD
included) and the round-trip tests compare against.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, model_validator


class SynthConfig(BaseModel):
    """Options for `scorecard synth`. Defaults are calibrated on the seed report's authority."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    seed: int = 2022
    size: float = Field(
        1.0, gt=0, description="scale factor; 1.0 is about 67,000 children aged 0-17"
    )
    first_year: int = Field(2016, description="first financial year simulated (2016 = 2016/17)")
    last_year: int = Field(2022, description="financial year the extract ends in")
    as_at: date | None = Field(
        None, description="extract date; default 30 June of last_year (end of Q1, as the seed)"
    )
    la_code: str = "371"
    la_name: str = "Synthetic authority (shaped like Doncaster)"
    imperfections: float = Field(
        0.0, ge=0, le=1, description="share of records given realistic data-quality faults"
    )
    like: str | None = Field(
        None, description="DfE LA code whose published rates re-shape the calibration (synth.like)"
    )

    @model_validator(mode="after")
    def _years(self) -> SynthConfig:
        if self.last_year < self.first_year:
            raise ValueError("last_year must not be before first_year")
        return self

    @property
    def start(self) -> date:
        return date(self.first_year, 4, 1)

    @property
    def end(self) -> date:
        return self.as_at or date(self.last_year, 6, 30)


@dataclass
class SyntheticAuthority:
    config: SynthConfig
    tables: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def la_code(self) -> str:
        return self.config.la_code

    @property
    def start(self) -> date:
        return self.config.start

    @property
    def end(self) -> date:
        return self.config.end

    def collection_years(self) -> list[int]:
        """Years ending 31 March that the extract touches, complete or in progress (2023 = 2022/23)."""
        last = self.end.year + (1 if self.end.month >= 4 else 0)
        return list(range(self.start.year + 1, last + 1))


def generate(
    config: SynthConfig | None = None,
    on_stage: Callable[[str, SyntheticAuthority], None] | None = None,
) -> SyntheticAuthority:
    """Simulate the authority; deterministic for a given config. `on_stage(name, authority)` is
    called after each stage ("children", "workforce", "finance", "casework"), with the tables
    made so far (a writer that needs no more can start)."""
    from csc_scorecard.synth import casework, children, finance, workforce

    config = config or SynthConfig()
    authority = SyntheticAuthority(config=config)
    for stage, simulate in (
        ("children", lambda: children.simulate(config)),
        ("workforce", lambda: workforce.simulate(config, authority.tables)),
        ("finance", lambda: finance.simulate(config, authority.tables)),
        ("casework", lambda: casework.simulate(config, authority.tables)),
    ):
        authority.tables.update(simulate())
        if on_stage is not None:
            on_stage(stage, authority)
    return authority
