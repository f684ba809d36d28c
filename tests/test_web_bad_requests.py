"""Bad requests and odd use of the dashboard: each is answered by the dashboard's own error
page (or JSON) saying in one line what was wrong, never FastAPI's raw validation JSON nor a
traceback; a role refused a child-level page or export is refused and the refusal audited."""

from __future__ import annotations

import html
import re

import pytest
import report_fixtures as rf
from web_fixtures import client_for, csrf, dashboard

P = rf.PERIOD
MEASURE = "assessments_within_45_working_days"


def message(response) -> str:
    """The error page's one-line message."""
    found = re.search(r"<h1>(.*?)</h1>\s*<p>(.*?)</p>", response.text, re.DOTALL)
    assert found, response.text[:500]
    return html.unescape(found.group(2))


@pytest.mark.parametrize(
    ("role", "path", "form", "field"),
    [
        ("analyst", f"/measures/{MEASURE}/commentary", {"commentary": "Why."}, "period"),
        ("admin", "/admin/users", {"name": "someone"}, "action"),
    ],
)
def test_a_form_missing_a_field_is_a_page_naming_the_field(role, path, form, field):
    app = dashboard()[0]
    client = client_for(app, role)
    response = client.post(path, data={**form, "csrf_token": csrf(client)})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "Field required" not in response.text and '"loc"' not in response.text
    assert (
        message(response)
        == f"The form is missing its {field!r} field: reload the page and try again."
    )
    as_json = client.post(path + ".json", data={**form, "csrf_token": csrf(client)})
    assert as_json.status_code == 400
    assert as_json.json() == {
        "error": "Cannot do that",
        "detail": f"The form is missing its {field!r} field: reload the page and try again.",
    }


def test_a_child_level_page_or_export_refused_to_a_role_is_audited():
    app, _, _, other = dashboard()
    state = app.state.web.state
    asks = [
        ("viewer", f"/measures/{MEASURE}/children?period={P}"),
        ("viewer", f"/measures/{MEASURE}/children.json?period={P}&format=csv"),
        ("viewer", "/lists/unallocated?format=xlsx"),
        ("manager", f"/measures/{MEASURE}/children?team={other}&format=csv"),
        ("manager", f"/teams/{other}"),
        ("manager", f"/quality?team={other}"),
    ]
    for role, path in asks:
        before = len(state.audit_rows(action="access_refused"))
        response = client_for(app, role).get(path)
        assert response.status_code == 403, path
        rows = state.audit_rows(action="access_refused")
        assert len(rows) == before + 1, path
        newest = rows[0]
        assert newest["user_name"] == role
        # the page asked for, without its query; why it was refused
        assert newest["target"] == path.split("?")[0].removesuffix(".json")
        assert newest["detail"] and ("role" in newest["detail"] or "own team" in newest["detail"])


