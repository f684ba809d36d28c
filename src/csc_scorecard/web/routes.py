"""The dashboard's routes: each a few lines over `data` (store reads) and `views` (page data).

Roles (docs/dashboard.md): viewer < manager < analyst < admin, each with everything below it.
A viewer sees aggregate pages as published (small counts suppressed) and publication reports;
a manager also the teams and the children and workers of their own team; an analyst every
drill-down, commentary, uploads and internal reports; an admin also users and the audit log.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from csc_scorecard.measures.catalogue import catalogue
from csc_scorecard.web import views
from csc_scorecard.web.app import BadRequest, Refused, Web, address, need, wants_json
from csc_scorecard.web.auth import LOGIN_COOKIE, SESSION_COOKIE, SignIn, same_token, sign_in
from csc_scorecard.web.data import Preparing, Upload
from csc_scorecard.web.state import Session, audit_csv

router = APIRouter()
Viewer = Annotated[Session, Depends(need("viewer"))]
Manager = Annotated[Session, Depends(need("manager"))]
Analyst = Annotated[Session, Depends(need("analyst"))]
Admin = Annotated[Session, Depends(need("admin"))]


def register(app: FastAPI) -> None:
    app.include_router(router)


def web_of(request: Request) -> Web:
    return request.app.state.web


def publication_for(session: Session) -> bool:
    """Viewers see what is published: small counts suppressed, no worker-level figures."""
    return not session.user.at_least("manager")


# -- signing in and out ------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    web = web_of(request)
    token = secrets.token_urlsafe(32)
    response = web.page(
        request,
        "login.html",
        {"next": _safe_next(next)},
        extra={"login_token": token, "error": None, "sso": web.oidc is not None},
    )
    _set_cookie(web, request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    web = web_of(request)
    if not same_token(request.cookies.get(LOGIN_COOKIE), csrf_token):
        raise BadRequest(
            "The sign-in form had expired or did not come from this site: reload it and try again.",
            403,
        )
    outcome, user = sign_in(web.state, username, password, address(request), web.limits)
    if outcome != SignIn.OK or user is None:
        message = (
            "Too many failed sign-ins. Wait 15 minutes and try again, or ask an administrator."
            if outcome == SignIn.LIMITED
            else "The user name or password is not right, or the account is disabled."
        )
        token = secrets.token_urlsafe(32)
        response = web.page(
            request,
            "login.html",
            {"next": _safe_next(next), "error": message},
            status=429 if outcome == SignIn.LIMITED else 401,
            extra={"login_token": token, "error": message, "sso": web.oidc is not None},
        )
        _set_cookie(web, request, response, LOGIN_COOKIE, token, max_age=3600)
        return response
    token, _ = web.state.start_session(user.name)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(web, request, response, SESSION_COOKIE, token)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.get("/login/sso")
async def sso_start(request: Request, next: str = "/") -> Response:
    web = web_of(request)
    if web.oidc_client is None:
        raise LookupError("Single sign-on is not configured on this server.")
    request.session["next"] = _safe_next(next)
    callback = str(request.url_for("sso_callback"))
    return await web.oidc_client.authorize_redirect(request, callback)


@router.get("/login/sso/callback", name="sso_callback")
async def sso_callback(request: Request) -> Response:
    from authlib.integrations.base_client import OAuthError

    from csc_scorecard.web.sso import local_user

    web = web_of(request)
    if web.oidc_client is None or web.oidc is None:
        raise LookupError("Single sign-on is not configured on this server.")
    try:
        token = await web.oidc_client.authorize_access_token(request)
    except OAuthError as error:
        web.state.audit(
            None, "login_failed", detail=f"sso: {error.error}", address=address(request)
        )
        raise BadRequest(
            "Single sign-on did not complete. Try again from the sign-in page.", 401
        ) from None
    claims = dict(token.get("userinfo") or {})
    user = local_user(web.state, claims, web.oidc)
    if user is None:
        web.state.audit(
            None,
            "login_failed",
            detail="sso: no enabled local user for this identity",
            address=address(request),
        )
        raise BadRequest(
            "You signed in with your council account, but you have no access to this dashboard: ask its administrator.",
            403,
        )
    web.state.audit(user.name, "login", detail="sso", address=address(request))
    session_token, _ = web.state.start_session(user.name)
    response = RedirectResponse(_safe_next(request.session.pop("next", "/")), status_code=303)
    _set_cookie(web, request, response, SESSION_COOKIE, session_token)
    return response


@router.post("/logout")
def logout(request: Request, session: Viewer) -> Response:
    web = web_of(request)
    web.state.end_session(request.cookies.get(SESSION_COOKIE, ""))
    web.audit(request, session, "logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _safe_next(target: str | None) -> str:
    """Only a path on this site (never //host or a scheme): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _set_cookie(
    web: Web,
    request: Request,
    response: Response,
    name: str,
    value: str,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=web.secure(request),
    )


