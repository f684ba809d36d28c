"""The report outline (`layout.yaml`), validated by one strict model, and where each measure goes.

`placement(layout, catalogue)` resolves the outline against the measure catalogue: every
catalogue measure lands in exactly one section, either where the layout lists it or in an
"other measures" table of the section claiming its catalogue group, or in a section of its own
for a group nobody claims. So a measure added to the catalogue appears in the report without a
code change (design.md, "Facts as data, logic as code").
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from csc_scorecard.measures.catalogue import Measure
from csc_scorecard.model.packaged import parse_yaml

_STRICT = ConfigDict(extra="forbid", frozen=True)


class SubsectionLayout(BaseModel):
    model_config = _STRICT
    id: str
    title: str
    narrative: str | None = None  # narrative.NARRATIVES or permanence.NARRATIVES; None = generic
    measures: list[str] = []
    breakdowns: list[str] = []


class SectionLayout(BaseModel):
    model_config = _STRICT
    id: str
    title: str
    claims: list[str] = []  # catalogue group names whose measures belong here
    needs: list[str] = []  # canonical tables the section is built from (named when it is empty)
    builder: Literal["staffing", "finance", "placements_strategy", "regional_comparison"] | None = (
        None  # report/staffing.py, finance.py, regional.py
    )
    chart: str | None = None
    demand_measures: dict[str, str] = {}  # measure id -> short label for the demand chart
    subsections: list[SubsectionLayout] = []


class Layout(BaseModel):
    model_config = _STRICT
    title: str
    sections: list[SectionLayout]
    dimension_labels: dict[str, dict[str, str]] = {}
    worker_level_dimensions: list[str] = []
    worker_level_measures: list[str] = []
    source_names: dict[str, str] = {}
    acronyms: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _listed_once(self) -> Layout:
        seen: dict[str, str] = {}
        for section in self.sections:
            for sub in section.subsections:
                for m in [*sub.measures, *sub.breakdowns]:
                    if m in seen:
                        raise ValueError(f"{m} is listed in both {seen[m]} and {sub.id}")
                    seen[m] = sub.id
        return self

    def source_name(self, source_format: str) -> str:
        """'cin_census' -> 'CIN census'; 'template:supervisions' -> 'local data templates'."""
        if source_format in self.source_names:
            return self.source_names[source_format]
        family = source_format.partition(":")[0]
        return self.source_names.get(family, source_format.replace("_", " "))


@cache
def layout() -> Layout:
    text = resources.files(__package__).joinpath("layout.yaml").read_text(encoding="utf-8")
    return Layout.model_validate(parse_yaml(text))


class Placed(BaseModel):
    """A section with the catalogue measures it shows (resolved against the catalogue)."""

    model_config = ConfigDict(frozen=True)
    section: SectionLayout
    subsections: list[SubsectionLayout]
    generated: bool = False  # a section made for an unclaimed catalogue group


def placement(lay: Layout, measures: dict[str, Measure]) -> list[Placed]:
    """Every section with its subsections; measures the layout does not list are added to an
    'Other ... measures' subsection of the section that claims their group."""
    listed = {
        m for s in lay.sections for sub in s.subsections for m in (*sub.measures, *sub.breakdowns)
    }
    claimed = {g.casefold(): s.id for s in lay.sections for g in s.claims}
    extra: dict[str, dict[str, list[Measure]]] = {}  # section id -> group -> measures
    unclaimed: dict[str, list[Measure]] = {}
    for m in measures.values():
        if m.id in listed:
            continue
        owner = claimed.get(m.group.casefold())
        if owner:
            extra.setdefault(owner, {}).setdefault(m.group, []).append(m)
        else:
            unclaimed.setdefault(m.group, []).append(m)
    placed: list[Placed] = []
    for section in lay.sections:
        subs = [
            sub.model_copy(
                update={
                    "measures": [m for m in sub.measures if m in measures],
                    "breakdowns": [m for m in sub.breakdowns if m in measures],
                }
            )
            for sub in section.subsections
        ]
        for group, found in extra.get(section.id, {}).items():
            subs.append(_generic(section.id, group, found, several=bool(section.subsections)))
        if section.id == "other":  # groups nobody claims get their own sections, before "other"
            for group, found in unclaimed.items():
                generated = SectionLayout(id=_slug(group), title=group)
                placed.append(
                    Placed(
                        section=generated,
                        subsections=[_generic(generated.id, group, found)],
                        generated=True,
                    )
                )
        placed.append(Placed(section=section, subsections=subs))
    return placed


def _generic(
    section_id: str, group: str, found: list[Measure], several: bool = False
) -> SubsectionLayout:
    title = f"Other {group[0].lower()}{group[1:]} measures" if several else group
    return SubsectionLayout(
        id=f"{section_id}-{_slug(group)}",
        title=title,
        measures=[m.id for m in found if not m.dimension],
        breakdowns=[m.id for m in found if m.dimension],
    )


def _slug(text: str) -> str:
    """'Children looked after' -> 'children_looked_after'.

    >>> _slug("Finance & placements")
    'finance_placements'
    """
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return "_".join(words)
