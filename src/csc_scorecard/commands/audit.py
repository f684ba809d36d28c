"""`scorecard audit`: print the dashboard's append-only audit log."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from csc_scorecard.cli import app
from csc_scorecard.commands._options import DEFAULT_STORE_PATH, StoreOption


@app.command()
def audit(
    store: StoreOption = DEFAULT_STORE_PATH,
    format: Annotated[str, typer.Option("--format", help="csv or text.")] = "text",
    user: Annotated[str | None, typer.Option(help="Only this user's entries.")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only this action (login, upload, ...).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only entries on or after this date (2026-01-31).")
    ] = None,
) -> None:
    """Who viewed or exported child- or worker-level data, signed in, uploaded, edited, changed users."""
    from csc_scorecard.web.state import State, audit_csv, state_path

    if format not in ("csv", "text"):
        raise typer.BadParameter("--format takes csv or text")
    if since is not None:  # compared as text: '2022-13-01' or 'yesterday' matched wrongly
        try:
            since = date.fromisoformat(since).isoformat()
        except ValueError:
            raise typer.BadParameter(
                f"{since!r} is not a date like 2026-01-31", param_hint="--since"
            ) from None
    path = state_path(store)
    if not path.exists():
        typer.echo(
            f"error: no audit log for {store}: the dashboard has not been used on it "
            f"({path} does not exist)",
            err=True,
        )
        raise typer.Exit(code=2)
    rows = State(path).audit_rows(user=user, action=action, since=since)
    rows.reverse()  # oldest first, as a log reads
    if not rows:  # nothing printed would read as "nobody did anything"
        filters = (("user", user), ("action", action), ("since", since))
        given = [f"--{k} {v}" for k, v in filters if v]
        typer.echo(
            f"no entry matches {', '.join(given)}" if given else "the audit log is empty",
            err=True,
        )
    if format == "csv":
        typer.echo(audit_csv(rows), nl=False)
        return
    for r in rows:
        typer.echo(
            f"{r['at']}  {r['user_name'] or '-':<12} {r['action']:<22} {r['target'] or ''}"
            + (f"  rows={r['rows']}" if r["rows"] is not None else "")
            + (f"  {r['detail']}" if r["detail"] else "")
        )