# -- overview and measures ---------------------------------------------------------------------


@router.get("/")
def overview(request: Request, session: Viewer, period: str | None = None) -> Response:
    web = web_of(request)
    quarter = web.data.quarter(period)
    context = web.data.context(quarter, publication_for(session))
    data = dict(  # page data kept per load history: a request only renders it
        web.data.cached(
            "overview", (str(quarter), publication_for(session)), lambda: views.overview(context)
        )
    )
    data["quarters"] = quarter_options(web)
    return web.page(request, "overview.html", data, session)


@router.get("/measures/{measure_id}")
def measure_page(
    request: Request, measure_id: str, session: Viewer, period: str | None = None
) -> Response:
    web = web_of(request)
    if measure_id not in catalogue():
        raise LookupError(f"There is no measure {measure_id!r} in the catalogue.")
    quarter = web.data.quarter(period)
    context = web.data.context(quarter, publication_for(session))
    data = dict(
        web.data.cached(
            "measure_page",
            (str(quarter), publication_for(session), measure_id),
            lambda: views.measure(context, measure_id),
        )
    )
    data["quarters"] = quarter_options(web)
    if not publication_for(session):
        history = web.state.commentary_history(web.data.la_code(), measure_id, str(quarter))
        data["commentary"] = {
            "current": _edit(history[0]) if history else None,
            "history": [_edit(h) for h in history],
        }
    chart = web.data.cached(
        "chart",
        (str(quarter), measure_id, publication_for(session)),
        lambda: views.trend_chart(context, measure_id),
    )
    extra = {"chart": chart, "can_edit": session.user.at_least("analyst")}
    data["chart"] = {"alt_text": chart.alt_text, "key": views.chart_key(chart)} if chart else None
    return web.page(request, "measure.html", data, session, extra=extra)


def quarter_options(web: Web) -> list[dict[str, str]]:
    return [{"id": str(q), "label": q.label} for q in web.data.quarters()]


def _edit(e: Any) -> dict[str, Any]:
    return {"text": e.text, "author": e.author, "at": e.at}


@router.post("/measures/{measure_id}/commentary")
def edit_commentary(
    request: Request,
    measure_id: str,
    session: Analyst,
    period: Annotated[str, Form()],
    commentary: Annotated[str, Form()] = "",
) -> Response:
    web = web_of(request)
    if measure_id not in catalogue():
        raise LookupError(f"There is no measure {measure_id!r} in the catalogue.")
    quarter = web.data.quarter(period)
    text = " ".join(commentary.split())
    if not text:
        raise BadRequest("Commentary cannot be blank: write what the figure means and why.")
    if len(text) > 4000:
        raise BadRequest("Commentary is limited to 4,000 characters.")
    web.state.add_commentary(web.data.la_code(), measure_id, str(quarter), text, session.user.name)
    web.audit(
        request,
        session,
        "commentary_edit",
        f"{measure_id} {quarter}",
        detail=f"{len(text)} characters",
    )
    if wants_json(request):
        return web.page(request, "measure.html", {"saved": True}, session)
    return RedirectResponse(f"/measures/{measure_id}?period={quarter}#commentary", status_code=303)


