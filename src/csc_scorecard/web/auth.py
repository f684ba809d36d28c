"""Passwords, sign-in, sessions and CSRF for the dashboard.

Passwords are hashed with argon2id (argon2-cffi's defaults: RFC 9106 low-memory profile).
A session is a random token in an HttpOnly, SameSite=Lax cookie (Secure over HTTPS); the
server keeps only its hash, with an idle timeout and an absolute lifetime, and logout ends it
server-side. Every state-changing request carries the session's CSRF token (form field
``csrf_token``, or the ``X-CSRF-Token`` header for htmx requests). Sign-in is rate-limited
per user name and per address.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from csc_scorecard.web.state import State, User

HASHER = PasswordHasher()  # argon2id
MIN_PASSWORD = 12
SESSION_COOKIE = "csc_session"
LOGIN_COOKIE = "csc_login"  # the CSRF token of the sign-in form, before there is a session
# A dummy hash to verify against when the user does not exist, so timing does not tell.
_DUMMY = HASHER.hash("not a real password, only for timing")


@dataclass(frozen=True)
class Limits:
    idle_minutes: float = 30
    lifetime_hours: float = 10
    failures: int = 5  # failed sign-ins allowed per user name or address ...
    failure_window_minutes: float = 15  # ... in this window, then refused until it passes

    @property
    def idle_seconds(self) -> float:
        return self.idle_minutes * 60

    @property
    def lifetime_seconds(self) -> float:
        return self.lifetime_hours * 3600


class PasswordRefused(ValueError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise PasswordRefused(f"a password needs at least {MIN_PASSWORD} characters")
    return HASHER.hash(password)


class SignIn:
    """Outcomes of a sign-in attempt."""

    OK = "ok"
    FAILED = "failed"
    LIMITED = "limited"


def sign_in(
    state: State, name: str, password: str, address: str | None, limits: Limits
) -> tuple[str, User | None]:
    """Check a password: (outcome, user). Counts failures; refuses while over the limit."""
    name = name.strip()
    window = limits.failure_window_minutes * 60
    if state.recent_failures(name, address, window) >= limits.failures:
        state.audit(name or None, "login_refused_rate_limit", address=address)
        return SignIn.LIMITED, None
    stored = state.password_hash(name) if name else None
    user = state.user(name) if stored else None
    try:
        HASHER.verify(stored or _DUMMY, password)
        good = stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        good = False
    if not good or user is None or user.disabled:
        state.record_failure(name, address)
        state.audit(name or None, "login_failed", address=address)
        return SignIn.FAILED, None
    if HASHER.check_needs_rehash(stored):
        state.set_password_hash(name, HASHER.hash(password))
    state.audit(user.name, "login", address=address)
    return SignIn.OK, user


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected, given)  # type: ignore[arg-type]
