"""The dashboard's error pages: a refusal, a bad request, an unknown page, the store busy (503
while an ingest holds it), unusable or holding no authority (503), a page still being prepared
(202, polled) and any failure (500), as HTML or as JSON for a `.json` path; never a traceback."""

from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from csc_scorecard.web.app import BadRequest, NotSignedIn, Refused, Web, wants_json
from csc_scorecard.web.data import NoAuthority, Preparing, StoreBusy, StoreUnusable

log = logging.getLogger("csc_scorecard.web")


def add_error_pages(app: FastAPI, web: Web) -> None:
    """Each error the routes raise answered as its page (or JSON)."""

    def error(request: Request, status: int, title: str, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": title, "detail": message}, status_code=status)
        return web.templates.TemplateResponse(
            request,
            "error.html",
            {
                "title": title,
                "message": message,
                "session": web.session(request) if status != 401 else None,
                "path": request.url.path,
                "data": {},
            },
            status_code=status,
        )

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if wants_json(request):
            return JSONResponse({"error": "not signed in"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.headers.get("hx-request"):
            # htmx would follow a redirect and swap the sign-in page into the polled part:
            # the whole page goes to sign in, and back to the page (of this site) afterwards
            target = _shown_page(request, request.headers.get("hx-current-url"), target)
            return Response(
                status_code=401, headers={"HX-Redirect": f"/login?next={quote(target, safe='')}"}
            )
        if request.method not in ("GET", "HEAD"):
            # a form sent after the session ended: back to the form's page, not its action
            target = _shown_page(request, request.headers.get("referer"), "/")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        # who asked for what they may not see (the path only: a query may name a worker)
        web.audit(request, web.session(request), "access_refused", request.url.path, detail=exc.why)
        return error(request, 403, "Not allowed", exc.why)

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> Response:
        return error(request, exc.status, "Cannot do that", exc.why)

    @app.exception_handler(LookupError)
    async def not_found(request: Request, exc: LookupError) -> Response:
        return error(request, 404, "Not found", str(exc).strip("'\""))

    @app.exception_handler(StoreBusy)
    async def busy(request: Request, exc: StoreBusy) -> Response:
        response = error(
            request,
            503,
            "The data cannot be read just now",
            f"The store is probably being updated by a load: try again in a minute. ({exc})",
        )
        response.headers["Retry-After"] = "30"
        return response

    @app.exception_handler(StoreUnusable)
    async def unusable(request: Request, exc: StoreUnusable) -> Response:
        # not busy either: no Retry-After, and the reason for whoever runs the server
        return error(
            request,
            503,
            "The store cannot be used",
            f"The store cannot be used: {exc}. Tell the performance team.",
        )

    @app.exception_handler(NoAuthority)
    async def no_authority(request: Request, exc: NoAuthority) -> Response:
        # not busy: trying again will not help until data is loaded or the server restarted
        return error(request, 503, "No data to show", str(exc))

    @app.exception_handler(Preparing)
    async def preparing(request: Request, exc: Preparing) -> Response:
        if wants_json(request):
            return JSONResponse({"status": "preparing", "detail": str(exc)}, status_code=202)
        return web.templates.TemplateResponse(
            request,
            "preparing.html",
            {
                "message": str(exc),
                "session": web.session(request),
                "path": request.url.path,
                "data": {},
                "again": str(request.url),
            },
            status_code=202,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # FastAPI's own answer is JSON listing every error: one line naming the first instead
        return error(request, 400, "Cannot do that", _first_problem(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        words = {400: "Cannot do that", 404: "Not found", 405: "Not allowed", 422: "Cannot do that"}
        detail = str(exc.detail)
        if detail == HTTPStatus(exc.status_code).phrase:  # Starlette's own: the status name
            detail = {
                404: "There is no page at this address.",
                405: f"This address does not take a {request.method} request.",
            }.get(exc.status_code, detail)
        return error(request, exc.status_code, words.get(exc.status_code, "Error"), detail)

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception) -> Response:
        # The log names the error type and route only: never request data or child-level values.
        log.error("error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return error(
            request,
            500,
            "Something went wrong",
            "The page could not be produced. The error has been logged; please tell the performance team.",
        )


def _shown_page(request: Request, url: str | None, otherwise: str) -> str:
    """The path and query of ``url`` (the page the browser shows) when it is of this site."""
    shown = urlsplit(url or "")
    if shown.netloc != request.url.netloc or not shown.path.startswith("/"):
        return otherwise
    return shown.path + (f"?{shown.query}" if shown.query else "")


def _first_problem(exc: RequestValidationError) -> str:
    """The first field a request lacked or got wrong, in one line (no value echoed)."""
    problem = exc.errors()[0] if exc.errors() else {}
    where, name = (list(problem.get("loc", ())) + ["", ""])[:2]
    what = "form" if where == "body" else "address"
    if problem.get("type") == "missing":
        return f"The {what} is missing its {str(name)!r} field: reload the page and try again."
    return f"The {what}'s {str(name)!r} field cannot be used: reload the page and try again."
