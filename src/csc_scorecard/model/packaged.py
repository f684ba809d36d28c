"""Data files shipped inside the package (calibrations, heading tables), read one way: YAML
through `importlib.resources`, validated by a strict Pydantic model, once per process.

A typo in a shipped file fails loudly on first use (an unknown key is refused, a missing one is
named), instead of silently falling back to a default.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict

M = TypeVar("M", bound=BaseModel)

# libyaml's loader where PyYAML was built with it: the same values as `yaml.safe_load`, in about
# a tenth of the time, paid by every process that reads the catalogue, specs and code lists.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """A shipped YAML file's text as Python values (the product's own files; files a user
    writes are read by `yaml.safe_load`, whose error messages the user sees)."""
    return yaml.load(text, Loader=_LOADER)


class Strict(BaseModel):
    """A shipped file's shape: no unknown keys, and frozen (it is shared by every caller)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@cache
def load(package: str, name: str, model: type[M]) -> M:
    """The YAML file `name` (a path relative to `package`'s folder) as a validated `model`."""
    path = resources.files(package).joinpath(*name.split("/"))
    text = path.read_text(encoding="utf-8")
    return model.model_validate(parse_yaml(text))
