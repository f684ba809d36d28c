"""The rule queries' shapes kept between processes (issue 11 speed): `runner.row_filter` and
`runner.output_columns` answer from the file a process before wrote, keyed by the query's text
(and the scoped tables' columns), and fall back to parsing and binding when the file is missing,
unreadable or turned off."""

from __future__ import annotations

import duckdb
import pytest

from csc_scorecard.quality import runner
from csc_scorecard.quality.rules import Rule

KEY_COLUMNS = "_table VARCHAR, la_code VARCHAR, load_id INTEGER, row INTEGER, child_id VARCHAR, "
FILTER = "SELECT * FROM episodes WHERE rne = 'S'"
GIVES = "SELECT *, ls AS value FROM episodes"


def _fresh_process() -> None:
    """Forget what this process found and read, as a new process starts."""
    runner._SHAPES.clear()
    runner._SHAPES_NEW.clear()
    runner._BOUND.clear()
    for f in (runner._shapes_path, runner._kept_shapes, runner.row_filter):
        f.cache_clear()


@pytest.fixture
def kept(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_CACHE_DIR", str(tmp_path))
    _fresh_process()
    yield tmp_path
    _fresh_process()


def _con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE episodes ({KEY_COLUMNS} cy_end DATE, rne VARCHAR, ls VARCHAR)")
    con.execute("SET search_path = 'main'")  # as the scope sets it: what `scope_schema` reads
    return con


def _rule(sql: str) -> Rule:
    return Rule("x", "ssda903", "m", ("LS",), "ls", lambda: sql)


def _answers(con) -> tuple:
    runner.rule_queries(con, [_rule(FILTER), _rule(GIVES)])  # writes what it found
    return runner.row_filter(FILTER), runner.output_columns(con, _rule(GIVES))


def test_a_new_process_answers_from_the_kept_file_as_it_would_by_parsing_and_binding(kept):
    con = _con()
    found = _answers(con)
    assert found == (("episodes", "rne = 'S'"), ("value",))
    (path,) = (kept / "rule-shapes").glob("*.json")
    _fresh_process()
    assert _answers(con) == found
    # the kept answers are what is read: a file saying otherwise is believed ...
    text = path.read_text().replace("'S'\"]", "'T'\"]").replace('["value"]', "[]")
    path.write_text(text)
    _fresh_process()
    assert _answers(con) == (("episodes", "rne = 'T'"), ())
    # ... but only for the same scoped tables: another schema binds afresh
    con.execute("ALTER TABLE episodes ADD COLUMN extra INTEGER")
    assert runner.output_columns(con, _rule(GIVES)) == ("value",)


def test_an_unreadable_or_turned_off_cache_parses_and_binds(kept, monkeypatch):
    con = _con()
    _answers(con)
    (path,) = (kept / "rule-shapes").glob("*.json")
    path.write_text("{not json")
    _fresh_process()
    assert _answers(con) == (("episodes", "rne = 'S'"), ("value",))
    monkeypatch.setenv("SCORECARD_CACHE_DIR", "off")
    _fresh_process()
    assert _answers(con) == (("episodes", "rne = 'S'"), ("value",))
