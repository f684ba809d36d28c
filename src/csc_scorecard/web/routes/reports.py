"""Reports: the quarter's report files, building one (publication for everyone, internal for
analysts) and downloading it; builds and downloads audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from csc_scorecard.web.app import BadRequest, Refused, wants_json
from csc_scorecard.web.quoting import quoted
from csc_scorecard.web.routes.common import Viewer, quarter_options, web_of

router = APIRouter()

FORMATS = ["html", "pdf", "docx", "xlsx"]


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
    data["formats"] = list(FORMATS)
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
    from csc_scorecard.report.publication import CommentaryNumbers

    web = web_of(request)
    quarter = web.data.quarter(period)
    if format not in FORMATS:
        raise BadRequest(f"{format!r} is not a report format: choose html, pdf, docx or xlsx.")
    if variant not in ("publication", "internal"):
        raise BadRequest("Choose the publication or the internal report.")
    if variant == "internal" and not session.user.at_least("analyst"):
        raise Refused("Only analysts and administrators can build the internal report.")
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
        raise LookupError(f"No report file {quoted(name)} has been built for {quarter}.")
    if "_publication" not in path.name and not session.user.at_least("analyst"):
        raise Refused("Only analysts and administrators can download the internal report.")
    web.audit(request, session, "report_download", f"{quarter} {path.name}")
    return FileResponse(path, filename=path.name)
