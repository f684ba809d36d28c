"""Other projects' fake 903 returns (shared/data/peer-fixtures, README there): each file set loads
with its faults recorded as issues, or is refused with a clear error; never a crash or a partial
load. Counts below were checked against the raw files (e.g. 1,640 of cscsynth's 2,328 DEC values
have two-digit years; d2i's PlacedAdoption reasons are all "XXX").
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from conftest import PEER_FIXTURES

from csc_scorecard.ingest.run import IngestRefused, ingest, read_all
from csc_scorecard.model.schema import tables

D2I = PEER_FIXTURES / "d2i-903-fake"
CSCSYNTH = PEER_FIXTURES / "cscsynth-903-5k"
DEMAND = PEER_FIXTURES / "cs-demand-model-sample-v1"
LIIA = PEER_FIXTURES / "liiatools-samples" / "SSDA903_2020_episodes.csv"

pytestmark = pytest.mark.skipif(not D2I.is_dir(), reason="shared/data/peer-fixtures not found")


def issues(batch) -> Counter:
    return Counter((i.rule, i.field) for i in batch.issues)


def test_d2i_folder_is_refused_for_holding_two_placed_for_adoption_files():
    with pytest.raises(IngestRefused) as err:
        read_all([D2I], la_code="371")
    (error,) = err.value.errors  # the XML beside them reads fine; only this is wrong
    assert Path(error.file).name == "placed_for_adoption_errors.csv"
    assert "placed_for_adoption.csv" in error.reason and "one file per table" in error.reason


def test_d2i_csvs_without_the_duplicate_table_load_with_their_faults_recorded():
    files = [p for p in sorted(D2I.glob("*.csv")) if p.name != "placed_for_adoption_errors.csv"]
    (batch,) = read_all(files, la_code="371")
    assert batch.period_end == date(2018, 3, 31)  # inferred: episodes end in 2017-18
    counts = {name: t.num_rows for name, t in batch.tables.items()}
    assert counts == {
        "children": 2675, "cla_episodes": 5050, "cla_reviews": 12582, "cla_health": 2675,
        "care_leavers": 53, "adoptions": 29, "previous_permanence": 2675, "missing_episodes": 43,
        "cla_social_worker_episodes": 1, "dolo_orders": 1,
    }  # fmt: skip
    found = issues(batch)
    assert found[("unknown_code", "REASON_PLACED_CEASED")] == 29  # "XXX" throughout
    assert found[("unknown_code", "ACCOM")] == 2  # "01" and "02"
    assert found[("duplicate_key", "child_id,review_date")] == 28
    # The one social-worker episode belongs to a child the Header does not list, with a reason
    # that is no DfE code; so does the one DoLo order.
    sw = {(i.rule, i.value, i.row) for i in batch.issues if i.table == "cla_social_worker_episodes"}
    assert sw == {("unknown_code", "SWLAZY", 2), ("child_not_in_header", "CHILD10", 2)}
    dolo = {(i.rule, i.value, i.row) for i in batch.issues if i.table == "dolo_orders"}
    assert dolo == {("child_not_in_header", "CHILD10", 2)}
    assert sum(r["uasc"] is True for r in batch.tables["children"].to_pylist()) == 132


def test_d2i_xml_loads():
    (batch,) = read_all([D2I / "fake_903.xml"], la_code="371")
    assert batch.period_end == date(2018, 3, 31)
    assert {n: t.num_rows for n, t in batch.tables.items() if t.num_rows} == {
        "children": 253, "cla_episodes": 459, "cla_reviews": 1206, "cla_health": 253,
        "previous_permanence": 253, "care_leavers": 6, "missing_episodes": 6, "adoptions": 3,
    }  # fmt: skip
    assert issues(batch)[("unknown_code", "REASON_PLACED_CEASED")] == 3
    assert sum(r["uasc"] is True for r in batch.tables["children"].to_pylist()) == 12


def test_cscsynth_two_digit_years_are_invalid_dates_with_the_raw_value_kept():
    (batch,) = read_all([CSCSYNTH], la_code="371")
    assert batch.period_end == date(2023, 3, 31)
    with (CSCSYNTH / "episodes.csv").open(newline="") as fh:
        raw = [r["DEC"] for r in csv.DictReader(fh)]
    two_digit = [v for v in raw if v and len(v.split("/")[-1]) == 2]
    bad = [i for i in batch.issues if i.rule == "invalid_date"]
    assert len(bad) == len(two_digit) == 1640
    assert {i.field for i in bad} == {"DEC"} and [i.value for i in bad] == two_digit
    assert (bad[0].row, bad[0].child_id, bad[0].value) == (2, "140891", "02/02/23")
    episodes = batch.tables["cla_episodes"]
    assert episodes.num_rows == 2328 and episodes.column("dec").null_count == 2328
    # Its AD1 and placed-for-adoption files are empty (not even a header): accepted as empty.
    assert sorted(Path(i.file).name for i in batch.issues if i.rule == "empty_file") == [
        "ad1.csv",
        "placed_for_adoption.csv",
    ]
    assert "adoptions" not in batch.tables


def test_cs_demand_model_folders_named_by_start_year_load_as_the_year_their_dates_show():
    batches = read_all([DEMAND], la_code="371")
    assert [b.period_end for b in batches] == [date(y, 3, 31) for y in range(2018, 2023)]
    for folder, batch in zip(range(2017, 2022), batches, strict=True):
        (warn,) = [i for i in batch.issues if i.rule == "collection_year"]
        assert warn.severity == "warning" and f"'{folder}' names" in warn.message
    assert [b.tables["cla_episodes"].num_rows for b in batches] == [1460, 974, 648, 402, 253]


def test_liiatools_episodes_file_alone_takes_its_year_from_the_file_name():
    (batch,) = read_all([LIIA], la_code="371")
    assert (batch.period_start, batch.period_end) == (date(2019, 4, 1), date(2020, 3, 31))
    assert list(batch.tables) == ["cla_episodes"] and batch.tables["cla_episodes"].num_rows == 5
    assert batch.issues == []


def snapshot(store) -> dict:
    counts = {t: store.con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables()}
    loads = store.con.execute(
        "SELECT load_id, la_code, source_format, period_start, period_end, files, row_count, "
        "issue_count FROM loads ORDER BY load_id"
    ).fetchall()
    issue_count = store.con.execute("SELECT count(*) FROM dq_issues").fetchone()[0]
    return {"counts": counts, "loads": loads, "issues": issue_count}


def test_a_refused_file_set_leaves_the_store_as_it_was(store):
    ingest(store, [DEMAND, CSCSYNTH], la_code="371")
    before = snapshot(store)
    assert before["counts"]["cla_episodes"] > 2000 and len(before["loads"]) == 6
    with pytest.raises(IngestRefused):
        ingest(store, [LIIA, D2I], la_code="371")  # the LIIA file alone would load
    assert snapshot(store) == before
