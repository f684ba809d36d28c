"""Which DfE series gives each catalogue measure: `comparator_map.yaml`, read and checked.

A measure's series are listed in order of preference; each names a LAIT measure or a file and
its columns, and says whether the value is read as published, or computed (a percentage, or a
rate per 10,000 recomputed from published counts and the 0-17 population, once per population
basis). A series' `label` is the `source` column of the rows it gives, so a figure can be traced
by hand; `sn_label` is the `source` of the statistical-neighbour average of a series.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, model_validator

from csc_scorecard.model.packaged import parse_yaml
from csc_scorecard.model.units import Unit
from csc_scorecard.reference.population import PRE_CENSUS, REBASED

BASES = (REBASED, PRE_CENSUS)


def as_columns(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    edition: str


class Series(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    lait: str | None = None
    file: str | None = None
    where: dict[str, str] = Field(default_factory=dict)
    value: str | None = None
    numerator: str | list[str] | None = None
    denominator: str | list[str] | None = None
    denominator_where: dict[str, str] = Field(default_factory=dict)
    percent: bool = False
    per_10000: bool = False
    years: tuple[int, int] | None = None
    basis: str | None = None
    # Decimal places DfE publishes a figure we compute at (rates and CIN percentages: 1). LAIT
    # averages the neighbours' *published* figures, so the SN mean of a computed series rounds
    # each neighbour first (Camden 2018 SN referral rate: 635.85, published 635.9; the mean of
    # unrounded rates, 635.84, would round to 635.8).
    published_decimals: int = 1

    @model_validator(mode="after")
    def _one_kind(self) -> Series:
        if (self.lait is None) == (self.file is None):
            raise ValueError("a series names exactly one of `lait` or `file`")
        if self.file is not None:
            kinds = [self.value is not None, self.percent, self.per_10000]
            if sum(kinds) != 1:
                raise ValueError(f"{self.file}: give exactly one of value, percent, per_10000")
            if (self.percent or self.per_10000) and not self.numerator:
                raise ValueError(f"{self.file}: a computed series needs a numerator")
            if self.percent and not self.denominator:
                raise ValueError(f"{self.file}: percent needs a denominator")
        if self.per_10000 and self.basis:
            raise ValueError("a recomputed rate takes its basis from the populations")
        return self

    def label(self, sources: dict[str, Source], basis: str | None = None) -> str:
        """The `source` column: file and column(s), so a figure can be traced by hand."""
        if self.lait is not None:
            return f"{sources['lait'].file}: {self.lait}"
        file = sources[self.file].file
        where = "".join(f" [{v}]" for v in self.where.values())
        num = " + ".join(as_columns(self.numerator))
        if self.per_10000:
            return f"{file}: {num}{where} / 0-17 population ({basis}) x 10,000"
        if self.percent:
            return f"{file}: ({num}){where} / {' + '.join(as_columns(self.denominator))} x 100"
        return f"{file}: {self.value}{where}"

    def cells(self) -> list[str]:
        """The source columns a value is read or computed from."""
        if self.lait is not None:
            return ["value"]
        if self.value is not None:
            return [self.value]
        return as_columns(self.numerator) + as_columns(self.denominator)

    def bases(self) -> tuple[str, ...]:
        if self.per_10000:
            return BASES
        return ("derived",) if self.percent else (self.basis or "published",)


class MeasureMap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)
    unit: Unit
    polarity: str
    series: list[Series]


class SnAverage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min_neighbours: int = Field(default=1, ge=1, le=10)


class ComparatorMap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    sn_average: SnAverage = Field(default_factory=SnAverage)
    sources: dict[str, Source]
    lait_areas: dict[str, str]
    measures: dict[str, MeasureMap]
    unmapped: dict[str, str]

    @model_validator(mode="after")
    def _known_sources(self) -> ComparatorMap:
        for measure, m in self.measures.items():
            for s in m.series:
                if s.file is not None and s.file not in self.sources:
                    raise ValueError(f"{measure}: unknown source {s.file!r}")
        if "lait" not in self.sources:
            raise ValueError("sources: `lait` (the LAIT long extract) is required")
        overlap = set(self.measures) & set(self.unmapped)
        if overlap:
            raise ValueError(f"measures both mapped and unmapped: {sorted(overlap)}")
        return self

    def labels(self, measure: str) -> list[tuple[str, str, Series]]:
        """(source label, basis, series) in order of preference."""
        out = []
        for s in self.measures[measure].series:
            for basis in s.bases():
                out.append((s.label(self.sources, basis), basis, s))
        return out


@cache
def comparator_map() -> ComparatorMap:
    text = resources.files(__package__).joinpath("comparator_map.yaml").read_text()
    return ComparatorMap.model_validate(parse_yaml(text))


SN_SUFFIX = "; mean of statistical neighbours, model "


def sn_label(source: str, model: str) -> str:
    """The `source` of a statistical-neighbour average of the series `source`."""
    return f"{source}{SN_SUFFIX}{model}"
