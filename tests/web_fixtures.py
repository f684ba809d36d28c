"""The dashboard over the report fixture authority (tests/report_fixtures.py), one user per role.

`dashboard()` copies the fixture store into a temporary folder (the dashboard's state file and
context cache are written beside it), builds the app with contexts built inside the request,
hands it the report tests' measure run (same store, same quarter) so the catalogue is measured
once per test process, and adds users: viewer, manager (of the fixture's first team), analyst,
admin - all with the password PASSWORD.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

import report_fixtures as rf
from fastapi.testclient import TestClient

from csc_scorecard.model.periods import Quarter
from csc_scorecard.web.app import create_app
from csc_scorecard.web.auth import Limits, hash_password
from csc_scorecard.web.data import Config
from csc_scorecard.web.state import state_path

PASSWORD = "a long enough test password"
ROLES = ("viewer", "manager", "analyst", "admin")


def copy_store(results: bool = False) -> Path:
    """A copy of the fixture store; with ``results``, one whose measure results are stored
    (as after `scorecard ingest`), so an upload's refresh recomputes only what it changed."""
    folder = Path(tempfile.mkdtemp(prefix="web-fixture-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    target = folder / "store.duckdb"
    shutil.copy(_with_results() if results else rf.store_path(), target)
    return target


@cache
def _with_results() -> Path:
    from csc_scorecard.measures.results import refresh_results
    from csc_scorecard.store import Store

    target = copy_store()
    with Store(target) as db:
        refresh_results(db)
    return target


def make_app(store: Path, limits: Limits | None = None, background: bool = False):
    config = Config(
        store=store, state=state_path(store), framework=rf.FRAMEWORK, background=background
    )
    app = create_app(config, limits)
    app.state.web.data.use_run(Quarter.parse(rf.PERIOD), rf.measure_run())
    return app


def add_users(app, team: str | None) -> None:
    state = app.state.web.state
    for role in ROLES:
        if state.user(role) is None:
            state.add_user(role, role, hash_password(PASSWORD), team if role == "manager" else None)


@cache
def dashboard():
    """(app, store path, the manager's team id, another team id) for the fixture authority."""
    store = copy_store()
    app = make_app(store)
    teams = app.state.web.data.teams(Quarter.parse(rf.PERIOD))["teams"]
    add_users(app, teams[0]["team_id"])
    return app, store, teams[0]["team_id"], teams[1]["team_id"]


def login(client: TestClient, user: str, password: str = PASSWORD):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )


def client_for(app, role: str | None) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    if role:
        response = login(client, role)
        assert response.status_code == 303, response.text
    return client


def csrf(client: TestClient, path: str = "/reports") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
