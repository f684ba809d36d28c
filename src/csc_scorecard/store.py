"""The canonical store: one DuckDB file holding every authority's canonical and reference tables.

Loads are all-or-nothing: `Store.load` writes every batch in one transaction, so a failure
leaves the file exactly as it was. Within a load, rows replace what they cover:
1. a reload of the same source format, authority and period removes that earlier load's rows;
2. a row whose natural key (tables.yaml `key`) matches a row from another load replaces it,
   keeping the older values of columns the new source does not supply or leaves blank (two
   annual 903 returns both carry an episode open across 31 March; AD1 and Annex A list 10
   describe one adoption). A blank never erases a value; a reload of the same return (rule 1)
   is how a value recorded in error is removed.
Duplicate keys *within* one load are all kept: they are data-quality issues, not format errors.
A batch marked `merge_by_key` (manual values: each row is one fact) skips rule 1 and replaces
each stored row with its key whole, blanks included; `batch.replaced` lists the keys replaced.
With `replace=True` it is reloaded as any other (rule 1: the earlier load of that file goes).

A reload that replaces an earlier load (rule 1) is reported (`Store.replaced`: rows before and
after) and refused when it would drop more than half the rows, unless `replace=True`: a folder
given the wrong year or a half-exported return should not silently erase a good one.

The file carries its schema version (`store_meta`); a store written by another version is
refused with a message saying how to rebuild it, never read half-understood. A store that
cannot be opened (missing, locked by another command, read-only, not a DuckDB file) or written
(disk full) raises `StoreError` with one line saying so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Self

import duckdb
import pyarrow as pa

from csc_scorecard.errors import BadInput, NotFound, StoreError
from csc_scorecard.ingest.consistency import issues_against_store
from csc_scorecard.model.batch import LA_CODE, Issue, LoadBatch, Replacement, safe_text
from csc_scorecard.model.lake import create_views, read_manifest
from csc_scorecard.model.schema import ARROW_TYPES, Table, table, tables

DEFAULT_STORE = "scorecard.duckdb"
# Bump when a change to tables.yaml or the system tables needs existing stores rebuilt, and add
# the step to MIGRATIONS when it can be done in place.
SCHEMA_VERSION = 1
MIGRATIONS: dict[int, tuple[str, ...]] = {}  # from version N to N+1: statements
REBUILD = (
    "rebuild it: `scorecard export --store OLD --out LAKE` with the version that wrote it, then "
    "`scorecard ingest LAKE --store NEW` (or ingest the original extracts into a new store)"
)
MAX_DROP = 0.5  # a reload may drop at most this share of the rows it replaces without --replace

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
  issue_count BIGINT
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

ISSUE_SCHEMA = pa.schema(
    [
        ("load_id", pa.int32()),
        ("la_code", pa.string()),
        ("rule", pa.string()),
        ("severity", pa.string()),
        ("table_name", pa.string()),
        ("file", pa.string()),
        ("sheet", pa.string()),
        ("row", pa.int32()),
        ("child_id", pa.string()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("message", pa.string()),
        ("column_name", pa.string()),
    ]
)


def default_store_path() -> Path:
    """`SCORECARD_STORE` if set, else ./scorecard.duckdb."""
    return Path(os.environ.get("SCORECARD_STORE", DEFAULT_STORE))


class MissingStore(StoreError, FileNotFoundError):
    """No store file where one was expected (a FileNotFoundError too, as callers catch it)."""


class ReloadRefused(StoreError):
    """A reload would drop more than half of the return it replaces; nothing was loaded."""


def _reason(error: Exception) -> str:
    """DuckDB's message without its class prefix and documentation links, on one line."""
    text = " ".join(str(error).split())
    text = text.split(": ", 1)[1] if text.startswith(("IO Error", "IOException")) else text
    return text.split(" See also ")[0]


