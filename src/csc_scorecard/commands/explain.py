"""`scorecard explain`: what a measure means and the SQL it runs."""

from __future__ import annotations

from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.measures.explain import DIALECTS
from csc_scorecard.measures.explain import explain as explain_measure


@app.command()
def explain(
    measure: Annotated[
        str, typer.Argument(help="Catalogue measure id, e.g. assessments_within_45_working_days.")
    ],
    dialect: Annotated[str, typer.Option(help=f"SQL dialect: {', '.join(DIALECTS)}.")] = "duckdb",
) -> None:
    """Print a measure's definition, source, fields used and its SQL."""
    try:
        typer.echo(explain_measure(measure, dialect))
    except (KeyError, ValueError) as err:
        typer.echo(str(err).strip("'\""), err=True)
        raise typer.Exit(code=2) from None
