"""`scorecard reference`: load calendar, populations, LA codes, neighbours and DfE comparators."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import DEFAULT_STORE_PATH, StoreOption
from csc_scorecard.measures.results import refresh_after_load
from csc_scorecard.reference.load import import_reference
from csc_scorecard.store import Store


@app.command()
def reference(
    store: StoreOption = DEFAULT_STORE_PATH,
    from_dir: Annotated[
        Path | None,
        typer.Option(
            "--from",
            envvar="SCORECARD_PUBLIC_DATA",
            help="Folder of public DfE/ONS files (default: the data shipped with the product).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Import the reference tables (from public files, or those shipped with the product);
    a re-import replaces the previous one."""
    with Store(store) as db:
        summary = import_reference(db, from_dir)
        refreshed = refresh_after_load(db)  # populations feed the rates
    for line in summary.lines():
        typer.echo(line)
    typer.echo(refreshed, err=refreshed.startswith("warning"))
