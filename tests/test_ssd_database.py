"""SSD ingest straight from a PostgreSQL database, against a real server the test starts itself.

The server is the Debian `postgresql` package (scripts/setup-system.sh): `initdb` into a
temporary folder and `pg_ctl start` on a free loopback port, as the `postgres` user when the
tests run as root (initdb refuses root). The synthetic authority's SSD is copied into schema
`ssd_development` with date columns typed DATE, as an Eclipse deployment holds it. Outside CI
the tests skip, saying why, when the PostgreSQL binaries are absent; in CI they must run.
"""

from __future__ import annotations

import csv
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from csc_scorecard.cli import app
from csc_scorecard.ingest.run import read_all
from csc_scorecard.ingest.ssd_db import _connect, read_database, redacted
from csc_scorecard.model.batch import FormatError
from csc_scorecard.store import Store
from csc_scorecard.synth.authority import SynthConfig, generate
from csc_scorecard.synth.writers import ssd as ssd_writer

LA = "371"
SCHEMA = "ssd_development"


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    bin_dir = _binaries()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries missing in CI: scripts/setup-system.sh installs them")
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl) are not installed; see scripts/setup-system.sh"
        )
    home = Path(tempfile.mkdtemp(prefix="scorecard-pg-", dir="/tmp"))
    data = home / "data"
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()

    def run(*a: object) -> None:
        subprocess.run(_as_server_user([str(x) for x in a]), check=True, capture_output=True)

    run(bin_dir / "initdb", "-D", data, "-U", "scorecard", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1"
    run(bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", home / "log", "-w", "start")
    try:
        yield f"postgresql://scorecard:unused-secret@127.0.0.1:{port}/postgres"
    finally:
        run(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ssd")
    ssd_writer.write(generate(SynthConfig(size=0.02, first_year=2021, last_year=2022)), out)
    return out / "ssd"


def _column_type(name: str) -> str:
    """DATE for the specification's datetime fields; the previous-permanence order date is text
    (nvarchar: partial dates such as ZZ/05/2021 are allowed)."""
    if name == "lapp_previous_permanence_order_date":
        return "TEXT"
    return "DATE" if name.endswith(("_date", "_dob", "_due")) else "TEXT"


def load_schema(url: str, schema: str, files: list[Path], drop: set[str] = frozenset()) -> None:
    """Create `schema` holding each file as a table (dates typed DATE), via COPY."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
        for path in files:
            with open(path, encoding="utf-8") as fh:
                header = [h for h in next(csv.reader(fh)) if h not in drop]
            columns = ", ".join(f'"{h}" {_column_type(h)}' for h in header)
            conn.execute(f'CREATE TABLE {schema}."{path.stem}" ({columns})')
            names = ", ".join(f'"{h}"' for h in header)
            with conn.cursor() as cur, open(path, encoding="utf-8") as fh:
                reader = csv.DictReader(fh)
                with cur.copy(f'COPY {schema}."{path.stem}" ({names}) FROM STDIN') as copy:
                    for r in reader:
                        copy.write_row([r[h] or None for h in header])


@pytest.fixture(scope="module")
def database(server, dump) -> str:
    load_schema(server, SCHEMA, sorted(dump.glob("ssd_*.csv")))
    return server


def comparable(batch, name):
    t = batch.tables[name]
    rows = t.drop_columns(["source_row"]).to_pylist()
    return sorted((tuple(r.values()) for r in rows), key=str)


def test_reads_the_same_rows_as_the_folder(database, dump):
    [from_db] = read_database(database, SCHEMA, LA)
    [from_folder] = read_all([dump], la_code=LA)
    assert from_db.source_format == "ssd" and from_db.issues == []
    assert set(from_db.tables) == set(from_folder.tables)
    for name in from_folder.tables:
        assert comparable(from_db, name) == comparable(from_folder, name), name
    assert all("unused-secret" not in f for f in from_db.files)
    assert from_db.files[0].startswith("postgresql://scorecard:***@127.0.0.1")


def test_cli_from_db(database, tmp_path):
    store = tmp_path / "s.duckdb"
    result = CliRunner().invoke(
        app,
        ["ingest", "--from-db", database, "--schema", SCHEMA, "--la", LA, "--store", str(store)],
    )
    assert result.exit_code == 0, result.output
    assert "ssd LA 371" in result.output
    with Store(store, read_only=True) as s:
        assert s.con.execute("SELECT count(*) FROM loads").fetchone() == (1,)
        assert s.con.execute("SELECT count(*) FROM cla_visits").fetchone()[0] > 0


def test_the_session_cannot_write(database):
    with (
        pytest.raises(FormatError, match="read-only transaction"),
        _connect(database, "test") as (cursor, _quote, _mark),
    ):
        cursor.execute("CREATE TABLE written (a int)")


def test_missing_field_refused_naming_table_and_field(server, dump, tmp_path):
    load_schema(
        server,
        "broken",
        [dump / "ssd_cin_episodes.csv", dump / "ssd_cin_assessments.csv"],
        drop={"cina_assessment_start_date"},
    )
    with pytest.raises(FormatError) as refused:
        read_database(server, "broken", LA)
    assert refused.value.field == "cina_assessment_start_date"
    assert "schema broken table ssd_cin_assessments" in str(refused.value)
    result = CliRunner().invoke(
        app,
        ["ingest", "--from-db", server, "--schema", "broken", "--la", LA, "--store", str(tmp_path / "s.duckdb")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Refused: nothing was loaded" in result.output
    assert "Traceback" not in result.output


def test_unreachable_server_and_empty_schema_are_one_line(server):
    with pytest.raises(FormatError, match="holds no ssd_ tables"):
        read_database(server, "public", LA)
    closed = f"postgresql://scorecard:pw@127.0.0.1:{_free_port()}/postgres"
    with pytest.raises(FormatError, match=r"scorecard:\*\*\*@.*cannot connect"):
        read_database(closed, SCHEMA, LA)
    assert redacted(closed) == closed.replace(":pw@", ":***@")
