"""For administrators: the audit log (filtered, exportable as CSV) and the users."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from csc_scorecard.web.app import BadRequest
from csc_scorecard.web.quoting import quoted
from csc_scorecard.web.routes.common import Admin, attachment, web_of
from csc_scorecard.web.state import audit_csv

router = APIRouter()


@router.get("/audit")
def audit(
    request: Request,
    session: Admin,
    user: str | None = None,
    action: str | None = None,
    since: str | None = None,
    format: str | None = None,
) -> Response:
    web = web_of(request)
    if since and not _is_date(since):
        raise BadRequest(f"since {quoted(since)} is not a date like 2026-01-31.")
    if format not in (None, "", "csv"):
        raise BadRequest(f"format {quoted(format)}: the audit log exports as csv only.")
    if format == "csv":
        rows = web.state.audit_rows(user=user or None, action=action or None, since=since or None)
        web.audit(request, session, "audit_export", rows=len(rows))
        return attachment(audit_csv(rows), "text/csv", "audit.csv")
    rows = web.state.audit_rows(
        user=user or None, action=action or None, since=since or None, limit=500
    )
    data = {"rows": rows, "user": user, "action": action, "since": since}
    return web.page(request, "audit.html", data, session)


def _is_date(text: str) -> bool:
    """Whether `text` is a real day written YYYY-MM-DD (not 2026-13-45)."""
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and bool(date.fromisoformat(text))
    except ValueError:
        return False


@router.get("/admin/users")
def users(request: Request, session: Admin) -> Response:
    web = web_of(request)
    data = {"users": [u.__dict__ for u in web.state.users()]}
    return web.page(request, "users.html", data, session)


@router.post("/admin/users")
def change_user(
    request: Request,
    session: Admin,
    name: Annotated[str, Form()],
    action: Annotated[str, Form()],
    role: Annotated[str, Form()] = "",
    team: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    from csc_scorecard.web.auth import PasswordRefused, hash_password
    from csc_scorecard.web.state import UserError

    web = web_of(request)
    if team and action in ("add", "set-role"):  # a team the store never names: every page 404
        from csc_scorecard.lists.subjects import unknown_team_of_store

        with web.data.store() as db:
            refusal = unknown_team_of_store(db, team, "team", quoted)
        if refusal:
            raise BadRequest(f"{refusal}.")
    try:
        if action == "add":
            user = web.state.add_user(name, role, hash_password(password), team or None)
        elif action == "set-role":
            user = web.state.set_role(name, role, team)
        elif action in ("disable", "enable"):
            if name == session.user.name:
                raise UserError("you cannot disable your own account")
            user = web.state.set_disabled(name, action == "disable")
        else:
            raise UserError(f"unknown action {action!r}")
    except (UserError, PasswordRefused) as error:
        raise BadRequest(str(error).capitalize() + ".") from None
    web.audit(
        request,
        session,
        f"user_{action.replace('-', '_')}",
        user.name,
        detail=f"role={user.role} team={user.team or ''}",
    )
    return RedirectResponse("/admin/users", status_code=303)
