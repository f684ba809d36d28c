"""Faults kept in the store, per load, so a quarter's report can say what was fixed.

`record(store)` runs the rules over the store and replaces the table `dq_rule_faults` for the
authorities checked: one row per fault with the load that wrote the faulty row. `changes`
compares the faults in the data as it stood at the end of two quarters (the loads whose period
had ended by each quarter's end: the 2023-24 903 counts from the quarter ending 31 March 2024): *opened* are faults present now and not then, *closed* the
reverse, matched on (return, rule, child, table, field).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import duckdb
import pyarrow as pa

from csc_scorecard.quality.runner import FAULT_SCHEMA, run_rules

TABLE = "dq_rule_faults"
DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
  rule VARCHAR, "return" VARCHAR, "table" VARCHAR, "row" INTEGER, child VARCHAR, field VARCHAR,
  value VARCHAR, message VARCHAR, la_code VARCHAR, year INTEGER, load_id INTEGER,
  severity VARCHAR, checked_at TIMESTAMP
)"""
MATCH = ("return", "rule", "child", "table", "field")


def record(con: duckdb.DuckDBPyConnection, la_codes: Sequence[str]) -> int:
    """Run every rule over the authorities' rows and store the faults; returns how many."""
    faults = run_rules(con, la_codes=la_codes).faults
    stamp = pa.array([datetime.now()] * faults.num_rows, pa.timestamp("us"))
    con.execute(DDL).fetchall()
    marks = ", ".join("?" * len(la_codes))
    con.execute(f"DELETE FROM {TABLE} WHERE la_code IN ({marks})", list(la_codes)).fetchall()
    con.register("_faults", faults.append_column("checked_at", stamp))
    try:
        con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM _faults").fetchall()
    finally:
        con.unregister("_faults")
    return faults.num_rows


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


def changes(con: duckdb.DuckDBPyConnection, la_code: str, now: date, then: date) -> Changes:
    """Faults opened and closed between the data as at `then` and as at `now`."""
    current = run_rules(con, la_codes=[la_code], load_ids=loads_by(con, la_code, now)).faults
    before = run_rules(con, la_codes=[la_code], load_ids=loads_by(con, la_code, then)).faults
    return Changes(opened=_minus(current, before), closed=_minus(before, current))


def _minus(a: pa.Table, b: pa.Table) -> pa.Table:
    with duckdb.connect(":memory:") as con:
        con.register("a", a)
        con.register("b", b)
        on = " AND ".join(f'a."{c}" IS NOT DISTINCT FROM b."{c}"' for c in MATCH)
        return con.sql(f"SELECT a.* FROM a ANTI JOIN b ON {on}").to_arrow_table().cast(FAULT_SCHEMA)
