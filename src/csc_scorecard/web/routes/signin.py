"""Signing in (a password form, or the council's single sign-on) and out."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from csc_scorecard.web.app import BadRequest, Web, address
from csc_scorecard.web.auth import LOGIN_COOKIE, SESSION_COOKIE, SignIn, same_token, sign_in
from csc_scorecard.web.routes.common import Viewer, web_of

router = APIRouter()


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next)


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
        return _login_page(request, next, message, status=429 if outcome == SignIn.LIMITED else 401)
    token, _ = web.state.start_session(user.name)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(web, request, response, SESSION_COOKIE, token)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


def _login_page(
    request: Request, next: str, error: str | None = None, status: int = 200
) -> Response:
    """The sign-in form (with ``error`` after a failed attempt) and a fresh form token."""
    web = web_of(request)
    token = secrets.token_urlsafe(32)
    data = {"next": _safe_next(next)}
    if error is not None:  # (the form's JSON names the error only after a failed attempt)
        data["error"] = error
    response = web.page(
        request,
        "login.html",
        data,
        status=status,
        extra={"login_token": token, "error": error, "sso": web.oidc is not None},
    )
    _set_cookie(web, request, response, LOGIN_COOKIE, token, max_age=3600)
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
