"""`scorecard status`: what the store holds."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from csc_scorecard.cli import app
from csc_scorecard.commands._options import DEFAULT_STORE_PATH, StoreOption
from csc_scorecard.status import store_status
from csc_scorecard.store import Store


@app.command()
def status(
    store: StoreOption = DEFAULT_STORE_PATH,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Authorities, tables, row counts, date range per table, and the latest loads."""
    with Store(store, read_only=True) as db:
        report = store_status(db)
    if as_json:
        import json

        typer.echo(json.dumps(report, indent=2, default=str))
        return
    console = Console()
    console.print(f"Store {store}: authorities {', '.join(report['authorities']) or 'none'}")
    tables = RichTable("table", "LA", "rows", "from", "to", "issues", title="Tables")
    for t in report["tables"]:
        tables.add_row(
            t["table"],
            t["la_code"] or "-",
            f"{t['rows']:,}",
            str(t["first_date"] or ""),
            str(t["last_date"] or ""),
            f"{t['issues']:,}",
        )
    console.print(tables)
    loads = RichTable(
        "load", "format", "LA", "period", "rows", "issues", "loaded", "files", title="Latest loads"
    )
    for load in report["loads"]:
        loads.add_row(
            str(load["load_id"]),
            load["source_format"],
            load["la_code"] or "-",
            load["period"],
            f"{load['row_count']:,}",
            f"{load['issue_count']:,}",
            f"{load['loaded_at']:%Y-%m-%d %H:%M}",
            load["files"],
        )
    console.print(loads)