def test_a_store_with_no_authority_says_so_not_that_it_is_busy(tmp_path):
    from web_fixtures import add_users

    from csc_scorecard.store import Store
    from csc_scorecard.web.app import create_app
    from csc_scorecard.web.data import Config
    from csc_scorecard.web.state import state_path

    store = tmp_path / "store.duckdb"
    with Store(store):
        pass
    config = Config(store=store, state=state_path(store), framework=rf.FRAMEWORK)
    app = create_app(config)
    add_users(app, None)
    client = client_for(app, "analyst")
    for path in ("/", f"/measures/{MEASURE}", "/teams", "/reports/2022-Q1"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert "Retry-After" not in response.headers
        assert message(response) == (
            "No authority's data has been loaded yet: an analyst can upload the extracts on "
            "the Loads page."
        )
    assert client.get("/loads").status_code == 200


def test_an_htmx_poll_after_the_session_ended_sends_the_browser_to_sign_in():
    app, _, own, _ = dashboard()
    client = client_for(app, "manager")
    page = f"http://testserver/teams/{own}?period={P}"
    client.cookies.clear()  # the session ended (expired, or signed out in another tab)
    response = client.get(
        f"/teams/{own}/measures?period={P}",
        headers={"HX-Request": "true", "HX-Current-URL": page},
        follow_redirects=False,
    )
    # not a 303 that htmx follows, swapping the sign-in page into the polled section
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == f"/login?next=%2Fteams%2F{own}%3Fperiod%3D{P}"
    assert response.text == ""
    # a page of another site named as the current one is not where sign-in returns to
    response = client.get(
        "/loads/progress/x",
        headers={"HX-Request": "true", "HX-Current-URL": "https://elsewhere.example/x"},
        follow_redirects=False,
    )
    assert response.headers["HX-Redirect"] == "/login?next=%2Floads%2Fprogress%2Fx"


def test_a_store_that_cannot_be_used_says_why_not_that_it_is_busy():
    import duckdb
    from web_fixtures import add_users, copy_store, make_app

    store = copy_store()
    app = make_app(store)
    add_users(app, None)
    client = client_for(app, "analyst")
    with duckdb.connect(str(store)) as con:  # as a store written by an older csc-scorecard
        con.execute("DROP TABLE case_allocations")
    response = client.get("/loads")
    assert response.status_code == 503
    assert "Retry-After" not in response.headers and "try again in a minute" not in response.text
    said = message(response)
    assert said.startswith("The store cannot be used: the store ") and "older csc-scorecard" in said
    assert said.endswith("Tell the performance team.")
    assert client.get("/loads.json").json()["error"] == "The store cannot be used"


@pytest.mark.parametrize(
    "path",
    [
        "/teams/" + "T" * 3000,
        "/measures/" + "m" * 3000,
        "/lists/" + "l" * 3000,
        "/lists/unallocated?date=" + "2" * 3000,
        "/?period=" + "Q" * 3000,
        f"/reports/{P}/files/" + "f" * 3000,
    ],
)
def test_a_long_value_is_quoted_by_its_start_in_a_short_line(path):
    app = dashboard()[0]
    response = client_for(app, "analyst").get(path)
    assert response.status_code in (400, 404)
    said = message(response)
    assert len(said) < 250, said
    assert "…" in said and said.count(path.split("/")[-1].split("=")[-1][:40]) == 1


def test_head_is_answered_as_get_without_a_body():
    app = dashboard()[0]
    viewer = client_for(app, "viewer")
    page = viewer.get(f"/?period={P}")
    head = viewer.head(f"/?period={P}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == page.headers["content-type"]
    assert head.headers["content-security-policy"] == page.headers["content-security-policy"]
    assert viewer.head("/nope").status_code == 404
    assert viewer.head(f"/measures/{MEASURE}/children").status_code == 403
    assert client_for(app, None).head("/", follow_redirects=False).status_code == 303


def test_a_form_sent_after_the_session_ended_signs_in_back_to_its_page_not_its_action():
    app = dashboard()[0]
    client = client_for(app, None)  # the session ended while the form was open
    response = client.post(
        f"/measures/{MEASURE}/commentary",
        data={"period": P, "commentary": "Why."},
        headers={"Referer": f"http://testserver/measures/{MEASURE}?period={P}"},
        follow_redirects=False,
    )
    # not back to /measures/.../commentary, which answers GET with 405 after signing in
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=%2Fmeasures%2F{MEASURE}%3Fperiod%3D{P}"
    elsewhere = client.post(
        f"/reports/{P}", headers={"Referer": "https://elsewhere.example/x"}, follow_redirects=False
    )
    assert elsewhere.headers["location"] == "/login?next=%2F"


def test_starlette_s_own_refusals_are_worded_for_people():
    app = dashboard()[0]
    client = client_for(app, "analyst")
    nowhere = client.get("/no/such/page")
    assert nowhere.status_code == 404 and message(nowhere) == "There is no page at this address."
    wrong_method = client.put("/teams")
    assert wrong_method.status_code == 405
    assert message(wrong_method) == "This address does not take a PUT request."
    broken = client.post(
        "/loads",
        content=b"\xff\xfe not multipart",
        headers={"content-type": "multipart/form-data; boundary=zz", "x-csrf-token": csrf(client)},
    )
    assert broken.status_code == 400
    assert "<h1>Cannot do that</h1>" in broken.text and message(broken) == "Invalid multipart data."


QUARTER_FORM = (
    "is not a financial-year quarter like 2022-Q1 (2022-Q1 = April-June 2022, "
    "2021-Q4 = January-March 2022)"
)


@pytest.mark.parametrize(
    "path",
    [
        "/?period=2022Q1",
        "/?period=2022-Q5",
        f"/measures/{MEASURE}?period=bad",
        f"/measures/{MEASURE}/children.json?period=bad",
        "/teams?period=bad",
        "/quality?period=bad",
        "/reports/bad",
        "/reports/bad/files/paper.pdf",
    ],
)
def test_a_malformed_period_is_a_400_naming_the_field_and_its_form(path):
    """Not a 404 'Not found': the period is not missing from the store, it is not a period."""
    response = client_for(dashboard()[0], "analyst").get(path)
    assert response.status_code == 400
    given = path.rsplit("=", 1)[-1] if "=" in path else "bad"
    said = response.json()["detail"] if ".json" in path else message(response)
    assert said == f"period '{given}' {QUARTER_FORM}"


def test_a_well_formed_period_the_store_does_not_cover_is_still_not_found():
    response = client_for(dashboard()[0], "analyst").get("/?period=1999-Q1")
    assert response.status_code == 404 and message(response).startswith(
        "1999-Q1 is not a quarter the store covers ("
    )


def test_the_audit_log_refuses_a_date_that_is_not_a_day_and_a_format_it_does_not_export():
    admin = client_for(dashboard()[0], "admin")
    for since in ("2026-13-45", "2026-02-30", "yesterday"):
        response = admin.get(f"/audit?since={since}")
        assert response.status_code == 400
        assert message(response) == f"since '{since}' is not a date like 2026-01-31."
    response = admin.get("/audit?format=pdf")
    assert response.status_code == 400
    assert message(response) == "format 'pdf': the audit log exports as csv only."
    assert admin.get("/audit?since=2026-01-31").status_code == 200


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("/lists/overdue-visits?team=NOPE", "team 'NOPE': the store holds no such team"),
        ("/lists/overdue-visits?worker=NOPE", "worker 'NOPE': the store holds no such worker"),
        (f"/measures/{MEASURE}/children?period={P}&team=NOPE", "team 'NOPE': the store holds"),
        (f"/measures/{MEASURE}/children?worker=NOPE", "worker 'NOPE': the store holds no such"),
        (f"/quality?period={P}&team=NOPE", "team 'NOPE': the store holds no such team"),
    ],
)
def test_a_team_or_worker_the_store_does_not_name_is_refused_not_an_empty_list(path, said):
    """As `scorecard lists --team` refuses it: an empty list reads as "nobody overdue"."""
    response = client_for(dashboard()[0], "analyst").get(path)
    assert response.status_code == 404
    assert message(response).startswith(f"{said}") and f"for LA {rf.LA} (it holds " in message(
        response
    )


