"""Issue 13, the ingest and store items: nothing lost. Every hostile file is generated here at test
time (nothing hostile is committed); each test asserts the exact refusal or issue and, for a
refusal, that the store's content is exactly what it was before."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.ingest.run import IngestRefused, read_all
from csc_scorecard.store import SCHEMA_VERSION, Store
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import ssda903

LA = "371"
RUN = CliRunner()


@pytest.fixture(scope="module")
def extracts(tmp_path_factory) -> Path:
    """Synthetic 903 returns for 2021-22, 2022-23 and 2023-24 as CSV folders and XML files."""
    root = tmp_path_factory.mktemp("hostile")
    ssda903.write(generate(SynthConfig(size=0.05, first_year=2021, last_year=2023)), root)
    return root


def content(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted (load timestamps left out): the store's content."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        out = {}
        for name in sorted(names):
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [name]
                ).fetchall()
                if r[0] != "loaded_at"
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f'SELECT {select} FROM "{name}"').fetchall()
            out[name] = sorted(rows, key=repr)
        return out


def cli(*args: str):
    return RUN.invoke(app, [str(a) for a in args])


@pytest.fixture
def loaded(extracts, tmp_path) -> Path:
    """A store holding the 2021-22 and 2022-23 returns."""
    store = tmp_path / "store.duckdb"
    res = cli("ingest", extracts / "ssda903" / "2022", extracts / "ssda903" / "2023",
              "--la", LA, "--store", store)  # fmt: skip
    assert res.exit_code == 0, res.output
    return store


# -- item 1: the year is checked; a reload says what it replaces and refuses a large drop ---------


def test_a_folder_given_the_wrong_year_is_refused_and_the_stored_return_kept(extracts, loaded):
    before = content(loaded)
    res = cli(
        "ingest", extracts / "ssda903" / "2022", "--la", LA, "--year", "2023", "--store", loaded
    )
    assert res.exit_code == 2
    assert "--year 2023 says 2022-23, but the dates in the files" in res.output
    assert "place this return in 2021-22: nothing was loaded" in res.output
    res = cli(
        "ingest", extracts / "ssda903" / "2022", "--la", LA, "--year", "2050", "--store", loaded
    )
    assert res.exit_code == 2 and "--year 2050 says 2049-50" in res.output
    assert content(loaded) == before


def test_a_folder_named_for_another_year_is_refused(extracts, tmp_path, loaded):
    misnamed = tmp_path / "2024"
    shutil.copytree(extracts / "ssda903" / "2022", misnamed)
    before = content(loaded)
    res = cli("ingest", misnamed, "--la", LA, "--store", loaded)
    assert res.exit_code == 2
    assert (
        "'2024' names 2023-24, but the dates in the files place this return in 2021-22"
        in res.output
    )
    assert content(loaded) == before


def test_a_reload_prints_rows_before_and_after(extracts, loaded):
    with Store(loaded, read_only=True) as db:
        (rows,) = db.con.execute(
            "SELECT row_count FROM loads WHERE period_end = DATE '2023-03-31'"
        ).fetchone()
    res = cli("ingest", extracts / "ssda903" / "2023", "--la", LA, "--store", loaded)
    assert res.exit_code == 0, res.output
    assert f"replaces ssda903 LA 371 01/04/2022-31/03/2023: {rows:,} rows -> {rows:,}" in res.output


def test_a_reload_dropping_more_than_half_is_refused_unless_replace(extracts, tmp_path, loaded):
    part = tmp_path / "2023"
    shutil.copytree(extracts / "ssda903" / "2023", part)
    for f in part.iterdir():  # a half-finished export: a third of the rows of each table
        lines = f.read_text().splitlines(keepends=True)
        f.write_text("".join(lines[: 1 + (len(lines) - 1) // 3]))
    before = content(loaded)
    res = cli("ingest", part, "--la", LA, "--store", loaded, "--year", "2023")
    assert res.exit_code == 2, res.output
    assert (
        "nothing was loaded: this load replaces ssda903 LA 371 01/04/2022-31/03/2023" in res.output
    )
    assert "pass --replace to replace it anyway" in res.output
    assert content(loaded) == before
    res = cli("ingest", part, "--la", LA, "--store", loaded, "--year", "2023", "--replace")
    assert res.exit_code == 0, res.output
    assert "replaces ssda903 LA 371 01/04/2022-31/03/2023" in res.output
    with Store(loaded, read_only=True) as db:
        assert db.con.execute("SELECT count(*) FROM loads").fetchone()[0] == 2


# -- item 2: one return twice in a run ------------------------------------------------------------


def test_the_same_return_as_csv_and_xml_in_one_folder_is_refused_naming_both(extracts, tmp_path):
    both = tmp_path / "2023"
    shutil.copytree(extracts / "ssda903" / "2023", both)
    shutil.copy(extracts / "ssda903_xml" / "2023.xml", both / "2023.xml")
    with pytest.raises(IngestRefused) as err:
        read_all([both], la_code=LA)
    (error,) = err.value.errors
    assert "holds the same ssda903 return (LA 371, 01/04/2022-31/03/2023) as" in str(error)
    assert "2023.xml" in str(error) and "episodes.csv" in str(error)


# -- item 10: files that are not files, and bombs -------------------------------------------------


def _refusals(paths, **kwargs) -> list[str]:
    """read_all's refusals, failing (not hanging) if it takes more than 20 seconds."""
    found: list = []

    def run():
        try:
            read_all(paths, la_code=LA, **kwargs)
        except IngestRefused as err:
            found.extend(str(e) for e in err.errors)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "ingest hung"
    return found


