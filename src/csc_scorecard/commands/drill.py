"""`scorecard drill`: the children (or workers, teams) behind one measure's figure, for analysts.

Child-level and special-category: internal use only, never for publication. The command says
so on stderr each time; it never logs the rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    AuthorityOption,
    QuarterOption,
    StoreOption,
    TableFormatOption,
    authority,
    known_subjects,
)
from csc_scorecard.measures.members import (
    CHILD_LEVEL_WARNING,
    NoMembers,
    about,
    members,
    summary,
    write_xlsx,
)
from csc_scorecard.store import Store

FORMATS = ("table", "csv", "xlsx", "json")


@app.command()
def drill(
    measure: Annotated[
        str, typer.Argument(help="Measure id, e.g. assessments_within_45_working_days.")
    ],
    period: QuarterOption,
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthorityOption = None,
    dimension: Annotated[
        str | None, typer.Option(help="One breakdown value (e.g. a referral source).")
    ] = None,
    team: Annotated[str | None, typer.Option(help="Only rows of this team id.")] = None,
    worker: Annotated[str | None, typer.Option(help="Only rows of this worker id.")] = None,
    fmt: TableFormatOption = "table",
    out: Annotated[Path | None, typer.Option(help="Write to this file (needed for xlsx).")] = None,
) -> None:
    """The rows behind a measure's numerator and denominator (child-level: internal use only)."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"format must be {', '.join(FORMATS)}")
    if fmt == "xlsx" and out is None:
        raise typer.BadParameter("xlsx needs --out FILE")
    typer.echo(f"WARNING: {CHILD_LEVEL_WARNING}", err=True)
    with Store(store, read_only=True) as db:
        la = authority(db, la_code)  # one authority: child-level rows
        known_subjects(db, la, team, worker, team_names=False)
        _covered(db, la, period)  # else an empty list reads as "no child"
        try:
            table = members(db, la, measure, period, dimension=dimension, team=team, worker=worker)
        except (NoMembers, KeyError, ValueError) as e:
            message = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
            raise typer.BadParameter(str(message)) from None
    if fmt == "csv":
        from csc_scorecard.csv_safety import write_arrow_csv

        text = write_arrow_csv(table)
        out.write_text(text or "") if out else typer.echo(text, nl=False)
    elif fmt == "json":
        text = json.dumps({"about": about(table), "rows": table.to_pylist()}, indent=1, default=str)
        out.write_text(text) if out else typer.echo(text)
    elif fmt == "xlsx":
        write_xlsx(table, out)  # type: ignore[arg-type]
    else:
        _print(table)
    if out is not None:
        typer.echo(f"wrote {table.num_rows} rows to {out}", err=True)


def _print(table: pa.Table) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    console = Console(width=220)
    console.print(summary(table))
    view = RichTable(*table.column_names)
    for row in table.to_pylist():
        view.add_row(*("" if v is None else str(v) for v in row.values()))
    console.print(view)


def _covered(db: Store, la: str, period: str) -> None:
    """Refuse a quarter the authority's loaded data do not reach, or an authority with no case
    data loaded, as the report does (`report.subject.check_coverage`), or one starting after the
    day the data reach (`data_dates`: an in-year return's period runs to 31 March, its data
    stop at the extraction); a period that is not a quarter is left to `members`, which names
    what it takes."""
    from csc_scorecard.errors import NotFound
    from csc_scorecard.measures.data_dates import data_dates
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.report.subject import check_coverage
    from csc_scorecard.wording import long_date

    try:
        quarter = Quarter.parse(period)
    except ValueError:
        return
    check_coverage(db, la, quarter)
    span = data_dates(db, la)
    if span is not None and quarter.start > span[1]:
        raise NotFound(
            f"the store has no data for {quarter} ({quarter.label}) for LA {la}: its data "
            f"run from {long_date(span[0])} to {long_date(span[1])}"
        )
