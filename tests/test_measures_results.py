"""Stored measure results: kept after each load, invalidated exactly when their inputs change.

Fixture (synthetic): authority 999 has 3 referrals in 2022-Q1 (4, 5 and 6 April 2022) from a CIN
census load; authority 998 has 2 referrals in 2022-Q1 (7 and 8 April). A second load for 999
brings one looked-after episode starting 1 May 2022 (SSDA903, table `cla_episodes` only).

Worked by hand:
- `referrals` for 999 in 2022-Q1 is 3 (referral dates in 1 April - 30 June 2022), for 998 it is 2;
- `cla_starts_quarter` for 999 in 2022-Q1 is 0 before the 903 load and 1 after it;
- the 903 load touches only `cla_episodes` of 999, so `referrals` (reads `referrals`) keeps its
  stored rows for both authorities, as does every measure of 998, while `cla_starts_quarter`
  of 999 (reads `cla_episodes`) is recomputed;
- reloading the identical CIN census return replaces its rows under a new load id but changes no
  content: every stored result is kept (same `computed_at`, same fingerprint of what reaches its
  quarter), its `load_ids` now name the new load.
"""

from __future__ import annotations

from datetime import date

import pytest
from conftest import canonical

from csc_scorecard.measures.context import Settings
from csc_scorecard.measures.results import (
    RESULTS_TABLE,
    Fingerprints,
    measure_run,
    refresh_results,
    settings_key,
    stored_results,
)
from csc_scorecard.measures.run import run_measures
from csc_scorecard.model.batch import LoadBatch
from csc_scorecard.model.periods import Quarter
from csc_scorecard.store import Store

Q1 = Quarter.parse("2022-Q1")


def cin_load(la: str, days: list[int]) -> LoadBatch:
    rows = canonical(
        "referrals",
        child_id=[f"{la}-C{d}" for d in days],
        referral_date=[date(2022, 4, d) for d in days],
        referral_source=["6"] * len(days),
    )
    return LoadBatch(
        "cin_census", la, date(2022, 4, 1), date(2023, 3, 31), ["cin.xml"], {"referrals": rows}
    )


def cla_load() -> LoadBatch:
    episodes = canonical(
        "cla_episodes",
        child_id=["999-C9"],
        decom=[date(2022, 5, 1)],
        rne=["S"],
        ls=["C2"],
        place=["U1"],
    )
    return LoadBatch(
        "ssda903",
        "999",
        date(2022, 4, 1),
        date(2023, 3, 31),
        ["903.csv"],
        {"cla_episodes": episodes},
    )


def stamps(store: Store, measure: str) -> dict[str, tuple]:
    """la_code -> (computed_at, inputs, load_ids) of the measure's stored 2022-Q1 headline."""
    rows = store.con.execute(
        f"SELECT la_code, computed_at, inputs, load_ids FROM {RESULTS_TABLE} "
        "WHERE measure = ? AND period = '2022-Q1' AND dimension IS NULL",
        [measure],
    ).fetchall()
    return {la: (at, inputs, ids) for la, at, inputs, ids in rows}


def value(store: Store, la: str, measure: str) -> float:
    return store.con.execute(
        f"SELECT value FROM {RESULTS_TABLE} WHERE la_code = ? AND measure = ? "
        "AND period = '2022-Q1' AND dimension IS NULL",
        [la, measure],
    ).fetchone()[0]


@pytest.fixture
def loaded(store: Store) -> Store:
    ids = store.load([cin_load("999", [4, 5, 6]), cin_load("998", [7, 8])])
    assert ids == [1, 2]
    assert refresh_results(store) > 0
    return store


