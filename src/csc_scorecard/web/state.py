"""The dashboard's own state: users, sessions, the audit log, commentary and login failures.

It lives in a small SQLite file beside the store (``scorecard.duckdb`` ->
``scorecard.web.sqlite``), not in the DuckDB store, because DuckDB lets one process at a time
open a file for writing: if the server held the store read-write to record a session, a
`scorecard ingest` from another process could not run. The server opens the store read-only
for each request and writes only here (SQLite allows many writers, one at a time, across
processes), so the CLI keeps working while the dashboard is up. See docs/dashboard.md.

The audit log and the commentary history are append-only: triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from csc_scorecard.csv_safety import safe_cell

ROLES = ("viewer", "manager", "analyst", "admin")

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  team TEXT,
  password_hash TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  oidc_subject TEXT UNIQUE
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  csrf TEXT NOT NULL,
  created_at REAL NOT NULL,
  last_seen REAL NOT NULL,
  ended_at REAL
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  user_name TEXT,
  action TEXT NOT NULL,
  target TEXT,
  rows INTEGER,
  detail TEXT,
  address TEXT
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS commentary (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  la_code TEXT NOT NULL,
  measure TEXT NOT NULL,
  period TEXT NOT NULL,
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS commentary_no_update BEFORE UPDATE ON commentary
  BEGIN SELECT RAISE(ABORT, 'commentary history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS commentary_no_delete BEFORE DELETE ON commentary
  BEGIN SELECT RAISE(ABORT, 'commentary history is append-only'); END;
CREATE TABLE IF NOT EXISTS login_failures (
  at REAL NOT NULL,
  user_name TEXT,
  address TEXT
);
"""

AUDIT_COLUMNS = ("id", "at", "user_name", "action", "target", "rows", "detail", "address")


def state_path(store: str | Path) -> Path:
    """The state file beside a store: ``la.duckdb`` -> ``la.web.sqlite``."""
    store = Path(store)
    return store.with_name(f"{store.stem}.web.sqlite")