def test_a_named_pipe_is_refused_not_read(tmp_path):
    pipe = tmp_path / "episodes.csv"
    os.mkfifo(pipe)
    assert _refusals([pipe]) == [f"{pipe}: is a named pipe, not a regular file: refused"]
    assert _refusals([tmp_path]) == [f"{pipe}: is a named pipe, not a regular file: refused"]


def test_a_symlink_to_a_device_is_refused(tmp_path):
    link = tmp_path / "header.csv"
    link.symlink_to("/dev/zero")
    assert _refusals([tmp_path]) == [f"{link}: is a device, not a regular file: refused"]


def _bomb(path: Path, megabytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (megabytes * 1024 * 1024))
    return path


def test_a_workbook_that_inflates_past_the_limit_is_refused_before_it_is_opened(
    tmp_path, monkeypatch
):
    bomb = _bomb(tmp_path / "teams.xlsx", 40)
    assert bomb.stat().st_size < 100_000
    (ratio,) = _refusals([bomb])
    assert "inflates" in ratio and "SCORECARD_MAX_COMPRESSION_RATIO" in ratio
    monkeypatch.setenv("SCORECARD_MAX_UNCOMPRESSED_MB", "20")
    assert _refusals([bomb]) == [
        f"{bomb}: inflates to 40 MB when opened, over the 20 MB limit (SCORECARD_MAX_UNCOMPRESSED_MB)"
    ]


def test_a_file_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    big = tmp_path / "teams.csv"
    big.write_text("team_id,team_name\n" + "T1,Assessment\n" * 200_000)
    monkeypatch.setenv("SCORECARD_MAX_FILE_MB", "1")
    (error,) = _refusals([big])
    assert error.startswith(f"{big}: is 3 MB, over the 1 MB limit (SCORECARD_MAX_FILE_MB)")


# -- item 15: empty input --------------------------------------------------------------------------


def test_an_empty_folder_is_refused(tmp_path):
    empty = tmp_path / "2023"
    empty.mkdir()
    assert _refusals([empty]) == [f"{empty}: the folder holds no extract files"]


def test_an_empty_file_is_refused_naming_the_file(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "teams.csv").write_text("")
    (folder / "episodes.csv").write_text("")
    assert _refusals([folder]) == [
        f"{folder / 'episodes.csv'}: is empty (0 bytes): there is nothing to load from it",
        f"{folder / 'teams.csv'}, line 1: is empty (no header row)",
    ]


# -- item 14: operational failures are one line and a non-zero exit -------------------------------


