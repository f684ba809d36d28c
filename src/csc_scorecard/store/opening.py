"""Opening a store file: refusing what cannot be opened, creating the schema, checking the
version the file records (`store_meta`) and upgrading it in place where a migration exists."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Self

import duckdb

from csc_scorecard.errors import StoreError
from csc_scorecard.model.batch import Replacement
from csc_scorecard.model.lake import create_views, read_manifest
from csc_scorecard.model.schema import tables

DEFAULT_STORE = "scorecard.duckdb"
# Bump when a change to tables.yaml or the system tables needs existing stores rebuilt, and add
# the step to MIGRATIONS when it can be done in place.
SCHEMA_VERSION = 2
MIGRATIONS: dict[int, tuple[str, ...]] = {  # from version N to N+1: statements
    # 2: each load records the day its data were extracted; a load stored before knew none, so
    # its data are taken to reach its period's end (what the store assumed until then)
    1: (
        "ALTER TABLE loads ADD COLUMN IF NOT EXISTS extracted DATE",
        "UPDATE loads SET extracted = period_end WHERE extracted IS NULL",
    ),
}
UPGRADES = {2: "each load now records the day its data were extracted"}  # said once, on upgrade
REBUILD = (
    "rebuild it: `scorecard export --store OLD --out LAKE` with the version that wrote it, then "
    "`scorecard ingest LAKE --store NEW` (or ingest the original extracts into a new store)"
)

SYSTEM_DDL = (
    """CREATE TABLE IF NOT EXISTS loads (
  load_id INTEGER PRIMARY KEY,
  la_code VARCHAR,
  source_format VARCHAR,
  period_start DATE,
  period_end DATE,
  files VARCHAR,
  loaded_at TIMESTAMP,
  row_count BIGINT,
  issue_count BIGINT,
  extracted DATE
)""",
    """CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS dq_issues (
  load_id INTEGER,
  la_code VARCHAR,
  rule VARCHAR,
  severity VARCHAR,
  table_name VARCHAR,
  file VARCHAR,
  sheet VARCHAR,
  "row" INTEGER,
  child_id VARCHAR,
  field VARCHAR,
  value VARCHAR,
  message VARCHAR,
  column_name VARCHAR
)""",
)


def default_store_path() -> Path:
    """`SCORECARD_STORE` if set, else ./scorecard.duckdb."""
    return Path(os.environ.get("SCORECARD_STORE", DEFAULT_STORE))


class MissingStore(StoreError, FileNotFoundError):
    """No store file where one was expected (a FileNotFoundError too, as callers catch it)."""


def reason(error: Exception) -> str:
    """DuckDB's message without its class prefix and documentation links, on one line."""
    text = " ".join(str(error).split())
    text = text.split(": ", 1)[1] if text.startswith(("IO Error", "IOException")) else text
    return text.split(" See also ")[0]


