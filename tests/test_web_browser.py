"""The dashboard in a real browser: Debian's Chromium driven by Playwright (never a browser
Playwright downloads), against a server on a free loopback port started here.

Each role signs in and walks the pages; an analyst goes from the overview to a red measure and
its children, edits commentary that the next report carries, and uploads a file that then shows
in the load history; a viewer is refused the drill-down; axe-core finds no serious or critical
accessibility violation on any page. axe-core comes from the npm registry at set-up
(scripts/setup-system.sh packs it into the cache folder read here).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import report_fixtures as rf
from web_fixtures import PASSWORD, add_users, copy_store, dashboard, make_app

from csc_scorecard.model.periods import Quarter

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("SCORECARD_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(
    os.environ.get(
        "SCORECARD_AXE",
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        / "csc-scorecard"
        / "axe.min.js",
    )
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
P = rf.PERIOD
try:
    import csc_scorecard.measures.members  # noqa: F401

    HAS_MEMBERS = True
except ImportError:  # the measures layer of this build has no member rows yet
    HAS_MEMBERS = False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """uvicorn on a thread, on a free port of 127.0.0.1."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = _free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                break
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: scripts/setup-system.sh installs it")
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/setup-system.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    app, *_ = dashboard()
    data = app.state.web.data
    for publication in (False, True):  # built before the browser asks (the test pages wait)
        data.context(Quarter.parse(P), publication)
    s = Server(app)
    yield s
    s.stop()


def signed_in(chromium, server, role: str, landing: str = "/", **options):
    context = chromium.new_context(**options)
    page = context.new_page()
    page.goto(f"{server.url}/login?next={landing}")
    page.get_by_label("User name").fill(role)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{server.url}{landing}")
    return context, page


def test_analyst_walks_from_the_overview_to_a_red_measure(chromium, server):
    context, page = signed_in(chromium, server, "analyst")
    assert page.get_by_role("heading", level=1).inner_text().endswith(Quarter.parse(P).label)
    red = page.locator("tr:has(.rag-red) th a").first
    href = red.get_attribute("href")
    red.click()
    page.wait_for_url(f"{server.url}{href}")
    assert page.locator(".facts .rag-red").inner_text() == "Red"
    # the chart has its text alternative, and the trend table its eight quarters
    assert page.locator("figure.chart svg[aria-labelledby='chart-alt']").count() == 1
    assert page.locator("#trend-h ~ table tbody tr").count() == 8
    if HAS_MEMBERS:  # on to the children behind the figure, and export them
        page.get_by_role("link", name="See the children and workers behind this figure").click()
        page.wait_for_load_state()
        assert "the records behind" in page.get_by_role("heading", level=1).inner_text()
        rows = page.locator("table tbody tr").count()
        assert rows > 0
        with page.expect_download() as download:
            page.get_by_role("button", name="Export CSV").click()
        text = Path(download.value.path()).read_text(encoding="utf-8")
        assert len(text.strip().splitlines()) - 1 >= rows
    context.close()


def test_commentary_edited_in_the_browser_is_in_the_next_report(chromium, server):
    context, page = signed_in(chromium, server, "analyst")
    page.goto(f"{server.url}/measures/cla_reviews_in_timescale?period={P}")
    text = "Reviews slipped while two independent reviewing officers were on leave."
    page.get_by_label(f"Commentary for {Quarter.parse(P).label}").fill(text)
    page.get_by_role("button", name="Save commentary").click()
    page.wait_for_load_state()
    assert page.locator("#commentary blockquote").inner_text() == text
    app = dashboard()[0]
    report = app.state.web.data.report_context(Quarter.parse(P), publication=False)
    row = next(
        r for g in report.appendix for r in g.rows if r.measure == "cla_reviews_in_timescale"
    )
    assert row.commentary == text and row.commentary_kind == "analyst"
    context.close()


def test_viewer_is_refused_the_drill_down(chromium, server):
    context, page = signed_in(chromium, server, "viewer")
    page.goto(f"{server.url}/measures/assessments_within_45_working_days?period={P}")
    assert page.get_by_text("See the children and workers").count() == 0
    response = page.goto(f"{server.url}/teams")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Not allowed"
    context.close()


def test_keyboard_reaches_the_skip_link_first(chromium, server):
    context, page = signed_in(chromium, server, "manager")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    context.close()


def test_upload_a_file_and_see_the_load(chromium, tmp_path):
    app = make_app(copy_store(results=True))
    add_users(app, None)
    server = Server(app)
    try:
        # straight to the loads page: this copy of the store has no figures built yet
        context, page = signed_in(chromium, server, "analyst", landing="/loads")
        teams = rf.store_path().parent / "extracts" / "templates" / "teams.csv"
        page.get_by_label("Extract files").set_input_files(str(teams))
        page.get_by_role("button", name="Upload and load").click()
        page.locator(".success").wait_for(timeout=60_000)
        assert "template:teams" in page.locator(".success").inner_text()
        assert "teams.csv" in page.locator("#loads-table tbody tr").first.inner_text()
        context.close()
    finally:
        server.stop()


PAGES = {
    "viewer": ["/", f"/measures/referrals?period={P}", f"/reports/{P}"],
    "manager": [
        "/teams",
        "/teams/{own}",
        "/teams/{own}/measures",
        "/quality",
        "/lists",
        "/lists/overdue-visits",
        "/lists/reviews-due",
        "/lists/caseloads",
    ],
    "analyst": [
        f"/measures/assessments_within_45_working_days?period={P}",
        "/quality",
        "/loads",
        f"/reports/{P}",
        "/lists/open-assessments",
        "/lists/unallocated",
    ],
    "admin": ["/audit", "/admin/users"],
}
# The error pages a user meets (an unknown measure, a page their role may not see): 404, 403.
ERROR_PAGES = {"viewer": {"/measures/no_such_measure": 404, "/teams": 403}}

if HAS_MEMBERS:
    PAGES["analyst"].append(f"/measures/assessments_within_45_working_days/children?period={P}")
    PAGES["manager"].append(f"/measures/cla_reviews_in_timescale/children?period={P}")


@pytest.mark.parametrize("role", list(PAGES))
def test_no_serious_accessibility_violations(chromium, server, role):
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core is missing at {AXE}: scripts/setup-system.sh packs it")
        pytest.skip(f"axe-core not found at {AXE} (scripts/setup-system.sh fetches it)")
    own = dashboard()[2]
    # axe is injected as a script, which the dashboard's own CSP (rightly) forbids.
    context, page = signed_in(chromium, server, role, bypass_csp=True)
    pages = ["/login"] if role == "viewer" else []
    pages += [p.replace("{own}", own) for p in PAGES[role]]
    expected = {path: 200 for path in pages} | ERROR_PAGES.get(role, {})
    found, statuses = {}, {}
    for path in expected:
        statuses[path] = page.goto(f"{server.url}{path}").status
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
            "'wcag21aa', 'wcag22aa', 'best-practice']})).violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.length + ' ' + v.nodes[0].target)"
        )
        if result:
            found[path] = result
    assert statuses == expected  # each page checked is the page itself, not a refusal
    assert not found, found
    context.close()
