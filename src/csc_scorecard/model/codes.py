"""DfE code lists as data: one YAML file per list in `model/codes/` (code: label).

Referenced by name from ingest specs and measures, never pasted as literals into rules.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from csc_scorecard.model.packaged import parse_yaml


@cache
def _file(name: str) -> dict | None:
    """The parsed file of code list `name`, or None when there is none (read once a process)."""
    path = resources.files(__package__).joinpath("codes", f"{name}.yaml")
    return parse_yaml(path.read_text()) if path.is_file() else None


@cache
def codes(name: str) -> dict[str, str]:
    """The code list `name` as {code: label}; codes are strings exactly as DfE writes them."""
    data = _file(name)
    if data is None:
        raise KeyError(f"no code list named {name!r} (expected model/codes/{name}.yaml)")
    return {str(k): str(v) for k, v in data["codes"].items()}


@cache
def code_group(name: str, group: str) -> tuple[str, ...]:
    """The codes of list `name` that DfE names by meaning (`groups:` in its YAML file), e.g. the
    short-break legal statuses.

    >>> code_group("legal_status", "short_breaks")
    ('V3', 'V4')
    """
    groups = (_file(name) or {}).get("groups", {})
    if group not in groups:
        raise KeyError(f"no code group {group!r} in model/codes/{name}.yaml")
    members = tuple(str(c) for c in groups[group])
    unknown = [c for c in members if c not in codes(name)]
    if unknown:
        raise KeyError(f"code group {name}.{group} names codes the list lacks: {unknown}")
    return members


def code_list_names() -> list[str]:
    root = resources.files(__package__).joinpath("codes")
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))
