"""Run the DfE rules over a store's rows: one tidy table of faults.

Columns of the fault table (FAULT_COLUMNS): rule, return, table, row, child, field, value,
message, then la_code, year (collection year ending 31 March), load_id and severity. Every rule
runs as one SQL query over the scoped tables (quality.scope); a rule whose tables hold no rows
for the return cannot run and is reported once, in `not_run`, never once per row. A rule marked
`any_rows` runs when any of its tables has rows, reading the empty ones as empty (the scope
creates every table it reads, rows or none).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from csc_scorecard.quality import scope as scoping
from csc_scorecard.quality.rules import KEY, RETURNS, SCOPED, Return, Rule, rules

FAULT_COLUMNS = ["rule", "return", "table", "row", "child", "field", "value", "message"]
FAULT_SCHEMA = pa.schema(
    [
        ("rule", pa.string()),
        ("return", pa.string()),
        ("table", pa.string()),
        ("row", pa.int32()),
        ("child", pa.string()),
        ("field", pa.string()),
        ("value", pa.string()),
        ("message", pa.string()),
        ("la_code", pa.string()),
        ("year", pa.int32()),
        ("load_id", pa.int32()),
        ("severity", pa.string()),
    ]
)


@dataclass
class NotRun:
    ret: Return
    reason: str
    codes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        shown = ", ".join(self.codes)
        return f"{len(self.codes)} {self.ret} rule(s) not run: {self.reason} ({shown})"


@dataclass
class RuleResult:
    faults: pa.Table
    rules_run: list[Rule] = field(default_factory=list)
    not_run: list[NotRun] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)  # returns the store held rows for
    seconds: dict[str, float] = field(default_factory=dict)  # "prepare" (scope), "rules"


def run_rules(
    source: duckdb.DuckDBPyConnection,
    *,
    la_codes: Sequence[str] | None = None,
    load_ids: Sequence[int] | None = None,
    only: Iterable[Rule] | None = None,
) -> RuleResult:
    """Every rule (or `only` these) over the rows of `source` (a store connection)."""
    chosen = list(only) if only is not None else rules()
    started = time.perf_counter()
    needs = {(r.ret, t) for r in chosen for t in r.needs}  # only the tables the rules read
    scope = scoping.build(source, la_codes=la_codes, load_ids=load_ids, needs=needs)
    prepared = time.perf_counter()
    try:
        result = _run(scope, chosen)
    finally:
        scope.close()
    result.seconds = {"prepare": prepared - started, "rules": time.perf_counter() - prepared}
    return result


def _run(scope: scoping.Scope, chosen: list[Rule]) -> RuleResult:
    parts: list[pa.Table] = []
    result = RuleResult(faults=FAULT_SCHEMA.empty_table())
    for ret in RETURNS:
        mine = [r for r in chosen if r.ret == ret]
        if not mine or not scope.has(ret):
            continue
        result.returns.append(ret)
        scope.use(ret)
        missing: dict[str, NotRun] = {}
        runnable: list[Rule] = []
        for r in mine:
            empty = [t for t in r.needs if not scope.rows.get((ret, t))]
            if empty and (not r.any_rows or len(empty) == len(r.needs)):
                reason = "no " + " or ".join(f"{SCOPED[ret][t]} ({t})" for t in empty) + " rows"
                missing.setdefault(reason, NotRun(ret, reason)).codes.append(r.code)
                continue
            runnable.append(r)
        parts.append(_all_faults(scope.con, runnable))
        result.rules_run.extend(runnable)
        result.not_run.extend(missing.values())
    if parts:
        result.faults = pa.concat_tables(parts).sort_by(
            [
                ("return", "descending"),
                ("la_code", "ascending"),
                ("table", "ascending"),
                ("row", "ascending"),
                ("rule", "ascending"),
            ]
        )
    return result


def fault_query(r: Rule, columns: Sequence[str], index: int = 0) -> str:
    """The rule's query wrapped to give the row-level fault columns (filtered to its years);
    `i` numbers the rule within one run, and the rule's code, return, message and severity are
    added from it afterwards, so the query never carries them per row."""
    value = "value" if "value" in columns else r.column
    field_expr = "field" if "field" in columns else _lit(r.fields[0] if r.fields else "")
    first, last = r.years
    years = []
    if first is not None:
        years.append(f"year(cy_end) >= {int(first)}")
    if last is not None:
        years.append(f"year(cy_end) <= {int(last)}")
    where = f"WHERE {' AND '.join(years)}" if years else ""
    return f"""SELECT DISTINCT {int(index)} AS i, _table AS "table", CAST("row" AS INTEGER) AS "row",
        child_id AS child, {field_expr} AS field, CAST({value} AS VARCHAR) AS value, la_code,
        CAST(year(cy_end) AS INTEGER) AS year, CAST(load_id AS INTEGER) AS load_id
    FROM ({r.sql}) q {where}"""


def _wrapped(con: duckdb.DuckDBPyConnection, r: Rule, index: int) -> str:
    columns = con.sql(r.sql).columns  # binds the query, does not run it
    missing = [c for c in KEY.replace(" ", "").split(",") if c not in columns]
    if missing:
        raise ValueError(f"rule {r.code}: its query does not return {missing}")
    return fault_query(r, columns, index)


def _all_faults(con: duckdb.DuckDBPyConnection, chosen: list[Rule]) -> pa.Table:
    """Every rule's faults from one query (one plan, run in parallel by DuckDB)."""
    if not chosen:
        return FAULT_SCHEMA.empty_table()
    union = "\nUNION ALL\n".join(_wrapped(con, r, i) for i, r in enumerate(chosen))
    rows = con.sql(union).to_arrow_table()
    which = rows.column("i")
    meta = {
        "rule": [r.code for r in chosen],
        "return": [r.ret for r in chosen],
        "message": [r.message for r in chosen],
        "severity": [r.severity for r in chosen],
    }
    columns = {
        name: pa.array(values, pa.string()).take(which) if name in meta else rows.column(name)
        for name, values in ((n, meta.get(n)) for n in FAULT_SCHEMA.names)
    }
    return pa.table(columns).cast(FAULT_SCHEMA)


def _lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"
