"""The dashboard's reader: background builds (a page says 'preparing' and polls, a failed build
is reported once and retried), quarters the store covers, unknown quarters refused."""

from __future__ import annotations

import threading

import pytest
import report_fixtures as rf
from web_fixtures import dashboard

from csc_scorecard.model.periods import Quarter
from csc_scorecard.web.data import BadRequest, Config, Data, Preparing


def test_quarters_run_from_the_first_case_return_to_the_last_full_quarter():
    data = dashboard()[0].state.web.data
    quarters = [str(q) for q in data.quarters()]
    assert quarters[-1] == rf.PERIOD  # the fixture's data ends on 30 June 2022
    assert quarters[0] == "2019-Q1"  # its first CIN census year starts April 2019
    assert data.quarter(None) == Quarter.parse(rf.PERIOD)
    for bad in ("2031-Q1", "2010-Q2"):  # quarters the store does not cover: 404
        with pytest.raises(LookupError):
            data.quarter(bad)
    with pytest.raises(BadRequest, match="^period 'Q1' is not a financial-year quarter"):
        data.quarter("Q1")  # not a quarter at all: 400


def test_background_build_says_preparing_then_answers_and_reports_a_failure_once(tmp_path):
    store = dashboard()[1]
    data = Data(Config(store=store, state=tmp_path / "s.web.sqlite", background=True))
    release = threading.Event()
    calls = []

    def slow(key, quarter, publication):
        calls.append(publication)
        release.wait(30)
        if publication:
            raise RuntimeError("cannot build")
        return "the context"

    data._build_context = slow  # the real build is tested through every page
    q = Quarter.parse(rf.PERIOD)
    with pytest.raises(Preparing):
        data.context(q, False)
    with pytest.raises(Preparing):  # still building: not started twice
        data.context(q, False)
    release.set()
    data._pending[next(k for k in data._pending if k[3] is False)].result(timeout=30)
    assert data.context(q, False) == "the context"
    assert calls == [False]
    with pytest.raises(Preparing):
        data.context(q, True)
    data._pending[next(k for k in data._pending if k[3] is True)].exception(timeout=30)
    with pytest.raises(RuntimeError, match="cannot build"):
        data.context(q, True)
    with pytest.raises(Preparing):  # and the next request tries again
        data.context(q, True)
    data._pending[next(k for k in data._pending if k[3] is True)].exception(timeout=30)
    assert calls == [False, True, True]
    data.close()


def test_a_store_locked_by_an_ingest_is_a_503_page_not_a_traceback(tmp_path):
    import subprocess
    import sys

    from web_fixtures import add_users, client_for, copy_store, make_app

    store = copy_store()
    app = make_app(store)
    add_users(app, None)
    client = client_for(app, "analyst")
    holder = subprocess.Popen(  # another process holding the store for writing, as an ingest does
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(store)!r}); print('ok', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        response = client.get("/loads")
        assert response.status_code == 503
        assert "try again in a minute" in response.text and "Traceback" not in response.text
        assert response.headers["retry-after"] == "30"
        assert client.get("/loads.json").status_code == 503
    finally:
        holder.kill()
        holder.wait()
    assert client.get("/loads").status_code == 200
