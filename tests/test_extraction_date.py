"""An in-year return's data end at its extraction, not at its period's 31 March.

Each load records the day its data were extracted (`loads.extracted`): a CIN census header's
DateTime, else `scorecard ingest --extracted`, else its period's end. The span the loads cover
(`Store.coverage`) ends at min(period end, extraction), so `scorecard measures` for a quarter
after the extraction gives the outside-the-data answer it gives after a period's end (it rated
the demo's January-March 2023 as ordinary figures: adoption decisions 0, ok), and a quarter the
extraction cuts short is counted to it and says so. A store of schema 1 (no column) is
upgraded in place, once, keeping every row."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.commands.demo import DEMO_EXTRACTS
from csc_scorecard.export import export_lake
from csc_scorecard.status import store_status
from csc_scorecard.store import SCHEMA_VERSION, Store
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import write_all

LA = "371"
RUN = CliRunner()


def cli(*args: object):
    return RUN.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    """The demo's synthetic authority, small: returns to the in-year 2022/23, extracted on
    30/06/2022 (the CIN census header says so; the 903 does not)."""
    root = tmp_path_factory.mktemp("extracts")
    write_all(generate(SynthConfig(size=0.05, first_year=2021, last_year=2022, la_code=LA)), root)
    return root


@pytest.fixture(scope="module")
def in_year(extracts, tmp_path_factory) -> Path:
    """The in-year demo's store: the demo's formats ingested with the extraction date, as
    `scorecard demo` ingests them."""
    store = tmp_path_factory.mktemp("in_year") / "store.duckdb"
    folders = [extracts / name for name in DEMO_EXTRACTS]
    r = cli("ingest", *folders, "--la", LA, "--store", store, "--extracted", "2022-06-30")
    assert r.exit_code == 0, r.output
    return store


@pytest.fixture(scope="module")
def cut(extracts, tmp_path_factory) -> tuple[Path, str]:
    """The 903 returns alone, extracted on 15/05/2022: Q1 2022/23 is cut short."""
    store = tmp_path_factory.mktemp("cut") / "store.duckdb"
    r = cli("ingest", extracts / "ssda903" / "2022", extracts / "ssda903" / "2023",
            "--la", LA, "--store", store, "--extracted", "2022-05-15")  # fmt: skip
    assert r.exit_code == 0, r.output
    return store, r.output


def measures(store: Path, period: str, out: Path) -> tuple[str, list[dict[str, str]]]:
    """`scorecard measures --format csv`: what it says, and its rows."""
    r = cli("measures", "--period", period, "--store", store, "--format", "csv", "--out", out)
    assert r.exit_code == 0, r.output
    with out.open(newline="", encoding="utf-8") as f:
        return r.output, list(csv.DictReader(f))


def test_each_load_records_the_day_its_data_were_extracted(in_year):
    with duckdb.connect(str(in_year), read_only=True) as con:
        found = {
            (f, end): x
            for f, end, x in con.execute(
                "SELECT source_format, period_end, extracted FROM loads "
                "WHERE source_format IN ('ssda903', 'cin_census')"
            ).fetchall()
        }
    assert found == {
        # the CIN census headers' DateTime: the complete year's at its end, the in-year's
        ("cin_census", date(2022, 3, 31)): date(2022, 3, 31),
        ("cin_census", date(2023, 3, 31)): date(2022, 6, 30),
        # the 903 states none: --extracted, for the complete year too (its data reach 31/03)
        ("ssda903", date(2022, 3, 31)): date(2022, 6, 30),
        ("ssda903", date(2023, 3, 31)): date(2022, 6, 30),
    }
    with Store(in_year, read_only=True) as db:
        assert db.coverage(LA)[1] == date(2022, 6, 30)  # not the in-year period's 31/03/2023


def test_a_quarter_after_the_extraction_is_outside_the_data(in_year, tmp_path):
    with Store(in_year, read_only=True) as db:
        first = db.coverage(LA)[0]
    said, found_rows = measures(in_year, "2022-Q4", tmp_path / "q4.csv")
    held = f"{first:%d/%m/%Y} to 30/06/2022"
    assert (
        f"note: the store has no data for 2022-Q4 (Q4 2022/23): the loaded data cover LA 371's "
        f"{held}; every measure is not_available"
    ) in said
    found = {(x["measure"], x["dimension"]): x for x in found_rows}
    decisions = found[("adoption_decisions", "")]  # was 0, ok: January-March 2023 unseen
    assert (decisions["value"], decisions["status"], decisions["reason"]) == (
        "",
        "not_available",
        f"outside the loaded data, which cover {held}",
    )
    assert {x["status"] for x in found.values() if x["source"] == "case data"} == {"not_available"}


def test_a_quarter_the_extraction_cuts_short_is_counted_to_it_and_says_so(cut, tmp_path):
    store, told = cut
    assert (
        "load 2: ssda903 LA 371 01/04/2022-31/03/2023, data to 15/05/2022: " in told
    )  # the ingest's line
    with Store(store, read_only=True) as db:
        periods = [load["period"] for load in store_status(db)["loads"]]
    assert periods == ["01/04/2022-31/03/2023, data to 15/05/2022", "01/04/2021-31/03/2022"]
    found = {
        (x["measure"], x["dimension"]): x
        for x in measures(store, "2022-Q1", tmp_path / "q1.csv")[1]
    }
    decisions = found[("adoption_decisions", "")]
    assert (
        decisions["window_start"],
        decisions["window_end"],
        decisions["status"],
        decisions["reason"],
    ) == ("2022-04-01", "2022-05-15", "ok", "to 15/05/2022, where the loaded data end")
    at_end = found[("cla_at_period_end", "")]
    assert (at_end["window_end"], at_end["reason"]) == (
        "2022-05-15",
        "to 15/05/2022, where the loaded data end",
    )
    table = cli("measures", "--period", "2022-Q1", "--store", store, "--measure",
                "adoption_decisions")  # fmt: skip
    assert "ok: to 15/05/2022, where the loaded data end" in table.output
    q2 = measures(store, "2022-Q2", tmp_path / "q2.csv")[1]
    assert {x["reason"] for x in q2 if x["source"] == "case data"} == {
        "outside the loaded data, which cover 01/04/2021 to 15/05/2022"
    }


def test_a_reload_extracted_later_counts_the_quarter_to_the_new_day(extracts, tmp_path):
    """The same rows, extracted later: the kept results of the quarter are not reused."""
    store = tmp_path / "store.duckdb"
    for day in ("2022-05-15", "2022-05-20"):
        r = cli("ingest", extracts / "ssda903" / "2023", "--la", LA, "--store", store,
                "--extracted", day)  # fmt: skip
        assert r.exit_code == 0, r.output
        found = measures(store, "2022-Q1", tmp_path / f"{day}.csv")[1]
        decisions = next(x for x in found if x["measure"] == "adoption_decisions")
        assert (decisions["window_end"], decisions["reason"]) == (
            day,
            f"to {date.fromisoformat(day):%d/%m/%Y}, where the loaded data end",
        )


def test_the_report_of_a_quarter_cut_short_gives_its_period_to_the_extraction(cut, tmp_path):
    store, _ = cut
    r = cli("report", "--period", "2022-Q1", "--store", store, "--formats", "html",
            "--out", tmp_path)  # fmt: skip
    assert r.exit_code == 0, r.output
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert '<p class="cover-period">Q1 2022/23: 1 April 2022 to 15 May 2022</p>' in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    # the faults describe the data as extracted, not as at the quarter's end they do not reach
    assert "faults in the data as at 15 May 2022 ." in text


def test_the_lake_carries_the_extraction(cut, tmp_path):
    store, _ = cut
    with Store(store, read_only=True) as db:
        export_lake(db, tmp_path / "lake")
    lake = Store.over_lake(tmp_path / "lake")
    try:
        assert [x.extracted for x in lake.loads([LA])] == [date(2022, 5, 15)] * 2
        assert lake.coverage(LA) == (date(2021, 4, 1), date(2022, 5, 15))
    finally:
        lake.close()
    back = tmp_path / "back.duckdb"  # loaded back, each load keeps its extraction
    assert cli("ingest", tmp_path / "lake", "--store", back).exit_code == 0
    with Store(back, read_only=True) as db:
        assert [x.extracted for x in db.loads([LA])] == [date(2022, 5, 15)] * 2


def test_a_lake_exported_before_the_column_reads_its_loads_to_their_period_end(cut, tmp_path):
    store, _ = cut
    lake = tmp_path / "lake"
    with Store(store, read_only=True) as db:
        export_lake(db, lake)
    # as an earlier version wrote it: loads without `extracted`, in the files and the manifest
    (parquet,) = (lake / "loads").glob("*.parquet")
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * EXCLUDE (extracted) FROM read_parquet('{parquet}')) "
            f"TO '{tmp_path / 'loads.parquet'}' (FORMAT parquet)"
        )
    (tmp_path / "loads.parquet").replace(parquet)
    manifest = json.loads((lake / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["loads"]["columns"].remove("extracted")
    (lake / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    old = Store.over_lake(lake)
    try:
        assert [x.extracted for x in old.loads([LA])] == [None, None]
        assert old.coverage(LA) == (date(2021, 4, 1), date(2023, 3, 31))
    finally:
        old.close()
    back = tmp_path / "back.duckdb"  # and loaded back: the period's end, as before
    assert cli("ingest", lake, "--store", back).exit_code == 0
    with Store(back, read_only=True) as db:
        assert [x.extracted for x in db.loads([LA])] == [date(2022, 3, 31), date(2023, 3, 31)]


def content(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * EXCLUDE (loaded_at) FROM loads ORDER BY load_id").fetchall()


@pytest.mark.parametrize(
    ("given", "refusal"),
    [
        ("2999-01-01", (f"2999-01-01 is after today ({date.today():%d/%m/%Y}): the extracts "
                       "cannot have been taken yet")),
        ("15/05/2022", "'15/05/2022' is not a date like 2022-06-30"),
    ],
)  # fmt: skip
def test_a_bad_extracted_is_refused_in_one_line(extracts, tmp_path, given, refusal):
    store = tmp_path / "store.duckdb"
    r = cli("ingest", extracts / "ssda903" / "2023", "--la", LA, "--store", store,
            "--extracted", given)  # fmt: skip
    assert r.exit_code == 2, r.output
    assert f"Invalid value for --extracted: {refusal}" in " ".join(
        r.output.replace("│", " ").split()
    )
    assert "Traceback" not in r.output and not store.exists()


def test_an_extraction_before_the_period_is_refused_and_nothing_stored(extracts, tmp_path):
    store = tmp_path / "store.duckdb"
    assert cli("ingest", extracts / "ssda903" / "2022", "--la", LA, "--store", store).exit_code == 0
    before = content(store)
    folder = extracts / "ssda903" / "2023"
    r = cli("ingest", folder, "--la", LA, "--store", store, "--extracted", "2022-03-01")
    assert r.exit_code != 0, r.output
    said = " ".join(r.output.split())
    assert said.startswith("Error: nothing was loaded: ")
    assert said.endswith(
        " was extracted on 01/03/2022 (--extracted), before its period 01/04/2022-31/03/2023 begins"
    )
    assert content(store) == before
    assert before[0][-1] == date(2022, 3, 31)  # no date given: the period's end


# The loads table as store schema 1 made it (store/opening.py before the extraction date)
VERSION_1_LOADS = """CREATE TABLE loads (
  load_id INTEGER PRIMARY KEY,
  la_code VARCHAR,
  source_format VARCHAR,
  period_start DATE,
  period_end DATE,
  files VARCHAR,
  loaded_at TIMESTAMP,
  row_count BIGINT,
  issue_count BIGINT
)"""


def test_a_version_1_store_is_upgraded_in_place_once_keeping_every_row(tmp_path, capsys):
    path = tmp_path / "old.duckdb"
    with Store(path):
        pass
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE loads")
        con.execute(VERSION_1_LOADS)
        con.execute(
            "INSERT INTO loads VALUES (1, '371', 'ssda903', '2022-04-01', '2023-03-31', "
            "'2023/header.csv', '2022-07-01 09:00:00', 10, 0), "
            "(2, '371', 'template:teams:teams.csv', NULL, NULL, 'teams.csv', "
            "'2022-07-01 09:00:00', 1, 0)"
        )
        con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    capsys.readouterr()
    with Store(path, read_only=True) as db:  # a reader: upgraded first, then read
        assert db.schema_version() == SCHEMA_VERSION == 2
        assert [(x.load_id, x.period_end, x.extracted) for x in db.loads()] == [
            (1, date(2023, 3, 31), date(2023, 3, 31)),  # as the store took it until now
            (2, None, None),
        ]
    assert capsys.readouterr().err == (
        f"note: the store {path} was upgraded in place from store schema 1 to 2 (each load "
        "now records the day its data were extracted); every row kept\n"
    )
    with Store(path) as db:
        assert db.con.execute("SELECT count(*) FROM loads").fetchone() == (2,)
    assert capsys.readouterr().err == ""  # said once


def test_quality_for_a_quarter_after_the_extraction_is_refused(in_year):
    """`scorecard quality --period 2022-Q2` on the in-year demo (data to 30/06/2022) said 'LA
    371, data as at 2022-09-30: 768 faults ...; since 2022-Q1: 0 opened, 0 closed': the faults
    of the data held, dated three months past them (the check was judged by the in-year
    returns' period end, 31/03/2023, not by where their data stop). The quarter the data reach
    is still answered."""
    r = cli("quality", "--period", "2022-Q2", "--store", in_year, "--la", LA)
    assert r.exit_code == 1
    assert r.output.strip().splitlines()[-1] == (
        "LA 371: 2022-Q2 (Q2 2022/23) is after the data the store holds (as at 2022-06-30): its "
        "faults would be those of that data, not of the data as at 2022-09-30; ask for 2022-Q1 "
        "or an earlier quarter, or load the returns that reach it."
    )
    r = cli("quality", "--period", "2022-Q1", "--store", in_year, "--la", LA, "--format", "json")
    assert r.exit_code == 0, r.output
