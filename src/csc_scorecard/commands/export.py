"""`scorecard export`: the store as a Parquet lake for Spark, Databricks or Power BI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import DEFAULT_STORE_PATH, ExportAuthoritiesOption, StoreOption
from csc_scorecard.export import YEAR_PARTITION_ROWS, export_lake
from csc_scorecard.model.lake import LakeError
from csc_scorecard.store import Store


@app.command()
def export(
    out: Annotated[Path, typer.Option(help="Folder to write the lake into (empty, or a lake).")],
    store: StoreOption = DEFAULT_STORE_PATH,
    fmt: Annotated[str, typer.Option("--format", help="parquet (the only lake format).")] = (
        "parquet"
    ),
    la_code: ExportAuthoritiesOption = None,
    year_partition_rows: Annotated[
        int, typer.Option(help="Also partition a table by year above this many rows.")
    ] = YEAR_PARTITION_ROWS,
) -> None:
    """Write every table as Parquet partitioned by authority, with a manifest (docs/schema.md)."""
    if fmt != "parquet":
        raise typer.BadParameter(f"format {fmt!r}: the lake is written as parquet")
    if not store.exists():
        typer.echo(f"No store at {store}.", err=True)
        raise typer.Exit(code=2)
    chosen = [la.strip() for la in la_code.split(",")] if la_code else None
    try:
        with Store(store, read_only=True) as db:
            manifest = export_lake(
                db, out, la_codes=chosen, year_partition_rows=year_partition_rows
            )
    except LakeError as err:
        typer.echo(f"Refused: {err}", err=True)
        raise typer.Exit(code=2) from None
    rows = sum(e.rows for e in manifest.tables.values())
    typer.echo(
        f"{out}: {len(manifest.tables)} tables, {rows:,} rows, authorities "
        f"{', '.join(manifest.authorities)}, {len(manifest.loads)} loads "
        f"(schema {manifest.schema_version})"
    )