def _one_line(res, text: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.output.strip().splitlines()[-1].startswith("Error: ")
    assert text in res.output


def test_a_missing_store_is_one_line(tmp_path):
    res = cli("status", "--store", tmp_path / "none.duckdb")
    _one_line(res, f"no store at {tmp_path / 'none.duckdb'}; run `scorecard ingest` first")


def test_a_file_that_is_not_a_store_is_one_line(tmp_path):
    junk = tmp_path / "scorecard.duckdb"
    junk.write_bytes(os.urandom(8192))
    before = junk.read_bytes()
    for args in (["measures", "--period", "2022-Q1", "--la", LA], ["status"]):
        _one_line(
            cli(*args, "--store", junk),
            f"{junk} is not a scorecard store (not a DuckDB database file)",
        )
    assert junk.read_bytes() == before


def test_a_folder_as_store_is_one_line(tmp_path):
    _one_line(
        cli("status", "--store", tmp_path), f"--store {tmp_path} is a folder, not a store file"
    )


def test_a_store_that_cannot_be_written_is_one_line(extracts):
    res = cli(
        "ingest", extracts / "ssda903" / "2023", "--la", LA, "--store", "/proc/scorecard.duckdb"
    )
    _one_line(res, "cannot write to the store /proc/scorecard.duckdb")


@pytest.mark.parametrize(("version", "text"), [
    (SCHEMA_VERSION + 1, f"was written by a newer csc-scorecard (store schema {SCHEMA_VERSION + 1}"),
    (0, "cannot be upgraded in place: rebuild it"),
])  # fmt: skip
def test_a_store_of_another_schema_version_is_refused_saying_how_to_rebuild(loaded, version, text):
    with duckdb.connect(str(loaded)) as con:
        con.execute("UPDATE store_meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    before = content(loaded)
    _one_line(cli("status", "--store", loaded), text)
    assert content(loaded) == before


def test_a_store_from_before_versions_is_read_as_version_1(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path):
        pass
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE store_meta")
    with duckdb.connect(str(path), read_only=True) as con:
        assert Store.on(con).schema_version() == 1
    with Store(path, read_only=True) as db:  # read as 1: upgraded in place (MIGRATIONS) first
        assert db.schema_version() == SCHEMA_VERSION
    with Store(path) as db:
        assert db.con.execute("SELECT value FROM store_meta").fetchone() == (str(SCHEMA_VERSION),)


@pytest.mark.parametrize(("args", "text"), [
    (["forecast", "--period", "bad"], "period 'bad' is not a financial-year quarter"),
    (["forecast", "--period", "2022-Q1", "--scenario", "nope"], "no scenario 'nope'; known: base"),
    (["project", "--from", "bad"], "--from 'bad' is not a date (YYYY-MM-DD)"),
])  # fmt: skip
def test_bad_names_and_periods_are_one_line(loaded, args, text):
    _one_line(cli(*args, "--store", loaded, "--la", LA), text)


@pytest.mark.parametrize(("args", "text"), [
    (["--period", "1900-QX"], "period '1900-QX' is not a quarter (2022-Q1"),
    (["--period", "2022-Q1", "--measure", "nope"], "not in the measure catalogue: nope"),
])  # fmt: skip
def test_measures_refuses_bad_options_as_usage_errors(loaded, args, text):
    res = cli("measures", *args, "--store", loaded, "--la", LA)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert text in " ".join(res.output.replace("│", " ").split())


@pytest.fixture
def held(loaded):
    """The store held open for writing by another process, as a running ingest holds it."""
    code = f"import duckdb, time\ncon = duckdb.connect({str(loaded)!r})\nprint('held', flush=True)\ntime.sleep(60)\n"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    yield loaded
    proc.kill()
    proc.wait()


def test_a_locked_store_is_one_line_for_readers_and_writers(extracts, held):
    busy = f"the store {held} is in use by another scorecard command"
    _one_line(cli("measures", "--period", "2022-Q1", "--la", LA, "--store", held), busy)
    _one_line(cli("ingest", extracts / "ssda903" / "2023", "--la", LA, "--store", held), busy)


def test_ingest_validates_files_before_taking_the_write_lock(tmp_path, held):
    bad = tmp_path / "teams.csv"
    bad.write_text("team_id,team_name\nT1,Assessment,extra,cells\n")
    start = time.monotonic()
    res = cli("ingest", bad, "--la", LA, "--store", held)
    assert res.exit_code == 2 and "Refused: nothing was loaded" in res.output
    assert "has 4 cells but the header has 2" in res.output and "in use" not in res.output
    assert time.monotonic() - start < 30


# -- item 3: repeated and unknown columns ---------------------------------------------------------


def _workbook(path: Path, rows: list[list], formulas: dict[str, tuple[str, str]] | None = None):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("Data")
    for r, row in enumerate(rows):
        sheet.write_row(r, 0, row)
    for cell, (formula, cached) in (formulas or {}).items():
        sheet.write_formula(cell, formula, None, cached)
    book.close()
    return path


WORKERS = "worker_id,swe_no,agency,qualified,asye_start_date,start_date,start_date\n"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_template_naming_a_column_twice_is_refused(tmp_path, suffix):
    path = tmp_path / f"workers{suffix}"
    row = ["W1", "SW1", "0", "1", "", "01/09/2015", "01/01/1900"]
    if suffix == ".csv":
        path.write_text(WORKERS + ",".join(row) + "\n")
    else:
        _workbook(path, [WORKERS.strip().split(","), row])
    sheet = ", sheet 'Data'" if suffix == ".xlsx" else ""
    assert _refusals([path]) == [
        f"{path}{sheet}, line 1, field 'start_date': names column start_date more than once"
        + " (one copy would silently replace the other)"
    ]


def test_a_misspelt_903_column_is_an_issue_naming_the_nearest(extracts, tmp_path):
    folder = tmp_path / "2023"
    shutil.copytree(extracts / "ssda903" / "2023", folder)
    episodes = folder / "episodes.csv"
    episodes.write_text(episodes.read_text().replace(",URN\n", ",URNN\n", 1))
    (batch,) = read_all([folder], la_code=LA)
    (issue,) = [i for i in batch.issues if i.rule == "unknown_column"]
    assert issue.message == (
        "column 'URNN' is not a SSDA903 Episodes column and was not loaded; did you mean 'URN'?"
    )
    assert (issue.file, issue.row, issue.field) == (str(episodes), 1, "URNN")


def test_an_unknown_template_column_is_an_issue(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text("team_id,team_nmae\nT1,Assessment\n")
    (batch,) = read_all([path], la_code=LA)
    (issue,) = [i for i in batch.issues if i.rule == "unknown_column"]
    assert issue.message.endswith("was not loaded; did you mean 'team_name'?")


# -- item 4: Excel errors and formulas without a saved value --------------------------------------


def test_excel_errors_and_formulas_without_values_are_issues(tmp_path):
    path = _workbook(
        tmp_path / "placement_costs.xlsx",
        [["placement_id", "start_date", "weekly_cost"], ["P1", "2022-04-01"], ["P2", "2022-04-01"]],
        {"C2": ("=1/0", "#DIV/0!"), "C3": ("=A1*2", "")},
    )
    (batch,) = read_all([path], la_code=LA)
    found = {(i.rule, i.row, i.field, i.value) for i in batch.issues}
    assert ("excel_error", 2, "weekly_cost", "#DIV/0!") in found
    assert ("formula_without_value", 3, "weekly_cost", "=A1*2") in found
    message = next(i.message for i in batch.issues if i.rule == "excel_error")
    assert message == "weekly_cost: cell C2 holds the Excel error #DIV/0!; read as blank"


# -- item 5: NUL bytes and escape codes -----------------------------------------------------------


def test_control_characters_in_cells_are_removed_with_an_issue(tmp_path, loaded):
    path = tmp_path / "teams.csv"
    path.write_text("team_id,team_name\nT1,Assess\x1b[2J\x1b[31mment\x00\n")
    (batch,) = read_all([path], la_code=LA)
    assert batch.tables["teams"].column("team_name").to_pylist() == ["Assessment"]
    (issue,) = [i for i in batch.issues if i.rule == "control_characters"]
    assert issue.value == "Assess\\x1b[2J\\x1b[31mment\\x00"
    assert "\x1b" not in issue.message and "\x00" not in repr(batch.issues)


def test_escape_codes_in_file_names_are_escaped_in_messages_and_storage(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "teams\x1b[2J.csv"
    path.write_text("team_id,team_name\nT1,Assessment\n")
    store = tmp_path / "s.duckdb"
    res = cli("ingest", folder, "--la", LA, "--store", store)
    assert res.exit_code == 0, res.output
    with Store(store, read_only=True) as db:
        (files,) = db.con.execute("SELECT files FROM loads").fetchone()
    assert files.endswith("teams\\x1b[2J.csv") and "\x1b" not in files
    bad = folder / "workers\x1b]0;owned\x07.csv"
    bad.write_text("worker_id,worker_id\nW1,W2\n")
    res = cli("ingest", bad, "--la", LA, "--store", store)
    assert res.exit_code == 2 and "\x1b" not in res.output and "\x07" not in res.output
    assert "workers\\x1b]0;owned\\x07.csv" in res.output


# -- item 9: numbers out of range, infinities, integers past 32 bits ------------------------------


def test_impossible_numbers_become_issues_and_are_not_loaded(tmp_path):
    path = tmp_path / "placement_costs.csv"
    path.write_text(
        "placement_id,start_date,weekly_cost\n"
        "P1,01/04/2022,1e309\nP2,01/04/2022,-inf\nP3,01/04/2022,-250\n"
        "P4,01/04/2022,9000000\nP5,01/04/2022,1250.50\n"
        "P6,01/04/2022,NaN\nP7,01/04/2022,nan\nP8,01/04/2022,inf\nP9,01/04/2022,1e400\n"
        "P10,01/04/2022,n/a\n"
    )
    (batch,) = read_all([path], la_code=LA)
    assert batch.tables["placement_costs"].column("weekly_cost").to_pylist() == [
        None, None, None, None, 1250.5, None, None, None, None, None,
    ]  # fmt: skip
    # each bad value is an issue keeping the raw text; "n/a" is a blank, as exports write it
    assert [(i.rule, i.row, i.value, i.message) for i in batch.issues] == [
        ("invalid_number", 2, "1e309", "weekly_cost: '1e309' is not a finite number"),
        ("invalid_number", 3, "-inf", "weekly_cost: '-inf' is not a finite number"),
        ("out_of_range", 4, "-250", "weekly_cost: -250 is outside the plausible range 0 to 100000: not loaded"),
        ("out_of_range", 5, "9000000", "weekly_cost: 9e+06 is outside the plausible range 0 to 100000: not loaded"),
        ("invalid_number", 7, "NaN", "weekly_cost: 'NaN' is not a number"),
        ("invalid_number", 8, "nan", "weekly_cost: 'nan' is not a number"),
        ("invalid_number", 9, "inf", "weekly_cost: 'inf' is not a finite number"),
        ("invalid_number", 10, "1e400", "weekly_cost: '1e400' is not a finite number"),
    ]  # fmt: skip


def test_sdq_out_of_range_and_integers_past_32_bits_are_issues(extracts, tmp_path):
    folder = tmp_path / "2023"
    shutil.copytree(extracts / "ssda903" / "2023", folder)
    header = (folder / "header.csv").read_text().splitlines()
    child = header[1].split(",")
    (folder / "oc2.csv").write_text(
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
        "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\n"
        f"{child[0]},{child[2]},41,,0,1,1,1,1,0,,\n{child[0]},{child[2]},99999999999,,0,1,1,1,1,0,,\n"
        f"{child[0]},{child[2]},NaN,,0,1,1,1,1,0,,\n{child[0]},{child[2]},1e400,,0,1,1,1,1,0,,\n"
        f"{child[0]},{child[2]},2147483648,,0,1,1,1,1,0,,\n{child[0]},{child[2]},12,,0,1,1,1,1,0,,\n"
    )
    (batch,) = read_all([folder], la_code=LA)
    assert batch.tables["cla_health"].column("sdq_score").to_pylist() == [None] * 5 + [12]
    found = [(i.rule, i.value, i.message) for i in batch.issues if i.field == "SDQ_SCORE"]
    assert found == [
        ("out_of_range", "41", "SDQ_SCORE: 41 is outside the plausible range 0 to 40: not loaded"),
        ("out_of_range", "99999999999", "SDQ_SCORE: '99999999999' is too large for a whole-number field"),
        ("invalid_number", "NaN", "SDQ_SCORE: 'NaN' is not a number"),
        ("invalid_number", "1e400", "SDQ_SCORE: '1e400' is not a finite number"),
        ("out_of_range", "2147483648", "SDQ_SCORE: '2147483648' is too large for a whole-number field"),
    ]  # fmt: skip


def test_dates_of_birth_in_the_future_or_before_1900_are_issues(extracts, tmp_path):
    folder = tmp_path / "2023"
    shutil.copytree(extracts / "ssda903" / "2023", folder)
    lines = (folder / "header.csv").read_text().splitlines()
    head = lines[0].split(",")
    dob = head.index("DOB")
    rows = [line.split(",") for line in lines[1:3]]
    rows[0][dob], rows[1][dob] = "01/01/2099", "31/12/1899"
    (folder / "header.csv").write_text(
        "\n".join([lines[0], *(",".join(r) for r in rows), *lines[3:]]) + "\n"
    )
    (batch,) = read_all([folder], la_code=LA)
    dob = [i for i in batch.issues if i.field == "DOB"]
    found = [(i.rule, i.row, i.value, i.message) for i in dob if i.rule != "differs_from_header"]
    assert found == [
        ("future_date", 2, "01/01/2099", "DOB: 2099-01-01 is in the future: not loaded"),
        ("implausible_date", 3, "31/12/1899", "DOB: 1899-12-31 is outside (1900, 2100)"),
    ]
    # The other tables still carry the true DOB, which now differs from the Header's (INT11-18).
    differs = [i for i in dob if i.rule == "differs_from_header"]
    assert differs and {i.child_id for i in differs} <= {rows[0][0], rows[1][0]}
    assert all(i.value not in ("01/01/2099", "31/12/1899") for i in differs)
    children = batch.tables["children"].to_pylist()
    assert [c["date_of_birth"] for c in children if c["child_id"] in (rows[0][0], rows[1][0])] == [
        None,
        None,
    ]


# -- item 11: authority codes are validated everywhere --------------------------------------------


@pytest.mark.parametrize(("args", "text"), [
    (["report", "--period", "2022-Q1", "--la", "../../X"], "--la '../../X' is not a 3-digit DfE LA number"),
    (["report", "--period", "2022-Q1", "--la", "999"], "LA 999 is neither in the store (371) nor in its"),
    (["forecast", "--period", "2022-Q1", "--la", "9999"], "--la '9999' is not a 3-digit DfE LA number"),
])  # fmt: skip
def test_la_codes_are_validated_before_any_output_is_named(loaded, tmp_path, args, text):
    out = tmp_path / "out"
    _one_line(cli(*args, "--store", loaded, "--out", out) if args[0] == "report"
              else cli(*args, "--store", loaded), text)  # fmt: skip
    assert not out.exists()


@pytest.mark.parametrize("la", ["../x", "999"])
def test_measures_refuses_an_authority_the_store_does_not_hold(loaded, la):
    res = cli("measures", "--period", "2022-Q1", "--store", loaded, "--la", la)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert f"the store holds no data for {la} (it holds 371)" in " ".join(
        res.output.replace("│", " ").split()
    )


def test_ingest_refuses_an_la_code_that_is_not_three_digits(tmp_path):
    path = tmp_path / "teams.csv"
    path.write_text("team_id,team_name\nT1,Assessment\n")
    with pytest.raises(IngestRefused) as err:
        read_all([path], la_code="../X")
    assert str(err.value) == "--la: '../X' is not a 3-digit DfE LA number (e.g. --la 371)"


# -- item 13: periods and authorities with no data are not presented as real ----------------------


def test_a_measure_outside_the_loaded_data_is_not_available_with_the_reason(loaded):
    res = cli("measures", "--period", "1900-Q1", "--store", loaded, "--la", LA,
              "--measure", "cla_at_period_end", "--format", "json")  # fmt: skip
    assert res.exit_code == 0, res.output
    (row,) = [r for r in json.loads(res.stdout) if r["period"] == "1900-Q1"]
    assert (row["value"], row["status"]) == (None, "not_available")
    assert row["reason"] == "outside the loaded data, which cover 01/04/2021 to 31/03/2023"


def test_a_report_for_a_quarter_the_store_does_not_cover_is_refused(loaded, tmp_path):
    res = cli("report", "--period", "2030-Q1", "--store", loaded, "--out", tmp_path / "out")
    _one_line(res, "the store has no data for 2030-Q1")
    assert "its loaded data cover 01/04/2021 to 31/03/2023" in res.output
    assert not (tmp_path / "out").exists()


def test_a_report_from_a_store_without_the_authority_s_extracts_is_refused(tmp_path):
    store = tmp_path / "ref.duckdb"
    path = tmp_path / "teams.csv"
    path.write_text("team_id,team_name\nT1,Assessment\n")
    assert cli("ingest", path, "--la", LA, "--store", store).exit_code == 0
    res = cli("report", "--period", "2022-Q1", "--store", store, "--out", tmp_path / "out")
    _one_line(res, "the store holds no case data for LA 371 (only reference data or templates)")


def _measure(store: Path, period: str, measure: str = "referrals") -> dict:
    res = cli("measures", "--period", period, "--store", store, "--la", LA,
              "--measure", measure, "--format", "json")  # fmt: skip
    assert res.exit_code == 0, res.output
    (row,) = [r for r in json.loads(res.stdout) if r["period"] == period]
    return row


def _load_undated_referrals(store: Path) -> None:
    """A load with no period whose rows carry dates, as an SSD extract is: three referrals
    between 2 May and 20 June 2022."""
    import pyarrow as pa

    from csc_scorecard.model.batch import LoadBatch

    rows = pa.table(
        {
            "child_id": ["C1", "C2", "C3"],
            "referral_date": [date(2022, 5, 2), date(2022, 6, 1), date(2022, 6, 20)],
            "source_row": pa.array([2, 3, 4], pa.int32()),
        }
    )
    with Store(store) as db:
        db.load([LoadBatch("ssd", LA, None, None, ["ssd.json"], tables={"referrals": rows})])


def test_a_store_of_undated_loads_is_covered_by_the_dates_of_its_rows(tmp_path):
    """An SSD extract has no period: its coverage is the span of its rows' dates, so a quarter
    outside it is not available and a report for it is refused."""
    store = tmp_path / "ssd.duckdb"
    _load_undated_referrals(store)
    with Store(store, read_only=True) as db:
        assert db.coverage(LA) == (date(2022, 5, 2), date(2022, 6, 20))
    covered = _measure(store, "2022-Q1")
    assert (covered["value"], covered["status"]) == (3, "ok")
    outside = _measure(store, "2030-Q1")
    assert (outside["value"], outside["status"]) == (None, "not_available")
    assert outside["reason"] == "outside the loaded data, which cover 02/05/2022 to 20/06/2022"
    res = cli("report", "--period", "2030-Q1", "--store", store, "--out", tmp_path / "out")
    _one_line(
        res,
        "the store has no data for 2030-Q1 (Q1 2030/31) for LA 371: its loaded data cover "
        "02/05/2022 to 20/06/2022",
    )
    assert not (tmp_path / "out").exists()


def test_a_store_of_only_undated_templates_or_reference_data_covers_no_quarter(tmp_path):
    """Teams (a template without dates) and reference data describe no period: a measure is
    not available with the reason, never a count of nothing presented as real."""
    store = tmp_path / "teams.duckdb"
    path = tmp_path / "teams.csv"
    path.write_text("team_id,team_name\nT1,Assessment\n")
    assert cli("ingest", path, "--la", LA, "--store", store).exit_code == 0
    with Store(store, read_only=True) as db:
        assert db.coverage(LA) is None
    reason = (
        "no dated data is loaded for LA 371 (only reference data, or loads whose rows carry no "
        "date), so nothing covers the period"
    )
    for measure in ("referrals", "cla_at_period_end"):
        row = _measure(store, "2022-Q1", measure)
        assert (row["value"], row["status"], row["reason"]) == (None, "not_available", reason)

    import pyarrow as pa

    from csc_scorecard.model.batch import LoadBatch

    reference = tmp_path / "reference.duckdb"
    la_codes = pa.table(
        {"la_code": [LA], "gss_code": ["E08000017"], "source_row": pa.array([2], pa.int32())}
    )
    with Store(reference) as db:
        db.load(
            [
                LoadBatch(
                    "reference:la_codes",
                    None,
                    None,
                    None,
                    ["la.csv"],
                    tables={"la_codes": la_codes},
                )
            ]
        )
        assert db.coverage(LA) is None
    # measures and report refuse an authority the store holds nothing for
    for command, refusal in (
        ("measures", "the store holds no data for 371 (it holds none)"),
        ("report", "the store holds no case data for LA 371 (only reference data or templates)"),
    ):
        res = cli(command, "--period", "2022-Q1", "--store", reference, "--la", LA,
                  "--out", tmp_path / "out")  # fmt: skip
        assert res.exit_code == 2 and "Traceback" not in res.output
        assert refusal in " ".join(res.output.replace("│", " ").split())
    assert not (tmp_path / "out").exists()


def test_a_cell_past_the_size_limit_is_an_issue_and_not_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_MAX_CELL_CHARS", "20")
    path = tmp_path / "teams.csv"
    path.write_text("team_id,team_name\nT1," + "x" * 25 + "\n")
    (batch,) = read_all([path], la_code=LA)
    assert batch.tables["teams"].column("team_name").to_pylist() == [None]
    (issue,) = [i for i in batch.issues if i.rule == "value_too_long"]
    assert issue.message == "team_name: 25 characters, over the 20 limit: not loaded"


def test_operating_system_failures_are_one_line_and_bugs_keep_their_traceback():
    import errno

    from csc_scorecard.cli import one_line

    full = OSError(errno.ENOSPC, "No space left on device", "/data/scorecard.duckdb")
    assert one_line(full) == "/data/scorecard.duckdb: the disk is full"
    assert one_line(PermissionError(errno.EACCES, "denied", "/x")) == "/x: permission denied"
    assert one_line(KeyError("a bug")) is None and one_line(ValueError("a bug")) is None


def test_a_store_missing_new_columns_is_upgraded_in_place_or_refused_read_only(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path):
        pass
    with duckdb.connect(str(path)) as con:  # as written before tables.yaml gained the column
        con.execute("ALTER TABLE teams DROP COLUMN front_line")
    _one_line(
        cli("status", "--store", path),
        f"the store {path} was written by an older csc-scorecard (teams lacks front_line): "
        "open it once for writing to upgrade it in place",
    )
    with Store(path) as db:
        columns = db.con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'teams'"
        ).fetchall()
    assert ("front_line",) in columns
    with Store(path, read_only=True):
        pass


def test_a_store_missing_a_new_table_is_upgraded_in_place_or_refused_read_only(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path):
        pass
    with duckdb.connect(str(path)) as con:  # as written before tables.yaml gained the table
        con.execute("DROP TABLE permanence_plans")
    _one_line(
        cli("status", "--store", path),
        f"the store {path} was written by an older csc-scorecard (it has no permanence_plans "
        "table): open it once for writing to upgrade it in place",
    )
    with Store(path) as db:
        assert db._missing_tables() == []
    with Store(path, read_only=True):
        pass


def test_episode_dates_after_the_return_s_year_are_issues(extracts, tmp_path):
    folder = tmp_path / "2023"
    shutil.copytree(extracts / "ssda903" / "2023", folder)
    episodes = folder / "episodes.csv"
    lines = episodes.read_text().splitlines()
    cells = lines[1].split(",")
    cells[1] = "01/05/2030"  # DECOM typed with the wrong year
    episodes.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    (batch,) = read_all([folder], la_code=LA)
    (issue,) = [i for i in batch.issues if i.rule == "date_after_return_year"]
    assert issue.message == "DECOM: 01/05/2030 is after the return's year ends (31/03/2023)"
    assert (issue.row, issue.child_id) == (2, cells[0])
