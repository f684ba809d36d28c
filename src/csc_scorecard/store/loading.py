"""Writing loads: every batch of a `Store.load` in one transaction, rows replacing what they
cover (the rules are in the package's docstring), issues and the load recorded beside them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime
from pathlib import PurePath

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.errors import StoreError
from csc_scorecard.ingest.consistency import issues_against_store
from csc_scorecard.model.batch import Issue, LoadBatch, Replacement, safe_text
from csc_scorecard.model.schema import ARROW_TYPES, Table, table, tables
from csc_scorecard.store.opening import Opened, reason

MAX_DROP = 0.5  # a reload may drop at most this share of the rows it replaces without --replace
# A load into a store holding at most this many rows (`loads.row_count`) runs on one DuckDB
# thread while its batches are at most one row group (122,880 rows) each: its statements are
# small (a batch's rows merged with the stored rows of their keys), DuckDB's second thread only
# costs CPU starting and joining, and `scorecard ingest` loads while its worker processes read
# the next files on both cores. The demo's 42 loads 1.50-1.74 -> 1.33-1.47 CPU s (A/B, load 15).
ONE_THREAD_STORE_ROWS = 4_000_000
ONE_THREAD_BATCH_ROWS = 122_880

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


class ReloadRefused(StoreError):
    """A reload would drop more than half of the return it replaces; nothing was loaded."""


class ExtractionRefused(StoreError):
    """A return extracted (by its file, or `--extracted`) before its period began: nothing was
    loaded."""


def extraction_date(batch: LoadBatch, given: date | None = None) -> date | None:
    """The day a load's data were extracted, as stored in `loads.extracted`: where its file
    states it (`LoadBatch.extracted`), else the date given (`scorecard ingest --extracted`),
    else its period's end (a full annual return); None for a load with no period and no date.
    Refused (`ExtractionRefused`) when before the period's start."""
    day = batch.extracted or given or batch.period_end
    if day is not None and batch.period_start is not None and day < batch.period_start:
        source = "as its file states" if batch.extracted else "--extracted"
        raise ExtractionRefused(
            f"nothing was loaded: {'; '.join(safe_text(f) for f in batch.files[:2])} was "
            f"extracted on {day:%d/%m/%Y} ({source}), before its period "
            f"{batch.period_start:%d/%m/%Y}-{batch.period_end:%d/%m/%Y} begins"
        )
    return day