class Store:
    """A DuckDB file with the canonical schema. Use as a context manager or call `close()`."""

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
            raise StoreError(f"cannot write to the store {self.path}: {_reason(err)}") from None

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
        if read_only:
            raise StoreError(
                f"the store {self.path} has store schema {version} and needs upgrading to "
                f"{SCHEMA_VERSION}: run `scorecard status --store {self.path}` once with write access"
            )
        self._run("BEGIN TRANSACTION")
        for step in steps:
            for sql in step:
                self._run(sql)
        self._run("COMMIT")

    # -- loading ---------------------------------------------------------------------------

    def load(self, batches: Sequence[LoadBatch], *, replace: bool = False) -> list[int]:
        """Write the batches in one transaction; return their load ids.

        `self.replaced` then lists the earlier loads they replaced. A reload dropping more than
        half the rows it replaces raises `ReloadRefused` (nothing written) unless `replace`.
        """
        self.replaced = []
        self._run("BEGIN TRANSACTION")
        try:
            ids = [self._load_one(b, replace) for b in batches]
            self._run("COMMIT")
        except BaseException as err:
            self.replaced = []
            try:
                self._run("ROLLBACK")
            except duckdb.Error:
                pass  # a failed write may already have aborted the transaction
            if isinstance(err, duckdb.IOException):
                raise StoreError(
                    f"writing to the store {self.path} failed and nothing was loaded: {_reason(err)}"
                ) from None
            raise
        return ids

    def _load_one(self, batch: LoadBatch, replace: bool = False) -> int:
        load_id = self.con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
        if replace and batch.merge_by_key:  # asked to replace: the earlier file goes (rule 1)
            batch.merge_by_key = False
        self._check_replacement(batch, replace)
        self._forget_earlier_load(batch)
        for name, rows in batch.tables.items():
            self._merge(table(name), rows, batch, load_id)
        # Values the store's other rows contradict (ingest/consistency.py): issues of this load.
        batch.issues.extend(issues_against_store(self.con, batch, load_id))
        self._insert_issues(batch.issues, batch.la_code, load_id)
        self._run(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                batch.la_code,
                batch.source_format,
                batch.period_start,
                batch.period_end,
                "; ".join(safe_text(f) for f in batch.files),
                datetime.now(),
                batch.row_count,
                len(batch.issues),
            ],
        )
        return load_id

    def _check_replacement(self, batch: LoadBatch, replace: bool) -> None:
        """Record what the batch replaces; refuse a drop of more than MAX_DROP without `replace`."""
        if batch.merge_by_key:  # merged row by row: nothing stored is dropped
            return
        before = self.con.execute(
            """SELECT count(*), coalesce(sum(row_count), 0) FROM loads WHERE source_format = ?
               AND la_code IS NOT DISTINCT FROM ? AND period_start IS NOT DISTINCT FROM ?
               AND period_end IS NOT DISTINCT FROM ?""",
            [batch.source_format, batch.la_code, batch.period_start, batch.period_end],
        ).fetchall()[0]
        if not before[0]:
            return
        change = Replacement(
            batch.source_format,
            batch.la_code,
            batch.period_start,
            batch.period_end,
            int(before[1]),
            batch.row_count,
        )
        if not replace and change.rows_after < change.rows_before * (1 - MAX_DROP):
            raise ReloadRefused(
                f"nothing was loaded: this load {change.describe()}, dropping more than half of "
                f"the stored return ({'; '.join(safe_text(f) for f in batch.files[:2])}"
                f"{'; ...' if len(batch.files) > 2 else ''}); check the folder, --la and --year, "
                "or pass --replace to replace it anyway"
            )
        self.replaced.append(change)

    def _forget_earlier_load(self, batch: LoadBatch) -> None:
        earlier = [
            r[0]
            for r in self.con.execute(
                """SELECT load_id FROM loads WHERE source_format = ?
                   AND la_code IS NOT DISTINCT FROM ? AND period_start IS NOT DISTINCT FROM ?
                   AND period_end IS NOT DISTINCT FROM ?""",
                [batch.source_format, batch.la_code, batch.period_start, batch.period_end],
            ).fetchall()
        ]
        if not earlier or batch.merge_by_key:  # merge_by_key: row by row in _merge instead
            return
        marks = ",".join("?" * len(earlier))
        for t in tables().values():
            self._run(f'DELETE FROM "{t.name}" WHERE load_id IN ({marks})', earlier)
        self._run(f"DELETE FROM dq_issues WHERE load_id IN ({marks})", earlier)
        self._run(f"DELETE FROM loads WHERE load_id IN ({marks})", earlier)

    def _merge(self, t: Table, rows: pa.Table, batch: LoadBatch, load_id: int) -> None:
        rows = _conform(t, rows, batch.la_code)
        supplied = set(rows.column_names)
        self.con.register("_incoming", rows)
        try:
            key_match = " AND ".join(f'n."{k}" IS NOT DISTINCT FROM o."{k}"' for k in t.full_key)
            partition = ", ".join(f'"{k}"' for k in t.full_key)

            def column(c: str) -> str:
                if c == "load_id":
                    return f'CAST({load_id} AS INTEGER) AS "load_id"'
                if batch.merge_by_key:  # one fact per row: replaced whole, never mixed
                    return f'n."{c}"' if c in supplied else f'NULL AS "{c}"'
                if c not in supplied:
                    return f'o."{c}"'
                if c in t.full_key or c == "source_row":
                    return f'n."{c}"'
                # A blank in a later load means "not carried here" (a care leaver is not in a
                # later year's UASC file; Annex A list 3 has no closure), never "cleared".
                return f'coalesce(n."{c}", o."{c}") AS "{c}"'

            select = ", ".join(column(c) for c in t.column_names)
            self._run(
                f"""CREATE OR REPLACE TEMP TABLE _merged AS
                SELECT {select} FROM _incoming n LEFT JOIN (
                    SELECT * FROM "{t.name}"
                    QUALIFY row_number() OVER (PARTITION BY {partition} ORDER BY load_id DESC) = 1
                ) o ON {key_match}"""
            )
            if batch.merge_by_key:
                keys = ", ".join(f'o."{k}"' for k in t.key)
                batch.replaced.extend(
                    " ".join(str(v) for v in row)
                    for row in self.con.execute(
                        f'SELECT {keys} FROM "{t.name}" o WHERE EXISTS '
                        f"(SELECT 1 FROM _incoming n WHERE {key_match}) ORDER BY ALL"
                    ).fetchall()
                )
            self._run(
                f'DELETE FROM "{t.name}" o WHERE EXISTS (SELECT 1 FROM _incoming n WHERE {key_match})'
            )
            self._run(f'INSERT INTO "{t.name}" BY NAME SELECT * FROM _merged')
        finally:
            self.con.unregister("_incoming")
            try:
                self._run("DROP TABLE IF EXISTS _merged")
            except duckdb.TransactionException:
                pass  # the statement above failed and aborted the transaction: keep its error

    def _insert_issues(self, issues: Iterable[Issue], la_code: str | None, load_id: int) -> None:
        records = [
            {
                "load_id": load_id,
                "la_code": la_code,
                "table_name": i.table,
                "column_name": i.column,
                **{k: v for k, v in asdict(i).items() if k not in ("table", "column")},
            }
            for i in issues
        ]
        if not records:
            return
        arrow = pa.Table.from_pylist(records, schema=ISSUE_SCHEMA)
        self.con.register("_issues", arrow)
        try:
            self._run("INSERT INTO dq_issues BY NAME SELECT * FROM _issues")
        finally:
            self.con.unregister("_issues")

    # -- reading ---------------------------------------------------------------------------

    def read(self, name: str, la_code: str | None = None) -> pa.Table:
        """A canonical table (optionally one authority's rows) as Arrow, lineage included."""
        t = table(name)
        where = " WHERE la_code = ?" if (la_code and t.la_scoped) else ""
        params = [la_code] if where else []
        order = ", ".join(f'"{k}"' for k in t.full_key)
        # A cursor of its own, so a caller's half-read result on `con` cannot block the read.
        with self.con.cursor() as cur:
            return cur.sql(
                f'SELECT * FROM "{name}"{where} ORDER BY {order}', params=params
            ).to_arrow_table()

    def check_la_code(self, code: str) -> str:
        """`code` when it is a DfE LA number (3 digits) the store holds data for or its reference
        LA list knows; otherwise a one-line refusal. Output file names are built from it."""
        if not LA_CODE.fullmatch(code or ""):
            raise BadInput(f"--la {code!r} is not a 3-digit DfE LA number (e.g. 371)")
        held = self.authorities()
        if code in held:
            return code
        with self.con.cursor() as cur:
            listed = cur.execute(
                "SELECT 1 FROM la_codes WHERE la_code = ? LIMIT 1", [code]
            ).fetchall()
        if not listed:
            raise NotFound(
                f"LA {code} is neither in the store ({', '.join(held) or 'no authorities'}) nor in "
                "its reference list of authorities"
            )
        return code

    def coverage(self, la_code: str) -> tuple[date, date] | None:
        """The span the authority's loaded data cover (first day, last day); None when nothing
        loaded for it carries a date (only reference data, or loads whose rows have no date).

        A dated load (a statutory return, a template whose key holds a date) covers its period.
        A load without one (an SSD extract, a template of teams or audits) covers the span of
        the dates in its rows' keys (a referral's date, an episode's start): what it describes.
        """
        with self.con.cursor() as cur:
            loads = cur.execute(
                """SELECT load_id, period_start, period_end FROM loads WHERE la_code = ?
                   AND source_format NOT LIKE 'reference%'""",
                [la_code],
            ).fetchall()
            spans = [(s, e) for _, s, e in loads if s is not None]
            undated = [i for i, s, _ in loads if s is None]
            if undated:
                spans += _key_date_spans(cur, undated)
        if not spans:
            return None
        return min(s for s, _ in spans), max(e for _, e in spans)

    def authorities(self) -> list[str]:
        rows = self.con.execute(
            "SELECT DISTINCT la_code FROM loads WHERE la_code IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [r[0] for r in rows]

    def manual_values(self, la_code: str) -> list[ManualValue]:
        """The values supplied for an authority through the manual-values template (a local
        spreadsheet's figures, Ofsted grades, youth justice), each with its commentary: the one
        reader of the `manual_values` table, for the measure run, a framework's own items and
        the report's commentary."""
        rows = self.con.execute(
            "SELECT measure, period, value, value_text, numerator, denominator, source, commentary "
            "FROM manual_values WHERE la_code = ?",
            [la_code],
        ).fetchall()
        return [ManualValue(*row) for row in rows]


@dataclass(frozen=True)
class ManualValue:
    """One stored manual value: a measure (or framework item) id, a period and what was supplied.

    >>> ManualValue("ofsted", "2022-Q1", None, "Good", None, None, None, None).reason
    "supplied as 'Good', not a number"
    >>> ManualValue.absent("ofsted", "2022-Q1").reason, ManualValue.absent("x", "y").source_text
    ('no manual value supplied', 'manual value')
    """

    measure: str
    period: str
    value: float | None
    value_text: str | None
    numerator: float | None
    denominator: float | None
    source: str | None
    commentary: str | None

    @classmethod
    def absent(cls, measure: str, period: str) -> ManualValue:
        """No value supplied for the measure and period."""
        return cls(measure, period, None, None, None, None, None, None)

    @property
    def status(self) -> str:
        return "ok" if self.value is not None else "not_available"

    @property
    def reason(self) -> str | None:
        """Why there is no figure (None when there is one)."""
        if self.value is not None:
            return None
        if self.value_text:
            return f"supplied as {self.value_text!r}, not a number"
        return "no manual value supplied"

    @property
    def source_text(self) -> str:
        return self.source or "manual value"


def _key_date_spans(cur: duckdb.DuckDBPyConnection, load_ids: list[int]) -> list[tuple[date, date]]:
    """(first, last) of each table's key date column over the rows of these loads."""
    marks = ", ".join("?" * len(load_ids))
    spans = []
    for t in tables().values():
        types = {c.name: c.type for c in t.columns}
        column = next((k for k in t.key if types.get(k, "").upper() == "DATE"), None)
        if column is None:
            continue
        lo, hi = cur.execute(
            f'SELECT min("{column}"), max("{column}") FROM "{t.name}" WHERE load_id IN ({marks})',
            load_ids,
        ).fetchall()[0]
        if lo is not None:
            spans.append((lo, hi))
    return spans


def _open_failure(path: Path, error: Exception, read_only: bool) -> str:
    """One line for a store file DuckDB cannot open."""
    reason = _reason(error)
    if "Could not set lock" in reason or "Conflicting lock" in reason:
        return (
            f"the store {path} is in use by another scorecard command (an ingest writing to it, "
            "or a command holding it open): try again when it has finished"
        )
    if "not a valid DuckDB database" in reason:
        return f"{path} is not a scorecard store (not a DuckDB database file)"
    if "newer" in reason.lower() and "version" in reason.lower():
        return f"{path} was written by a newer DuckDB than this installation's: {REBUILD}"
    mode = "read" if read_only else "write to"
    return f"cannot {mode} the store {path}: {reason}"


def _conform(t: Table, rows: pa.Table, la_code: str | None) -> pa.Table:
    """Check the adapter's columns against the canonical table and cast them to its types."""
    known = {c.name: c for c in t.columns}
    extra = [c for c in rows.column_names if c not in known or c == "load_id"]
    if extra:
        raise ValueError(f"{t.name}: columns {extra} are not canonical columns")
    if t.la_scoped and "la_code" not in rows.column_names:
        if la_code is None:
            raise ValueError(f"{t.name}: no la_code for an authority-scoped table")
        rows = rows.append_column("la_code", pa.array([la_code] * rows.num_rows, pa.string()))
    if "source_row" not in rows.column_names:
        rows = rows.append_column("source_row", pa.nulls(rows.num_rows, pa.int32()))
    missing_key = [k for k in t.full_key if k not in rows.column_names]
    if missing_key:
        raise ValueError(f"{t.name}: key columns {missing_key} missing")
    return pa.table({c: rows.column(c).cast(ARROW_TYPES[known[c].type]) for c in rows.column_names})
