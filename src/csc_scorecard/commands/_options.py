"""Options shared by every command that touches the store (kept stable: tools script against them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.store import DEFAULT_STORE

StoreOption = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar="SCORECARD_STORE",
        help="DuckDB store file (default: $SCORECARD_STORE or ./scorecard.duckdb).",
    ),
]
DEFAULT_STORE_PATH = Path(DEFAULT_STORE)
