"""`scorecard ingest` into a store that exists loads each file while the worker processes read
the ones after it (`commands.ingest._load`, `run.each_source`). It must store exactly what
reading everything first stores, and a refusal found after some files were loaded must leave
the store as it was and be reported as before, ahead of any failure of the store itself. After
the load, the DfE rules run beside the measure refresh and keep what they keep one after the
other."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest
from test_cin_census_ingest import CHILD, cin
from test_ingest_parallel import _census, _extracts

from csc_scorecard.commands.ingest import _load, check_and_refresh
from csc_scorecard.errors import StoreError
from csc_scorecard.ingest import parallel
from csc_scorecard.ingest.run import IngestRefused, each_source, read_sources
from csc_scorecard.measures import availability
from csc_scorecard.measures.results import refresh_after_load
from csc_scorecard.quality import history
from csc_scorecard.store import ReloadRefused, Store
from csc_scorecard.store.loading import Loading

LA = "371"


def _rows(path: Path) -> dict[str, list]:
    """Every table's rows, sorted, but for the time of loading."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {
            n: sorted(map(repr, con.execute(f'SELECT * EXCLUDE (loaded_at) FROM "{n}"').fetchall()))
            if n == "loads"
            else sorted(map(repr, con.execute(f'SELECT * FROM "{n}"').fetchall()))
            for n in names
        }


def _loaded_while_read(store: Path, paths: list[Path], *, replace: bool = False):
    db, batches, ids = _load(store, each_source(paths, la_code=LA, in_order=True), replace)
    db.close()
    return batches, ids


def _loads(monkeypatch) -> list[int]:
    """Counts each batch the store starts to load."""
    started: list[int] = []
    real = Loading._load_one

    def counted(self, batch, *args, **kwargs):
        started.append(1)
        return real(self, batch, *args, **kwargs)

    monkeypatch.setattr(Loading, "_load_one", counted)
    return started


def _refusal(paths: list[Path]) -> list:
    with pytest.raises(IngestRefused) as refused:
        read_sources(paths, la_code=LA)
    return refused.value.errors


def _empty_store(path: Path) -> Path:
    Store(path).close()
    return path


@pytest.mark.parametrize("workers", [1, 2])
def test_loading_while_reading_stores_what_reading_first_stores(tmp_path, monkeypatch, workers):
    root = _extracts(tmp_path)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, str(workers))
    first = tmp_path / "first.duckdb"
    with Store(first) as db:  # everything read, then loaded
        first_ids = db.load(read_sources([root], la_code=LA))
    batches, ids = _loaded_while_read(_empty_store(tmp_path / "pipelined.duckdb"), [root])
    assert ids == first_ids and [b.period_end.year for b in batches] == [2020, 2021, 2022, 2023]
    assert _rows(tmp_path / "pipelined.duckdb") == _rows(first)


def test_returns_named_out_of_year_order_are_loaded_in_year_order(tmp_path, monkeypatch):
    """A folder's CIN returns are loaded one by one as the workers read them, in file order;
    where the files' names do not sort in census-year order the store rolls that back and loads
    them again in year order (`run.Reordered`), storing what reading everything first stores,
    with the same issues and ids."""
    root = tmp_path / "extracts"
    one = CHILD.format(cid="K1", extra="")
    changed = one.replace("WBRI", "ZZZZ")  # the later return's value supersedes the earlier's
    _census(root / "cin", 2022, one, name="a_return.xml")
    _census(root / "cin", 2020, changed, name="b_return.xml")
    _census(root / "cin", 2021, one, name="c_return.xml")
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    first = tmp_path / "first.duckdb"
    with Store(first) as db:
        first_ids = db.load(read_sources([root], la_code=LA))
    started = _loads(monkeypatch)
    batches, ids = _loaded_while_read(_empty_store(tmp_path / "pipelined.duckdb"), [root])
    assert len(started) > 3, "loaded as read, then again in year order"
    assert [b.period_end.year for b in batches] == [2020, 2021, 2022] and ids == first_ids
    assert _rows(tmp_path / "pipelined.duckdb") == _rows(first)


def test_the_redo_in_year_order_into_a_store_holding_the_returns_stores_what_a_reload_does(
    tmp_path, monkeypatch
):
    """The redo (`run.Reordered`) into a store that already holds the returns: rolled back, the
    same batches loaded again, in year order, store what a reload read first stores, every
    table (the batches are not changed by the load rolled back)."""
    root = tmp_path / "extracts"
    one = CHILD.format(cid="K1", extra="")
    _census(root / "cin", 2022, one, name="a_return.xml")
    _census(root / "cin", 2020, one.replace("WBRI", "ZZZZ"), name="b_return.xml")
    _census(root / "cin", 2021, one, name="c_return.xml")
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    first, pipelined = tmp_path / "first.duckdb", tmp_path / "pipelined.duckdb"
    for path in (first, pipelined):
        with Store(path) as db:
            db.load(read_sources([root], la_code=LA))
    with Store(first) as db:
        first_ids = db.load(read_sources([root], la_code=LA))
    started = _loads(monkeypatch)
    batches, ids = _loaded_while_read(pipelined, [root])
    assert len(started) > 3, "loaded as read, then again in year order"
    assert [b.period_end.year for b in batches] == [2020, 2021, 2022] and ids == first_ids
    assert _rows(pipelined) == _rows(first)


