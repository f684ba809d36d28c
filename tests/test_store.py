"""The store's load semantics: all-or-nothing, reload replaces, natural keys supersede."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pyarrow as pa
import pytest

from csc_scorecard.model.batch import Issue, LoadBatch
from csc_scorecard.store import Store

YEAR_2022 = (date(2021, 4, 1), date(2022, 3, 31))
YEAR_2021 = (date(2020, 4, 1), date(2021, 3, 31))


def episodes(rows: list[tuple[str, date, str | None, str | None]]) -> pa.Table:
    child, decom, rne, place = zip(*rows, strict=True)
    return pa.table(
        {
            "child_id": child,
            "decom": decom,
            "rne": rne,
            "place": place,
            "source_row": range(1, len(rows) + 1),
        }
    )


def batch(fmt: str, tables: dict, period=YEAR_2022, issues=()) -> LoadBatch:
    return LoadBatch(fmt, "371", *period, files=[f"{fmt}.csv"], tables=tables, issues=list(issues))


def rows(store, sql: str) -> list[tuple]:
    return store.con.execute(sql).fetchall()


def test_load_adds_la_code_lineage_and_issues(store):
    b = batch(
        "ssda903",
        {"cla_episodes": episodes([("C1", date(2021, 5, 1), "S", "U1")])},
        issues=[
            Issue(
                "unknown_code",
                "PLACE: 'Q9' unknown",
                table="cla_episodes",
                row=1,
                child_id="C1",
                field="PLACE",
                value="Q9",
            )
        ],
    )
    (load_id,) = store.load([b])
    assert rows(
        store, "SELECT la_code, child_id, place, load_id, source_row FROM cla_episodes"
    ) == [("371", "C1", "U1", load_id, 1)]
    assert rows(store, "SELECT rule, child_id, value FROM dq_issues") == [
        ("unknown_code", "C1", "Q9")
    ]
    assert rows(store, "SELECT source_format, row_count, issue_count FROM loads") == [
        ("ssda903", 1, 1)
    ]


def test_reload_of_same_return_replaces_it(store):
    store.load(
        [
            batch(
                "ssda903",
                {
                    "cla_episodes": episodes(
                        [("C1", date(2021, 5, 1), "S", "U1"), ("C2", date(2021, 6, 1), "S", "K2")]
                    )
                },
            )
        ]
    )
    store.load(
        [batch("ssda903", {"cla_episodes": episodes([("C1", date(2021, 5, 1), "S", "U4")])})]
    )
    # C2 was in the first version of the return only: the reload of the same period drops it.
    assert rows(store, "SELECT child_id, place FROM cla_episodes") == [("C1", "U4")]
    assert rows(store, "SELECT count(*) FROM loads") == [(1,)]


def test_overlapping_returns_keep_one_row_per_key_and_unsupplied_columns(store):
    store.load(
        [batch("ssda903", {"cla_episodes": episodes([("C1", date(2021, 5, 1), "S", "U1")])})]
    )
    # The next year's return carries the same episode (open across 31 March) without RNE.
    later = pa.table({"child_id": ["C1"], "decom": [date(2021, 5, 1)], "place": ["U4"]})
    store.load(
        [batch("ssda903", {"cla_episodes": later}, period=(date(2022, 4, 1), date(2023, 3, 31)))]
    )
    assert rows(store, "SELECT child_id, rne, place, load_id FROM cla_episodes") == [
        ("C1", "S", "U4", 2)
    ]


def test_duplicate_keys_within_one_load_are_all_kept(store):
    store.load(
        [
            batch(
                "ssda903",
                {
                    "cla_episodes": episodes(
                        [("C1", date(2021, 5, 1), "S", "U1"), ("C1", date(2021, 5, 1), "S", "U1")]
                    )
                },
            )
        ]
    )
    assert rows(store, "SELECT count(*) FROM cla_episodes") == [(2,)]


def test_failed_load_changes_nothing(store):
    store.load(
        [batch("ssda903", {"cla_episodes": episodes([("C1", date(2021, 5, 1), "S", "U1")])})]
    )
    before = (
        rows(store, "SELECT * FROM cla_episodes"),
        rows(store, "SELECT load_id, source_format FROM loads"),
    )
    good = batch(
        "annex_a",
        {"cla_episodes": episodes([("C9", date(2022, 1, 1), "S", "U1")])},
        period=(None, None),
    )
    bad = batch(
        "cin_census",
        {
            "cla_episodes": pa.table(
                {"child_id": ["C3"], "decom": [date(2021, 1, 1)], "not_a_column": [1]}
            )
        },
    )
    with pytest.raises(ValueError, match="not_a_column"):
        store.load([good, bad])
    after = (
        rows(store, "SELECT * FROM cla_episodes"),
        rows(store, "SELECT load_id, source_format FROM loads"),
    )
    assert after == before


def test_another_formats_blank_does_not_erase_a_value(store):
    store.load(
        [batch("ssda903", {"cla_episodes": episodes([("C1", date(2021, 5, 1), "S", "U1")])})]
    )
    # Annex A describes the same record but has no placement column value.
    store.load(
        [
            batch(
                "annex_a",
                {"cla_episodes": episodes([("C1", date(2021, 5, 1), None, None)])},
                period=(None, None),
            )
        ]
    )
    assert rows(store, "SELECT rne, place FROM cla_episodes") == [("S", "U1")]


def test_a_later_returns_blank_keeps_the_value(store):
    store.load(
        [batch("ssda903", {"cla_episodes": episodes([("C1", date(2021, 5, 1), "S", "U1")])})]
    )
    later = (date(2022, 4, 1), date(2023, 3, 31))
    store.load(
        [
            batch(
                "ssda903",
                {"cla_episodes": episodes([("C1", date(2021, 5, 1), "S", None)])},
                period=later,
            )
        ]
    )
    assert rows(store, "SELECT rne, place, load_id FROM cla_episodes") == [("S", "U1", 2)]


def test_reloading_a_return_twice_keeps_the_values_other_loads_gave_its_rows(store):
    """A merge gives the row the new load's id, holding in the columns its return does not
    supply the values of the other load's row it replaced (Annex A's further_support_needed on
    a census assessment): a reload of that return must keep them, so that loading the same
    files twice stores what loading them once does (the demo's `ingest ssda903 cin_census`
    again: 1,859 assessments lost further_support_needed, 226 true rather than 1,045)."""
    census = pa.table(
        {"child_id": ["C1", "C2"], "decom": [date(2021, 5, 1)] * 2, "place": ["U1", "U2"]}
    )
    store.load([batch("cin_census", {"cla_episodes": census})])
    store.load(
        [
            batch(
                "annex_a",
                {"cla_episodes": episodes([("C1", date(2021, 5, 1), "L", None)])},
                period=(None, None),
            )
        ]
    )
    once = "SELECT child_id, rne, place FROM cla_episodes ORDER BY ALL"
    expected = [("C1", "L", "U1"), ("C2", None, "U2")]
    for _ in range(3):
        store.load([batch("cin_census", {"cla_episodes": census})])
        assert rows(store, once) == expected
    assert rows(store, "SELECT count(*) FROM loads") == [(2,)]
    # a reload without a row drops it, the values other loads gave it with it (rule 1)
    store.load([batch("cin_census", {"cla_episodes": census.slice(1)})], replace=True)
    assert rows(store, once) == [("C2", None, "U2")]


def test_a_load_is_durable_in_the_log_before_its_checkpoint(tmp_path):
    """The load's COMMIT goes to the write-ahead log only (the checkpoint is left to the next
    commit or to closing, off the ingest's path): a process ending without closing the store
    after a load leaves it whole, and the store's checkpoint setting is as it was."""
    path = tmp_path / "store.duckdb"
    script = f"""
import os
from datetime import date
import pyarrow as pa
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.store import Store
s = Store({str(path)!r})
s.con.execute("SET checkpoint_threshold = '1KB'")  # past it, COMMIT would checkpoint at once
setting = "SELECT current_setting('checkpoint_threshold')"
before = s.con.execute(setting).fetchone()
rows = pa.table({{"child_id": ["C1", "C2"], "decom": [date(2021, 5, 1)] * 2, "rne": ["S", "S"]}})
s.load([LoadBatch("ssda903", "371", date(2021, 4, 1), date(2022, 3, 31), files=["x.csv"],
                  tables={{"cla_episodes": rows}})])
assert os.path.getsize({str(path) + ".wal"!r}) > 0, "the load was checkpointed"
assert s.con.execute(setting).fetchone() == before
os._exit(0)  # as a crash would: no close, no checkpoint
"""
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    with Store(path) as s:
        assert rows(s, "SELECT child_id FROM cla_episodes ORDER BY 1") == [("C1",), ("C2",)]
        assert rows(s, "SELECT source_format, row_count FROM loads") == [("ssda903", 2)]


