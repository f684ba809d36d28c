"""`scorecard audit` on odd input: a store the dashboard never ran on, a --since that is not a
day, filters matching nothing. Each says so in one line; before, --since was compared as text
('2026-13-01' and 'yesterday' listed wrongly) and an empty answer printed nothing at all."""

from __future__ import annotations

from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.web.state import State, state_path

runner = CliRunner()


def _store(tmp_path):
    store = tmp_path / "s.duckdb"
    State(state_path(store)).audit("ada", "login", address="127.0.0.1")
    return store


def test_a_since_that_is_not_a_day_is_refused(tmp_path):
    store = _store(tmp_path)
    for since in ("2026-13-01", "yesterday"):
        r = runner.invoke(app, ["audit", "--since", since, "--store", str(store)])
        assert r.exit_code == 2
        assert f"'{since}' is not a date like 2026-01-31" in r.output and "--since" in r.output
    r = runner.invoke(app, ["audit", "--since", "2020-01-31", "--store", str(store)])
    assert r.exit_code == 0 and "ada" in r.output and "login" in r.output


def test_filters_matching_nothing_say_so(tmp_path):
    store = _store(tmp_path)
    r = runner.invoke(app, ["audit", "--user", "bob", "--action", "login", "--store", str(store)])
    assert r.exit_code == 0
    assert r.output.strip() == "no entry matches --user bob, --action login"


def test_a_store_the_dashboard_never_ran_on(tmp_path):
    store = tmp_path / "never.duckdb"
    r = runner.invoke(app, ["audit", "--store", str(store)])
    assert r.exit_code == 2
    assert r.output.strip() == (
        f"error: no audit log for {store}: the dashboard has not been used on it "
        f"({state_path(store)} does not exist)"
    )
