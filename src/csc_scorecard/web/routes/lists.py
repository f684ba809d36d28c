"""The operational lists (`csc_scorecard.lists`): the index, and one list on a date by urgency,
exportable as CSV or Excel; every view and export audited."""

from __future__ import annotations

import tempfile
from datetime import date as Date
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import Response

from csc_scorecard.errors import BadInput
from csc_scorecard.lists.reviews_due import days_ahead
from csc_scorecard.lists.subjects import is_team_name, unknown_subject
from csc_scorecard.web.app import BadRequest
from csc_scorecard.web.quoting import quoted
from csc_scorecard.web.routes.common import (
    XLSX,
    Manager,
    attachment,
    export_format,
    export_name,
    team_for,
    web_of,
    worker_for,
)

if TYPE_CHECKING:
    from csc_scorecard.lists import ListResult

router = APIRouter()


@router.get("/lists")
def lists_index(request: Request, session: Manager) -> Response:
    from csc_scorecard.lists import LISTS

    data = {
        "lists": [
            {"name": s.name, "title": s.title, "description": s.description, "sort": s.sort}
            for s in LISTS.values()
        ]
    }
    return web_of(request).page(request, "lists.html", data, session)


@router.get("/lists/{name}")
def list_page(
    request: Request,
    name: str,
    session: Manager,
    date: str | None = None,
    team: str | None = None,
    worker: str | None = None,
    days: str | None = None,
    format: str | None = None,
) -> Response:
    """One operational list on a date (default: the last day the data reaches), by urgency;
    `days` ahead for a list that looks ahead (reviews-due), as `scorecard lists --days`."""
    from csc_scorecard import lists

    web = web_of(request)
    if name not in lists.LISTS:
        raise LookupError(f"There is no list {quoted(name)}.")
    export_format(format)
    options: dict[str, int] = {}
    if days:
        if "days_ahead" not in lists.LISTS[name].options:
            raise BadRequest(f"days applies to reviews-due, not {name}.")
        try:
            options["days_ahead"] = days_ahead(days, "days", quoted)
        except BadInput as error:
            raise BadRequest(f"{error}.") from None
    try:
        on = Date.fromisoformat(date) if date else web.data.quarter(None).end
    except ValueError:
        raise BadRequest(f"{quoted(date)} is not a date like 2022-06-30.") from None
    with web.data.store() as db:
        own = session.user.team
        if (
            session.user.role == "manager"
            and own
            and team
            and is_team_name(db, web.data.la_code(), own, team)
        ):  # a list's team may be named: their own team's name is their own team
            team = own
        team = team_for(session, team, "the lists")
        refusal = unknown_subject(
            db, web.data.la_code(), team or None, worker or None,
            labels=("team", "worker"), quote=quoted,
        )  # fmt: skip
        if refusal:  # an empty list for a mistyped team reads as "nobody overdue"
            raise LookupError(f"{refusal}.")
        worker_for(session, db, web.data.la_code(), worker, "the lists")
        try:  # a date the data do not reach reads as "nobody overdue": refused
            result = lists.build_on(
                name, db, web.data.la_code(), on, "date",
                team=team or None, worker=worker or None, **options,
            )  # fmt: skip
        except BadInput as error:
            raise BadRequest(f"{error}.") from None
    target = f"{name} {on} team={team or '*'} worker={worker or '*'}"
    if result.days_ahead is not None:
        target += f" days={result.days_ahead}"
    if format:
        web.audit(request, session, f"export_list_{format}", target, rows=result.count)
        return _list_export(result, format, team, worker)
    web.audit(request, session, "view_list", target, rows=result.count)
    data = {
        "name": name,
        "title": result.title,
        "heading": result.heading(),
        "date": on.isoformat(),
        "team": team,
        "worker": worker,
        "days": result.days_ahead,
        "count": result.count,
        "sort": result.sort,
        "notice": result.notice,
        "notes": list(result.notes),
        "columns": dict(result.columns),
        "rows": result.rows.slice(0, 1000).to_pylist(),
    }
    return web.page(request, "list.html", data, session)


def _list_export(result: ListResult, fmt: str, team: str | None, worker: str | None) -> Response:
    from csc_scorecard.lists.output import to_csv, to_xlsx

    days = f"{result.days_ahead}days" if result.days_ahead is not None else None
    stem = export_name(result.name, team, worker, result.on.isoformat(), days)
    if fmt == "csv":
        return attachment(to_csv(result), "text/csv", f"{stem}.csv")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stem}.xlsx"
        to_xlsx(result, path)
        body = path.read_bytes()
    return attachment(body, XLSX, f"{stem}.xlsx")