def now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def token_hash(token: str) -> str:
    """Sessions are stored by the hash of their cookie, so a copy of the file opens none."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    name: str
    role: str
    team: str | None
    disabled: bool

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    created_at: float
    last_seen: float


@dataclass(frozen=True)
class CommentaryEdit:
    id: int
    la_code: str
    measure: str
    period: str
    text: str
    author: str
    at: str


class UserError(ValueError):
    """A user change that cannot be made; the message says why."""


class State:
    """The state file. Each thread has its own connection (safe across threads and processes)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            con.executescript(SCHEMA)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, opened once and kept: closing the last connection to a
        WAL database checkpoints it and waits for the disk (10-15 ms on the project machine),
        which every audited page would otherwise pay. Statements run in autocommit mode."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA busy_timeout=30000")
            # WAL with synchronous=NORMAL: a commit is safe against the process failing and
            # never corrupts the file; only a power cut or an operating-system crash can lose
            # the last moments' entries. FULL would wait for the disk on every audit entry.
            con.execute("PRAGMA synchronous=NORMAL")
            self._local.con = con
        yield con

    # -- users ------------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str | None, team: str | None) -> User:
        name = check_name(name)
        check_role(role)
        with self.connect() as con:
            if con.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
                raise UserError(f"user {name!r} already exists")
            con.execute(
                "INSERT INTO users (name, role, team, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                [name, role, team or None, password_hash, now_text()],
            )
        return User(name, role, team or None, False)

    def user(self, name: str) -> User | None:
        with self.connect() as con:
            row = con.execute(
                "SELECT name, role, team, disabled FROM users WHERE name = ?", [name]
            ).fetchone()
        return User(row[0], row[1], row[2], bool(row[3])) if row else None

    def password_hash(self, name: str) -> str | None:
        with self.connect() as con:
            row = con.execute("SELECT password_hash FROM users WHERE name = ?", [name]).fetchone()
        return row[0] if row else None

    def set_password_hash(self, name: str, password_hash: str) -> None:
        with self.connect() as con:
            con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [password_hash, name])

    def users(self) -> list[User]:
        with self.connect() as con:
            rows = con.execute(
                "SELECT name, role, team, disabled FROM users ORDER BY name"
            ).fetchall()
        return [User(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def set_role(self, name: str, role: str, team: str | None = None) -> User:
        check_role(role)
        self._must_exist(name)
        with self.connect() as con:
            if team is None:
                con.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])
            else:
                con.execute(
                    "UPDATE users SET role = ?, team = ? WHERE name = ?", [role, team or None, name]
                )
        return self.user(name)  # type: ignore[return-value]

    def set_disabled(self, name: str, disabled: bool = True) -> User:
        self._must_exist(name)
        with self.connect() as con:
            con.execute("UPDATE users SET disabled = ? WHERE name = ?", [int(disabled), name])
            if disabled:  # a disabled user's sessions end at once
                con.execute(
                    "UPDATE sessions SET ended_at = ? WHERE user_name = ? AND ended_at IS NULL",
                    [time.time(), name],
                )
        return self.user(name)  # type: ignore[return-value]

    def user_by_subject(self, subject: str) -> User | None:
        with self.connect() as con:
            row = con.execute("SELECT name FROM users WHERE oidc_subject = ?", [subject]).fetchone()
        return self.user(row[0]) if row else None

    def subject_of(self, name: str) -> str | None:
        with self.connect() as con:
            row = con.execute("SELECT oidc_subject FROM users WHERE name = ?", [name]).fetchone()
        return row[0] if row else None

    def link_subject(self, name: str, subject: str) -> None:
        with self.connect() as con:
            con.execute("UPDATE users SET oidc_subject = ? WHERE name = ?", [subject, name])

    def _must_exist(self, name: str) -> None:
        if self.user(name) is None:
            raise UserError(f"no user {name!r}")

    # -- sessions ---------------------------------------------------------------------------

    def start_session(self, user: str) -> tuple[str, str]:
        """A new session for the user: (cookie token, CSRF token)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        at = time.time()
        with self.connect() as con:
            con.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, NULL)",
                [token_hash(token), user, csrf, at, at],
            )
        return token, csrf

    def session(self, token: str, idle_seconds: float, lifetime_seconds: float) -> Session | None:
        """The live session for a cookie, touched; None if unknown, ended, idle or too old."""
        at = time.time()
        key = token_hash(token)
        with self.connect() as con:
            row = con.execute(
                "SELECT s.csrf, s.created_at, s.last_seen, s.ended_at, u.name, u.role, u.team, "
                "u.disabled FROM sessions s JOIN users u ON u.name = s.user_name "
                "WHERE s.token_hash = ?",
                [key],
            ).fetchone()
            if row is None:
                return None
            csrf, created, seen, ended, name, role, team, disabled = row
            if ended is not None or disabled:
                return None
            if at - seen > idle_seconds or at - created > lifetime_seconds:
                con.execute("UPDATE sessions SET ended_at = ? WHERE token_hash = ?", [at, key])
                return None
            if at - seen > 5:  # touch at most every few seconds: fewer writes under load
                con.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [at, key])
        return Session(User(name, role, team, bool(disabled)), csrf, created, at)

    def end_session(self, token: str) -> None:
        with self.connect() as con:
            con.execute(
                "UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
                [time.time(), token_hash(token)],
            )

    # -- login failures ---------------------------------------------------------------------

    def record_failure(self, user: str, address: str | None) -> None:
        with self.connect() as con:
            con.execute("INSERT INTO login_failures VALUES (?, ?, ?)", [time.time(), user, address])

    def recent_failures(self, user: str, address: str | None, window_seconds: float) -> int:
        """Failures in the window for this user name or from this address (whichever is more)."""
        since = time.time() - window_seconds
        with self.connect() as con:
            by_user = con.execute(
                "SELECT count(*) FROM login_failures WHERE at > ? AND user_name = ?", [since, user]
            ).fetchone()[0]
            by_address = con.execute(
                "SELECT count(*) FROM login_failures WHERE at > ? AND address = ?", [since, address]
            ).fetchone()[0]
        return max(by_user, by_address)

    # -- audit ------------------------------------------------------------------------------

    def audit(
        self,
        user: str | None,
        action: str,
        target: str | None = None,
        rows: int | None = None,
        detail: str | None = None,
        address: str | None = None,
    ) -> None:
        with self.connect() as con:
            con.execute(
                "INSERT INTO audit (at, user_name, action, target, rows, detail, address) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [now_text(), user, action, target, rows, detail, address],
            )

    def audit_rows(
        self,
        *,
        user: str | None = None,
        action: str | None = None,
        since: str | None = None,
        limit: int | None = None,
    ) -> list[dict]:
        where, params = [], []
        for column, value in (("user_name", user), ("action", action)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if since:
            where.append("at >= ?")
            params.append(since)
        sql = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit"
        sql += f" WHERE {' AND '.join(where)}" if where else ""
        sql += " ORDER BY id DESC" + (f" LIMIT {int(limit)}" if limit else "")
        with self.connect() as con:
            return [dict(zip(AUDIT_COLUMNS, r, strict=True)) for r in con.execute(sql, params)]

    # -- commentary -------------------------------------------------------------------------

    def add_commentary(
        self, la_code: str, measure: str, period: str, text: str, author: str
    ) -> None:
        with self.connect() as con:
            con.execute(
                "INSERT INTO commentary (la_code, measure, period, text, author, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [la_code, measure, period, text, author, now_text()],
            )

    def commentary_history(self, la_code: str, measure: str, period: str) -> list[CommentaryEdit]:
        """Every edit for a measure and quarter, newest first (the first is the current text)."""
        with self.connect() as con:
            rows = con.execute(
                "SELECT id, la_code, measure, period, text, author, at FROM commentary "
                "WHERE la_code = ? AND measure = ? AND period = ? ORDER BY id DESC",
                [la_code, measure, period],
            ).fetchall()
        return [CommentaryEdit(*r) for r in rows]

    def current_commentary(self, la_code: str) -> list[CommentaryEdit]:
        """The latest edit of each (measure, period) for an authority."""
        with self.connect() as con:
            rows = con.execute(
                "SELECT id, la_code, measure, period, text, author, at FROM commentary c "
                "WHERE la_code = ? AND id = (SELECT max(id) FROM commentary d WHERE "
                "d.la_code = c.la_code AND d.measure = c.measure AND d.period = c.period) "
                "ORDER BY measure, period",
                [la_code],
            ).fetchall()
        return [CommentaryEdit(*r) for r in rows]


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return role


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() or not c.isprintable() for c in name):
        raise UserError("a user name is 1-100 printable characters without spaces")
    return name


def audit_csv(rows: list[dict]) -> str:
    """Audit rows as CSV (the columns of AUDIT_COLUMNS)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=AUDIT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell(v) for k, v in r.items()} for r in rows)
    return out.getvalue()
