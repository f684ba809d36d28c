"""Dashboard security: CSRF refusals, session expiry and logout, the sign-in rate limit,
passwords, the audit rows each action writes, commentary into the next report, uploads that
are all or nothing, and the `users` and `audit` commands."""

from __future__ import annotations

import csv
import io
import sqlite3
import time

import pytest
import report_fixtures as rf
from typer.testing import CliRunner
from web_fixtures import (
    PASSWORD,
    add_users,
    client_for,
    copy_store,
    csrf,
    dashboard,
    login,
    make_app,
)

from csc_scorecard.cli import app as cli
from csc_scorecard.model.periods import Quarter
from csc_scorecard.web.auth import SESSION_COOKIE, Limits
from csc_scorecard.web.state import state_path

P = rf.PERIOD
MEASURE = "assessments_within_45_working_days"


def audit_rows(app, action: str) -> list[dict]:
    return app.state.web.state.audit_rows(action=action)


def test_passwords_are_argon2id_and_never_stored_plain():
    app = dashboard()[0]
    with sqlite3.connect(app.state.web.state.path) as con:
        hashes = [h for (h,) in con.execute("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_login_writes_audit_and_a_failure_is_refused_and_recorded():
    app = dashboard()[0]
    client = client_for(app, None)
    before = len(audit_rows(app, "login_failed"))
    response = login(client, "analyst", "wrong password here")
    assert response.status_code == 401
    assert "not right" in response.text
    assert SESSION_COOKIE not in client.cookies
    assert len(audit_rows(app, "login_failed")) == before + 1
    ok = login(client, "analyst")
    assert ok.status_code == 303
    cookie = ok.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert audit_rows(app, "login")[0]["user_name"] == "analyst"


def test_login_form_without_its_token_is_refused():
    app = dashboard()[0]
    client = client_for(app, None)
    response = client.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_login_never_redirects_off_site():
    app = dashboard()[0]
    client = client_for(app, None)
    page = client.get("/login")
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_rate_limit_refuses_after_five_failures_even_with_the_right_password():
    store = copy_store()
    app = make_app(store)
    add_users(app, None)
    client = client_for(app, None)
    for _ in range(5):
        assert login(client, "viewer", "not the password at all").status_code == 401
    refused = login(client, "viewer")
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.text
    assert audit_rows(app, "login_refused_rate_limit")


def test_state_changes_without_the_csrf_token_are_refused():
    app = dashboard()[0]
    client = client_for(app, "analyst")
    before = app.state.web.state.commentary_history("371", MEASURE, P)
    for token in (None, "forged-token"):
        data = {"period": P, "commentary": "Should not be saved."}
        if token:
            data["csrf_token"] = token
        response = client.post(f"/measures/{MEASURE}/commentary", data=data)
        assert response.status_code == 403
    assert app.state.web.state.commentary_history("371", MEASURE, P) == before
    assert audit_rows(app, "csrf_refused")
    # logout too needs the token
    assert client.post("/logout").status_code == 403
    assert client.get("/").status_code == 200


def test_commentary_edit_keeps_history_is_audited_and_feeds_the_next_report():
    app = dashboard()[0]
    client = client_for(app, "analyst")
    token = csrf(client, f"/measures/{MEASURE}?period={P}")
    for text in ("First thoughts on timeliness.", "Timeliness fell as two teams lost staff."):
        response = client.post(
            f"/measures/{MEASURE}/commentary",
            data={"period": P, "commentary": text, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
    data = client.get(f"/measures/{MEASURE}.json?period={P}").json()
    assert data["commentary"]["current"]["text"] == "Timeliness fell as two teams lost staff."
    assert data["commentary"]["current"]["author"] == "analyst"
    assert [h["text"] for h in data["commentary"]["history"]][:2] == [
        "Timeliness fell as two teams lost staff.",
        "First thoughts on timeliness.",
    ]
    edits = audit_rows(app, "commentary_edit")
    assert edits[0]["user_name"] == "analyst" and edits[0]["target"] == f"{MEASURE} {P}"
    # the next report carries it as the analyst's commentary, not a draft
    context = app.state.web.data.report_context(Quarter.parse(P), publication=False)
    row = next(r for g in context.appendix for r in g.rows if r.measure == MEASURE)
    assert row.commentary == "Timeliness fell as two teams lost staff."
    assert row.commentary_kind == "analyst" and row.commentary_author == "analyst"
    # a blank edit is refused with a message
    blank = client.post(
        f"/measures/{MEASURE}/commentary",
        data={"period": P, "commentary": "   ", "csrf_token": token},
    )
    assert blank.status_code == 400 and "cannot be blank" in blank.text
    # viewers and managers cannot edit
    manager = client_for(app, "manager")
    refused = manager.post(
        f"/measures/{MEASURE}/commentary",
        data={"period": P, "commentary": "x", "csrf_token": csrf(manager, "/")},
    )
    assert refused.status_code == 403


def test_audit_log_is_append_only():
    app = dashboard()[0]
    with sqlite3.connect(app.state.web.state.path) as con:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("DELETE FROM audit")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            con.execute("UPDATE audit SET user_name = 'someone else'")


def test_worker_and_child_level_views_are_audited_with_row_counts():
    app, _, own, _ = dashboard()
    manager = client_for(app, "manager")
    data = manager.get(f"/teams/{own}.json?period={P}").json()
    assert data["workers"], "the fixture team has case holders"
    row = audit_rows(app, "view_team_workers")[0]
    assert row["user_name"] == "manager" and row["rows"] == len(data["workers"])
    assert row["target"] == f"{own} {P}"
    # each framework indicator links to the team's records behind it
    assert MEASURE in {m["measure"] for m in data["measures"]}
    page = manager.get(f"/teams/{own}?period={P}").text
    assert f"/measures/{MEASURE}/children?period={P}&amp;team={own}" in page
    analyst = client_for(app, "analyst")
    fixes = analyst.get("/quality.json").json()
    assert fixes["fix_list"] and fixes["fix_list_total"] >= len(fixes["fix_list"])
    row = audit_rows(app, "view_fix_list")[0]
    assert row["user_name"] == "analyst" and row["rows"] == len(fixes["fix_list"])
    # the manager sees their own team's fix list (audited), no example messages
    summary = manager.get("/quality.json").json()
    assert {r["team"] for r in summary["fix_list"]} <= {own}
    assert all(s["example"] is None for s in summary["by_rule"])
    row = audit_rows(app, "view_fix_list")[0]
    assert row["user_name"] == "manager" and row["rows"] == len(summary["fix_list"])


def test_session_idle_timeout_lifetime_and_server_side_logout():
    store = dashboard()[1]
    short = make_app(store, Limits(idle_minutes=0.0005))  # 30 ms
    client = client_for(short, "viewer")
    time.sleep(0.1)
    assert client.get("/", follow_redirects=False).status_code == 303
    # absolute lifetime: a session started too long ago ends however busy it is
    app = dashboard()[0]
    client = client_for(app, "viewer")
    assert client.get("/").status_code == 200
    with sqlite3.connect(state_path(store)) as con:
        con.execute(
            "UPDATE sessions SET created_at = created_at - 11 * 3600 WHERE user_name = 'viewer'"
        )
    assert client.get("/", follow_redirects=False).status_code == 303
    # logout ends the session on the server: the old cookie no longer works
    client = client_for(app, "viewer")
    cookie = client.cookies[SESSION_COOKIE]
    assert client.post("/logout", data={"csrf_token": csrf(client, "/")}).status_code == 200
    replay = client_for(app, None)
    replay.cookies.set(SESSION_COOKIE, cookie)
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert audit_rows(app, "logout")


def test_disabled_user_is_signed_out_and_cannot_sign_in():
    store = copy_store()
    app = make_app(store)
    add_users(app, None)
    client = client_for(app, "viewer")
    admin = client_for(app, "admin")
    response = admin.post(
        "/admin/users",
        data={"name": "viewer", "action": "disable", "csrf_token": csrf(admin, "/admin/users")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
    assert login(client_for(app, None), "viewer").status_code == 401
    row = audit_rows(app, "user_disable")[0]
    assert row["user_name"] == "admin" and row["target"] == "viewer"


def test_upload_is_all_or_nothing_and_audited():
    store = copy_store(results=True)
    app = make_app(store)
    add_users(app, None)
    client = client_for(app, "analyst")
    token = csrf(client, "/loads")
    before = client.get("/loads.json").json()["loads"]
    bad = client.post(
        "/loads",
        data={"csrf_token": token},
        files=[
            (
                "files",
                (
                    "teams.csv",
                    (rf.store_path().parent / "extracts/templates/teams.csv").read_bytes(),
                ),
            ),
            ("files", ("episodes.csv", b"this,is,not\nan,ssda903,file\n")),
        ],
    )
    assert bad.status_code == 422
    assert "nothing was loaded" in bad.text and "episodes.csv" in bad.text
    assert client.get("/loads.json").json()["loads"] == before
    assert audit_rows(app, "upload_refused")[0]["user_name"] == "analyst"
    good = client.post(
        "/loads",
        data={"csrf_token": token},
        files=[
            (
                "files",
                (
                    "teams.csv",
                    (rf.store_path().parent / "extracts/templates/teams.csv").read_bytes(),
                ),
            )
        ],
        headers={"HX-Request": "true"},
    )
    assert good.status_code == 200, good.text
    # every stage done, the stored measure results brought up to date as the CLI does
    for stage in ("Received", "Read and checked", "Stored", "Results refreshed"):
        assert f"Done:</span> {stage}" in good.text
    assert "Measure results: " in good.text and "measures recomputed" in good.text
    after = client.get("/loads.json").json()["loads"]
    newest = after[0]
    assert newest["load_id"] > before[0]["load_id"]
    assert "teams.csv" in newest["files"]
    row = audit_rows(app, "upload")[0]
    assert row["user_name"] == "analyst" and row["rows"] == newest["row_count"]
    # a manager cannot upload
    manager = client_for(app, "manager")
    assert manager.post("/loads", data={"csrf_token": csrf(manager, "/")}).status_code == 403


def test_viewer_builds_only_the_publication_report():
    app = dashboard()[0]
    viewer = client_for(app, "viewer")
    token = csrf(viewer, f"/reports/{P}")
    refused = viewer.post(
        f"/reports/{P}", data={"csrf_token": token, "format": "html", "variant": "internal"}
    )
    assert refused.status_code == 403
    built = viewer.post(
        f"/reports/{P}",
        data={"csrf_token": token, "format": "html", "variant": "publication"},
        follow_redirects=False,
    )
    if built.status_code == 422:  # the publication check refuses commentary quoting small numbers
        assert "commentary" in built.text.lower()
        return
    assert built.status_code == 303
    listing = viewer.get(f"/reports/{P}.json").json()
    files = listing["files"]
    assert [f["name"] for f in files] == [f"371_{P}_performance_report_publication.html"]
    download = viewer.get(f"/reports/{P}/files/{files[0]['name']}")
    assert download.status_code == 200 and "Publication" in download.text or "c" in download.text
    assert audit_rows(app, "report_download")[0]["user_name"] == "viewer"
    assert viewer.get(f"/reports/{P}/files/..%2F..%2Fstore.duckdb").status_code == 404


def test_users_and_audit_commands(tmp_path):
    store = tmp_path / "la.duckdb"
    runner = CliRunner()
    ok = runner.invoke(
        cli,
        [
            "users",
            "add",
            "sam",
            "--role",
            "manager",
            "--team",
            "T002",
            "--password-stdin",
            "--store",
            str(store),
        ],
        input="a perfectly long password\n",
    )
    assert ok.exit_code == 0, ok.output
    short = runner.invoke(
        cli,
        ["users", "add", "kim", "--role", "viewer", "--password-stdin", "--store", str(store)],
        input="short\n",
    )
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    bad_role = runner.invoke(
        cli,
        ["users", "add", "kim", "--role", "boss", "--password-stdin", "--store", str(store)],
        input="a perfectly long password\n",
    )
    assert (
        bad_role.exit_code == 2 and "not one of viewer, manager, analyst, admin" in bad_role.output
    )
    assert (
        runner.invoke(
            cli, ["users", "set-role", "sam", "--role", "analyst", "--store", str(store)]
        ).exit_code
        == 0
    )
    assert runner.invoke(cli, ["users", "disable", "sam", "--store", str(store)]).exit_code == 0
    listed = runner.invoke(cli, ["users", "list", "--store", str(store)])
    assert listed.output.splitlines() == ["sam\tanalyst\tT002\tdisabled"]
    printed = runner.invoke(cli, ["audit", "--format", "csv", "--store", str(store)])
    rows = list(csv.DictReader(io.StringIO(printed.output)))
    assert [r["action"] for r in rows] == ["user_add", "user_set_role", "user_disable"]
    assert all(r["user_name"] == "cli" and r["target"] == "sam" for r in rows)


def test_a_manager_is_given_a_team_the_store_names(tmp_path):
    """`users add --team T999` (or a team's name, 'ACPS North 1') was accepted on the demo
    store: every page of that manager was then a 404 ("team 'T999': the store holds no such
    team"), the drill-down and fix list never theirs. A team id the store's authority never
    names is refused, from the command and the users page; a store with no data yet is not
    checked (accounts may come first)."""
    import shutil

    store = tmp_path / "la.duckdb"
    shutil.copy(rf.store_path(), store)
    runner = CliRunner()

    def add(name: str, *options: str):
        return runner.invoke(
            cli,
            ["users", "add", name, "--role", "manager", *options, "--password-stdin",
             "--store", str(store)],
            input="a perfectly long password\n",
        )  # fmt: skip

    refused = add("sam", "--team", "T999")
    assert refused.exit_code == 2
    assert refused.output.strip() == (
        f"error: --team 'T999': the store holds no such team for LA {rf.LA} (it holds T001, "
        "T002, T003, T004, T005, T006, T007, T008, ...)"
    )
    assert add("sam", "--team", "T002").exit_code == 0
    moved = runner.invoke(
        cli, ["users", "set-role", "sam", "--role", "manager", "--team", "MASH",
              "--store", str(store)],
    )  # fmt: skip
    assert moved.exit_code == 2 and "--team 'MASH': the store holds no such team" in moved.output
    app = dashboard()[0]
    admin = client_for(app, "admin")
    page = admin.post(
        "/admin/users",
        data={"name": "pat", "action": "add", "role": "manager", "team": "T999",
              "password": PASSWORD, "csrf_token": csrf(admin, "/admin/users")},
    )  # fmt: skip
    assert page.status_code == 400
    assert "team &#39;T999&#39;: the store holds no such team for LA" in page.text
    assert app.state.web.state.user("pat") is None


def test_audit_page_filters_and_exports_csv():
    app = dashboard()[0]
    admin = client_for(app, "admin")
    data = admin.get("/audit.json?action=login").json()
    assert data["rows"] and {r["action"] for r in data["rows"]} == {"login"}
    exported = admin.get("/audit?format=csv&action=login")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == len(data["rows"])
    assert audit_rows(app, "audit_export")[0]["rows"] == len(rows)
    assert admin.get("/audit?since=yesterday").status_code == 400
