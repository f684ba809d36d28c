"""Options shared by every command that touches the store (kept stable: tools script against them)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.store import DEFAULT_STORE, Store

StoreOption = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar="SCORECARD_STORE",
        help="DuckDB store file (default: $SCORECARD_STORE or ./scorecard.duckdb).",
    ),
]
DEFAULT_STORE_PATH = Path(DEFAULT_STORE)


def only_authority(db: Store) -> str:
    """The store's authority when it holds just one; otherwise ask for --la."""
    las = db.authorities()
    if len(las) != 1:
        raise typer.BadParameter(
            f"the store holds {len(las)} authorities ({', '.join(las) or 'none'}): pass --la"
        )
    return las[0]


def parse_day(text: str) -> date:
    """A --date option's value (YYYY-MM-DD), or a clean refusal naming it."""
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2022-06-30") from None


def authority(db: Store, la_code: str | None) -> str:
    """The validated --la (`Store.check_la_code`), or the store's only authority."""
    return db.check_la_code(la_code) if la_code else only_authority(db)