def test_results_are_stored_after_a_load_with_their_loads(loaded: Store) -> None:
    assert value(loaded, "999", "referrals") == 3
    assert value(loaded, "998", "referrals") == 2
    assert value(loaded, "999", "cla_starts_quarter") == 0
    assert stamps(loaded, "referrals")["999"][2] == "1"
    assert stamps(loaded, "referrals")["998"][2] == "2"
    # Every quarter the loads cover (2022-Q1 to 2022-Q4) and the year before, for direction.
    periods = {
        p
        for (p,) in loaded.con.execute(
            f"SELECT DISTINCT period FROM {RESULTS_TABLE} WHERE la_code = '999'"
        ).fetchall()
    }
    assert periods == {f"{y}-Q{q}" for y in (2021, 2022) for q in (1, 2, 3, 4)}


def test_reading_gives_what_computing_gives(loaded: Store) -> None:
    read = measure_run(loaded, "999", [Q1])
    computed = run_measures(loaded, "999", [Q1])
    assert read.periods == computed.periods
    assert read.rows == computed.rows
    assert read.value("referrals", Q1)["value"] == 3
    assert read.value("referrals", Q1)["status"] == "ok"


def test_fingerprints_of_a_measure_asked_about_later_are_its_tables(loaded: Store) -> None:
    """Fingerprints take only the tables of the measures asked about: a measure asked about
    later (reading another table) has its table's content and reach taken then, so its inputs
    and each period's are those it has when asked about from the start."""
    loaded.load([cla_load()])
    late = Fingerprints(loaded, Settings(), ["999"], ["referrals"])
    first = Fingerprints(loaded, Settings(), ["999"], ["referrals", "cla_starts_quarter"])
    assert "cla_episodes" not in late._tables and "cla_episodes" in first._tables
    for fresh in (late, first):
        fresh.take_reach("999", ["referrals"])
    assert late.inputs("999", "cla_starts_quarter") == first.inputs("999", "cla_starts_quarter")
    assert late.load_ids("999", "cla_starts_quarter") == first.load_ids("999", "cla_starts_quarter")
    assert late.load_ids("999", "cla_starts_quarter") == "3"
    for q in (Q1, Q1.next(), Q1.previous()):
        assert late.reach("999", "cla_starts_quarter", q) == first.reach(
            "999", "cla_starts_quarter", q
        )
    emptied = Fingerprints(loaded, Settings(), ["999"], ["referrals"])
    for faults in (False, True):
        emptied._reach("999", faults)
        emptied._reach_tables[("999", faults)].add("cla_episodes")  # as if taken: missed
    assert emptied.reach("999", "cla_starts_quarter", Q1.next()) != first.reach(
        "999", "cla_starts_quarter", Q1.next()
    )


def test_a_load_of_one_table_recomputes_only_the_measures_reading_it(loaded: Store) -> None:
    before_ref, before_cla = stamps(loaded, "referrals"), stamps(loaded, "cla_starts_quarter")
    loaded.load([cla_load()])
    recomputed = refresh_results(loaded)
    after_ref, after_cla = stamps(loaded, "referrals"), stamps(loaded, "cla_starts_quarter")
    # referrals of both authorities untouched (999's rows restamped: a new load changes the
    # basis of its DfE faults, which decide the reportability of referrals; not their reach)
    assert {la: (at, i.split("/")[1], ids) for la, (at, i, ids) in after_ref.items()} == {
        la: (at, i.split("/")[1], ids) for la, (at, i, ids) in before_ref.items()
    }
    assert after_ref["998"] == before_ref["998"]
    assert after_cla["998"] == before_cla["998"]  # the other authority untouched
    assert after_cla["999"][0] > before_cla["999"][0]  # recomputed ...
    assert after_cla["999"][1] != before_cla["999"][1]  # ... from different inputs
    assert after_cla["999"][2] == "3"  # ... which came from the 903 load
    assert value(loaded, "999", "cla_starts_quarter") == 1
    # Only 999's measures reading cla_episodes (or its issues) were computed again.
    reading = loaded.con.execute(
        f"SELECT count(DISTINCT measure) FROM {RESULTS_TABLE} WHERE la_code = '999' "
        "AND computed_at > ?",
        [before_cla["999"][0]],
    ).fetchone()[0]
    assert recomputed == reading
    assert 0 < recomputed < 40
    assert refresh_results(loaded) == 0


