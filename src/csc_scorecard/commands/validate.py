"""`scorecard validate`: check statutory returns against DfE's validation rules, without loading."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands import _faults
from csc_scorecard.commands._options import FileAuthorityOption, TableFormatOption


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders to check.")] = None,
    la_code: FileAuthorityOption = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Collection year, by its ending 31 March.")
    ] = None,
    fmt: TableFormatOption = "table",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
    previous: Annotated[
        list[Path] | None,
        typer.Option(
            "--previous",
            help="Last year's return (files or a folder; repeat the option for more): the rules "
            "comparing the two years run only with it.",
        ),
    ] = None,
    providers: Annotated[
        list[Path] | None,
        typer.Option(
            "--providers",
            help="Ofsted's provider list (CSV or XLSX: the children's homes and social care "
            "providers lists, or the combined one; repeat the option for more): the rules "
            "checking episodes' URNs against it run only with it.",
        ),
    ] = None,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List every rule implemented, one code a line.")
    ] = False,
) -> None:
    """Check SSDA903 and CIN census files against the DfE validation rules; nothing is stored."""
    from csc_scorecard.quality.rules import rules

    if list_rules:
        for r in rules():
            typer.echo(r.code)
        return
    if not paths:
        raise typer.BadParameter("give the files or folders to check (or --list-rules)")
    fmt = fmt.lower()
    if fmt not in ("table", "csv", "xlsx", "json"):
        raise typer.BadParameter(f"--format {fmt!r}: use table, csv, xlsx or json")
    from csc_scorecard.quality.validate import validate_files

    checked = validate_files(
        list(paths),
        la_code=la_code,
        year=year,
        owners=fmt in ("xlsx", "json"),
        previous=list(previous or []),
        providers=list(providers or []),
    )
    notes = [f"not checked: {line}" for line in checked.unreadable]
    if not checked.result.returns:
        notes.append("no SSDA903 or CIN census rows found in the files: no rule could run")
    _faults.write(checked.result.faults, checked.result, fmt=fmt, out=out, notes=notes)
    # A file not checked is a failure, even beside files that were ("0 faults" would otherwise
    # pass a return that a NUL byte or a broken tag kept from every rule): the rest is written.
    if checked.unreadable:
        raise typer.Exit(1)