def _empty_store_dashboard(tmp_path):
    from web_fixtures import add_users

    from csc_scorecard.store import Store
    from csc_scorecard.web.app import create_app
    from csc_scorecard.web.data import Config
    from csc_scorecard.web.state import state_path

    store = tmp_path / "store.duckdb"
    with Store(store):
        pass
    config = Config(store=store, state=state_path(store), framework=rf.FRAMEWORK, background=False)
    app = create_app(config)
    add_users(app, None)
    return app


def test_the_loads_and_audit_pages_of_an_empty_store_say_what_to_do(tmp_path):
    app = _empty_store_dashboard(tmp_path)
    page = client_for(app, "analyst").get("/loads")
    assert page.status_code == 200
    said = html.unescape(re.sub(r"<[^>]+>", "", page.text))
    assert (
        "Nothing has been loaded into this store yet: no page has figures until an "
        "authority's extracts are. Upload them above, a CIN census or workforce census first"
    ) in said
    assert "scorecard ingest FOLDER --la CODE --store STORE" in said
    admin = client_for(app, "admin")
    filtered = admin.get("/audit?user=nobody")
    assert filtered.status_code == 200 and "No entry matches these filters" in filtered.text
    assert "No entry matches" not in admin.get("/audit").text  # the sign-ins are there
    # once an authority is loaded, the page shows its loads without the advice
    from csc_scorecard.store import Store

    with Store(tmp_path / "store.duckdb") as db:
        from measure_fixtures import load

        load(db, {})
    assert 'id="no-loads"' not in client_for(app, "analyst").get("/loads").text


def test_the_first_upload_into_an_empty_store_loads_the_authority_its_files_name(tmp_path):
    """The pages of an empty store send analysts to the Loads page to upload: the upload
    itself failed there ('the load failed: NoAuthority'), needing an authority first."""
    from web_fixtures import csrf

    from csc_scorecard.web.data.uploads import FIRST_UPLOAD

    app = _empty_store_dashboard(tmp_path)
    client = client_for(app, "analyst")
    body = min((rf.store_path().parent / "extracts").glob("cin_census/*.xml")).read_bytes()
    client.post(
        "/loads", data={"csrf_token": csrf(client, "/loads")},
        files=[("files", ("cin.xml", body, "application/xml"))],
    )  # fmt: skip
    (job,) = app.state.web.data._uploads.values()
    assert job.outcome["refused"] is False, job.outcome
    assert [load["la_code"] for load in client.get("/loads.json").json()["loads"]] == [rf.LA]
    assert app.state.web.data.la_code() == rf.LA
    # a 903 return names no authority: refused, saying what to upload first
    app = _empty_store_dashboard(tmp_path / "two")
    client = client_for(app, "analyst")
    xml = max((rf.store_path().parent / "extracts" / "ssda903_xml").glob("*.xml"))
    client.post(
        "/loads", data={"csrf_token": csrf(client, "/loads")},
        files=[("files", ("903.xml", xml.read_bytes(), "application/xml"))],
    )  # fmt: skip
    (job,) = app.state.web.data._uploads.values()
    assert job.outcome["refused"] is True and job.outcome["errors"][-1] == FIRST_UPLOAD


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (f"/quality?period={P}&rule=NOPE", "rule 'NOPE': no DfE rule has that code"),
        (f"/quality?period={P}&table=Episodez", "table 'Episodez': neither a table of a DfE"),
    ],
)
def test_a_rule_or_table_filter_naming_nothing_is_refused_not_an_empty_list(path, said):
    """Both gave an empty fix list, which reads as "no faults"; a known rule or table with no
    faults still gives one."""
    client = client_for(dashboard()[0], "analyst")
    response = client.get(path)
    assert response.status_code == 404
    assert message(response).startswith(said)
    for known in ("rule=148", "table=Episodes", "table=children", "rule=1520"):
        assert client.get(f"/quality?period={P}&{known}").status_code == 200
