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
