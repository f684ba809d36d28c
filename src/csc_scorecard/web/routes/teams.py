"""The teams: every team's caseloads, span and supervision; one team's case holders, overdue
supervisions and its part of the measures (fetched by htmx while they are built)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from csc_scorecard.web.app import Refused
from csc_scorecard.web.data import Preparing
from csc_scorecard.web.routes.common import Manager, quarter_options, web_of
from csc_scorecard.web.state import Session

router = APIRouter()


@router.get("/teams")
def teams(request: Request, session: Manager, period: str | None = None) -> Response:
    web = web_of(request)
    quarter = web.data.quarter(period)
    data = web.data.teams(quarter)
    data["quarters"] = quarter_options(web)
    data["own_team"] = session.user.team if session.user.role == "manager" else None
    return web.page(request, "teams.html", data, session)


@router.get("/teams/{team_id}")
def team(request: Request, team_id: str, session: Manager, period: str | None = None) -> Response:
    web = web_of(request)
    quarter = web.data.quarter(period)
    _own_team(session, team_id, "the workers")
    data = web.data.team(quarter, team_id)
    data["quarters"] = quarter_options(web)
    data["measures_url"] = f"/teams/{quote(team_id, safe='')}/measures?period={quarter}"
    try:  # the team's part of each measure, when built (else the page fetches it: htmx)
        data.update(web.data.team_measures(quarter, team_id))
    except Preparing:
        data["measures"] = None
    web.audit(
        request, session, "view_team_workers", f"{team_id} {quarter}", rows=len(data["workers"])
    )
    return web.page(request, "team.html", data, session)


@router.get("/teams/{team_id}/measures")
def team_measures(
    request: Request, team_id: str, session: Manager, period: str | None = None
) -> Response:
    """The team's measures alone (aggregates: no audit entry); 202 while being built."""
    web = web_of(request)
    quarter = web.data.quarter(period)
    _own_team(session, team_id, "the measures")
    data = web.data.team(quarter, team_id)
    data["measures_url"] = str(request.url.path) + f"?period={quarter}"
    status = 200
    try:
        data.update(web.data.team_measures(quarter, team_id))
    except Preparing:
        data["measures"], status = None, 202
    return web.page(request, "team_measures.html", data, session, status=status)


def _own_team(session: Session, team_id: str, what: str) -> None:
    if session.user.role == "manager" and session.user.team != team_id:
        raise Refused(f"Managers see {what} of their own team only.")
