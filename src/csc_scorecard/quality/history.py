"""Faults kept in the store, one snapshot per date the data describes, so a quarter's report can
say what was fixed.

Every `scorecard ingest` (and a web upload, and `scorecard quality --record`) runs the rules over
the authority's rows and keeps the faults in `dq_rule_faults` (`record_after_load`): one row per
fault with the load that wrote the faulty row, the time of the check (`checked_at`) and the date
the data describes (`as_at`: the latest period end of the authority's 903 and CIN census loads).
A later check of data as at the same date (a corrected file reloaded) replaces that snapshot;
data as at a later date adds one. So the table is the history of the authority's faults, one
snapshot per period its returns covered.

`changes` compares the faults in the data as it stood at the end of two quarters, *opened* being
faults present now and not then, *closed* the reverse, matched on (return, rule, child, table,
field). It reads the stored snapshots (the latest as at each quarter's end) when the store holds
one for both; otherwise it reconstructs both from the loads whose period had ended by each
quarter's end (the 2023-24 903 counts from the quarter ending 31 March 2024), which is close but
not exact: a row that a later return carried again (an episode open across 31 March) now
belongs to the later load, so the earlier data looks to have had fewer faults than it had.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import duckdb
import pyarrow as pa

from csc_scorecard.quality.runner import FAULT_SCHEMA, run_rules
from csc_scorecard.quality.scope import SOURCE_FORMAT

TABLE = "dq_rule_faults"
DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
  rule VARCHAR, "return" VARCHAR, "table" VARCHAR, "row" INTEGER, child VARCHAR, field VARCHAR,
  value VARCHAR, message VARCHAR, la_code VARCHAR, year INTEGER, load_id INTEGER,
  severity VARCHAR, checked_at TIMESTAMP, as_at DATE
)"""
MATCH = ("return", "rule", "child", "table", "field")
_FORMATS = ", ".join(f"'{f}'" for f in SOURCE_FORMAT.values())


def as_at(con: duckdb.DuckDBPyConnection, la_code: str) -> date | None:
    """The date the authority's returns describe: the latest period end of its 903 and CIN
    census loads (None when it has none: no rule can run)."""
    with con.cursor() as cur:
        found = cur.execute(
            f"SELECT max(period_end) FROM loads WHERE la_code = ? AND source_format IN ({_FORMATS})",
            [la_code],
        ).fetchall()
    return found[0][0] if found else None


def record(con: duckdb.DuckDBPyConnection, la_codes: Sequence[str]) -> int:
    """Run every rule over the authorities' rows and keep the faults as the snapshot of the data
    as at its latest period end (replacing an earlier check of data as at that date); returns
    how many faults were kept."""
    dates = {la: d for la in la_codes if (d := as_at(con, la)) is not None}
    if not dates:
        return 0
    faults = run_rules(con, la_codes=sorted(dates)).faults
    n = faults.num_rows
    kept = faults.append_column(
        "checked_at", pa.array([datetime.now()] * n, pa.timestamp("us"))
    ).append_column(
        "as_at", pa.array([dates[la] for la in faults.column("la_code").to_pylist()], pa.date32())
    )
    with con.cursor() as cur:
        cur.execute(DDL).fetchall()
        cur.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS as_at DATE").fetchall()
        for la, day in dates.items():
            cur.execute(
                f"DELETE FROM {TABLE} WHERE la_code = ? AND (as_at = ? OR as_at IS NULL)",
                [la, day],
            ).fetchall()
        cur.register("_faults", kept)
        try:
            cur.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM _faults").fetchall()
        finally:
            cur.unregister("_faults")
    return n


def record_after_load(con: duckdb.DuckDBPyConnection, la_codes: Iterable[str]) -> str:
    """`record` for a command that has just loaded data (`scorecard ingest`, a web upload): one
    line to print. The load is committed already, so a rule that fails is reported, not raised."""
    codes = sorted({c for c in la_codes if c})
    try:
        n = record(con, codes)
    except Exception as error:  # noqa: BLE001 - the load stands; say why faults were not kept
        first = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return f"warning: DfE validation faults not recorded ({first}); `scorecard quality --record` retries"
    return f"DfE validation rules: {n:,} faults recorded"


def loads_by(con: duckdb.DuckDBPyConnection, la_code: str, end: date) -> list[int]:
    """The authority's loads whose period ended on or before `end` (the data as at that date)."""
    rows = con.execute(
        "SELECT load_id FROM loads WHERE la_code = ? AND (period_end IS NULL OR period_end <= ?)",
        [la_code, end],
    ).fetchall()
    return [r[0] for r in rows]


@dataclass
class Changes:
    opened: pa.Table
    closed: pa.Table
    current: pa.Table  # the faults in the data as at `now`
    basis: Literal["recorded", "reconstructed"] = "reconstructed"


def changes(con: duckdb.DuckDBPyConnection, la_code: str, now: date, then: date) -> Changes:
    """Faults opened and closed between the data as at `then` and as at `now`: from the stored
    snapshots when there is one for each date, else reconstructed from the loads."""
    current, before = _snapshot(con, la_code, now), _snapshot(con, la_code, then)
    basis: Literal["recorded", "reconstructed"] = "recorded"
    if current is None or before is None:
        basis = "reconstructed"
        current = run_rules(con, la_codes=[la_code], load_ids=loads_by(con, la_code, now)).faults
        before = run_rules(con, la_codes=[la_code], load_ids=loads_by(con, la_code, then)).faults
    return Changes(_minus(current, before), _minus(before, current), current, basis)


def _snapshot(con: duckdb.DuckDBPyConnection, la_code: str, end: date) -> pa.Table | None:
    """The stored faults of the latest snapshot of data as at `end` or before (None if none)."""
    with con.cursor() as cur:
        have = cur.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = 'as_at'",
            [TABLE],
        ).fetchall()[0][0]
        if not have:
            return None
        day = cur.execute(
            f"SELECT max(as_at) FROM {TABLE} WHERE la_code = ? AND as_at <= ?", [la_code, end]
        ).fetchall()[0][0]
        if day is None:
            return None
        names = ", ".join(f'"{c}"' for c in FAULT_SCHEMA.names)
        rows = cur.sql(
            f"SELECT {names} FROM {TABLE} WHERE la_code = $la AND as_at = $day",
            params={"la": la_code, "day": day},
        ).to_arrow_table()
    return rows.cast(FAULT_SCHEMA)


def _minus(a: pa.Table, b: pa.Table) -> pa.Table:
    with duckdb.connect(":memory:") as con:
        con.register("a", a)
        con.register("b", b)
        on = " AND ".join(f'a."{c}" IS NOT DISTINCT FROM b."{c}"' for c in MATCH)
        return con.sql(f"SELECT a.* FROM a ANTI JOIN b ON {on}").to_arrow_table().cast(FAULT_SCHEMA)
