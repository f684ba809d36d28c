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
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from csc_scorecard.rating.direction import DEFAULT_SMALL_NUMBER_THRESHOLD
from csc_scorecard.rating.rag import check_thresholds
from csc_scorecard.rating.vocabulary import Band, Polarity, Unit

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")]
MeasureId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]  # catalogue id
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)


class FrameworkError(ValueError):
    """A framework file that cannot be used; the message names the file and the item."""


class Item(BaseModel):
    """One line of the appendix, e.g. C01 "Assessment's completed within 45 days or less"."""

    model_config = _STRICT

    id: ItemId
    title: Text  # as printed in the report
    measure: MeasureId | None = None  # the measure catalogue id that computes it
    unit: Annotated[Unit, Field(strict=False)]
    polarity: Annotated[Polarity, Field(strict=False)]
    target: float | Band | None = None
    tolerance: float | Band | None = None
    # Round the value to this many decimal places (half up) before rating and display, so the
    # printed figure and its colour never disagree. None: rate the value as given.
    decimals: Annotated[int, Field(ge=0, le=6)] | None = None
    comparator: float | None = None  # a fixed benchmark as printed, e.g. the "Comp" column
    comparator_label: Text | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        check_thresholds(self.target, self.tolerance, self.polarity)
        if (self.comparator is None) != (self.comparator_label is None):
            raise ValueError("comparator and comparator_label go together: give both or neither")
        return self


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
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise FrameworkError(f"{path}: cannot read framework: {error}") from error
    return parse_framework(data, source=str(path))


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
        elif first["type"] == "enum":
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


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice (PyYAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _UniqueKeyLoader.construct_mapping
)