class Loading(Opened):
    """`load`: the one writer of canonical rows, `loads` and `dq_issues`."""

    def load(
        self,
        batches: Iterable[LoadBatch],
        *,
        replace: bool = False,
        extracted: date | None = None,
    ) -> list[int]:
        """Write the batches in one transaction; return their load ids. `extracted`: the day
        the data were extracted, for the batches whose files do not state one
        (`extraction_date`).

        `self.replaced` then lists the earlier loads they replaced. A reload dropping more than
        half the rows it replaces raises `ReloadRefused` (nothing written) unless `replace`.
        `batches` may be a generator still reading files (`scorecard ingest`): anything it
        raises (a refused file) rolls the whole load back like any other failure, and leaves
        the batches loaded until then as they were given.
        """
        self.replaced = []
        # what loading adds to each batch (its issues against the store, the keys it replaced),
        # taken back if the load is rolled back: the same batches can then be loaded again
        added: list[tuple[LoadBatch, int, int]] = []
        threads = self._one_thread()
        self._run("BEGIN TRANSACTION")
        try:
            # Each load takes the next id after the highest at the time (rows of a reload are
            # forgotten after its id is taken); only this transaction adds loads meanwhile.
            first = self.con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()
            # the keys loaded so far into each table that held no row when the load began
            fresh: dict[str, _Keys] = {name: _Keys() for name in self._empty_tables()}
            ids = []
            for i, b in enumerate(batches):
                added.append((b, len(b.issues), len(b.replaced)))
                if threads is not None and b.row_count > ONE_THREAD_BATCH_ROWS:
                    self._run(f"SET threads = {threads}")  # a large batch: every thread
                    threads = None
                ids.append(self._load_one(b, first[0][0] + i, replace, fresh, extracted))
            self._commit_logged()
        except BaseException as err:
            self.replaced = []
            for b, issues, replaced in added:
                del b.issues[issues:], b.replaced[replaced:]
            try:
                self._run("ROLLBACK")
            except duckdb.Error:
                pass  # a failed write may already have aborted the transaction
            if isinstance(err, duckdb.IOException):
                raise StoreError(
                    f"writing to the store {self.path} failed and nothing was loaded: {reason(err)}"
                ) from None
            raise
        finally:
            if threads is not None:  # a database-wide setting: put back for what follows
                self._run(f"SET threads = {threads}")
        return ids

    def _one_thread(self) -> int | None:
        """Set DuckDB to one thread for a load into a small store (`ONE_THREAD_STORE_ROWS`);
        return the thread count to put back after it, or None where nothing was changed."""
        stored = self.con.execute("SELECT coalesce(sum(row_count), 0) FROM loads").fetchall()
        threads = int(self.con.execute("SELECT current_setting('threads')").fetchall()[0][0])
        if stored[0][0] > ONE_THREAD_STORE_ROWS or threads <= 1:
            return None
        self._run("SET threads = 1")
        return threads

    def _commit_logged(self) -> None:
        """COMMIT into the write-ahead log only, without the checkpoint DuckDB would make at
        once (a load's log is past its threshold): the load is as durable (a crash before the
        checkpoint leaves the log, which opening the store replays) and visible to the next
        reader as soon as this returns. The next commit past the threshold makes the checkpoint
        (`scorecard ingest`: the DfE rules' faults, on their thread while the measure refresh
        still runs), or closing the store does: the demo's COMMIT 0.28 -> 0.14 CPU s, the
        0.2 s checkpoint out of the path between the load and what follows it."""
        threshold = self.con.execute("SELECT current_setting('checkpoint_threshold')").fetchall()
        self._run("SET checkpoint_threshold = '1TB'")  # a database-wide setting: put back below
        try:
            self._run("COMMIT")
        finally:
            self._run("SET checkpoint_threshold = ?", [threshold[0][0]])

    def append_load(
        self,
        la_code: str,
        source_format: str,
        span: tuple[date, date],
        note: str,
        rows: dict[str, pa.Table],
    ) -> int:
        """Append rows that are already canonical (generated, not read from a file) as one load,
        in one transaction; return the number of rows. No replacing, merging or consistency
        checks: the caller (the synthetic England) writes each authority once into a new store."""
        with self.con.cursor() as cur:
            cur.execute("BEGIN TRANSACTION").fetchall()
            try:
                load_id = cur.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchall()[
                    0
                ][0]
                count = 0
                for name, part in rows.items():
                    n = part.num_rows
                    count += n
                    lineage = part.append_column("la_code", pa.array([la_code] * n, pa.string()))
                    lineage = lineage.append_column("load_id", pa.array([load_id] * n, pa.int32()))
                    lineage = lineage.append_column(
                        "source_row", pa.array(range(1, n + 1), pa.int32())
                    )
                    cur.register("_appended", lineage)
                    try:
                        cur.execute(
                            f'INSERT INTO "{table(name).name}" BY NAME SELECT * FROM _appended'
                        )
                    finally:
                        cur.unregister("_appended")
                cur.execute(
                    "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    # generated to the span's end: extracted then (`extraction_date`)
                    [
                        load_id,
                        la_code,
                        source_format,
                        *span,
                        note,
                        datetime.now(),
                        count,
                        0,
                        span[1],
                    ],
                ).fetchall()
                cur.execute("COMMIT").fetchall()
            except BaseException:
                cur.execute("ROLLBACK").fetchall()
                raise
        return count

    def _empty_tables(self) -> set[str]:
        """The canonical tables holding no row, in one statement: the first rows into one of
        them replace nothing, so they go in without the merge's join and delete (`_merge`)."""
        found = self.con.execute(
            " UNION ALL ".join(
                f"SELECT '{t.name}' WHERE NOT EXISTS (SELECT 1 FROM \"{t.name}\")"
                for t in tables().values()
            )
        ).fetchall()
        return {name for (name,) in found}

    def _load_one(
        self,
        batch: LoadBatch,
        load_id: int,
        replace: bool,
        fresh: dict[str, _Keys],
        extracted: date | None = None,
    ) -> int:
        day = extraction_date(batch, extracted)  # refused before anything of it is written
        if replace and batch.merge_by_key:  # asked to replace: the earlier file goes (rule 1)
            batch.merge_by_key = False
        earlier = self.con.execute(
            """SELECT load_id, row_count, files FROM loads WHERE source_format = ?
               AND la_code IS NOT DISTINCT FROM ? AND period_start IS NOT DISTINCT FROM ?
               AND period_end IS NOT DISTINCT FROM ?""",
            [batch.source_format, batch.la_code, batch.period_start, batch.period_end],
        ).fetchall()
        self._check_replacement(batch, [(r[0], r[1]) for r in earlier], replace)
        reloaded = [] if batch.merge_by_key else [r[0] for r in earlier]
        # the earlier loads read from files of the same kinds: they supplied the same columns
        alike = [r[0] for r in earlier if r[0] in reloaded and _kinds(r[2]) == _kinds(batch)]
        self._forget_earlier_load(batch, reloaded)
        for name, rows in batch.tables.items():
            self._merge(table(name), rows, batch, load_id, fresh, reloaded, alike)
            if reloaded:  # what the reload's rows did not replace goes too (rule 1)
                marks = ",".join("?" * len(reloaded))
                self._run(f'DELETE FROM "{name}" WHERE load_id IN ({marks})', reloaded)
        # Values the store's other rows contradict (ingest/consistency.py): issues of this load.
        batch.issues.extend(issues_against_store(self.con, batch, load_id))
        self._insert_issues(batch.issues, batch.la_code, load_id)
        self._run(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                day,
            ],
        )
        return load_id

    def _check_replacement(
        self, batch: LoadBatch, earlier: list[tuple[int, int | None]], replace: bool
    ) -> None:
        """Record what the batch replaces (`earlier`: the stored loads of the same return, id
        and rows); refuse a drop of more than MAX_DROP without `replace`."""
        if batch.merge_by_key or not earlier:  # merged row by row: nothing stored is dropped
            return
        change = Replacement(
            batch.source_format,
            batch.la_code,
            batch.period_start,
            batch.period_end,
            sum(rows or 0 for _, rows in earlier),
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

    def _forget_earlier_load(self, batch: LoadBatch, earlier: list[int]) -> None:
        """Remove the earlier loads of a reload, except their rows in the tables the batch
        writes: `_merge` reads those for the columns the batch does not supply, then they go."""
        if not earlier or batch.merge_by_key:  # merge_by_key: row by row in _merge instead
            return
        marks = ",".join("?" * len(earlier))
        for t in tables().values():
            if t.name in batch.tables:
                continue
            self._run(f'DELETE FROM "{t.name}" WHERE load_id IN ({marks})', earlier)
        self._run(f"DELETE FROM dq_issues WHERE load_id IN ({marks})", earlier)
        self._run(f"DELETE FROM loads WHERE load_id IN ({marks})", earlier)

    def _merge(
        self,
        t: Table,
        rows: pa.Table,
        batch: LoadBatch,
        load_id: int,
        fresh: dict[str, _Keys],
        reloaded: list[int],
        alike: list[int],
    ) -> None:
        """Write a batch's rows of one table, replacing the stored rows they cover (the rules
        are in the package's docstring). `fresh`: the keys loaded so far into the tables that
        held no row when the load began; rows none of whose keys is among them go in as they
        are (the first rows into such a table, and a yearly return's table whose rows no
        earlier year's share: a 903's reviews, a census's CP reviews: 45 of the demo ingest's
        111 merges).

        `reloaded`: the earlier loads of this return (rule 1), whose rows are still stored. The
        rows are merged with the other loads' rows as if those were gone, except that a column
        the batch does not supply keeps the value of the row of its key of an earlier load read
        from files of the same kinds (`alike`, which supplied the same columns): a merge gave
        that row the earlier load's id, and it holds there the values of the other loads' rows
        it replaced (Annex A's further_support_needed on a census assessment), which would
        otherwise be lost: loading the same return twice would store other values than once
        (the demo's 903 and CIN census again: 1,859 assessments lost further_support_needed)."""
        rows = _conform(t, rows, batch.la_code)
        supplied = set(rows.column_names)
        self.con.register("_incoming", rows)
        try:
            keys = fresh.get(t.name)
            if keys is not None and not keys.add(rows.select(t.full_key)):
                # nothing stored to merge with, replace or report replaced
                select = ", ".join(
                    f'CAST({load_id} AS INTEGER) AS "load_id"'
                    if c == "load_id"
                    else (f'n."{c}"' if c in supplied else f'NULL AS "{c}"')
                    for c in t.column_names
                )
                self._run(f'INSERT INTO "{t.name}" BY NAME SELECT {select} FROM _incoming n')
                return
            key_match = " AND ".join(f'n."{k}" IS NOT DISTINCT FROM o."{k}"' for k in t.full_key)
            partition = ", ".join(f'"{k}"' for k in t.full_key)
            others, kept = "", ""
            if reloaded:
                others = f"WHERE load_id NOT IN ({', '.join(str(int(i)) for i in reloaded)})"
            if alike:
                r_match = key_match.replace('o."', 'r."')
                kept = f"""LEFT JOIN (
                    SELECT * FROM "{t.name}"
                    WHERE load_id IN ({", ".join(str(int(i)) for i in alike)})
                    QUALIFY row_number() OVER (PARTITION BY {partition} ORDER BY load_id DESC) = 1
                ) r ON {r_match}"""

            def column(c: str) -> str:
                if c == "load_id":
                    return f'CAST({load_id} AS INTEGER) AS "load_id"'
                if batch.merge_by_key:  # one fact per row: replaced whole, never mixed
                    return f'n."{c}"' if c in supplied else f'NULL AS "{c}"'
                if c not in supplied:
                    return f'coalesce(o."{c}", r."{c}") AS "{c}"' if alike else f'o."{c}"'
                if c in t.full_key or c == "source_row":
                    return f'n."{c}"'
                # A blank in a later load means "not carried here" (a care leaver is not in a
                # later year's UASC file; Annex A list 3 has no closure), never "cleared".
                return f'coalesce(n."{c}", o."{c}") AS "{c}"'

            select = ", ".join(column(c) for c in t.column_names)
            if batch.merge_by_key:
                keys = ", ".join(f'o."{k}"' for k in t.key)
                batch.replaced.extend(
                    " ".join(str(v) for v in row)
                    for row in self.con.execute(
                        f'SELECT {keys} FROM "{t.name}" o WHERE EXISTS '
                        f"(SELECT 1 FROM _incoming n WHERE {key_match}) ORDER BY ALL"
                    ).fetchall()
                )
            # The merged rows go in first, read against the stored rows as they stand (a
            # statement sees the table as it was before it), then the stored rows they replace
            # go: two statements, no temporary table. No stored row has this load's id yet.
            self._run(
                f"""INSERT INTO "{t.name}" BY NAME SELECT {select} FROM _incoming n LEFT JOIN (
                    SELECT * FROM "{t.name}" {others}
                    QUALIFY row_number() OVER (PARTITION BY {partition} ORDER BY load_id DESC) = 1
                ) o ON {key_match} {kept}"""
            )
            self._run(
                f'DELETE FROM "{t.name}" o WHERE o.load_id IS DISTINCT FROM {load_id} '
                f"AND EXISTS (SELECT 1 FROM _incoming n WHERE {key_match})"
            )
        finally:
            self.con.unregister("_incoming")

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


class _Keys:
    """The keys of the rows loaded into one table during a load, when it held none before it:
    whether incoming rows may share a key with them is answered here, without a query. When
    one key column's incoming values are none of the values loaded in it (NULL matching NULL),
    no incoming key is a stored key (a year's reviews by date against other years' reviews);
    otherwise the rows go to the merge, which compares whole keys."""

    def __init__(self) -> None:
        self.first: pa.Table | None = None  # the first rows' keys, looked at only if asked
        self.values: list[pa.Array] = []  # each key column's distinct values loaded

    def add(self, keys: pa.Table) -> bool:
        """Add these rows' keys; return False when none can be a key loaded before."""
        if self.first is None and not self.values:  # the first rows into the table
            self.first = keys
            return False
        if self.first is not None:
            self.values = [pc.unique(c) for c in self.first.columns]
            self.first = None
        incoming = [pc.unique(c) for c in keys.columns]
        shared = True
        for i, c in enumerate(incoming):
            seen = pc.is_in(c, value_set=self.values[i])
            shared = shared and bool(pc.any(seen).as_py())
            self.values[i] = pa.concat_arrays([self.values[i], c.filter(pc.invert(seen))])
        return shared


def _kinds(files: LoadBatch | str | None) -> set[str]:
    """The kinds (suffixes) of a batch's files, or of a stored load's (`loads.files`)."""
    names = files.files if isinstance(files, LoadBatch) else (files or "").split("; ")
    return {PurePath(f).suffix.lower() for f in names}


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
