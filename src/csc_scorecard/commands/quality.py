"""`scorecard quality`: the DfE-rule faults in the store, as fix lists by team or worker."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands import _faults
from csc_scorecard.commands._options import (
    DEFAULT_STORE_PATH,
    AuthorityOption,
    QuarterOption,
    StoreOption,
    TableFormatOption,
    authority,
)


@app.command()
def quality(
    period: QuarterOption,
    store: StoreOption = DEFAULT_STORE_PATH,
    la_code: AuthorityOption = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Group the fix list by team or worker.")
    ] = None,
    fmt: TableFormatOption = "table",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file.")] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record/--no-record",
            help="Keep the faults in the store (table dq_rule_faults) for later comparison.",
        ),
    ] = False,
) -> None:
    """DfE validation faults in the data as at the end of the quarter, with their owners."""
    from csc_scorecard.model.periods import Quarter
    from csc_scorecard.quality.fixlists import with_owners
    from csc_scorecard.quality.history import as_at, faults_as_at
    from csc_scorecard.report.faults import faults_moved
    from csc_scorecard.store import Store

    fmt = fmt.lower()
    if fmt not in ("table", "csv", "xlsx", "json"):
        raise typer.BadParameter(f"--format {fmt!r}: use table, csv, xlsx or json")
    if by not in (None, "team", "worker"):
        raise typer.BadParameter("--by: team or worker")
    try:
        quarter = Quarter.parse(period)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    with Store(store, read_only=not record) as db:
        la = authority(db, la_code)  # one authority: `all`, a list or an unknown code refused
        held = as_at(db.con, la)  # the day the returns' data reach: an in-year one's extraction
        if held is not None and quarter.start > held:
            # the rules would run on the data held, presented as the data at the quarter's end
            typer.echo(
                f"LA {la}: {quarter} ({quarter.label}) is after the data the store holds (as "
                f"at {held}): its faults would be those of that data, not of the data as at "
                f"{quarter.end}; ask for {Quarter.containing(held)} or an earlier quarter, or "
                "load the returns that reach it.",
                err=True,
            )
            raise typer.Exit(1)
        found = faults_as_at(db.con, la, quarter.end)
        if found.result is None:
            kept = f" ({_record(db, la)})" if record else ""
            typer.echo(
                f"LA {la}, data as at {quarter.end}: faults not known. {quarter} is past (the "
                f"store holds data as at {held}) and no faults were kept for the data as "
                f"at {quarter.end} or before: faults are kept at each ingest, so load the "
                f"returns in the order they came, or ask for a later quarter.{kept}",
                err=True,
            )
            raise typer.Exit(1)
        result = found.result
        if found.live and not result.returns:
            typer.echo(_no_return(db, la, quarter.end), err=True)
            raise typer.Exit(1)
        source = (
            "the rules run now on the data held"
            if found.live
            else f"as kept for the data as at {found.as_at} ({quarter} is past: the store "
            f"holds data as at {found.held})"
        )
        faults = with_owners(db.con, result.faults)
        moved = faults_moved(db, la, quarter)
        since = f"since {quarter.previous()}: "
        if moved.known:
            since += (
                f"{moved.opened.num_rows:,} opened, {moved.closed.num_rows:,} closed (faults "
                f"kept for the data as at {moved.then_as_at} and {moved.current_as_at})"
            )
        else:
            since += (
                "opened and closed not known (no faults kept for the data as at "
                f"{quarter.previous().end} or before)"
            )
        notes = [
            f"LA {la}, data as at {quarter.end}: {faults.num_rows:,} faults, {source}; {since}"
        ]
        if record:
            notes.append(_record(db, la))
    if by and fmt in ("csv", "json"):  # else the ungrouped file reads as the grouped one
        typer.echo(
            f"note: --by {by} groups the fix list in the table and xlsx formats only; "
            f"--format {fmt} gives one row per fault, ungrouped",
            err=True,
        )
    _faults.write(faults, result, fmt=fmt, out=out, notes=notes, by=by)


def _record(db, la: str) -> str:
    from csc_scorecard.quality.history import record

    return f"recorded {record(db.con, [la]):,} faults in dq_rule_faults"


def _no_return(db, la: str, end) -> str:
    """One line: no rule ran, which returns and years were looked for, and what the store holds
    for the authority instead."""
    from csc_scorecard.quality.scope import MULTI_YEAR, SOURCE_FORMAT

    looked = ", ".join([*SOURCE_FORMAT.values(), MULTI_YEAR])
    by_format: dict[str, list] = {}
    for load in db.loads([la]):
        if load.la_code == la:  # not the reference loads, which have no authority
            by_format.setdefault(load.source_format, []).append(load)
    parts = []
    for fmt, loads in sorted(by_format.items()):
        starts = [x.period_start for x in loads if x.period_start]
        stops = [x.period_end for x in loads if x.period_end]
        span = f" ({min(starts)} to {max(stops)})" if starts and stops else ""
        parts.append(f"{fmt} x {len(loads)}{span}")
    holds = "; ".join(parts)
    return (
        f"LA {la}, data as at {end}: no rule ran: the DfE rules read the SSDA903 and CIN census "
        f"returns (loads of source format {looked}) of collection years ending by {end}, and "
        f"the store holds none for LA {la} (it holds: {holds or 'no load'})"
    )
