"""The dashboard application: FastAPI, Jinja2 templates and htmx, every asset from the package.

Cross-cutting rules live here, once, so no route can forget them:
* every path also answers as JSON with ``.json`` appended (datasette's convention): the
  suffix is stripped before routing and the page returns its data instead of HTML; HEAD is
  answered as GET, without the body;
* ``need(role)`` signs the request in from its session cookie: anonymous HTML requests are
  sent to /login, anonymous JSON gets 401, a role too low gets 403; state-changing requests
  must carry the session's CSRF token;
* every response carries the security headers (a CSP with no inline script, nosniff, frame
  denial, no caching of pages that may hold personal data);
* errors are pages (404, 403, 503 while an ingest holds the store), never a traceback
  (`web/errors.py`).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from csc_scorecard.web import sso
from csc_scorecard.web.auth import SESSION_COOKIE, Limits, same_token
from csc_scorecard.web.data import BadRequest, Config, Data
from csc_scorecard.web.sso import OidcConfig
from csc_scorecard.web.state import Session

PACKAGE = resources.files("csc_scorecard.web")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

NAV = (  # (path, label, lowest role)
    ("/", "Overview", "viewer"),
    ("/teams", "Teams", "manager"),
    ("/lists", "Lists", "manager"),
    ("/quality", "Data quality", "manager"),
    ("/loads", "Loads", "analyst"),
    ("/reports", "Reports", "viewer"),
    ("/audit", "Audit log", "admin"),
    ("/admin/users", "Users", "admin"),
)


class NotSignedIn(Exception):
    pass


class Refused(Exception):
    """Signed in, but the role (or team) does not allow this."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class Web:
    """What every route needs: data, state, templates, limits."""

    def __init__(
        self,
        config: Config,
        limits: Limits,
        secure_cookies: bool | None,
        oidc: OidcConfig | None = None,
        oidc_endpoints: dict[str, Any] | None = None,
    ) -> None:
        self.data = Data(config)
        self.oidc = oidc
        self.oidc_client = sso.client(oidc, **(oidc_endpoints or {})) if oidc else None
        self.state = self.data.state
        self.limits = limits
        self.secure_cookies = secure_cookies  # None: Secure when the request came over HTTPS
        self.templates = Jinja2Templates(directory=str(PACKAGE / "templates"))
        self.templates.env.globals["nav"] = NAV

    def session(self, request: Request) -> Session | None:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            return None
        return self.state.session(token, self.limits.idle_seconds, self.limits.lifetime_seconds)

    def secure(self, request: Request) -> bool:
        if self.secure_cookies is not None:
            return self.secure_cookies
        return request.url.scheme == "https"

    def audit(
        self,
        request: Request,
        session: Session | None,
        action: str,
        target: str | None = None,
        rows: int | None = None,
        detail: str | None = None,
    ) -> None:
        self.state.audit(
            session.user.name if session else None, action, target, rows, detail, address(request)
        )

    def page(
        self,
        request: Request,
        template: str,
        data: dict[str, Any],
        session: Session | None = None,
        status: int = 200,
        extra: dict[str, Any] | None = None,
    ) -> Response:
        """The page as HTML, or its data as JSON when the path ended in ``.json``."""
        if wants_json(request):
            return JSONResponse(jsonable_encoder(data), status_code=status)
        return self.templates.TemplateResponse(
            request,
            template,
            {"data": data, "session": session, "path": request.url.path, **(extra or {})},
            status_code=status,
        )


def address(request: Request) -> str | None:
    return request.client.host if request.client else None


def wants_json(request: Request) -> bool:
    return bool(request.scope.get("csc_json"))


def need(role: str) -> Callable[[Request], Session]:
    """A dependency: the signed-in session with at least ``role``; POSTs must carry CSRF."""

    async def dependency(request: Request) -> Session:
        web: Web = request.app.state.web
        session = web.session(request)
        if session is None:
            raise NotSignedIn()
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            given = request.headers.get("x-csrf-token")
            if not given:
                form = await request.form()
                given = str(form.get("csrf_token") or "")
            if not same_token(session.csrf, given):
                web.audit(request, session, "csrf_refused", request.url.path)
                raise BadRequest(
                    "The form had expired or did not come from this site: reload the page and try again.",
                    403,
                )
        if not session.user.at_least(role):
            raise Refused(
                f"This page needs the {role} role; you are signed in as {session.user.role}."
            )
        return session

    return dependency


def create_app(
    config: Config,
    limits: Limits | None = None,
    *,
    secure_cookies: bool | None = None,
    oidc: OidcConfig | None = None,
    oidc_endpoints: dict[str, Any] | None = None,
) -> FastAPI:
    """The dashboard over ``config.store``; its users, sessions and audit in ``config.state``;
    with ``oidc``, single sign-on through the council's identity provider (web/sso.py)."""
    from csc_scorecard.web import errors, routes

    web = Web(config, limits or Limits(), secure_cookies, oidc, oidc_endpoints)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        web.data.close()

    app = FastAPI(
        title="csc-scorecard dashboard",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.web = web
    if oidc:
        from starlette.middleware.sessions import SessionMiddleware

        # Only Authlib's state, nonce and PKCE verifier, between redirect and callback.
        app.add_middleware(
            SessionMiddleware,
            secret_key=sso.session_secret(),
            session_cookie="csc_oidc_flow",
            max_age=600,
            same_site="lax",
            https_only=bool(secure_cookies),
        )
    app.mount("/static", StaticFiles(directory=str(PACKAGE / "static")), name="static")
    routes.register(app)
    _add_json_suffix_and_headers(app, web)
    errors.add_error_pages(app, web)
    return app


def _add_json_suffix_and_headers(app: FastAPI, web: Web) -> None:
    """Every path also answers as JSON with ``.json`` appended; every answer carries the
    security headers and the time this process spent on it."""

    @app.middleware("http")
    async def json_suffix_and_headers(request: Request, call_next):
        path = request.scope["path"]
        if path.endswith(".json") and not path.startswith("/static/"):
            request.scope["path"] = path[: -len(".json")] or "/"
            request.scope["raw_path"] = request.scope["path"].encode()
            request.scope["csc_json"] = True
            if request.scope["path"] == "/index":
                request.scope["path"] = "/"
        head = request.method == "HEAD"
        if head:  # HEAD is answered as GET would be, without its body (HTTP; monitoring probes)
            request.scope["method"] = "GET"
        began = time.perf_counter()
        response = await call_next(request)
        if head:
            async for _ in response.body_iterator:
                pass
            bodiless = Response(status_code=response.status_code)
            bodiless.raw_headers = list(response.raw_headers)
            response = bodiless
        # the time this process spent on the request (benchmarks/dashboard.py reads it)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - began) * 1000:.1f}"
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.scope["path"].startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        if web.secure(request):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def static_path() -> Path:
    return Path(str(PACKAGE / "static"))
