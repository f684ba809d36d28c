"""`scorecard lists`: the daily operational lists (child-level, internal only)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard import lists as operational
from csc_scorecard.cli import app
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    AuthorityOption,
    StoreOption,
    TableFormatOption,
    authority,
    known_subjects,
    parse_day,
)
from csc_scorecard.lists.output import FORMATS, print_table, to_csv, to_json, to_xlsx
from csc_scorecard.lists.reviews_due import days_ahead
from csc_scorecard.store import Store


@app.command("lists")
def lists_command(
    name: Annotated[str, typer.Argument(help=f"The list: {', '.join(operational.LISTS)}.")],
    on: Annotated[str, typer.Option("--date", help="Date of the list, e.g. 2022-06-30.")],
    team: Annotated[str | None, typer.Option(help="Only this team (id or name).")] = None,
    worker: Annotated[str | None, typer.Option(help="Only this worker (id).")] = None,
    days: Annotated[
        int | None,
        typer.Option(min=0, help="reviews-due: look this many days ahead (default 14)."),
    ] = None,
    fmt: TableFormatOption = "table",
    out: Annotated[Path | None, typer.Option(help="Write to this file (xlsx needs it).")] = None,
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthorityOption = None,
) -> None:
    """A daily list (open-assessments, overdue-visits, reviews-due, unallocated, care-leavers,
    caseloads) on a date, sorted by urgency, with its row count. Child-level: internal only,
    never for publication."""
    if name not in operational.LISTS:
        raise typer.BadParameter(f"no list {name!r}: choose one of {', '.join(operational.LISTS)}")
    if fmt not in FORMATS:
        raise typer.BadParameter(f"format must be one of {', '.join(FORMATS)}")
    if fmt == "xlsx" and out is None:
        raise typer.BadParameter("--format xlsx needs --out FILE.xlsx")
    options = {}
    if days is not None:
        if "days_ahead" not in operational.LISTS[name].options:
            raise typer.BadParameter(f"--days applies to reviews-due, not {name}")
        options["days_ahead"] = days_ahead(days, "--days")
    with Store(store, read_only=True) as db:
        la = authority(db, la_code)  # one authority: child-level rows
        known_subjects(db, la, team, worker)
        day = parse_day(on)
        # a date the data do not reach: refused; a little past their end: noted
        result = operational.build_on(name, db, la, day, team=team, worker=worker, **options)
    typer.echo(f"{operational.NOTICE}: {result.heading()}", err=fmt != "table" and out is None)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    if fmt == "table":
        print_table(result)
        return
    if fmt == "xlsx":
        to_xlsx(result, out)
    else:
        text = to_csv(result) if fmt == "csv" else to_json(result)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text)
    if out is not None:
        typer.echo(f"wrote {out}")
