"""Snapshots the store keeps of what was said about it: the headline figures each report
published (`published_figures`, written by `report/history.py`) and the DfE rules' faults of
each date the data describes (`dq_rule_faults`, written by `quality/history.py`), and the copy
of a store as it stood at a date that both make reproducible. What is kept, and when, is those
modules' business; the tables' layout and the SQL over them are here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from csc_scorecard.model.schema import create_table
from csc_scorecard.store.bookkeeping import Bookkeeping
from csc_scorecard.store.opening import Opened

PUBLISHED_TABLE = "published_figures"
# name -> (type, description); the DDL and docs/schema.md both come from this.
PUBLISHED_COLUMNS: dict[str, tuple[str, str]] = {
    "report_id": ("VARCHAR", "the report: LA, quarter, version and when it was built"),
    "la_code": ("VARCHAR", "3-digit DfE LA number"),
    "report_period": ("VARCHAR", "the quarter the report is for, e.g. 2022-Q1"),
    "as_at": ("TIMESTAMP", "the data as it stood at this time (the build time, or --as-at)"),
    "publication": ("BOOLEAN", "the version prepared for publication (suppressed)"),
    "measure": ("VARCHAR", "catalogue measure id"),
    "period": ("VARCHAR", "the quarter the figure is for"),
    "value": ("DOUBLE", "the value published (NULL when not available or suppressed)"),
    "display": ("VARCHAR", "the figure as printed"),
    "status": ("VARCHAR", "ok, not_available, not_reportable or suppressed"),
}
PUBLISHED_DDL = create_table(PUBLISHED_TABLE, PUBLISHED_COLUMNS)
# A report's rows in one statement, each column a list parameter unnested side by side.
_INSERT_PUBLISHED = f'INSERT INTO "{PUBLISHED_TABLE}" SELECT ' + ", ".join(
    f"unnest(${n}::{kind}[])" for n, (kind, _) in enumerate(PUBLISHED_COLUMNS.values(), 1)
)

FAULTS_TABLE = "dq_rule_faults"
FAULTS_DDL = f"""CREATE TABLE IF NOT EXISTS {FAULTS_TABLE} (
  rule VARCHAR, "return" VARCHAR, "table" VARCHAR, "row" INTEGER, child VARCHAR, field VARCHAR,
  value VARCHAR, message VARCHAR, la_code VARCHAR, year INTEGER, load_id INTEGER,
  severity VARCHAR, checked_at TIMESTAMP, as_at DATE
)"""
# What each authority's snapshot was made from (`quality.history.basis`: the rules' version and
# the authority's loads), one row per snapshot, so a snapshot with no faults is told from none.
BASIS_TABLE = "dq_rule_fault_basis"
BASIS_DDL = f"""CREATE TABLE IF NOT EXISTS {BASIS_TABLE} (
  la_code VARCHAR, as_at DATE, basis VARCHAR, faults INTEGER, checked_at TIMESTAMP
)"""
BASIS_SCHEMA = pa.schema(
    [
        ("la_code", pa.string()),
        ("as_at", pa.date32()),
        ("basis", pa.string()),
        ("faults", pa.int32()),
        ("checked_at", pa.timestamp("us")),
    ]
)

# Tables an as-at copy leaves out: results are recomputed from the rows as they stood; the
# dashboard's accounts and sessions are not report data; the copy writes its own version.
# The snapshots' bases go too: a copy's loads differ, and its faults are checked afresh.
NOT_COPIED = {
    "measure_results", "users", "sessions", "login_failures", "audit", "store_meta", BASIS_TABLE
}  # fmt: skip


class Snapshots(Bookkeeping):
    """Reading and writing the published-figure and rule-fault snapshots; the as-at copy."""

    # -- published figures -----------------------------------------------------------------

    def keep_published(self, report: str, rows: Sequence[tuple]) -> None:
        """Keep a report's rows (`PUBLISHED_COLUMNS` in order), replacing any kept under its id,
        in one transaction."""
        self._run(PUBLISHED_DDL)
        self._run("BEGIN TRANSACTION")
        try:
            self._run(f"DELETE FROM {PUBLISHED_TABLE} WHERE report_id = ?", [report])
            if rows:  # one statement of a list per column (executemany ran one per row)
                self._run(_INSERT_PUBLISHED, [list(column) for column in zip(*rows, strict=True)])
            self._run("COMMIT")
        except duckdb.Error:
            self._run("ROLLBACK")
            raise

    def published_before(self, la_code: str, before_period: str) -> list[tuple]:
        """(measure, period, report id, report period, value, display) of every figure the
        authority's internal reports for quarters before `before_period` published with a
        value, oldest report first; none when no report was ever recorded."""
        try:
            return self.con.execute(
                f"""SELECT measure, period, report_id, report_period, value, display
                    FROM {PUBLISHED_TABLE} WHERE la_code = ? AND report_period < ?
                      AND NOT publication AND status = 'ok'
                    ORDER BY report_period, as_at, report_id""",
                [la_code, before_period],
            ).fetchall()
        except duckdb.CatalogException:  # no report recorded in this store yet
            return []

    # -- rule faults -----------------------------------------------------------------------

    def keep_rule_faults(
        self, faults: pa.Table, dates: dict[str, date], basis: dict[str, str] | None = None
    ) -> None:
        """Keep the faults (with `checked_at` and `as_at`) as each authority's snapshot of data
        as at its date in `dates`, replacing an earlier snapshot of that date, in one
        transaction; with `basis` ({la_code: what the snapshot was made from}), that too, so
        `current_rule_faults` can tell the snapshot is current (an authority without faults
        included)."""
        made_from = basis or {}
        checked = pc.max(faults.column("checked_at")).as_py() if faults.num_rows else None
        las = faults.column("la_code")
        marks = pa.table(
            {
                "la_code": list(made_from),
                "as_at": [dates[la] for la in made_from],
                "basis": list(made_from.values()),
                "faults": [pc.sum(pc.equal(las, la)).as_py() or 0 for la in made_from],
                "checked_at": [checked or datetime.now()] * len(made_from),
            },
            schema=BASIS_SCHEMA,
        )
        with self.con.cursor() as cur:
            cur.execute(FAULTS_DDL).fetchall()
            cur.execute(
                f"ALTER TABLE {FAULTS_TABLE} ADD COLUMN IF NOT EXISTS as_at DATE"
            ).fetchall()
            cur.execute(BASIS_DDL).fetchall()
            cur.register("_faults", faults)
            cur.register("_basis", marks)
            cur.execute("BEGIN TRANSACTION").fetchall()
            try:
                for la, day in dates.items():
                    cur.execute(
                        f"DELETE FROM {FAULTS_TABLE} WHERE la_code = ? "
                        "AND (as_at = ? OR as_at IS NULL)",
                        [la, day],
                    ).fetchall()
                    cur.execute(
                        f"DELETE FROM {BASIS_TABLE} WHERE la_code = ? AND as_at = ?", [la, day]
                    ).fetchall()
                cur.execute(f"INSERT INTO {FAULTS_TABLE} BY NAME SELECT * FROM _faults").fetchall()
                cur.execute(f"INSERT INTO {BASIS_TABLE} BY NAME SELECT * FROM _basis").fetchall()
                cur.execute("COMMIT").fetchall()
            except BaseException:
                cur.execute("ROLLBACK").fetchall()
                raise
            finally:
                cur.unregister("_faults")
                cur.unregister("_basis")

    def current_rule_faults(
        self, basis: dict[str, str], columns: Sequence[str]
    ) -> tuple[pa.Table | None, set[str]]:
        """The faults (these columns) of each authority's snapshot made from exactly `basis`
        ({la_code: basis}), and the authorities that have one (with no faults or some); (None,
        set()) when none has."""
        found = self.snapshots_made_from(basis)
        if not found:
            return None, set()
        names = ", ".join(f'f."{c}"' for c in columns)
        with self.con.cursor() as cur:
            rows = cur.sql(
                f"SELECT {names} FROM {FAULTS_TABLE} f JOIN (SELECT unnest($las::VARCHAR[]) AS "
                "la_code, unnest($days::DATE[]) AS as_at) c "
                "ON f.la_code = c.la_code AND f.as_at = c.as_at",
                params={"las": list(found), "days": list(found.values())},
            ).to_arrow_table()
        return rows, set(found)

    def snapshots_made_from(self, basis: dict[str, str]) -> dict[str, date]:
        """{la_code: the date of its latest faults snapshot made from exactly `basis`}
        ({la_code: basis}); an authority with none is left out."""
        if not basis or not self.has_table(BASIS_TABLE):
            return {}
        # The keys as list parameters, not registered Arrow tables: building those from Python
        # values loads pandas (pyarrow looks for its types), 0.2 s of a fresh measure run.
        with self.con.cursor() as cur:
            found = cur.execute(
                f"""SELECT b.la_code, max(b.as_at) FROM {BASIS_TABLE} b
                    JOIN (SELECT unnest(?::VARCHAR[]) AS la_code, unnest(?::VARCHAR[]) AS basis) w
                    ON b.la_code = w.la_code AND b.basis = w.basis
                    GROUP BY b.la_code""",
                [list(basis), list(basis.values())],
            ).fetchall()
        return dict(found)

    def rule_fault_snapshot(
        self, la_code: str, end: date, columns: Sequence[str]
    ) -> tuple[date, pa.Table] | None:
        """The date and faults (these columns) of the authority's latest snapshot of data as at
        `end` or before; None when there is none."""
        with self.con.cursor() as cur:
            have = cur.execute(
                "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? "
                "AND column_name = 'as_at'",
                [FAULTS_TABLE],
            ).fetchall()[0][0]
            if not have:
                return None
            # a check that found no fault has no row of faults, only its basis row: without
            # it the check before (with faults) would be taken for the data as at `end`
            dated = [f"SELECT as_at FROM {FAULTS_TABLE} WHERE la_code = $la AND as_at <= $end"]
            if self.has_table(BASIS_TABLE):
                dated.append(
                    f"SELECT as_at FROM {BASIS_TABLE} WHERE la_code = $la AND as_at <= $end"
                )
            day = cur.execute(
                f"SELECT max(as_at) FROM ({' UNION ALL '.join(dated)})",
                {"la": la_code, "end": end},
            ).fetchall()[0][0]
            if day is None:
                return None
            names = ", ".join(f'"{c}"' for c in columns)
            rows = cur.sql(
                f"SELECT {names} FROM {FAULTS_TABLE} WHERE la_code = $la AND as_at = $day",
                params={"la": la_code, "day": day},
            ).to_arrow_table()
        return day, rows

    # -- as at a date ----------------------------------------------------------------------

    def copy_as_at(
        self,
        copy: Opened,
        cutoff: datetime,
        adjust: dict[str, Callable[[pa.Table], pa.Table]] | None = None,
    ) -> None:
        """Write into `copy` (a new store) what this store held at `cutoff`: the loads made by
        then and their rows and issues, the reports published and the faults checked by then,
        every other table whole (reference tables), each table's rows passed through its
        `adjust` function if it has one."""
        src = self.con
        loads = self.loaded_by(cutoff)
        names = [
            r[0]
            for r in src.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                "ORDER BY table_name"
            ).fetchall()
        ]
        for name in names:
            if name in NOT_COPIED:
                continue
            columns = {
                r[0]
                for r in src.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [name]
                ).fetchall()
            }
            where, params = "", []
            if name == "loads":
                where, params = "WHERE loaded_at <= $1", [cutoff]
            elif name == PUBLISHED_TABLE:
                where, params = "WHERE as_at <= $1", [cutoff]
            elif "load_id" in columns:
                where = f"WHERE load_id IN ({', '.join(str(i) for i in loads) or 'NULL'})"
                if "checked_at" in columns:  # rule-fault snapshots taken by then
                    where, params = where + " AND checked_at <= $1", [cutoff]
            rows = src.sql(
                f'SELECT * FROM "{name}" {where}', params=params or None
            ).to_arrow_table()
            if adjust and name in adjust:
                rows = adjust[name](rows)
            copy.con.execute(_ddl(src, name)).fetchall()
            copy.con.register("_rows", rows)
            try:
                copy.con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _rows').fetchall()
            finally:
                copy.con.unregister("_rows")


def _ddl(src: duckdb.DuckDBPyConnection, name: str) -> str:
    sql = src.execute(
        "SELECT sql FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [name]
    ).fetchall()[0][0]
    return sql.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1)