def test_a_reload_of_unchanged_data_keeps_the_results(loaded: Store) -> None:
    before = stamps(loaded, "referrals")
    assert loaded.load([cin_load("999", [4, 5, 6])]) == [3]  # replaces load 1
    assert refresh_results(loaded) == 0
    after = stamps(loaded, "referrals")
    assert after["999"][0] == before["999"][0]  # same computation ...
    assert after["999"][1].split("/")[1] == before["999"][1].split("/")[1]  # ... same content
    assert after["999"][2] == "3"  # now from the reload
    assert after["998"] == before["998"]


def test_a_changed_reload_is_seen_even_without_a_refresh(loaded: Store) -> None:
    loaded.load([cin_load("999", [4, 5])])  # the return resubmitted with one referral fewer
    run = measure_run(loaded, "999", [Q1], measures=["referrals"])
    assert run.value("referrals", Q1)["value"] == 2
    assert value(loaded, "999", "referrals") == 2  # and stored on the way


def test_read_only_store_computes_what_is_missing_without_writing(tmp_path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.load([cin_load("999", [4, 5, 6])])  # no refresh: nothing stored
    with Store(path, read_only=True) as s:
        run = measure_run(s, "999", [Q1], measures=["referrals"])
        assert run.value("referrals", Q1)["value"] == 3
        assert not s.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
            [RESULTS_TABLE],
        ).fetchone()[0]


def test_other_settings_are_stored_under_their_own_key(loaded: Store) -> None:
    strict = Settings(not_reportable_threshold=0.0)
    rows = stored_results(loaded, ["999"], [Q1], ["referrals"], strict)
    assert [r["value"] for r in rows if r["dimension"] is None] == [3]
    keys = loaded.con.execute(
        f"SELECT count(DISTINCT settings_key) FROM {RESULTS_TABLE} WHERE measure = 'referrals'"
    ).fetchone()[0]
    assert keys == 2


def test_compiled_queries_are_kept_for_the_next_process(loaded: Store) -> None:
    from csc_scorecard.measures import context, results

    kept = loaded.con.execute(f"SELECT count(*) FROM {results.SQL_TABLE}").fetchone()[0]
    assert kept >= 60  # one per counted measure that compiles, plus the field checks
    context._SQL.clear()  # as a new process starts
    results._REUSED.clear()
    loaded.load([cin_load("999", [4, 5])])
    run = measure_run(loaded, "999", [Q1], measures=["referrals"])
    assert run.value("referrals", Q1)["value"] == 2
    assert len(context._SQL) >= kept  # taken from the store, not compiled again


def test_a_failing_refresh_leaves_the_load_and_says_so(loaded: Store, monkeypatch) -> None:
    from csc_scorecard.measures import results

    def broken(*args, **kwargs):
        raise RuntimeError("disk full\nsecond line")

    monkeypatch.setattr(results, "refresh_results", broken)
    line = results.refresh_after_load(loaded)
    assert line == (
        "warning: measure results not brought up to date (RuntimeError: disk full); "
        "computed when read"
    )


def test_a_refresh_reads_the_stored_summary_not_the_rows(loaded: Store, monkeypatch) -> None:
    asked: list[bool] = []
    read = Store.stored_results

    def recording(self, *args, rows=True):
        asked.append(rows)
        return read(self, *args, rows=rows)

    monkeypatch.setattr(Store, "stored_results", recording)
    assert refresh_results(loaded) == 0  # all current: nothing computed
    assert asked and not any(asked)
    summary, rows = read(loaded, settings_key(Settings()), ["999"], ["referrals"], ["2022-Q1"])
    assert rows and rows[0]["value"] == 3
    assert read(
        loaded, settings_key(Settings()), ["999"], ["referrals"], ["2022-Q1"], rows=False
    ) == (summary, [])