class Opened:
    """The open DuckDB connection (`con`) of a store file, its schema created and its version
    checked. The base of `Store`; use as a context manager or call `close()`."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else default_store_path()
        self.replaced: list[Replacement] = []
        memory = str(self.path) == ":memory:"
        if not memory:
            if self.path.is_dir():
                raise StoreError(f"--store {self.path} is a folder, not a store file")
            if read_only and not self.path.exists():
                raise MissingStore(f"no store at {self.path}; run `scorecard ingest` first")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(
                    f"cannot create the store's folder {self.path.parent}: {err.strerror}"
                ) from None
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as err:
            raise StoreError(_open_failure(self.path, err, read_only)) from None
        try:
            if read_only and self._upgradable():
                # a store of an older schema opened to be read is upgraded in place first (a
                # moment's write), then read: the commands that only read it work as before
                self.con.close()
                self._upgrade()
                self.con = duckdb.connect(str(self.path), read_only=True)
            self._check_version(read_only)
            if not read_only:
                self._create_schema()
        except BaseException:
            self.con.close()
            raise

    @classmethod
    def over_lake(cls, folder: str | Path) -> Self:
        """A read-only store whose tables are views over a Parquet lake (`scorecard export`),
        in memory: every reader of a store (measures, comparators, manual values) reads a lake
        unchanged, with no DuckDB file. The manifest is checked first (LakeError)."""
        read_manifest(Path(folder))
        store = cls.__new__(cls)
        store.path = Path(folder)
        store.con = duckdb.connect()
        create_views(store.con, Path(folder))
        return store

    @classmethod
    def on(cls, con: duckdb.DuckDBPyConnection) -> Self:
        """The store's methods over a connection a caller already holds to a store (a layer that
        works on a DuckDB connection, as the validation rules do); no checks are made, and the
        connection stays the caller's to close."""
        store = cls.__new__(cls)
        store.path = Path(":memory:")
        store.replaced = []
        store.con = con
        return store

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _run(self, sql: str, params: list | None = None) -> None:
        """Execute a statement and finish its result: DuckDB 2 refuses further work on a
        connection while a result (even a DELETE's row count) is unfinished."""
        self.con.execute(sql, params or []).fetchall()

    def writable(self) -> bool:
        """Whether the store was opened for writing (a lake or a read-only file is not)."""
        with self.con.cursor() as cur:
            mode = cur.execute("SELECT current_setting('access_mode')").fetchone()[0]
        return str(mode).lower() != "read_only"

    def has_table(self, name: str) -> bool:
        """Whether the file holds a table (or a lake's view) of this name."""
        with self.con.cursor() as cur:
            return bool(
                cur.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
                ).fetchone()[0]
            )

    def _create_schema(self) -> None:
        try:
            for ddl in SYSTEM_DDL:
                self._run(ddl)
            for t in tables().values():
                self._run(t.ddl())
            # A store written before a column was added to tables.yaml gains it (NULL) in place.
            for name, columns in self._missing_columns().items():
                for c in columns:
                    self._run(f'ALTER TABLE "{name}" ADD COLUMN "{c.name}" {c.type}')
            self._run(
                "INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)",
                [str(SCHEMA_VERSION)],
            )
        except duckdb.Error as err:
            raise StoreError(f"cannot write to the store {self.path}: {reason(err)}") from None

    def schema_version(self) -> int | None:
        """The version the file records; None for a new file or one made before versions."""
        names = {
            r[0] for r in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        if "store_meta" not in names:
            return None if "loads" not in names else 1  # version 1 predates store_meta
        row = self.con.execute(
            "SELECT value FROM store_meta WHERE key = 'schema_version'"
        ).fetchall()
        return int(row[0][0]) if row else None

    def _upgradable(self) -> bool:
        """Whether the file has an older store schema that MIGRATIONS upgrade in place."""
        version = self.schema_version()
        return (
            version is not None
            and version < SCHEMA_VERSION
            and all(v in MIGRATIONS for v in range(version, SCHEMA_VERSION))
        )

    def _upgrade(self) -> None:
        """Open the file for writing once, which upgrades it (`_check_version`), and close it."""
        try:
            Opened(self.path).close()
        except StoreError as err:
            raise StoreError(
                f"the store {self.path} has an older store schema and needs upgrading to "
                f"{SCHEMA_VERSION}, which needs write access: {err}"
            ) from None

    def columns(self) -> dict[str, list[str]]:
        """Every table of the file with its columns, in the file's order (a store written by an
        older version has fewer than tables.yaml lists)."""
        with self.con.cursor() as cur:
            rows = cur.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
            ).fetchall()
        present: dict[str, list[str]] = {}
        for name, column in rows:
            present.setdefault(name, []).append(column)
        return present

    def _missing_columns(self) -> dict[str, list]:
        """Canonical columns the file's existing tables lack (it was written by an older version)."""
        with self.con.cursor() as cur:
            rows = cur.execute(
                "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main'"
            ).fetchall()
        present: dict[str, set[str]] = {}
        for name, column in rows:
            present.setdefault(name, set()).add(column)
        return {
            t.name: missing
            for t in tables().values()
            if t.name in present
            and (missing := [c for c in t.columns if c.name not in present[t.name]])
        }

    def _missing_tables(self) -> list[str]:
        """Canonical tables the file lacks (it was written before tables.yaml gained them)."""
        with self.con.cursor() as cur:
            present = {
                r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            }
        return [name for name in tables() if name not in present]

    def _check_version(self, read_only: bool) -> None:
        if read_only and self.schema_version() is not None and (absent := self._missing_tables()):
            raise StoreError(
                f"the store {self.path} was written by an older csc-scorecard (it has no "
                f"{absent[0]} table): open it once for writing to upgrade it in place (e.g. "
                f"`scorecard ingest` of the next extract), or {REBUILD}"
            )
        if read_only and (missing := self._missing_columns()):
            name, columns = next(iter(missing.items()))
            raise StoreError(
                f"the store {self.path} was written by an older csc-scorecard ({name} lacks "
                f"{', '.join(c.name for c in columns)}): open it once for writing to upgrade it "
                f"in place (e.g. `scorecard ingest` of the next extract), or {REBUILD}"
            )
        version = self.schema_version()
        if version is None or version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the store {self.path} was written by a newer csc-scorecard (store schema "
                f"{version}; this version reads {SCHEMA_VERSION}): upgrade csc-scorecard, or {REBUILD}"
            )
        steps = [MIGRATIONS.get(v) for v in range(version, SCHEMA_VERSION)]
        if any(step is None for step in steps):
            raise StoreError(
                f"the store {self.path} has store schema {version}, older than this version's "
                f"{SCHEMA_VERSION}, and cannot be upgraded in place: {REBUILD}"
            )
        if read_only:  # upgraded before this when it could be (`_upgradable`)
            raise StoreError(
                f"the store {self.path} has store schema {version} and needs upgrading to "
                f"{SCHEMA_VERSION}: open it once with write access (e.g. `scorecard ingest`)"
            )
        self._run("BEGIN TRANSACTION")
        for step in steps:
            for sql in step:
                self._run(sql)
        self._run("COMMIT")
        changes = "; ".join(UPGRADES[v] for v in range(version + 1, SCHEMA_VERSION + 1))
        print(
            f"note: the store {self.path} was upgraded in place from store schema {version} to "
            f"{SCHEMA_VERSION} ({changes}); every row kept",
            file=sys.stderr,
        )


def _open_failure(path: Path, error: Exception, read_only: bool) -> str:
    """One line for a store file DuckDB cannot open."""
    text = reason(error)
    if "Could not set lock" in text or "Conflicting lock" in text:
        return (
            f"the store {path} is in use by another scorecard command (an ingest writing to it, "
            "or a command holding it open): try again when it has finished"
        )
    if "not a valid DuckDB database" in text:
        return f"{path} is not a scorecard store (not a DuckDB database file)"
    if "newer" in text.lower() and "version" in text.lower():
        return f"{path} was written by a newer DuckDB than this installation's: {REBUILD}"
    mode = "read" if read_only else "write to"
    return f"cannot {mode} the store {path}: {text}"
