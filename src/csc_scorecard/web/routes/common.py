"""What the dashboard's routes share: the roles as dependencies, the team a manager is held
to, the quarter menu, the export formats and the attachment answer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.measures.data_dates import data_to_words
from csc_scorecard.web.app import BadRequest, Refused, Web, need
from csc_scorecard.web.quoting import quoted
from csc_scorecard.web.state import Session

if TYPE_CHECKING:
    from csc_scorecard.store import Store

Viewer = Annotated[Session, Depends(need("viewer"))]
Manager = Annotated[Session, Depends(need("manager"))]
Analyst = Annotated[Session, Depends(need("analyst"))]
Admin = Annotated[Session, Depends(need("admin"))]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def web_of(request: Request) -> Web:
    return request.app.state.web


def publication_for(session: Session) -> bool:
    """Viewers see what is published: small counts suppressed, no worker-level figures."""
    return not session.user.at_least("manager")


def quarter_options(web: Web) -> list[dict[str, str]]:
    """The quarter menu: a quarter the extraction cuts short says so, as `scorecard measures`
    does ('Q1 2022/23, to 15/05/2022, where the loaded data end')."""
    return [
        {"id": str(q), "label": f"{q.label}, {data_to_words(day)}" if day else q.label}
        for q in web.data.quarters()
        for day in [web.data.cut_short(q)]
    ]


def known_measure(measure_id: str) -> None:
    """LookupError (a 404 page) unless the catalogue has the measure."""
    if measure_id not in catalogue():
        raise LookupError(f"There is no measure {quoted(measure_id)} in the catalogue.")


def team_for(session: Session, team: str | None, what: str) -> str | None:
    """The team a page is for: a manager is held to their own (Refused for another), so
    ``what`` names what managers see of it; other roles get the team asked for."""
    if session.user.role != "manager":
        return team
    if not session.user.team:
        raise Refused("Your account has no team: ask an administrator to set it.")
    if team and team != session.user.team:
        raise Refused(f"Managers see {what} of their own team only.")
    return session.user.team


def worker_for(session: Session, db: Store, la: str, worker: str | None, what: str) -> None:
    """Refused when a manager asks for a worker of another team (`lists.subjects.outside_team`):
    held to their own team, the answer would be empty, which reads as "none of theirs"."""
    from csc_scorecard.lists.subjects import outside_team

    team = session.user.team
    if session.user.role == "manager" and worker and team and outside_team(db, la, team, worker):
        raise Refused(
            f"Managers see {what} of their own team only: the store names worker "
            f"{quoted(worker)} in no post, case or event of team {quoted(team)}."
        )


def export_format(format: str | None) -> None:
    """BadRequest unless ``format`` is empty (the page) or an export (csv, xlsx)."""
    if format not in (None, "", "csv", "xlsx"):
        raise BadRequest("Export as csv or xlsx.")


def export_name(*parts: str | None) -> str:
    """A download's file name (no extension) from what it holds: the list or measure, the team
    and worker it is for, its date or quarter, joined by '_' and empty parts left out, each in
    safe characters only (a team's name 'ACPS North 1' -> 'ACPS-North-1'), so one team's
    workbook is not saved over another's. Never given a child-level value."""
    return "_".join(re.sub(r"[^A-Za-z0-9_-]+", "-", p).strip("-") for p in parts if p)


def attachment(body: bytes | str, media_type: str, filename: str) -> Response:
    """A download: the body with the file name the browser saves it under."""
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
