"""`scorecard compare`: each measure across a region's (or a list of) authorities in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    AuthoritiesOption,
    QuarterOption,
    RegionOption,
    StoreOption,
    chosen_authorities,
    outside_the_data,
)
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store


@app.command()
def compare(
    period: QuarterOption,
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthoritiesOption = "all",
    region: RegionOption = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx.")] = "csv",
    out: Annotated[Path | None, typer.Option(help="Write to this file (needed for xlsx).")] = None,
    measure: Annotated[
        list[str] | None, typer.Option(help="Only these measure ids (repeatable).")
    ] = None,
    publication: Annotated[
        bool, typer.Option("--publication", help="Show counts of 1-5 (and values on them) as c.")
    ] = False,
) -> None:
    """Regional comparison: every measure for each authority, with rank, quartile, the group's
    mean and DfE's England, region and statistical-neighbour averages."""
    from csc_scorecard.csv_safety import write_arrow_csv
    from csc_scorecard.report.comparison import comparison, write_xlsx

    try:
        quarter = Quarter.parse(period)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    if fmt not in ("csv", "xlsx"):
        raise typer.BadParameter("format must be csv or xlsx")
    if fmt == "xlsx" and out is None:
        raise typer.BadParameter("xlsx needs --out FILE")
    with Store(store, read_only=True) as db:
        las = chosen_authorities(db, la_code, region)
        if len(las) < 2:  # ranked against itself: rank 1, the top quartile, for every measure
            raise typer.BadParameter(
                f"compare ranks authorities against each other and needs two or more; "
                f"{'--region ' + repr(region) + ' gives' if region else 'that is'} only "
                f"{las[0]} (the store holds {', '.join(db.authorities())}): one authority's "
                "figures are `scorecard measures` and its report"
            )
        outside = outside_the_data(db, las, [quarter])
        table = comparison(db, las, quarter, measures=measure or None, publication=publication)
    if outside:
        typer.echo(outside, err=True)
    if fmt == "xlsx":
        write_xlsx(table, out)
        typer.echo(f"wrote {out}: {table.num_rows:,} rows for {len(las)} authorities")
    else:
        with open(out or "/dev/stdout", "wb") as sink:  # a failure names the file
            write_arrow_csv(table, sink)
