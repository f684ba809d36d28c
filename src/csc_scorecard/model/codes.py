"""DfE code lists as data: one YAML file per list in `model/codes/` (code: label).

Referenced by name from ingest specs and measures, never pasted as literals into rules.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def codes(name: str) -> dict[str, str]:
    """The code list `name` as {code: label}; codes are strings exactly as DfE writes them."""
    path = resources.files(__package__).joinpath("codes", f"{name}.yaml")
    if not path.is_file():
        raise KeyError(f"no code list named {name!r} (expected model/codes/{name}.yaml)")
    data = yaml.safe_load(path.read_text())
    return {str(k): str(v) for k, v in data["codes"].items()}


def code_list_names() -> list[str]:
    root = resources.files(__package__).joinpath("codes")
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))
