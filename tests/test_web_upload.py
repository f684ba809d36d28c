"""An upload on a server that loads in the background: the answer is the progress (received,
read and checked, stored, results refreshed), polled until the load is done; the stored
measure results are then up to date, so no page recomputes the catalogue."""

from __future__ import annotations

import csv
import io
import time

import duckdb
import report_fixtures as rf
from web_fixtures import add_users, client_for, copy_store, csrf, make_app

TEAMS = rf.store_path().parent / "extracts" / "templates" / "teams.csv"


def _results(store) -> tuple[int, object]:
    with duckdb.connect(str(store), read_only=True) as con:
        return con.execute("SELECT count(*), max(computed_at) FROM measure_results").fetchone()


def _renamed(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    column = next(i for i, name in enumerate(rows[0]) if "name" in name.lower())
    rows[1][column] += " (renamed)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_upload_runs_in_the_background_with_its_stages_then_refreshes_the_results(monkeypatch):
    from csc_scorecard.commands import ingest

    checked = []  # the rules beside the refresh, by the function `scorecard ingest` runs
    real = ingest.check_and_refresh
    monkeypatch.setattr(
        ingest, "check_and_refresh", lambda db, codes: checked.append(codes) or real(db, codes)
    )
    store = copy_store(results=True)
    count, _ = _results(store)
    app = make_app(store, background=True)
    add_users(app, None)
    client = client_for(app, "analyst")
    token = csrf(client, "/loads")
    # a teams file that changes one team's name: the measures reading teams are recomputed
    changed = _renamed(TEAMS.read_text(encoding="utf-8"))
    started = client.post(
        "/loads.json",
        data={"csrf_token": token},
        files=[("files", ("teams.csv", changed.encode()))],
    )
    assert started.status_code in (200, 202), started.text
    job = started.json()["upload"]
    assert job["stages"][0] == {"stage": "received", "done": True, "detail": "1 files"}
    assert [s["stage"] for s in job["stages"]] == [
        "received",
        "read and checked",
        "stored",
        "results refreshed",
    ]
    for _ in range(600):
        progress = client.get(f"/loads/progress/{job['id']}.json")
        if progress.status_code != 202:
            break
        time.sleep(0.2)
    assert progress.status_code == 200, progress.text
    done = progress.json()
    assert all(s["done"] for s in done["upload"]["stages"])
    assert done["outcome"]["refused"] is False
    assert done["outcome"]["results"].startswith("measure results: ")
    assert done["outcome"]["faults"].startswith("DfE validation rules: ")
    assert len(checked) == 1
    load = done["outcome"]["loads"][0]
    assert load["source_format"].startswith("template:teams") and load["files"] == ["teams.csv"]
    assert done["loads"][0]["load_id"] == load["load_id"]
    # the stored results were refreshed by the upload (the same function as `scorecard ingest`)
    after, computed_at = _results(store)
    assert after >= count and computed_at is not None
    app.state.web.data.close()
    row = app.state.web.state.audit_rows(action="upload")[0]
    assert row["user_name"] == "analyst" and row["rows"] == load["rows"]
    # another user's upload is not theirs to watch; an unknown one is a 404
    assert client.get("/loads/progress/not-a-job").status_code == 404
    manager = client_for(app, "manager")
    assert manager.get(f"/loads/progress/{job['id']}").status_code == 403


def test_an_uploads_files_are_stored_by_their_own_names_not_the_temporary_folder():
    """The loads' Files column (the Loads page, `scorecard status`) showed
    /tmp/scorecard-upload-XXXX/teams.csv: the uploaded file is teams.csv."""
    import duckdb

    store = copy_store()
    app = make_app(store)
    add_users(app, None)
    client = client_for(app, "analyst")
    token = csrf(client, "/loads")
    changed = _renamed(TEAMS.read_text(encoding="utf-8"))
    done = client.post(
        "/loads.json",
        data={"csrf_token": token},
        files=[("files", ("teams.csv", changed.encode()))],
    )
    assert done.status_code == 200, done.text
    load_id = done.json()["outcome"]["loads"][0]["load_id"]
    app.state.web.data.close()
    with duckdb.connect(str(store), read_only=True) as con:
        stored = con.execute("SELECT files FROM loads WHERE load_id = ?", [load_id]).fetchone()
    assert stored == ("teams.csv",)
    page = client_for(make_app(store), "analyst").get("/loads")
    assert "scorecard-upload-" not in page.text
