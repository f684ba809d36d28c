"""A performance framework: the items an authority reports on, with targets and tolerances.

Targets are facts, so they live in a YAML file validated by one strict model (design.md,
"Facts as data, logic as code"): unknown keys, strings where numbers belong, a tolerance on the
wrong side of its target or a repeated key are refused with the file and item named.
``examples/doncaster-2022/framework.yaml`` is the seed report's Appendix 1; ``docs/rating.md``
describes every field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from csc_scorecard.model.units import Polarity, Unit
from csc_scorecard.rating.direction import (
    DEFAULT_CHANCE_CONFIDENCE,
    DEFAULT_SIMILAR_WITHIN,
    DEFAULT_SMALL_NUMBER_THRESHOLD,
)
from csc_scorecard.rating.rag import check_thresholds
from csc_scorecard.rating.vocabulary import Band

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]
MeasureId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]  # catalogue id
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class FrameworkError(ValueError):
    """A framework file that cannot be used; the message names the file and the item."""


# Comparator ids whose value the store's published DfE data can supply (no fixed value needed);
# ``own_year_earlier`` is the item's own figure for the same period a year earlier.
PUBLISHED_COMPARATORS = ("england", "region", "statistical_neighbours")
OWN_YEAR_EARLIER = "own_year_earlier"


class ComparatorSpec(BaseModel):
    """One benchmark an item is compared with, labelled with its year and basis:
    ``{id: england, label: England, year: 2021/22, basis: DfE CIN census, value: 21.5}``."""

    model_config = _STRICT

    id: ItemId  # england, region, statistical_neighbours, own_year_earlier, or a name (barnsley)
    label: Text  # as printed: "England", "Statistical neighbours", "Barnsley"
    year: Text  # the year the figure is for: "2021/22", "March 2021"
    basis: Text  # what it is: "DfE Children in need census 2022", "average of 10 neighbours"
    value: float | None = None  # as published; None: from published data or the item itself

    @model_validator(mode="after")
    def _has_a_value(self) -> ComparatorSpec:
        if self.value is None and self.id not in (*PUBLISHED_COMPARATORS, OWN_YEAR_EARLIER):
            raise ValueError(
                f"comparator {self.id} needs a value (only {', '.join(PUBLISHED_COMPARATORS)} "
                f"and {OWN_YEAR_EARLIER} can be filled in from the data)"
            )
        return self


class RelativeTarget(BaseModel):
    """A target set by a comparator: ``{relative_to: statistical_neighbours}`` ("at or above the
    statistical-neighbour average"), ``{relative_to: england, by: -2}`` ("no more than 2 points
    below England"), ``{relative_to: england, within: 2}`` (within_band: "within 2 points of
    England"). ``tolerance``: how far worse than the target is still amber, in the item's unit."""

    model_config = _STRICT

    relative_to: ItemId  # the id of one of the item's comparators
    by: float = 0.0  # target = comparator + by
    within: Annotated[float, Field(gt=0)] | None = None  # band [comparator - within, + within]
    tolerance: Annotated[float, Field(ge=0)] | None = None


class IncrementalTarget(BaseModel):
    """ "An additional 800": the item's own figure for an earlier period plus ``by``
    (``{increase_on: year_earlier, by: 800}``); ``tolerance``: how far short is still amber."""

    model_config = _STRICT

    increase_on: Literal["year_earlier", "previous_period"]
    by: float
    tolerance: Annotated[float, Field(ge=0)] | None = None


class Derived(BaseModel):
    """An item computed from measures (or values supplied under these ids) by one named
    operation, no expression: ``{operation: difference, of: [cla_count, cla_uasc_count]}``.

    * ``sum`` - of two or more;
    * ``difference`` - the first minus the second;
    * ``ratio`` - the first divided by the second;
    * ``percentage`` - the first as a percentage of the second (x 100).
    """

    model_config = _STRICT

    operation: Literal["sum", "difference", "ratio", "percentage"]
    of: Annotated[list[ItemId], Field(min_length=2)]

    @model_validator(mode="after")
    def _arity(self) -> Derived:
        if self.operation != "sum" and len(self.of) != 2:
            raise ValueError(f"{self.operation} takes exactly two ids, got {len(self.of)}")
        return self


class Item(BaseModel):
    """One line of the appendix, e.g. C01 "Assessment's completed within 45 days or less"."""

    model_config = _STRICT

    id: ItemId
    title: Text  # as printed in the report
    measure: MeasureId | None = None  # the measure catalogue id that computes it
    derived: Derived | None = None  # or: computed from measures by a named operation
    unit: Annotated[Unit, Field(strict=False)]
    polarity: Annotated[Polarity, Field(strict=False)]
    target: float | Band | RelativeTarget | IncrementalTarget | None = None
    tolerance: float | Band | None = None
    # "< 85", "less than 22%": a value equal to the target does not meet it.
    strict: bool = False
    # Round the value to this many decimal places (half up) before rating and display, so the
    # printed figure and its colour never disagree. None: the unit's default (csc_scorecard.numbers.DECIMALS).
    decimals: Annotated[int, Field(ge=0, le=6)] | None = None
    comparator: float | None = None  # a fixed benchmark as printed, e.g. the "Comp" column
    comparator_label: Text | None = None
    comparators: list[ComparatorSpec] = []  # several benchmarks, each with year and basis
    # A change no bigger than this (item's unit) is "similar", not better or worse; None: the
    # framework's ``direction_of_travel.similar_within`` for the item's unit.
    similar_within: Annotated[float, Field(ge=0)] | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        if (self.comparator is None) != (self.comparator_label is None):
            raise ValueError("comparator and comparator_label go together: give both or neither")
        if self.measure is not None and self.derived is not None:
            raise ValueError("give measure or derived, not both")
        ids = [c.id for c in self.comparators]
        if len(set(ids)) != len(ids):
            raise ValueError(f"comparator ids must be unique; got {', '.join(ids)}")
        if isinstance(self.target, RelativeTarget | IncrementalTarget):
            self._check_moving_target(ids)
        else:
            check_thresholds(self.target, self.tolerance, self.polarity)
        if self.strict and self.polarity not in (Polarity.HIGHER_BETTER, Polarity.LOWER_BETTER):
            raise ValueError("strict applies to higher_better and lower_better targets only")
        return self

    def _check_moving_target(self, ids: list[str]) -> None:
        target = self.target
        if self.tolerance is not None:
            raise ValueError(
                "a relative or incremental target gives its tolerance inside target "
                "(target: {..., tolerance: 2})"
            )
        band = isinstance(target, RelativeTarget) and target.within is not None
        if band != (self.polarity is Polarity.WITHIN_BAND) or self.polarity is Polarity.INFORMATION:
            raise ValueError(
                "a target with 'within' needs polarity within_band; any other relative or "
                "incremental target needs higher_better or lower_better"
            )
        if isinstance(target, RelativeTarget) and target.relative_to not in ids:
            raise ValueError(
                f"relative_to {target.relative_to!r} is not one of the item's comparators "
                f"({', '.join(ids) or 'none given'})"
            )

    @property
    def operands(self) -> list[str]:
        """The ids a derived item is computed from (none for other items)."""
        return list(self.derived.of) if self.derived else []


class DirectionRule(BaseModel):
    """The materiality rule for direction of travel (``rating.direction.materiality``):
    ``{similar_within: {percent: 1}, chance: 0.95}``. A change no bigger than the unit's
    ``similar_within`` (percentage points for percentages), or for a percentage within what
    chance alone moves it at ``chance`` confidence given both denominators, is "similar"."""

    model_config = _STRICT

    similar_within: dict[
        Annotated[Unit, Field(strict=False)], Annotated[float, Field(ge=0, strict=False)]
    ] = Field(default_factory=lambda: dict(DEFAULT_SIMILAR_WITHIN))
    chance: Annotated[float, Field(gt=0, lt=1)] | None = DEFAULT_CHANCE_CONFIDENCE

    def allowance(self, item: Item) -> float:
        """The fixed part of the rule for an item: its own ``similar_within``, else its unit's."""
        if item.similar_within is not None:
            return item.similar_within
        return self.similar_within.get(item.unit, 0.0)


class Group(BaseModel):
    """A titled list of items, e.g. "Contract Key Performance Indicators"."""

    model_config = _STRICT

    id: ItemId
    title: Text
    items: Annotated[list[Item], Field(min_length=1)]


class Framework(BaseModel):
    model_config = _STRICT

    name: Text
    authority: Text
    la_code: Annotated[str, StringConstraints(pattern=r"^\d{3}$")] | None = None  # DfE code
    source: Text | None = None
    notes: list[Text] = []
    small_number_threshold: Annotated[float, Field(gt=0)] = DEFAULT_SMALL_NUMBER_THRESHOLD
    direction_of_travel: DirectionRule = Field(default_factory=DirectionRule)
    groups: Annotated[list[Group], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self) -> Framework:
        for kind, ids in (
            ("group", [g.id for g in self.groups]),
            ("item", [i.id for i in self.all_items()]),
        ):
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{kind} ids must be unique; repeated: {', '.join(repeated)}")
        return self

    def all_items(self) -> Iterator[Item]:
        for group in self.groups:
            yield from group.items

    def item(self, key: str) -> Item:
        """The item with this id, e.g. ``framework.item("C01")``."""
        for item in self.all_items():
            if item.id == key:
                return item
        raise KeyError(key)


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework YAML file, or raise ``FrameworkError``."""
    path = Path(path)
    try:
        data = _parsed(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        line, reason = unreadable(error)
        raise FrameworkError(f"{path}, line {line}: cannot read framework: {reason}") from None
    except OSError as error:
        raise FrameworkError(f"{path}: cannot read framework: {error}") from error
    return parse_framework(data, source=str(path))


def unreadable(error: UnicodeDecodeError | yaml.YAMLError) -> tuple[int, str]:
    """(line, reason) of a YAML or Markdown file that is not UTF-8 text or not YAML, for a one-
    line refusal (PyYAML's own message spans several lines and quotes the file): the line the
    parser stopped at, what it expected, and where the construct it was in began."""
    if isinstance(error, UnicodeDecodeError):
        line = error.object[: error.start].count(b"\n") + 1
        return line, f"not UTF-8 text (byte 0x{error.object[error.start]:02X}): save it as UTF-8"
    problem, mark = getattr(error, "problem", None), getattr(error, "problem_mark", None)
    context, begun = getattr(error, "context", None), getattr(error, "context_mark", None)
    reason = f"not YAML ({context or problem or str(error).splitlines()[0]})"
    if context and problem:
        reason += f": {problem}"
    if begun and mark and begun.line != mark.line:
        reason += f" (what it was reading begins on line {begun.line + 1})"
    return (mark.line + 1 if mark else 1), reason


def parse_framework(data: Any, source: str = "framework") -> Framework:
    """Validate already-parsed YAML, naming each problem by its place and item id and echoing
    the value that was given (never the validation library's internals)."""
    try:
        return Framework.model_validate(data)
    except ValidationError as error:
        raise FrameworkError(
            f"{source}: invalid framework\n" + "\n".join(f"  {p}" for p in _problems(data, error))
        ) from None


_EXPECTED = {  # pydantic error type -> what the field expects, in words
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "dict_type": "a band {low, high}",
    "model_type": "a band {low, high}",
    "model_attributes_type": "a band {low, high}",
    "string_type": "text",
    "list_type": "a list",
    "bool_type": "true or false",
}


def _problems(data: Any, error: ValidationError) -> list[str]:
    """One line per place: ``groups[0] (contract).items[0] (C01).target: expected a number or
    a band {low, high}, got '90%'``. A union's branches become one line."""
    found: dict[str, list[Any]] = {}
    for e in error.errors():
        found.setdefault(_where(data, e["loc"]), []).append(e)
    lines = []
    for where, errors in found.items():
        first = errors[0]
        if first["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown field (check its spelling in docs/frameworks.md)")
            continue
        if first["type"] == "missing":
            lines.append(f"{where}: required, but not given")
            continue
        wanted = [_EXPECTED.get(e["type"]) for e in errors]
        if all(wanted):
            message = "expected " + " or ".join(dict.fromkeys(w for w in wanted if w))
        elif first["type"] in ("enum", "literal_error"):
            message = f"must be one of {first['ctx']['expected']}".replace("'", "")
        elif first["type"] == "string_pattern_mismatch":
            message = f"does not have the form {first['ctx']['pattern']}"
        else:
            message = "; ".join(
                dict.fromkeys(e["msg"].removeprefix("Value error, ") for e in errors)
            )
        given = first.get("input")
        if isinstance(given, str | int | float | bool) or given is None:
            message += f", got {given!r}"
        lines.append(f"{where}: {message}")
    return lines


def _where(data: Any, loc: tuple[Any, ...]) -> str:
    """``groups[0] (C04).tolerance`` from a pydantic error location; the names pydantic gives a
    union's branches (``float``, ``function-after[...]``) are not places in the file: dropped."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            parts[-1] += f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                parts[-1] += f" ({node['id']})"
        elif not parts or isinstance(node, dict):
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def _parsed(text: str) -> Any:
    """The framework file's YAML, by libyaml's parser where PyYAML has it (2 ms, not 17: every
    report reads the file); a file it refuses is read again by PyYAML's own, whose message
    quotes the line at fault."""
    try:
        return yaml.load(text, Loader=_FastUniqueKeyLoader)
    except yaml.YAMLError:
        return yaml.load(text, Loader=_UniqueKeyLoader)


class _UniqueKeys:
    """A loader's mappings refusing a key given twice (PyYAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice."""


class _FastUniqueKeyLoader(_UniqueKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml's parser where PyYAML has it: the same values; its messages quote no
    line."""


for _loader in (_UniqueKeyLoader, _FastUniqueKeyLoader):
    _loader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _loader.construct_mapping
    )
