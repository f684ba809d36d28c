"""Pages read what was built once per load history (they never measure the catalogue again),
rate through the one rating function, and load every asset from this server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import report_fixtures as rf
from web_fixtures import client_for, dashboard

import csc_scorecard.web as web_package

P = rf.PERIOD
PAGES = [
    "/",
    f"/measures/assessments_within_45_working_days?period={P}",
    f"/measures/assessments_within_45_working_days/children?period={P}",
    f"/quality?period={P}",
    "/teams",
    "/loads",
    "/audit",
]


def test_pages_never_measure_or_rate_again_once_built(monkeypatch):
    app = dashboard()[0]
    admin = client_for(app, "admin")
    for path in PAGES:  # built (or read from the cache) once
        assert admin.get(path).status_code == 200, path

    def refuse(*args, **kwargs):
        raise AssertionError("a page recomputed what was built")

    from csc_scorecard.measures import members, results
    from csc_scorecard.report import context

    monkeypatch.setattr(context, "build_context", refuse)
    monkeypatch.setattr(context, "measure", refuse)
    monkeypatch.setattr(results, "measure_run", refuse)
    monkeypatch.setattr(members, "members", refuse)
    for path in PAGES:
        response = admin.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert float(re.search(r"dur=([0-9.]+)", response.headers["server-timing"]).group(1)) >= 0


def test_every_asset_comes_from_this_server():
    app = dashboard()[0]
    admin = client_for(app, "admin")
    for path in PAGES:
        html = admin.get(path).text
        external = re.findall(r'(?:src|href|action)="((?:https?:)?//[^"]+)"', html)
        assert not external, (path, external)
        for asset in set(re.findall(r'(?:src|href)="(/static/[^"]+)"', html)):
            assert admin.get(asset).status_code == 200, asset


def test_no_rating_is_worked_out_in_the_web_package():
    """The dashboard shows the report context's ratings and rates team figures with
    `rating.rate_item`: no comparison against a target or tolerance of its own."""
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in Path(web_package.__file__).parent.rglob("*.py")
    )
    assert "rate_item(" in source
    for pattern in (r"\btolerance\s*[<>]=?", r"[<>]=?\s*\w*\.?tolerance\b", r"\btarget\s*[<>]"):
        assert not re.search(pattern, source), pattern
    templates = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (Path(web_package.__file__).parent / "templates").glob("*.html")
    )
    assert not re.search(r"(value|current)\s*[<>]=?\s*\w*\.?(target|tolerance)", templates)


@pytest.mark.parametrize("role", ["viewer", "manager"])
def test_lower_roles_see_no_upload_progress(role):
    app = dashboard()[0]
    assert client_for(app, role).get("/loads/progress/anything").status_code == 403
