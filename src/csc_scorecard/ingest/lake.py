"""Read a lake written by `scorecard export` back as the loads it came from.

Each load recorded in the lake becomes one `LoadBatch` with its original format, authority,
period, files, rows and data-quality issues, so loading a lake replays its history: the store's
usual rules then apply (a return already stored for the same format, authority and period is
replaced, and the command says so). Rows and issues are read with DuckDB straight from Parquet.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from csc_scorecard.model.batch import FormatError, Issue, LoadBatch
from csc_scorecard.model.lake import SYSTEM_TABLES, LakeError, read_manifest
from csc_scorecard.model.schema import tables

_ISSUE_FIELDS = ("rule", "message", "file", "sheet", "row", "child_id", "field", "value")


def read_lake(folder: Path, *, la_code: str | None = None) -> list[LoadBatch]:
    """The lake's loads (only `la_code`'s and the reference loads, when given), oldest first."""
    folder = Path(folder)
    try:
        manifest = read_manifest(folder)
    except LakeError as err:
        raise FormatError(folder, str(err).removeprefix(f"{folder}: ")) from None
    if la_code and la_code not in manifest.authorities:
        raise FormatError(
            folder, f"the lake holds authorities {', '.join(manifest.authorities)}, not {la_code}"
        )
    con = duckdb.connect()  # in memory: each table is read from Parquet once
    try:
        for name in (*tables(), *SYSTEM_TABLES):
            glob = str(folder / name / "**" / "*.parquet").replace("'", "''")
            con.execute(
                f"CREATE TABLE \"{name}\" AS SELECT * FROM read_parquet('{glob}', "
                "hive_partitioning = false, union_by_name = true)"
            ).fetchall()
        where = "WHERE la_code = ? OR la_code IS NULL" if la_code else ""
        # a lake exported before loads recorded their extraction has no `extracted` column
        names = {r[0] for r in con.execute("DESCRIBE loads").fetchall()}
        extracted = "extracted" if "extracted" in names else "NULL::DATE"
        loads = con.execute(
            f"SELECT load_id, la_code, source_format, period_start, period_end, files, "
            f"{extracted} FROM loads {where} ORDER BY load_id",
            [la_code] if la_code else [],
        ).fetchall()
        orphans = _orphan_rows(con, {row[0] for row in loads}, la_code)
        if orphans:
            raise FormatError(folder / orphans, "rows whose load is not in the lake's loads table")
        return [_batch(con, *row) for row in loads]
    except duckdb.Error as err:
        raise FormatError(folder, f"unreadable Parquet: {str(err).splitlines()[0]}") from None
    finally:
        con.close()


def _orphan_rows(con: duckdb.DuckDBPyConnection, known: set[int], la_code: str | None) -> str:
    """The first table holding rows of a load the lake does not list (a damaged lake)."""
    for name, t in tables().items():
        where = " AND la_code = ?" if (la_code and t.la_scoped) else ""
        ids = con.execute(
            f'SELECT DISTINCT load_id FROM "{name}" WHERE load_id IS NOT NULL{where}',
            [la_code] if where else [],
        ).fetchall()
        if any(i[0] not in known for i in ids):
            return name
    return ""


def _batch(
    con: duckdb.DuckDBPyConnection, load_id, la, source_format, start, end, files, extracted
) -> LoadBatch:
    batch = LoadBatch(
        source_format=source_format,
        la_code=la,
        period_start=start,
        period_end=end,
        files=[f for f in (files or "").split("; ") if f],
        extracted=extracted,
    )
    for name, t in tables().items():
        cols = ", ".join(f'"{c}"' for c in t.column_names if c != "load_id")
        rows: pa.Table = con.sql(
            f'SELECT {cols} FROM "{name}" WHERE load_id = ?', params=[load_id]
        ).to_arrow_table()
        if rows.num_rows:
            batch.tables[name] = rows
    for record in con.execute(
        'SELECT rule, message, file, sheet, "row", child_id, field, value, severity, '
        "table_name, column_name FROM dq_issues WHERE load_id = ?",
        [load_id],
    ).fetchall():
        batch.issues.append(
            Issue(
                **dict(zip(_ISSUE_FIELDS, record[:8], strict=True)),
                severity=record[8] or "error",
                table=record[9],
                column=record[10],
            )
        )
    return batch