def test_a_file_refused_after_others_were_loaded_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    root = _extracts(tmp_path)
    store = tmp_path / "kept.duckdb"
    with Store(store) as db:
        db.load(read_sources([root / "later"], la_code=LA))
    before = _rows(store)
    (root / "zz_broken.xml").write_text(cin().replace("</Message>", ""), encoding="utf-8")
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with pytest.raises(IngestRefused) as read_first:
        read_sources([root], la_code=LA)
    started = _loads(monkeypatch)
    with pytest.raises(IngestRefused) as refused:
        _loaded_while_read(store, [root])
    assert started, "the returns before the broken file were loaded while it was read"
    assert [str(e) for e in refused.value.errors] == [str(e) for e in read_first.value.errors]
    assert _rows(store) == before


def test_a_new_store_is_made_only_once_every_file_is_accepted(tmp_path, monkeypatch):
    root = _extracts(tmp_path)
    (root / "zz_broken.xml").write_text(cin().replace("</Message>", ""), encoding="utf-8")
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    store = tmp_path / "new" / "store.duckdb"
    with pytest.raises(IngestRefused):
        _loaded_while_read(store, [root])
    assert not store.parent.exists()


def test_a_refused_file_is_reported_before_a_reload_the_store_refuses(tmp_path, monkeypatch):
    """A reload dropping more than half a return is refused by the store while loading; a file
    refused later in the same ingest is still what is reported, as when everything was read
    first."""
    store = tmp_path / "kept.duckdb"
    three = "".join(CHILD.format(cid=f"K{i}", extra="") for i in (1, 2, 3))
    with Store(store) as db:
        db.load(read_sources([_census(tmp_path / "first", 2020, three)], la_code=LA))
    before = _rows(store)
    again = tmp_path / "again"
    _census(again, 2020)  # the same return with one child of the three
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with pytest.raises(ReloadRefused):
        _loaded_while_read(store, [again])
    broken = tmp_path / "later" / "broken.xml"  # a folder of its own: read after the reload
    broken.parent.mkdir()
    broken.write_text(cin().replace("</Message>", ""), encoding="utf-8")
    started = _loads(monkeypatch)
    with pytest.raises(IngestRefused) as refused:
        _loaded_while_read(store, [again, broken.parent])
    assert started and [str(e) for e in refused.value.errors] == [
        str(e) for e in _refusal([again, broken.parent])
    ]
    assert _rows(store) == before


def test_a_refused_file_is_reported_before_a_store_that_cannot_be_opened(tmp_path, monkeypatch):
    root = _extracts(tmp_path)
    store = tmp_path / "not_a_store.duckdb"
    store.write_bytes(b"this is not a DuckDB file" * 100)
    monkeypatch.setenv(parallel.WORKERS_VARIABLE, "2")
    with pytest.raises(StoreError):
        _loaded_while_read(store, [root])
    (root / "zz_broken.xml").write_text(cin().replace("</Message>", ""), encoding="utf-8")
    with pytest.raises(IngestRefused):
        _loaded_while_read(store, [root])
    assert store.read_bytes() == b"this is not a DuckDB file" * 100


def _kept(path: Path) -> dict[str, list]:
    """Every table's rows, sorted, but for the times of loading, checking and computing."""
    with duckdb.connect(str(path), read_only=True) as con:
        out = {}
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            columns = [d[0] for d in con.execute(f'SELECT * FROM "{name}" LIMIT 0').description]
            times = [c for c in columns if c in ("loaded_at", "checked_at", "computed_at")]
            but = f" EXCLUDE ({', '.join(times)})" if times else ""
            out[name] = sorted(map(repr, con.execute(f'SELECT *{but} FROM "{name}"').fetchall()))
        return out


def test_the_dfe_rules_run_once_beside_the_refresh_and_keep_what_one_after_the_other_keeps(
    tmp_path, monkeypatch
):
    """After the load, the DfE rules run on their own cursor on another thread while the measure
    refresh computes (`check_and_refresh`); the refresh's reportability waits for the faults
    they keep (here the rules start only once it has asked) rather than run every rule again. The store
    then holds what running the two one after the other holds: here rule 148's faults make
    episodes not reportable."""
    from test_quality_reportability import ep

    from csc_scorecard.quality.fixtures import batch

    episodes = batch({"cla_episodes": [ep("A", None), ep("B", None), ep("C", "E4A")]})
    serial, beside = tmp_path / "serial.duckdb", tmp_path / "beside.duckdb"
    lines = {}
    ran: list[threading.Thread] = []
    asked = threading.Event()  # the refresh asked for the faults
    for store in (serial, beside):
        with Store(store) as db:
            db.load([episodes])
            if store == serial:
                with history.sharing_kept_faults():
                    lines[store] = (
                        history.record_after_load(db.con, [LA]),
                        refresh_after_load(db, [LA]),
                    )
                continue
            real, real_faults = history.run_rules, availability.rule_faults

            def late(*args, _real=real, **kwargs):
                ran.append(threading.current_thread())
                if threading.current_thread() is not threading.main_thread():
                    asked.wait(timeout=120)
                return _real(*args, **kwargs)

            def asking(ctx, _real=real_faults):
                asked.set()
                return _real(ctx)

            monkeypatch.setattr(history, "run_rules", late)
            monkeypatch.setattr(availability, "rule_faults", asking)
            lines[store] = check_and_refresh(db, [LA])
    assert len(ran) == 1 and ran[0] is not threading.main_thread()
    assert lines[beside] == lines[serial]
    assert lines[serial][0] == "DfE validation rules: 2 faults recorded"
    kept = _kept(beside)
    assert kept == _kept(serial)
    assert any("148 x 2" in row for row in kept["measure_results"])