def test_rows_of_one_load_merge_with_keys_its_earlier_batches_loaded(store):
    """Into a table empty when the load began, rows whose key no earlier batch of the load
    loaded go in as they are; a key one did load (a NULL key part matching NULL) is merged,
    even when a batch between them shared no key."""
    years = [(date(y, 4, 1), date(y + 1, 3, 31)) for y in (2019, 2020, 2021)]
    first = episodes([("C1", date(2019, 5, 1), "S", "U1"), ("C2", None, "S", "U2")])
    between = episodes([("C3", date(2020, 6, 1), "S", "U3")])  # no key of the first's
    last = episodes([("C1", date(2019, 5, 1), "P", None), ("C2", None, "P", "U4")])
    ids = store.load(
        [
            batch("ssda903", {"cla_episodes": t}, y)
            for t, y in zip((first, between, last), years, strict=True)
        ]
    )
    assert rows(
        store, "SELECT child_id, decom, rne, place, load_id FROM cla_episodes ORDER BY child_id"
    ) == [
        ("C1", date(2019, 5, 1), "P", "U1", ids[2]),
        ("C2", None, "P", "U4", ids[2]),
        ("C3", date(2020, 6, 1), "S", "U3", ids[1]),
    ]


def test_a_small_load_runs_on_one_duckdb_thread_and_puts_the_setting_back(store):
    """A load into a small store runs on one DuckDB thread (its statements are small; the
    ingest's reader processes hold the other core), a batch past one row group on all of them;
    the setting, the whole database's, is put back after the load, and after a failed one."""
    setting = "SELECT current_setting('threads')"
    store.con.execute("SET threads = 3")
    seen = []

    def batches(*extra):
        small = episodes([("C1", date(2021, 5, 1), "S", "U")])
        for b in (batch("ssda903", {"cla_episodes": small}), *extra):
            yield b
            seen.append(rows(store, setting)[0][0])  # the setting while it was loaded

    store.load(batches())
    assert seen == [1] and rows(store, setting) == [(3,)]
    n = 130_000  # past one row group: the load goes back to every thread
    many = pa.table({"child_id": [f"C{i}" for i in range(n)], "decom": [date(2020, 5, 1)] * n})
    store.load(batches(batch("ssda903", {"cla_episodes": many}, period=YEAR_2021)))
    assert seen == [1, 1, 3] and rows(store, setting) == [(3,)]
    bad = batch("cin_census", {"cla_episodes": pa.table({"child_id": ["C3"], "oops": [1]})})
    with pytest.raises(ValueError, match="oops"):
        store.load(batches(bad))
    assert seen == [1, 1, 3, 1] and rows(store, setting) == [(3,)]
