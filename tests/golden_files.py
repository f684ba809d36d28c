"""A golden snapshot kept as many small JSON files, so a change reads as a short diff.

`parts` cuts a JSON value into files: a value whose indented text is small stays whole; a larger
object becomes a folder with one file per large key (the small keys together in `_.json`); a
larger list becomes a folder with one file per element, named by its position and its `id`;
an object keyed `measure:period` (the figures) is grouped by measure first. The cut depends only
on the value, so regenerating an unchanged context rewrites the same files.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

LIMIT = 24_000  # characters of indented JSON one file may hold before it is cut further
SMALL = 2_000  # keys of a cut object smaller than this share the object's `_.json`


def dumps(value) -> str:
    return json.dumps(value, indent=1, sort_keys=True) + "\n"


def _slug(text) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("_") or "_"


def _label(item) -> str | None:
    """What names a list element's file beside its position: its id, item reference or measure."""
    if not isinstance(item, dict):
        return None
    return next((item[k] for k in ("id", "item", "ref", "measure") if item.get(k)), None)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def parts(value, name: str = "") -> dict[str, object]:
    """File name (relative, without `.json`) -> the JSON value that file holds."""
    if name and (not isinstance(value, dict | list) or len(dumps(value)) <= LIMIT):
        return {name: value}
    out: dict[str, object] = {}
    if isinstance(value, list):
        for i, item in enumerate(value):
            label = _label(item)
            out.update(parts(item, _join(name, f"{i:03d}{'-' + _slug(label) if label else ''}")))
        return out
    if (
        len(value) > 40
        and all(":" in key for key in value)
        and len({k.split(":", 1)[0] for k in value}) > 1
    ):
        groups: dict[str, dict] = {}
        for key, item in value.items():
            groups.setdefault(key.split(":", 1)[0], {})[key] = item
        for group, items in groups.items():
            out.update(parts(items, _join(name, _slug(group))))
        return out
    rest = {}
    for key, item in value.items():
        if len(dumps(item)) <= SMALL:
            rest[key] = item
        else:
            out.update(parts(item, _join(name, _slug(key))))
    if rest:
        out[_join(name, "_")] = rest
    return out


def write(folder: Path, files: dict[str, object]) -> None:
    """Replace the folder's contents with these files."""
    if folder.exists():
        shutil.rmtree(folder)
    for name, value in files.items():
        path = folder / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(value), encoding="utf-8")


def read(folder: Path) -> dict[str, object]:
    return {
        path.relative_to(folder).with_suffix("").as_posix(): json.loads(
            path.read_text(encoding="utf-8")
        )
        for path in sorted(folder.rglob("*.json"))
    }
