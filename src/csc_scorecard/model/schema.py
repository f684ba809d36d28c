"""The canonical table definitions (`tables.yaml`) as typed objects, DDL and Arrow schemas.

`tables.yaml` is the contract between ingest and everything downstream; this module is the one
place that reads it. Lineage columns (`la_code`, `load_id`, `source_row`) are added here so that
no adapter or measure has to remember them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Literal

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, field_validator

from csc_scorecard.model.packaged import parse_yaml

SqlType = Literal["VARCHAR", "DATE", "INTEGER", "DOUBLE", "BOOLEAN", "TIMESTAMP"]

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}

LINEAGE = ("load_id", "source_row")


class Column(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    type: SqlType
    description: str


class _TableSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str
    key: list[str]
    columns: dict[str, str]
    group: str = "reference"
    kind: Literal["canonical", "reference"] = "canonical"
    la_scoped: bool = True

    @field_validator("columns")
    @classmethod
    def _typed(cls, columns: dict[str, str]) -> dict[str, str]:
        for name, spec in columns.items():
            if "|" not in spec or spec.split("|")[0].strip() not in ARROW_TYPES:
                raise ValueError(f"column {name}: expected 'TYPE | description', got {spec!r}")
        return columns


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    description: str
    group: str
    kind: Literal["canonical", "reference"]
    la_scoped: bool
    key: tuple[str, ...]
    data_columns: tuple[Column, ...]

    @property
    def columns(self) -> tuple[Column, ...]:
        """All stored columns: la_code first, then the data columns, then lineage."""
        head = (Column(name="la_code", type="VARCHAR", description="3-digit DfE LA number"),)
        tail = (
            Column(name="load_id", type="INTEGER", description="load that wrote the row"),
            Column(
                name="source_row", type="INTEGER", description="row or element in the source file"
            ),
        )
        return (head if self.la_scoped else ()) + self.data_columns + tail

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def data_column_names(self) -> list[str]:
        return [c.name for c in self.data_columns]

    @property
    def full_key(self) -> list[str]:
        return (["la_code"] if self.la_scoped else []) + list(self.key)

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(c.name, ARROW_TYPES[c.type]) for c in self.columns])

    def ddl(self) -> str:
        cols = ",\n  ".join(f'"{c.name}" {c.type}' for c in self.columns)
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" (\n  {cols}\n)'


def create_table(name: str, columns: Mapping[str, tuple[str, str]]) -> str:
    """DDL for a table the product keeps beside the canonical ones, declared as
    ``{column: (type, description)}`` (the descriptions feed docs/schema.md)."""
    cols = ",\n  ".join(f'"{c}" {t}' for c, (t, _) in columns.items())
    return f'CREATE TABLE IF NOT EXISTS "{name}" (\n  {cols}\n)'


@cache
def tables() -> dict[str, Table]:
    """Every canonical and reference table, in the order `tables.yaml` declares them."""
    text = resources.files(__package__).joinpath("tables.yaml").read_text()
    raw = parse_yaml(text)
    out: dict[str, Table] = {}
    for name, body in raw.items():
        spec = _TableSpec.model_validate(body)
        cols = tuple(
            Column(name=c, type=s.split("|")[0].strip(), description=s.split("|", 1)[1].strip())
            for c, s in spec.columns.items()
        )
        unknown = (
            set(spec.key) - {c.name for c in cols} - ({"la_code"} if spec.la_scoped else set())
        )
        if unknown:
            raise ValueError(f"table {name}: key columns {sorted(unknown)} are not columns")
        out[name] = Table(
            name=name,
            description=spec.description,
            group=spec.group,
            kind=spec.kind,
            la_scoped=spec.la_scoped,
            key=tuple(spec.key),
            data_columns=cols,
        )
    return out


def table(name: str) -> Table:
    try:
        return tables()[name]
    except KeyError:
        raise KeyError(f"no canonical table named {name!r}") from None


def canonical_tables() -> list[Table]:
    return [t for t in tables().values() if t.kind == "canonical"]
