"""Single sign-on with a council's identity provider: OpenID Connect through Authlib.

Configured by `scorecard serve --oidc-issuer URL --oidc-client-id ID` with the client secret in
the environment (`SCORECARD_OIDC_CLIENT_SECRET`, never on the command line). The flow is the
authorisation-code flow with PKCE; Authlib checks the ID token's signature, issuer, audience,
expiry and nonce. The identity provider proves who someone is; the role stays managed here: a
person signs in only as an existing, enabled local user. The first time, the claim named by
`--oidc-claim` (default `email`) must equal the user's name, and the provider's subject is then
linked to that user; later sign-ins match on the subject alone. After that the session is the
dashboard's own (server-side, as for a password sign-in).

Authlib keeps the flow's state, nonce and PKCE verifier in a short signed cookie for the few
seconds between the redirect and the callback; that cookie holds nothing else.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any

from csc_scorecard.web.state import State, User

SECRET_ENV = "SCORECARD_OIDC_CLIENT_SECRET"


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    claim: str = "email"
    label: str = "your council account"

    @classmethod
    def from_options(
        cls, issuer: str | None, client_id: str | None, claim: str = "email"
    ) -> OidcConfig | None:
        if not issuer:
            return None
        secret = os.environ.get(SECRET_ENV, "")
        if not client_id or not secret:
            raise ValueError(
                f"single sign-on needs --oidc-client-id and the client secret in ${SECRET_ENV}"
            )
        return cls(issuer.rstrip("/"), client_id, secret, claim)

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def client(config: OidcConfig, **endpoints: Any) -> Any:
    """The Authlib client for the provider (``endpoints`` replace discovery, for tests)."""
    from authlib.integrations.starlette_client import OAuth

    oauth = OAuth()
    options: dict[str, Any] = {
        "client_id": config.client_id,
        "client_secret": config.client_secret,
        "client_kwargs": {"scope": "openid email profile", "code_challenge_method": "S256"},
    }
    if endpoints:
        options.update(endpoints)
    else:
        options["server_metadata_url"] = config.metadata_url
    return oauth.register("council", **options)


def session_secret() -> str:
    """The key that signs the short-lived flow cookie: new each time the server starts."""
    return secrets.token_urlsafe(32)


def local_user(state: State, claims: dict[str, Any], config: OidcConfig) -> User | None:
    """The enabled local user these verified ID-token claims sign in as, or None.

    Matched by the provider's subject once linked; before that by the configured claim equal to
    the user name (case-insensitive for e-mail addresses), and then linked.
    """
    subject = str(claims.get("sub") or "")
    if not subject or claims.get("email_verified") is False:
        return None
    issuer_subject = f"{config.issuer}|{subject}"
    user = state.user_by_subject(issuer_subject)
    if user is None:
        wanted = str(claims.get(config.claim) or "").strip()
        if not wanted:
            return None
        user = state.user(wanted) or next(
            (u for u in state.users() if u.name.lower() == wanted.lower()), None
        )
        if user is None or state.subject_of(user.name):
            return None  # unknown, or already linked to another identity
        state.link_subject(user.name, issuer_subject)
    return None if user.disabled else user