@router.get("/measures/{measure_id}/children")
def children(
    request: Request,
    measure_id: str,
    session: Manager,
    period: str | None = None,
    team: str | None = None,
    worker: str | None = None,
    format: str | None = None,
) -> Response:
    """The drill-down: the rows behind the numerator and denominator, filterable, exportable."""
    try:
        from csc_scorecard.measures.members import NoMembers, about, totals
    except ImportError:  # the measures layer of this build has no member rows yet
        raise LookupError("The drill-down is not available in this version.") from None

    web = web_of(request)
    if measure_id not in catalogue():
        raise LookupError(f"There is no measure {measure_id!r} in the catalogue.")
    quarter = web.data.quarter(period)
    if format not in (None, "", "csv", "xlsx"):
        raise BadRequest("Export as csv or xlsx.")
    if session.user.role == "manager":
        if not session.user.team:
            raise Refused("Your account has no team: ask an administrator to set it.")
        if team and team != session.user.team:
            raise Refused("Managers see the children and workers of their own team only.")
        team = session.user.team
    try:
        table = web.data.members(quarter, measure_id, team=team or None, worker=worker or None)
    except NoMembers as why:
        raise LookupError(f"No drill-down for this measure: {why}.") from None
    meta = about(table)
    target = f"{measure_id} {quarter} team={team or '*'} worker={worker or '*'}"
    if format:
        web.audit(request, session, f"export_children_{format}", target, rows=table.num_rows)
        return _export(table, f"{measure_id}_{quarter}", format)
    web.audit(request, session, "view_children", target, rows=table.num_rows)
    numerator, denominator = totals(table)
    teams = web.data.cached(
        "member_teams",
        (str(quarter), measure_id),
        lambda: sorted({t for t in web.data.members(quarter, measure_id)["team"].to_pylist() if t}),
    )
    columns = [
        "subject_id",
        *(c for c in table.column_names if c not in ("la_code", "period", "subject_id")),
    ]

    def first_rows() -> tuple[list[dict[str, Any]], Markup]:
        """The first 1,000 rows, and their table rows rendered once (per load history)."""
        rows = table.slice(0, 1000).to_pylist()
        html = web.templates.env.get_template("_member_rows.html").render(
            columns=columns, members=rows
        )
        return rows, Markup(html)

    shown, rows_html = web.data.cached(
        "member_rows", (str(quarter), measure_id, team or None, worker or None), first_rows
    )
    data = {
        "measure": measure_id,
        "title": meta.get("title"),
        "period": str(quarter),
        "label": quarter.label,
        "about": meta,
        "team": team,
        "worker": worker,
        "teams": teams if session.user.at_least("analyst") else [team],
        "rows": table.num_rows,
        "numerator": numerator,
        "denominator": denominator,
        # the child (or worker) first, as each row's header; the authority and quarter are above
        "columns": columns,
        "members": shown,
    }
    return web.page(request, "children.html", data, session, extra={"rows_html": rows_html})


def _export(table: Any, stem: str, fmt: str) -> Response:
    from csc_scorecard.csv_safety import write_arrow_csv
    from csc_scorecard.measures.members import write_xlsx

    if fmt == "csv":
        body = (write_arrow_csv(table) or "").encode("utf-8")
        media = "text/csv"
    else:
        buffer = io.BytesIO()
        write_xlsx(table, buffer)
        body = buffer.getvalue()
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


# -- operational lists (csc_scorecard.lists) ------------------------------------------------------


def _lists():
    try:
        from csc_scorecard import lists
    except ImportError:  # this build has no operational lists yet
        raise LookupError("The operational lists are not available in this version.") from None
    return lists


