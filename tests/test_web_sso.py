"""Single sign-on (OpenID Connect through Authlib) against a fake identity provider: the
redirect carries PKCE, state and nonce; a signed ID token for a linked or matching local user
signs in; an unknown, disabled or unverified identity is refused; each outcome is audited."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from web_fixtures import add_users, copy_store

from csc_scorecard.web.sso import OidcConfig, local_user

ISSUER = "https://idp.council.example"
CLIENT = "scorecard"


@pytest.fixture(scope="module")
def key():
    from authlib.jose import JsonWebKey

    return JsonWebKey.generate_key("RSA", 2048, is_private=True)


def provider(key, claims: dict):
    """An httpx transport answering the token and key endpoints as an identity provider would."""
    from authlib.jose import jwt

    seen: dict = {}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            form = parse_qs(request.content.decode())
            seen["code_verifier"] = form.get("code_verifier", [None])[0]
            now = int(time.time())
            id_token = jwt.encode(
                {"alg": "RS256", "kid": key.as_dict()["kid"]},
                {
                    "iss": ISSUER,
                    "aud": CLIENT,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": seen["nonce"],
                    **claims,
                },
                key,
            ).decode()
            return httpx.Response(
                200,
                json={
                    "access_token": "at",
                    "token_type": "Bearer",
                    "id_token": id_token,
                    "expires_in": 300,
                },
            )
        if request.url.path == "/jwks":
            return httpx.Response(200, json={"keys": [key.as_dict(is_private=False)]})
        return httpx.Response(404)

    return httpx.MockTransport(handle), seen


def sso_app(key, claims: dict):
    from csc_scorecard.web.app import create_app
    from csc_scorecard.web.data import Config
    from csc_scorecard.web.state import state_path

    transport, seen = provider(key, claims)
    store = copy_store()
    app = create_app(
        Config(store=store, state=state_path(store)),
        oidc=OidcConfig(ISSUER, CLIENT, "client secret"),
        oidc_endpoints={
            "authorize_url": f"{ISSUER}/authorize",
            "access_token_url": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks",
            "issuer": ISSUER,
            "client_kwargs": {
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "transport": transport,
            },
        },
    )
    add_users(app, None)
    return app, seen


def sign_in(app, seen):
    from fastapi.testclient import TestClient

    client = TestClient(app, raise_server_exceptions=False)
    start = client.get("/login/sso?next=/teams", follow_redirects=False)
    assert start.status_code == 302
    target = urlparse(start.headers["location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{ISSUER}/authorize"
    assert query["client_id"] == [CLIENT] and query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["redirect_uri"][0].endswith("/login/sso/callback")
    seen["nonce"] = query["nonce"][0]
    back = client.get(
        f"/login/sso/callback?code=abc&state={query['state'][0]}", follow_redirects=False
    )
    return client, back


def test_first_sign_in_links_the_identity_then_the_subject_alone_matches(key):
    app, seen = sso_app(key, {"sub": "idp-42", "email": "Analyst", "email_verified": True})
    client, back = sign_in(app, seen)
    assert back.status_code == 303 and back.headers["location"] == "/teams"
    assert seen["code_verifier"], "the token request carries the PKCE verifier"
    assert client.get("/teams").status_code == 200
    state = app.state.web.state
    assert state.subject_of("analyst") == f"{ISSUER}|idp-42"
    row = state.audit_rows(action="login")[0]
    assert row["user_name"] == "analyst" and row["detail"] == "sso"
    # later: the e-mail claim no longer matters, the subject does
    config = app.state.web.oidc
    assert local_user(state, {"sub": "idp-42", "email": "someone@else"}, config).name == "analyst"
    # and another identity claiming the linked name is refused
    assert local_user(state, {"sub": "idp-99", "email": "analyst"}, config) is None


def test_unknown_identity_is_refused_and_audited(key):
    app, seen = sso_app(key, {"sub": "idp-7", "email": "nobody@council.example"})
    client, back = sign_in(app, seen)
    assert back.status_code == 403 and "no access to this dashboard" in back.text
    assert client.get("/", follow_redirects=False).status_code == 303
    assert app.state.web.state.audit_rows(action="login_failed")[0]["detail"].startswith("sso:")


def test_callback_without_the_flow_state_is_refused(key):
    from fastapi.testclient import TestClient

    app, _ = sso_app(key, {"sub": "x", "email": "viewer"})
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/login/sso/callback?code=abc&state=forged")
    assert response.status_code == 401
    assert "did not complete" in response.text


def test_disabled_or_unverified_users_do_not_sign_in():
    from csc_scorecard.web.auth import hash_password
    from csc_scorecard.web.state import State

    store = copy_store()
    state = State(store.with_name("s.web.sqlite"))
    state.add_user("viewer", "viewer", hash_password("long enough password"), None)
    config = OidcConfig(ISSUER, CLIENT, "secret")
    assert (
        local_user(state, {"sub": "a", "email": "viewer", "email_verified": False}, config) is None
    )
    state.set_disabled("viewer")
    assert local_user(state, {"sub": "a", "email": "viewer"}, config) is None
    assert local_user(state, {"email": "viewer"}, config) is None  # no subject


def test_sso_is_off_unless_configured():
    from web_fixtures import client_for, dashboard

    client = client_for(dashboard()[0], None)
    assert client.get("/login/sso").status_code == 404
    assert "council account" not in client.get("/login").text
