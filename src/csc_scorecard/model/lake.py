"""The lake: the canonical store as Parquet, one folder per table, partitioned by authority.

A lake is what a cluster (Spark, Databricks) or a BI tool (Power BI) reads instead of the DuckDB
file. Layout, documented in docs/schema.md:

    DIR/manifest.json                       what is here (this module's `Manifest`)
    DIR/<table>/la_code=<LA>/data_0.parquet one folder per authority for authority-scoped tables
    DIR/<table>/la_code=<LA>/year=<YYYY>/…  also by calendar year of the first date in the
                                            table's key, for tables over the size threshold
    DIR/<table>/data_0.parquet              tables not scoped to an authority (calendar, comparators)

Every file carries every column of its table, the partition columns included, so a file read on
its own is complete; readers take the canonical columns by name and ignore `year`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from csc_scorecard.model.schema import Table, tables

LAKE_FORMAT = "csc-scorecard-lake"
LAKE_VERSION = 1
MANIFEST = "manifest.json"
# The store's own tables, exported beside the canonical ones so a lake can be loaded back with
# its load history and data-quality issues.
SYSTEM_TABLES = ("loads", "dq_issues")


# The columns of the store's own tables, in the store's order (store/opening.py SYSTEM_DDL).
_SYSTEM_COLUMNS = {
    "loads": [
        "load_id",
        "la_code",
        "source_format",
        "period_start",
        "period_end",
        "files",
        "loaded_at",
        "row_count",
        "issue_count",
        "extracted",
    ],
    "dq_issues": [
        "load_id",
        "la_code",
        "rule",
        "severity",
        "table_name",
        "file",
        "sheet",
        "row",
        "child_id",
        "field",
        "value",
        "message",
        "column_name",
    ],
}


def columns_of(name: str) -> list[str]:
    """The columns a view of the lake table `name` exposes (no partition-only `year`)."""
    if name in _SYSTEM_COLUMNS:
        return _SYSTEM_COLUMNS[name]
    return tables()[name].column_names


def create_views(con: Any, folder: Path) -> None:
    """Views named as the store's tables over the lake's Parquet, holding exactly their columns,
    on a DuckDB connection (`Store.over_lake`)."""
    held = read_manifest(Path(folder)).tables
    for name in (*tables(), *SYSTEM_TABLES):
        glob = str(Path(folder) / name / "**" / "*.parquet").replace("'", "''")
        cols = ", ".join(
            f'"{c}"' if name not in held or c in held[name].columns else f'NULL AS "{c}"'
            for c in columns_of(name)
        )
        con.execute(
            f'CREATE VIEW "{name}" AS SELECT {cols} FROM '
            f"read_parquet('{glob}', hive_partitioning = false, union_by_name = true)"
        ).fetchall()


class LakeError(Exception):
    """A folder that is not a usable lake: one line naming the folder and what is wrong."""


class TableEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rows: int
    columns: list[str]
    partitioned_by: list[str]


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["csc-scorecard-lake"] = LAKE_FORMAT
    lake_version: int = LAKE_VERSION
    schema_version: str
    created_at: datetime
    authorities: list[str]
    loads: list[int]
    tables: dict[str, TableEntry]


def schema_version() -> str:
    """A short fingerprint of the canonical tables' names, columns and types.

    Descriptions are left out, so rewording `tables.yaml` does not orphan existing lakes; a
    column added, removed, renamed or retyped gives a new version.
    """
    shape = [(t.name, [(c.name, c.type) for c in t.columns]) for t in tables().values()]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:12]


def year_column(t: Table) -> str | None:
    """The date a large table is partitioned by year on: the first date in its key."""
    for name in t.key:
        column = next((c for c in t.columns if c.name == name), None)
        if column is not None and column.type == "DATE":
            return name
    return None


def is_lake(folder: Path) -> bool:
    """True when the folder holds a lake manifest (whatever its version)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return False
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("format") == LAKE_FORMAT
    except (OSError, ValueError, AttributeError):
        return False


def read_manifest(folder: Path) -> Manifest:
    """The lake's manifest, checked against this product's schema; refuses naming what differs."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise LakeError(f"{folder}: no {MANIFEST}; not a lake written by `scorecard export`")
    try:
        manifest = Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    except (ValidationError, ValueError, OSError) as err:
        first = err.errors()[0] if isinstance(err, ValidationError) else None
        where = ".".join(str(p) for p in first["loc"]) if first else ""
        what = f"field {where!r}: {first['msg']}" if first else str(err).splitlines()[0]
        raise LakeError(f"{path}: not a valid lake manifest ({what})") from None
    if manifest.lake_version != LAKE_VERSION:
        raise LakeError(
            f"{path}: lake version {manifest.lake_version}; this product reads version "
            f"{LAKE_VERSION} (export it again with this version)"
        )
    if manifest.schema_version != schema_version():
        raise LakeError(f"{path}: {_schema_difference(manifest)}")
    missing = [name for name in (*tables(), *SYSTEM_TABLES) if not (folder / name).is_dir()]
    if missing:
        raise LakeError(f"{folder}: table folders missing: {', '.join(missing)}")
    return manifest


def _schema_difference(manifest: Manifest) -> str:
    """Say which tables and columns differ between the lake and this product's schema."""
    ours = {t.name: [c.name for c in t.columns] for t in tables().values()}
    theirs = {n: e.columns for n, e in manifest.tables.items() if n not in SYSTEM_TABLES}
    parts = []
    for name in sorted(set(ours) - set(theirs)):
        parts.append(f"table {name} missing from the lake")
    for name in sorted(set(theirs) - set(ours)):
        parts.append(f"table {name} unknown to this product")
    for name in sorted(set(ours) & set(theirs)):
        gone = [c for c in ours[name] if c not in theirs[name]]
        extra = [c for c in theirs[name] if c not in ours[name]]
        if gone:
            parts.append(f"{name} lacks {', '.join(gone)}")
        if extra:
            parts.append(f"{name} has unknown {', '.join(extra)}")
    detail = "; ".join(parts) or "column types differ"
    return (
        f"schema version {manifest.schema_version}, this product's is {schema_version()} "
        f"({detail}); export the lake again from a store of this version"
    )