@router.get("/lists")
def lists_index(request: Request, session: Manager) -> Response:
    lists = _lists()
    data = {
        "lists": [
            {"name": s.name, "title": s.title, "description": s.description, "sort": s.sort}
            for s in lists.LISTS.values()
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
    format: str | None = None,
) -> Response:
    """One operational list on a date (default: the last day the data reaches), by urgency."""
    from datetime import date as Date

    lists = _lists()
    web = web_of(request)
    if name not in lists.LISTS:
        raise LookupError(f"There is no list {name!r}.")
    if format not in (None, "", "csv", "xlsx"):
        raise BadRequest("Export as csv or xlsx.")
    try:
        on = Date.fromisoformat(date) if date else web.data.quarter(None).end
    except ValueError:
        raise BadRequest(f"{date!r} is not a date like 2022-06-30.") from None
    if session.user.role == "manager":
        if not session.user.team:
            raise Refused("Your account has no team: ask an administrator to set it.")
        if team and team != session.user.team:
            raise Refused("Managers see the lists of their own team only.")
        team = session.user.team
    with web.data.store() as db:
        result = lists.build(
            name, db, web.data.la_code(), on, team=team or None, worker=worker or None
        )
    target = f"{name} {on} team={team or '*'} worker={worker or '*'}"
    if format:
        web.audit(request, session, f"export_list_{format}", target, rows=result.count)
        return _list_export(lists, result, format)
    web.audit(request, session, "view_list", target, rows=result.count)
    data = {
        "name": name,
        "title": result.title,
        "heading": result.heading(),
        "date": on.isoformat(),
        "team": team,
        "worker": worker,
        "count": result.count,
        "sort": result.sort,
        "notice": result.notice,
        "notes": list(result.notes),
        "columns": dict(result.columns),
        "rows": result.rows.slice(0, 1000).to_pylist(),
    }
    return web.page(request, "list.html", data, session)


def _list_export(lists: Any, result: Any, fmt: str) -> Response:
    from csc_scorecard.lists.output import to_csv, to_xlsx

    stem = f"{result.name}_{result.on.isoformat()}"
    if fmt == "csv":
        return Response(
            to_csv(result),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{stem}.xlsx"
        to_xlsx(result, path)
        body = path.read_bytes()
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'},
    )


# -- teams ----------------------------------------------------------------------------------------


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
    _own_team(session, team_id)
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
    _own_team(session, team_id)
    data = web.data.team(quarter, team_id)
    data["measures_url"] = str(request.url.path) + f"?period={quarter}"
    status = 200
    try:
        data.update(web.data.team_measures(quarter, team_id))
    except Preparing:
        data["measures"], status = None, 202
    return web.page(request, "team_measures.html", data, session, status=status)


def _own_team(session: Session, team_id: str) -> None:
    if session.user.role == "manager" and session.user.team != team_id:
        raise Refused("Managers see the workers of their own team only.")


# -- data quality and loads -----------------------------------------------------------------------


@router.get("/quality")
def quality(
    request: Request,
    session: Manager,
    period: str | None = None,
    rule: str | None = None,
    table: str | None = None,
    team: str | None = None,
) -> Response:
    """Faults by rule, table and team, and the fix list: a manager's own team's faults only
    (child-level, as the drill-down), an analyst's any team's."""
    web = web_of(request)
    quarter = web.data.quarter(period)
    if session.user.role == "manager":
        if not session.user.team:
            raise Refused("Your account has no team: ask an administrator to set it.")
        if team and team != session.user.team:
            raise Refused("Managers see the fix lists of their own team only.")
        team = session.user.team
    data = views.quality(
        web.data.quality(quarter),
        rule=rule or None,
        table=table or None,
        team=team or None,
        examples=session.user.at_least("analyst"),
    )
    data.update(
        period=str(quarter), label=quarter.label, rule=rule, table=table, team=team,
        quarters=quarter_options(web),
    )  # fmt: skip
    web.audit(
        request,
        session,
        "view_fix_list",
        f"{quarter} rule={rule or '*'} table={table or '*'} team={team or '*'}",
        rows=len(data["fix_list"]),
    )
    return web.page(request, "quality.html", data, session)


@router.get("/loads")
def loads(request: Request, session: Analyst) -> Response:
    web = web_of(request)
    return web.page(request, "loads.html", {"loads": web.data.loads()}, session)


@router.post("/loads")
async def upload(request: Request, session: Analyst) -> Response:
    """Save the files, then load them on their own thread: the answer is the progress
    (received, read and checked, stored, results refreshed), which htmx polls; with the
    build in the request (tests) the load has finished by the time it answers."""
    web = web_of(request)
    form = await request.form()
    files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not files:
        raise BadRequest("Choose at least one extract file to upload.")
    folder = Path(tempfile.mkdtemp(prefix="scorecard-upload-"))
    try:
        names = []
        for f in files:
            name = _safe_filename(f.filename or "")
            names.append(name)
            with (folder / name).open("wb") as out:
                shutil.copyfileobj(f.file, out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job = Upload(user=session.user.name, files=names)
    job.done("received", f"{len(names)} files")
    where = address(request)

    def finish(done: Upload) -> None:
        outcome = done.outcome or {}
        if outcome.get("refused"):
            detail = "; ".join(outcome["errors"])[:2000]
            web.state.audit(done.user, "upload_refused", "; ".join(done.files), 0, detail, where)
        else:
            rows = sum(b["rows"] for b in outcome["loads"])
            ids = ", ".join(str(b["load_id"]) for b in outcome["loads"])
            web.state.audit(done.user, "upload", "; ".join(done.files), rows, f"loads {ids}", where)

    await run_in_threadpool(web.data.start_upload, job, folder, finish)
    return _upload_page(request, session, job)


@router.get("/loads/progress/{job_id}")
def upload_progress(request: Request, job_id: str, session: Analyst) -> Response:
    job = web_of(request).data.upload_job(job_id)
    if job.user != session.user.name and not session.user.at_least("admin"):
        raise Refused("This upload was started by another user.")
    return _upload_page(request, session, job)


def _upload_page(request: Request, session: Session, job: Any) -> Response:
    """The upload's progress (202 while it runs), then its outcome (422 when refused)."""
    web = web_of(request)
    data: dict[str, Any] = {"upload": job.view()}
    status = 202
    if job.outcome is not None:  # (while it runs the store is being written: not read here)
        data["outcome"], data["loads"] = job.outcome, web.data.loads()
        status = 422 if job.outcome["refused"] else 200
    template = "loads.html"
    if request.headers.get("hx-request"):  # htmx swaps 2xx answers only: a refusal is shown
        template, status = "upload_result.html", 200 if status == 422 else status
    return web.page(request, template, data, session, status=status)


def _safe_filename(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    name = re.sub(r"[^A-Za-z0-9._ -]", "_", name).strip(" .") or "upload"
    return name[:150]


# -- reports ------------------------------------------------------------------------------------


@router.get("/reports")
def reports_latest(request: Request, session: Viewer) -> Response:
    quarter = web_of(request).data.quarter(None)
    suffix = ".json" if wants_json(request) else ""
    return RedirectResponse(f"/reports/{quarter}{suffix}", status_code=303)


@router.get("/reports/{period}")
def reports(request: Request, period: str, session: Viewer) -> Response:
    web = web_of(request)
    quarter = web.data.quarter(period)
    data = web.data.reports(quarter, internal=session.user.at_least("analyst"))
    data["quarters"] = quarter_options(web)
    data["formats"] = ["html", "pdf", "docx", "xlsx"]
    data["variants"] = (
        ["publication", "internal"] if session.user.at_least("analyst") else ["publication"]
    )
    return web.page(request, "reports.html", data, session)


@router.post("/reports/{period}")
def build_report(
    request: Request,
    period: str,
    session: Viewer,
    format: Annotated[str, Form()] = "html",
    variant: Annotated[str, Form()] = "publication",
) -> Response:
    web = web_of(request)
    quarter = web.data.quarter(period)
    if format not in ("html", "pdf", "docx", "xlsx"):
        raise BadRequest(f"{format!r} is not a report format: choose html, pdf, docx or xlsx.")
    if variant not in ("publication", "internal"):
        raise BadRequest("Choose the publication or the internal report.")
    if variant == "internal" and not session.user.at_least("analyst"):
        raise Refused("Only analysts and administrators can build the internal report.")
    from csc_scorecard.report.publication import CommentaryNumbers

    try:
        web.data.build_report(quarter, format, variant == "publication")
    except CommentaryNumbers as refused:  # the publication check: nothing was written
        raise BadRequest(str(refused), 422) from None
    web.audit(request, session, "report_build", f"{quarter} {variant} {format}")
    if wants_json(request):
        return web.page(request, "reports.html", {"queued": True}, session, status=202)
    return RedirectResponse(f"/reports/{quarter}", status_code=303)


@router.get("/reports/{period}/files/{name}")
def report_file(request: Request, period: str, name: str, session: Viewer) -> Response:
    web = web_of(request)
    quarter = web.data.quarter(period)
    path = web.data.report_file(quarter, name)
    if path is None:
        raise LookupError(f"No report file {name!r} has been built for {quarter}.")
    if "_publication" not in path.name and not session.user.at_least("analyst"):
        raise Refused("Only analysts and administrators can download the internal report.")
    web.audit(request, session, "report_download", f"{quarter} {path.name}")
    return FileResponse(path, filename=path.name)


# -- audit and users ----------------------------------------------------------------------------


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
    if since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        raise BadRequest("'since' is a date like 2026-01-31.")
    if format == "csv":
        rows = web.state.audit_rows(user=user or None, action=action or None, since=since or None)
        web.audit(request, session, "audit_export", rows=len(rows))
        return Response(
            audit_csv(rows),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    rows = web.state.audit_rows(
        user=user or None, action=action or None, since=since or None, limit=500
    )
    data = {"rows": rows, "user": user, "action": action, "since": since}
    return web.page(request, "audit.html", data, session)


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
